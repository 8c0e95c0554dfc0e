/* outcomes.c: the staff's pages of outcome measures (issue 6) — /persons/{id}/outcomes (the
 * person's results per questionnaire: a chart with the zones, its table, the results with
 * "entered in error", and one-time links), /persons/{id}/outcomes/new?q= (the form of one
 * questionnaire; days abstinent on a 30-day calendar), /outcomes/{id}/error,
 * /outcomes/due (measurements due or overdue), /programmes/{id}/outcomes (the schedule),
 * and the small blocks of the person page and the start page. The questionnaire form is
 * shared with the public one-time-link form (selfform.c). */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/orgquestionnaire.h"
#include "domain/outcomes.h"
#include "domain/persons.h"
#include "domain/questionnaire.h"
#include "domain/roles.h"
#include "html/form.h"
#include "html/layout.h"
#include "html/scorechart.h"

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

static void link_to(struct html *w, const char *href, const char *label)
{
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href);
	html_raw(w, ">");
	html_text(w, label);
	html_raw(w, "</a></p>\n");
}

static void date_text(struct html *w, int32_t day)
{
	char d[11];
	date_format(day, d);
	html_text(w, d);
}

/* The organisation's definition of id (its own, else the built-in); NULL if unknown. */
static const struct questionnaire *qdef(struct req *r, const char *id)
{
	return questionnaire_for_org(r->site->ac->store, r->org_id, id);
}

static const char *qtitle(struct req *r, const char *id)
{
	const struct questionnaire *def = qdef(r, id);
	return def ? q_text_get(&def->title, r->lang) : id;
}

static const char *zone_label(struct req *r, const struct questionnaire *def, const char *key)
{
	for (size_t i = 0; def && key && key[0] && i < def->nzones; i++)
		if (!strcmp(def->zones[i].key, key))
			return q_text_get(&def->zones[i].label, r->lang);
	return NULL;
}

/* ====================================================== the questionnaire form (shared) */

/* The form field of item i: "a0", "a1"… (persistent strings, as form_errors keeps the
 * pointer). Definitions with more items than this cannot be entered on a form. */
#define FORM_ITEMS 32
static const char *const item_names[FORM_ITEMS] = {
	"a0",  "a1",  "a2",  "a3",  "a4",  "a5",  "a6",  "a7",  "a8",  "a9",  "a10",
	"a11", "a12", "a13", "a14", "a15", "a16", "a17", "a18", "a19", "a20", "a21",
	"a22", "a23", "a24", "a25", "a26", "a27", "a28", "a29", "a30", "a31",
};

static void item_field(char *out, size_t size, size_t i)
{
	snprintf(out, size, "%s", i < FORM_ITEMS ? item_names[i] : "a");
}

static void validation(struct html *w, struct req *r, const char *id, const char *err)
{
	if (!err)
		return;
	html_raw(w, "<p class=\"ds-validation-message\" data-field=\"validation\"");
	html_attr(w, "id", id);
	html_raw(w, ">");
	html_text(w, T(r, err));
	html_raw(w, "</p>\n");
}

/* One item as a radio group in a fieldset with the item's label as legend. */
static void radio_item(struct html *w, struct req *r, const struct questionnaire *def, size_t i,
		       const struct outcome_form *kept, const struct form_errors *fe)
{
	const struct q_item *it = &def->items[i];
	char name[16], err_id[32];
	item_field(name, sizeof name, i);
	snprintf(err_id, sizeof err_id, "f-%s-error", name);
	const char *err = form_error_get(fe, name);
	html_raw(w, "<fieldset class=\"ds-fieldset tolv-item\"");
	if (err)
		html_attr(w, "aria-describedby", err_id);
	html_raw(w, "><legend class=\"ds-label\">");
	if (def->nitems > 1) {
		html_text(w, it->key);
		html_raw(w, ". ");
	}
	html_text(w, q_text_get(&it->label, r->lang));
	html_raw(w, "</legend>\n");
	validation(w, r, err_id, err);
	for (size_t k = 0; k < it->noptions; k++) {
		char id[40];
		if (k == 0)
			snprintf(id, sizeof id, "f-%s", name);
		else
			snprintf(id, sizeof id, "f-%s-%zu", name, k);
		html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"radio\"");
		html_attr(w, "id", id);
		html_attr(w, "name", name);
		html_attr_int(w, "value", it->options[k].score);
		if (kept && kept->given[i] && kept->answers[i] == it->options[k].score)
			html_raw(w, " checked");
		if (err)
			html_raw(w, " aria-invalid=\"true\"");
		html_raw(w, "><label class=\"ds-label\"");
		html_attr(w, "for", id);
		html_raw(w, ">");
		html_text(w, q_text_get(&it->options[k].label, r->lang));
		html_raw(w, "</label></div>\n");
	}
	html_raw(w, "</fieldset>\n");
}

/* The 30 days ending on taken_on, as weeks (Monday first), one checkbox a day. */
static void calendar(struct html *w, struct req *r, const struct questionnaire *def, int32_t taken_on,
		     const struct outcome_form *kept, const struct form_errors *fe)
{
	static const char *const wd[7] = { N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"),
					   N_("Sun") };
	int32_t first = taken_on - (STORE_OUTCOME_DAYS - 1);
	const char *err = form_error_get(fe, "days");
	html_raw(w, "<fieldset class=\"ds-fieldset tolv-calendar\"");
	if (err)
		html_raw(w, " aria-describedby=\"f-days-error\"");
	html_raw(w, "><legend class=\"ds-label\">");
	html_text(w, q_text_get(&def->items[0].label, r->lang));
	html_raw(w, "</legend>\n<p class=\"ds-paragraph\" id=\"f-days-help\">");
	char a[11], b[11];
	date_format(first, a);
	date_format(taken_on, b);
	html_fmt(w, T(r, "Tick each day from {} to {} without alcohol or drugs. The number of ticked days is stored, "
			 "and the days too."),
		 a, b);
	html_raw(w, "</p>\n");
	validation(w, r, "f-days-error", err);
	html_raw(w, "<table class=\"ds-table tolv-calendar-table\">\n<caption>");
	html_text(w, T(r, "The last 30 days, week by week"));
	html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(w, T(r, "Week"));
	html_raw(w, "</th>");
	for (int k = 0; k < 7; k++) {
		html_raw(w, "<th scope=\"col\">");
		html_text(w, T(r, wd[k]));
		html_raw(w, "</th>");
	}
	html_raw(w, "</tr></thead>\n<tbody>\n");
	for (int32_t monday = date_week_monday(first); monday <= taken_on; monday += 7) {
		int week;
		date_iso_week(monday, NULL, &week);
		html_raw(w, "<tr><th scope=\"row\">");
		html_int(w, week);
		html_raw(w, "</th>");
		for (int k = 0; k < 7; k++) {
			int32_t day = monday + k;
			html_raw(w, "<td>");
			if (day >= first && day <= taken_on) {
				int idx = (int)(day - first);
				char id[24], name[16];
				snprintf(name, sizeof name, "d%d", idx);
				snprintf(id, sizeof id, "f-d%d", idx);
				html_raw(w, "<input class=\"ds-input\" type=\"checkbox\" value=\"1\"");
				html_attr(w, "id", id);
				html_attr(w, "name", name);
				if (kept && kept->days[0] && kept->days[idx] == '1')
					html_raw(w, " checked");
				html_raw(w, "><label class=\"ds-label\"");
				html_attr(w, "for", id);
				html_raw(w, ">");
				int dm, dd;
				date_to_ymd(day, NULL, &dm, &dd);
				char short_day[16];
				snprintf(short_day, sizeof short_day, "%d.%d.", dd, dm); /* "31.10." */
				html_text(w, short_day);
				html_raw(w, "</label>");
			}
			html_raw(w, "</td>");
		}
		html_raw(w, "</tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n</fieldset>\n");
}

void outcomes_form_fields(struct req *r, struct html *w, const struct questionnaire *def, int32_t taken_on,
			  enum q_sex sex, const struct outcome_form *kept, const struct form_errors *fe)
{
	if (def->needs_sex) {
		const char *err = form_error_get(fe, "sex");
		enum q_sex s = kept && kept->sex ? q_sex_parse(kept->sex) : sex;
		html_raw(w, "<fieldset class=\"ds-fieldset tolv-item\"");
		if (err)
			html_raw(w, " aria-describedby=\"f-sex-error\"");
		html_raw(w, "><legend class=\"ds-label\">");
		html_text(w, T(r, "Sex (the limits of this questionnaire differ for women and men)"));
		html_raw(w, "</legend>\n");
		validation(w, r, "f-sex-error", err);
		html_raw(w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"radio\" id=\"f-sex\" name=\"sex\" "
			    "value=\"female\"");
		if (s == Q_SEX_FEMALE)
			html_raw(w, " checked");
		html_raw(w, "><label class=\"ds-label\" for=\"f-sex\">");
		html_text(w, T(r, "Woman"));
		html_raw(w, "</label></div>\n<div class=\"ds-field\"><input class=\"ds-input\" type=\"radio\" "
			    "id=\"f-sex-m\" name=\"sex\" value=\"male\"");
		if (s == Q_SEX_MALE)
			html_raw(w, " checked");
		html_raw(w, "><label class=\"ds-label\" for=\"f-sex-m\">");
		html_text(w, T(r, "Man"));
		html_raw(w, "</label></div>\n</fieldset>\n");
	}
	if (!strcmp(def->id, "days-abstinent")) {
		calendar(w, r, def, taken_on, kept, fe);
		return;
	}
	for (size_t i = 0; i < def->nitems; i++)
		radio_item(w, r, def, i, kept, fe);
}

bool outcomes_form_parse(struct req *r, const struct questionnaire *def, struct outcome_form *f,
			 struct form_errors *fe)
{
	memset(f, 0, sizeof *f);
	if (!form_str_or_400(r, "sex", 20, &f->sex))
		return false;
	if (!strcmp(def->id, "days-abstinent")) {
		for (int i = 0; i < STORE_OUTCOME_DAYS; i++) {
			char name[8];
			snprintf(name, sizeof name, "d%d", i);
			const char *v = form_get(r, name);
			if (v && strcmp(v, "1")) {
				resp_error(r, 400, "bad_request", N_("The form contained a value that is not allowed."),
					   NULL);
				return false;
			}
			f->days[i] = v ? '1' : '0';
		}
		f->days[STORE_OUTCOME_DAYS] = '\0';
		return true;
	}
	for (size_t i = 0; i < def->nitems && i < FORM_ITEMS; i++) {
		const char *name = item_names[i];
		const char *v;
		if (!form_str_or_400(r, name, 20, &v))
			return false;
		if (!v[0]) {
			form_error(fe, name, N_("Choose an answer."));
			continue;
		}
		if (parse_int64(v, 0, Q_SCORE_MAX, &f->answers[i])) {
			form_error(fe, name, N_("Choose one of the answers given."));
			continue;
		}
		f->given[i] = true;
	}
	f->nanswers = def->nitems;
	return true;
}

void outcomes_form_errors(struct req *r, const struct questionnaire *def, int rc, const struct field_error *fer,
			  const struct q_error *qe, struct form_errors *fe)
{
	(void)r;
	if (rc == OUTCOME_QINVALID) {
		if (qe->kind == Q_ERR_SEX) {
			form_error(fe, "sex", N_("Choose woman or man: the limits of this questionnaire differ."));
		} else if (qe->kind == Q_ERR_VALUE && qe->index < FORM_ITEMS) {
			form_error(fe, item_names[qe->index], N_("Choose one of the answers given."));
		} else {
			form_error(fe, NULL, N_("Answer every question."));
		}
	} else if (fer && fer->message) {
		form_error(fe, fer->field, fer->message);
	}
}

/* ====================================================== /persons/{id}/outcomes */

static bool load_person(struct req *r, int64_t id, struct person *p)
{
	int rc = store_person_get(r->site->ac->store, r->org_id, id, p);
	if (rc) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

static void person_name(const struct person *p, struct buf *b)
{
	buf_adds(b, p->given_name);
	if (p->given_name[0] && p->family_name[0])
		buf_addch(b, ' ');
	buf_adds(b, p->family_name);
}

/* One questionnaire's chart, its table and the list of its results. */
static void questionnaire_section(struct req *r, struct html *w, const struct questionnaire *def,
				  const struct outcome_result *rs, size_t n)
{
	size_t count = 0, valid = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rs[i].questionnaire, def->id)) {
			count++;
			valid += rs[i].error_at == 0;
		}
	if (!count)
		return;
	html_raw(w, "<section class=\"tolv-outcome\"");
	struct buf id = BUF_INIT;
	buf_addf(&id, "q-%s", def->id);
	html_attr(w, "id", id.data);
	html_raw(w, ">\n");
	h2(w, q_text_get(&def->title, r->lang));

	/* The chart: results not entered in error; zones for the sex of the latest result. */
	struct scorechart_point *pts = xcalloc(valid ? valid : 1, sizeof *pts);
	size_t k = 0;
	enum q_sex sex = Q_SEX_FEMALE;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rs[i].questionnaire, def->id) || rs[i].error_at)
			continue;
		pts[k].day = rs[i].taken_on;
		pts[k].total = rs[i].total;
		pts[k].zone_label = zone_label(r, def, rs[i].zone);
		k++;
		if (rs[i].sex[0])
			sex = q_sex_parse(rs[i].sex);
	}
	struct scorechart_zone zones[Q_ZONES_MAX];
	for (size_t i = 0; i < def->nzones && i < Q_ZONES_MAX; i++) {
		zones[i].min = q_threshold_for(&def->zones[i].min, sex);
		zones[i].max = q_threshold_for(&def->zones[i].max, sex);
		zones[i].label = q_text_get(&def->zones[i].label, r->lang);
	}
	struct buf cid = BUF_INIT, cap = BUF_INIT;
	buf_addf(&cid, "chart-%s", def->id);
	struct scorechart c = { .id = cid.data, .title = q_text_get(&def->title, r->lang), .min = def->total_min,
				.max = def->total_max, .zones = zones, .nzones = def->nzones, .points = pts,
				.npoints = k, .lang = r->lang };
	html_raw(w, "<div class=\"tolv-chart-pair\">\n");
	scorechart_svg(w, &c);
	if (k) {
		buf_addf(&cap, "%s: %s", q_text_get(&def->title, r->lang), T(r, "totals over time"));
		scorechart_table(w, &c, cap.data);
	}
	html_raw(w, "</div>\n");
	buf_release(&cid);
	buf_release(&cap);
	free(pts);

	/* Every result, with who entered it; a wrong one can be marked. */
	html_raw(w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(w, T(r, "Results"));
	html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(w, T(r, "Date"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Total score"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Zone"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Positive screen"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Entered by"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Status"));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct outcome_result *x = &rs[i];
		if (strcmp(x->questionnaire, def->id))
			continue;
		html_raw(w, "<tr><th scope=\"row\">");
		date_text(w, x->taken_on);
		html_raw(w, "</th><td>");
		html_int(w, x->total);
		html_raw(w, "</td><td>");
		const char *zl = zone_label(r, def, x->zone);
		html_text(w, zl ? zl : "–");
		html_raw(w, "</td><td>");
		html_text(w, x->positive < 0 ? "–" : x->positive ? T(r, "Yes") : T(r, "No"));
		html_raw(w, "</td><td>");
		if (x->self)
			html_text(w, T(r, "The person, through a link"));
		else
			user_display_name(r, x->entered_by, w);
		html_raw(w, "</td><td>");
		if (x->error_at) {
			html_text(w, T(r, "Entered in error"));
			html_raw(w, ": ");
			html_text(w, x->error_reason);
		} else {
			html_text(w, T(r, "Valid"));
			html_raw(w, "<details class=\"tolv-details\"><summary>");
			html_text(w, T(r, "Mark as entered in error"));
			html_raw(w, "</summary>\n");
			struct buf action = BUF_INIT, fid = BUF_INIT;
			buf_addf(&action, "/outcomes/%" PRId64 "/error", x->id);
			buf_addf(&fid, "f-reason-%" PRId64, x->id);
			form_begin(w, r, action.data);
			html_raw(w, "<div class=\"ds-field\"><label class=\"ds-label\"");
			html_attr(w, "for", fid.data);
			html_raw(w, ">");
			html_text(w, T(r, "Why is it wrong?"));
			html_raw(w, "</label><input class=\"ds-input\" type=\"text\" name=\"reason\" maxlength=\"1000\"");
			html_attr(w, "id", fid.data);
			html_raw(w, "></div>\n");
			form_button(w, "secondary", T(r, "Mark as entered in error"));
			form_end(w);
			html_raw(w, "</details>");
			buf_release(&action);
			buf_release(&fid);
		}
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n</section>\n");
	buf_release(&id);
}

static void links_section(struct req *r, struct html *w, int64_t person_id, const struct form_errors *fe)
{
	h2(w, T(r, "Fill in at home or on a tablet"));
	para(w, T(r, "A one-time link opens one questionnaire and nothing else: not the person's name, not other "
		      "data. It works once and expires. The link is shown only once, right after it is made."));
	struct buf href = BUF_INIT;
	buf_addf(&href, "/persons/%" PRId64 "/outcomes/links", person_id);
	form_begin(w, r, href.data);
	struct option qs[Q_ITEMS_MAX];
	size_t nq = questionnaire_builtin_count();
	for (size_t i = 0; i < nq && i < 8; i++) {
		const struct questionnaire *def = qdef(r, questionnaire_builtin_at(i)->id);
		qs[i].value = def->id;
		qs[i].label = q_text_get(&def->title, r->lang);
	}
	form_select(w, r, fe, "questionnaire", T(r, "Questionnaire"), qs, nq < 8 ? nq : 8,
		    form_get(r, "questionnaire") ? form_get(r, "questionnaire") : "audit");
	form_input(w, r, fe,
		   &(struct input){ .name = "hours", .label = T(r, "Valid for (hours)"), .type = "text",
				    .value = form_get(r, "hours") ? form_get(r, "hours") : "72",
				    .description = T(r, "From 1 hour to 336 hours (14 days).") });
	form_button(w, "secondary", T(r, "Make a one-time link"));
	form_end(w);
	buf_release(&href);

	struct outcome_link *ls = NULL;
	size_t n = 0;
	if (store_outcome_link_list(r->site->ac->store, r->org_id, person_id, &ls, &n) || n == 0) {
		free(ls);
		return;
	}
	int64_t now = now_seconds();
	html_raw(w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(w, T(r, "One-time links"));
	html_raw(w, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(w, T(r, "Questionnaire"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Made"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Expires"));
	html_raw(w, "</th><th scope=\"col\">");
	html_text(w, T(r, "Status"));
	html_raw(w, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char made[20], exp[20];
		format_time(ls[i].created_at, made, sizeof made);
		format_time(ls[i].expires_at, exp, sizeof exp);
		html_raw(w, "<tr><td>");
		html_text(w, qtitle(r, ls[i].questionnaire));
		html_raw(w, "</td><td>");
		html_text(w, made);
		html_raw(w, " UTC</td><td>");
		html_text(w, exp);
		html_raw(w, " UTC</td><td>");
		html_text(w, ls[i].used_at ? T(r, "Used") : ls[i].expires_at <= now ? T(r, "Expired") : T(r, "Not used yet"));
		html_raw(w, "</td></tr>\n");
	}
	html_raw(w, "</tbody>\n</table>\n");
	free(ls);
}

static void person_page(struct req *r, int status, const struct person *p, const struct form_errors *fe)
{
	struct actor a;
	req_actor(r, &a);
	struct outcome_result *rs = NULL;
	size_t n = 0;
	int rc = outcomes_list(r->site->ac, &a, r->org_id, p->id, "page", &rs, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf title = BUF_INIT, name = BUF_INIT, href = BUF_INIT;
	person_name(p, &name);
	buf_addf(&title, "%s: %s", T(r, "Outcome measures"), name.data);
	struct html w;
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The result was saved."));
	if (!fe && query_get(r, "marked"))
		page_alert(&w, "success", T(r, "The result was marked as entered in error. It is kept, but no longer "
					      "drawn."));

	h2(&w, T(r, "Record a result"));
	html_raw(&w, "<ul class=\"ds-list tolv-links\">\n");
	for (size_t i = 0; i < questionnaire_builtin_count(); i++) {
		const struct questionnaire *def = qdef(r, questionnaire_builtin_at(i)->id);
		buf_reset(&href);
		buf_addf(&href, "/persons/%" PRId64 "/outcomes/new?q=%s", p->id, def->id);
		html_raw(&w, "<li><a class=\"ds-link\"");
		html_attr(&w, "href", href.data);
		html_raw(&w, ">");
		html_text(&w, q_text_get(&def->title, r->lang));
		html_raw(&w, "</a></li>\n");
	}
	html_raw(&w, "</ul>\n");

	if (n == 0)
		para(&w, T(r, "No results yet."));
	for (size_t i = 0; i < questionnaire_builtin_count(); i++)
		questionnaire_section(r, &w, qdef(r, questionnaire_builtin_at(i)->id), rs, n);
	free(rs);

	links_section(r, &w, p->id, fe);
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64, p->id);
	link_to(&w, href.data, T(r, "Back to the person"));
	buf_release(&href);
	buf_release(&name);
	buf_release(&title);
	page_end(r, &w, status);
}

void outcomes_person_get(struct req *r)
{
	struct person p;
	if (load_person(r, r->id, &p))
		person_page(r, 200, &p, NULL);
}

/* ---- /persons/{id}/outcomes/new?q= ---- */

static void new_page(struct req *r, int status, const struct person *p, const struct questionnaire *def,
		     int32_t taken_on, const struct outcome_form *kept, const struct form_errors *fe)
{
	struct buf title = BUF_INIT, name = BUF_INIT, href = BUF_INIT;
	person_name(p, &name);
	buf_addf(&title, "%s: %s", q_text_get(&def->title, r->lang), name.data);
	struct html w;
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	char day[11];
	date_format(taken_on, day);
	bool calendar_form = !strcmp(def->id, "days-abstinent");
	if (calendar_form) {
		/* The calendar ends on the date taken: choose it first (a plain GET form). */
		buf_addf(&href, "/persons/%" PRId64 "/outcomes/new", p->id);
		html_raw(&w, "<form class=\"tolv-filter\" method=\"get\"");
		html_attr(&w, "action", href.data);
		html_raw(&w, ">\n<input type=\"hidden\" name=\"q\"");
		html_attr(&w, "value", def->id);
		html_raw(&w, ">\n");
		form_input(&w, r, NULL,
			   &(struct input){ .name = "date", .label = T(r, "Date taken"), .type = "date", .value = day,
					    .description = T(r, "YYYY-MM-DD") });
		form_button(&w, "secondary", T(r, "Show the 30 days before it"));
		html_raw(&w, "</form>\n");
	}
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64 "/outcomes", p->id);
	form_begin(&w, r, href.data);
	html_raw(&w, "<input type=\"hidden\" name=\"questionnaire\"");
	html_attr(&w, "value", def->id);
	html_raw(&w, ">\n");
	const char *enr = query_get(r, "enrolment") ? query_get(r, "enrolment") : form_get(r, "enrolment_id");
	const char *pt = query_get(r, "point") ? query_get(r, "point") : form_get(r, "point_id");
	if (enr && enr[0]) {
		html_raw(&w, "<input type=\"hidden\" name=\"enrolment_id\"");
		html_attr(&w, "value", enr);
		html_raw(&w, ">\n");
	}
	if (pt && pt[0]) {
		html_raw(&w, "<input type=\"hidden\" name=\"point_id\"");
		html_attr(&w, "value", pt);
		html_raw(&w, ">\n");
	}
	if (calendar_form) {
		html_raw(&w, "<input type=\"hidden\" name=\"taken_on\"");
		html_attr(&w, "value", day);
		html_raw(&w, ">\n");
	} else {
		form_input(&w, r, fe,
			   &(struct input){ .name = "taken_on", .label = T(r, "Date taken"), .type = "date",
					    .value = form_get(r, "taken_on") ? form_get(r, "taken_on") : day,
					    .description = T(r, "YYYY-MM-DD"), .required = true });
	}
	outcomes_form_fields(r, &w, def, taken_on, outcomes_sex_from_nid(p->national_id_kind, p->national_id), kept,
			     fe);
	form_button(&w, "primary", T(r, "Save the result"));
	form_end(&w);
	para(&w, def->source);
	buf_reset(&href);
	buf_addf(&href, "/persons/%" PRId64 "/outcomes", p->id);
	link_to(&w, href.data, T(r, "Back to outcome measures"));
	buf_release(&href);
	buf_release(&name);
	buf_release(&title);
	page_end(r, &w, status);
}

void outcomes_new_get(struct req *r)
{
	struct person p;
	struct actor a;
	req_actor(r, &a);
	/* The form shows the name and may prefill sex from the identity number: a read. */
	int rc = persons_read(r->site->ac, &a, r->org_id, r->id, "outcomes form", &p);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	const struct questionnaire *def = qdef(r, query_get(r, "q") ? query_get(r, "q") : "audit");
	if (!def) {
		error_page(r, 404, N_("The page was not found."));
		return;
	}
	int32_t today = date_today_cet(), day = today;
	const char *d = query_get(r, "date");
	if (d && d[0] && (date_parse(d, &day) || day > today || day < date_from_ymd(1990, 1, 1))) {
		error_page(r, 400, N_("Give the date as YYYY-MM-DD, not in the future."));
		return;
	}
	new_page(r, 200, &p, def, day, NULL, NULL);
}

/* An id in a form field: "" is 0; anything else must be a positive number. */
static bool form_id_or_400(struct req *r, const char *name, int64_t *out)
{
	const char *v;
	*out = 0;
	if (!form_str_or_400(r, name, 20, &v))
		return false;
	if (v[0] && parse_int64(v, 1, INT64_MAX, out)) {
		resp_error(r, 400, "bad_request", N_("The form contained a value that is not allowed."), name);
		return false;
	}
	return true;
}

void outcomes_create_post(struct req *r)
{
	struct person p;
	if (!load_person(r, r->id, &p))
		return;
	const char *qid, *taken;
	if (!form_str_or_400(r, "questionnaire", 40, &qid) || !form_str_or_400(r, "taken_on", 40, &taken))
		return;
	const struct questionnaire *def = qdef(r, qid);
	if (!def) {
		struct form_errors fe = { 0 };
		form_error(&fe, "questionnaire", N_("Choose a questionnaire from the list."));
		person_page(r, 422, &p, &fe);
		return;
	}
	struct outcome_in in = { .questionnaire = qid, .taken_on = taken };
	if (!form_id_or_400(r, "enrolment_id", &in.enrolment_id) || !form_id_or_400(r, "point_id", &in.point_id))
		return;
	struct outcome_form f;
	struct form_errors fe = { 0 };
	if (!outcomes_form_parse(r, def, &f, &fe))
		return;
	int32_t today = date_today_cet(), day = today;
	if (date_parse(taken, &day))
		day = today;
	if (fe.n) {
		new_page(r, 422, &p, def, day, &f, &fe);
		return;
	}
	in.sex = f.sex;
	in.answers = f.answers;
	in.nanswers = f.days[0] ? 0 : f.nanswers;
	in.days = f.days;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	struct q_error qe = { 0 };
	int rc = outcomes_record(r->site->ac, &a, r->org_id, p.id, &in, today, NULL, &fer, &qe);
	if (rc == ACC_INVALID || rc == OUTCOME_QINVALID) {
		outcomes_form_errors(r, def, rc, &fer, &qe, &fe);
		new_page(r, 422, &p, def, day, &f, &fe);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/persons/%" PRId64 "/outcomes?saved=1#q-%s", p.id, def->id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void outcomes_link_post(struct req *r)
{
	struct person p;
	if (!load_person(r, r->id, &p))
		return;
	const char *qid, *hours;
	if (!form_str_or_400(r, "questionnaire", 40, &qid) || !form_str_or_400(r, "hours", 20, &hours))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	char token[OUTCOME_TOKEN_MAX];
	struct outcome_link l;
	int rc = outcomes_link_create(r->site->ac, &a, r->org_id, p.id, qid, hours, token, &l, &fer);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		person_page(r, 422, &p, &fe);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	/* Shown once: this answer is not cached and not redirected to. */
	resp_header(r, "Cache-Control", "no-store");
	struct buf title = BUF_INIT, url = BUF_INIT, href = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "One-time link"), qtitle(r, l.questionnaire));
	struct html w;
	page_begin(r, &w, title.data);
	para(&w, T(r, "Give this link to the person now: it is shown only this once. It opens the questionnaire on "
		      "this server (add the server's address in front of it), works once, and shows nothing else."));
	char exp[20];
	format_time(l.expires_at, exp, sizeof exp);
	buf_addf(&url, "/q?t=%s", token);
	html_raw(&w, "<div class=\"ds-field\"><label class=\"ds-label\" for=\"f-link\">");
	html_text(&w, T(r, "The link"));
	html_raw(&w, "</label><input class=\"ds-input\" type=\"text\" id=\"f-link\" readonly");
	html_attr(&w, "value", url.data);
	html_raw(&w, "></div>\n<p class=\"ds-paragraph\">");
	html_fmt(&w, T(r, "It expires {} UTC."), exp);
	html_raw(&w, "</p>\n");
	buf_addf(&href, "/persons/%" PRId64 "/outcomes", p.id);
	link_to(&w, href.data, T(r, "Back to outcome measures"));
	secure_wipe(token, sizeof token);
	buf_release(&title);
	buf_release(&href);
	page_end(r, &w, 200);
	/* The URL is in the page now; wipe our copy. */
	secure_wipe(url.data, url.len);
	buf_release(&url);
}

void outcome_error_post(struct req *r)
{
	const char *reason;
	if (!form_str_or_400(r, "reason", 2000, &reason))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int64_t person_id = 0;
	int rc = outcomes_mark_error(r->site->ac, &a, r->org_id, r->id, reason, &person_id, &fer);
	if (rc == ACC_INVALID) {
		struct outcome_result x;
		struct person p;
		if (store_outcome_get(r->site->ac->store, r->org_id, r->id, &x) || !load_person(r, x.person_id, &p)) {
			if (!r->status)
				resp_status(r, 404);
			return;
		}
		struct form_errors fe = { 0 };
		form_error(&fe, NULL, fer.message);
		person_page(r, 422, &p, &fe);
		return;
	}
	if (rc == STORE_CONFLICT) {
		error_page(r, 409, N_("The result is marked as entered in error already."));
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/persons/%" PRId64 "/outcomes?marked=1", person_id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

/* ====================================================== the due list */

static const char *state_label(enum outcome_due_state s)
{
	switch (s) {
	case OUTCOME_DUE:
		return N_("Due now");
	case OUTCOME_OVERDUE:
		return N_("Overdue");
	case OUTCOME_DONE:
		return N_("Done");
	default:
		return N_("Upcoming");
	}
}

/* Therapists see their caseload; coordinators and administrators everybody. */
static int64_t due_therapist(struct req *r)
{
	return (r->role & (ROLE_COORDINATOR | ROLE_ADMIN)) ? 0 : r->user.id;
}

void outcomes_due_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct outcome_due_row *rows = NULL;
	size_t n = 0;
	int rc = outcomes_due_list(r->site->ac, &a, r->org_id, due_therapist(r), date_today_cet(), true, &rows, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Outcome measures due"));
	para(&w, due_therapist(r) ? T(r, "Measurements of your caseload that are due or overdue under the schedule "
					"of each programme, and have no result yet.")
				  : T(r, "Measurements that are due or overdue under the schedule of each programme, "
					 "and have no result yet."));
	if (!n) {
		para(&w, T(r, "Nothing is due."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Due and overdue"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Person"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Programme"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "When"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Questionnaire"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Due"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Window"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Status"));
		html_raw(&w, "</th></tr></thead>\n<tbody>\n");
		struct buf href = BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			const struct outcome_due_row *x = &rows[i];
			buf_reset(&href);
			buf_addf(&href, "/persons/%" PRId64 "/outcomes/new?q=%s&enrolment=%" PRId64 "&point=%" PRId64,
				 x->d.person_id, x->d.questionnaire, x->d.enrolment_id, x->point_id);
			html_raw(&w, "<tr><th scope=\"row\"><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			person_name_text(r, &w, x->given_name, x->family_name);
			html_raw(&w, "</a></th><td>");
			html_text(&w, x->programme_name);
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, x->point_label));
			html_raw(&w, "</td><td>");
			html_text(&w, qtitle(r, x->d.questionnaire));
			html_raw(&w, "</td><td>");
			date_text(&w, x->d.due_on);
			html_raw(&w, "</td><td>");
			date_text(&w, x->d.from);
			html_raw(&w, " – ");
			date_text(&w, x->d.to);
			html_raw(&w, "</td><td>");
			html_text(&w, T(r, state_label(x->d.state)));
			html_raw(&w, "</td></tr>\n");
		}
		buf_release(&href);
		html_raw(&w, "</tbody>\n</table>\n");
	}
	free(rows);
	/* Where the points come from: each programme's schedule. */
	struct programme *progs = NULL;
	size_t np = 0;
	if (!store_programme_list(r->site->ac->store, r->org_id, false, &progs, &np) && np) {
		h2(&w, T(r, "Measurement schedules"));
		html_raw(&w, "<ul class=\"ds-list tolv-links\">\n");
		struct buf href = BUF_INIT;
		for (size_t i = 0; i < np; i++) {
			buf_reset(&href);
			buf_addf(&href, "/programmes/%" PRId64 "/outcomes", progs[i].id);
			html_raw(&w, "<li><a class=\"ds-link\"");
			html_attr(&w, "href", href.data);
			html_raw(&w, ">");
			html_text(&w, progs[i].name);
			html_raw(&w, "</a></li>\n");
		}
		html_raw(&w, "</ul>\n");
		buf_release(&href);
	}
	free(progs);
	page_end(r, &w, 200);
}

void outcomes_due_block(struct req *r, struct html *w)
{
	struct actor a;
	req_actor(r, &a);
	struct outcome_due_row *rows = NULL;
	size_t n = 0;
	if (outcomes_due_list(r->site->ac, &a, r->org_id, due_therapist(r), date_today_cet(), false, &rows, &n))
		return;
	size_t overdue = 0;
	for (size_t i = 0; i < n; i++)
		overdue += rows[i].d.state == OUTCOME_OVERDUE;
	free(rows);
	if (!n)
		return;
	h2(w, T(r, "Outcome measures due"));
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/outcomes/due\">");
	char a1[24], a2[24];
	snprintf(a1, sizeof a1, "%zu", n);
	snprintf(a2, sizeof a2, "%zu", overdue);
	html_fmt(w, T(r, "{} measurements due, {} of them overdue"), a1, a2);
	html_raw(w, "</a></p>\n");
}

void outcomes_person_block(struct req *r, struct html *w, int64_t person_id)
{
	struct outcome_result *rs = NULL;
	size_t n = 0;
	if (store_outcome_list(r->site->ac->store, r->org_id, person_id, &rs, &n))
		return;
	h2(w, T(r, "Outcome measures"));
	struct buf href = BUF_INIT;
	buf_addf(&href, "/persons/%" PRId64 "/outcomes", person_id);
	html_raw(w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(w, "href", href.data);
	html_raw(w, ">");
	char num[24];
	size_t valid = 0;
	for (size_t i = 0; i < n; i++)
		valid += rs[i].error_at == 0;
	snprintf(num, sizeof num, "%zu", valid);
	html_fmt(w, T(r, "AUDIT, DUDIT and days abstinent over time ({} results)"), num);
	html_raw(w, "</a></p>\n");
	buf_release(&href);
	free(rs);
}

/* ====================================================== /programmes/{id}/outcomes */

static bool load_programme(struct req *r, struct programme *p)
{
	int rc = store_programme_get(r->site->ac->store, r->org_id, r->id, p);
	if (rc) {
		resp_store_error(r, rc);
		return false;
	}
	return true;
}

static void schedule_page(struct req *r, int status, const struct programme *prog, const struct form_errors *fe)
{
	struct outcome_point *pts = NULL;
	size_t n = 0;
	int rc = outcomes_schedule(r->site->ac, r->org_id, prog, &pts, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	bool edit = (r->role & (ROLE_ADMIN | ROLE_COORDINATOR)) != 0;
	struct buf title = BUF_INIT, href = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Measurement schedule"), prog->name);
	struct html w;
	page_begin(r, &w, title.data);
	form_error_summary(&w, r, fe);
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The changes were saved."));
	para(&w, T(r, "When the people in this programme answer the questionnaires. A point is counted from the start "
		      "of the enrolment or from the start or end of a phase; a result within the window on either side "
		      "counts. The due list shows what is due or overdue."));
	if (!n) {
		para(&w, T(r, "The programme has no schedule."));
	} else {
		html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
		html_text(&w, T(r, "Schedule points"));
		html_raw(&w, "</caption>\n<thead><tr><th scope=\"col\">");
		html_text(&w, T(r, "Name"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Counted from"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Phase"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "After"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Window (days)"));
		html_raw(&w, "</th><th scope=\"col\">");
		html_text(&w, T(r, "Questionnaires"));
		html_raw(&w, "</th>");
		if (edit) {
			html_raw(&w, "<th scope=\"col\">");
			html_text(&w, T(r, "Remove"));
			html_raw(&w, "</th>");
		}
		html_raw(&w, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++) {
			const struct outcome_point *p = &pts[i];
			html_raw(&w, "<tr><th scope=\"row\">");
			html_text(&w, T(r, p->label));
			html_raw(&w, "</th><td>");
			html_text(&w, T(r, outcomes_anchor_label(p->anchor)));
			html_raw(&w, "</td><td>");
			const char *ph = "–";
			for (int k = 0; k < prog->nphases; k++)
				if (!strcmp(prog->phases[k].key, p->phase_key))
					ph = T(r, prog->phases[k].label);
			html_text(&w, ph);
			html_raw(&w, "</td><td>");
			char m[24], d[24];
			snprintf(m, sizeof m, "%d", p->offset_months);
			snprintf(d, sizeof d, "%d", p->offset_days);
			html_fmt(&w, T(r, "{} months and {} days"), m, d);
			html_raw(&w, "</td><td>");
			html_int(&w, p->window_days);
			html_raw(&w, "</td><td>");
			char qid[STORE_QID_MAX];
			const char *s = p->questionnaires;
			bool first = true;
			while (*s) {
				size_t k = strcspn(s, ",");
				snprintf(qid, sizeof qid, "%.*s", (int)(k < sizeof qid ? k : sizeof qid - 1), s);
				if (!first)
					html_raw(&w, ", ");
				html_text(&w, qtitle(r, qid));
				first = false;
				s += k;
				if (*s)
					s++;
			}
			html_raw(&w, "</td>");
			if (edit) {
				html_raw(&w, "<td>");
				buf_reset(&href);
				buf_addf(&href, "/programmes/%" PRId64 "/outcomes/remove", prog->id);
				form_begin(&w, r, href.data);
				html_raw(&w, "<input type=\"hidden\" name=\"point\"");
				html_attr_int(&w, "value", p->id);
				html_raw(&w, "><button class=\"ds-button\" type=\"submit\" data-variant=\"tertiary\"");
				struct buf lab = BUF_INIT;
				buf_addf(&lab, "%s: %s", T(r, "Remove"), T(r, p->label));
				html_attr(&w, "aria-label", lab.data);
				buf_release(&lab);
				html_raw(&w, ">");
				html_text(&w, T(r, "Remove"));
				html_raw(&w, "</button>");
				form_end(&w);
				html_raw(&w, "</td>");
			}
			html_raw(&w, "</tr>\n");
		}
		html_raw(&w, "</tbody>\n</table>\n");
	}
	free(pts);

	if (edit) {
		h2(&w, T(r, "Add a point"));
		buf_reset(&href);
		buf_addf(&href, "/programmes/%" PRId64 "/outcomes", prog->id);
		form_begin(&w, r, href.data);
#define KEPT(name, def) (fe && form_get(r, name) ? form_get(r, name) : (def))
		form_input(&w, r, fe,
			   &(struct input){ .name = "label", .label = T(r, "Name"), .type = "text",
					    .value = KEPT("label", ""), .required = true,
					    .description = T(r, "For example “At intake” or “6 months in aftercare”.") });
		struct option anchors[3] = { { "start", T(r, outcomes_anchor_label("start")) },
					     { "phase_start", T(r, outcomes_anchor_label("phase_start")) },
					     { "phase_end", T(r, outcomes_anchor_label("phase_end")) } };
		form_select(&w, r, fe, "anchor", T(r, "Counted from"), anchors, 3, KEPT("anchor", "start"));
		struct option phases[STORE_PHASES_MAX + 1];
		phases[0].value = "";
		phases[0].label = T(r, "No phase (the start of the enrolment)");
		for (int k = 0; k < prog->nphases && k < STORE_PHASES_MAX; k++) {
			phases[k + 1].value = prog->phases[k].key;
			phases[k + 1].label = T(r, prog->phases[k].label);
		}
		form_select(&w, r, fe, "phase_key", T(r, "Phase"), phases, (size_t)prog->nphases + 1,
			    KEPT("phase_key", ""));
		form_input(&w, r, fe,
			   &(struct input){ .name = "offset_months", .label = T(r, "Months after"), .type = "text",
					    .value = KEPT("offset_months", "0") });
		form_input(&w, r, fe,
			   &(struct input){ .name = "offset_days", .label = T(r, "Days after"), .type = "text",
					    .value = KEPT("offset_days", "0"),
					    .description = T(r, "May be negative: days before.") });
		form_input(&w, r, fe,
			   &(struct input){ .name = "window_days", .label = T(r, "Window (days on either side)"),
					    .type = "text", .value = KEPT("window_days", "14") });
		const char *err = form_error_get(fe, "questionnaires");
		html_raw(&w, "<fieldset class=\"ds-fieldset\"");
		if (err)
			html_raw(&w, " aria-describedby=\"f-questionnaires-error\"");
		html_raw(&w, "><legend class=\"ds-label\">");
		html_text(&w, T(r, "Questionnaires"));
		html_raw(&w, "</legend>\n");
		validation(&w, r, "f-questionnaires-error", err);
		for (size_t i = 0; i < questionnaire_builtin_count(); i++) {
			const struct questionnaire *def = qdef(r, questionnaire_builtin_at(i)->id);
			struct buf name = BUF_INIT, id = BUF_INIT;
			buf_addf(&name, "q_%s", def->id);
			buf_addf(&id, i == 0 ? "f-questionnaires" : "f-q-%s", def->id);
			html_raw(&w, "<div class=\"ds-field\"><input class=\"ds-input\" type=\"checkbox\" value=\"1\"");
			html_attr(&w, "id", id.data);
			html_attr(&w, "name", name.data);
			if (fe && form_get(r, name.data))
				html_raw(&w, " checked");
			html_raw(&w, "><label class=\"ds-label\"");
			html_attr(&w, "for", id.data);
			html_raw(&w, ">");
			html_text(&w, q_text_get(&def->title, r->lang));
			html_raw(&w, "</label></div>\n");
			buf_release(&name);
			buf_release(&id);
		}
		html_raw(&w, "</fieldset>\n");
#undef KEPT
		form_button(&w, "primary", T(r, "Add the point"));
		form_end(&w);
	}
	html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\" href=\"/outcomes/due\">");
	html_text(&w, T(r, "Outcome measures due"));
	html_raw(&w, "</a></p>\n");
	buf_reset(&href);
	buf_addf(&href, "/programmes/%" PRId64, prog->id);
	link_to(&w, href.data, T(r, "Back to the programme"));
	buf_release(&href);
	buf_release(&title);
	page_end(r, &w, status);
}

void outcomes_schedule_get(struct req *r)
{
	struct programme prog;
	if (load_programme(r, &prog))
		schedule_page(r, 200, &prog, NULL);
}

void outcomes_schedule_post(struct req *r)
{
	struct programme prog;
	if (!load_programme(r, &prog))
		return;
	struct outcome_point_in in = { 0 };
	if (!form_str_or_400(r, "label", 400, &in.label) || !form_str_or_400(r, "anchor", 40, &in.anchor) ||
	    !form_str_or_400(r, "phase_key", 40, &in.phase_key) ||
	    !form_str_or_400(r, "offset_months", 20, &in.offset_months) ||
	    !form_str_or_400(r, "offset_days", 20, &in.offset_days) ||
	    !form_str_or_400(r, "window_days", 20, &in.window_days))
		return;
	const char *qs[8];
	size_t nq = 0;
	for (size_t i = 0; i < questionnaire_builtin_count() && nq < 8; i++) {
		const struct questionnaire *def = questionnaire_builtin_at(i);
		char name[40];
		snprintf(name, sizeof name, "q_%s", def->id);
		if (form_get(r, name))
			qs[nq++] = def->id;
	}
	in.questionnaires = qs;
	in.nquestionnaires = nq;
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = outcomes_point_add(r->site->ac, &a, r->org_id, &prog, &in, NULL, &fer);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		schedule_page(r, 422, &prog, &fe);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/programmes/%" PRId64 "/outcomes?saved=1", prog.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}

void outcomes_schedule_remove_post(struct req *r)
{
	struct programme prog;
	if (!load_programme(r, &prog))
		return;
	int64_t point = 0;
	if (!form_id_or_400(r, "point", &point))
		return;
	if (!point) {
		resp_error(r, 400, "bad_request", N_("Choose a point of the schedule."), "point");
		return;
	}
	struct actor a;
	req_actor(r, &a);
	int rc = outcomes_point_remove(r->site->ac, &a, r->org_id, prog.id, point);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct buf loc = BUF_INIT;
	buf_addf(&loc, "/programmes/%" PRId64 "/outcomes?saved=1", prog.id);
	resp_redirect(r, loc.data);
	buf_release(&loc);
}
