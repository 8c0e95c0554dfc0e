/* fuzz_cookie.c: libFuzzer target for the Cookie header parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "http/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A header value is a C string: MHD hands it over NUL-terminated. */
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct pool p;
	pool_init(&p);
	struct params ps = { 0 };
	if (cookie_parse(&p, s, &ps) == 0) {
		for (size_t i = 0; i < ps.n; i++)
			if (!ps.v[i].name[0] || strchr(ps.v[i].name, ';') || strchr(ps.v[i].value, ';'))
				__builtin_trap();
		(void)params_get(&ps, "tolv_session");
	}
	pool_release(&p);
	free(s);
	return 0;
}
