/* meeting_types.h: the meeting type codes of the Meeting Guide specification (O open, C
 * closed, X wheelchair access, NO Norwegian…) and the fellowships (AA, NA, Al-Anon…),
 * with their names in Norwegian bokmål, Swedish and English.
 *
 * These names are data, not interface text: they live in these tables rather than in the
 * .po catalogues, so the finder, the feed and the import agree on them without a
 * translation step. The codes come from github.com/code4recovery/spec (data/types.json,
 * MIT); the Norwegian names are ours, and some Swedish ones are corrected.
 */
#ifndef TOLV_DOMAIN_MEETING_TYPES_H
#define TOLV_DOMAIN_MEETING_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/i18n.h"

struct meeting_type {
	const char *code;             /* "O", "11", "12x12", "AL-AN"… */
	const char *name[LANG_COUNT]; /* indexed by enum lang: nb, sv, en */
	bool language;                /* a language the meeting is held in (NO, SV, EN…) */
};
extern const struct meeting_type meeting_types[];
extern const size_t meeting_types_count;

/* The type with this code, compared without regard to ASCII case; NULL if unknown. */
const struct meeting_type *meeting_type_find(const char *code);
/* The type whose name in any of the three languages is name (ASCII case ignored), or
 * whose code it is: the 12 Step Meeting List CSV writes "Open, Wheelchair Access". */
const struct meeting_type *meeting_type_by_name(const char *name);
/* The name of code in lang, or the code itself when it is not a known type. */
const char *meeting_type_label(const char *code, enum lang lang);

struct fellowship {
	const char *key;              /* "aa", "na", "al_anon"… as stored */
	const char *abbr;             /* "AA", "NA", "Al-Anon" */
	const char *name[LANG_COUNT];
};
extern const struct fellowship fellowships[];
extern const size_t fellowships_count;
/* By key, or by abbreviation (ASCII case ignored: "AA", "al-anon"); NULL if unknown. */
const struct fellowship *fellowship_find(const char *key_or_abbr);

/* True if the comma-separated list of codes (as struct meeting keeps it) holds code. */
bool types_has(const char *types, const char *code);

#endif
