/* programmes.c: the programme pages — list, new from a template, one programme with its
 * phases (every number editable), groups and closed dates — and the small page pieces
 * the other intake pages share. Rules live in domain/intake.c. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/util.h"
#include "domain/intake.h"
#include "domain/programme.h"
#include "html/form.h"
#include "html/layout.h"

/* ---- shared pieces ---- */

void intake_form_errors(struct form_errors *fe, const struct intake_errors *ie)
{
	for (int i = 0; ie && i < ie->n; i++)
		form_error(fe, ie->e[i].field, ie->e[i].message);
}

void intake_textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value, const char *description)
{
	const char *err = form_error_get(fe, name);
	html_raw(w, "<div class=\"ds-field\">\n<label class=\"ds-label\"");
	struct buf id = BUF_INIT;
	buf_addf(&id, "f-%s", name);
	html_attr(w, "for", id.data);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</label>\n");
	struct buf desc = BUF_INIT, errid = BUF_INIT;
	buf_addf(&desc, "f-%s-desc", name);
	buf_addf(&errid, "f-%s-error", name);
	if (description) {
		html_raw(w, "<p data-field=\"description\"");
		html_attr(w, "id", desc.data);
		html_raw(w, ">");
		html_text(w, description);
		html_raw(w, "</p>\n");
	}
	html_raw(w, "<textarea class=\"ds-input\" rows=\"4\"");
	html_attr(w, "id", id.data);
	html_attr(w, "name", name);
	if (description || err) {
		struct buf d = BUF_INIT;
		if (description)
			buf_adds(&d, desc.data);
		if (err) {
			if (description)
				buf_addch(&d, ' ');
			buf_adds(&d, errid.data);
		}
		html_attr(w, "aria-describedby", d.data);
		buf_release(&d);
	}
	if (err)
		html_raw(w, " aria-invalid=\"true\"");
	html_raw(w, ">");
	html_text(w, value ? value : "");
	html_raw(w, "</textarea>\n");
	if (err) {
		html_raw(w, "<p class=\"ds-validation-message\" data-field=\"validation\"");
		html_attr(w, "id", errid.data);
		html_raw(w, ">");
		html_text(w, T(r, err));
		html_raw(w, "</p>\n");
	}
	html_raw(w, "</div>\n");
	buf_release(&id);
	buf_release(&desc);
	buf_release(&errid);
}

void intake_link_button(struct html *w, const char *href, const char *label)
{
	html_raw(w, "<p><a class=\"ds-button\" data-variant=\"primary\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></p>\n");
}

void intake_back_link(struct html *w, const char *href, const char *label)
{
	html_raw(w, "<p><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></p>\n");
}

void intake_pager(struct html *w, struct req *r, const char *href_prefix, int64_t page, int64_t pages)
{
	if (pages <= 1)
		return;
	char cur[24], all[24];
	snprintf(cur, sizeof cur, "%" PRId64, page);
	snprintf(all, sizeof all, "%" PRId64, pages);
	html_raw(w, "<nav class=\"tolv-pager\"");
	html_attr(w, "aria-label", T(r, "Pages"));
	html_raw(w, "><p>");
	html_fmt(w, T(r, "Page {} of {}"), cur, all);
	html_raw(w, "</p><ul>");
	struct buf h = BUF_INIT;
	if (page > 1) {
		buf_addf(&h, "%s%" PRId64, href_prefix, page - 1);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", h.data);
		html_raw(w, ">");
		html_text(w, T(r, "Previous page"));
		html_raw(w, "</a></li>");
	}
	if (page < pages) {
		buf_reset(&h);
		buf_addf(&h, "%s%" PRId64, href_prefix, page + 1);
		html_raw(w, "<li><a class=\"ds-link\"");
		html_attr(w, "href", h.data);
		html_raw(w, ">");
		html_text(w, T(r, "Next page"));
		html_raw(w, "</a></li>");
	}
	buf_release(&h);
	html_raw(w, "</ul></nav>\n");
}

void intake_page_error(struct req *r, int rc)
{
	if (rc == STORE_NOTFOUND)
		error_page(r, 404, N_("The page was not found."));
	else if (rc == STORE_CONFLICT)
		error_page(r, 409, N_("Somebody changed this meanwhile, or it has been done already. Go back and "
				      "reload the page."));
	else if (rc == STORE_FULL)
		error_page(r, 409, N_("The group is full."));
	else
		resp_store_error(r, rc);
}

static bool can_edit(const struct req *r)
{
	return (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
}

static void web_actor(struct req *r, struct actor *a)
{
	req_actor(r, a);
	a->org_id = r->org_id;
}

/* ---- list ---- */

void programmes_list_get(struct req *r)
{
	struct programme *ps = NULL;
	size_t n = 0;
	int rc = store_programme_list(r->site->ac->store, r->org_id, true, &ps, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Programmes"));
	if (can_edit(r)) {
		intake_link_button(&w, "/programmes/new", T(r, "New programme"));
		html_raw(&w, "<p><a class=\"ds-link\" href=\"/settings/referral-sources\">");
		html_text(&w, T(r, "Referral sources"));
		html_raw(&w, "</a></p>\n");
	}
	if (n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "No programmes yet."));
		html_raw(&w, "</p>\n");
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Programmes"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Template"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Phases"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			struct buf href = BUF_INIT;
			buf_addf(&href, "/programmes/%" PRId64, ps[i].id);
			html_raw(&w, "<tr><td><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, ps[i].name);
			html_raw(&w, "</a></td><td>");
			const struct programme_def *t = programme_template(ps[i].template_key);
			html_text(&w, t ? T(r, t->label) : "–");
			html_raw(&w, "</td><td>");
			for (int k = 0; k < ps[i].nphases; k++) {
				if (k)
					html_raw(&w, " → ");
				html_text(&w, T(r, ps[i].phases[k].label));
			}
			html_raw(&w, "</td><td>");
			html_text(&w, ps[i].active ? T(r, "Active") : T(r, "Inactive"));
			html_raw(&w, "</td></tr>\n");
			buf_release(&href);
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	free(ps);
	page_end(r, &w, 200);
}

/* ---- new ---- */

static void new_form(struct req *r, int status, const char *tmpl, const char *name, const struct form_errors *fe)
{
	struct html w;
	page_begin(r, &w, T(r, "New programme"));
	form_error_summary(&w, r, fe);
	html_raw(&w, "<p class=\"ds-paragraph\">");
	html_text(&w, T(r, "Start from a template; every number can be changed afterwards."));
	html_raw(&w, "</p>\n");
	form_begin(&w, r, "/programmes");
	struct option opts[8];
	size_t nopt = 0;
	for (int i = 0; i < programme_template_count() && nopt < 8; i++) {
		opts[nopt].value = programme_template_at(i)->key;
		opts[nopt].label = T(r, programme_template_at(i)->label);
		nopt++;
	}
	form_select(&w, r, fe, "template", T(r, "Template"), opts, nopt, tmpl);
	form_input(&w, r, fe,
		   &(struct input){ .name = "name", .label = T(r, "Name"), .type = "text", .value = name,
				    .autocomplete = "off", .required = true });
	form_button(&w, "primary", T(r, "Create programme"));
	form_end(&w);
	intake_back_link(&w, "/programmes", T(r, "Back to programmes"));
	page_end(r, &w, status);
}

void programmes_new_get(struct req *r)
{
	new_form(r, 200, "municipal_day_treatment", "", NULL);
}

void programmes_create_post(struct req *r)
{
	const char *tmpl, *name;
	if (!form_str_or_400(r, "template", 100, &tmpl) || !form_str_or_400(r, "name", 1000, &name))
		return;
	struct actor a;
	web_actor(r, &a);
	struct intake_errors ie = { 0 };
	struct programme p;
	int rc = intake_programme_create(r->site->ac, &a, tmpl, name, &p, &ie);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		intake_form_errors(&fe, &ie);
		new_form(r, 422, tmpl, name, &fe);
		return;
	}
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/programmes/%" PRId64 "?saved=1", p.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

/* ---- one programme ---- */

static const char *const num_labels[8] = {
	N_("Target days"),	   N_("Minimum days a week"), N_("Minimum hours a day"), N_("Maximum hours a day"),
	N_("Minimum months"),	   N_("Maximum months"),      N_("Sessions a week"),	  N_("Session length (minutes)"),
};

static int *phase_num(struct programme_phase *ph, int k)
{
	switch (k) {
	case 0: return &ph->target_days;
	case 1: return &ph->min_days_per_week;
	case 2: return &ph->min_hours_per_day;
	case 3: return &ph->max_hours_per_day;
	case 4: return &ph->min_months;
	case 5: return &ph->max_months;
	case 6: return &ph->sessions_per_week;
	default: return &ph->session_minutes;
	}
}

/* The form's raw values, kept when the form comes back with errors. */
struct programme_form {
	const char *name, *min_steps;
	bool active;
	const char *label[STORE_PHASES_MAX];
	const char *num[STORE_PHASES_MAX][8];
};

static void form_from_programme(struct req *r, const struct programme *p, struct programme_form *f)
{
	memset(f, 0, sizeof *f);
	f->name = pool_strdup(&r->pool, p->name);
	char b[24];
	snprintf(b, sizeof b, "%d", p->min_steps);
	f->min_steps = pool_strdup(&r->pool, b);
	f->active = p->active;
	for (int i = 0; i < p->nphases; i++) {
		f->label[i] = T(r, p->phases[i].label);
		for (int k = 0; k < 8; k++) {
			snprintf(b, sizeof b, "%d", *phase_num((struct programme_phase *)&p->phases[i], k));
			f->num[i][k] = pool_strdup(&r->pool, b);
		}
	}
}

static void groups_section(struct req *r, struct html *w, const struct programme *p)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(w, T(r, "Groups"));
	html_raw(w, "</h2>\n");
	struct group *gs = NULL;
	size_t n = 0;
	if (store_group_list(r->site->ac->store, r->org_id, p->id, true, &gs, &n) == STORE_OK && n) {
		html_raw(w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_fmt(w, T(r, "Groups of {}"), p->name);
		html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(w, T(r, "Name"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Phase"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Members"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Waiting"));
		html_raw(w, "</th><th scope=\"col\">");
		html_text(w, T(r, "Status"));
		html_raw(w, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			struct buf href = BUF_INIT;
			buf_addf(&href, "/groups/%" PRId64, gs[i].id);
			html_raw(w, "<tr><td><a class=\"ds-link\"");
			html_attr(w, "href", href.data);
			html_raw(w, ">");
			html_text(w, gs[i].name);
			html_raw(w, "</a></td><td>");
			const char *ph = "–";
			for (int k = 0; k < p->nphases; k++)
				if (strcmp(p->phases[k].key, gs[i].phase_key) == 0)
					ph = T(r, p->phases[k].label);
			html_text(w, ph);
			html_raw(w, "</td><td>");
			html_int(w, gs[i].members);
			if (gs[i].capacity) {
				html_raw(w, " / ");
				html_int(w, gs[i].capacity);
			}
			html_raw(w, "</td><td>");
			html_int(w, gs[i].waiting);
			html_raw(w, "</td><td>");
			html_text(w, gs[i].active ? T(r, "Active") : T(r, "Inactive"));
			html_raw(w, "</td></tr>\n");
			buf_release(&href);
		}
		html_raw(w, "</tbody>\n</table>\n");
	} else {
		html_raw(w, "<p class=\"ds-paragraph\">");
		html_text(w, T(r, "No groups yet."));
		html_raw(w, "</p>\n");
	}
	free(gs);
	if (can_edit(r)) {
		struct buf href = BUF_INIT;
		buf_addf(&href, "/programmes/%" PRId64 "/groups/new", p->id);
		html_raw(w, "<p><a class=\"ds-link\"");
		html_attr(w, "href", href.data);
		html_raw(w, ">");
		html_text(w, T(r, "New group"));
		html_raw(w, "</a></p>\n");
		buf_release(&href);
	}
}

static void closed_section(struct req *r, struct html *w, const struct programme *p, const char *day,
			   const char *label, const struct form_errors *cfe)
{
	html_raw(w, "<h2 class=\"ds-heading\" data-size=\"sm\" id=\"closed\">");
	html_text(w, T(r, "Closed dates"));
	html_raw(w, "</h2>\n<p class=\"ds-paragraph\">");
	html_text(w, T(r, "Public holidays and other days the programme is closed: they do not count against "
			  "anyone's attendance."));
	html_raw(w, "</p>\n");
	struct closed_date *ds = NULL;
	size_t n = 0;
	struct buf action = BUF_INIT;
	buf_addf(&action, "/programmes/%" PRId64 "/closed-dates/remove", p->id);
	if (store_closed_date_list(r->site->ac->store, r->org_id, p->id, DATE_NONE, DATE_NONE, &ds, &n) == STORE_OK &&
	    n) {
		html_raw(w, "<ul class=\"ds-list tolv-closed\">\n");
		for (size_t i = 0; i < n; i++) {
			char d[11];
			date_format(ds[i].day, d);
			html_raw(w, "<li>");
			html_text(w, d);
			if (ds[i].label[0]) {
				html_raw(w, " – ");
				html_text(w, ds[i].label);
			}
			if (can_edit(r)) {
				html_raw(w, " <form class=\"tolv-inline\" method=\"post\"");
				html_attr(w, "action", action.data);
				html_raw(w, "><input type=\"hidden\" name=\"csrf\"");
				html_attr(w, "value", req_csrf_token(r));
				html_raw(w, "><input type=\"hidden\" name=\"day\"");
				html_attr(w, "value", d);
				html_raw(w, "><button class=\"ds-button\" data-variant=\"tertiary\" data-size=\"sm\" "
					    "type=\"submit\"");
				struct buf al = BUF_INIT;
				buf_addf(&al, "%s %s", T(r, "Remove"), d);
				html_attr(w, "aria-label", al.data);
				buf_release(&al);
				html_raw(w, ">");
				html_text(w, T(r, "Remove"));
				html_raw(w, "</button></form>");
			}
			html_raw(w, "</li>\n");
		}
		html_raw(w, "</ul>\n");
	} else {
		html_raw(w, "<p class=\"ds-paragraph\">");
		html_text(w, T(r, "No closed dates."));
		html_raw(w, "</p>\n");
	}
	free(ds);
	if (can_edit(r)) {
		buf_reset(&action);
		buf_addf(&action, "/programmes/%" PRId64 "/closed-dates", p->id);
		html_raw(w, "<h3 class=\"ds-heading\" data-size=\"xs\">");
		html_text(w, T(r, "Add a closed date"));
		html_raw(w, "</h3>\n");
		form_begin(w, r, action.data);
		form_input(w, r, cfe,
			   &(struct input){ .name = "day", .label = T(r, "Date"), .type = "date", .value = day,
					    .description = T(r, "YYYY-MM-DD"), .required = true });
		form_input(w, r, cfe,
			   &(struct input){ .name = "label", .label = T(r, "What it is (optional)"), .type = "text",
					    .value = label });
		form_button(w, "secondary", T(r, "Add closed date"));
		form_end(w);
	}
	buf_release(&action);
}

static void programme_page(struct req *r, int status, const struct programme *p, const struct programme_form *f,
			   const struct form_errors *fe, const char *cday, const char *clabel,
			   const struct form_errors *cfe)
{
	struct html w;
	page_begin(r, &w, p->name);
	form_error_summary(&w, r, fe ? fe : cfe);
	if (!fe && !cfe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	const struct programme_def *t = programme_template(p->template_key);
	html_raw(&w, "<dl class=\"tolv-facts\"><dt>");
	html_text(&w, T(r, "Template"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, t ? T(r, t->label) : "–");
	html_raw(&w, "</dd><dt>");
	html_text(&w, T(r, "Status"));
	html_raw(&w, "</dt><dd>");
	html_text(&w, p->active ? T(r, "Active") : T(r, "Inactive"));
	html_raw(&w, "</dd></dl>\n");
	/* The programme's other pages: the report (issue 7, web/report.c), testing rules and
	 * zero tolerance (issue 6, web/sobriety.c), the measurement schedule (web/outcomes.c). */
	{
		static const struct {
			const char *suffix, *label;
			bool editors_only;
		} links[] = {
			{ "report", "Programme report", true },
			{ "tests", "Tests and zero tolerance", true },
			{ "outcomes", "Measurement schedule", false },
		};
		struct buf rl = BUF_INIT;
		html_raw(&w, "<ul class=\"ds-list tolv-links\">\n");
		for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
			if (links[i].editors_only && !can_edit(r))
				continue;
			buf_reset(&rl);
			buf_addf(&rl, "/programmes/%" PRId64 "/%s", p->id, links[i].suffix);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", rl.data);
			html_raw(&w, ">");
			html_text(&w, T(r, links[i].label));
			html_raw(&w, "</a></li>\n");
		}
		html_raw(&w, "</ul>\n");
		buf_release(&rl);
	}

	groups_section(r, &w, p);

	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "Phases and numbers"));
	html_raw(&w, "</h2>\n");
	if (can_edit(r)) {
		struct buf action = BUF_INIT;
		buf_addf(&action, "/programmes/%" PRId64, p->id);
		form_begin(&w, r, action.data);
		buf_release(&action);
		form_input(&w, r, fe,
			   &(struct input){ .name = "name", .label = T(r, "Name"), .type = "text", .value = f->name,
					    .autocomplete = "off", .required = true });
		form_input(&w, r, fe,
			   &(struct input){ .name = "min_steps", .label = T(r, "Minimum steps each person works"),
					    .type = "text", .value = f->min_steps, .description = T(r, "0–12") });
		html_raw(&w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" id=\"f-active\" "
			     "name=\"active\" value=\"yes\"");
		if (f->active)
			html_raw(&w, " checked");
		html_raw(&w, "><label class=\"ds-label\" for=\"f-active\">");
		html_text(&w, T(r, "Active (new people can be enrolled)"));
		html_raw(&w, "</label></div>\n");
		for (int i = 0; i < p->nphases; i++) {
			char legend[32];
			snprintf(legend, sizeof legend, "%d", i + 1);
			html_raw(&w, "<fieldset class=\"ds-fieldset tolv-phase\"><legend class=\"ds-label\">");
			html_fmt(&w, T(r, "Phase {}: {}"), legend, T(r, p->phases[i].label));
			html_raw(&w, "</legend>\n");
			/* Field names are the service's, so its messages land at the right field. */
			form_input(&w, r, fe,
				   &(struct input){ .name = intake_phase_field(i, 0), .label = T(r, "Name of the phase"),
						    .type = "text", .value = f->label[i], .required = true });
			for (int k = 0; k < 8; k++)
				form_input(&w, r, fe,
					   &(struct input){ .name = intake_phase_field(i, k + 1),
							    .label = T(r, num_labels[k]), .type = "text",
							    .value = f->num[i][k] });
			html_raw(&w, "</fieldset>\n");
		}
		form_button(&w, "primary", T(r, "Save changes"));
		form_end(&w);
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Phases and numbers"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Phase"));
		html_raw(&w, "</th>");
		for (int k = 0; k < 8; k++) {
			html_raw(&w, "<th scope=\"col\">");
			html_text(&w, T(r, num_labels[k]));
			html_raw(&w, "</th>");
		}
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (int i = 0; i < p->nphases; i++) {
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, T(r, p->phases[i].label));
			html_raw(&w, "</th>");
			for (int k = 0; k < 8; k++) {
				html_raw(&w, "<td>");
				html_int(&w, *phase_num((struct programme_phase *)&p->phases[i], k));
				html_raw(&w, "</td>");
			}
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	closed_section(r, &w, p, cday, clabel, cfe);
	intake_back_link(&w, "/programmes", T(r, "Back to programmes"));
	page_end(r, &w, status);
}

static bool load_programme(struct req *r, struct programme *p)
{
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, p);
	if (rc) {
		intake_page_error(r, rc);
		return false;
	}
	return true;
}

void programme_get(struct req *r)
{
	struct programme p;
	if (!load_programme(r, &p))
		return;
	struct programme_form f;
	form_from_programme(r, &p, &f);
	programme_page(r, 200, &p, &f, NULL, "", "", NULL);
}

void programme_post(struct req *r)
{
	struct programme p;
	if (!load_programme(r, &p))
		return;
	struct programme_form f;
	memset(&f, 0, sizeof f);
	struct form_errors fe = { 0 };
	if (!form_str_or_400(r, "name", 1000, &f.name) || !form_str_or_400(r, "min_steps", 100, &f.min_steps))
		return;
	f.active = form_get(r, "active") != NULL;
	struct programme np = p;
	copy_str(np.name, sizeof np.name, f.name);
	int64_t v;
	if (parse_int64(f.min_steps, -1000000, 1000000, &v) != 0)
		form_error(&fe, "min_steps", N_("Enter a whole number."));
	else
		np.min_steps = (int)v;
	np.active = f.active;
	for (int i = 0; i < p.nphases; i++) {
		if (!form_str_or_400(r, intake_phase_field(i, 0), 1000, &f.label[i]))
			return;
		/* The shown label is the translation of a template's msgid: unchanged, keep it. */
		if (strcmp(f.label[i], T(r, p.phases[i].label)) != 0)
			copy_str(np.phases[i].label, sizeof np.phases[i].label, f.label[i]);
		if (strlen(f.label[i]) >= sizeof np.phases[i].label)
			form_error(&fe, intake_phase_field(i, 0), N_("Each phase needs a name of at most 100 bytes."));
		for (int k = 0; k < 8; k++) {
			if (!form_str_or_400(r, intake_phase_field(i, k + 1), 100, &f.num[i][k]))
				return;
			if (parse_int64(f.num[i][k], -1000000, 1000000, &v) != 0)
				form_error(&fe, intake_phase_field(i, k + 1), N_("Enter a whole number."));
			else
				*phase_num(&np.phases[i], k) = (int)v;
		}
	}
	if (fe.n) {
		/* Also say what is wrong with the values that could be read. */
		struct intake_errors ie = { 0 };
		intake_programme_check(&np, &ie);
		for (int i = 0; i < ie.n; i++)
			if (!form_error_get(&fe, ie.e[i].field))
				form_error(&fe, ie.e[i].field, ie.e[i].message);
	} else {
		struct actor a;
		web_actor(r, &a);
		struct intake_errors ie = { 0 };
		int rc = intake_programme_update(r->site->ac, &a, &np, &ie);
		if (rc == ACC_INVALID) {
			intake_form_errors(&fe, &ie);
		} else if (rc) {
			intake_page_error(r, rc);
			return;
		}
	}
	if (fe.n) {
		programme_page(r, 422, &p, &f, &fe, "", "", NULL);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/programmes/%" PRId64 "?saved=1", p.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void closed_date_add_post(struct req *r)
{
	struct programme p;
	if (!load_programme(r, &p))
		return;
	const char *day, *label;
	if (!form_str_or_400(r, "day", 100, &day) || !form_str_or_400(r, "label", 1000, &label))
		return;
	struct actor a;
	web_actor(r, &a);
	struct intake_errors ie = { 0 };
	int rc = intake_closed_date_add(r->site->ac, &a, p.id, day, label, &ie);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		intake_form_errors(&fe, &ie);
		struct programme_form f;
		form_from_programme(r, &p, &f);
		programme_page(r, 422, &p, &f, NULL, day, label, &fe);
		return;
	}
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/programmes/%" PRId64 "?saved=1#closed", p.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void closed_date_remove_post(struct req *r)
{
	struct programme p;
	if (!load_programme(r, &p))
		return;
	const char *day;
	if (!form_str_or_400(r, "day", 100, &day))
		return;
	struct actor a;
	web_actor(r, &a);
	struct intake_errors ie = { 0 };
	int rc = intake_closed_date_remove(r->site->ac, &a, p.id, day, &ie);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		intake_form_errors(&fe, &ie);
		struct programme_form f;
		form_from_programme(r, &p, &f);
		programme_page(r, 422, &p, &f, NULL, day, "", &fe);
		return;
	}
	if (rc) {
		intake_page_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/programmes/%" PRId64 "?saved=1#closed", p.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}
