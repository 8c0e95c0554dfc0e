/* questionnaire.h: outcome questionnaires (AUDIT, AUDIT-C, DUDIT, days abstinent) as data,
 * and their scoring. Pure rules: no HTTP, no SQL.
 *
 * A definition is a JSON document (format described in docs/questionnaires.md): items with
 * their answer options and the score of each, the scoring rule (the sum of listed items),
 * zones that divide the range of totals, and cut-offs ("positive at 4 or more for men, 3 or
 * more for women"). The definitions tolv ships live in data/questionnaires/ and are
 * compiled into the binary (embed_questionnaires.py); an organisation's own file, for
 * example with the official wording it holds a licence for, goes through the same strict
 * loader, which names the first thing wrong with it.
 *
 * An answer is the score of the chosen option — the number the manuals tabulate — so that
 * other systems can send what their own forms store. A threshold (a zone's bounds, a
 * cut-off) is either one number or one per sex; a definition with any per-sex threshold
 * cannot be scored without the person's sex.
 *
 * Ownership: struct questionnaire owns its arrays and a reference to the parsed JSON
 * document, into which every string points (so the strings live exactly as long as the
 * definition). questionnaire_release() frees all of it. The built-in definitions are loaded
 * once and live for the process; callers get const pointers and never release them.
 */
#ifndef TOLV_DOMAIN_QUESTIONNAIRE_H
#define TOLV_DOMAIN_QUESTIONNAIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/i18n.h"

/* The file format this loader reads ("format": 1). */
#define Q_FORMAT 1

/* Limits that keep a definition (and an answer list) small enough to reason about. */
#define Q_ID_MAX 32        /* bytes of an id or key, NUL included */
#define Q_TEXT_MAX 1000    /* bytes of one label */
#define Q_SOURCE_MAX 2000  /* bytes of the source note */
#define Q_ITEMS_MAX 100
#define Q_OPTIONS_MAX 20   /* options of one item; counts use a range instead */
#define Q_ZONES_MAX 12
#define Q_CUTOFFS_MAX 8
#define Q_SCORE_MAX 1000   /* an option score or range bound lies in 0..Q_SCORE_MAX */

/* The person's sex as the cut-offs use it; the manuals give female and male cut-offs. */
enum q_sex { Q_SEX_UNKNOWN = 0, Q_SEX_FEMALE = 1, Q_SEX_MALE = 2 };

/* A label in nb, sv and en; at least one is present (the others NULL). */
struct q_text {
	const char *nb, *sv, *en;
};

/* One number, or one per sex: v[0] for female, v[1] for male (equal when !by_sex). */
struct q_threshold {
	int v[2];
	bool by_sex;
};

struct q_option {
	int score;
	struct q_text label;
};

struct q_item {
	const char *key;           /* "9": how the manuals and error messages name it */
	struct q_text label;
	/* Either options (scores strictly ascending, so each answer names one option)… */
	struct q_option *options;
	size_t noptions;
	/* …or, when noptions is 0, a count from min to max ("days abstinent": 0–30). For
	 * option items min and max are the lowest and highest option scores. */
	int min, max;
};

struct q_zone {
	const char *key;
	struct q_text label;
	struct q_threshold min, max; /* inclusive */
};

struct q_cutoff {
	const char *key;
	struct q_text label;
	struct q_threshold min;      /* reached at min or more */
};

struct questionnaire {
	json_t *doc;                 /* the parsed definition; every const char * points into it */
	const char *id;              /* "audit", "audit-c": lower-case letters, digits, '-' */
	int version;                 /* the definition's version, kept with stored results */
	struct q_text title;
	const char *source;          /* where the items and cut-offs come from */
	const char *loinc;           /* LOINC code of the total, or NULL */
	struct q_item *items;
	size_t nitems;
	size_t *summed;              /* indexes into items of the items the total sums */
	size_t nsummed;
	struct q_zone *zones;        /* ascending; for each sex they cover min..max exactly */
	size_t nzones;
	struct q_cutoff *cutoffs;
	size_t ncutoffs;
	int positive;                /* the cut-off that makes a result "positive", or -1 */
	int total_min, total_max;    /* the totals the scored items can reach */
	bool needs_sex;              /* some threshold differs by sex */
};

/* What went wrong, in English, with where: for a definition a JSON path such as
 * "items[8].options[2].score", for answers "answers[8]" or "sex". The parts of the scoring
 * errors are kept too, so the web tier can say the same thing in the caller's language. */
enum q_error_kind {
	Q_ERR_NONE = 0,
	Q_ERR_DEFINITION,  /* a definition is malformed (message says how) */
	Q_ERR_TYPE,        /* answers is not an array of integers, sex not a string */
	Q_ERR_COUNT,       /* expected answers, given answers */
	Q_ERR_VALUE,       /* item index, value, allowed */
	Q_ERR_SEX,         /* sex missing where the cut-offs need it, or not female/male */
};

struct q_error {
	enum q_error_kind kind;
	char field[96];
	char message[256];
	size_t index;          /* Q_ERR_VALUE: the item (0-based); Q_ERR_TYPE: the answer */
	size_t expected, given;/* Q_ERR_COUNT */
	long long value;       /* Q_ERR_VALUE: the answer given */
	char allowed[128];     /* Q_ERR_VALUE: "0, 2, 4" or "0–30" */
};

/* Return values. */
#define Q_OK 0
#define Q_INVALID (-1) /* the input breaks a rule: a definition, an answer, sex */
#define Q_BAD_TYPE (-2) /* answers parsing only: a value of the wrong JSON type */

struct q_result {
	int total;
	int min, max;                       /* the possible totals, for charts */
	const struct q_zone *zone;          /* NULL if the definition has no zones */
	bool has_positive;                  /* the definition names a positive cut-off */
	bool positive;                      /* that cut-off is reached */
	size_t ncutoffs;
	bool reached[Q_CUTOFFS_MAX];        /* per cut-off of the definition, in order */
	int threshold[Q_CUTOFFS_MAX];       /* the cut-off that applied (for this sex) */
};

/* Parses and validates a definition from JSON text (len bytes, need not be terminated).
 * Q_OK and *def filled (release it), or Q_INVALID with err naming the first problem and
 * *def left empty. Every field is required (null where allowed), unknown fields are
 * refused, and the totals, zones and cut-offs must agree with the items. */
int questionnaire_load_json(const char *text, size_t len, struct questionnaire *def, struct q_error *err);
/* The same from a parsed document (takes its own reference). */
int questionnaire_load(json_t *doc, struct questionnaire *def, struct q_error *err);
void questionnaire_release(struct questionnaire *def);

/* One embedded definition file (the table is generated by embed_questionnaires.py from
 * data/questionnaires/ at build time; questionnaire.c loads it). */
struct q_source {
	const char *name; /* the file name without .json, which is also the definition's id */
	const char *json;
	size_t len;
};
extern const struct q_source q_sources[];
extern const size_t q_sources_count;

/* The definitions compiled into the binary, in a fixed order (audit, audit-c, dudit,
 * days-abstinent). Loaded on first use, thread-safe; a built-in that fails its own
 * validation aborts (the unit tests load every one). */
size_t questionnaire_builtin_count(void);
const struct questionnaire *questionnaire_builtin_at(size_t i);
/* By id, or NULL. */
const struct questionnaire *questionnaire_builtin(const char *id);

/* "female"/"male" → Q_SEX_FEMALE/Q_SEX_MALE; anything else Q_SEX_UNKNOWN. */
enum q_sex q_sex_parse(const char *s);
const char *q_sex_name(enum q_sex sex); /* "female", "male", NULL */
/* The threshold for sex (by_sex with Q_SEX_UNKNOWN: the female value; callers check
 * needs_sex first). */
int q_threshold_for(const struct q_threshold *t, enum q_sex sex);

/* The label in lang, falling back to English, then bokmål, then Swedish. Never NULL. */
const char *q_text_get(const struct q_text *t, enum lang lang);

/* Reads a JSON array of answers (integers) into out[cap]: Q_OK with *n set; Q_BAD_TYPE
 * if answers is not an array or an element not an integer (err->field "answers" or
 * "answers[i]"); Q_INVALID if there are more than cap. The count against the definition
 * and each value are checked by questionnaire_score. */
int questionnaire_parse_answers(const json_t *answers, int64_t *out, size_t cap, size_t *n, struct q_error *err);

/* Scores n answers, one per item in the definition's order. Q_OK with *res filled, or
 * Q_INVALID: a wrong number of answers (Q_ERR_COUNT, field "answers"), an answer an item
 * cannot have (Q_ERR_VALUE, field "answers[i]": "Item 9 cannot score 3 (allowed: 0, 2,
 * 4)."), or no sex where a threshold needs it (Q_ERR_SEX, field "sex"). */
int questionnaire_score(const struct questionnaire *def, const int64_t *answers, size_t n, enum q_sex sex,
			struct q_result *res, struct q_error *err);

/* The total's zone for sex, or NULL (no zones). */
const struct q_zone *questionnaire_zone(const struct questionnaire *def, int total, enum q_sex sex);

#endif
