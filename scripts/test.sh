#!/usr/bin/env bash
# test.sh: every suite of tolv, as `make test` runs it (and CI through .ci/run):
#   1. build, unit tests and store tests on SQLite
#   2. store tests on a real PostgreSQL 15 started in a temporary folder
#   3. the sanitizer build (ASan + UBSan): unit, store and HTTP tests
#   4. HTTP integration tests and browser tests (chromium + axe-core) against a running server
#   5. crash tests on both stores (SIGKILL during writes; nothing acknowledged is lost)
#   6. every fuzz target built with libFuzzer and run briefly
# It ends with one line "N passed, N failed" (test cases over all suites).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/deps.sh --test || exit 1

PASS=0
FAIL=0
SKIP=0
failed_suites=()
summary=()

count_meson() { # BUILDDIR LABEL [--suite S]
	local dir=$1 label=$2
	shift 2
	local p f s
	read -r p f s < <(python3 scripts/testcount.py "$@" "$dir/meson-logs/testlog.json")
	PASS=$((PASS + p)); FAIL=$((FAIL + f)); SKIP=$((SKIP + s))
	summary+=("$label: $p passed, $f failed")
	[ "$f" -eq 0 ] || failed_suites+=("$label")
}

count_node() { # LOGFILE LABEL RC
	local log=$1 label=$2 rc=$3 p f
	p=$(grep -E '^(ℹ|#) pass [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$' || echo 0)
	f=$(grep -E '^(ℹ|#) fail [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$' || echo 0)
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	PASS=$((PASS + p)); FAIL=$((FAIL + f))
	summary+=("$label: $p passed, $f failed")
	[ "$f" -eq 0 ] || failed_suites+=("$label")
}

step() { printf '\n==== %s ====\n' "$*"; }

PGDIR=""
cleanup() {
	if [ -n "$PGDIR" ]; then scripts/pg-temp.sh stop "$PGDIR" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0

# ---- 1. build, unit and store tests on SQLite
step "build"
[ -f build/build.ninja ] || meson setup build >/dev/null || exit 1
if ! ninja -C build; then
	echo "0 passed, 1 failed"
	exit 1
fi

step "unit tests and store tests on SQLite"
meson test -C build --suite unit --suite store --print-errorlogs
count_meson build "unit" --suite unit
count_meson build "store (sqlite)" --suite store
store_sqlite=$(python3 scripts/testcount.py --suite store build/meson-logs/testlog.json | cut -d' ' -f1)

# ---- 2. store tests on PostgreSQL
step "store tests on PostgreSQL 15"
PGDIR=$(mktemp -d /tmp/tolv-pg.XXXXXX)
store_pg=0
if PGURL=$(scripts/pg-temp.sh start "$PGDIR" --fast); then
	TOLV_TEST_DB="$PGURL" meson test -C build --suite store --print-errorlogs
	count_meson build "store (postgresql)" --suite store
	store_pg=$(python3 scripts/testcount.py --suite store build/meson-logs/testlog.json | cut -d' ' -f1)
else
	FAIL=$((FAIL + 1)); failed_suites+=("postgresql start")
	PGURL=""
fi
echo "store tests: $store_sqlite ran on sqlite, $store_pg ran on postgresql"

# ---- 3. sanitizer build
step "sanitizer build (ASan + UBSan)"
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug >/dev/null || exit 1
if ninja -C build-asan; then
	meson test -C build-asan --suite unit --suite store --print-errorlogs
	count_meson build-asan "unit+store (sanitizers)"
else
	FAIL=$((FAIL + 1)); failed_suites+=("sanitizer build")
fi

# ---- 4. HTTP and browser tests
if [ -x tests/run-node-tests.sh ]; then
	step "HTTP integration tests (sanitizer build, SQLite)"
	TOLV_BIN="$root/build-asan/tolv" tests/run-node-tests.sh http > >(tee /tmp/tolv-http-asan.log) 2>&1
	rc=$?
	count_node /tmp/tolv-http-asan.log "http (sanitizers, sqlite)" $rc

	if [ -n "$PGURL" ]; then
		step "HTTP integration tests (PostgreSQL)"
		TOLV_BIN="$root/build/tolv" TOLV_TEST_DB="$PGURL" tests/run-node-tests.sh http > >(tee /tmp/tolv-http-pg.log) 2>&1
		rc=$?
		count_node /tmp/tolv-http-pg.log "http (postgresql)" $rc
	fi

	step "browser tests (chromium, axe-core)"
	TOLV_BIN="$root/build/tolv" tests/run-node-tests.sh e2e > >(tee /tmp/tolv-e2e.log) 2>&1
	rc=$?
	count_node /tmp/tolv-e2e.log "browser" $rc

	step "crash tests"
	TOLV_BIN="$root/build/tolv" tests/run-node-tests.sh crash > >(tee /tmp/tolv-crash.log) 2>&1
	rc=$?
	count_node /tmp/tolv-crash.log "crash (sqlite)" $rc
	if [ -n "$PGURL" ]; then
		TOLV_BIN="$root/build/tolv" TOLV_TEST_DB="$PGURL" tests/run-node-tests.sh crash > >(tee /tmp/tolv-crash-pg.log) 2>&1
		rc=$?
		count_node /tmp/tolv-crash-pg.log "crash (postgresql)" $rc
	fi
fi

# ---- 6. fuzz targets
if [ -f tests/fuzz/meson.build ] && [ -x scripts/fuzz.sh ]; then
	step "fuzz targets (short runs)"
	if FUZZ_SECONDS=3 scripts/fuzz.sh > >(tee /tmp/tolv-fuzz.log) 2>&1; then
		n=$(grep -c '^fuzz ok:' /tmp/tolv-fuzz.log || true)
		PASS=$((PASS + n)); summary+=("fuzz: $n targets ran clean")
	else
		n=$(grep -c '^fuzz ok:' /tmp/tolv-fuzz.log || true)
		PASS=$((PASS + n)); FAIL=$((FAIL + 1)); failed_suites+=("fuzz"); summary+=("fuzz: a target failed")
	fi
fi

step "summary"
for s in "${summary[@]}"; do echo "  $s"; done
echo "  store tests: $store_sqlite on sqlite, $store_pg on postgresql"
if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "  failed: ${failed_suites[*]}"
fi
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
