/* stepgrid.c: /groups/{id}/steps — the group at a glance: the group's current members
 * (one row per open membership, that is per enrolment) × the twelve steps, drawn by
 * html/stepchart.h's stepgrid_table. Every row shown is audited as a read of that person,
 * all of the page's entries through one auditor_log_many. Another organisation's group
 * is 404, the same as none at all. */
#include "web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/steps.h"
#include "domain/stepwording.h"
#include "html/layout.h"
#include "html/stepchart.h"

/* One "person.read" entry per row shown. */
static void audit_rows(struct req *r, const struct group_member *ms, size_t n, int64_t group_id)
{
	if (n == 0)
		return;
	struct actor a;
	req_actor(r, &a);
	struct audit_entry *es = xcalloc(n, sizeof *es);
	int64_t now = now_millis();
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *e = &es[i];
		e->at_ms = now;
		e->user_id = a.user_id;
		e->org_id = r->org_id;
		copy_str(e->actor, sizeof e->actor, a.email);
		copy_str(e->addr, sizeof e->addr, a.addr);
		copy_str(e->action, sizeof e->action, "person.read");
		copy_str(e->object_type, sizeof e->object_type, "person");
		snprintf(e->object_id, sizeof e->object_id, "%" PRId64, ms[i].person_id);
		snprintf(e->detail, sizeof e->detail, "group steps %" PRId64 " enrolment %" PRId64, group_id,
			 ms[i].enrolment_id);
	}
	auditor_log_many(r->site->ac->audit, es, n);
	free(es);
}

static void state_of(const struct store_step *s, struct step_state *st)
{
	step_state_init(st, s->step);
	int k = step_status_parse(s->status);
	st->status = k < 0 ? STEP_NOT_STARTED : (enum step_status)k;
	st->since = s->since;
	st->confirmed_by = s->confirmed_by;
	st->changes = s->changes;
	st->reopened = s->reopened;
}

void group_steps_get(struct req *r)
{
	struct store *s = r->site->ac->store;
	struct group g;
	int rc = store_group_get(s, r->org_id, r->id, &g);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	struct group_member *ms = NULL;
	size_t n = 0;
	rc = store_group_member_list(s, r->org_id, g.id, date_today_cet(), &ms, &n);
	if (rc) {
		free(ms);
		resp_store_error(r, rc);
		return;
	}
	struct step_state *states = xcalloc(n ? n * STEP_COUNT : 1, sizeof *states);
	struct stepgrid_row *rows = xcalloc(n ? n : 1, sizeof *rows);
	struct buf *names = xcalloc(n ? n : 1, sizeof *names);
	struct buf *hrefs = xcalloc(n ? n : 1, sizeof *hrefs);
	for (size_t i = 0; i < n; i++) {
		names[i] = (struct buf)BUF_INIT;
		hrefs[i] = (struct buf)BUF_INIT;
	}
	/* Every member's steps in one read; one by one only past the batch limit. */
	int64_t *eids = xcalloc(n ? n : 1, sizeof *eids);
	struct store_step(*all)[STEP_COUNT] = xcalloc(n ? n : 1, sizeof *all);
	for (size_t i = 0; i < n; i++)
		eids[i] = ms[i].enrolment_id;
	bool batch = n <= STORE_PLAN_MANY_MAX && store_steps_get_many(s, r->org_id, eids, n, all) == STORE_OK;
	for (size_t i = 0; i < n; i++) {
		struct store_step *st = all[i];
		struct step_state *ss = &states[i * STEP_COUNT];
		if (batch || store_steps_get(s, r->org_id, ms[i].enrolment_id, st) == STORE_OK) {
			for (int k = 0; k < STEP_COUNT; k++)
				state_of(&st[k], &ss[k]);
		} else {
			step_states_init(ss);
		}
		buf_adds(&names[i], ms[i].given_name);
		if (ms[i].given_name[0] && ms[i].family_name[0])
			buf_addch(&names[i], ' ');
		buf_adds(&names[i], ms[i].family_name);
		if (!ms[i].given_name[0] && !ms[i].family_name[0])
			buf_adds(&names[i], T(r, "(no name)"));
		buf_addf(&hrefs[i], "/enrolments/%" PRId64 "/steps", ms[i].enrolment_id);
		rows[i].name = names[i].data;
		rows[i].href = hrefs[i].data;
		rows[i].states = ss;
	}
	free(all);
	free(eids);
	audit_rows(r, ms, n, g.id);

	struct buf title = BUF_INIT;
	buf_addf(&title, "%s: %s", T(r, "Steps of the group"), g.name);
	struct html w;
	page_begin(r, &w, title.data);
	buf_release(&title);
	char back[48];
	snprintf(back, sizeof back, "/groups/%" PRId64, g.id);
	html_raw(&w, "<p class=\"ds-paragraph\"><a class=\"ds-link\"");
	html_attr(&w, "href", back);
	html_raw(&w, ">");
	html_text(&w, T(r, "Back to the group"));
	html_raw(&w, "</a></p>\n");
	if (n == 0) {
		html_raw(&w, "<p class=\"ds-paragraph\">");
		html_text(&w, T(r, "The group has no members now."));
		html_raw(&w, "</p>\n");
	} else {
		struct buf cap = BUF_INIT;
		buf_addf(&cap, "%s: %s", T(r, "Steps of the group"), g.name);
		struct step_wording sw; /* the organisation's wording, loaded once for the page */
		stepmark_legend(&w, r->lang);
		stepgrid_table(&w, cap.data, rows, n, step_wording_load(s, r->org_id, &sw), r->lang);
		buf_release(&cap);
	}
	for (size_t i = 0; i < n; i++) {
		buf_release(&names[i]);
		buf_release(&hrefs[i]);
	}
	free(names);
	free(hrefs);
	free(rows);
	free(states);
	free(ms);
	page_end(r, &w, 200);
}
