/* fuzz_sobriety.c: libFuzzer target for the small parsers of sobriety tests (issue 6): the
 * per mille of a breath test and a rule's percentage. An accepted value is in range and
 * survives a format → parse round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/sobriety.h"
#include "domain/testdraw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int v = -1;
	if (sobriety_parse_permille(s, &v) == 0) {
		if (v < 0 || v > STORE_SOB_PERMILLE_MAX)
			__builtin_trap();
		char out[16];
		int back = -1;
		sobriety_format_permille(v, out, sizeof out);
		if (sobriety_parse_permille(out, &back) != 0 || back != v)
			__builtin_trap();
	}
	int pct = -1;
	if (testdraw_parse_percent(s, &pct) == 0) {
		int ppm = testdraw_percent_ppm(pct);
		if (pct < 0 || pct > 10000 || ppm < 0 || ppm > STORE_SOB_PPM)
			__builtin_trap();
	}
	free(s);
	return 0;
}
