/* notes.c: the API of a person's clinical notes — GET/POST /api/v1/persons/{id}/notes
 * (a page, newest first, ?type= ?limit= ?offset=; POST a new draft), GET/PATCH/DELETE
 * /api/v1/notes/{id} (PATCH and DELETE: a draft, by its author), POST /api/v1/notes/{id}/
 * sign and /api/v1/notes/{id}/addenda — through the same service as the pages
 * (domain/clinicalnotes.c). A refusal by the rules is 409 with the reason as the message. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/clinicalnotes.h"

static json_t *day_json(int32_t day)
{
	char d[11];
	date_format(day, d);
	return d[0] ? json_string(d) : json_null();
}

static json_t *opt_int(int64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

static json_t *note_json(const struct store_note *n, const struct store_note_addendum *add, size_t nadd,
			 bool with_addenda)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:o, s:I, s:s, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:i}", "id",
			      (json_int_t)n->id, "person_id", (json_int_t)n->person_id, "type", n->type, "date",
			      day_json(n->on_day), "author", (json_int_t)n->author, "text", n->text, "step",
			      opt_int(n->step), "goal", opt_int(n->goal), "assignment", opt_int(n->assignment),
			      "session", opt_int(n->session_id), "signed", n->signed_at != 0, "signed_at",
			      opt_int(n->signed_at), "drafted", day_json(n->drafted_on), "addenda_count", n->naddenda);
	if (with_addenda) {
		json_t *arr = json_array();
		for (size_t i = 0; i < nadd; i++)
			json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)add[i].id,
							     "author", (json_int_t)add[i].author, "created_at",
							     (json_int_t)add[i].created_at, "text", add[i].text));
		json_object_set_new(j, "addenda", arr);
	}
	return j;
}

static void answer_error(struct req *r, int rc, const struct field_error *fe)
{
	if (rc == STORE_NOTFOUND)
		resp_error(r, 404, "not_found", N_("No such note or person in this organisation."), NULL);
	else if (rc == ACC_INVALID)
		resp_error(r, 422, "validation_failed", fe->message, fe->field);
	else if (rc == CNOTES_REFUSED)
		resp_error(r, 409, "refused", fe->message, NULL);
	else
		resp_store_error(r, rc);
}

/* An optional whole-number link: absent keeps *out, null clears it; false after 400. */
static bool link_or_400(struct req *r, const char *key, char buf[24], const char **out)
{
	json_t *v = json_object_get(r->json, key);
	if (!v)
		return true;
	if (json_is_null(v)) {
		*out = "";
		return true;
	}
	if (!json_is_integer(v)) {
		resp_error(r, 400, "bad_type", N_("This field must be a whole number."), key);
		return false;
	}
	snprintf(buf, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	*out = buf;
	return true;
}

/* The body's note fields over in (absent ones keep what in has); false after 400. */
static bool body_note(struct req *r, struct note_in *in, char bufs[4][24])
{
	static const char *const keys[] = { "type", "date", "text", "step", "goal", "assignment", "session", NULL };
	const char *type = NULL, *date = NULL, *text = NULL;
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "type", false, 40, &type) ||
	    !json_str_or_400(r, "date", false, 40, &date) || !json_str_or_400(r, "text", false, NOTE_TEXT_MAX + 1, &text) ||
	    !link_or_400(r, "step", bufs[0], &in->step) || !link_or_400(r, "goal", bufs[1], &in->goal) ||
	    !link_or_400(r, "assignment", bufs[2], &in->assignment) || !link_or_400(r, "session", bufs[3], &in->session))
		return false;
	if (json_object_get(r->json, "type"))
		in->type = type;
	if (json_object_get(r->json, "date"))
		in->date = date;
	if (json_object_get(r->json, "text"))
		in->text = text;
	return true;
}

void api_notes_list(struct req *r)
{
	const char *type = query_get(r, "type");
	if (type && type[0] && note_type_parse(type) < 0) {
		resp_error(r, 400, "bad_value", N_("Unknown kind of note."), "type");
		return;
	}
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, STORE_NOTE_PAGE_MAX, 25, &limit) ||
	    !query_int_or_400(r, "offset", 0, INT32_MAX, 0, &offset))
		return;
	struct actor a;
	req_actor(r, &a);
	struct store_note *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = cnotes_list(r->site->ac, &a, r->org_id, r->id, type ? type : "", (int)limit, (int)offset, &rows, &n,
			     &total);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, note_json(&rows[i], NULL, 0, false));
	free(rows);
	resp_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
				    (json_int_t)limit, "offset", (json_int_t)offset));
}

static void answer_note(struct req *r, int status, int64_t id)
{
	struct actor a;
	req_actor(r, &a);
	struct store_note *n = xcalloc(1, sizeof *n);
	struct store_note_addendum *add = NULL;
	size_t nadd = 0;
	int rc = cnotes_get(r->site->ac, &a, r->org_id, id, n, &add, &nadd);
	if (rc)
		answer_error(r, rc, NULL);
	else
		resp_json(r, status, note_json(n, add, nadd, true));
	free(add);
	free(n);
}

void api_notes_create(struct req *r)
{
	struct person p;
	int rc = store_person_get(r->site->ac->store, r->org_id, r->id, &p);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	struct note_in in = { 0 };
	char bufs[4][24];
	if (!body_note(r, &in, bufs))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	int64_t id = 0;
	rc = cnotes_create(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &id, &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_note(r, 201, id);
}

void api_note_get(struct req *r)
{
	answer_note(r, 200, r->id);
}

void api_note_patch(struct req *r)
{
	struct store_note *n = xcalloc(1, sizeof *n);
	int rc = store_note_get(r->site->ac->store, r->org_id, r->id, n, NULL, NULL);
	if (rc) {
		free(n);
		answer_error(r, rc, NULL);
		return;
	}
	char date[11], cur[4][24], bufs[4][24];
	date_format(n->on_day, date);
	snprintf(cur[0], 24, "%d", n->step);
	snprintf(cur[1], 24, "%d", n->goal);
	snprintf(cur[2], 24, "%d", n->assignment);
	snprintf(cur[3], 24, "%" PRId64, n->session_id);
	struct note_in in = { .type = n->type, .date = date, .text = n->text,
			      .step = n->step ? cur[0] : "", .goal = n->goal ? cur[1] : "",
			      .assignment = n->assignment ? cur[2] : "", .session = n->session_id ? cur[3] : "" };
	if (!body_note(r, &in, bufs)) {
		free(n);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	rc = cnotes_update(r->site->ac, &a, r->org_id, r->id, &in, date_today_cet(), &fe);
	free(n);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_note(r, 200, r->id);
}

void api_note_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	int rc = cnotes_delete(r->site->ac, &a, r->org_id, r->id, &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		resp_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)r->id, "deleted", 1));
}

void api_note_sign(struct req *r)
{
	static const char *const keys[] = { NULL };
	if (!json_keys_or_400(r, keys))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	int rc = cnotes_sign(r->site->ac, &a, r->org_id, r->id, date_today_cet(), &fe);
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_note(r, 200, r->id);
}

void api_note_addendum(struct req *r)
{
	static const char *const keys[] = { "text", NULL };
	const char *text;
	/* Another organisation's note is none at all, whatever the body says: 404 first. */
	struct store_note *n = xcalloc(1, sizeof *n);
	int rc = store_note_get(r->site->ac->store, r->org_id, r->id, n, NULL, NULL);
	free(n);
	if (rc) {
		answer_error(r, rc, NULL);
		return;
	}
	if (!json_keys_or_400(r, keys) || !json_str_or_400(r, "text", true, NOTE_ADDENDUM_MAX + 1, &text))
		return;
	struct actor a;
	req_actor(r, &a);
	struct field_error fe = { 0 };
	rc = cnotes_addendum(r->site->ac, &a, r->org_id, r->id, text, NULL, &fe);
	if (rc == ACC_INVALID)
		fe.field = "text";
	if (rc)
		answer_error(r, rc, &fe);
	else
		answer_note(r, 201, r->id);
}
