/* fuzz_meeting_json.c: libFuzzer target for the meeting importer's JSON parser: whatever
 * the bytes, it must not crash, and every row it accepts must be a listing the store
 * would take (meeting_validate passed) with all its text valid. */
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "domain/meeting_import.h"
#include "domain/meetings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meeting_import imp;
	meeting_import_init(&imp);
	if (meeting_import_parse((const char *)data, size, IMPORT_JSON, "Europe/Oslo", "aa", 1, &imp) == 0) {
		if (imp.n > imp.total || imp.n > MEETING_IMPORT_MAX_ROWS)
			__builtin_trap();
		for (size_t i = 0; i < imp.n; i++) {
			struct meeting m = imp.rows[i];
			struct meeting_errors errs = { 0 };
			/* Validation is idempotent: an accepted row stays accepted. */
			if (meeting_validate(&m, &errs) != 0 || !m.slug[0] || !m.name[0] ||
			    !utf8_valid_text(m.notes, strlen(m.notes)) || m.days < 0 || m.days > 127)
				__builtin_trap();
		}
	} else if (!imp.fatal) {
		__builtin_trap();
	}
	meeting_import_release(&imp);
	return 0;
}
