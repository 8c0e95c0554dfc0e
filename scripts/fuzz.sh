#!/usr/bin/env bash
# fuzz.sh: builds every libFuzzer target (clang, -Dfuzz=true) and runs each for
# FUZZ_SECONDS (default 30) from its seed corpus in tests/fuzz/corpus/NAME.
# Prints "fuzz ok: NAME" per clean target; exits 1 if any target finds a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false -Db_sanitize=address,undefined \
		-Dbuildtype=debugoptimized >/dev/null || exit 1
fi
ninja -C build-fuzz || exit 1
status=0
found=0
for bin in build-fuzz/tests/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	found=1
	name=$(basename "$bin")
	corpus=$(mktemp -d /tmp/tolv-fuzz.XXXXXX)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
	if UBSAN_OPTIONS=halt_on_error=1 "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="/tmp/$name-" "$corpus" >"/tmp/$name.log" 2>&1; then
		echo "fuzz ok: $name ($(grep -oE 'stat::number_of_executed_units: [0-9]+' "/tmp/$name.log" | grep -oE '[0-9]+' || echo '?') runs)"
	else
		echo "fuzz FAILED: $name (see /tmp/$name.log)"
		tail -n 30 "/tmp/$name.log"
		status=1
	fi
	rm -rf "$corpus"
done
[ "$found" = 1 ] || { echo "no fuzz targets built"; exit 1; }
exit $status
