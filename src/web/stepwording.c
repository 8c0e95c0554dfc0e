/* stepwording.c: /settings/steps — an administrator's page for the organisation's own
 * wording of the twelve steps (issue 4): a short name per step in bokmål, Swedish and
 * English, each empty for tolv's standard wording (domain/steps.c), and a form that puts
 * the standard wording back for every step. The rules and the audit are
 * domain/stepwording.c's; every page that names a step loads the wording once per
 * request (step_wording_load) and shows it. */
#include "web/web.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "domain/stepwording.h"
#include "html/form.h"
#include "html/layout.h"

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

/* The page; posted: re-show what was posted (a form that came back with an error). */
static void stepwording_page(struct req *r, int status, bool posted, const struct form_errors *fe)
{
	struct step_wording sw;
	step_wording_load(r->site->ac->store, r->org_id, &sw);
	struct html w;
	page_begin(r, &w, T(r, "Step wording"));
	if (!fe && query_get(r, "saved"))
		page_alert(&w, "success", T(r, "The step wording is saved."));
	else if (!fe && query_get(r, "reset"))
		page_alert(&w, "success", T(r, "The standard step wording is back."));
	para(&w, T(r, "Each of the twelve steps has a short name in Norwegian, Swedish and English. It shows in the "
		      "step chart, the group's step grid, the plan, the timeline and the group sessions. Write your "
		      "organisation's own wording where you want it; leave a field empty for the standard wording."));
	form_error_summary(&w, r, fe);
	form_begin(&w, r, "/settings/steps");
	struct buf legend = BUF_INIT, desc = BUF_INIT;
	for (int step = 1; step <= STEP_COUNT; step++) {
		char num[8];
		snprintf(num, sizeof num, "%d", step);
		buf_reset(&legend);
		buf_adds(&legend, T(r, "Step"));
		buf_addf(&legend, " %d", step);
		html_raw(&w, "<fieldset class=\"ds-fieldset\"><legend class=\"ds-heading\" data-size=\"xs\">");
		html_text(&w, legend.data);
		html_raw(&w, "</legend>\n");
		for (int l = 0; l < LANG_COUNT; l++) {
			const char *field = step_wording_field(step, (enum lang)l);
			const char *value = posted ? form_get(r, field) : sw.stored.name[step - 1][l];
			buf_reset(&desc);
			buf_adds(&desc, T(r, "Standard:"));
			buf_addch(&desc, ' ');
			buf_adds(&desc, step_name(NULL, step, (enum lang)l));
			form_input(&w, r, fe,
				   &(struct input){ .name = field, .label = lang_name((enum lang)l), .type = "text",
						    .value = value ? value : "", .description = desc.data });
		}
		html_raw(&w, "</fieldset>\n");
	}
	buf_release(&legend);
	buf_release(&desc);
	form_button(&w, "primary", T(r, "Save the step wording"));
	form_end(&w);

	html_raw(&w, "<h2 class=\"ds-heading\" data-size=\"sm\">");
	html_text(&w, T(r, "The standard wording"));
	html_raw(&w, "</h2>\n");
	if (sw.count) {
		para(&w, T(r, "Put tolv's standard wording back for every step and language. Your own wording is removed."));
		form_begin(&w, r, "/settings/steps/reset");
		form_button(&w, "secondary", T(r, "Reset to the standard wording"));
		form_end(&w);
	} else {
		para(&w, T(r, "Every step now has the standard wording."));
	}
	page_end(r, &w, status);
}

void stepwording_get(struct req *r)
{
	stepwording_page(r, 200, false, NULL);
}

void stepwording_post(struct req *r)
{
	struct step_names in;
	memset(&in, 0, sizeof in);
	for (int i = 0; i < STEP_COUNT; i++)
		for (int l = 0; l < LANG_COUNT; l++)
			in.name[i][l] = form_get(r, step_wording_field(i + 1, (enum lang)l));
	struct actor a;
	req_actor(r, &a);
	struct field_error fer = { 0 };
	int rc = step_wording_save(r->site->ac, &a, r->org_id, &in, &fer);
	if (rc == ACC_INVALID) {
		struct form_errors fe = { 0 };
		form_error(&fe, fer.field, fer.message);
		stepwording_page(r, 422, true, &fe);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	resp_redirect(r, "/settings/steps?saved=1");
}

void stepwording_reset_post(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int rc = step_wording_reset(r->site->ac, &a, r->org_id);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	resp_redirect(r, "/settings/steps?reset=1");
}
