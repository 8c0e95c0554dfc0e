/* questionnaire.c: loads and validates questionnaire definitions (JSON) and scores answers
 * against them (see questionnaire.h for the model, docs/questionnaires.md for the format). */
#include "domain/questionnaire.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/util.h"

/* --- errors --- */

/* Sets err to a definition error at path and returns Q_INVALID. The message repeats the
 * path, so one printed line tells an organisation where to look in its file. */
__attribute__((format(printf, 3, 4))) static int def_fail(struct q_error *err, const char *path, const char *fmt,
							     ...)
{
	if (!err)
		return Q_INVALID;
	memset(err, 0, sizeof *err);
	err->kind = Q_ERR_DEFINITION;
	copy_str(err->field, sizeof err->field, path);
	char what[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (*path)
		snprintf(err->message, sizeof err->message, "%s: %s", path, what);
	else
		copy_str(err->message, sizeof err->message, what);
	return Q_INVALID;
}

/* "items[3]" + ".label" etc. Paths are at most a few levels deep and well under the size;
 * snprintf truncates rather than overflows if a future format nests deeper. */
#define PATH_MAX_LEN 96
__attribute__((format(printf, 2, 3))) static void path_fmt(char out[PATH_MAX_LEN], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, PATH_MAX_LEN, fmt, ap);
	va_end(ap);
}

/* --- small JSON readers, each naming the path on failure --- */

/* obj must be an object whose keys are all in allowed (NULL-terminated). */
static int only_keys(const json_t *obj, const char *path, const char *const *allowed, struct q_error *err)
{
	if (!json_is_object(obj))
		return def_fail(err, path, "must be an object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			/* Name the key only when it is printable and short: it is the file's text. */
			size_t n = strlen(key);
			if (n < 40 && utf8_valid_text(key, n))
				return def_fail(err, path, "unknown field \"%s\"", key);
			return def_fail(err, path, "unknown field");
		}
	}
	return Q_OK;
}

/* The member key of obj, which must be present (null is a value here: the caller decides). */
static json_t *need(const json_t *obj, const char *path, const char *key, struct q_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		char p[PATH_MAX_LEN];
		path_fmt(p, "%s%s%s", path, *path ? "." : "", key);
		def_fail(err, p, "missing");
	}
	return v;
}

static int read_int(const json_t *v, const char *path, int min, int max, int *out, struct q_error *err)
{
	if (!json_is_integer(v))
		return def_fail(err, path, "must be a whole number");
	json_int_t x = json_integer_value(v);
	if (x < min || x > max)
		return def_fail(err, path, "must be from %d to %d", min, max);
	*out = (int)x;
	return Q_OK;
}

/* A string of 1..max bytes of valid text (no NUL inside, no control characters). */
static int read_str(const json_t *v, const char *path, size_t max, const char **out, struct q_error *err)
{
	if (!json_is_string(v))
		return def_fail(err, path, "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0)
		return def_fail(err, path, "must not be empty");
	if (n != strlen(s) || !utf8_valid_text(s, n))
		return def_fail(err, path, "contains characters that are not allowed");
	if (n > max)
		return def_fail(err, path, "is longer than %zu bytes", max);
	*out = s;
	return Q_OK;
}

/* An identifier: the definition's id (lower case, digits, '-') or a key (also upper case
 * and '_', so "IV" and "days" both work). Short and plain so it can appear in URLs,
 * messages and stored results. */
static int read_key(const json_t *v, const char *path, bool id, const char **out, struct q_error *err)
{
	const char *s;
	if (read_str(v, path, Q_ID_MAX - 1, &s, err) != Q_OK)
		return Q_INVALID;
	for (const char *p = s; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			  (!id && ((c >= 'A' && c <= 'Z') || c == '_'));
		if (!ok)
			return def_fail(err, path,
					id ? "may contain only a-z, 0-9 and '-'"
					   : "may contain only letters a-z, A-Z, digits, '-' and '_'");
	}
	if (id && !(s[0] >= 'a' && s[0] <= 'z'))
		return def_fail(err, path, "must start with a letter a-z");
	*out = s;
	return Q_OK;
}

/* {"nb": …, "sv": …, "en": …}: at least one language, each a non-empty string. */
static int read_text(const json_t *v, const char *path, struct q_text *out, struct q_error *err)
{
	static const char *const langs[] = { "nb", "sv", "en", NULL };
	if (only_keys(v, path, langs, err) != Q_OK)
		return Q_INVALID;
	const char **slot[] = { &out->nb, &out->sv, &out->en };
	memset(out, 0, sizeof *out);
	for (size_t i = 0; langs[i]; i++) {
		json_t *s = json_object_get(v, langs[i]);
		if (!s)
			continue;
		char p[PATH_MAX_LEN];
		path_fmt(p, "%s.%s", path, langs[i]);
		if (read_str(s, p, Q_TEXT_MAX, slot[i], err) != Q_OK)
			return Q_INVALID;
	}
	if (!out->nb && !out->sv && !out->en)
		return def_fail(err, path, "needs a text in at least one of nb, sv, en");
	return Q_OK;
}

/* A threshold: a number, or {"female": n, "male": n}. */
static int read_threshold(const json_t *v, const char *path, int min, int max, struct q_threshold *out,
			  struct q_error *err)
{
	if (json_is_object(v)) {
		static const char *const sexes[] = { "female", "male", NULL };
		if (only_keys(v, path, sexes, err) != Q_OK)
			return Q_INVALID;
		for (int s = 0; s < 2; s++) {
			char p[PATH_MAX_LEN];
			path_fmt(p, "%s.%s", path, sexes[s]);
			json_t *x = need(v, path, sexes[s], err);
			if (!x || read_int(x, p, min, max, &out->v[s], err) != Q_OK)
				return Q_INVALID;
		}
		/* {"female": 8, "male": 8} is one number written twice: it needs no sex. */
		out->by_sex = out->v[0] != out->v[1];
		return Q_OK;
	}
	if (!json_is_integer(v))
		return def_fail(err, path, "must be a whole number or {\"female\": n, \"male\": n}");
	if (read_int(v, path, min, max, &out->v[0], err) != Q_OK)
		return Q_INVALID;
	out->v[1] = out->v[0];
	out->by_sex = false;
	return Q_OK;
}

/* A LOINC code: up to 7 digits, '-', and the mod-10 (Luhn) check digit LOINC defines, so a
 * mistyped code is refused rather than sent on to a FHIR server. */
static int read_loinc(const json_t *v, const char *path, const char **out, struct q_error *err)
{
	*out = NULL;
	if (json_is_null(v))
		return Q_OK;
	const char *s;
	if (read_str(v, path, 12, &s, err) != Q_OK)
		return Q_INVALID;
	size_t n = strlen(s), digits = strspn(s, "0123456789");
	if (digits < 1 || digits > 7 || n != digits + 2 || s[digits] != '-' || s[digits + 1] < '0' ||
	    s[digits + 1] > '9')
		return def_fail(err, path, "must be a LOINC code such as 75624-7, or null");
	int sum = 0;
	bool dbl = true; /* the rightmost digit of the number is doubled */
	for (size_t i = digits; i-- > 0; dbl = !dbl) {
		int d = s[i] - '0';
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	if ((10 - sum % 10) % 10 != s[digits + 1] - '0')
		return def_fail(err, path, "check digit does not match: %s is not a LOINC code", s);
	*out = s;
	return Q_OK;
}

/* --- definitions --- */

void questionnaire_release(struct questionnaire *def)
{
	if (!def)
		return;
	if (def->items)
		for (size_t i = 0; i < def->nitems; i++)
			free(def->items[i].options);
	free(def->items);
	free(def->summed);
	free(def->zones);
	free(def->cutoffs);
	json_decref(def->doc);
	memset(def, 0, sizeof *def);
	def->positive = -1;
}

static int load_item(const json_t *v, size_t i, struct q_item *it, struct q_error *err)
{
	static const char *const keys[] = { "key", "label", "options", "range", NULL };
	char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
	path_fmt(path, "items[%zu]", i);
	if (only_keys(v, path, keys, err) != Q_OK)
		return Q_INVALID;
	json_t *key = need(v, path, "key", err), *label = key ? need(v, path, "label", err) : NULL;
	if (!key || !label)
		return Q_INVALID;
	path_fmt(p, "%s.key", path);
	if (read_key(key, p, false, &it->key, err) != Q_OK)
		return Q_INVALID;
	path_fmt(p, "%s.label", path);
	if (read_text(label, p, &it->label, err) != Q_OK)
		return Q_INVALID;

	json_t *options = json_object_get(v, "options"), *range = json_object_get(v, "range");
	if (!options == !range)
		return def_fail(err, path, "needs either \"options\" or \"range\", not both");
	if (range) {
		static const char *const rkeys[] = { "min", "max", NULL };
		path_fmt(p, "%s.range", path);
		if (only_keys(range, p, rkeys, err) != Q_OK)
			return Q_INVALID;
		json_t *lo = need(range, p, "min", err), *hi = lo ? need(range, p, "max", err) : NULL;
		if (!lo || !hi)
			return Q_INVALID;
		path_fmt(p, "%s.range.min", path);
		if (read_int(lo, p, 0, Q_SCORE_MAX, &it->min, err) != Q_OK)
			return Q_INVALID;
		path_fmt(p, "%s.range.max", path);
		if (read_int(hi, p, 0, Q_SCORE_MAX, &it->max, err) != Q_OK)
			return Q_INVALID;
		if (it->max <= it->min)
			return def_fail(err, p, "must be above min (%d)", it->min);
		return Q_OK;
	}

	path_fmt(p, "%s.options", path);
	if (!json_is_array(options))
		return def_fail(err, p, "must be an array");
	size_t n = json_array_size(options);
	if (n < 2 || n > Q_OPTIONS_MAX)
		return def_fail(err, p, "must have from 2 to %d options", Q_OPTIONS_MAX);
	it->options = xcalloc(n, sizeof *it->options);
	it->noptions = n;
	for (size_t k = 0; k < n; k++) {
		static const char *const okeys[] = { "score", "label", NULL };
		json_t *o = json_array_get(options, k);
		char op[PATH_MAX_LEN];
		path_fmt(op, "%s.options[%zu]", path, k);
		if (only_keys(o, op, okeys, err) != Q_OK)
			return Q_INVALID;
		json_t *score = need(o, op, "score", err), *olabel = score ? need(o, op, "label", err) : NULL;
		if (!score || !olabel)
			return Q_INVALID;
		path_fmt(p, "%s.score", op);
		if (read_int(score, p, 0, Q_SCORE_MAX, &it->options[k].score, err) != Q_OK)
			return Q_INVALID;
		/* Ascending and distinct: an answer is a score, so two options with one score could
		 * not be told apart, and a shuffled list is almost always a typing mistake. */
		if (k > 0 && it->options[k].score <= it->options[k - 1].score)
			return def_fail(err, p,
					"%d does not rise above the score before it (%d): "
					"scores must rise from option to option",
					it->options[k].score, it->options[k - 1].score);
		path_fmt(p, "%s.label", op);
		if (read_text(olabel, p, &it->options[k].label, err) != Q_OK)
			return Q_INVALID;
	}
	it->min = it->options[0].score;
	it->max = it->options[n - 1].score;
	return Q_OK;
}

static int load_items(const json_t *items, struct questionnaire *def, struct q_error *err)
{
	if (!json_is_array(items))
		return def_fail(err, "items", "must be an array");
	size_t n = json_array_size(items);
	if (n < 1 || n > Q_ITEMS_MAX)
		return def_fail(err, "items", "must have from 1 to %d items", Q_ITEMS_MAX);
	def->items = xcalloc(n, sizeof *def->items);
	def->nitems = n;
	for (size_t i = 0; i < n; i++) {
		if (load_item(json_array_get(items, i), i, &def->items[i], err) != Q_OK)
			return Q_INVALID;
		for (size_t k = 0; k < i; k++)
			if (strcmp(def->items[k].key, def->items[i].key) == 0) {
				char p[PATH_MAX_LEN];
				path_fmt(p, "items[%zu].key", i);
				return def_fail(err, p, "\"%s\" is also the key of items[%zu]", def->items[i].key, k);
			}
	}
	return Q_OK;
}

static int load_scoring(const json_t *v, struct questionnaire *def, struct q_error *err)
{
	static const char *const keys[] = { "rule", "items", NULL };
	if (only_keys(v, "scoring", keys, err) != Q_OK)
		return Q_INVALID;
	json_t *rule = need(v, "scoring", "rule", err), *items = rule ? need(v, "scoring", "items", err) : NULL;
	if (!rule || !items)
		return Q_INVALID;
	/* The one rule the shipped questionnaires need; the field exists so that a later rule
	 * (a mean, reverse-scored items) is an addition, not a format change. */
	if (!json_is_string(rule) || strcmp(json_string_value(rule), "sum") != 0)
		return def_fail(err, "scoring.rule", "must be \"sum\" (the only rule so far)");
	if (!json_is_array(items))
		return def_fail(err, "scoring.items", "must be an array of item keys");
	size_t n = json_array_size(items);
	if (n < 1 || n > def->nitems)
		return def_fail(err, "scoring.items", "must name from 1 to %zu items", def->nitems);
	def->summed = xcalloc(n, sizeof *def->summed);
	def->nsummed = n;
	def->total_min = def->total_max = 0;
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX_LEN];
		path_fmt(p, "scoring.items[%zu]", i);
		const char *key;
		if (read_str(json_array_get(items, i), p, Q_ID_MAX - 1, &key, err) != Q_OK)
			return Q_INVALID;
		size_t k = 0;
		while (k < def->nitems && strcmp(def->items[k].key, key) != 0)
			k++;
		if (k == def->nitems)
			return def_fail(err, p, "\"%s\" is not the key of an item", key);
		for (size_t j = 0; j < i; j++)
			if (def->summed[j] == k)
				return def_fail(err, p, "\"%s\" is listed twice", key);
		def->summed[i] = k;
		/* At most 100 items of at most 1000: no overflow. */
		def->total_min += def->items[k].min;
		def->total_max += def->items[k].max;
	}
	return Q_OK;
}

static const char *const sex_word[2] = { "women", "men" };

/* The zones, ascending, must cover total_min..total_max for each sex with no gap and no
 * overlap, so that every total has exactly one zone whatever the sex. */
static int load_zones(const json_t *zones, struct questionnaire *def, struct q_error *err)
{
	if (!json_is_array(zones))
		return def_fail(err, "zones", "must be an array (empty for none)");
	size_t n = json_array_size(zones);
	if (n > Q_ZONES_MAX)
		return def_fail(err, "zones", "must have at most %d zones", Q_ZONES_MAX);
	if (n == 0)
		return Q_OK;
	def->zones = xcalloc(n, sizeof *def->zones);
	def->nzones = n;
	for (size_t i = 0; i < n; i++) {
		static const char *const keys[] = { "key", "label", "min", "max", NULL };
		struct q_zone *z = &def->zones[i];
		json_t *v = json_array_get(zones, i);
		char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
		path_fmt(path, "zones[%zu]", i);
		if (only_keys(v, path, keys, err) != Q_OK)
			return Q_INVALID;
		json_t *key = need(v, path, "key", err), *label = key ? need(v, path, "label", err) : NULL;
		json_t *lo = label ? need(v, path, "min", err) : NULL, *hi = lo ? need(v, path, "max", err) : NULL;
		if (!hi)
			return Q_INVALID;
		path_fmt(p, "%s.key", path);
		if (read_key(key, p, false, &z->key, err) != Q_OK)
			return Q_INVALID;
		for (size_t k = 0; k < i; k++)
			if (strcmp(def->zones[k].key, z->key) == 0)
				return def_fail(err, p, "\"%s\" is also the key of zones[%zu]", z->key, k);
		path_fmt(p, "%s.label", path);
		if (read_text(label, p, &z->label, err) != Q_OK)
			return Q_INVALID;
		path_fmt(p, "%s.min", path);
		if (read_threshold(lo, p, def->total_min, def->total_max, &z->min, err) != Q_OK)
			return Q_INVALID;
		path_fmt(p, "%s.max", path);
		if (read_threshold(hi, p, def->total_min, def->total_max, &z->max, err) != Q_OK)
			return Q_INVALID;
	}
	for (int s = 0; s < 2; s++) {
		int next = def->total_min;
		for (size_t i = 0; i < n; i++) {
			const struct q_zone *z = &def->zones[i];
			char p[PATH_MAX_LEN];
			path_fmt(p, "zones[%zu].min", i);
			int lo = z->min.v[s], hi = z->max.v[s];
			if (i == 0 && lo != next)
				return def_fail(err, p,
						"the first zone must start at the lowest total, %d (for %s it starts at %d)",
						next, sex_word[s], lo);
			if (lo > next)
				return def_fail(err, p,
						"for %s this zone starts at %d, leaving a gap after zones[%zu], "
						"which ends at %d",
						sex_word[s], lo, i - 1, next - 1);
			if (lo < next)
				return def_fail(err, p,
						"for %s this zone starts at %d, overlapping zones[%zu], which ends at %d",
						sex_word[s], lo, i - 1, next - 1);
			if (hi < lo) {
				path_fmt(p, "zones[%zu].max", i);
				return def_fail(err, p, "for %s this zone ends at %d, below its start (%d)",
						sex_word[s], hi, lo);
			}
			next = hi + 1;
		}
		if (next - 1 != def->total_max) {
			char p[PATH_MAX_LEN];
			path_fmt(p, "zones[%zu].max", n - 1);
			return def_fail(err, p,
					"the last zone must end at the highest total, %d (for %s it ends at %d)",
					def->total_max, sex_word[s], next - 1);
		}
	}
	return Q_OK;
}

static int load_cutoffs(const json_t *cutoffs, const json_t *positive, struct questionnaire *def,
			struct q_error *err)
{
	if (!json_is_array(cutoffs))
		return def_fail(err, "cutoffs", "must be an array (empty for none)");
	size_t n = json_array_size(cutoffs);
	if (n > Q_CUTOFFS_MAX)
		return def_fail(err, "cutoffs", "must have at most %d cut-offs", Q_CUTOFFS_MAX);
	if (n > 0) {
		def->cutoffs = xcalloc(n, sizeof *def->cutoffs);
		def->ncutoffs = n;
	}
	for (size_t i = 0; i < n; i++) {
		static const char *const keys[] = { "key", "label", "min", NULL };
		struct q_cutoff *c = &def->cutoffs[i];
		json_t *v = json_array_get(cutoffs, i);
		char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
		path_fmt(path, "cutoffs[%zu]", i);
		if (only_keys(v, path, keys, err) != Q_OK)
			return Q_INVALID;
		json_t *key = need(v, path, "key", err), *label = key ? need(v, path, "label", err) : NULL;
		json_t *lo = label ? need(v, path, "min", err) : NULL;
		if (!lo)
			return Q_INVALID;
		path_fmt(p, "%s.key", path);
		if (read_key(key, p, false, &c->key, err) != Q_OK)
			return Q_INVALID;
		for (size_t k = 0; k < i; k++)
			if (strcmp(def->cutoffs[k].key, c->key) == 0)
				return def_fail(err, p, "\"%s\" is also the key of cutoffs[%zu]", c->key, k);
		path_fmt(p, "%s.label", path);
		if (read_text(label, p, &c->label, err) != Q_OK)
			return Q_INVALID;
		/* Above the lowest total: a cut-off every result reaches says nothing. */
		path_fmt(p, "%s.min", path);
		if (def->total_min == def->total_max)
			return def_fail(err, p, "the total can only be %d, so no cut-off can tell results apart",
					def->total_min);
		if (read_threshold(lo, p, def->total_min + 1, def->total_max, &c->min, err) != Q_OK)
			return Q_INVALID;
	}
	def->positive = -1;
	if (json_is_null(positive))
		return Q_OK;
	const char *key;
	if (read_key(positive, "positive_cutoff", false, &key, err) != Q_OK)
		return Q_INVALID;
	for (size_t i = 0; i < n; i++)
		if (strcmp(def->cutoffs[i].key, key) == 0)
			def->positive = (int)i;
	if (def->positive < 0)
		return def_fail(err, "positive_cutoff", "\"%s\" is not the key of a cut-off", key);
	return Q_OK;
}

int questionnaire_load(json_t *doc, struct questionnaire *def, struct q_error *err)
{
	static const char *const keys[] = { "format", "id",	 "version", "title",	       "source", "loinc",
					    "items",  "scoring", "zones",   "cutoffs", "positive_cutoff", NULL };
	memset(def, 0, sizeof *def);
	def->positive = -1;
	if (err)
		memset(err, 0, sizeof *err);
	if (!json_is_object(doc))
		return def_fail(err, "", "a definition must be a JSON object");
	if (only_keys(doc, "", keys, err) != Q_OK)
		return Q_INVALID;
	for (size_t i = 0; keys[i]; i++)
		if (!need(doc, "", keys[i], err))
			return Q_INVALID;
	def->doc = json_incref(doc);

	int format;
	if (read_int(json_object_get(doc, "format"), "format", 1, 1000, &format, err) != Q_OK)
		goto fail;
	if (format != Q_FORMAT) {
		def_fail(err, "format", "this version of tolv reads format %d, not %d", Q_FORMAT, format);
		goto fail;
	}
	if (read_key(json_object_get(doc, "id"), "id", true, &def->id, err) != Q_OK ||
	    read_int(json_object_get(doc, "version"), "version", 1, 1000000, &def->version, err) != Q_OK ||
	    read_text(json_object_get(doc, "title"), "title", &def->title, err) != Q_OK ||
	    read_str(json_object_get(doc, "source"), "source", Q_SOURCE_MAX, &def->source, err) != Q_OK ||
	    read_loinc(json_object_get(doc, "loinc"), "loinc", &def->loinc, err) != Q_OK ||
	    load_items(json_object_get(doc, "items"), def, err) != Q_OK ||
	    load_scoring(json_object_get(doc, "scoring"), def, err) != Q_OK ||
	    load_zones(json_object_get(doc, "zones"), def, err) != Q_OK ||
	    load_cutoffs(json_object_get(doc, "cutoffs"), json_object_get(doc, "positive_cutoff"), def, err) != Q_OK)
		goto fail;
	for (size_t i = 0; i < def->nzones; i++)
		def->needs_sex |= def->zones[i].min.by_sex || def->zones[i].max.by_sex;
	for (size_t i = 0; i < def->ncutoffs; i++)
		def->needs_sex |= def->cutoffs[i].min.by_sex;
	return Q_OK;
fail:
	questionnaire_release(def);
	return Q_INVALID;
}

int questionnaire_load_json(const char *text, size_t len, struct questionnaire *def, struct q_error *err)
{
	memset(def, 0, sizeof *def);
	def->positive = -1;
	json_error_t jerr;
	/* Duplicate keys are refused: with two "min"s, which one the author meant is a guess. */
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return def_fail(err, "", "not valid JSON (line %d, column %d): %s", jerr.line, jerr.column, jerr.text);
	int rc = questionnaire_load(doc, def, err);
	json_decref(doc);
	return rc;
}

/* --- the built-in definitions --- */

static struct questionnaire *builtins;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

static void builtins_load(void)
{
	builtins = xcalloc(q_sources_count ? q_sources_count : 1, sizeof *builtins);
	for (size_t i = 0; i < q_sources_count; i++) {
		struct q_error err;
		if (questionnaire_load_json(q_sources[i].json, q_sources[i].len, &builtins[i], &err) != Q_OK) {
			/* A broken file in data/questionnaires/ is a build mistake the unit tests catch. */
			fprintf(stderr, "tolv: built-in questionnaire %s: %s\n", q_sources[i].name, err.message);
			abort();
		}
		if (strcmp(builtins[i].id, q_sources[i].name) != 0) {
			fprintf(stderr, "tolv: built-in questionnaire %s has the id %s\n", q_sources[i].name,
				builtins[i].id);
			abort();
		}
	}
}

size_t questionnaire_builtin_count(void)
{
	return q_sources_count;
}

const struct questionnaire *questionnaire_builtin_at(size_t i)
{
	pthread_once(&builtins_once, builtins_load);
	return i < q_sources_count ? &builtins[i] : NULL;
}

const struct questionnaire *questionnaire_builtin(const char *id)
{
	if (!id)
		return NULL;
	pthread_once(&builtins_once, builtins_load);
	for (size_t i = 0; i < q_sources_count; i++)
		if (strcmp(builtins[i].id, id) == 0)
			return &builtins[i];
	return NULL;
}

/* --- small helpers --- */

enum q_sex q_sex_parse(const char *s)
{
	if (s && strcmp(s, "female") == 0)
		return Q_SEX_FEMALE;
	if (s && strcmp(s, "male") == 0)
		return Q_SEX_MALE;
	return Q_SEX_UNKNOWN;
}

const char *q_sex_name(enum q_sex sex)
{
	return sex == Q_SEX_FEMALE ? "female" : sex == Q_SEX_MALE ? "male" : NULL;
}

int q_threshold_for(const struct q_threshold *t, enum q_sex sex)
{
	return t->v[sex == Q_SEX_MALE ? 1 : 0];
}

const char *q_text_get(const struct q_text *t, enum lang lang)
{
	const char *want = lang == LANG_NB ? t->nb : lang == LANG_SV ? t->sv : t->en;
	if (want)
		return want;
	return t->en ? t->en : t->nb ? t->nb : t->sv ? t->sv : "";
}

/* --- answers and scoring --- */

int questionnaire_parse_answers(const json_t *answers, int64_t *out, size_t cap, size_t *n, struct q_error *err)
{
	memset(err, 0, sizeof *err);
	*n = 0;
	if (!json_is_array(answers)) {
		err->kind = Q_ERR_TYPE;
		copy_str(err->field, sizeof err->field, "answers");
		copy_str(err->message, sizeof err->message, "Give the answers as an array of whole numbers.");
		return Q_BAD_TYPE;
	}
	/* Types first, for every element: a malformed request is a 400 whatever its length. */
	size_t size = json_array_size(answers);
	for (size_t i = 0; i < size; i++) {
		if (!json_is_integer(json_array_get(answers, i))) {
			err->kind = Q_ERR_TYPE;
			err->index = i;
			snprintf(err->field, sizeof err->field, "answers[%zu]", i);
			copy_str(err->message, sizeof err->message, "Each answer must be a whole number.");
			return Q_BAD_TYPE;
		}
	}
	if (size > cap) {
		err->kind = Q_ERR_COUNT;
		err->expected = cap;
		err->given = size;
		copy_str(err->field, sizeof err->field, "answers");
		snprintf(err->message, sizeof err->message,
			 "Give one answer for each item: %zu expected, %zu given.", cap, size);
		return Q_INVALID;
	}
	for (size_t i = 0; i < size; i++)
		out[i] = (int64_t)json_integer_value(json_array_get(answers, i));
	*n = size;
	return Q_OK;
}

/* "0, 2, 4" for options, "0–30" for a range. */
static void allowed_text(const struct q_item *it, char *out, size_t outlen)
{
	if (it->noptions == 0) {
		snprintf(out, outlen, "%d\xe2\x80\x93%d", it->min, it->max);
		return;
	}
	size_t used = 0;
	out[0] = '\0';
	for (size_t k = 0; k < it->noptions && used < outlen; k++) {
		int w = snprintf(out + used, outlen - used, "%s%d", k ? ", " : "", it->options[k].score);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static bool item_allows(const struct q_item *it, int64_t v)
{
	if (it->noptions == 0)
		return v >= it->min && v <= it->max;
	for (size_t k = 0; k < it->noptions; k++)
		if (it->options[k].score == v)
			return true;
	return false;
}

const struct q_zone *questionnaire_zone(const struct questionnaire *def, int total, enum q_sex sex)
{
	for (size_t i = 0; i < def->nzones; i++) {
		const struct q_zone *z = &def->zones[i];
		if (total >= q_threshold_for(&z->min, sex) && total <= q_threshold_for(&z->max, sex))
			return z;
	}
	return NULL;
}

int questionnaire_score(const struct questionnaire *def, const int64_t *answers, size_t n, enum q_sex sex,
			struct q_result *res, struct q_error *err)
{
	memset(err, 0, sizeof *err);
	memset(res, 0, sizeof *res);
	if (n != def->nitems) {
		err->kind = Q_ERR_COUNT;
		err->expected = def->nitems;
		err->given = n;
		copy_str(err->field, sizeof err->field, "answers");
		snprintf(err->message, sizeof err->message, "Give one answer for each item: %zu expected, %zu given.",
			 def->nitems, n);
		return Q_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		const struct q_item *it = &def->items[i];
		if (item_allows(it, answers[i]))
			continue;
		err->kind = Q_ERR_VALUE;
		err->index = i;
		err->value = (long long)answers[i];
		allowed_text(it, err->allowed, sizeof err->allowed);
		snprintf(err->field, sizeof err->field, "answers[%zu]", i);
		snprintf(err->message, sizeof err->message, "Item %s cannot score %lld (allowed: %s).", it->key,
			 err->value, err->allowed);
		return Q_INVALID;
	}
	if (def->needs_sex && sex != Q_SEX_FEMALE && sex != Q_SEX_MALE) {
		err->kind = Q_ERR_SEX;
		copy_str(err->field, sizeof err->field, "sex");
		copy_str(err->message, sizeof err->message,
			 "Give sex as female or male: the cut-offs of this questionnaire differ by sex.");
		return Q_INVALID;
	}
	/* Every answer is now one an item can have (0..Q_SCORE_MAX), so the sum fits an int. */
	int total = 0;
	for (size_t i = 0; i < def->nsummed; i++)
		total += (int)answers[def->summed[i]];
	res->total = total;
	res->min = def->total_min;
	res->max = def->total_max;
	res->zone = questionnaire_zone(def, total, sex);
	res->ncutoffs = def->ncutoffs;
	for (size_t i = 0; i < def->ncutoffs; i++) {
		res->threshold[i] = q_threshold_for(&def->cutoffs[i].min, sex);
		res->reached[i] = total >= res->threshold[i];
	}
	res->has_positive = def->positive >= 0;
	res->positive = def->positive >= 0 && res->reached[def->positive];
	return Q_OK;
}
