/* fuzz_accept_language.c: libFuzzer target for Accept-Language negotiation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/alloc.h"
#include "http/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int l = accept_language_parse(s);
	if (l < -1 || l >= LANG_COUNT)
		__builtin_trap();
	free(s);
	return 0;
}
