/* fixtures.c: the organisations, staff, programmes, people and enrolments the store tests
 * of the person's path and of step work build their cases on. */
#include "fixtures.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"


int64_t make_org(const char *tag)
{
	struct org o = { 0 };
	snprintf(o.name, sizeof o.name, "test-%s", tag);
	assert_int_equal(store_org_create(st, &o), STORE_OK);
	return o.id;
}

int64_t make_member(int64_t org_id, const char *email, const char *role)
{
	struct user u = { 0 };
	copy_str(u.email, sizeof u.email, email);
	copy_str(u.name, sizeof u.name, "Therapist");
	copy_str(u.lang, sizeof u.lang, "nb");
	assert_int_equal(store_user_create(st, &u), STORE_OK);
	if (org_id) {
		struct membership m = { .user_id = u.id, .org_id = org_id };
		copy_str(m.role, sizeof m.role, role);
		assert_int_equal(store_membership_set(st, &m), STORE_OK);
	}
	return u.id;
}

void set_phase(struct programme_phase *ph, const char *key, const char *label, int target_days, int min_dpw)
{
	memset(ph, 0, sizeof *ph);
	copy_str(ph->key, sizeof ph->key, key);
	copy_str(ph->label, sizeof ph->label, label);
	ph->target_days = target_days;
	ph->min_days_per_week = min_dpw;
}

/* The municipal day-treatment shape: four phases. */
void day_treatment(struct programme *p, const char *name)
{
	memset(p, 0, sizeof *p);
	copy_str(p->name, sizeof p->name, name);
	copy_str(p->template_key, sizeof p->template_key, "municipal_day_treatment");
	p->min_steps = 12;
	p->active = true;
	p->nphases = 4;
	set_phase(&p->phases[0], "pre_treatment", "Pre-treatment conversation", 0, 0);
	set_phase(&p->phases[1], "motivation", "Motivation group", 0, 0);
	p->phases[1].sessions_per_week = 1;
	p->phases[1].session_minutes = 120;
	set_phase(&p->phases[2], "day_treatment", "Day treatment", 100, 3);
	p->phases[2].min_hours_per_day = 4;
	p->phases[2].max_hours_per_day = 5;
	p->phases[2].min_months = p->phases[2].max_months = 3;
	set_phase(&p->phases[3], "aftercare", "Aftercare", 0, 0);
	p->phases[3].min_months = 6;
	p->phases[3].max_months = 18;
}

int64_t make_programme(int64_t org_id, const char *name)
{
	struct programme p;
	day_treatment(&p, name);
	assert_int_equal(store_programme_create(st, org_id, &p), STORE_OK);
	return p.id;
}

struct person person_of(const char *given, const char *family, int32_t birth, const char *nid)
{
	struct person p = { 0 };
	copy_str(p.given_name, sizeof p.given_name, given);
	copy_str(p.family_name, sizeof p.family_name, family);
	p.birth_date = birth;
	if (nid) {
		copy_str(p.national_id, sizeof p.national_id, nid);
		copy_str(p.national_id_kind, sizeof p.national_id_kind, strlen(nid) == 11 ? "no_fnr" : "se_pnr");
	}
	return p;
}

int64_t make_person(int64_t org_id, const char *given, const char *family, int32_t birth)
{
	struct person p = person_of(given, family, birth, NULL);
	assert_int_equal(store_person_create(st, org_id, &p), STORE_OK);
	return p.id;
}

struct enrolment enrolment_of(int64_t person_id, int64_t programme_id, int64_t therapist_id, int32_t day)
{
	struct enrolment e = { .person_id = person_id, .programme_id = programme_id, .therapist_id = therapist_id,
			       .started_on = day, .phase_since = day, .last_change_on = day,
			       .paused_since = DATE_NONE, .ended_on = DATE_NONE };
	copy_str(e.status, sizeof e.status, "active");
	return e;
}

struct enrolment_event event_of(const char *kind, int from, int to, int32_t day, int64_t by)
{
	struct enrolment_event ev = { .from_phase = from, .to_phase = to, .on_day = day, .by_user = by };
	copy_str(ev.kind, sizeof ev.kind, kind);
	return ev;
}

int64_t make_enrolment(int64_t org_id, int64_t person_id, int64_t programme_id, int64_t therapist_id,
			      int32_t day)
{
	struct enrolment e = enrolment_of(person_id, programme_id, therapist_id, day);
	struct enrolment_event ev = event_of("start", -1, 0, day, therapist_id);
	int ret = store_enrolment_create(st, org_id, &e, &ev);
	if (ret)
		fprintf(stderr, "enrolment_create: %s\n", store_last_error());
	assert_int_equal(ret, STORE_OK);
	return e.id;
}
