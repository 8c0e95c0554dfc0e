/* training.c: therapist training — the rules and the audited register (see training.h). */
#include "domain/training.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/audit.h"

const char *training_course_msgid(const char *key)
{
	if (key && !strcmp(key, "intro"))
		return N_("Introduction course");
	if (key && !strcmp(key, "manual"))
		return N_("Manual course");
	return NULL;
}

enum training_status training_status_of(const struct store_training_course *c, const struct store_training_record *r)
{
	if (!r || (r->days_attended <= 0 && r->certified_on == DATE_NONE))
		return TRAINING_NOT_STARTED;
	if (r->certified_on != DATE_NONE)
		return TRAINING_CERTIFIED;
	if (r->days_attended >= c->required_days)
		return TRAINING_COMPLETED;
	return TRAINING_IN_PROGRESS;
}

const char *training_status_label(enum training_status st)
{
	switch (st) {
	case TRAINING_IN_PROGRESS:
		return N_("In progress");
	case TRAINING_COMPLETED:
		return N_("Completed, not certified");
	case TRAINING_CERTIFIED:
		return N_("Certified");
	default:
		return N_("Not started");
	}
}

const struct store_training_record *training_record_of(const struct store_training_record *recs, size_t n,
						       int64_t user_id, const char *key)
{
	for (size_t i = 0; recs && key && i < n; i++)
		if (recs[i].user_id == user_id && !strcmp(recs[i].course_key, key))
			return &recs[i];
	return NULL;
}

int32_t training_certified_since(const struct store_training_course *courses, size_t nc,
				 const struct store_training_record *recs, size_t nr, int64_t user_id)
{
	int32_t since = DATE_NONE;
	bool any = false;
	for (size_t i = 0; i < nc; i++) {
		if (!courses[i].for_leading)
			continue;
		any = true;
		const struct store_training_record *r = training_record_of(recs, nr, user_id, courses[i].key);
		if (!r || r->certified_on == DATE_NONE)
			return DATE_NONE;
		if (since == DATE_NONE || r->certified_on > since)
			since = r->certified_on;
	}
	return any ? since : DATE_NONE;
}

bool training_certified_on(const struct store_training_course *courses, size_t nc,
			   const struct store_training_record *recs, size_t nr, int64_t user_id, int32_t day)
{
	int32_t since = training_certified_since(courses, nc, recs, nr, user_id);
	return since != DATE_NONE && day != DATE_NONE && since <= day;
}

static int field(struct field_error *fe, const char *name, const char *msg)
{
	if (fe) {
		fe->field = name;
		fe->message = msg;
	}
	return ACC_INVALID;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

int training_parse(const struct store_training_course *courses, size_t nc, const struct training_in *in,
		   int32_t today, struct store_training_record *out, struct field_error *fe)
{
	memset(out, 0, sizeof *out);
	out->certified_on = DATE_NONE;
	const struct store_training_course *c = NULL;
	for (size_t i = 0; i < nc; i++)
		if (!strcmp(courses[i].key, str(in->course)))
			c = &courses[i];
	if (!c)
		return field(fe, "course", N_("Choose a course from the list."));
	copy_str(out->course_key, sizeof out->course_key, c->key);
	int64_t days = 0;
	if (str(in->days_attended)[0] && parse_int64(in->days_attended, 0, c->required_days, &days))
		return field(fe, "days_attended",
			     N_("Give the days attended as a whole number from 0 to the course's number of days."));
	out->days_attended = (int)days;
	if (str(in->certified_on)[0]) {
		int32_t day;
		if (date_parse(in->certified_on, &day))
			return field(fe, "certified_on", N_("Give the certification date as YYYY-MM-DD."));
		if (days != c->required_days)
			return field(fe, "certified_on",
				     N_("A certification date can be given only when every day of the course is attended."));
		if (day > today || day < TRAINING_EARLIEST_DAY)
			return field(fe, "certified_on",
				     N_("The certification date cannot be in the future or before 1990."));
		out->certified_on = day;
	}
	return 0;
}

int training_staff_check(struct accounts *ac, int64_t org_id, int64_t user_id)
{
	struct membership m;
	if (user_id <= 0)
		return STORE_NOTFOUND;
	int rc = store_membership_get(ac->store, user_id, org_id, &m);
	if (!rc && !strcmp(m.role, "auditor"))
		rc = STORE_NOTFOUND;
	return rc;
}

int training_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t user_id,
		 const struct training_in *in, size_t n, size_t *bad, struct field_error *fe)
{
	if (n > STORE_TRAINING_COURSES_MAX)
		return STORE_INVALID;
	int rc = training_staff_check(ac, org_id, user_id);
	if (rc)
		return rc;
	struct store_training_course *courses = NULL;
	size_t nc = 0;
	rc = store_training_courses(ac->store, org_id, &courses, &nc);
	struct store_training_record recs[STORE_TRAINING_COURSES_MAX];
	int32_t today = date_today_cet();
	for (size_t i = 0; !rc && i < n; i++) {
		rc = training_parse(courses, nc, &in[i], today, &recs[i], fe);
		for (size_t j = 0; !rc && j < i; j++)
			if (!strcmp(recs[j].course_key, recs[i].course_key))
				rc = field(fe, "course", N_("Each course can be given only once."));
		if (rc == ACC_INVALID && bad)
			*bad = i;
	}
	free(courses);
	if (!rc)
		rc = store_training_set(ac->store, org_id, user_id, recs, n, who->user_id);
	if (rc == STORE_INVALID) /* the courses changed under us */
		rc = field(fe, "course", N_("Choose a course from the list."));
	for (size_t i = 0; !rc && i < n; i++) {
		char oid[24], detail[96];
		snprintf(oid, sizeof oid, "%" PRId64, user_id);
		snprintf(detail, sizeof detail, "course %s days %d certified %s", recs[i].course_key,
			 recs[i].days_attended, recs[i].certified_on != DATE_NONE ? "yes" : "no");
		audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "training.update", "user", oid,
			    detail);
	}
	return rc;
}

int training_certified_count(struct accounts *ac, int64_t org_id, int32_t on_day, int *n)
{
	if (!ac || !n)
		return STORE_INVALID;
	*n = 0;
	int64_t k = 0;
	int rc = store_training_certified_count(ac->store, org_id, on_day, &k);
	if (!rc)
		*n = k > INT32_MAX ? INT32_MAX : (int)k;
	return rc;
}

int training_leaders_certified(struct accounts *ac, int64_t org_id, const int64_t *leaders, size_t n, int32_t day,
			       bool *certified)
{
	*certified = false;
	struct store_training_course *courses = NULL;
	size_t nc = 0;
	int rc = store_training_courses(ac->store, org_id, &courses, &nc);
	for (size_t i = 0; !rc && !*certified && i < n; i++) {
		if (leaders[i] <= 0)
			continue;
		struct store_training_record *recs = NULL;
		size_t nr = 0;
		rc = store_training_records(ac->store, org_id, leaders[i], &recs, &nr);
		if (!rc)
			*certified = training_certified_on(courses, nc, recs, nr, leaders[i], day);
		free(recs);
	}
	free(courses);
	return rc;
}
