/* stepwording.c: an organisation's wording of the steps over the store, audited (see
 * stepwording.h). */
#include "domain/stepwording.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "domain/audit.h"

const struct step_names *step_wording_load(struct store *s, int64_t org_id, struct step_wording *out)
{
	memset(out, 0, sizeof *out);
	if (store_step_wording_get(s, org_id, &out->stored) != STORE_OK) {
		log_msg(LOG_WARN, "step wording: %s; the shipped wording is shown", store_last_error());
		memset(&out->stored, 0, sizeof out->stored);
	}
	for (int i = 0; i < STEP_COUNT; i++)
		for (int l = 0; l < LANG_COUNT; l++) {
			const char *n = out->stored.name[i][l];
			out->names.name[i][l] = n[0] ? n : NULL;
			out->count += n[0] != '\0';
		}
	return &out->names;
}

#define F(n) { "name-" #n "-nb", "name-" #n "-sv", "name-" #n "-en" }
static const char *const fields[STEP_COUNT][LANG_COUNT] = {
	F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), F(9), F(10), F(11), F(12),
};
#undef F

const char *step_wording_field(int step, enum lang lang)
{
	if (step < 1 || step > STEP_COUNT || (int)lang < 0 || lang >= LANG_COUNT)
		return "";
	return fields[step - 1][lang];
}

static int invalid(struct field_error *fe, const char *field, const char *msg)
{
	if (fe) {
		fe->field = field;
		fe->message = msg;
	}
	return ACC_INVALID;
}

static int store_and_audit(struct accounts *ac, const struct actor *who, int64_t org_id,
			   const struct store_step_wording *w, int count)
{
	int rc = store_step_wording_set(ac->store, org_id, w, who->user_id, now_seconds());
	if (rc)
		return rc;
	char oid[24], detail[48];
	snprintf(oid, sizeof oid, "%" PRId64, org_id);
	if (count)
		snprintf(detail, sizeof detail, "names %d", count);
	else
		snprintf(detail, sizeof detail, "reset");
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "steps.wording", "org", oid, detail);
	return 0;
}

int step_wording_save(struct accounts *ac, const struct actor *who, int64_t org_id, const struct step_names *in,
		      struct field_error *fe)
{
	struct store_step_wording w;
	memset(&w, 0, sizeof w);
	struct step_names trimmed;
	memset(&trimmed, 0, sizeof trimmed);
	int count = 0;
	for (int i = 0; i < STEP_COUNT; i++)
		for (int l = 0; l < LANG_COUNT; l++) {
			const char *s = in ? in->name[i][l] : NULL;
			if (!s)
				continue;
			size_t len = strlen(s);
			/* Spaces around a name are a slip of the keyboard, not wording. */
			while (len && (*s == ' ' || *s == '\t')) {
				s++;
				len--;
			}
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			if (len > STEP_NAME_MAX)
				return invalid(fe, fields[i][l], N_("A step name must be at most 100 bytes."));
			memcpy(w.name[i][l], s, len);
			w.name[i][l][len] = '\0';
			trimmed.name[i][l] = w.name[i][l];
		}
	/* A blank input ("   ") trims to "": the shipped name, as the form says. */
	int step, lang;
	const char *msg = step_names_validate(&trimmed, &step, &lang);
	if (msg)
		return invalid(fe, step_wording_field(step, (enum lang)lang), msg);
	for (int i = 0; i < STEP_COUNT; i++)
		for (int l = 0; l < LANG_COUNT; l++) {
			/* The shipped name typed in again is no rewording: it follows tolv's
			 * wording if that is ever improved. */
			if (w.name[i][l][0] && !strcmp(w.name[i][l], step_name(NULL, i + 1, (enum lang)l)))
				w.name[i][l][0] = '\0';
			count += w.name[i][l][0] != '\0';
		}
	return store_and_audit(ac, who, org_id, &w, count);
}

int step_wording_reset(struct accounts *ac, const struct actor *who, int64_t org_id)
{
	struct store_step_wording w;
	memset(&w, 0, sizeof w);
	return store_and_audit(ac, who, org_id, &w, 0);
}
