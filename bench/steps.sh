#!/usr/bin/env bash
# bench/steps.sh (part of make bench): issue 4's benchmark — the person page with its
# timeline (phases, attendance, notes, steps, plan versions), the timeline alone (its API)
# and the group's step grid under wrk, on a generated group of 15 with two years of step work: the measured person
# has 300 notes, 150 attendance days, all twelve steps worked (one reopened) and 40 plan
# versions (bench/gen_steps.c). On SQLite and (if PostgreSQL is installed) PostgreSQL.
#
#   bench/steps.sh    TOLV_BIN (default build/tolv), GEN_STEPS (default next to it in
#                     bench/gen_steps), BENCH_DURATION (10s), BENCH_THREADS (2),
#                     BENCH_CONNECTIONS (16), BENCH_BACKENDS ("sqlite pg")
#
# Target: p99 < 25 ms on each page at 16 connections, every answer 200. Prints a table
# with PASS/FAIL and exits 1 if a target is missed. Everything it starts is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TOLV_BIN:-build/tolv}
GEN=${GEN_STEPS:-$(dirname "$BIN")/bench/gen_steps}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
BACKENDS=${BENCH_BACKENDS:-sqlite pg}
ORG="Benchkommune"
ADMIN="bench@bench.example"
THER="target@bench.example"
PW="Bench-passord-for-tolv-1"
P99_MAX=25

BENCH_NAME=bench-steps
# shellcheck source=bench/lib.sh
. bench/lib.sh

[ -x "$BIN" ] || die "no tolv binary at $BIN (run 'make build' first, or set TOLV_BIN)"
[ -x "$GEN" ] || die "no generator at $GEN (it is built with tolv: ninja -C build)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"

# one BACKEND: a fresh database, the generator, the server, the two pages.
one() {
	local backend=$1 db
	if [ "$backend" = sqlite ]; then
		db="sqlite:$tmp/steps.db"
	else
		psql "$pgbase" -q -c "DROP DATABASE IF EXISTS bench_steps" -c "CREATE DATABASE bench_steps" >/dev/null ||
			die "cannot create database bench_steps"
		db="${pgbase%/*}/bench_steps"
	fi
	TOLV_ADMIN_PASSWORD="$PW" "$BIN" init --db "$db" --org "$ORG" --admin "$ADMIN" >"$tmp/init.log" 2>&1 ||
		die "tolv init failed: $(cat "$tmp/init.log")"
	TOLV_USER_PASSWORD="$PW" "$BIN" user add "$THER" --org "$ORG" --role therapist --name "Bench Target" \
		--db "$db" >/dev/null || die "could not add the therapist"
	local t0 t1 out person group
	t0=$(date +%s.%N)
	out=$("$GEN" --db "$db" --org "$ORG" --therapist "$THER" --group 15 --notes 300 --days 150 2>"$tmp/gen.log") ||
		die "gen_steps failed: $(cat "$tmp/gen.log")"
	t1=$(date +%s.%N)
	person=$(echo "$out" | sed -n 's/^person=//p')
	group=$(echo "$out" | sed -n 's/^group=//p')
	echo "bench-steps: $backend: generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')s" >&2

	serve "$db"
	local cookie
	cookie=$(login "$THER" "$PW")
	local timeline="http://127.0.0.1:$port/persons/$person" grid="http://127.0.0.1:$port/groups/$group/steps"
	curl -fs -o "$tmp/timeline.html" -b "$cookie" "$timeline" || die "the person page does not answer 200"
	curl -fs -o /dev/null -b "$cookie" "$grid" || die "the step grid does not answer 200"
	local items
	items=$(grep -o '<li><time' "$tmp/timeline.html" | wc -l)
	[ "$items" -ge 450 ] || die "the timeline shows only $items lines (expected the two years' history)"
	echo "bench-steps: $backend: the timeline shows $items lines" >&2
	measure "$backend-timeline" "$timeline" "$cookie"
	measure "$backend-api" "http://127.0.0.1:$port/api/v1/persons/$person/timeline" "$cookie"
	measure "$backend-grid" "$grid" "$cookie"
	kill -TERM "$tolv_pid" 2>/dev/null || true
	wait "$tolv_pid" 2>/dev/null || true
	tolv_pid=""
}

pgbase=""
ran=""
for b in $BACKENDS; do
	case "$b" in
	sqlite) ;;
	pg)
		if ! command -v psql >/dev/null; then
			echo "bench-steps: PostgreSQL is not installed; SQLite only" >&2
			continue
		fi
		pgdir=$(mktemp -d /tmp/tolv-bench-pg.XXXXXX)
		rmdir "$pgdir"
		pgbase=$(scripts/pg-temp.sh start "$pgdir") || die "could not start PostgreSQL"
		;;
	*) die "unknown backend $b" ;;
	esac
	one "$b"
	ran="$ran $b"
done

fail=0
echo
printf '%-44s %11s %9s %9s   %s\n' "page" "requests/s" "p50 ms" "p99 ms" "target"
for b in $ran; do
	for page in timeline api grid; do
		read -r rate p50 p99 bad _ <"$tmp/$b-$page.res"
		verdict=PASS
		notes="p99 < $P99_MAX ms"
		if awk -v p="$p99" -v w="$P99_MAX" 'BEGIN { exit !(p >= w) }'; then verdict=FAIL; fi
		if [ "$bad" != 0 ]; then verdict=FAIL notes="$bad non-2xx answers"; fi
		[ "$verdict" = PASS ] || fail=1
		case $page in
		timeline) label="GET /persons/{id}" ;;
		api) label="GET /api/v1/persons/{id}/timeline" ;;
		grid) label="GET /groups/{id}/steps" ;;
		esac
		printf '%-44s %11.0f %9.2f %9.2f   %-5s %s\n' "$b $label" "$rate" "$p50" "$p99" "$verdict" "$notes"
	done
done
echo
if [ "$fail" = 1 ]; then
	echo "bench-steps: some targets were missed"
	exit 1
fi
echo "bench-steps: every target met"
