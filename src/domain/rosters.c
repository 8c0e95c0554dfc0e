/* rosters.c: the day roster, individual sessions, progress, caseload and programme board
 * (see rosters.h). Rules and audit entries here; storage through store.h; no HTTP. */
#include "domain/rosters.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"

#ifndef N_
#define N_(s) s
#endif

/* ---- small parsers ---- */

int rosters_parse_hours(const char *s, int *minutes, const char **msg)
{
	*msg = N_("Enter the hours as a number from 0 to 24, in steps of half an hour (for example 4.5).");
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len && s[len - 1] == ' ')
		len--;
	if (len == 0 || len > 6)
		return -1;
	int whole = 0, digits = 0, half = 0;
	size_t i = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		whole = whole * 10 + (s[i] - '0');
	if (digits == 0 || digits > 2)
		return -1;
	if (i < len) {
		if (s[i] != '.' && s[i] != ',')
			return -1;
		i++;
		if (i == len)
			return -1;
		/* "4.5", "4.50", "4.0", "4.00" */
		if (s[i] == '5')
			half = 1;
		else if (s[i] != '0')
			return -1;
		i++;
		if (i < len && s[i] != '0')
			return -1;
		if (i < len)
			i++;
		if (i != len)
			return -1;
	}
	int m = whole * 60 + half * 30;
	if (m > 24 * 60)
		return -1;
	*minutes = m;
	*msg = NULL;
	return 0;
}

void rosters_format_hours(int minutes, char *out, size_t outlen)
{
	if (minutes < 0)
		minutes = 0;
	int whole = minutes / 60, rest = minutes % 60;
	if (rest == 0)
		snprintf(out, outlen, "%d", whole);
	else if (rest == 30)
		snprintf(out, outlen, "%d.5", whole);
	else
		snprintf(out, outlen, "%.2f", minutes / 60.0);
}

int rosters_parse_time(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

const char *const rosters_kinds[] = { "individual", "motivation", "group", "aftercare" };
const size_t rosters_kinds_count = sizeof rosters_kinds / sizeof rosters_kinds[0];

const char *rosters_kind_label(const char *kind)
{
	if (!strcmp(kind, "individual"))
		return N_("Individual session");
	if (!strcmp(kind, "motivation"))
		return N_("Motivation group");
	if (!strcmp(kind, "aftercare"))
		return N_("Aftercare");
	if (!strcmp(kind, "group"))
		return N_("Group session");
	return kind;
}

const char *rosters_kind_for_phase(const char *phase_key)
{
	if (phase_key && !strcmp(phase_key, "motivation"))
		return "motivation";
	if (phase_key && !strcmp(phase_key, "aftercare"))
		return "aftercare";
	return "group";
}

int rosters_default_minutes(const struct programme_phase *ph, const struct group *g)
{
	int m = 0;
	if (ph && ph->session_minutes > 0)
		m = ph->session_minutes;
	else if (ph && ph->min_hours_per_day > 0)
		m = ph->min_hours_per_day * 60;
	else if (g && g->end_min > g->start_min)
		m = g->end_min - g->start_min;
	m = (m + 15) / 30 * 30;
	return m > 1440 ? 1440 : m;
}

static const struct programme_phase *phase_by_key(const struct programme *p, const char *key)
{
	if (!key || !*key)
		return NULL;
	for (int i = 0; i < p->nphases && i < STORE_PHASES_MAX; i++)
		if (!strcmp(p->phases[i].key, key))
			return &p->phases[i];
	return NULL;
}

/* ---- audit ---- */

static void fill_entry(struct audit_entry *e, const struct actor *who, int64_t org_id, const char *action,
		       const char *otype, int64_t id, const char *detail)
{
	memset(e, 0, sizeof *e);
	e->user_id = who->user_id;
	e->org_id = org_id;
	copy_str(e->actor, sizeof e->actor, who->email);
	copy_str(e->addr, sizeof e->addr, who->addr);
	copy_str(e->action, sizeof e->action, action);
	copy_str(e->object_type, sizeof e->object_type, otype);
	snprintf(e->object_id, sizeof e->object_id, "%" PRId64, id);
	copy_str(e->detail, sizeof e->detail, detail ? detail : "");
}

void rosters_audit(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
		   const char *object_type, int64_t id, const char *detail)
{
	struct audit_entry e;
	fill_entry(&e, who, org_id, action, object_type, id, detail);
	auditor_log(ac->audit, &e);
}

/* One listing entry for the page, its persons as subjects (audit_subjects): a page of 50
 * rows is one entry and 50 narrow rows in a shared commit, not 50 entries. */
void rosters_audit_listed(struct accounts *ac, const struct actor *who, int64_t org_id, const int64_t *person_ids,
			  size_t n, const char *detail)
{
	if (n == 0)
		return;
	struct audit_entry e;
	fill_entry(&e, who, org_id, "person.list", "person", 0, detail);
	e.object_id[0] = '\0'; /* the persons are the subjects */
	auditor_log_listing(ac->audit, &e, person_ids, n);
}

/* ---- the day roster ---- */

void roster_view_release(struct roster_view *v)
{
	free(v->lines);
	v->lines = NULL;
	v->n = 0;
}

/* The group's session on day, if there is one. */
static int find_session(struct store *s, int64_t org_id, const struct group *g, int32_t day, bool *found,
			struct att_session *out)
{
	struct att_session *list = NULL;
	size_t n = 0;
	int rc = store_att_session_list(s, org_id, g->programme_id, g->id, day, day, 1, &list, &n);
	*found = rc == STORE_OK && n > 0;
	if (*found)
		*out = list[0];
	free(list);
	return rc;
}

static int load_lines(struct store *s, int64_t org_id, struct roster_view *v)
{
	if (v->has_session)
		return store_attendance_roster(s, org_id, v->se.id, &v->lines, &v->n);
	struct group_member *m = NULL;
	size_t n = 0;
	int rc = store_group_member_list(s, org_id, v->g.id, v->day, &m, &n);
	if (rc != STORE_OK) {
		free(m);
		return rc;
	}
	v->lines = xcalloc(n ? n : 1, sizeof *v->lines);
	for (size_t i = 0; i < n; i++) {
		struct roster_line *l = &v->lines[i];
		l->enrolment_id = m[i].enrolment_id;
		l->person_id = m[i].person_id;
		copy_str(l->given_name, sizeof l->given_name, m[i].given_name);
		copy_str(l->family_name, sizeof l->family_name, m[i].family_name);
		l->member = true;
	}
	v->n = n;
	free(m);
	return STORE_OK;
}

static int roster_read(struct accounts *ac, int64_t org_id, int64_t group_id, int32_t day, struct roster_view *out)
{
	memset(out, 0, sizeof *out);
	out->day = day;
	int rc = store_group_get(ac->store, org_id, group_id, &out->g);
	if (rc == STORE_OK)
		rc = store_programme_get(ac->store, org_id, out->g.programme_id, &out->p);
	if (rc == STORE_OK)
		rc = find_session(ac->store, org_id, &out->g, day, &out->has_session, &out->se);
	if (rc == STORE_OK)
		rc = load_lines(ac->store, org_id, out);
	if (rc != STORE_OK) {
		roster_view_release(out);
		return rc;
	}
	out->phase = phase_by_key(&out->p, out->g.phase_key);
	out->default_minutes = rosters_default_minutes(out->phase, &out->g);
	return STORE_OK;
}

int rosters_load(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t group_id, int32_t day,
		 const char *detail, struct roster_view *out)
{
	int rc = roster_read(ac, org_id, group_id, day, out);
	if (rc != STORE_OK)
		return rc;
	int64_t *ids = xmalloc((out->n ? out->n : 1) * sizeof *ids);
	for (size_t i = 0; i < out->n; i++)
		ids[i] = out->lines[i].person_id;
	rosters_audit_listed(ac, who, org_id, ids, out->n, detail ? detail : "roster");
	free(ids);
	return STORE_OK;
}

static bool note_ok(const char *note)
{
	if (!note)
		return true;
	size_t len = strlen(note);
	return len < STORE_DETAIL_MAX && utf8_valid_text(note, len);
}

int rosters_save(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t group_id, int32_t day,
		 int32_t today, const struct roster_input *rows, size_t n, struct field_error *fe, int *bad_row,
		 size_t *nchanged)
{
	if (nchanged)
		*nchanged = 0;
	*bad_row = -1;
	struct roster_view v;
	int rc = roster_read(ac, org_id, group_id, day, &v);
	if (rc != STORE_OK)
		return rc;
	if (day > today) {
		fe->field = "date";
		fe->message = N_("Attendance cannot be registered for a day that has not come yet.");
		rc = ACC_INVALID;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct roster_input *in = &rows[i];
		bool known = false;
		for (size_t k = 0; k < v.n && !known; k++)
			known = v.lines[k].enrolment_id == in->enrolment_id;
		for (size_t k = 0; k < i; k++)
			if (rows[k].enrolment_id == in->enrolment_id) {
				fe->field = "rows";
				fe->message = N_("The same person is on the roster twice.");
				*bad_row = (int)i;
				rc = ACC_INVALID;
				goto out;
			}
		if (!known) {
			fe->field = "enrolment_id";
			fe->message = N_("This person is not in the group on this day.");
			*bad_row = (int)i;
			rc = ACC_INVALID;
			goto out;
		}
		if (in->minutes < 0 || in->minutes > 1440 || in->minutes % 30 != 0) {
			fe->field = "hours";
			fe->message =
				N_("Enter the hours as a number from 0 to 24, in steps of half an hour (for example 4.5).");
			*bad_row = (int)i;
			rc = ACC_INVALID;
			goto out;
		}
		if (!note_ok(in->note)) {
			fe->field = "note";
			fe->message = N_("The note is too long (at most 500 characters) or holds characters that are not text.");
			*bad_row = (int)i;
			rc = ACC_INVALID;
			goto out;
		}
	}
	if (n == 0) {
		rc = STORE_OK;
		goto out;
	}

	struct att_session se = { 0 };
	se.programme_id = v.g.programme_id;
	se.group_id = v.g.id;
	copy_str(se.phase_key, sizeof se.phase_key, v.g.phase_key);
	se.on_day = day;
	se.start_min = v.g.start_min;
	se.end_min = v.g.end_min;
	copy_str(se.kind, sizeof se.kind, rosters_kind_for_phase(v.g.phase_key));
	se.leader_id = who->user_id;
	se.created_by = who->user_id;
	bool created = false;
	rc = store_att_session_for_group(ac->store, org_id, &se, &created);
	if (rc != STORE_OK)
		goto out;
	if (created)
		rosters_audit(ac, who, org_id, "attendance.session", "session", se.id, "group");

	struct attendance *a = xcalloc(n, sizeof *a);
	for (size_t i = 0; i < n; i++) {
		a[i].enrolment_id = rows[i].enrolment_id;
		a[i].attended = rows[i].attended;
		a[i].minutes = rows[i].minutes;
		copy_str(a[i].note, sizeof a[i].note, rows[i].note ? rows[i].note : "");
	}
	struct attendance_change *ch = NULL;
	size_t nch = 0;
	rc = store_attendance_save(ac->store, org_id, se.id, a, n, who->user_id, &ch, &nch);
	free(a);
	if (rc == STORE_OK) {
		char dstr[11];
		date_format(day, dstr);
		struct audit_entry *es = xmalloc((nch ? nch : 1) * sizeof *es);
		for (size_t i = 0; i < nch; i++) {
			const struct attendance_change *c = &ch[i];
			char detail[STORE_DETAIL_MAX];
			if (c->existed)
				snprintf(detail, sizeof detail,
					 "session=%" PRId64 " day=%s attended=%d->%d minutes=%d->%d%s", se.id, dstr,
					 c->was_attended ? 1 : 0, c->now.attended ? 1 : 0, c->was_minutes,
					 c->now.minutes, strcmp(c->was_note, c->now.note) ? " note changed" : "");
			else
				snprintf(detail, sizeof detail, "session=%" PRId64 " day=%s attended=%d minutes=%d%s",
					 se.id, dstr, c->now.attended ? 1 : 0, c->now.minutes,
					 c->now.note[0] ? " note" : "");
			fill_entry(&es[i], who, org_id, "attendance.save", "enrolment", c->now.enrolment_id, detail);
		}
		auditor_log_many(ac->audit, es, nch); /* one append, sharing a commit */
		free(es);
		if (nchanged)
			*nchanged = nch;
	}
	free(ch);
out:
	roster_view_release(&v);
	return rc;
}

int rosters_individual_session(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t enrolment_id,
			       int32_t today, const struct session_input *in, struct field_error *fe,
			       int64_t *session_id)
{
	struct enrolment e;
	struct programme p;
	int rc = store_enrolment_get(ac->store, org_id, enrolment_id, &e);
	if (rc == STORE_OK)
		rc = store_programme_get(ac->store, org_id, e.programme_id, &p);
	if (rc != STORE_OK)
		return rc;
	if (in->day == DATE_NONE) {
		fe->field = "date";
		fe->message = N_("Enter the date as YYYY-MM-DD.");
		return ACC_INVALID;
	}
	if (in->day > today) {
		fe->field = "date";
		fe->message = N_("Attendance cannot be registered for a day that has not come yet.");
		return ACC_INVALID;
	}
	if (in->day < e.started_on) {
		fe->field = "date";
		fe->message = N_("The date is before the enrolment started.");
		return ACC_INVALID;
	}
	bool kind_ok = false;
	for (size_t i = 0; i < rosters_kinds_count; i++)
		kind_ok = kind_ok || (in->kind && !strcmp(in->kind, rosters_kinds[i]));
	if (!kind_ok) {
		fe->field = "kind";
		fe->message = N_("Choose the kind of session.");
		return ACC_INVALID;
	}
	if ((in->start_min < 0) != (in->end_min < 0)) {
		fe->field = in->start_min < 0 ? "start" : "end";
		fe->message = N_("Give both the start and the end time, or neither.");
		return ACC_INVALID;
	}
	if (in->start_min >= 0 && in->end_min <= in->start_min) {
		fe->field = "end";
		fe->message = N_("The end time must be after the start time.");
		return ACC_INVALID;
	}
	if (in->minutes != -1 && (in->minutes < 0 || in->minutes > 1440 || in->minutes % 30)) {
		fe->field = "hours";
		fe->message = N_("Enter the hours as a number from 0 to 24, in steps of half an hour (for example 4.5).");
		return ACC_INVALID;
	}
	if (!note_ok(in->note)) {
		fe->field = "note";
		fe->message = N_("The note is too long (at most 500 characters) or holds characters that are not text.");
		return ACC_INVALID;
	}
	const struct programme_phase *ph = e.phase >= 0 && e.phase < p.nphases ? &p.phases[e.phase] : NULL;
	int minutes = in->minutes;
	if (minutes < 0 && in->start_min >= 0)
		minutes = (in->end_min - in->start_min + 15) / 30 * 30;
	if (minutes < 0)
		minutes = rosters_default_minutes(ph, NULL);
	if (!in->attended)
		minutes = 0;

	struct att_session se = { 0 };
	se.programme_id = e.programme_id;
	se.group_id = 0;
	copy_str(se.phase_key, sizeof se.phase_key, ph ? ph->key : "");
	se.on_day = in->day;
	se.start_min = in->start_min >= 0 ? in->start_min : 0;
	se.end_min = in->end_min >= 0 ? in->end_min : 0;
	copy_str(se.kind, sizeof se.kind, in->kind);
	se.leader_id = who->user_id;
	se.created_by = who->user_id;
	rc = store_att_session_create(ac->store, org_id, &se);
	if (rc != STORE_OK)
		return rc;
	struct attendance a = { 0 };
	a.enrolment_id = e.id;
	a.attended = in->attended;
	a.minutes = minutes;
	copy_str(a.note, sizeof a.note, in->note ? in->note : "");
	rc = store_attendance_save(ac->store, org_id, se.id, &a, 1, who->user_id, NULL, NULL);
	if (rc != STORE_OK)
		return rc;
	char dstr[11], detail[STORE_DETAIL_MAX];
	date_format(in->day, dstr);
	snprintf(detail, sizeof detail, "session=%" PRId64 " kind=%s day=%s attended=%d minutes=%d", se.id, se.kind,
		 dstr, in->attended ? 1 : 0, minutes);
	rosters_audit(ac, who, org_id, "attendance.save", "enrolment", e.id, detail);
	if (session_id)
		*session_id = se.id;
	return 0;
}

/* ---- progress ---- */

static enum progress_kind kind_of(const struct programme_phase *ph)
{
	if (!ph)
		return PROGRESS_NONE;
	if (ph->target_days > 0)
		return PROGRESS_DAY_TREATMENT;
	if (ph->min_months > 0 || ph->max_months > 0)
		return PROGRESS_AFTERCARE;
	return PROGRESS_NONE;
}

int rosters_progress_of(struct accounts *ac, int64_t org_id, const struct enrolment *e, const struct programme *p,
			int32_t today, struct progress *out)
{
	memset(out, 0, sizeof *out);
	out->e = *e;
	out->p = *p;
	out->today = today;
	out->last_attended = DATE_NONE;
	out->phase = e->phase >= 0 && e->phase < out->p.nphases ? &out->p.phases[e->phase] : NULL;
	out->kind = kind_of(out->phase);
	/* An ended enrolment is judged on the day it ended. */
	int32_t upto = today;
	if (e->ended_on != DATE_NONE && e->ended_on < upto)
		upto = e->ended_on;
	out->today = upto;

	int32_t *days = NULL;
	size_t ndays = 0;
	int rc = store_attendance_dates(ac->store, org_id, e->id, e->phase_since, upto, &days, &ndays);
	if (rc != STORE_OK) {
		free(days);
		return rc;
	}
	out->attended_in_phase = (int)ndays;
	if (ndays)
		out->last_attended = days[ndays - 1];

	if (out->kind == PROGRESS_DAY_TREATMENT) {
		struct closed_date *cd = NULL;
		size_t ncd = 0;
		rc = store_closed_date_list(ac->store, org_id, p->id, e->phase_since, DATE_NONE, &cd, &ncd);
		if (rc != STORE_OK) {
			free(cd);
			free(days);
			return rc;
		}
		int32_t *closed = xmalloc((ncd ? ncd : 1) * sizeof *closed);
		for (size_t i = 0; i < ncd; i++)
			closed[i] = cd[i].day;
		struct day_treatment_params dp = {
			.start = e->phase_since,
			.today = upto,
			.target_days = out->phase->target_days,
			.min_days_per_week = out->phase->min_days_per_week,
			.closed = closed,
			.nclosed = ncd,
		};
		attendance_day_treatment(days, ndays, &dp, &out->dt);
		free(closed);
		free(cd);
	} else if (out->kind == PROGRESS_AFTERCARE) {
		struct aftercare_params ap = {
			.start = e->phase_since,
			.today = upto,
			.min_months = out->phase->min_months,
			.max_months = out->phase->max_months,
		};
		attendance_aftercare(days, ndays, &ap, &out->ac);
	}
	free(days);
	return STORE_OK;
}

int rosters_progress(struct accounts *ac, int64_t org_id, int64_t enrolment_id, int32_t today, struct progress *out)
{
	struct enrolment e;
	struct programme p;
	int rc = store_enrolment_get(ac->store, org_id, enrolment_id, &e);
	if (rc == STORE_OK)
		rc = store_programme_get(ac->store, org_id, e.programme_id, &p);
	if (rc != STORE_OK)
		return rc;
	return rosters_progress_of(ac, org_id, &e, &p, today, out);
}

/* ---- caseload ---- */

void caseload_release(struct caseload *c)
{
	free(c->rows);
	free(c->programmes);
	memset(c, 0, sizeof *c);
}

struct closed_cache {
	int64_t programme_id;
	int32_t *days;
	size_t n;
};

int rosters_caseload(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t therapist_id,
		     enum store_enrolment_sort sort, int limit, int offset, int32_t today, struct caseload *out)
{
	memset(out, 0, sizeof *out);
	int32_t window_start = today - (ATTENDANCE_PACE_DAYS - 1);
	struct enrolment_query q = {
		.therapist_id = therapist_id,
		.phase = -1,
		.recent_from = window_start,
		.sort = sort,
		.limit = limit,
		.offset = offset,
	};
	copy_str(q.status, sizeof q.status, "open");
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	struct programme_day *closed = NULL;
	size_t nclosed = 0;
	int rc = store_enrolment_list(ac->store, org_id, &q, &rows, &n, &out->total);
	if (rc == STORE_OK)
		rc = store_programme_list_closed(ac->store, org_id, true, window_start, today, &out->programmes,
						 &out->nprogrammes, &closed, &nclosed);
	if (rc != STORE_OK) {
		free(rows);
		caseload_release(out);
		return rc;
	}
	out->rows = xcalloc(n ? n : 1, sizeof *out->rows);
	out->n = n;
	struct closed_cache *cache = xcalloc(out->nprogrammes ? out->nprogrammes : 1, sizeof *cache);
	size_t ncache = 0;
	int64_t *ids = xmalloc((n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		struct caseload_row *c = &out->rows[i];
		c->row = rows[i];
		ids[i] = rows[i].e.person_id;
		c->aftercare_end = DATE_NONE;
		const struct enrolment *e = &c->row.e;
		for (size_t k = 0; k < out->nprogrammes; k++)
			if (out->programmes[k].id == e->programme_id)
				c->p = &out->programmes[k];
		if (!c->p)
			continue;
		c->phase = e->phase >= 0 && e->phase < c->p->nphases ? &c->p->phases[e->phase] : NULL;
		c->kind = kind_of(c->phase);
		bool active = !strcmp(e->status, "active");
		/* No attendance in the last 14 days (once there have been 14 days to attend). */
		int32_t last = c->row.last_attended;
		if (active && e->started_on <= window_start && (last == DATE_NONE || last < window_start))
			c->warnings |= WARN_ABSENT;
		if (c->kind == PROGRESS_DAY_TREATMENT && active) {
			struct closed_cache *cc = NULL;
			for (size_t k = 0; k < ncache; k++)
				if (cache[k].programme_id == c->p->id)
					cc = &cache[k];
			if (!cc && ncache < out->nprogrammes) {
				cc = &cache[ncache++];
				cc->programme_id = c->p->id;
				cc->days = xmalloc((nclosed ? nclosed : 1) * sizeof *cc->days);
				size_t ncd = 0;
				for (size_t j = 0; j < nclosed; j++)
					if (closed[j].programme_id == c->p->id)
						cc->days[ncd++] = closed[j].day;
				cc->n = attendance_sort_unique(cc->days, ncd);
			}
			int32_t from = e->phase_since > window_start ? e->phase_since : window_start;
			int open = 0;
			for (int32_t d = from; d <= today; d++)
				if (attendance_open_day(d, cc ? cc->days : NULL, cc ? cc->n : 0))
					open++;
			int att = c->row.attended_recent;
			if (e->phase_since > window_start && c->row.attended_in_phase < att)
				att = c->row.attended_in_phase;
			c->window_attended = att;
			c->expected_min = (double)c->phase->min_days_per_week * open / 5.0;
			if ((int64_t)att * 5 < (int64_t)c->phase->min_days_per_week * open)
				c->warnings |= WARN_PACE;
		}
		if (c->kind == PROGRESS_AFTERCARE && c->phase->max_months > 0) {
			c->aftercare_end = date_add_months(e->phase_since, c->phase->max_months);
			if (today > c->aftercare_end)
				c->warnings |= WARN_AFTERCARE_PAST;
			else if (today >= date_add_months(c->aftercare_end, -1))
				c->warnings |= WARN_AFTERCARE_END;
		}
	}
	for (size_t k = 0; k < ncache; k++)
		free(cache[k].days);
	free(cache);
	free(closed);
	free(rows);
	rosters_audit_listed(ac, who, org_id, ids, n, "caseload");
	free(ids);
	return STORE_OK;
}

/* ---- the programme board ---- */

const char *const board_referral_status[BOARD_REFERRAL_STATUSES] = {
	"received", "assessed", "offered_conversation", "waiting_list", "accepted", "declined", "referred_elsewhere",
};

const char *board_referral_status_label(const char *key)
{
	if (!strcmp(key, "received"))
		return N_("Received");
	if (!strcmp(key, "assessed"))
		return N_("Assessed");
	if (!strcmp(key, "offered_conversation"))
		return N_("Offered a pre-treatment conversation");
	if (!strcmp(key, "waiting_list"))
		return N_("Waiting list");
	if (!strcmp(key, "accepted"))
		return N_("Accepted");
	if (!strcmp(key, "declined"))
		return N_("Declined");
	if (!strcmp(key, "referred_elsewhere"))
		return N_("Referred elsewhere");
	return key;
}

void board_release(struct board *b)
{
	free(b->groups);
	free(b->people);
	b->groups = NULL;
	b->people = NULL;
}

int rosters_board(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id, int limit,
		  int offset, struct board *out)
{
	memset(out, 0, sizeof *out);
	int rc = store_programme_get(ac->store, org_id, programme_id, &out->p);
	if (rc == STORE_OK)
		rc = store_enrolment_phase_counts(ac->store, org_id, programme_id, out->counts);
	for (int i = 0; rc == STORE_OK && i < BOARD_REFERRAL_STATUSES; i++) {
		struct referral_query q = { .programme_id = programme_id, .limit = 1 };
		copy_str(q.status, sizeof q.status, board_referral_status[i]);
		struct referral *rs = NULL;
		size_t n = 0;
		rc = store_referral_list(ac->store, org_id, &q, &rs, &n, &out->referrals[i]);
		free(rs);
		if (i < 4)
			out->intake_open += out->referrals[i];
	}
	for (int i = 0; rc == STORE_OK && i < out->p.nphases && i < STORE_PHASES_MAX; i++) {
		struct enrolment_query q = { .programme_id = programme_id, .phase = i, .recent_from = DATE_NONE,
					     .limit = 1 };
		copy_str(q.status, sizeof q.status, "paused");
		struct enrolment_row *er = NULL;
		size_t n = 0;
		int64_t total = 0;
		rc = store_enrolment_list(ac->store, org_id, &q, &er, &n, &total);
		free(er);
		out->paused[i] = (int)total;
		out->active[i] = out->counts[i] - out->paused[i];
	}
	if (rc == STORE_OK)
		rc = store_group_list(ac->store, org_id, programme_id, false, &out->groups, &out->ngroups);
	if (rc == STORE_OK) {
		for (size_t i = 0; i < out->ngroups; i++)
			out->waiting_total += out->groups[i].waiting;
		struct enrolment_query q = {
			.programme_id = programme_id,
			.phase = -1,
			.recent_from = DATE_NONE,
			.sort = STORE_ENROL_BY_PHASE,
			.limit = limit,
			.offset = offset,
		};
		copy_str(q.status, sizeof q.status, "open");
		rc = store_enrolment_list(ac->store, org_id, &q, &out->people, &out->npeople, &out->people_total);
	}
	if (rc != STORE_OK) {
		board_release(out);
		return rc;
	}
	int64_t *ids = xmalloc((out->npeople ? out->npeople : 1) * sizeof *ids);
	for (size_t i = 0; i < out->npeople; i++) {
		const struct enrolment *e = &out->people[i].e;
		ids[i] = e->person_id;
	}
	rosters_audit_listed(ac, who, org_id, ids, out->npeople, "board");
	free(ids);
	return STORE_OK;
}
