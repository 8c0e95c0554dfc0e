/* clinicalnotes.c: clinical notes over the store, audited (see clinicalnotes.h). */
#include "domain/clinicalnotes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"
#include "domain/audit.h"

static void audit_note(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action, int64_t id,
		       const struct store_note *n)
{
	char oid[24], detail[96] = "";
	snprintf(oid, sizeof oid, "%" PRId64, id);
	if (n)
		snprintf(detail, sizeof detail, "person %" PRId64 " %s", n->person_id, n->type);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "note", oid, detail);
}

static int field(struct field_error *fe, const char *name, const char *msg)
{
	if (fe) {
		fe->field = name;
		fe->message = msg;
	}
	return ACC_INVALID;
}

static int refuse(struct field_error *fe, const char *msg)
{
	if (fe) {
		fe->field = NULL;
		fe->message = msg;
	}
	return CNOTES_REFUSED;
}

void cnotes_view(const struct store_note *s, struct note *out)
{
	int t = note_type_parse(s->type);
	*out = (struct note){ .id = s->id, .type = t < 0 ? NOTE_OTHER : (enum note_type)t, .date = s->on_day,
			      .author = s->author, .text = s->text, .step = s->step, .goal = s->goal,
			      .assignment = s->assignment, .session = s->session_id, .drafted = s->drafted_on,
			      .signed_at = s->signed_at };
}

static bool num_in(const char *s, int64_t max, int64_t *out)
{
	*out = 0;
	return !s || !s[0] || !parse_int64(s, 1, max, out);
}

/* The form's fields into row (type, day, text, links); ACC_INVALID with fe. */
static int parse_in(const struct note_in *in, int32_t today, struct store_note *row, struct field_error *fe)
{
	int t = in->type && in->type[0] ? note_type_parse(in->type) : -1;
	if (t < 0)
		return field(fe, "type", N_("Choose the kind of note."));
	copy_str(row->type, sizeof row->type, note_type_key((enum note_type)t));
	int32_t day = DATE_NONE;
	if (!in->date || !in->date[0])
		return field(fe, "date", N_("Enter the date the note is about."));
	if (date_parse(in->date, &day))
		return field(fe, "date", N_("Give the date as YYYY-MM-DD."));
	row->on_day = day;
	const char *text = in->text ? in->text : "";
	if (strlen(text) > NOTE_TEXT_MAX)
		return field(fe, "text", N_("A note must be at most 20000 bytes."));
	copy_str(row->text, sizeof row->text, text);
	int64_t v;
	if (!num_in(in->step, 12, &v))
		return field(fe, "step", N_("The note's step must be between 1 and 12."));
	row->step = (int)v;
	if (!num_in(in->goal, 10000, &v))
		return field(fe, "goal", N_("The note is linked to a goal that is not in the plan."));
	row->goal = (int)v;
	if (!num_in(in->assignment, 10000, &v))
		return field(fe, "assignment", N_("The note is linked to an assignment that is not in the plan."));
	row->assignment = (int)v;
	if (!num_in(in->session, INT64_MAX, &v))
		return field(fe, "session", N_("The note is linked to a session that does not exist."));
	row->session_id = v;
	row->enrolment_id = in->enrolment_id > 0 ? in->enrolment_id : 0;
	struct note view;
	cnotes_view(row, &view);
	const char *f = NULL, *msg = note_validate(&view, today, &f);
	if (msg)
		return field(fe, f ? f : "text", msg);
	return 0;
}

int cnotes_create(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id,
		  const struct note_in *in, int32_t today, int64_t *id, struct field_error *fe)
{
	struct store_note *row = xcalloc(1, sizeof *row);
	int rc = parse_in(in, today, row, fe);
	if (!rc) {
		row->person_id = person_id;
		row->author = who->user_id;
		/* The reminder counts from the session the note is about, or from today. */
		row->drafted_on = row->on_day < today ? row->on_day : today;
		rc = store_note_create(ac->store, org_id, row);
	}
	if (!rc) {
		audit_note(ac, who, org_id, "note.create", row->id, row);
		if (id)
			*id = row->id;
	}
	free(row);
	return rc;
}

int cnotes_update(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		  const struct note_in *in, int32_t today, struct field_error *fe)
{
	struct store_note *old = xcalloc(1, sizeof *old), *row = xcalloc(1, sizeof *row);
	int rc = store_note_get(ac->store, org_id, id, old, NULL, NULL);
	if (!rc) {
		struct note view;
		cnotes_view(old, &view);
		const char *why = note_can_edit(&view, who->user_id);
		if (why)
			rc = refuse(fe, why);
	}
	if (!rc)
		rc = parse_in(in, today, row, fe);
	if (!rc) {
		row->id = id;
		row->person_id = old->person_id;
		row->author = who->user_id;
		row->drafted_on = row->on_day < old->drafted_on ? row->on_day : old->drafted_on;
		rc = store_note_update(ac->store, org_id, row);
		if (rc == STORE_CONFLICT)
			rc = refuse(fe, N_("A signed note cannot be changed; add an addendum instead."));
	}
	if (!rc)
		audit_note(ac, who, org_id, "note.update", id, row);
	free(old);
	free(row);
	return rc;
}

int cnotes_delete(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		  struct field_error *fe)
{
	struct store_note *old = xcalloc(1, sizeof *old);
	int rc = store_note_get(ac->store, org_id, id, old, NULL, NULL);
	if (!rc) {
		struct note view;
		cnotes_view(old, &view);
		const char *why = note_can_delete(&view, who->user_id);
		if (why)
			rc = refuse(fe, why);
	}
	if (!rc) {
		rc = store_note_delete(ac->store, org_id, id, who->user_id);
		if (rc == STORE_CONFLICT)
			rc = refuse(fe, N_("A signed note cannot be deleted; add an addendum instead."));
	}
	if (!rc)
		audit_note(ac, who, org_id, "note.delete", id, old);
	free(old);
	return rc;
}

int cnotes_sign(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, int32_t today,
		struct field_error *fe)
{
	struct store_note *old = xcalloc(1, sizeof *old);
	int rc = store_note_get(ac->store, org_id, id, old, NULL, NULL);
	int64_t now = (int64_t)time(NULL);
	if (!rc) {
		struct note view;
		cnotes_view(old, &view);
		const char *why = note_sign(&view, who->user_id, now, today);
		if (why)
			rc = refuse(fe, why);
	}
	if (!rc) {
		rc = store_note_sign(ac->store, org_id, id, who->user_id, now);
		if (rc == STORE_CONFLICT)
			rc = refuse(fe, N_("The note is already signed."));
	}
	if (!rc)
		audit_note(ac, who, org_id, "note.sign", id, old);
	free(old);
	return rc;
}

int cnotes_addendum(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *text,
		    int64_t *addendum_id, struct field_error *fe)
{
	struct store_note *old = xcalloc(1, sizeof *old);
	int rc = store_note_get(ac->store, org_id, id, old, NULL, NULL);
	if (!rc) {
		struct note view;
		cnotes_view(old, &view);
		const char *why = note_addendum_check(&view, who->user_id, text ? text : "");
		if (why)
			rc = view.signed_at ? field(fe, "addendum", why) : refuse(fe, why);
	}
	struct store_note_addendum a = { .note_id = id, .author = who->user_id };
	if (!rc && !copy_str(a.text, sizeof a.text, text))
		rc = field(fe, "addendum", N_("An addendum must be at most 5000 bytes."));
	if (!rc)
		rc = store_note_addendum_add(ac->store, org_id, &a);
	if (!rc) {
		audit_note(ac, who, org_id, "note.addendum", id, old);
		if (addendum_id)
			*addendum_id = a.id;
	}
	free(old);
	return rc;
}

int cnotes_get(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, struct store_note *out,
	       struct store_note_addendum **addenda, size_t *naddenda)
{
	int rc = store_note_get(ac->store, org_id, id, out, addenda, naddenda);
	if (!rc)
		audit_note(ac, who, org_id, "note.read", id, out);
	return rc;
}

int cnotes_list(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t person_id, const char *type,
		int limit, int offset, struct store_note **out, size_t *n, int64_t *total)
{
	int rc = store_note_list(ac->store, org_id, person_id, 0, type ? type : "", limit, offset, out, n, total);
	if (!rc) {
		char oid[24], detail[64];
		snprintf(oid, sizeof oid, "%" PRId64, person_id);
		snprintf(detail, sizeof detail, "list %s", type && type[0] ? type : "all");
		audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "note.read", "person", oid, detail);
	}
	return rc;
}

int cnotes_overdue(struct accounts *ac, const struct actor *who, int64_t org_id, int32_t today,
		   struct store_note_draft **out, size_t *n)
{
	/* note_draft_overdue: more than NOTE_DRAFT_DAYS days before today. */
	return store_note_drafts_overdue(ac->store, org_id, who->user_id, today - NOTE_DRAFT_DAYS, 20, out, n);
}
