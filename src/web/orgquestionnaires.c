/* orgquestionnaires.c: /settings/questionnaires — a read-only list of the outcome
 * questionnaires for administrators and auditors (issue 6): for each built-in id whether
 * the organisation uses tolv's definition or its own (loaded with `tolv questionnaire load`),
 * with the version, when it was loaded and by whom. Nothing of a person; no form. */
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/orgquestionnaire.h"
#include "html/layout.h"

static void para(struct html *w, const char *text)
{
	html_raw(w, "<p class=\"ds-paragraph\">");
	html_text(w, text);
	html_raw(w, "</p>\n");
}

static void td(struct html *w, const char *text)
{
	html_raw(w, "<td>");
	html_text(w, text);
	html_raw(w, "</td>");
}

void orgquestionnaires_get(struct req *r)
{
	struct store *s = r->site->ac->store;
	struct org_questionnaire *own = NULL;
	size_t n = 0;
	int rc = store_orgq_list(s, r->org_id, &own, &n);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct html w;
	page_begin(r, &w, T(r, "Questionnaire definitions"));
	para(&w, T(r, "Each outcome questionnaire uses tolv's standard definition unless your organisation has "
		      "loaded its own, for example with official wording it holds a licence for, or other "
		      "cut-offs. Your own definition keeps the standard's items and scores, so results stay "
		      "comparable. The operator loads and removes definitions on the command line."));
	html_raw(&w, "<table class=\"ds-table\" data-border=\"true\">\n<caption>");
	html_text(&w, T(r, "Questionnaire definitions in use"));
	html_raw(&w, "</caption>\n<thead><tr>");
	const char *heads[] = { T(r, "Questionnaire"), T(r, "Definition in use"), T(r, "Version"), T(r, "Loaded at"),
				T(r, "Loaded by") };
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		html_raw(&w, "<th scope=\"col\">");
		html_text(&w, heads[i]);
		html_raw(&w, "</th>");
	}
	html_raw(&w, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < questionnaire_builtin_count(); i++) {
		const struct questionnaire *b = questionnaire_builtin_at(i);
		const struct questionnaire *def = questionnaire_for_org(s, r->org_id, b->id);
		const struct org_questionnaire *o = NULL;
		for (size_t k = 0; k < n && !o; k++)
			if (!strcmp(own[k].questionnaire, b->id))
				o = &own[k];
		html_raw(&w, "<tr><th scope=\"row\">");
		html_text(&w, q_text_get(&def->title, r->lang));
		html_raw(&w, "</th>");
		td(&w, o ? T(r, "Your organisation's own") : T(r, "tolv's standard"));
		char num[24];
		snprintf(num, sizeof num, "%d", o ? o->version : b->version);
		td(&w, num);
		if (o) {
			char when[32];
			format_time(o->loaded_at, when, sizeof when);
			td(&w, when);
			html_raw(&w, "<td>");
			if (o->loaded_by)
				user_display_name(r, o->loaded_by, &w);
			else
				html_text(&w, T(r, "the command line"));
			html_raw(&w, "</td>");
		} else {
			td(&w, "–");
			td(&w, "–");
		}
		html_raw(&w, "</tr>\n");
	}
	html_raw(&w, "</tbody>\n</table>\n");
	free(own);
	page_end(r, &w, 200);
}
