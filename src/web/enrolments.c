/* enrolments.c: the pages of enrolments (staff): enrolling a person in a programme, and
 * the enrolment page with its events and the forms that move it along its phases
 * (next or another phase, pause, resume, complete, discontinue). The rules are
 * domain/enrolments.c's; a therapist changes only enrolments where they are the primary
 * therapist. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/enrolments.h"
#include "domain/persons.h"
#include "html/form.h"
#include "html/layout.h"

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static void h2(struct html *w, const char *text)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, text);
	html_raw(w, "</h2>\n");
}

static void errors_of(const struct person_errors *pe, struct form_errors *fe, const char *prefix)
{
	for (size_t i = 0; i < pe->n; i++) {
		const char *field = pe->e[i].field;
		/* The page's field names: "<form>_<field>" (see the forms below). */
		static const char *const known[][3] = {
			{ "next", "date", "next_date" },	 { "next", "to_phase", "next_date" },
			{ "next", "kind", "next_date" },	 { "next", "reason", "next_date" },
			{ "phase", "date", "phase_date" },	 { "phase", "to_phase", "phase_to" },
			{ "phase", "reason", "phase_reason" },	 { "phase", "kind", "phase_to" },
			{ "pause", "date", "pause_date" },	 { "pause", "reason", "pause_reason" },
			{ "pause", "kind", "pause_reason" },	 { "resume", "date", "resume_date" },
			{ "resume", "kind", "resume_date" },	 { "complete", "date", "complete_date" },
			{ "complete", "kind", "complete_date" }, { "discontinue", "date", "disc_date" },
			{ "discontinue", "reason_key", "disc_reason" }, { "discontinue", "reason", "disc_note" },
			{ "discontinue", "kind", "disc_reason" },
		};
		const char *mapped = NULL;
		for (size_t k = 0; prefix && k < sizeof known / sizeof known[0]; k++)
			if (!strcmp(known[k][0], prefix) && !strcmp(known[k][1], field))
				mapped = known[k][2];
		form_error(fe, mapped ? mapped : field, pe->e[i].message);
	}
}

static void person_name(struct req *r, const struct person *p, struct buf *out)
{
	(void)r;
	buf_adds(out, p->given_name);
	if (p->given_name[0] && p->family_name[0])
		buf_addch(out, ' ');
	buf_adds(out, p->family_name);
}

/* ---- enrolling ---- */

struct enrol_form {
	const char *programme, *therapist, *start_date, *referral;
};

static void enrol_page(struct req *r, int status, const struct person *p, const struct enrol_form *f,
		       const struct form_errors *fe)
{
	struct store *s = r->site->ac->store;
	struct programme *ps = NULL;
	size_t nps = 0;
	if (store_programme_list(s, r->org_id, false, &ps, &nps) != STORE_OK)
		nps = 0;
	struct user_row *users = NULL;
	size_t nusers = 0;
	if (store_user_list(s, r->org_id, 1000, 0, &users, &nusers, NULL) != STORE_OK)
		nusers = 0;
	struct referral_query rq = { .person_id = p->id, .limit = 100 };
	struct referral *refs = NULL;
	size_t nrefs = 0;
	if (store_referral_list(s, r->org_id, &rq, &refs, &nrefs, NULL) != STORE_OK)
		nrefs = 0;

	struct buf title = BUF_INIT, name = BUF_INIT;
	person_name(r, p, &name);
	struct html w;
	page_begin(r, &w, T(r, "Enrol in a programme"));
	form_error_summary(&w, r, fe);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "Person: {}"), name.data);
	html_raw(&w, "</p>\n");
	buf_release(&title);
	if (nps == 0) {
		para(&w, T(r, "The organisation has no programmes yet. A coordinator or an administrator creates them."));
	} else {
		struct buf action = BUF_INIT;
		buf_addf(&action, "/persons/%" PRId64 "/enrol", p->id);
		form_begin(&w, r, action.data);
		buf_release(&action);
		struct option *opts = xcalloc(nps + nusers + nrefs + 1, sizeof *opts);
		char(*ids)[24] = xcalloc(nps + nusers + nrefs + 1, sizeof *ids);
		char(*labels)[STORE_NAME_MAX + 32] = xcalloc(nrefs + 1, sizeof *labels);
		size_t k = 0;
		for (size_t i = 0; i < nps; i++, k++) {
			snprintf(ids[k], sizeof ids[k], "%" PRId64, ps[i].id);
			opts[k].value = ids[k];
			opts[k].label = ps[i].name;
		}
		form_select(&w, r, fe, "programme", T(r, "Programme"), opts, k, f->programme);
		k = 0;
		opts[k].value = "";
		opts[k++].label = T(r, "None yet");
		for (size_t i = 0; i < nusers; i++) {
			enum role ro = role_parse(users[i].m.role);
			if (users[i].m.disabled || users[i].user.disabled || (ro != ROLE_THERAPIST && ro != ROLE_COORDINATOR))
				continue;
			snprintf(ids[k], sizeof ids[k], "%" PRId64, users[i].user.id);
			opts[k].value = ids[k];
			opts[k].label = users[i].user.name[0] ? users[i].user.name : users[i].user.email;
			k++;
		}
		form_select(&w, r, fe, "therapist", T(r, "Primary therapist"), opts, k, f->therapist);
		form_input(&w, r, fe,
			   &(struct input){ .name = "start_date", .label = T(r, "Start date"), .type = "date",
					    .value = f->start_date, .description = T(r, "YYYY-MM-DD") });
		k = 0;
		opts[k].value = "";
		opts[k++].label = T(r, "No referral");
		for (size_t i = 0; i < nrefs; i++, k++) {
			char d[11];
			date_format(refs[i].received_on, d);
			snprintf(ids[k], sizeof ids[k], "%" PRId64, refs[i].id);
			snprintf(labels[i], sizeof labels[i], "%s %s", d,
				 refs[i].source_label[0] ? T(r, refs[i].source_label) : refs[i].source_key);
			opts[k].value = ids[k];
			opts[k].label = labels[i];
		}
		form_select(&w, r, fe, "referral", T(r, "Referral (optional)"), opts, k, f->referral);
		form_button(&w, "primary", T(r, "Enrol"));
		form_end(&w);
		free(labels);
		free(ids);
		free(opts);
	}
	struct buf back = BUF_INIT;
	buf_addf(&back, "/persons/%" PRId64, p->id);
	html_raw(&w, "<p><a class=\"ds-link\"");
	html_attr(&w, "href", back.data);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the person"));
	html_raw(&w, "</a></p>\n");
	buf_release(&back);
	buf_release(&name);
	free(ps);
	free(users);
	free(refs);
	page_end(r, &w, status);
}

void person_enrol_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person p;
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "enrol", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	char today[11];
	date_format(date_today_cet(), today);
	char me[24] = "";
	if (r->role & ROLE_THERAPIST)
		snprintf(me, sizeof me, "%" PRId64, r->user.id);
	struct enrol_form f = { .programme = "", .therapist = me, .start_date = today, .referral = "" };
	enrol_page(r, 200, &p, &f, NULL);
}

/* "" → 0; a positive integer → it; else -1. */
static int64_t form_id(const char *s)
{
	int64_t v;
	if (!s || !*s)
		return 0;
	return parse_int64(s, 1, INT64_MAX, &v) == 0 ? v : -1;
}

void person_enrol_post(struct req *r)
{
	struct person p;
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct enrol_form f;
	if (!form_str_or_400(r, "programme", 30, &f.programme) || !form_str_or_400(r, "therapist", 30, &f.therapist) ||
	    !form_str_or_400(r, "start_date", 100, &f.start_date) || !form_str_or_400(r, "referral", 30, &f.referral))
		return;
	struct form_errors fe = { 0 };
	struct enrolment_new in = { .person_id = p.id, .start_date = f.start_date };
	in.programme_id = form_id(f.programme);
	in.therapist_id = form_id(f.therapist);
	in.referral_id = form_id(f.referral);
	if (in.programme_id < 0)
		form_error(&fe, "programme", N_("Choose a programme."));
	if (in.therapist_id < 0)
		form_error(&fe, "therapist", N_("Choose a therapist of this organisation."));
	if (in.referral_id < 0)
		form_error(&fe, "referral", N_("Choose one of the person's referrals."));
	if (!fe.n && !f.start_date[0])
		form_error(&fe, "start_date", N_("Enter the date as YYYY-MM-DD."));
	struct enrolment e;
	if (!fe.n) {
		struct actor a;
		req_actor(r, &a);
		struct person_errors pe = { 0 };
		rc = enrolments_create(r->site->ac, &a, r->org_id, &in, date_today_cet(), &e, &pe);
		if (rc == ACC_INVALID) {
			errors_of(&pe, &fe, NULL);
		} else if (rc) {
			resp_store_error(r, rc);
			return;
		}
	}
	if (fe.n) {
		/* The page shows the person again: that is a read. */
		struct actor a;
		req_actor(r, &a);
		persons_audit_listed(r->site->ac, &a, r->org_id, &p.id, 1, "enrol");
		enrol_page(r, 422, &p, &f, &fe);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/enrolments/%" PRId64 "?enrolled=1", e.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

/* ---- the enrolment page ---- */

struct change_form {
	const char *kind;
	const char *next_date, *phase_to, *phase_date, *phase_reason, *pause_date, *pause_reason, *resume_date,
		*complete_date, *disc_reason, *disc_note, *disc_date;
};

static void hidden(struct html *w, const char *name, const char *value)
{
	form_hidden(w, name, value);
}

static void textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value)
{
	form_textarea(w, r, fe, &(struct textarea){ .name = name, .label = label, .value = value, .rows = 3 });
}

static void date_input(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		       const char *value)
{
	form_input(w, r, fe,
		   &(struct input){ .name = name, .label = T(r, "Date"), .type = "date", .value = value,
				    .description = T(r, "YYYY-MM-DD") });
}

static void change_form_begin(struct html *w, struct req *r, const struct enrolment *e, const char *kind,
			      const char *heading)
{
	h2(w, heading);
	struct buf action = BUF_INIT;
	buf_addf(&action, "/enrolments/%" PRId64 "/events", e->id);
	form_begin(w, r, action.data);
	buf_release(&action);
	hidden(w, "kind", kind);
	char v[24];
	snprintf(v, sizeof v, "%" PRId64, e->version);
	hidden(w, "version", v);
}

static void enrolment_page(struct req *r, int status, const struct enrolment *e, const struct person *p,
			   const struct programme *prog, const struct change_form *f, const struct form_errors *fe,
			   const char *alert)
{
	struct store *s = r->site->ac->store;
	struct html w;
	struct buf title = BUF_INIT, name = BUF_INIT;
	person_name(r, p, &name);
	buf_adds(&title, prog->name);
	page_begin(r, &w, title.data);
	buf_release(&title);
	form_error_summary(&w, r, fe);
	if (alert)
		page_alert(&w, "warning", alert);
	if (!fe && query_get(r, "enrolled"))
		page_alert(&w, "success", T(r, "The person was enrolled."));
	if (!fe && query_get(r, "changed"))
		page_alert(&w, "success", T(r, "The change was saved."));

	int st = enrolment_status_parse(e->status);
	bool last = e->phase == prog->nphases - 1;
	char started[11], since[11], ended[11], paused[11];
	date_format(e->started_on, started);
	date_format(e->phase_since, since);
	date_format(e->ended_on, ended);
	date_format(e->paused_since, paused);
	struct buf phref = BUF_INIT;
	buf_addf(&phref, "/persons/%" PRId64, p->id);
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "Person"));
	html_raw(&w, "</dt><dd><a class=\"ds-link\"");
	html_attr(&w, "href", phref.data);
	html_raw(&w, ">");
	html_text(&w, name.data);
	html_raw(&w, "</a></dd><dt>");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, st >= 0 ? T(r, enrolment_status_label((enum enrolment_status)st)) : e->status);
	if (st == ENROL_PAUSED && paused[0]) {
		html_raw(&w, " (");
		html_fmt(&w, T(r, "since {}"), paused);
		html_raw(&w, ")");
	}
	if (st == ENROL_DISCONTINUED && e->reason_key[0]) {
		int rk = discontinue_reason_parse(e->reason_key);
		html_raw(&w, ": ");
		html_text(&w, rk > 0 ? T(r, discontinue_reason_label((enum discontinue_reason)rk)) : e->reason_key);
		if (e->reason_note[0]) {
			html_raw(&w, " — ");
			html_text(&w, e->reason_note);
		}
	}
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Current phase"));
	html_raw(&w, "</dt><dd>");
	if (e->phase >= 0 && e->phase < prog->nphases) {
		char pos[16], all[16];
		snprintf(pos, sizeof pos, "%d", e->phase + 1);
		snprintf(all, sizeof all, "%d", prog->nphases);
		html_text(&w, T(r, prog->phases[e->phase].label));
		html_raw(&w, " (");
		html_fmt(&w, T(r, "phase {} of {}, since {}"), pos, all, since);
		html_raw(&w, ")");
	}
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Started"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, started);
	html_raw(&w, "</dd>");
	if (ended[0]) {
		html_raw(&w, "<dt>");
		html_text(&w, T(r, "Ended"));
		html_raw(&w, "</dt><dd>");
		html_text(&w, ended);
		html_raw(&w, "</dd>");
	}
	html_raw(&w, "<dt>");
	html_text(&w, T(r, "Primary therapist"));
	html_raw(&w, "</dt><dd>");
	struct user th;
	if (e->therapist_id && store_user_get(s, e->therapist_id, &th) == STORE_OK)
		html_text(&w, th.name[0] ? th.name : th.email);
	else
		html_text(&w, T(r, "None yet"));
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Pauses"));
	html_raw(&w, "</dt><dd>");
	html_int(&w, e->pauses);
	html_raw(&w, "</dd></dl>\n");
	buf_release(&phref);

	/* progress block: the attendance area writes this enrolment's progress here (days
	 * attended toward the phase's target, pace, projection) with
	 * progress_block(r, &w, e->id). */
	progress_block(r, &w, e->id);

	stepwork_links(r, &w, e->id); /* step chart and plan (web/stepwork.c) */

	bool may = (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) || e->therapist_id == r->user.id;
	bool open = st == ENROL_ACTIVE || st == ENROL_PAUSED;
	char today[11];
	date_format(date_today_cet(), today);
#define KEEP(field) (f && f->field ? f->field : today)
#define KEEPT(field) (f && f->field ? f->field : "")
	if (open && !may) {
		para(&w, T(r, "Only the primary therapist, a coordinator or an administrator may change this enrolment."));
	} else if (open) {
		if (st == ENROL_ACTIVE && !last) {
			char label[STORE_LABEL_MAX + 64];
			snprintf(label, sizeof label, "%s", T(r, prog->phases[e->phase + 1].label));
			change_form_begin(&w, r, e, "next", T(r, "Move to the next phase"));
			html_raw(&w, "<p class=\"ds-paragraph\">");
			html_fmt(&w, T(r, "Next phase: {}"), label);
			html_raw(&w, "</p>\n");
			date_input(&w, r, fe, "next_date", KEEP(next_date));
			form_button(&w, "primary", T(r, "Move to the next phase"));
			form_end(&w);
		}
		if (st == ENROL_ACTIVE && prog->nphases > 1) {
			change_form_begin(&w, r, e, "phase", T(r, "Move to another phase"));
			struct option opts[STORE_PHASES_MAX];
			char idx[STORE_PHASES_MAX][16];
			size_t k = 0;
			for (int i = 0; i < prog->nphases; i++) {
				if (i == e->phase)
					continue;
				snprintf(idx[k], sizeof idx[k], "%d", i);
				opts[k].value = idx[k];
				opts[k].label = T(r, prog->phases[i].label);
				k++;
			}
			form_select(&w, r, fe, "phase_to", T(r, "Phase"), opts, k, KEEPT(phase_to));
			date_input(&w, r, fe, "phase_date", KEEP(phase_date));
			textarea(&w, r, fe, "phase_reason", T(r, "Reason (needed when skipping or moving back)"),
				 KEEPT(phase_reason));
			form_button(&w, "secondary", T(r, "Move"));
			form_end(&w);
		}
		if (st == ENROL_ACTIVE) {
			change_form_begin(&w, r, e, "pause", T(r, "Pause"));
			para(&w, T(r, "For example after a relapse, detox or a hospital stay: the path is resumed, not "
				      "ended."));
			date_input(&w, r, fe, "pause_date", KEEP(pause_date));
			textarea(&w, r, fe, "pause_reason", T(r, "Reason"), KEEPT(pause_reason));
			form_button(&w, "secondary", T(r, "Pause"));
			form_end(&w);
		}
		if (st == ENROL_PAUSED) {
			change_form_begin(&w, r, e, "resume", T(r, "Resume"));
			date_input(&w, r, fe, "resume_date", KEEP(resume_date));
			form_button(&w, "primary", T(r, "Resume"));
			form_end(&w);
		}
		if (st == ENROL_ACTIVE && last) {
			change_form_begin(&w, r, e, "complete", T(r, "Complete"));
			date_input(&w, r, fe, "complete_date", KEEP(complete_date));
			form_button(&w, "primary", T(r, "Complete the enrolment"));
			form_end(&w);
		}
		change_form_begin(&w, r, e, "discontinue", T(r, "Discontinue"));
		struct option reasons[8];
		size_t k = 0;
		reasons[k].value = "";
		reasons[k++].label = T(r, "Choose a reason");
		for (int i = DISC_MOVED; i <= DISC_OTHER; i++) {
			reasons[k].value = discontinue_reason_key((enum discontinue_reason)i);
			reasons[k].label = T(r, discontinue_reason_label((enum discontinue_reason)i));
			k++;
		}
		form_select(&w, r, fe, "disc_reason", T(r, "Reason"), reasons, k, KEEPT(disc_reason));
		textarea(&w, r, fe, "disc_note", T(r, "Note (needed for \"other\")"), KEEPT(disc_note));
		date_input(&w, r, fe, "disc_date", KEEP(disc_date));
		form_button(&w, "secondary", T(r, "Discontinue"));
		form_end(&w);
	} else {
		para(&w, T(r, "The enrolment has ended. To continue, enrol the person again."));
	}
#undef KEEP
#undef KEEPT

	h2(&w, T(r, "Events"));
	struct enrolment_event *evs = NULL;
	size_t n = 0;
	if (store_enrolment_events(s, r->org_id, e->id, &evs, &n) == STORE_OK && n > 0) {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Date"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Event"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Phase"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Reason"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "By"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = n; i-- > 0;) {
			char d[11];
			date_format(evs[i].on_day, d);
			html_raw(&w, "<tr><td>");
			html_text(&w, d);
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, enrolment_event_label(evs[i].kind)));
			html_raw(&w, "</td><td>");
			int tp = evs[i].to_phase;
			html_text(&w, tp >= 0 && tp < prog->nphases ? T(r, prog->phases[tp].label) : "–");
			html_raw(&w, "</td><td>");
			html_text(&w, evs[i].reason[0] ? evs[i].reason : "–");
			html_raw(&w, "</td><td>");
			struct user u;
			if (evs[i].by_user && store_user_get(s, evs[i].by_user, &u) == STORE_OK)
				html_text(&w, u.name[0] ? u.name : u.email);
			else
				html_text(&w, "–");
			html_raw(&w, "</td></tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	free(evs);
	html_raw(&w, "<p><a class=\"ds-link\"");
	struct buf back = BUF_INIT;
	buf_addf(&back, "/persons/%" PRId64, p->id);
	html_attr(&w, "href", back.data);
	buf_release(&back);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the person"));
	html_raw(&w, "</a></p>\n");
	buf_release(&name);
	page_end(r, &w, status);
}

/* Loads the enrolment with its person and programme; answers 404 itself. */
static bool load_all(struct req *r, struct enrolment *e, struct person *p, struct programme *prog)
{
	struct store *s = r->site->ac->store;
	int rc = store_enrolment_get(s, r->org_id, r->id, e);
	if (rc == STORE_OK)
		rc = store_person_get(s, r->org_id, e->person_id, p);
	if (rc == STORE_OK)
		rc = store_programme_get(s, r->org_id, e->programme_id, prog);
	if (rc) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

/* The enrolment page shows who it is: audited as a read of the enrolment and, in the
 * person's own trail, a listing of the person. */
static void audit_page_read(struct req *r, const struct enrolment *e, const char *detail)
{
	struct actor a;
	req_actor(r, &a);
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, e->id);
	audit_event(r->site->ac->audit, a.user_id, a.email, r->org_id, a.addr, "enrolment.read", "enrolment", oid,
		    detail);
	persons_audit_listed(r->site->ac, &a, r->org_id, &e->person_id, 1, "enrolment");
}

void enrolment_get(struct req *r)
{
	struct enrolment e;
	struct person p;
	struct programme prog;
	if (!load_all(r, &e, &p, &prog))
		return;
	audit_page_read(r, &e, NULL);
	enrolment_page(r, 200, &e, &p, &prog, NULL, NULL, NULL);
}

void enrolment_event_post(struct req *r)
{
	struct enrolment e;
	struct person p;
	struct programme prog;
	if (!load_all(r, &e, &p, &prog))
		return;
	struct change_form f;
	memset(&f, 0, sizeof f);
	const char *version;
	if (!form_str_or_400(r, "kind", 30, &f.kind) || !form_str_or_400(r, "version", 30, &version) ||
	    !form_str_or_400(r, "next_date", 100, &f.next_date) || !form_str_or_400(r, "phase_to", 30, &f.phase_to) ||
	    !form_str_or_400(r, "phase_date", 100, &f.phase_date) ||
	    !form_str_or_400(r, "phase_reason", 8000, &f.phase_reason) ||
	    !form_str_or_400(r, "pause_date", 100, &f.pause_date) ||
	    !form_str_or_400(r, "pause_reason", 8000, &f.pause_reason) ||
	    !form_str_or_400(r, "resume_date", 100, &f.resume_date) ||
	    !form_str_or_400(r, "complete_date", 100, &f.complete_date) ||
	    !form_str_or_400(r, "disc_reason", 100, &f.disc_reason) ||
	    !form_str_or_400(r, "disc_note", 8000, &f.disc_note) || !form_str_or_400(r, "disc_date", 100, &f.disc_date))
		return;
	struct enrolment_change c = { .to_phase = -1 };
	struct form_errors fe = { 0 };
	int64_t v = 0;
	if (version[0] && parse_int64(version, 1, INT64_MAX, &v) != 0) {
		resp_error(r, 400, "bad_request", N_("The form is not valid; reload the page."), "version");
		return;
	}
	c.version = v;
	const char *prefix = f.kind;
	if (!strcmp(f.kind, "next")) {
		c.kind = "phase";
		c.date = f.next_date;
	} else if (!strcmp(f.kind, "phase")) {
		c.kind = "phase";
		int64_t to;
		if (parse_int64(f.phase_to, 0, STORE_PHASES_MAX - 1, &to) != 0) {
			form_error(&fe, "phase_to", N_("Choose a phase."));
		}
		else
			c.to_phase = (int)to;
		c.date = f.phase_date;
		c.reason = f.phase_reason;
	} else if (!strcmp(f.kind, "pause")) {
		c.kind = "pause";
		c.date = f.pause_date;
		c.reason = f.pause_reason;
	} else if (!strcmp(f.kind, "resume")) {
		c.kind = "resume";
		c.date = f.resume_date;
	} else if (!strcmp(f.kind, "complete")) {
		c.kind = "complete";
		c.date = f.complete_date;
	} else if (!strcmp(f.kind, "discontinue")) {
		c.kind = "discontinue";
		c.date = f.disc_date;
		c.reason = f.disc_note;
		c.reason_key = f.disc_reason;
	} else {
		form_error(&fe, NULL,
			   N_("Choose what happens: a phase change, a pause, resuming, completion or discontinuation."));
		prefix = NULL;
	}
	if (c.date && !c.date[0])
		c.date = "\x01"; /* an emptied date field is a missing date, not today */
	struct actor a;
	req_actor(r, &a);
	if (!fe.n) {
		struct person_errors pe = { 0 };
		struct enrolment after;
		int rc = enrolments_change(r->site->ac, &a, r->org_id, e.id, (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0,
					   &c, date_today_cet(), &after, &pe);
		if (rc == ACC_INVALID) {
			errors_of(&pe, &fe, prefix);
		} else if (rc == STORE_CONFLICT) {
			/* Show the enrolment as it is now, with the input kept. */
			if (!load_all(r, &e, &p, &prog))
				return;
			audit_page_read(r, &e, "conflict");
			enrolment_page(r, 409, &e, &p, &prog, &f, NULL,
				       T(r, "The enrolment was changed by someone else meanwhile. Check it as it is now "
					    "and try again."));
			return;
		} else if (rc == ENROL_FORBIDDEN) {
			resp_error(r, 403, "forbidden",
				   N_("Only the primary therapist, a coordinator or an administrator may change this "
				      "enrolment."),
				   NULL);
			return;
		} else if (rc) {
			resp_store_error(r, rc);
			return;
		} else {
			struct buf loc = BUF_INIT;
			buf_addf(&loc, "/enrolments/%" PRId64 "?changed=1", e.id);
			resp_redirect(r, loc.data);
			buf_release(&loc);
			return;
		}
	}
	audit_page_read(r, &e, "form");
	enrolment_page(r, 422, &e, &p, &prog, &f, &fe, NULL);
}
