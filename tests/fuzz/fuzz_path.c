/* fuzz_path.c: libFuzzer target for path decoding and matching against the real route
 * table ({id} must be a strict positive int64). */
#include <stdint.h>
#include <string.h>

#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pool p;
	pool_init(&p);
	const char *path = percent_decode(&p, (const char *)data, size, false);
	if (path) {
		const struct route *rt = NULL;
		int64_t id = 0;
		unsigned allow = 0;
		static const enum method ms[] = { M_GET, M_POST, M_PATCH, M_DELETE };
		for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
			enum route_match_result m = route_match(routes, routes_count, ms[i], path, &rt, &id, &allow);
			if (m == ROUTE_OK && strstr(rt->pattern, "{id}") && id <= 0)
				__builtin_trap();
			if (m == ROUTE_BAD_METHOD && !allow)
				__builtin_trap();
		}
	}
	pool_release(&p);
	return 0;
}
