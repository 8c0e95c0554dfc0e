/* fhir_http.c: the handlers of the read-only FHIR R4 API (see fhir_http.h) and the two
 * loaders the person's own copy shares with it: every resource of a person, and the
 * access log of a person's record. */
#include "fhir/fhir_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "core/alloc.h"
#include "core/date.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/enrolments.h"
#include "domain/orgquestionnaire.h"
#include "domain/persons.h"
#include "domain/plan.h"
#include "domain/questionnaire.h"
#include "domain/rosters.h"
#include "domain/steps.h"
#include "domain/stepwording.h"
#include "fhir/fhir.h"

enum { AUDIT_EVENTS_MAX = 10000, NOTE_IDS_MAX = 2000 };

static void fhir_answer(struct req *r, json_t *j)
{
	if (!j) {
		resp_status(r, 500);
		return;
	}
	resp_json(r, 200, j);
	if (r->status == 200)
		r->ctype = FHIR_CONTENT_TYPE;
}

static void fhir_not_found(struct req *r)
{
	resp_error(r, 404, "not_found", N_("No such resource in this organisation."), NULL);
}

static void fhir_store_error(struct req *r, int rc)
{
	if (rc == STORE_NOTFOUND)
		fhir_not_found(r);
	else
		resp_store_error(r, rc);
}

void fhir_metadata_get(struct req *r)
{
	r->fhir = true;
	r->api = true;
	fhir_answer(r, fhir_capability_statement((int64_t)time(NULL), TOLV_VERSION));
}

/* ---- the access log of a record ---- */

static int cmp_seq_desc(const void *a, const void *b)
{
	const struct audit_entry *x = a, *y = b;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

struct target {
	const char *type;
	int64_t id;
};

int record_access_log(struct req *r, int64_t person_id, int64_t before_seq, int limit, struct audit_entry **out,
		      size_t *n)
{
	struct store *s = r->site->ac->store;
	*out = NULL;
	*n = 0;
	if (limit < 1)
		limit = 1;
	if (limit > 1000)
		limit = 1000;
	size_t nt = 0, cap = 16;
	struct target *t = xcalloc(cap, sizeof *t);
	t[nt++] = (struct target){ "person", person_id };

	struct enrolment_query q = { .person_id = person_id, .phase = -1, .recent_from = DATE_NONE,
				     .sort = STORE_ENROL_BY_STARTED, .limit = 1000 };
	struct enrolment_row *rows = NULL;
	size_t nrows = 0;
	int rc = store_enrolment_list(s, r->org_id, &q, &rows, &nrows, NULL);
	for (size_t i = 0; !rc && i < nrows; i++) {
		if (nt == cap)
			t = xrealloc(t, (cap *= 2) * sizeof *t);
		t[nt++] = (struct target){ "enrolment", rows[i].e.id };
	}
	free(rows);
	for (int offset = 0; !rc && offset < NOTE_IDS_MAX; offset += STORE_NOTE_PAGE_MAX) {
		struct store_note *notes = NULL;
		int64_t ntotal = 0;
		size_t nn = 0;
		rc = store_note_list(s, r->org_id, person_id, 0, "", STORE_NOTE_PAGE_MAX, offset, &notes, &nn, &ntotal);
		for (size_t i = 0; !rc && i < nn; i++) {
			if (nt == cap)
				t = xrealloc(t, (cap *= 2) * sizeof *t);
			t[nt++] = (struct target){ "note", notes[i].id };
		}
		free(notes);
		if (nn < STORE_NOTE_PAGE_MAX)
			break;
	}

	struct store_relapse *rel = NULL;
	size_t nrel = 0;
	if (!rc && store_relapse_list(s, r->org_id, person_id, 0, "", STORE_RELAPSE_LIST_MAX, &rel, &nrel) == STORE_OK)
		for (size_t i = 0; i < nrel; i++) {
			if (nt == cap)
				t = xrealloc(t, (cap *= 2) * sizeof *t);
			t[nt++] = (struct target){ "relapse", rel[i].id };
		}
	free(rel);

	struct audit_entry *all = NULL;
	size_t nall = 0;
	for (size_t i = 0; !rc && i < nt; i++) {
		struct audit_filter f = { .org_id = r->org_id, .before_seq = before_seq, .limit = limit };
		snprintf(f.object_type, sizeof f.object_type, "%s", t[i].type);
		snprintf(f.object_id, sizeof f.object_id, "%lld", (long long)t[i].id);
		struct audit_entry *es = NULL;
		size_t ne = 0;
		rc = store_audit_list(s, &f, &es, &ne);
		if (!rc && ne) {
			all = xrealloc(all, (nall + ne) * sizeof *all);
			memcpy(all + nall, es, ne * sizeof *es);
			for (size_t k = 0; k < ne; k++) { /* the subjects belong to es, freed below */
				all[nall + k].subjects = NULL;
				all[nall + k].nsubjects = 0;
			}
			nall += ne;
		}
		free(es);
	}
	free(t);
	if (rc) {
		free(all);
		return rc;
	}
	if (nall)
		qsort(all, nall, sizeof *all, cmp_seq_desc);
	size_t uniq = 0; /* an entry found through two objects (a listing's subjects) once */
	for (size_t i = 0; i < nall; i++)
		if (!uniq || all[uniq - 1].seq != all[i].seq)
			all[uniq++] = all[i];
	nall = uniq;
	if (nall > (size_t)limit)
		nall = (size_t)limit;
	*out = all;
	*n = nall;
	return 0;
}

/* ---- everything about a person ---- */

static void user_display(struct req *r, int64_t id, char *out, size_t outlen)
{
	struct user u;
	out[0] = '\0';
	if (id && store_user_get(r->site->ac->store, id, &u) == STORE_OK)
		(void)(copy_str(out, outlen, u.name[0] ? u.name : u.email) || copy_str(out, outlen, "–"));
}

static const struct programme *programme_of(const struct programme *ps, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].id == id)
			return &ps[i];
	return NULL;
}

/* The plan's latest version into *p (plan_init'ed, empty when none) and its number. */
static int load_plan(struct req *r, int64_t enrolment_id, struct plan *p, int *version, int64_t *saved_at)
{
	plan_init(p);
	*version = 0;
	*saved_at = 0;
	struct store_plan_version v = { 0 };
	int rc = store_plan_get(r->site->ac->store, r->org_id, enrolment_id, 0, &v);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	struct plan_error err;
	if (v.json && !plan_parse(v.json, strlen(v.json), p, &err)) {
		*version = v.number;
		*saved_at = v.created_at;
	} else {
		log_error("fhir: plan of enrolment %lld version %d does not parse", (long long)enrolment_id, v.number);
		plan_init(p);
	}
	free(v.json);
	return 0;
}

/* The CarePlan and its Goals of enrolment e, appended to arr (Goals only when goals). */
static int add_careplan(struct req *r, const struct enrolment *e, json_t *arr, bool with_goals)
{
	struct plan p;
	int version;
	int64_t saved_at;
	int rc = load_plan(r, e->id, &p, &version, &saved_at);
	if (rc)
		return rc;
	struct store_step states[STEP_COUNT];
	bool have_steps = store_steps_get(r->site->ac->store, r->org_id, e->id, states) == STORE_OK;
	struct step_wording *sw = xcalloc(1, sizeof *sw); /* the organisation's wording of the steps */
	const struct step_names *on = step_wording_load(r->site->ac->store, r->org_id, sw);
	const char *names[STEP_COUNT];
	for (int i = 0; i < STEP_COUNT; i++)
		names[i] = step_name(on, i + 1, r->lang);
	json_array_append_new(arr, fhir_careplan(e, version ? &p : NULL, version, saved_at, have_steps ? states : NULL,
						 names));
	if (with_goals && version)
		for (size_t i = 0; i < p.ngoals; i++)
			json_array_append_new(arr, fhir_goal(e, &p.goals[i], saved_at));
	plan_release(&p);
	free(sw);
	return 0;
}

static void add_encounters(struct req *r, const struct enrolment *e, json_t *arr)
{
	struct attendance *as = NULL;
	size_t n = 0;
	if (store_attendance_of_enrolment(r->site->ac->store, r->org_id, e->id, DATE_NONE, DATE_NONE, &as, &n))
		n = 0;
	int64_t gid = 0;
	struct group g = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (!as[i].attended)
			continue;
		if (as[i].group_id && as[i].group_id != gid) {
			if (store_group_get(r->site->ac->store, r->org_id, as[i].group_id, &g) != STORE_OK)
				g.name[0] = '\0';
			gid = as[i].group_id;
		}
		json_array_append_new(arr, fhir_encounter(&as[i], e->person_id, T(r, rosters_kind_label(as[i].kind)),
							  as[i].group_id ? g.name : NULL));
	}
	free(as);
}

/* Tests, questionnaire results (Observation and QuestionnaireResponse) and relapses
 * (Flag) of the person, appended to arr. */
static int add_measurements(struct req *r, int64_t person_id, json_t *arr)
{
	struct store *s = r->site->ac->store;
	struct substance_class *cls = NULL;
	size_t ncls = 0;
	if (store_substance_list(s, r->org_id, true, &cls, &ncls))
		ncls = 0;
	const char **keys = xcalloc(ncls ? ncls : 1, sizeof *keys), **labels = xcalloc(ncls ? ncls : 1, sizeof *labels);
	for (size_t i = 0; i < ncls; i++) {
		keys[i] = cls[i].key;
		labels[i] = T(r, cls[i].label);
	}
	struct sob_test *tests = NULL;
	size_t nt = 0;
	int rc = store_sob_test_list(s, r->org_id, person_id, 500, &tests, &nt);
	for (size_t i = 0; !rc && i < nt; i++)
		json_array_append_new(arr, fhir_test_observation(&tests[i], keys, labels, ncls));
	free(tests);
	free(keys);
	free(labels);
	free(cls);
	if (rc == STORE_NOTFOUND)
		rc = 0;
	struct outcome_result *os = NULL;
	size_t no = 0;
	if (!rc)
		rc = store_outcome_list(s, r->org_id, person_id, &os, &no);
	for (size_t i = 0; !rc && i < no; i++) {
		const struct questionnaire *def = questionnaire_for_org(s, r->org_id, os[i].questionnaire);
		json_array_append_new(arr, fhir_outcome_observation(&os[i], def));
		json_array_append_new(arr, fhir_questionnaire_response(&os[i], def));
	}
	free(os);
	if (rc == STORE_NOTFOUND)
		rc = 0;
	struct store_relapse *rs = NULL;
	size_t nr = 0;
	if (!rc)
		rc = store_relapse_list(s, r->org_id, person_id, 0, "", STORE_RELAPSE_LIST_MAX, &rs, &nr);
	for (size_t i = 0; !rc && i < nr; i++)
		json_array_append_new(arr, fhir_relapse_flag(&rs[i]));
	free(rs);
	if (rc == STORE_NOTFOUND)
		rc = 0;
	return rc;
}

json_t *fhir_person_resources(struct req *r, const struct person *p, bool with_audit, int *rc)
{
	struct store *s = r->site->ac->store;
	json_t *arr = json_array();
	json_array_append_new(arr, fhir_patient(p, r->org_name));
	struct programme *ps = NULL;
	size_t nps = 0;
	if (store_programme_list(s, r->org_id, true, &ps, &nps) != STORE_OK)
		nps = 0;
	struct enrolment_query q = { .person_id = p->id, .phase = -1, .recent_from = DATE_NONE,
				     .sort = STORE_ENROL_BY_STARTED, .limit = 1000 };
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	*rc = store_enrolment_list(s, r->org_id, &q, &rows, &n, NULL);
	for (size_t i = 0; !*rc && i < n; i++) {
		const struct enrolment *e = &rows[i].e;
		struct enrolment_event *ev = NULL;
		size_t nev = 0;
		*rc = store_enrolment_events(s, r->org_id, e->id, &ev, &nev);
		if (*rc) {
			free(ev);
			break;
		}
		char therapist[STORE_NAME_MAX];
		user_display(r, e->therapist_id, therapist, sizeof therapist);
		json_array_append_new(arr, fhir_episode(e, programme_of(ps, nps, e->programme_id), ev, nev, therapist));
		free(ev);
		*rc = add_careplan(r, e, arr, true);
		if (!*rc)
			add_encounters(r, e, arr);
	}
	free(rows);
	free(ps);
	if (!*rc)
		*rc = add_measurements(r, p->id, arr);
	if (!*rc && with_audit) {
		int64_t before = 0;
		size_t total = 0;
		while (total < AUDIT_EVENTS_MAX) {
			struct audit_entry *es = NULL;
			size_t ne = 0;
			*rc = record_access_log(r, p->id, before, 1000, &es, &ne);
			for (size_t i = 0; !*rc && i < ne; i++)
				json_array_append_new(arr, fhir_audit_event(&es[i], p->id));
			total += ne;
			before = ne ? es[ne - 1].seq : 0;
			free(es);
			if (*rc || ne < 1000)
				break;
		}
	}
	if (*rc) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* ---- handlers ---- */

void fhir_patient_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "fhir Patient", &p);
	if (rc) {
		fhir_store_error(r, rc);
		return;
	}
	fhir_answer(r, fhir_patient(&p, r->org_name));
}

void fhir_everything_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "fhir $everything", &p);
	if (rc) {
		fhir_store_error(r, rc);
		return;
	}
	/* The access log is for administrators (as /persons/{id}/access-log). */
	json_t *arr = fhir_person_resources(r, &p, r->role == ROLE_ADMIN, &rc);
	if (!arr) {
		fhir_store_error(r, rc);
		return;
	}
	fhir_answer(r, fhir_bundle_searchset(arr, (int64_t)time(NULL)));
}

void fhir_episode_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct enrolment e;
	int rc = enrolments_read(r->site->ac, &a, r->org_id, r->id, "fhir EpisodeOfCare", &e);
	if (rc) {
		fhir_store_error(r, rc);
		return;
	}
	struct store *s = r->site->ac->store;
	struct programme prog;
	bool have_prog = store_programme_get(s, r->org_id, e.programme_id, &prog) == STORE_OK;
	struct enrolment_event *ev = NULL;
	size_t nev = 0;
	rc = store_enrolment_events(s, r->org_id, e.id, &ev, &nev);
	if (rc) {
		free(ev);
		fhir_store_error(r, rc);
		return;
	}
	char therapist[STORE_NAME_MAX];
	user_display(r, e.therapist_id, therapist, sizeof therapist);
	fhir_answer(r, fhir_episode(&e, have_prog ? &prog : NULL, ev, nev, therapist));
	free(ev);
}

void fhir_careplan_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct enrolment e;
	int rc = enrolments_read(r->site->ac, &a, r->org_id, r->id, "fhir CarePlan", &e);
	if (rc) {
		fhir_store_error(r, rc);
		return;
	}
	json_t *arr = json_array();
	rc = add_careplan(r, &e, arr, false);
	if (rc) {
		json_decref(arr);
		fhir_store_error(r, rc);
		return;
	}
	json_t *cp = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	fhir_answer(r, cp);
}
