# bench/lib.sh: what the page benchmarks (path.sh, steps.sh) share — sourced, not run.
#
# The sourcing script sets BENCH_NAME (the prefix of its messages), BIN, THREADS, CONNS,
# DURATION, and runs from the project root. This file makes $tmp (removed on exit, with
# the server in $tolv_pid and the PostgreSQL cluster in $pgdir stopped) and defines:
#   die MSG                     the message on stderr, exit 2
#   free_port                   a free TCP port on 127.0.0.1
#   to_ms VALUE                 wrk's "812.00us" / "3.2ms" / "1.1s" in milliseconds
#   measure NAME URL COOKIE     warm up, then BENCH_RUNS (3) wrk runs → "rate p50 p99 non2xx
#                               p99s" in $tmp/NAME.res: the run with the median p99, the
#                               non-2xx answers of all runs, every run's p99 ("a/b/c")
#   measure_once NAME URL COOKIE  one wrk run added to $tmp/NAME.runs (no warm-up)
#   measure_summary NAME        $tmp/NAME.runs → $tmp/NAME.res as measure writes it
#   serve DB                    starts tolv serve on a free port, waits for /healthz; sets $port
#   login EMAIL PASSWORD        logs in on $port; prints the session cookie "tolv_session=…"

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 2
}

tmp=$(mktemp -d "/tmp/tolv-$BENCH_NAME.XXXXXX")
tolv_pid=""
pgdir=""
port=""
extra_pids=""
bench_cleanup() {
	for p in $extra_pids; do kill -TERM "$p" 2>/dev/null || true; done
	if [ -n "$tolv_pid" ] && kill -0 "$tolv_pid" 2>/dev/null; then
		kill -TERM "$tolv_pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$tolv_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$tolv_pid" 2>/dev/null || true
	fi
	if [ -n "$pgdir" ]; then scripts/pg-temp.sh stop "$pgdir" >/dev/null 2>&1 || true; fi
	rm -rf "$tmp"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port"
}

to_ms() {
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000; printf "%.3f", n }'
}

# A shared 2-core machine has moments when a neighbour takes the CPU; one 10-second p99 then
# measures the neighbour. So each page is measured BENCH_RUNS times and the run with the
# median p99 is reported, with every run's p99 beside it (nothing is left out of the table).
measure_once() {
	local name=$1 url=$2 cookie=$3 rate p50 p99 bad
	timeout 120 wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" --latency -H "Cookie: $cookie" "$url" \
		>"$tmp/$name.out" 2>&1 || die "wrk failed on $url: $(cat "$tmp/$name.out")"
	rate=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$name.out")
	p50=$(awk '$1 == "50%" {print $2}' "$tmp/$name.out")
	p99=$(awk '$1 == "99%" {print $2}' "$tmp/$name.out")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$tmp/$name.out")
	echo "${rate:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}") ${bad:-0}" >>"$tmp/$name.runs"
}

measure_summary() {
	local name=$1 runs all median allbad
	runs=$(wc -l <"$tmp/$name.runs")
	allbad=$(awk '{ s += $4 } END { print s + 0 }' "$tmp/$name.runs")
	all=$(awk '{ printf "%s%.1f", (NR > 1 ? "/" : ""), $3 }' "$tmp/$name.runs")
	median=$(sort -g -k3,3 "$tmp/$name.runs" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $1, $2, $3 }')
	echo "$median $allbad $all" >"$tmp/$name.res"
}

measure() {
	local name=$1 url=$2 cookie=$3 i
	timeout 30 wrk -t "$THREADS" -c "$CONNS" -d 1s -H "Cookie: $cookie" "$url" >/dev/null 2>&1 || true
	: >"$tmp/$name.runs"
	for i in $(seq 1 "${BENCH_RUNS:-3}"); do
		measure_once "$name" "$url" "$cookie"
	done
	measure_summary "$name"
}

serve() {
	port=$(free_port)
	"$BIN" serve --db "$1" --listen "127.0.0.1:$port" ${TOLV_SERVE_ARGS:-} >"$tmp/tolv.log" 2>&1 &
	tolv_pid=$!
	for _ in $(seq 1 200); do
		curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$tolv_pid" 2>/dev/null || die "tolv exited: $(tail -n 5 "$tmp/tolv.log")"
		sleep 0.05
	done
	die "tolv did not answer /healthz"
}

# The only organisation is chosen on log-in.
login() {
	local jar="$tmp/jar" csrf cookie
	rm -f "$jar"
	csrf=$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -fs -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=$1" --data-urlencode "password=$2" \
		--data-urlencode "csrf=$csrf" "http://127.0.0.1:$port/login" || die "log-in failed"
	cookie=$(awk '$6 == "tolv_session" {print "tolv_session=" $7}' "$jar")
	[ -n "$cookie" ] || die "no session cookie after log-in"
	echo "$cookie"
}
