/* sobriety.c: sobriety tests over the store, validated and audited (see sobriety.h). */
#include "domain/sobriety.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/relapses.h"
#include "domain/rosters.h"
#include "domain/testdraw.h"

const char *const sobriety_samples[3] = { "urine", "saliva", "blood" };
const char *const sobriety_results[3] = { "negative", "positive", "inconclusive" };

static const char *label_of(const char *key, const char *const *keys, const char *const *labels, size_t n)
{
	for (size_t i = 0; key && i < n; i++)
		if (!strcmp(key, keys[i]))
			return labels[i];
	return NULL;
}

const char *sobriety_kind_label(const char *kind)
{
	static const char *const keys[] = { "breath", "drug" };
	static const char *const labels[] = { N_("Breath test"), N_("Drug test") };
	return label_of(kind, keys, labels, 2);
}

const char *sobriety_sample_label(const char *sample)
{
	static const char *const labels[] = { N_("Urine"), N_("Saliva"), N_("Blood") };
	return label_of(sample, sobriety_samples, labels, 3);
}

const char *sobriety_result_label(const char *result)
{
	static const char *const labels[] = { N_("Negative"), N_("Positive"), N_("Inconclusive") };
	return label_of(result, sobriety_results, labels, 3);
}

const char *sobriety_lab_label(const char *lab)
{
	static const char *const keys[] = { "", "confirmed", "not_confirmed", "partly" };
	static const char *const labels[] = { N_("No lab result yet"), N_("Confirmed by the lab"),
					      N_("Not confirmed by the lab"), N_("Partly confirmed by the lab") };
	return label_of(lab, keys, labels, 4);
}

int sobriety_parse_permille(const char *s, int *hundredths)
{
	if (!s)
		return -1;
	int whole = 0, frac = 0, nw = 0, nd = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++nw > 2)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (!nw)
		return -1;
	if (*p == '.' || *p == ',') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++nd > 2)
				return -1;
			frac = frac * 10 + (*p - '0');
		}
		if (!nd)
			return -1;
		if (nd == 1)
			frac *= 10;
	}
	if (*p)
		return -1;
	int v = whole * 100 + frac;
	if (v > STORE_SOB_PERMILLE_MAX)
		return -1;
	*hundredths = v;
	return 0;
}

void sobriety_format_permille(int hundredths, char *out, size_t outlen)
{
	if (hundredths < 0)
		snprintf(out, outlen, "–");
	else
		snprintf(out, outlen, "%d.%02d", hundredths / 100, hundredths % 100);
}

bool sobriety_prescribed(const struct sob_medication *meds, size_t n, const char *class_key, int32_t day)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(meds[i].class_key, class_key) && meds[i].from_day <= day &&
		    (meds[i].to_day == DATE_NONE || meds[i].to_day >= day))
			return true;
	return false;
}

bool sobriety_counts(const struct sob_test *t, char *substances, size_t len)
{
	if (substances && len)
		substances[0] = '\0';
	if (!strcmp(t->outcome, "refused"))
		return true;
	if (!strcmp(t->kind, "breath")) {
		if (t->permille > 0 && substances)
			snprintf(substances, len, "alcohol");
		return t->permille > 0;
	}
	bool any = false;
	size_t used = 0;
	for (int i = 0; i < t->nresults; i++) {
		const struct sob_result *r = &t->results[i];
		if (strcmp(r->result, "positive") || r->prescribed)
			continue;
		if (substances) {
			int k = snprintf(substances + used, len > used ? len - used : 0, "%s%s", any ? "," : "", r->class_key);
			if (k > 0 && used + (size_t)k < len)
				used += (size_t)k;
		}
		any = true;
	}
	return any;
}

/* The last Sunday of month m (as date.c's summer-time rule). */
static int32_t last_sunday(int y, int m)
{
	int32_t last = date_from_ymd(y, m, date_days_in_month(y, m));
	return last - date_weekday(last) % 7;
}

int64_t sobriety_local_time(int32_t day, int minutes)
{
	int y;
	date_to_ymd(day, &y, NULL, NULL);
	int64_t wall = (int64_t)day * 86400 + (int64_t)minutes * 60;
	/* Summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
	 * Sunday of October: in wall-clock time from 02:00 (then 03:00) to 03:00 (then 02:00). */
	int64_t from = (int64_t)last_sunday(y, 3) * 86400 + 2 * 3600;
	int64_t to = (int64_t)last_sunday(y, 10) * 86400 + 3 * 3600;
	return wall - (wall >= from && wall < to ? 7200 : 3600);
}

void sobriety_local_parts(int64_t t, int32_t *day, int *minutes)
{
	int y;
	date_to_ymd(date_from_unix_utc(t), &y, NULL, NULL);
	int64_t from = (int64_t)last_sunday(y, 3) * 86400 + 3600, to = (int64_t)last_sunday(y, 10) * 86400 + 3600;
	int64_t local = t + (t >= from && t < to ? 7200 : 3600);
	int32_t d = date_from_unix_utc(local);
	*day = d;
	*minutes = (int)((local - (int64_t)d * 86400) / 60);
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

static bool short_text(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n < max && utf8_valid_text(s, n);
}

static void audit_person(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			 int64_t person_id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, person_id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "person", oid, detail);
}

int sobriety_zero_applies(struct accounts *ac, int64_t org_id, int64_t person_id, int64_t enrolment_id, bool *on)
{
	*on = false;
	if (enrolment_id) {
		struct enrolment e;
		int rc = store_enrolment_get(ac->store, org_id, enrolment_id, &e);
		return rc ? rc : store_sob_zero_get(ac->store, org_id, e.programme_id, on);
	}
	struct enrolment_query q = { .person_id = person_id, .phase = -1, .limit = 100 };
	copy_str(q.status, sizeof q.status, "open");
	struct enrolment_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_enrolment_list(ac->store, org_id, &q, &rows, &n, &total);
	for (size_t i = 0; !rc && i < n && !*on; i++)
		rc = store_sob_zero_get(ac->store, org_id, rows[i].e.programme_id, on);
	free(rows);
	return rc;
}

static int parse_test(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		      const struct sob_test_in *in, int64_t now, struct sob_test *t, struct field_error *fe)
{
	memset(t, 0, sizeof *t);
	t->person_id = person_id;
	t->lab_sent_on = DATE_NONE;
	t->permille = -1;
	t->recorded_by = who->user_id;
	if (!sobriety_kind_label(str(in->kind)))
		return field(fe, "kind", N_("Choose a breath test or a drug test."));
	copy_str(t->kind, sizeof t->kind, in->kind);
	copy_str(t->outcome, sizeof t->outcome, in->refused ? "refused" : "done");
	bool breath = !strcmp(t->kind, "breath");

	int32_t today = date_from_unix_cet(now);
	int32_t day = today;
	if (str(in->date)[0] && date_parse(in->date, &day))
		return field(fe, "date", N_("Enter the date as YYYY-MM-DD."));
	if (day > today)
		return field(fe, "date", N_("The test cannot be in the future."));
	if (day < today - 3660)
		return field(fe, "date", N_("The date is too far back."));
	t->on_day = day;
	if (str(in->time)[0]) {
		int m = rosters_parse_time(in->time);
		if (m < 0)
			return field(fe, "time", N_("Enter the time as HH:MM."));
		t->taken_at = sobriety_local_time(day, m);
		if (t->taken_at > now + 300)
			return field(fe, "time", N_("The test cannot be in the future."));
	} else {
		t->taken_at = day == today ? now : sobriety_local_time(day, 12 * 60);
	}

	int64_t v = 0;
	if (!str(in->taken_by)[0]) {
		t->taken_by = who->user_id;
	} else {
		struct membership m;
		if (parse_int64(in->taken_by, 1, INT64_MAX, &v) || store_membership_get(ac->store, v, org_id, &m) ||
		    m.disabled || !strcmp(m.role, "auditor"))
			return field(fe, "taken_by", N_("Choose who took the test among this organisation's staff."));
		t->taken_by = v;
	}
	if (str(in->enrolment)[0]) {
		struct enrolment e;
		if (parse_int64(in->enrolment, 1, INT64_MAX, &v) || store_enrolment_get(ac->store, org_id, v, &e) ||
		    e.person_id != person_id)
			return field(fe, "enrolment", N_("Choose one of the person's enrolments."));
		t->enrolment_id = v;
	}
	if (!short_text(str(in->device), sizeof t->device))
		return field(fe, "device", N_("The device is too long (at most 100 characters)."));
	copy_str(t->device, sizeof t->device, str(in->device));
	if (!short_text(str(in->note), sizeof t->note))
		return field(fe, "note", N_("The note is too long (at most 500 characters)."));
	copy_str(t->note, sizeof t->note, str(in->note));

	if (breath) {
		if (str(in->sample)[0])
			return field(fe, "sample", N_("A breath test has no sample."));
		if (in->nresults)
			return field(fe, "results", N_("A breath test has no substance results."));
		if (!in->refused) {
			if (sobriety_parse_permille(str(in->permille), &t->permille))
				return field(fe, "permille",
					     N_("Enter the result in per mille from 0.00 to 5.00, with at most two decimals."));
		} else if (str(in->permille)[0]) {
			return field(fe, "permille", N_("A refused test has no result."));
		}
		return 0;
	}
	if (str(in->permille)[0])
		return field(fe, "permille", N_("A drug test has no per mille result."));
	if (in->refused) {
		if (str(in->sample)[0] && !sobriety_sample_label(in->sample))
			return field(fe, "sample", N_("Choose urine, saliva or blood."));
		copy_str(t->sample, sizeof t->sample, str(in->sample));
		for (size_t i = 0; i < in->nresults; i++)
			if (str(in->results[i].result)[0])
				return field(fe, "results", N_("A refused test has no results."));
		return 0;
	}
	if (!sobriety_sample_label(str(in->sample)))
		return field(fe, "sample", N_("Choose urine, saliva or blood."));
	copy_str(t->sample, sizeof t->sample, in->sample);
	t->observed = in->observed;

	struct substance_class *classes = NULL;
	size_t nc = 0;
	int rc = sobriety_classes(ac, org_id, false, &classes, &nc);
	if (rc)
		return rc;
	for (size_t i = 0; i < in->nresults && !rc; i++) {
		const char *key = str(in->results[i].class_key), *res = str(in->results[i].result);
		if (!res[0])
			continue;
		bool known = false;
		for (size_t k = 0; k < nc && !known; k++)
			known = !strcmp(classes[k].key, key);
		if (!known)
			rc = field(fe, "results",
				   N_("A result names a substance class that is unknown or no longer in use."));
		else if (!sobriety_result_label(res))
			rc = field(fe, "results", N_("Each result is negative, positive or inconclusive."));
		else if (t->nresults >= STORE_SOB_CLASSES_MAX)
			rc = field(fe, "results", N_("Too many results."));
		for (int k = 0; !rc && k < t->nresults; k++)
			if (!strcmp(t->results[k].class_key, key))
				rc = field(fe, "results", N_("Each substance class has one result."));
		if (!rc) {
			copy_str(t->results[t->nresults].class_key, sizeof t->results[0].class_key, key);
			copy_str(t->results[t->nresults].result, sizeof t->results[0].result, res);
			t->nresults++;
		}
	}
	free(classes);
	if (!rc && !t->nresults)
		rc = field(fe, "results", N_("Give a result for at least one substance class, or record a refusal."));
	return rc;
}

int sobriety_record(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		    const struct sob_test_in *in, int64_t now, struct sob_test *out, struct field_error *fe)
{
	struct person p;
	int rc = store_person_get(ac->store, org_id, person_id, &p);
	struct sob_test *t = xcalloc(1, sizeof *t);
	if (!rc)
		rc = parse_test(ac, who, org_id, person_id, in, now, t, fe);
	/* Expected positives: a current prescription of the class on the test's day. */
	struct sob_medication *meds = NULL;
	size_t nm = 0;
	if (!rc && t->nresults)
		rc = store_sob_med_list(ac->store, org_id, person_id, &meds, &nm);
	for (int i = 0; !rc && i < t->nresults; i++)
		t->results[i].prescribed = !strcmp(t->results[i].result, "positive") &&
					   sobriety_prescribed(meds, nm, t->results[i].class_key, t->on_day);
	free(meds);
	bool zero = false;
	char substances[STORE_SOB_CLASSES_MAX * STORE_KEY_MAX];
	bool counts = !rc && sobriety_counts(t, substances, sizeof substances);
	if (!rc && counts)
		rc = sobriety_zero_applies(ac, org_id, person_id, t->enrolment_id, &zero);
	if (!rc) {
		t->flag = counts && zero ? 1 : 0;
		rc = store_sob_test_create(ac->store, org_id, t);
		if (rc == STORE_INVALID)
			rc = field(fe, "results", N_("A result names a substance class that is unknown or no longer in use."));
	}
	if (!rc) {
		char detail[128];
		snprintf(detail, sizeof detail, "test %" PRId64 " %s %s results %d%s", t->id, t->kind, t->outcome,
			 t->nresults, t->flag ? " flagged" : "");
		audit_person(ac, who, org_id, "test.create", person_id, detail);
		if (t->flag) {
			int64_t relapse_id = 0;
			/* The test is committed; a failure here leaves the flag, and the therapist
			 * sees it on the tests page. */
			(void)relapses_draft_from_test(ac, who, org_id, person_id, t->id, t->on_day, substances,
						       &relapse_id);
		}
		/* What was stored, in the panel's order. */
		if (out && store_sob_test_get(ac->store, org_id, t->id, out))
			*out = *t;
	}
	free(t);
	return rc;
}

/* A flagged test whose draft relapse is missing (the process stopped between committing
 * the test and opening the draft, or opening it failed) gets it when the test is next
 * read: relapses_draft_from_test is idempotent per test, so this never opens two. */
static void ensure_draft(struct accounts *ac, const struct actor *who, int64_t org_id, const struct sob_test *t)
{
	if (t->flag != 1)
		return;
	struct store_relapse existing;
	if (store_relapse_by_test(ac->store, org_id, t->id, &existing) != STORE_NOTFOUND)
		return;
	char substances[STORE_SOB_CLASSES_MAX * STORE_KEY_MAX];
	if (!sobriety_counts(t, substances, sizeof substances))
		return;
	int64_t relapse_id = 0;
	(void)relapses_draft_from_test(ac, who, org_id, t->person_id, t->id, t->on_day, substances, &relapse_id);
}

int sobriety_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, struct sob_test *out)
{
	int rc = store_sob_test_get(ac->store, org_id, id, out);
	if (!rc)
		ensure_draft(ac, who, org_id, out);
	if (!rc) {
		char detail[48];
		snprintf(detail, sizeof detail, "test %" PRId64, id);
		audit_person(ac, who, org_id, "test.read", out->person_id, detail);
	}
	return rc;
}

int sobriety_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  struct sob_test **out, size_t *n)
{
	struct person p;
	int rc = store_person_get(ac->store, org_id, person_id, &p);
	if (!rc)
		rc = store_sob_test_list(ac->store, org_id, person_id, 500, out, n);
	for (size_t i = 0; !rc && i < *n; i++)
		ensure_draft(ac, who, org_id, &(*out)[i]);
	if (!rc)
		audit_person(ac, who, org_id, "test.read", person_id, "tests");
	return rc;
}

static const char *lab_value(const struct sob_lab_in *in, const char *key)
{
	for (size_t i = 0; i < in->nresults; i++)
		if (!strcmp(str(in->results[i].class_key), key) && str(in->results[i].result)[0])
			return in->results[i].result;
	return str(in->overall);
}

int sobriety_lab(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t test_id,
		 const struct sob_lab_in *in, int32_t today, struct sob_test *out, struct field_error *fe)
{
	struct sob_test *t = xcalloc(1, sizeof *t);
	int rc = store_sob_test_get(ac->store, org_id, test_id, t);
	if (!rc && (strcmp(t->kind, "drug") || strcmp(t->outcome, "done")))
		rc = field(fe, "lab_result", N_("Only a drug test that was taken goes to the laboratory."));
	if (!rc && str(in->sent_on)[0]) {
		int32_t d;
		if (date_parse(in->sent_on, &d))
			rc = field(fe, "lab_sent_on", N_("Enter the date as YYYY-MM-DD."));
		else if (d < t->on_day || d > today)
			rc = field(fe, "lab_sent_on", N_("The date is between the test and today."));
		else
			t->lab_sent_on = d;
	}
	if (!rc && str(in->overall)[0] && strcmp(in->overall, "confirmed") && strcmp(in->overall, "not_confirmed"))
		rc = field(fe, "lab_result", N_("Choose confirmed or not confirmed."));
	for (size_t i = 0; !rc && i < in->nresults; i++) {
		const char *res = str(in->results[i].result);
		bool found = false;
		for (int k = 0; k < t->nresults && !found; k++)
			found = !strcmp(t->results[k].class_key, str(in->results[i].class_key)) &&
				strcmp(t->results[k].result, "negative");
		if (res[0] && strcmp(res, "confirmed") && strcmp(res, "not_confirmed"))
			rc = field(fe, "results", N_("Choose confirmed or not confirmed."));
		else if (res[0] && !found)
			rc = field(fe, "results",
				   N_("A lab result is given only for a class that was positive or inconclusive."));
	}
	int confirmed = 0, not_confirmed = 0;
	for (int k = 0; !rc && k < t->nresults; k++) {
		struct sob_result *r = &t->results[k];
		if (!strcmp(r->result, "negative"))
			continue;
		const char *lab = lab_value(in, r->class_key);
		if (lab[0])
			copy_str(r->lab, sizeof r->lab, lab);
		confirmed += !strcmp(r->lab, "confirmed");
		not_confirmed += !strcmp(r->lab, "not_confirmed");
	}
	if (!rc && (confirmed || not_confirmed) && t->lab_sent_on == DATE_NONE)
		rc = field(fe, "lab_sent_on", N_("Enter the day the sample was sent to the laboratory."));
	bool overturned = false;
	if (!rc) {
		copy_str(t->lab_result, sizeof t->lab_result,
			 confirmed && not_confirmed ? "partly" : confirmed ? "confirmed" : not_confirmed ? "not_confirmed" : "");
		if (confirmed || not_confirmed) {
			t->lab_at = now_seconds();
			t->lab_by = who->user_id;
		}
		/* Overturned: every positive that flagged the test came back not confirmed. */
		if (t->flag == 1) {
			bool any = false, all_not = true;
			for (int k = 0; k < t->nresults; k++) {
				const struct sob_result *r = &t->results[k];
				if (strcmp(r->result, "positive") || r->prescribed)
					continue;
				any = true;
				all_not = all_not && !strcmp(r->lab, "not_confirmed");
			}
			if (any && all_not) {
				t->flag = 2;
				overturned = true;
			}
		}
		rc = store_sob_test_lab(ac->store, org_id, t);
	}
	if (!rc) {
		char detail[96];
		snprintf(detail, sizeof detail, "test %" PRId64 " lab %s%s", t->id, t->lab_result[0] ? t->lab_result : "sent",
			 overturned ? " overturned" : "");
		audit_person(ac, who, org_id, "test.lab", t->person_id, detail);
		if (overturned)
			(void)relapses_test_overturned(ac, who, org_id, t->id);
		if (out)
			*out = *t;
	}
	free(t);
	return rc;
}

int sobriety_med_add(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		     const struct sob_med_in *in, int64_t *id, struct field_error *fe)
{
	struct person p;
	int rc = store_person_get(ac->store, org_id, person_id, &p);
	if (rc)
		return rc;
	struct sob_medication m = { .person_id = person_id, .to_day = DATE_NONE, .created_by = who->user_id };
	struct substance_class *classes = NULL;
	size_t nc = 0;
	rc = sobriety_classes(ac, org_id, false, &classes, &nc);
	bool known = false;
	for (size_t k = 0; !rc && k < nc && !known; k++)
		known = !strcmp(classes[k].key, str(in->class_key));
	free(classes);
	if (rc)
		return rc;
	if (!known)
		return field(fe, "class", N_("Choose a substance class from the list."));
	copy_str(m.class_key, sizeof m.class_key, in->class_key);
	const char *name = str(in->name);
	if (!name[0])
		return field(fe, "name", N_("Enter the name of the medication."));
	if (!short_text(name, sizeof m.name))
		return field(fe, "name", N_("The name is too long (at most 200 characters)."));
	copy_str(m.name, sizeof m.name, name);
	if (date_parse(str(in->from), &m.from_day))
		return field(fe, "from", N_("Enter the date as YYYY-MM-DD."));
	if (str(in->to)[0]) {
		if (date_parse(in->to, &m.to_day))
			return field(fe, "to", N_("Enter the date as YYYY-MM-DD."));
		if (m.to_day < m.from_day)
			return field(fe, "to", N_("The end cannot be before the start."));
	}
	rc = store_sob_med_add(ac->store, org_id, &m);
	if (rc == STORE_INVALID)
		return field(fe, "class", N_("Choose a substance class from the list."));
	if (!rc) {
		char detail[96];
		snprintf(detail, sizeof detail, "medication %" PRId64 " class %s", m.id, m.class_key);
		audit_person(ac, who, org_id, "medication.create", person_id, detail);
		if (id)
			*id = m.id;
	}
	return rc;
}

int sobriety_med_end(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		     int64_t med_id, const char *to, struct field_error *fe)
{
	struct sob_medication *meds = NULL;
	size_t n = 0;
	int rc = store_sob_med_list(ac->store, org_id, person_id, &meds, &n);
	bool mine = false;
	int32_t from = DATE_NONE;
	for (size_t i = 0; !rc && i < n && !mine; i++)
		if (meds[i].id == med_id) {
			mine = true;
			from = meds[i].from_day;
		}
	free(meds);
	if (rc)
		return rc;
	if (!mine)
		return STORE_NOTFOUND;
	int32_t day;
	if (date_parse(str(to), &day))
		return field(fe, "to", N_("Enter the date as YYYY-MM-DD."));
	if (day < from)
		return field(fe, "to", N_("The end cannot be before the start."));
	rc = store_sob_med_end(ac->store, org_id, med_id, day);
	if (!rc) {
		char detail[48];
		snprintf(detail, sizeof detail, "medication %" PRId64, med_id);
		audit_person(ac, who, org_id, "medication.end", person_id, detail);
	}
	return rc;
}

int sobriety_classes(struct accounts *ac, int64_t org_id, bool include_inactive, struct substance_class **out,
		     size_t *n)
{
	int rc = store_substance_seed(ac->store, org_id, NULL);
	return rc ? rc : store_substance_list(ac->store, org_id, include_inactive, out, n);
}

static int class_fields(const char *label, const char *sort_order, struct substance_class *c, struct field_error *fe)
{
	size_t len = strlen(str(label));
	if (!len)
		return field(fe, "label", N_("Enter a label."));
	if (len > 100 || !utf8_valid_text(label, len))
		return field(fe, "label", N_("The label is too long (at most 100 characters)."));
	copy_str(c->label, sizeof c->label, label);
	int64_t v = 100;
	if (str(sort_order)[0] && parse_int64(sort_order, 0, 10000, &v))
		return field(fe, "sort_order", N_("Give the order as a whole number from 0 to 10000."));
	c->sort_order = (int)v;
	return 0;
}

static void audit_org(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
		      const char *type, int64_t id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, type, oid, detail);
}

int sobriety_class_add(struct accounts *ac, const struct actor *who, int64_t org_id, const char *key,
		       const char *label, const char *sort_order, struct field_error *fe)
{
	struct substance_class c = { .active = true };
	const char *k = str(key);
	size_t len = strlen(k);
	bool ok = len >= 1 && len <= 31;
	for (size_t i = 0; ok && i < len; i++)
		ok = (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_';
	if (!ok)
		return field(fe, "key", N_("The key is 1–31 small letters a–z, digits or _."));
	copy_str(c.key, sizeof c.key, k);
	int rc = class_fields(label, sort_order, &c, fe);
	if (!rc)
		rc = store_substance_seed(ac->store, org_id, NULL);
	if (!rc)
		rc = store_substance_add(ac->store, org_id, &c);
	if (rc == STORE_CONFLICT)
		return field(fe, "key", N_("The organisation has a class with this key."));
	if (rc == STORE_FULL)
		return field(fe, "key", N_("The organisation has as many classes as it can have."));
	if (!rc)
		audit_org(ac, who, org_id, "substance.create", "substance", c.id, c.key);
	return rc;
}

int sobriety_class_update(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			  const char *label, bool active, const char *sort_order, struct field_error *fe)
{
	struct substance_class c = { .id = id, .active = active };
	copy_str(c.key, sizeof c.key, "x"); /* not written: the key stays */
	int rc = class_fields(label, sort_order, &c, fe);
	if (!rc)
		rc = store_substance_update(ac->store, org_id, &c);
	if (!rc)
		audit_org(ac, who, org_id, "substance.update", "substance", id, active ? "active" : "inactive");
	return rc;
}

int sobriety_rule_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id,
		      const struct sob_rule_in *in, struct field_error *fe)
{
	struct programme p;
	int rc = store_programme_get(ac->store, org_id, programme_id, &p);
	if (rc)
		return rc;
	struct sob_rule r = { .programme_id = programme_id, .active = true, .updated_by = who->user_id };
	const char *phase = str(in->phase_key);
	bool known = !phase[0];
	for (int i = 0; i < p.nphases && !known; i++)
		known = !strcmp(p.phases[i].key, phase);
	if (!known)
		return field(fe, "phase", N_("Choose the whole programme or one of its phases."));
	copy_str(r.phase_key, sizeof r.phase_key, phase);
	const char *kind = str(in->kind);
	int64_t v = 0;
	if (!kind[0]) {
		/* Off: keep the rule's row (draws refer to it), inactive. */
		copy_str(r.kind, sizeof r.kind, "percent");
		r.active = false;
	} else if (!strcmp(kind, "percent")) {
		copy_str(r.kind, sizeof r.kind, kind);
		if (testdraw_parse_percent(str(in->percent), &r.percent) || r.percent < 1)
			return field(fe, "percent", N_("Give the chance as a percentage above 0 and at most 100, with at most "
						       "two decimals."));
		if (str(in->per_month)[0])
			return field(fe, "per_month", N_("Give either a chance per day or tests per month, not both."));
	} else if (!strcmp(kind, "monthly")) {
		copy_str(r.kind, sizeof r.kind, kind);
		if (parse_int64(str(in->per_month), 1, 31, &v))
			return field(fe, "per_month", N_("Give the tests per person per month as a whole number from 1 to 31."));
		r.per_month = (int)v;
		if (str(in->percent)[0])
			return field(fe, "percent", N_("Give either a chance per day or tests per month, not both."));
	} else {
		return field(fe, "kind", N_("Choose a chance per attendance day or tests per month."));
	}
	rc = store_sob_rule_set(ac->store, org_id, &r);
	if (!rc) {
		char detail[128];
		snprintf(detail, sizeof detail, "programme %" PRId64 " phase %s %s %d %d%s", programme_id,
			 r.phase_key[0] ? r.phase_key : "*", r.kind, r.percent, r.per_month, r.active ? "" : " off");
		audit_org(ac, who, org_id, "testrule.set", "programme", programme_id, detail);
	}
	return rc;
}

int sobriety_zero_set(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t programme_id, bool on)
{
	int rc = store_sob_zero_set(ac->store, org_id, programme_id, on, who->user_id);
	if (!rc)
		audit_org(ac, who, org_id, "zerotolerance.set", "programme", programme_id, on ? "on" : "off");
	return rc;
}
