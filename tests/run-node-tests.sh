#!/usr/bin/env bash
# run-node-tests.sh: runs tolv's node suites against a real tolv binary.
#
#   tests/run-node-tests.sh [--pg] [SUITE...]     SUITE: http, e2e, crash (default: all three)
#
# Environment: TOLV_BIN (default build/tolv), TOLV_TEST_DB (a postgresql:// URL: each test
# file makes its own database on that server; unset: SQLite files), TOLV_TEST_KEEP=1.
# --pg starts a throw-away PostgreSQL with scripts/pg-temp.sh (fsync on) for the run and
# sets TOLV_TEST_DB to it. Exits non-zero if any test fails; node's summary is the last
# thing printed.
set -uo pipefail
cd "$(dirname "$0")/.."

pg=0
suites=()
for a in "$@"; do
	case "$a" in
	--pg) pg=1 ;;
	http | e2e | crash) suites+=("$a") ;;
	-h | --help)
		sed -n '2,10p' "$0"
		exit 0
		;;
	*)
		echo "run-node-tests.sh: unknown suite '$a' (http, e2e, crash)" >&2
		exit 2
		;;
	esac
done
[ ${#suites[@]} -gt 0 ] || suites=(http e2e crash)

command -v node >/dev/null 2>&1 || {
	echo "run-node-tests.sh: node (20 or newer) is needed" >&2
	exit 2
}
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || {
	echo "run-node-tests.sh: node $major is too old (20 or newer)" >&2
	exit 2
}

bin=${TOLV_BIN:-build/tolv}
if [ ! -x "$bin" ]; then
	echo "run-node-tests.sh: no tolv binary at $bin (build it, or set TOLV_BIN)" >&2
	exit 2
fi
export TOLV_BIN="$bin"

for s in "${suites[@]}"; do
	if [ "$s" = e2e ] && [ ! -d node_modules/playwright-core ]; then
		echo "run-node-tests.sh: node_modules is missing (run npm ci)" >&2
		exit 2
	fi
done

pgdir=""
cleanup() {
	if [ -n "$pgdir" ]; then
		scripts/pg-temp.sh stop "$pgdir" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$pg" = 1 ]; then
	pgdir=$(mktemp -d /tmp/tolv-pg-node.XXXXXX)
	rmdir "$pgdir"
	url=$(scripts/pg-temp.sh start "$pgdir") || {
		echo "run-node-tests.sh: could not start PostgreSQL" >&2
		exit 1
	}
	export TOLV_TEST_DB="$url"
	echo "run-node-tests.sh: PostgreSQL at $url (fsync on)"
fi

files=()
for s in "${suites[@]}"; do
	for f in tests/"$s"/*.test.mjs; do
		[ -e "$f" ] && files+=("$f")
	done
done
if [ ${#files[@]} -eq 0 ]; then
	echo "run-node-tests.sh: no test files in ${suites[*]}" >&2
	exit 2
fi

echo "run-node-tests.sh: ${suites[*]} with $TOLV_BIN on ${TOLV_TEST_DB:-SQLite}"
# Files run two at a time: most of the time goes to waiting on tolv (argon2id) and the
# browser, and each file has its own server and database.
out=$(mktemp /tmp/tolv-node-tests.XXXXXX)
node --test --test-reporter=spec --test-concurrency="${TOLV_TEST_CONCURRENCY:-2}" --test-timeout=300000 \
	"${files[@]}" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
# Node's spec reporter lists the failures after its summary; repeat the summary last, and a
# plain closing line for CI.
echo
grep -E '^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' "$out" | tail -n 8
p=$(grep -E '^ℹ pass [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+$' || true)
f=$(grep -E '^ℹ fail [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+$' || true)
s=$(grep -E '^ℹ skipped [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+$' || true)
c=$(grep -E '^ℹ cancelled [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+$' || true)
rm -f "$out"
f=$(( ${f:-0} + ${c:-0} ))
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
echo "${suites[*]}: ${p:-0} passed, $f failed, ${s:-0} skipped"
exit $status
