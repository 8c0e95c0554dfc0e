/* orgquestionnaire.c: an organisation's own questionnaire definitions — the replacement
 * rule, loading and removing (audited), and questionnaire_for_org() with its process-wide
 * cache (see orgquestionnaire.h). */
#include "domain/orgquestionnaire.h"

#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/util.h"
#include "domain/audit.h"

/* ---- the replacement rule ---- */

__attribute__((format(printf, 3, 4))) static int rule_fail(struct q_error *err, const char *path, const char *fmt,
							      ...)
{
	memset(err, 0, sizeof *err);
	err->kind = Q_ERR_DEFINITION;
	copy_str(err->field, sizeof err->field, path);
	char what[224];
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

/* "0, 2, 4" or "0–30" (at most 20 options of at most 4 digits: fits). */
static void scores_text(const struct q_item *it, char *out, size_t len)
{
	if (!it->noptions) {
		snprintf(out, len, "%d\xe2\x80\x93%d", it->min, it->max);
		return;
	}
	size_t used = 0;
	out[0] = '\0';
	for (size_t k = 0; k < it->noptions && used < len; k++) {
		int w = snprintf(out + used, len - used, "%s%d", k ? ", " : "", it->options[k].score);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static bool same_scores(const struct q_item *a, const struct q_item *b)
{
	if (a->noptions != b->noptions || a->min != b->min || a->max != b->max)
		return false;
	for (size_t k = 0; k < a->noptions; k++)
		if (a->options[k].score != b->options[k].score)
			return false;
	return true;
}

/* def (loaded) against the built-in with its id. */
static int check_against_builtin(const struct questionnaire *def, struct q_error *err)
{
	const struct questionnaire *b = questionnaire_builtin(def->id);
	if (!b) {
		char ids[128] = "";
		for (size_t i = 0; i < questionnaire_builtin_count(); i++) {
			size_t used = strlen(ids);
			snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "", questionnaire_builtin_at(i)->id);
		}
		return rule_fail(err, "id",
				 "'%s' is not one of tolv's questionnaires (%s); an organisation replaces the wording and "
				 "cut-offs of one of them, it cannot add a new one",
				 def->id, ids);
	}
	if (def->nitems != b->nitems)
		return rule_fail(err, "items",
				 "%s has %zu items and this file has %zu; a replacement must have the same %zu items, so "
				 "that stored answers stay comparable",
				 b->id, b->nitems, def->nitems, b->nitems);
	for (size_t i = 0; i < b->nitems; i++) {
		if (same_scores(&def->items[i], &b->items[i]))
			continue;
		char want[128], path[48];
		scores_text(&b->items[i], want, sizeof want);
		snprintf(path, sizeof path, "items[%zu].%s", i, b->items[i].noptions ? "options" : "range");
		return rule_fail(err, path,
				 "item %s of %s scores %s; a replacement must keep the same scores, so that stored "
				 "answers stay comparable",
				 b->items[i].key, b->id, want);
	}
	bool same = def->nsummed == b->nsummed;
	for (size_t i = 0; same && i < b->nsummed; i++)
		same = def->summed[i] == b->summed[i];
	if (!same)
		return rule_fail(err, "scoring.items",
				 "the total of %s sums other items; a replacement must sum the same items in the same "
				 "order, so that totals stay comparable",
				 b->id);
	return Q_OK;
}

int orgq_check(const char *text, size_t len, struct questionnaire *def, struct q_error *err)
{
	struct q_error dummy;
	if (!err)
		err = &dummy;
	memset(def, 0, sizeof *def);
	if (len >= STORE_ORGQ_JSON_MAX)
		return rule_fail(err, "", "the file is larger than %d KiB", (STORE_ORGQ_JSON_MAX - 1) / 1024);
	if (memchr(text, '\0', len))
		return rule_fail(err, "", "the file contains a NUL byte");
	int rc = questionnaire_load_json(text, len, def, err);
	if (rc)
		return rc;
	rc = check_against_builtin(def, err);
	if (rc) {
		questionnaire_release(def);
		memset(def, 0, sizeof *def);
	}
	return rc;
}

/* ---- the cache ---- */

struct orgq_entry {
	struct orgq_entry *next;
	int64_t org_id;
	char id[STORE_QID_MAX];
	char sha256[STORE_HEX_MAX];
	bool ok;                  /* false: the stored text failed the check (the built-in applies) */
	struct questionnaire def; /* when ok */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct orgq_entry *cache;          /* newest first; never freed (see the header) */
static size_t cache_n;

/* Under cache_lock. sha NULL: the newest entry of (org, id). */
static struct orgq_entry *cache_find(int64_t org_id, const char *id, const char *sha)
{
	for (struct orgq_entry *e = cache; e; e = e->next)
		if (e->org_id == org_id && !strcmp(e->id, id) && (!sha || !strcmp(e->sha256, sha)))
			return e;
	return NULL;
}

/* The definition an entry stands for. */
static const struct questionnaire *entry_def(const struct orgq_entry *e, const struct questionnaire *builtin)
{
	return e && e->ok ? &e->def : builtin;
}

size_t orgq_cache_count(void)
{
	pthread_mutex_lock(&cache_lock);
	size_t n = cache_n;
	pthread_mutex_unlock(&cache_lock);
	return n;
}

/* Reads, checks and caches (org, id)'s stored definition; the entry, or NULL if the row
 * went away or the store failed. Parsing happens outside the lock; if another thread
 * cached the same version meanwhile, its entry is used and this one dropped. */
static const struct orgq_entry *cache_load(struct store *s, int64_t org_id, const char *id)
{
	struct org_questionnaire row;
	char *json = NULL;
	if (store_orgq_body(s, org_id, id, &row, &json))
		return NULL;
	struct orgq_entry *e = xcalloc(1, sizeof *e);
	e->org_id = org_id;
	copy_str(e->id, sizeof e->id, id);
	copy_str(e->sha256, sizeof e->sha256, row.sha256);
	struct q_error err = { 0 };
	e->ok = orgq_check(json, strlen(json), &e->def, &err) == Q_OK;
	if (e->ok && strcmp(e->def.id, id)) { /* a row written past orgq_load */
		e->ok = false;
		copy_str(err.message, sizeof err.message, "id: not the id it is stored under");
	}
	if (!e->ok) {
		if (e->def.doc)
			questionnaire_release(&e->def);
		fprintf(stderr,
			"tolv: organisation %" PRId64 "'s definition of %s (sha256 %.12s) no longer passes the checks "
			"(%s); the built-in is used\n",
			org_id, id, row.sha256, err.message);
	}
	free(json);
	pthread_mutex_lock(&cache_lock);
	struct orgq_entry *have = cache_find(org_id, id, e->sha256);
	if (!have) {
		e->next = cache;
		cache = e;
		cache_n++;
		have = e;
		e = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
	if (e) {
		if (e->ok)
			questionnaire_release(&e->def);
		free(e);
	}
	return have;
}

const struct questionnaire *questionnaire_for_org(struct store *s, int64_t org_id, const char *id)
{
	const struct questionnaire *builtin = questionnaire_builtin(id);
	if (!builtin)
		return NULL;
	if (!s || org_id <= 0)
		return builtin;
	struct org_questionnaire head;
	int rc = store_orgq_get(s, org_id, builtin->id, &head);
	if (rc == STORE_NOTFOUND)
		return builtin;
	const struct orgq_entry *e;
	pthread_mutex_lock(&cache_lock);
	e = cache_find(org_id, builtin->id, rc ? NULL : head.sha256);
	pthread_mutex_unlock(&cache_lock);
	if (rc) /* the store failed: what this process last used */
		return entry_def(e, builtin);
	if (!e)
		e = cache_load(s, org_id, builtin->id);
	return entry_def(e, builtin);
}

/* ---- loading and removing ---- */

static void audit_orgq(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
		       const char *id, const char *detail)
{
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "questionnaire", id, detail);
}

int orgq_load(struct accounts *ac, const struct actor *who, int64_t org_id, const char *text, size_t len,
	      struct org_questionnaire *out, bool *replaced, struct q_error *err)
{
	bool dummy;
	if (!replaced)
		replaced = &dummy;
	*replaced = false;
	struct questionnaire def;
	if (orgq_check(text, len, &def, err))
		return ORGQ_BAD_FILE;
	struct org_questionnaire q = { 0 };
	copy_str(q.questionnaire, sizeof q.questionnaire, def.id);
	q.version = def.version;
	sha256_hex(text, len, q.sha256);
	q.loaded_at = now_seconds();
	q.loaded_by = who->user_id;
	questionnaire_release(&def);
	char *body = xmalloc(len + 1);
	memcpy(body, text, len);
	body[len] = '\0';
	int rc = store_orgq_put(ac->store, org_id, &q, body, replaced);
	free(body);
	if (rc)
		return rc;
	char detail[160];
	snprintf(detail, sizeof detail, "version %d sha256 %s%s", q.version, q.sha256,
		 *replaced ? " replaced" : "");
	audit_orgq(ac, who, org_id, "questionnaire.load", q.questionnaire, detail);
	if (out)
		*out = q;
	return 0;
}

int orgq_remove(struct accounts *ac, const struct actor *who, int64_t org_id, const char *id)
{
	struct org_questionnaire q;
	int rc = store_orgq_get(ac->store, org_id, id, &q);
	if (!rc)
		rc = store_orgq_remove(ac->store, org_id, id);
	if (rc)
		return rc;
	char detail[160];
	snprintf(detail, sizeof detail, "version %d sha256 %s", q.version, q.sha256);
	audit_orgq(ac, who, org_id, "questionnaire.remove", q.questionnaire, detail);
	return 0;
}
