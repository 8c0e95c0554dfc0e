#!/usr/bin/env bash
# bench/run.sh (make bench): how fast tolv answers, as a ratio of nginx on the same machine
# in the same run, and how much memory it holds.
#
#   bench/run.sh            TOLV_BIN (default build/tolv); BENCH_DURATION (default 10s),
#                           BENCH_THREADS (2), BENCH_CONNECTIONS (16)
#
# Starts tolv on a fresh SQLite database and nginx (a foreground process with its config,
# pid, logs and temp files in a temp folder) serving a 2 KB file, both on free loopback
# ports; measures each with `wrk --latency`; prints a table with PASS/FAIL against the
# targets, and exits 1 if a target is missed. Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TOLV_BIN:-build/tolv}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
ORG="Benchkommune"
ADMIN="bench@bench.example"
PW="Bench-passord-for-tolv-1"

die() {
	echo "bench: $*" >&2
	exit 2
}
[ -x "$BIN" ] || die "no tolv binary at $BIN (run 'make build' first, or set TOLV_BIN)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is not installed (apt-get install nginx-light or nginx)"

tmp=$(mktemp -d /tmp/tolv-bench.XXXXXX)
tolv_pid=""
nginx_pid=""
cleanup() {
	for p in $tolv_pid $nginx_pid; do
		if kill -0 "$p" 2>/dev/null; then
			kill -TERM "$p" 2>/dev/null || true
		fi
	done
	for p in $tolv_pid $nginx_pid; do
		for _ in $(seq 1 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port on 127.0.0.1 (nothing answers a connect).
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

# The status code of GET path on 127.0.0.1:port, or nothing.
http_status() {
	local line
	{
		exec 3<>"/dev/tcp/127.0.0.1/$1" &&
			printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3 &&
			IFS= read -r -t 2 line <&3 &&
			exec 3<&-
	} 2>/dev/null || return 0
	echo "$line" | awk '{print $2}'
}

wait_200() { # port path pid what
	for _ in $(seq 1 200); do
		[ "$(http_status "$1" "$2")" = 200 ] && return 0
		kill -0 "$3" 2>/dev/null || die "$4 exited at start-up (see above)"
		sleep 0.05
	done
	die "$4 did not answer 200 on $2"
}

# ---- tolv on a fresh SQLite database ----
db="sqlite:$tmp/tolv.db"
TOLV_ADMIN_PASSWORD="$PW" "$BIN" init --db "$db" --org "$ORG" --admin "$ADMIN" >"$tmp/init.log" 2>&1 ||
	die "tolv init failed: $(cat "$tmp/init.log")"
target_id=$(TOLV_USER_PASSWORD="$PW" "$BIN" user add target@bench.example --org "$ORG" --role therapist \
	--name "Bench Target" --db "$db" | sed -n 's/.*(id \([0-9]*\)).*/\1/p')
[ -n "$target_id" ] || die "could not create the target user"
token=$("$BIN" token create "$ADMIN" --org "$ORG" --db "$db" 2>/dev/null | grep -o 'tolv_[A-Za-z0-9_-]*' | head -n 1)
[ -n "$token" ] || die "could not create an API token"

tolv_port=$(free_port)
"$BIN" serve --db "$db" --listen "127.0.0.1:$tolv_port" ${TOLV_SERVE_ARGS:-} >"$tmp/tolv.log" 2>&1 &
tolv_pid=$!
wait_200 "$tolv_port" /healthz "$tolv_pid" "tolv"

# ---- nginx serving a 2 KB file ----
ng="$tmp/nginx"
mkdir -p "$ng/www" "$ng/logs" "$ng/tmp"
head -c 2048 /dev/zero | tr '\0' 'x' >"$ng/www/2k.txt"
nginx_port=$(free_port)
cat >"$ng/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $ng/tmp/body;
	proxy_temp_path $ng/tmp/proxy;
	fastcgi_temp_path $ng/tmp/fastcgi;
	uwsgi_temp_path $ng/tmp/uwsgi;
	scgi_temp_path $ng/tmp/scgi;
	default_type text/plain;
	sendfile on;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$nginx_port;
		root $ng/www;
	}
}
EOF
# Workers run as nobody when we are root: they must be able to read the file.
chmod 755 "$tmp" "$ng" "$ng/www"
chmod 644 "$ng/www/2k.txt"
"$NGINX" -p "$ng" -c "$ng/nginx.conf" -e "$ng/logs/error.log" &
nginx_pid=$!
wait_200 "$nginx_port" /2k.txt "$nginx_pid" "nginx"

# ---- measurements ----
# run NAME URL [wrk args...]: prints "rate p50_ms p99_ms non2xx" into $tmp/NAME.res
to_ms() { # "1.23ms" / "456.00us" / "1.02s" → ms
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n = n / 1000
		else if (v ~ /ms$/) n = n
		else if (v ~ /s$/) n = n * 1000
		printf "%.3f", n
	}'
}
run() {
	local name=$1 url=$2
	shift 2
	# A second of warm-up (caches, connection pools, SQLite pages), then the measurement.
	timeout 30 wrk -t "$THREADS" -c "$CONNS" -d 1s "$@" "$url" >/dev/null 2>&1 || true
	timeout 120 wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" --latency "$@" "$url" >"$tmp/$name.out" 2>&1 ||
		die "wrk failed on $url: $(cat "$tmp/$name.out")"
	local rate p50 p99 bad
	rate=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$name.out")
	p50=$(awk '$1 == "50%" {print $2}' "$tmp/$name.out")
	p99=$(awk '$1 == "99%" {print $2}' "$tmp/$name.out")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$tmp/$name.out")
	bad=${bad:-0}
	local errs
	errs=$(awk '/Socket errors:/ {print}' "$tmp/$name.out")
	echo "${rate:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}") $bad" >"$tmp/$name.res"
	[ -z "$errs" ] || echo "bench: $name: $errs" >&2
}

echo "bench: wrk -t$THREADS -c$CONNS -d$DURATION --latency, tolv pid $tolv_pid, nginx pid $nginx_pid" >&2
run nginx "http://127.0.0.1:$nginx_port/2k.txt"
run healthz "http://127.0.0.1:$tolv_port/healthz"
run login "http://127.0.0.1:$tolv_port/login"
run api "http://127.0.0.1:$tolv_port/api/v1/users/$target_id" -H "Authorization: Bearer $token"

kill -0 "$tolv_pid" 2>/dev/null || die "tolv died during the benchmark: $(tail -n 20 "$tmp/tolv.log")"
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$tolv_pid/status")
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$tolv_pid/status")

# ---- the table ----
read -r n_rate n_p50 n_p99 n_bad <"$tmp/nginx.res"
fail=0
row() { # label name target-ratio target-p99(ms or -)
	local label=$1 name=$2 want_ratio=$3 want_p99=$4
	local rate p50 p99 bad
	read -r rate p50 p99 bad <"$tmp/$name.res"
	local ratio verdict="" notes=""
	ratio=$(awk -v a="$rate" -v b="$n_rate" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	if [ "$bad" != 0 ]; then
		verdict=FAIL
		notes="$bad non-2xx answers"
	elif [ "$want_ratio" != - ]; then
		verdict=PASS
		if awk -v r="$ratio" -v w="$want_ratio" 'BEGIN { exit !(r < w) }'; then verdict=FAIL; fi
		notes="≥ ${want_ratio}× nginx"
		if [ "$want_p99" != - ]; then
			notes="$notes, p99 < ${want_p99} ms"
			if awk -v p="$p99" -v w="$want_p99" 'BEGIN { exit !(p >= w) }'; then verdict=FAIL; fi
		fi
	fi
	[ "$verdict" != FAIL ] || fail=1
	[ -n "$verdict" ] || verdict="-"
	printf '%-32s %12.0f %8.2f× %9.2f %9.2f   %-5s %s\n' "$label" "$rate" "$ratio" "$p50" "$p99" "$verdict" "$notes"
}

echo
printf '%-32s %12s %9s %9s %9s   %s\n' "endpoint" "requests/s" "÷ nginx" "p50 ms" "p99 ms" "target"
printf '%-32s %12.0f %8.2f× %9.2f %9.2f\n' "nginx, 2 KB static file" "$n_rate" 1 "$n_p50" "$n_p99"
row "tolv GET /healthz" healthz 0.5 -
row "tolv GET /login" login - -
row "tolv GET /api/v1/users/{id}" api 0.1 25
rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
hwm_mb=$(awk -v k="$hwm_kb" 'BEGIN { printf "%.1f", k / 1024 }')
mem=PASS
if awk -v k="$rss_kb" 'BEGIN { exit !(k >= 64 * 1024) }'; then
	mem=FAIL
	fail=1
fi
printf '%-32s %12s %9s %9s %9s   %-5s %s\n' "tolv resident memory (VmRSS)" "$rss_mb MB" "" "" "" "$mem" "< 64 MB (peak VmHWM $hwm_mb MB)"
echo
if [ "$n_bad" != 0 ]; then
	echo "bench: nginx answered $n_bad non-2xx responses: the baseline is wrong" >&2
	fail=1
fi
if [ "$fail" = 1 ]; then
	echo "bench: some targets were missed"
	exit 1
fi
echo "bench: every target met"
