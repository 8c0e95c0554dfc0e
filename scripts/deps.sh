#!/usr/bin/env bash
# deps.sh: installs what tolv needs that is missing — Debian packages (apt-get, as root)
# and npm packages (npm ci, from the committed lockfile). Safe to run again: it only
# acts when something is missing.
#   scripts/deps.sh          the build and run dependencies
#   scripts/deps.sh --test   also what the test suites need (PostgreSQL, chromium, clang...)
#   scripts/deps.sh --bench  also what `make bench` needs (wrk, nginx, PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PKGS="build-essential pkg-config meson ninja-build gettext libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libsodium-dev libjansson-dev libical-dev libcurl4-openssl-dev"
TEST_PKGS="libcmocka-dev postgresql clang libclang-rt-14-dev chromium"

BENCH_PKGS="wrk nginx postgresql curl"

want="$RUN_PKGS"
test_mode=0
if [ "${1:-}" = "--test" ]; then
	want="$RUN_PKGS $TEST_PKGS"
	test_mode=1
elif [ "${1:-}" = "--bench" ]; then
	want="$RUN_PKGS $BENCH_PKGS"
fi

missing=()
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "tolv needs Debian packages that are not installed. Run, as root:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "Installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$test_mode" = 1 ]; then
	if ! command -v node >/dev/null 2>&1; then
		echo "tolv's browser and HTTP tests need Node.js 20 or newer (node), which is not installed." >&2
		exit 1
	fi
	if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		echo "Installing npm packages (npm ci)"
		npm ci --no-audit --no-fund --loglevel=error
	fi
else
	# The design system's stylesheet is served by tolv itself.
	if [ ! -f node_modules/@digdir/designsystemet-css/dist/src/index.css ]; then
		if command -v npm >/dev/null 2>&1; then
			echo "Installing npm packages (npm ci)"
			npm ci --no-audit --no-fund --loglevel=error
		else
			echo "warning: npm not found; pages will be served without the design system's stylesheet" >&2
		fi
	fi
fi
