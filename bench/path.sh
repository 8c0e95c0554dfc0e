#!/usr/bin/env bash
# bench/path.sh (make bench-path): issue 3's benchmark — the day roster page and the
# caseload page under wrk, on a generated organisation with 2,000 people and 100,000
# attendance rows, and again on an installation 15 times larger (30,000 people, 1.5
# million rows), on SQLite and (if PostgreSQL is installed) on PostgreSQL.
#
#   bench/path.sh     TOLV_BIN (default build/tolv), GEN_PATH (default next to it in
#                     bench/gen_path), BENCH_DURATION (10s), BENCH_THREADS (2),
#                     BENCH_CONNECTIONS (16), BENCH_BACKENDS ("sqlite pg"), BENCH_RUNS (3)
#
# Targets: p99 < 25 ms on both pages at 16 connections, and the larger installation's p99
# within 20 % of the smaller's (a page's cost must not grow with the database). Each page is
# measured BENCH_RUNS times, the small and the large installation in turns; the run with the
# median p99 is judged, and every run's p99 is printed beside it. Prints a table with PASS/FAIL and exits 1 if a target is missed.
# Everything it starts is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TOLV_BIN:-build/tolv}
GEN=${GEN_PATH:-$(dirname "$BIN")/bench/gen_path}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
BACKENDS=${BENCH_BACKENDS:-sqlite pg}
ORG="Benchkommune"
ADMIN="bench@bench.example"
THER="target@bench.example"
PW="Bench-passord-for-tolv-1"
P99_MAX=25
GROWTH_MAX=1.20

BENCH_NAME=bench-path
# shellcheck source=bench/lib.sh
. bench/lib.sh

[ -x "$BIN" ] || die "no tolv binary at $BIN (run 'make build' first, or set TOLV_BIN)"
[ -x "$GEN" ] || die "no generator at $GEN (it is built with tolv: ninja -C build)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"

# prepare BACKEND SCALE PEOPLE ROWS: a fresh database and the generator; sets db and group.
prepare() {
	local backend=$1 scale=$2 people=$3 rows=$4
	if [ "$backend" = sqlite ]; then
		db="sqlite:$tmp/$scale.db"
	else
		local name="bench_path_$scale"
		psql "$pgbase" -q -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null ||
			die "cannot create database $name"
		db="${pgbase%/*}/$name"
	fi
	TOLV_ADMIN_PASSWORD="$PW" "$BIN" init --db "$db" --org "$ORG" --admin "$ADMIN" >"$tmp/init.log" 2>&1 ||
		die "tolv init failed: $(cat "$tmp/init.log")"
	TOLV_USER_PASSWORD="$PW" "$BIN" user add "$THER" --org "$ORG" --role therapist --name "Bench Target" \
		--db "$db" >/dev/null || die "could not add the therapist"
	local t0 t1 out gen_s
	t0=$(date +%s.%N)
	out=$("$GEN" --db "$db" --org "$ORG" --therapist "$THER" --people "$people" --rows "$rows" 2>"$tmp/gen.log") ||
		die "gen_path failed: $(cat "$tmp/gen.log")"
	t1=$(date +%s.%N)
	group=$(echo "$out" | sed -n 's/^group=//p')
	gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "bench-path: $backend $scale: $people people, $rows rows generated in ${gen_s}s" >&2
	# The pages are measured on a settled installation, not during the load's aftermath:
	# PostgreSQL's checkpoint of the generated rows and the kernel's writeback of dirty
	# pages would otherwise land in the middle of the measurement (and in the fsyncs of
	# the audit log's commits).
	if [ "$backend" = pg ]; then psql "$db" -q -c CHECKPOINT >/dev/null || die "CHECKPOINT failed"; fi
	sync
}

# both BACKEND: the small and the large installation, a server on each, then the two pages
# measured in turns — small, large, small, large… — so that a slow spell of the machine
# falls on both sizes alike instead of on whichever happened to be measured then.
both() {
	local backend=$1 scale
	declare -A url_roster url_caseload cookie_of
	local day
	day=$(date +%F)
	while [ "$(date -d "$day" +%u)" -gt 5 ]; do day=$(date -d "$day - 1 day" +%F); done
	for scale in small large; do
		if [ $scale = small ]; then prepare "$backend" small 2000 100000; else prepare "$backend" large 30000 1500000; fi
		serve "$db"
		extra_pids="$extra_pids $tolv_pid"
		tolv_pid=""
		cookie_of[$scale]=$(login "$THER" "$PW")
		# The roster of the group's latest weekday (its session exists); the caseload.
		url_roster[$scale]="http://127.0.0.1:$port/groups/$group/roster?date=$day"
		url_caseload[$scale]="http://127.0.0.1:$port/caseload"
	done
	local page run url
	for page in roster caseload; do
		for scale in small large; do
			if [ $page = roster ]; then url=${url_roster[$scale]}; else url=${url_caseload[$scale]}; fi
			curl -fs -o /dev/null -b "${cookie_of[$scale]}" "$url" || die "the $page page does not answer 200"
			timeout 30 wrk -t "$THREADS" -c "$CONNS" -d 1s -H "Cookie: ${cookie_of[$scale]}" "$url" >/dev/null 2>&1 ||
				true
			: >"$tmp/$backend-$scale-$page.runs"
		done
		for run in $(seq 1 "${BENCH_RUNS:-3}"); do
			for scale in small large; do
				if [ $page = roster ]; then url=${url_roster[$scale]}; else url=${url_caseload[$scale]}; fi
				measure_once "$backend-$scale-$page" "$url" "${cookie_of[$scale]}"
			done
		done
		for scale in small large; do measure_summary "$backend-$scale-$page"; done
	done
	local p
	for p in $extra_pids; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	extra_pids=""
}

pgbase=""
for b in $BACKENDS; do
	case "$b" in
	sqlite) ;;
	pg)
		if ! command -v psql >/dev/null; then
			echo "bench-path: PostgreSQL is not installed; SQLite only" >&2
			continue
		fi
		pgdir=$(mktemp -d /tmp/tolv-bench-pg.XXXXXX)
		rmdir "$pgdir"
		pgbase=$(scripts/pg-temp.sh start "$pgdir") || die "could not start PostgreSQL"
		# What a production server on SSDs is given (docs/architecture.md, "Durability"):
		# random reads cost about what sequential ones do, so the planner looks up the
		# 40 persons of a caseload by key instead of scanning the table. Durability stays
		# the default (fsync, synchronous_commit on).
		psql "$pgbase" -q -c "ALTER SYSTEM SET random_page_cost = 1.1" -c "SELECT pg_reload_conf()" >/dev/null ||
			die "cannot configure PostgreSQL"
		;;
	*) die "unknown backend $b" ;;
	esac
	both "$b"
done

fail=0
echo
printf '%-28s %10s %8s %8s  %-16s %s\n' "page" "requests/s" "p50 ms" "p99 ms" "p99 of each run" "target"
for b in $BACKENDS; do
	[ -f "$tmp/$b-small-roster.res" ] || continue
	for page in roster caseload; do
		read -r s_rate s_p50 s_p99 s_bad s_all <"$tmp/$b-small-$page.res"
		read -r l_rate l_p50 l_p99 l_bad l_all <"$tmp/$b-large-$page.res"
		for scale in small large; do
			if [ $scale = small ]; then rate=$s_rate p50=$s_p50 p99=$s_p99 bad=$s_bad all=$s_all; else rate=$l_rate p50=$l_p50 p99=$l_p99 bad=$l_bad all=$l_all; fi
			verdict=PASS
			notes="p99 < $P99_MAX ms"
			if awk -v p="$p99" -v w="$P99_MAX" 'BEGIN { exit !(p >= w) }'; then verdict=FAIL; fi
			if [ "$bad" != 0 ]; then verdict=FAIL notes="$bad non-2xx answers"; fi
			if [ $scale = large ]; then
				growth=$(awk -v a="$s_p99" -v b="$l_p99" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
				notes="$notes, ×$growth of small (≤ $GROWTH_MAX)"
				# Below a millisecond the ratio is noise: compare only when it matters.
				if awk -v g="$growth" -v w="$GROWTH_MAX" -v p="$p99" 'BEGIN { exit !(g > w && p >= 2) }'; then verdict=FAIL; fi
			fi
			[ "$verdict" = PASS ] || fail=1
			printf '%-28s %10.0f %8.2f %8.2f  %-16s %-5s %s\n' "$b $scale GET $page" "$rate" "$p50" "$p99" "$all" "$verdict" "$notes"
		done
	done
done
echo
if [ "$fail" = 1 ]; then
	echo "bench-path: some targets were missed"
	exit 1
fi
echo "bench-path: every target met"
