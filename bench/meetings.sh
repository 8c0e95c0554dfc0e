#!/usr/bin/env bash
# bench/meetings.sh (make bench, after bench/run.sh): the meeting directory's hot paths as a
# ratio of nginx on the same machine in the same run —
#
#   GET /meetings.json          vs nginx serving the same bytes as a static file  (≥ 0.8×)
#   GET /api/v1/meetings?…      a finder search with about 15 results
#                               vs nginx serving a 2 KB static file               (≥ 0.6×)
#
# each with 500 meetings (tests/fixtures/meetings-sample-500.json) and with 5,000
# (generated from it: ten copies with their own slugs and places). Environment as for
# bench/run.sh: TOLV_BIN, BENCH_DURATION, BENCH_THREADS, BENCH_CONNECTIONS. Exits 1 if a
# target is missed. Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TOLV_BIN:-build/tolv}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
ORG="Benchintergruppe"
SEARCH="/api/v1/meetings?day=2&fellowship=aa&limit=15"

die() {
	echo "bench/meetings: $*" >&2
	exit 2
}
[ -x "$BIN" ] || die "no tolv binary at $BIN (run 'make build' first, or set TOLV_BIN)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v python3 >/dev/null || die "python3 is needed to generate the 5,000 meetings"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is not installed (apt-get install nginx-light or nginx)"

tmp=$(mktemp -d /tmp/tolv-bench-meet.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
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

# GET url into a file (python: no curl needed).
fetch() {
	python3 -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1]).read())' "$1" "$2"
}

wait_up() { # url pid what
	for _ in $(seq 1 200); do
		python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || die "$3 exited at start-up"
		sleep 0.05
	done
	die "$3 did not answer on $1"
}

# The 5,000-meeting feed: the sample ten times over, each copy its own slugs and places.
python3 - "tests/fixtures/meetings-sample-500.json" "$tmp/meetings-5000.json" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
out = []
for k in range(10):
    for m in base:
        c = dict(m)
        c["slug"] = f'{m["slug"]}-{k}'
        c["name"] = f'{m["name"]} {k}'
        c.pop("url", None)
        if "latitude" in c:
            c["latitude"] = round(c["latitude"] + 0.01 * k, 6)
            c["longitude"] = round(c["longitude"] + 0.01 * k, 6)
        out.append(c)
json.dump(out, open(sys.argv[2], "w"), ensure_ascii=False)
PY

# ---- nginx: the static files are written per size below ----
ng="$tmp/nginx"
mkdir -p "$ng/www" "$ng/logs" "$ng/tmp"
head -c 2048 /dev/zero | tr '\0' 'x' >"$ng/www/2k.txt"
nginx_port=$(free_port)
cat >"$ng/nginx.conf" <<NGX
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
	default_type application/json;
	sendfile on;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$nginx_port;
		root $ng/www;
	}
}
NGX
chmod 755 "$tmp" "$ng" "$ng/www"
chmod 644 "$ng/www/2k.txt"
"$NGINX" -p "$ng" -c "$ng/nginx.conf" -e "$ng/logs/error.log" &
pids+=($!)
wait_up "http://127.0.0.1:$nginx_port/2k.txt" "${pids[-1]}" nginx

run() { # name url → "rate p99_ms non2xx" in $tmp/name.res
	local name=$1 url=$2
	timeout 30 wrk -t "$THREADS" -c "$CONNS" -d 1s "$url" >/dev/null 2>&1 || true
	timeout 120 wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" --latency "$url" >"$tmp/$name.out" 2>&1 ||
		die "wrk failed on $url: $(cat "$tmp/$name.out")"
	local rate p99 bad
	rate=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/$name.out")
	p99=$(awk '$1 == "99%" {print $2}' "$tmp/$name.out")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$tmp/$name.out")
	echo "${rate:-0} ${p99:-?} ${bad:-0}" >"$tmp/$name.res"
}

fail=0
row() { # label name base-name target
	local rate p99 bad brate ratio verdict
	read -r rate p99 bad <"$tmp/$2.res"
	read -r brate _ _ <"$tmp/$3.res"
	ratio=$(awk -v a="$rate" -v b="$brate" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	verdict=PASS
	if [ "$bad" != 0 ] || awk -v r="$ratio" -v w="$4" 'BEGIN { exit !(r < w) }'; then
		verdict=FAIL
		fail=1
	fi
	printf '%-44s %12.0f %8.2f× %9s   %-5s ≥ %s× %s\n' "$1" "$rate" "$ratio" "$p99" "$verdict" "$4" \
		"$([ "$bad" != 0 ] && echo "($bad non-2xx)")"
}

results=()
for n in 500 5000; do
	feed=tests/fixtures/meetings-sample-500.json
	[ "$n" = 5000 ] && feed="$tmp/meetings-5000.json"
	db="sqlite:$tmp/tolv-$n.db"
	TOLV_ADMIN_PASSWORD="Bench-passord-for-tolv-1" "$BIN" init --db "$db" --org "$ORG" --admin "bench@bench.example" \
		>"$tmp/init-$n.log" 2>&1 || die "tolv init failed: $(cat "$tmp/init-$n.log")"
	"$BIN" import meetings "$feed" --org "$ORG" --db "$db" --quiet >"$tmp/import-$n.log" 2>&1 ||
		die "import of $n meetings failed: $(tail -5 "$tmp/import-$n.log")"
	port=$(free_port)
	"$BIN" serve --db "$db" --listen "127.0.0.1:$port" ${TOLV_SERVE_ARGS:-} >"$tmp/tolv-$n.log" 2>&1 &
	pids+=($!)
	tolv_pid=${pids[-1]}
	wait_up "http://127.0.0.1:$port/healthz" "$tolv_pid" tolv
	# nginx serves exactly the bytes tolv serves.
	fetch "http://127.0.0.1:$port/meetings.json" "$ng/www/feed-$n.json"
	chmod 644 "$ng/www/feed-$n.json"
	fetch "http://127.0.0.1:$port$SEARCH" "$tmp/search-$n.json"
	hits=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["meetings"]))' "$tmp/search-$n.json")
	bytes=$(wc -c <"$ng/www/feed-$n.json")
	echo "bench/meetings: $n meetings: feed $bytes bytes, search $hits results ($(wc -c <"$tmp/search-$n.json") bytes)" >&2
	run "nginx-feed-$n" "http://127.0.0.1:$nginx_port/feed-$n.json"
	run "tolv-feed-$n" "http://127.0.0.1:$port/meetings.json"
	run "nginx-2k-$n" "http://127.0.0.1:$nginx_port/2k.txt"
	run "tolv-search-$n" "http://127.0.0.1:$port$SEARCH"
	kill -0 "$tolv_pid" 2>/dev/null || die "tolv died during the benchmark: $(tail -n 20 "$tmp/tolv-$n.log")"
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$tolv_pid/status")
	echo "$n $rss" >>"$tmp/rss"
	kill -TERM "$tolv_pid"
done

echo
printf '%-44s %12s %9s %9s   %s\n' "meeting directory" "requests/s" "÷ nginx" "p99" "target"
for n in 500 5000; do
	read -r nrate _ _ <"$tmp/nginx-feed-$n.res"
	read -r krate _ _ <"$tmp/nginx-2k-$n.res"
	printf '%-44s %12.0f\n' "nginx, the feed's bytes ($n meetings)" "$nrate"
	row "tolv GET /meetings.json ($n meetings)" "tolv-feed-$n" "nginx-feed-$n" 0.8
	printf '%-44s %12.0f\n' "nginx, 2 KB static file" "$krate"
	row "tolv finder search, ~15 results ($n)" "tolv-search-$n" "nginx-2k-$n" 0.6
done
while read -r n rss; do
	printf '%-44s %9.1f MB\n' "tolv resident memory after ($n meetings)" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done <"$tmp/rss"
echo
if [ "$fail" = 1 ]; then
	echo "bench/meetings: some targets were missed"
	exit 1
fi
echo "bench/meetings: every target met"
