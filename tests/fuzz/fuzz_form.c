/* fuzz_form.c: libFuzzer target for query strings / urlencoded forms. */
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "http/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pool p;
	pool_init(&p);
	struct params ps = { 0 };
	if (form_parse(&p, (const char *)data, size, &ps) == 0) {
		/* Every accepted name and value is valid text without NUL. */
		for (size_t i = 0; i < ps.n; i++) {
			if (!utf8_valid_text(ps.v[i].name, strlen(ps.v[i].name)) ||
			    !utf8_valid_text(ps.v[i].value, strlen(ps.v[i].value)))
				__builtin_trap();
			(void)params_get(&ps, ps.v[i].name);
		}
		if (ps.n > PARAMS_MAX)
			__builtin_trap();
	}
	pool_release(&p);
	return 0;
}
