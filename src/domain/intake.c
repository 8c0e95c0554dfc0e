/* intake.c: programmes, groups, referral sources, referrals and self-referrals — the
 * rules, the store calls and an audit entry for every change (see intake.h). */
#include "domain/intake.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/programme.h"

void intake_error(struct intake_errors *errs, const char *field, const char *message)
{
	if (errs && errs->n < INTAKE_ERRORS_MAX) {
		errs->e[errs->n].field = field;
		errs->e[errs->n].message = message;
		errs->n++;
	}
}

const char *intake_error_get(const struct intake_errors *errs, const char *field)
{
	for (int i = 0; errs && i < errs->n; i++)
		if (errs->e[i].field && field && strcmp(errs->e[i].field, field) == 0)
			return errs->e[i].message;
	return NULL;
}

static int invalid(struct intake_errors *errs, const char *field, const char *message)
{
	intake_error(errs, field, message);
	return ACC_INVALID;
}

/* A test may fix "today"; the server reads the clock. Written only by tests, before
 * any thread runs. */
static int32_t fixed_today = DATE_NONE;

int32_t intake_today(void)
{
	return fixed_today != DATE_NONE ? fixed_today : date_today_cet();
}

void intake_set_today(int32_t day)
{
	fixed_today = day;
}

void intake_audit(struct accounts *ac, const struct actor *who, const char *action, const char *otype, int64_t id,
		  const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	audit_event(ac->audit, who->user_id, who->email, who->org_id, who->addr, action, otype, oid, detail);
}

/* Trims spaces at both ends into out; false if it does not fit. */
static bool trimmed(const char *in, char *out, size_t outlen)
{
	if (!in)
		in = "";
	while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
		in++;
	size_t n = strlen(in);
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\n' || in[n - 1] == '\r'))
		n--;
	if (n >= outlen)
		return false;
	memcpy(out, in, n);
	out[n] = '\0';
	return true;
}

/* One line of text (a name, a label): trimmed, fits, valid, no line breaks. */
static bool check_line(const char *in, char *out, size_t outlen, const char *field, bool required,
		       const char *too_long, const char *missing, struct intake_errors *errs)
{
	if (!trimmed(in, out, outlen)) {
		intake_error(errs, field, too_long);
		return false;
	}
	if (!utf8_valid_text(out, strlen(out)) || strpbrk(out, "\n\r\t")) {
		intake_error(errs, field, N_("The text contains characters that are not allowed."));
		return false;
	}
	if (required && !*out) {
		intake_error(errs, field, missing);
		return false;
	}
	return true;
}

/* Free text (a reason, a note, a message): trimmed, fits, valid; line breaks allowed. */
static bool check_text(const char *in, char *out, size_t outlen, const char *field, bool required,
		       const char *too_long, const char *missing, struct intake_errors *errs)
{
	if (!trimmed(in, out, outlen)) {
		intake_error(errs, field, too_long);
		return false;
	}
	if (!utf8_valid_text(out, strlen(out))) {
		intake_error(errs, field, N_("The text contains characters that are not allowed."));
		return false;
	}
	if (required && !*out) {
		intake_error(errs, field, missing);
		return false;
	}
	return true;
}

/* "" → today; else a real date, not after today (when not_future). */
static bool check_day(const char *in, int32_t *out, const char *field, bool not_future, struct intake_errors *errs)
{
	if (!in || !*in) {
		*out = intake_today();
		return true;
	}
	if (date_parse(in, out) != 0) {
		intake_error(errs, field, N_("Enter a date as YYYY-MM-DD, like 2025-03-31."));
		return false;
	}
	if (not_future && *out > intake_today()) {
		intake_error(errs, field, N_("The date cannot be in the future."));
		return false;
	}
	return true;
}

/* ======================================================================== programmes */

#define PHASE_FIELDS(i)                                                                                         \
	{ "phase" #i "_label",		   "phase" #i "_target_days",	    "phase" #i "_min_days_per_week",        \
	  "phase" #i "_min_hours_per_day", "phase" #i "_max_hours_per_day", "phase" #i "_min_months",               \
	  "phase" #i "_max_months",	   "phase" #i "_sessions_per_week", "phase" #i "_session_minutes" }
static const char *const phase_fields[STORE_PHASES_MAX][9] = {
	PHASE_FIELDS(0), PHASE_FIELDS(1), PHASE_FIELDS(2), PHASE_FIELDS(3),
	PHASE_FIELDS(4), PHASE_FIELDS(5), PHASE_FIELDS(6), PHASE_FIELDS(7),
};

const char *intake_phase_field(int phase, int k)
{
	return phase >= 0 && phase < STORE_PHASES_MAX && k >= 0 && k < 9 ? phase_fields[phase][k] : NULL;
}

struct num_rule {
	size_t offset;
	int min, max;
	const char *msg;
};
#define NUM_RULE(field, lo, hi, text) { offsetof(struct programme_phase, field), lo, hi, text }
/* The same ranges as programme_validate(), in form order; index k+1 of phase_fields. */
static const struct num_rule num_rules[8] = {
	NUM_RULE(target_days, 0, 1000, N_("Target days must be between 0 and 1000.")),
	NUM_RULE(min_days_per_week, 0, 5, N_("Minimum days a week must be between 0 and 5.")),
	NUM_RULE(min_hours_per_day, 0, 12, N_("Minimum hours a day must be between 0 and 12.")),
	NUM_RULE(max_hours_per_day, 0, 12, N_("Maximum hours a day must be between 0 and 12.")),
	NUM_RULE(min_months, 0, 60, N_("Minimum months must be between 0 and 60.")),
	NUM_RULE(max_months, 0, 60, N_("Maximum months must be between 0 and 60.")),
	NUM_RULE(sessions_per_week, 0, 14, N_("Sessions a week must be between 0 and 14.")),
	NUM_RULE(session_minutes, 0, 480, N_("Session length must be between 0 and 480 minutes.")),
};

static void to_def(const struct programme *p, struct programme_def *d)
{
	memset(d, 0, sizeof *d);
	d->key = p->template_key[0] ? p->template_key : "custom";
	d->label = p->name;
	d->nphases = p->nphases;
	d->min_steps = p->min_steps;
	for (int i = 0; i < p->nphases && i < PROGRAMME_MAX_PHASES; i++) {
		const struct programme_phase *s = &p->phases[i];
		struct phase_def *t = &d->phases[i];
		t->key = s->key;
		t->label = s->label;
		t->target_days = s->target_days;
		t->min_days_per_week = s->min_days_per_week;
		t->min_hours_per_day = s->min_hours_per_day;
		t->max_hours_per_day = s->max_hours_per_day;
		t->min_months = s->min_months;
		t->max_months = s->max_months;
		t->sessions_per_week = s->sessions_per_week;
		t->session_minutes = s->session_minutes;
	}
}

int intake_programme_check(const struct programme *p, struct intake_errors *errs)
{
	bool bad = false;
	char tmp[STORE_NAME_MAX];
	if (!check_line(p->name, tmp, PROGRAMME_LABEL_MAX + 1, "name", true,
			N_("The name is too long (at most 100 characters)."), N_("Enter a name."), errs))
		bad = true;
	if (p->min_steps < 0 || p->min_steps > 12) {
		intake_error(errs, "min_steps", N_("The minimum number of steps must be between 0 and 12."));
		bad = true;
	}
	if (p->nphases < 1 || p->nphases > STORE_PHASES_MAX) {
		intake_error(errs, "name", N_("A programme has between 1 and 8 phases."));
		return ACC_INVALID;
	}
	for (int i = 0; i < p->nphases; i++) {
		const struct programme_phase *ph = &p->phases[i];
		char lab[STORE_LABEL_MAX];
		if (!check_line(ph->label, lab, sizeof lab, phase_fields[i][0], true,
				N_("Each phase needs a name of at most 100 bytes."),
				N_("Each phase needs a name of at most 100 bytes."), errs))
			bad = true;
		for (int k = 0; k < 8; k++) {
			int v;
			memcpy(&v, (const char *)ph + num_rules[k].offset, sizeof v);
			if (v < num_rules[k].min || v > num_rules[k].max) {
				intake_error(errs, phase_fields[i][k + 1], num_rules[k].msg);
				bad = true;
			}
		}
		if (ph->min_hours_per_day && ph->max_hours_per_day && ph->min_hours_per_day > ph->max_hours_per_day &&
		    !intake_error_get(errs, phase_fields[i][3])) {
			intake_error(errs, phase_fields[i][3], N_("Minimum hours a day cannot be more than the maximum."));
			bad = true;
		}
		if (ph->min_months && ph->max_months && ph->min_months > ph->max_months &&
		    !intake_error_get(errs, phase_fields[i][5])) {
			intake_error(errs, phase_fields[i][5], N_("Minimum months cannot be more than the maximum."));
			bad = true;
		}
	}
	if (bad)
		return ACC_INVALID;
	/* The domain's own rules as the last word (keys, duplicates). */
	struct programme_def d;
	to_def(p, &d);
	int phase = -1;
	const char *why = programme_validate(&d, &phase);
	if (why)
		return invalid(errs, phase >= 0 ? phase_fields[phase][0] : "name", why);
	return 0;
}

int intake_programme_from_template(const char *template_key, const char *name, struct programme *p,
				   struct intake_errors *errs)
{
	memset(p, 0, sizeof *p);
	const struct programme_def *t = programme_template(template_key);
	if (!t)
		intake_error(errs, "template", N_("Choose a template."));
	if (!check_line(name, p->name, PROGRAMME_LABEL_MAX + 1, "name", true,
			N_("The name is too long (at most 100 characters)."), N_("Enter a name."), errs) ||
	    !t)
		return ACC_INVALID;
	copy_str(p->template_key, sizeof p->template_key, t->key);
	p->min_steps = t->min_steps;
	p->active = true;
	p->nphases = t->nphases;
	for (int i = 0; i < t->nphases; i++) {
		const struct phase_def *s = &t->phases[i];
		struct programme_phase *d = &p->phases[i];
		copy_str(d->key, sizeof d->key, s->key);
		copy_str(d->label, sizeof d->label, s->label); /* an English msgid; edited text after */
		d->target_days = s->target_days;
		d->min_days_per_week = s->min_days_per_week;
		d->min_hours_per_day = s->min_hours_per_day;
		d->max_hours_per_day = s->max_hours_per_day;
		d->min_months = s->min_months;
		d->max_months = s->max_months;
		d->sessions_per_week = s->sessions_per_week;
		d->session_minutes = s->session_minutes;
	}
	return 0;
}

int intake_programme_create(struct accounts *ac, const struct actor *who, const char *template_key,
			    const char *name, struct programme *out, struct intake_errors *errs)
{
	struct programme p;
	int rc = intake_programme_from_template(template_key, name, &p, errs);
	if (rc)
		return rc;
	if ((rc = intake_programme_check(&p, errs)) != 0)
		return rc;
	rc = store_programme_create(ac->store, who->org_id, &p);
	if (rc == STORE_CONFLICT)
		return invalid(errs, "name", N_("A programme with this name already exists."));
	if (rc)
		return rc;
	/* The first programme brings the organisation's referral sources (idempotent). */
	int added = 0;
	store_referral_sources_seed(ac->store, who->org_id, &added);
	intake_audit(ac, who, "programme.create", "programme", p.id, p.template_key);
	if (out)
		*out = p;
	return 0;
}

int intake_programme_update(struct accounts *ac, const struct actor *who, struct programme *p,
			    struct intake_errors *errs)
{
	struct programme cur;
	int rc = store_programme_get(ac->store, who->org_id, p->id, &cur);
	if (rc)
		return rc;
	char name[STORE_NAME_MAX];
	if (trimmed(p->name, name, sizeof name))
		copy_str(p->name, sizeof p->name, name);
	for (int i = 0; i < p->nphases && i < STORE_PHASES_MAX; i++) {
		char lab[STORE_LABEL_MAX];
		if (trimmed(p->phases[i].label, lab, sizeof lab))
			copy_str(p->phases[i].label, sizeof p->phases[i].label, lab);
	}
	if ((rc = intake_programme_check(p, errs)) != 0)
		return rc;
	rc = store_programme_update(ac->store, who->org_id, p);
	if (rc == STORE_CONFLICT)
		return invalid(errs, "name",
			       N_("A programme with this name already exists, or people are in a phase that would be "
				  "removed."));
	if (rc)
		return rc;
	intake_audit(ac, who, "programme.update", "programme", p->id, NULL);
	return 0;
}

int intake_closed_date_add(struct accounts *ac, const struct actor *who, int64_t programme_id, const char *day,
			   const char *label, struct intake_errors *errs)
{
	struct closed_date d;
	memset(&d, 0, sizeof d);
	bool ok = true;
	if (!day || !*day || date_parse(day, &d.day) != 0) {
		intake_error(errs, "day", N_("Enter a date as YYYY-MM-DD, like 2025-03-31."));
		ok = false;
	}
	if (!check_line(label, d.label, PROGRAMME_LABEL_MAX + 1, "label", false,
			N_("The text is too long (at most 100 characters)."), NULL, errs))
		ok = false;
	if (!ok)
		return ACC_INVALID;
	struct programme p;
	int rc = store_programme_get(ac->store, who->org_id, programme_id, &p);
	if (rc == STORE_OK)
		rc = store_closed_date_add(ac->store, who->org_id, programme_id, &d);
	if (rc)
		return rc;
	intake_audit(ac, who, "programme.closed_date.add", "programme", programme_id, day);
	return 0;
}

int intake_closed_date_remove(struct accounts *ac, const struct actor *who, int64_t programme_id, const char *day,
			      struct intake_errors *errs)
{
	int32_t d;
	if (!day || date_parse(day, &d) != 0)
		return invalid(errs, "day", N_("Enter a date as YYYY-MM-DD, like 2025-03-31."));
	struct programme p;
	int rc = store_programme_get(ac->store, who->org_id, programme_id, &p);
	if (rc == STORE_OK)
		rc = store_closed_date_remove(ac->store, who->org_id, programme_id, d);
	if (rc == STORE_NOTFOUND)
		return invalid(errs, "day", N_("That date is not a closed date of the programme."));
	if (rc)
		return rc;
	intake_audit(ac, who, "programme.closed_date.remove", "programme", programme_id, day);
	return 0;
}

/* ============================================================================ groups */

int intake_parse_time(const char *s, bool end)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
		return -1;
	return h * 60 + m;
}

int intake_group_check(const struct group *g, const struct programme *p, struct intake_errors *errs)
{
	bool bad = false;
	char tmp[STORE_NAME_MAX];
	if (!check_line(g->name, tmp, sizeof tmp, "name", true, N_("The name is too long (at most 200 characters)."),
			N_("Enter a name."), errs))
		bad = true;
	if (!check_line(g->place, tmp, sizeof tmp, "place", false,
			N_("The place is too long (at most 200 characters)."), NULL, errs))
		bad = true;
	if (g->phase_key[0] && p) {
		bool found = false;
		for (int i = 0; i < p->nphases; i++)
			if (strcmp(p->phases[i].key, g->phase_key) == 0)
				found = true;
		if (!found) {
			intake_error(errs, "phase_key", N_("Choose a phase of the programme."));
			bad = true;
		}
	}
	if (g->weekdays < 0 || g->weekdays > 127) {
		intake_error(errs, "weekdays", N_("Choose the weekdays the group meets."));
		bad = true;
	}
	if (g->start_min < 0 || g->start_min > 1439) {
		intake_error(errs, "start", N_("Enter a start time as HH:MM, like 09:00."));
		bad = true;
	} else if (g->end_min < 0 || g->end_min > 1440) {
		intake_error(errs, "end", N_("Enter an end time as HH:MM, like 11:00."));
		bad = true;
	} else if (!(g->start_min == 0 && g->end_min == 0) && g->end_min <= g->start_min) {
		intake_error(errs, "end", N_("The end time must be after the start time."));
		bad = true;
	}
	if (g->capacity < 0 || g->capacity > 1000) {
		intake_error(errs, "capacity", N_("Capacity must be between 0 (no limit) and 1000."));
		bad = true;
	}
	return bad ? ACC_INVALID : 0;
}

static void trim_group(struct group *g)
{
	char tmp[STORE_NAME_MAX];
	if (trimmed(g->name, tmp, sizeof tmp))
		copy_str(g->name, sizeof g->name, tmp);
	if (trimmed(g->place, tmp, sizeof tmp))
		copy_str(g->place, sizeof g->place, tmp);
}

int intake_group_create(struct accounts *ac, const struct actor *who, struct group *g, struct intake_errors *errs)
{
	struct programme p;
	int rc = store_programme_get(ac->store, who->org_id, g->programme_id, &p);
	if (rc)
		return rc;
	trim_group(g);
	if ((rc = intake_group_check(g, &p, errs)) != 0)
		return rc;
	rc = store_group_create(ac->store, who->org_id, g);
	if (rc == STORE_CONFLICT)
		return invalid(errs, "name", N_("The programme has a group with this name already."));
	if (rc)
		return rc;
	intake_audit(ac, who, "group.create", "group", g->id, NULL);
	return 0;
}

int intake_group_update(struct accounts *ac, const struct actor *who, struct group *g, struct intake_errors *errs)
{
	struct group cur;
	int rc = store_group_get(ac->store, who->org_id, g->id, &cur);
	if (rc)
		return rc;
	g->programme_id = cur.programme_id;
	struct programme p;
	if ((rc = store_programme_get(ac->store, who->org_id, cur.programme_id, &p)) != 0)
		return rc;
	trim_group(g);
	if ((rc = intake_group_check(g, &p, errs)) != 0)
		return rc;
	rc = store_group_update(ac->store, who->org_id, g);
	if (rc == STORE_CONFLICT)
		return invalid(errs, "name", N_("The programme has a group with this name already."));
	if (rc)
		return rc;
	intake_audit(ac, who, "group.update", "group", g->id, NULL);
	return 0;
}

/* The enrolment must exist in the organisation and belong to the group's programme. */
static int check_enrolment(struct accounts *ac, const struct actor *who, const struct group *g, int64_t enrolment_id,
			   struct intake_errors *errs)
{
	struct enrolment e;
	if (enrolment_id <= 0)
		return invalid(errs, "enrolment_id", N_("Choose a person enrolled in the programme."));
	int rc = store_enrolment_get(ac->store, who->org_id, enrolment_id, &e);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && e.programme_id != g->programme_id))
		return invalid(errs, "enrolment_id", N_("Choose a person enrolled in the programme."));
	return rc;
}

int intake_group_member_add(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t enrolment_id,
			    int32_t from_day, bool waitlist_if_full, bool *waitlisted, struct intake_errors *errs)
{
	if (waitlisted)
		*waitlisted = false;
	struct group g;
	int rc = store_group_get(ac->store, who->org_id, group_id, &g);
	if (rc)
		return rc;
	if ((rc = check_enrolment(ac, who, &g, enrolment_id, errs)) != 0)
		return rc;
	struct group_member m;
	memset(&m, 0, sizeof m);
	m.group_id = group_id;
	m.enrolment_id = enrolment_id;
	m.from_day = from_day;
	m.to_day = DATE_NONE;
	m.created_by = who->user_id;
	rc = store_group_member_add(ac->store, who->org_id, &m);
	if (rc == STORE_FULL && waitlist_if_full) {
		struct group_waiting w;
		memset(&w, 0, sizeof w);
		w.group_id = group_id;
		w.enrolment_id = enrolment_id;
		w.created_by = who->user_id;
		rc = store_waiting_add(ac->store, who->org_id, &w);
		if (rc)
			return rc;
		intake_audit(ac, who, "group.waiting.add", "enrolment", enrolment_id, NULL);
		if (waitlisted)
			*waitlisted = true;
		return 0;
	}
	if (rc == STORE_INVALID)
		return invalid(errs, "enrolment_id", N_("Choose a person enrolled in the programme."));
	if (rc)
		return rc;
	intake_audit(ac, who, "group.member.add", "enrolment", enrolment_id, NULL);
	return 0;
}

int intake_group_member_end(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t member_id,
			    int32_t to_day, struct intake_errors *errs)
{
	struct group_member *ms = NULL;
	size_t n = 0;
	int rc = store_group_member_list(ac->store, who->org_id, group_id, DATE_NONE, &ms, &n);
	if (rc)
		return rc;
	const struct group_member *m = NULL;
	for (size_t i = 0; i < n; i++)
		if (ms[i].id == member_id)
			m = &ms[i];
	if (!m) {
		free(ms);
		return invalid(errs, "member_id", N_("Choose a member of the group."));
	}
	int64_t enrolment_id = m->enrolment_id;
	if (m->to_day != DATE_NONE) {
		free(ms);
		return STORE_CONFLICT;
	}
	if (to_day < m->from_day) {
		free(ms);
		return invalid(errs, "to", N_("The end date cannot be before the member joined."));
	}
	free(ms);
	rc = store_group_member_end(ac->store, who->org_id, member_id, to_day);
	if (rc)
		return rc;
	intake_audit(ac, who, "group.member.end", "enrolment", enrolment_id, NULL);
	return 0;
}

int intake_waiting_add(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t enrolment_id,
		       const char *note, struct intake_errors *errs)
{
	struct group g;
	int rc = store_group_get(ac->store, who->org_id, group_id, &g);
	if (rc)
		return rc;
	struct group_waiting w;
	memset(&w, 0, sizeof w);
	if (!check_text(note, w.note, sizeof w.note, "note", false, N_("The note is too long (at most 1000 bytes)."),
			NULL, errs))
		return ACC_INVALID;
	if ((rc = check_enrolment(ac, who, &g, enrolment_id, errs)) != 0)
		return rc;
	w.group_id = group_id;
	w.enrolment_id = enrolment_id;
	w.created_by = who->user_id;
	rc = store_waiting_add(ac->store, who->org_id, &w);
	if (rc)
		return rc;
	intake_audit(ac, who, "group.waiting.add", "enrolment", enrolment_id, NULL);
	return 0;
}

/* The waiting entry waiting_id of group_id (STORE_NOTFOUND if it is not on its list). */
static int find_waiting(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t waiting_id,
			struct group_waiting *out)
{
	struct group_waiting *ws = NULL;
	size_t n = 0;
	int rc = store_waiting_list(ac->store, who->org_id, group_id, &ws, &n);
	if (rc)
		return rc;
	rc = STORE_NOTFOUND;
	for (size_t i = 0; i < n; i++)
		if (waiting_id == 0 ? i == 0 : ws[i].id == waiting_id) {
			*out = ws[i];
			rc = STORE_OK;
		}
	free(ws);
	return rc;
}

int intake_waiting_promote(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t waiting_id,
			   int32_t from_day)
{
	struct group g;
	int rc = store_group_get(ac->store, who->org_id, group_id, &g);
	if (rc)
		return rc;
	struct group_waiting w;
	if ((rc = find_waiting(ac, who, group_id, waiting_id, &w)) != 0)
		return rc;
	struct group_member m;
	rc = store_waiting_promote(ac->store, who->org_id, group_id, w.id, from_day, who->user_id, &m);
	if (rc)
		return rc;
	intake_audit(ac, who, "group.waiting.promote", "enrolment", w.enrolment_id, NULL);
	return 0;
}

int intake_waiting_remove(struct accounts *ac, const struct actor *who, int64_t group_id, int64_t waiting_id)
{
	struct group_waiting w;
	int rc = find_waiting(ac, who, group_id, waiting_id <= 0 ? -1 : waiting_id, &w);
	if (rc)
		return rc;
	if ((rc = store_waiting_remove(ac->store, who->org_id, w.id)) != 0)
		return rc;
	intake_audit(ac, who, "group.waiting.remove", "enrolment", w.enrolment_id, NULL);
	return 0;
}

/* ================================================================== referral sources */

/* A key from a label: lower-case ASCII letters and digits, others become '_'. */
static void key_from_label(const char *label, char *key, size_t keylen)
{
	size_t k = 0;
	bool under = false;
	for (const char *c = label; *c && k + 1 < keylen && k < 24; c++) {
		char ch = *c;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			key[k++] = ch;
			under = false;
		} else if (!under && k > 0) {
			key[k++] = '_';
			under = true;
		}
	}
	while (k > 0 && key[k - 1] == '_')
		k--;
	key[k] = '\0';
	if (!k)
		copy_str(key, keylen, "source");
}

int intake_source_add(struct accounts *ac, const struct actor *who, const char *label, struct referral_source *out,
		      struct intake_errors *errs)
{
	struct referral_source src;
	memset(&src, 0, sizeof src);
	if (!check_line(label, src.label, PROGRAMME_LABEL_MAX + 1, "label", true,
			N_("The name is too long (at most 100 characters)."), N_("Enter a name."), errs))
		return ACC_INVALID;
	struct referral_source *all = NULL;
	size_t n = 0;
	int rc = store_referral_source_list(ac->store, who->org_id, true, &all, &n);
	if (rc)
		return rc;
	int maxpos = 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i].position > maxpos)
			maxpos = all[i].position;
		if (strcmp(all[i].label, src.label) == 0) {
			free(all);
			return invalid(errs, "label", N_("A referral source with this name exists already."));
		}
	}
	char base[STORE_KEY_MAX];
	key_from_label(src.label, base, sizeof base);
	copy_str(src.key, sizeof src.key, base);
	/* The key is unique: add a number if another source has it. */
	for (int suffix = 2; suffix < 1000; suffix++) {
		bool taken = false;
		for (size_t i = 0; i < n; i++)
			if (strcmp(all[i].key, src.key) == 0)
				taken = true;
		if (!taken)
			break;
		snprintf(src.key, sizeof src.key, "%.24s_%d", base, suffix % 1000);
	}
	free(all);
	src.active = true;
	src.position = maxpos + 10;
	rc = store_referral_source_add(ac->store, who->org_id, &src);
	if (rc == STORE_CONFLICT)
		return invalid(errs, "label", N_("A referral source with this name exists already."));
	if (rc)
		return rc;
	intake_audit(ac, who, "referral_source.add", "referral_source", src.id, src.key);
	if (out)
		*out = src;
	return 0;
}

int intake_source_update(struct accounts *ac, const struct actor *who, const char *key, const char *label,
			 int active, struct intake_errors *errs)
{
	struct referral_source *all = NULL;
	size_t n = 0;
	int rc = store_referral_source_list(ac->store, who->org_id, true, &all, &n);
	if (rc)
		return rc;
	struct referral_source src;
	bool found = false;
	for (size_t i = 0; i < n; i++)
		if (key && strcmp(all[i].key, key) == 0) {
			src = all[i];
			found = true;
		}
	if (!found) {
		free(all);
		return invalid(errs, "key", N_("Choose a referral source."));
	}
	if (label) {
		char lab[STORE_LABEL_MAX];
		if (!check_line(label, lab, PROGRAMME_LABEL_MAX + 1, "label", true,
				N_("The name is too long (at most 100 characters)."), N_("Enter a name."), errs)) {
			free(all);
			return ACC_INVALID;
		}
		for (size_t i = 0; i < n; i++)
			if (strcmp(all[i].key, src.key) != 0 && strcmp(all[i].label, lab) == 0) {
				free(all);
				return invalid(errs, "label", N_("A referral source with this name exists already."));
			}
		copy_str(src.label, sizeof src.label, lab);
	}
	free(all);
	if (active >= 0)
		src.active = active != 0;
	if ((rc = store_referral_source_update(ac->store, who->org_id, &src)) != 0)
		return rc;
	intake_audit(ac, who, "referral_source.update", "referral_source", src.id, src.key);
	return 0;
}

/* ========================================================================= referrals */

static const struct {
	const char *key, *label;
} statuses[REFERRAL_NSTATUS] = {
	{ "received", N_("Received") },
	{ "assessed", N_("Assessed") },
	{ "offered_conversation", N_("Offered a pre-treatment conversation") },
	{ "accepted", N_("Accepted") },
	{ "declined", N_("Declined") },
	{ "referred_elsewhere", N_("Referred elsewhere") },
	{ "waiting_list", N_("Waiting list") },
};

const char *referral_status_key(int i)
{
	return i >= 0 && i < REFERRAL_NSTATUS ? statuses[i].key : NULL;
}

const char *referral_status_label_of(const char *key)
{
	for (int i = 0; key && i < REFERRAL_NSTATUS; i++)
		if (strcmp(statuses[i].key, key) == 0)
			return statuses[i].label;
	return NULL;
}

bool referral_status_valid(const char *key)
{
	return referral_status_label_of(key) != NULL;
}

/* The allowed moves, as in the diagram of intake.h. */
static const struct {
	const char *from;
	const char *to[6];
} moves[] = {
	{ "received", { "assessed", "declined", "referred_elsewhere" } },
	{ "assessed", { "offered_conversation", "accepted", "declined", "referred_elsewhere", "waiting_list" } },
	{ "offered_conversation", { "accepted", "declined", "referred_elsewhere", "waiting_list" } },
	{ "waiting_list", { "offered_conversation", "accepted", "declined", "referred_elsewhere" } },
};

bool intake_referral_move_allowed(const char *from, const char *to)
{
	if (!from || !to)
		return false;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		if (strcmp(moves[i].from, from) != 0)
			continue;
		for (size_t k = 0; k < 6 && moves[i].to[k]; k++)
			if (strcmp(moves[i].to[k], to) == 0)
				return true;
	}
	return false;
}

int intake_referral_create(struct accounts *ac, const struct actor *who, const char *source_key,
			   const char *referrer_name, const char *referrer_org, const char *received_on,
			   const char *reason, int64_t person_id, int64_t programme_id, struct referral *out,
			   struct intake_errors *errs)
{
	struct referral r;
	memset(&r, 0, sizeof r);
	bool ok = true;
	/* The source: one of the organisation's active sources. */
	struct referral_source *srcs = NULL;
	size_t n = 0;
	int rc = store_referral_source_list(ac->store, who->org_id, false, &srcs, &n);
	if (rc)
		return rc;
	bool found = false;
	for (size_t i = 0; i < n; i++)
		if (source_key && strcmp(srcs[i].key, source_key) == 0)
			found = true;
	free(srcs);
	if (!found) {
		intake_error(errs, "source", N_("Choose where the referral comes from."));
		ok = false;
	} else {
		copy_str(r.source_key, sizeof r.source_key, source_key);
	}
	if (!check_line(referrer_name, r.referrer_name, sizeof r.referrer_name, "referrer_name", false,
			N_("The name is too long (at most 200 characters)."), NULL, errs))
		ok = false;
	if (!check_line(referrer_org, r.referrer_org, sizeof r.referrer_org, "referrer_org", false,
			N_("The name is too long (at most 200 characters)."), NULL, errs))
		ok = false;
	if (!check_day(received_on, &r.received_on, "received_on", true, errs))
		ok = false;
	if (!check_text(reason, r.reason, sizeof r.reason, "reason", false,
			N_("The reason is too long (at most 1000 bytes)."), NULL, errs))
		ok = false;
	if (person_id < 0) {
		intake_error(errs, "person_id", N_("Choose a person of this organisation."));
		ok = false;
	} else if (person_id > 0) {
		struct person p;
		rc = store_person_get(ac->store, who->org_id, person_id, &p);
		if (rc == STORE_NOTFOUND) {
			intake_error(errs, "person_id", N_("Choose a person of this organisation."));
			ok = false;
		} else if (rc) {
			return rc;
		}
	}
	if (programme_id < 0) {
		intake_error(errs, "programme_id", N_("Choose a programme of this organisation."));
		ok = false;
	} else if (programme_id > 0) {
		struct programme prog;
		rc = store_programme_get(ac->store, who->org_id, programme_id, &prog);
		if (rc == STORE_NOTFOUND) {
			intake_error(errs, "programme_id", N_("Choose a programme of this organisation."));
			ok = false;
		} else if (rc) {
			return rc;
		}
	}
	if (!ok)
		return ACC_INVALID;
	r.person_id = person_id;
	r.programme_id = programme_id;
	r.status_on = r.received_on;
	r.created_by = who->user_id;
	rc = store_referral_create(ac->store, who->org_id, &r);
	if (rc == STORE_INVALID)
		return invalid(errs, "source", N_("Choose where the referral comes from."));
	if (rc)
		return rc;
	intake_audit(ac, who, "referral.create", "referral", r.id, r.source_key);
	if (person_id)
		intake_audit(ac, who, "person.referral.link", "person", person_id, NULL);
	if (out)
		*out = r;
	return 0;
}

int intake_referral_set_status(struct accounts *ac, const struct actor *who, int64_t id, const char *to,
			       const char *on_day, const char *note, struct intake_errors *errs)
{
	struct referral r;
	int rc = store_referral_get(ac->store, who->org_id, id, &r);
	if (rc)
		return rc;
	bool ok = true;
	if (!referral_status_valid(to)) {
		intake_error(errs, "status", N_("Choose a status."));
		ok = false;
	} else if (!intake_referral_move_allowed(r.status, to)) {
		intake_error(errs, "status", N_("The referral cannot move from its current status to that one."));
		ok = false;
	}
	int32_t day = 0;
	if (!check_day(on_day, &day, "on_day", true, errs))
		ok = false;
	else if (day < r.status_on) {
		intake_error(errs, "on_day", N_("The date cannot be before the latest change of the referral."));
		ok = false;
	}
	char text[STORE_TEXT_MAX];
	if (!check_text(note, text, sizeof text, "note", false, N_("The note is too long (at most 1000 bytes)."),
			NULL, errs))
		ok = false;
	if (!ok)
		return ACC_INVALID;
	rc = store_referral_set_status(ac->store, who->org_id, id, r.status, to, day, who->user_id, text);
	if (rc)
		return rc;
	char detail[80];
	snprintf(detail, sizeof detail, "%s>%s", r.status, to);
	intake_audit(ac, who, "referral.status", "referral", id, detail);
	return 0;
}

int intake_referral_link(struct accounts *ac, const struct actor *who, int64_t id, int64_t person_id,
			 struct intake_errors *errs)
{
	struct referral r;
	int rc = store_referral_get(ac->store, who->org_id, id, &r);
	if (rc)
		return rc;
	if (person_id < 0)
		return invalid(errs, "person_id", N_("Choose a person of this organisation."));
	if (person_id > 0) {
		struct person p;
		rc = store_person_get(ac->store, who->org_id, person_id, &p);
		if (rc == STORE_NOTFOUND)
			return invalid(errs, "person_id", N_("Choose a person of this organisation."));
		if (rc)
			return rc;
	}
	rc = store_referral_link_person(ac->store, who->org_id, id, person_id);
	if (rc == STORE_INVALID)
		return invalid(errs, "person_id", N_("Choose a person of this organisation."));
	if (rc)
		return rc;
	intake_audit(ac, who, person_id ? "referral.link" : "referral.unlink", "referral", id, NULL);
	if (person_id)
		intake_audit(ac, who, "person.referral.link", "person", person_id, NULL);
	return 0;
}

/* ==================================================================== self-referrals */

/* Digits, spaces and a leading +; 8 to 15 digits. */
static bool phone_valid(const char *s)
{
	int digits = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '+' && digits == 0 && i == strspn(s, " "))
			continue;
		else if (s[i] != ' ')
			return false;
	}
	return digits >= 8 && digits <= 15;
}

int intake_self_referral_submit(struct accounts *ac, int64_t org_id, const char *addr,
				const struct self_referral_input *in, enum self_referral_outcome *outcome,
				struct intake_errors *errs)
{
	*outcome = SR_INVALID;
	struct org o;
	int rc = store_org_get(ac->store, org_id, &o);
	if (rc)
		return rc;
	/* The address is never stored: a salted hash of it counts submissions. */
	struct buf salted = BUF_INIT;
	buf_adds(&salted, "tolv-self-referral\n");
	buf_adds(&salted, addr ? addr : "");
	struct self_referral sr;
	memset(&sr, 0, sizeof sr);
	sha256_hex(salted.data, salted.len, sr.addr_hash);
	buf_release(&salted);
	int64_t now = now_seconds(), recent = 0;
	rc = store_self_referral_count_recent(ac->store, 0, sr.addr_hash, now - SELF_REFERRAL_WINDOW, &recent);
	if (rc)
		return rc;
	if (recent >= SELF_REFERRAL_LIMIT) {
		*outcome = SR_THROTTLED;
		return 0;
	}
	if (in->honeypot && *in->honeypot) {
		*outcome = SR_SPAM;
		return 0;
	}
	bool ok = true;
	if (!check_line(in->name, sr.name, sizeof sr.name, "name", true,
			N_("The name is too long (at most 200 characters)."), N_("Enter your full name."), errs))
		ok = false;
	bool phone_ok = check_line(in->phone, sr.phone, sizeof sr.phone, "phone", false,
				   N_("Enter a phone number of 8 to 15 digits."), NULL, errs);
	if (phone_ok && sr.phone[0] && !phone_valid(sr.phone)) {
		intake_error(errs, "phone", N_("Enter a phone number of 8 to 15 digits; only digits, spaces and + are allowed."));
		phone_ok = false;
	}
	bool email_ok = check_line(in->email, sr.email, sizeof sr.email, "email", false,
				   N_("The e-mail address is too long."), NULL, errs);
	if (email_ok && sr.email[0] && !email_valid(sr.email)) {
		intake_error(errs, "email", N_("Enter a valid e-mail address, like name@example.no."));
		email_ok = false;
	}
	if (!phone_ok || !email_ok)
		ok = false;
	else if (!sr.phone[0] && !sr.email[0]) {
		intake_error(errs, "phone", N_("Enter a phone number or an e-mail address, so that we can contact you."));
		ok = false;
	}
	if (!check_text(in->message, sr.message, sizeof sr.message, "message", false,
			N_("The message is too long (at most 2000 bytes)."), NULL, errs))
		ok = false;
	if (!in->consent || strcmp(in->consent, "yes") != 0) {
		intake_error(errs, "consent", N_("Tick the box to agree that we store what you send us."));
		ok = false;
	}
	if (!ok)
		return 0;
	sr.consent_at = now;
	rc = store_self_referral_create(ac->store, org_id, &sr);
	if (rc)
		return rc;
	struct actor public_actor;
	memset(&public_actor, 0, sizeof public_actor);
	public_actor.org_id = org_id;
	copy_str(public_actor.addr, sizeof public_actor.addr, addr ? addr : "");
	intake_audit(ac, &public_actor, "self_referral.create", "self_referral", sr.id, "public form");
	*outcome = SR_STORED;
	return 0;
}

int intake_self_referral_take(struct accounts *ac, const struct actor *who, int64_t id, int64_t *referral_id)
{
	struct self_referral sr;
	int rc = store_self_referral_get(ac->store, who->org_id, id, &sr);
	if (rc)
		return rc;
	if (strcmp(sr.status, "new") != 0)
		return STORE_CONFLICT;
	/* The organisation may not have its sources yet (no programme made). */
	store_referral_sources_seed(ac->store, who->org_id, NULL);
	struct referral r;
	memset(&r, 0, sizeof r);
	r.received_on = date_from_unix_cet(sr.created_at);
	r.status_on = r.received_on;
	r.created_by = who->user_id;
	/* The reason carries the person's own message: staff read it on the referral page.
	 * The person referred themselves, so they are the referrer: their name, and in the
	 * referrer's "organisation" field how to reach them — otherwise the contact details
	 * would stay behind on the self-referral, which no page shows once it is taken. */
	copy_str(r.reason, sizeof r.reason, sr.message);
	copy_str(r.referrer_name, sizeof r.referrer_name, sr.name);
	char contact[STORE_PHONE_MAX + STORE_EMAIL_MAX + 8];
	snprintf(contact, sizeof contact, "%s%s%s", sr.phone, sr.phone[0] && sr.email[0] ? " · " : "", sr.email);
	copy_str(r.referrer_org, sizeof r.referrer_org, contact);
	rc = store_self_referral_take(ac->store, who->org_id, id, &r);
	if (rc)
		return rc;
	intake_audit(ac, who, "self_referral.take", "self_referral", id, NULL);
	intake_audit(ac, who, "referral.create", "referral", r.id, "self_referral");
	if (referral_id)
		*referral_id = r.id;
	return 0;
}

bool self_referral_discard_reason_valid(const char *reason)
{
	return reason && (!strcmp(reason, "spam") || !strcmp(reason, "duplicate") || !strcmp(reason, "other"));
}

int intake_self_referral_discard(struct accounts *ac, const struct actor *who, int64_t id, const char *reason,
				 struct intake_errors *errs)
{
	struct self_referral sr;
	int rc = store_self_referral_get(ac->store, who->org_id, id, &sr);
	if (rc)
		return rc;
	if (!self_referral_discard_reason_valid(reason))
		return invalid(errs, "reason", N_("Choose why the self-referral is discarded."));
	if (strcmp(sr.status, "new") != 0)
		return STORE_CONFLICT;
	if ((rc = store_self_referral_discard(ac->store, who->org_id, id, who->user_id)) != 0)
		return rc;
	intake_audit(ac, who, "self_referral.discard", "self_referral", id, reason);
	return 0;
}
