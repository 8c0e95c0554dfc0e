/* fuzz_json_body.c: libFuzzer target for API request bodies — parsing with jansson and
 * the type-checking helpers that answer 400/422 in the error shape. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "http/req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	req_init(&r, NULL);
	r.api = true;
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (j && json_is_object(j)) {
		r.json = j;
		static const char *const keys[] = { "email", "name", "role", "password", "disabled", NULL };
		const char *email, *name, *role;
		bool has, disabled;
		if (json_keys_or_400(&r, keys) && json_str_or_400(&r, "email", true, 254, &email) &&
		    json_str_or_400(&r, "name", false, 200, &name) && json_str_or_400(&r, "role", false, 15, &role) &&
		    json_bool_or_400(&r, "disabled", &has, &disabled)) {
			if (!email || strlen(email) > 254 || (role && strlen(role) > 15))
				__builtin_trap();
		} else if (r.status < 400 || r.status > 422 || !strstr(r.out.data, "\"error\"")) {
			/* Every refusal is an answer in the error shape. */
			__builtin_trap();
		}
	}
	json_decref(j);
	req_release(&r);
	return 0;
}
