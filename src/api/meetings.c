/* meetings.c: the meeting directory's JSON API — the public search (the finder's query,
 * for apps), one public meeting, and the editors' listing and creation of their
 * organisation's meetings. */
#include "api/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/meeting_finder.h"
#include "domain/meeting_types.h"
#include "domain/meetings.h"
#include "domain/recurrence.h"

enum { SEARCH_DEFAULT = 20, SEARCH_MAX = 200 };

/* Two or four digits, without printf: the search answers many small numbers. */
static void put_digits(struct buf *b, int v, int width)
{
	char d[4];
	for (int i = width - 1; i >= 0; i--) {
		d[i] = (char)('0' + v % 10);
		v /= 10;
	}
	buf_add(b, d, (size_t)width);
}

/* "YYYY-MM-DDTHH:MM" of a local day and minute, or with seconds and Z of a UTC instant. */
static void put_datetime(struct buf *b, int32_t day, int minute, int second, bool utc)
{
	int y, mo, d;
	date_to_ymd(day, &y, &mo, &d);
	buf_addch(b, '"');
	put_digits(b, y, 4);
	buf_addch(b, '-');
	put_digits(b, mo, 2);
	buf_addch(b, '-');
	put_digits(b, d, 2);
	buf_addch(b, 'T');
	put_digits(b, minute / 60, 2);
	buf_addch(b, ':');
	put_digits(b, minute % 60, 2);
	if (utc) {
		buf_addch(b, ':');
		put_digits(b, second, 2);
		buf_addch(b, 'Z');
	}
	buf_addch(b, '"');
}

/* A result: the snapshot's pre-rendered object, then what depends on the search. */
static void hit_json(struct buf *b, const struct finder_hit *h)
{
	buf_adds(b, h->m->api_json);
	if (h->start) {
		int64_t day = h->start / 86400, rest = h->start % 86400;
		buf_adds(b, ",\"next_start\":");
		put_datetime(b, (int32_t)day, (int)(rest / 60), (int)(rest % 60), true);
		buf_adds(b, ",\"next_start_local\":");
		put_datetime(b, h->local_day, h->local_min, 0, false);
	} else {
		buf_adds(b, ",\"next_start\":null");
	}
	if (h->km >= 0)
		buf_addf(b, ",\"distance_km\":%.2f", h->km);
	buf_addch(b, '}');
}

static void iso_utc(int64_t t, char *out, size_t outlen)
{
	meeting_format_updated(t, out, outlen);
	size_t n = strlen(out);
	if (n > 10 && n + 1 < outlen) {
		out[10] = 'T';
		out[n] = 'Z';
		out[n + 1] = '\0';
	}
}

static const char *query_param(void *arg, const char *name)
{
	return query_get(arg, name);
}

void api_meetings_search(struct req *r)
{
	int rc;
	struct directory *d = directory_get(r->site->ac->store, now_seconds(), &rc);
	if (!d) {
		resp_store_error(r, rc);
		return;
	}
	struct finder_query q;
	finder_query_init(&q, SEARCH_DEFAULT);
	const char *field, *why;
	if (finder_query_parse(&q, d, query_param, r, SEARCH_MAX, &field, &why)) {
		directory_release(d);
		resp_error(r, 400, "bad_request", why, field);
		return;
	}
	struct finder_hit hits[SEARCH_MAX];
	bool more;
	size_t n = finder_search(d, &q, now_seconds(), hits, &more);
	struct buf *b = &r->out;
	buf_reset(b);
	buf_grow(b, 256 + n * 640); /* one allocation for the whole answer, as a rule */
	buf_adds(b, "{\"meetings\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(b, ',');
		hit_json(b, &hits[i]);
	}
	buf_addf(b, "],\"more\":%s,\"offset\":%d,\"limit\":%d}\n", more ? "true" : "false", q.offset, q.limit);
	directory_release(d);
	r->status = 200;
	r->ctype = "application/json";
	/* Apps and other sites' finders may call the search from a browser. */
	resp_header(r, "Access-Control-Allow-Origin", "*");
}

/* One listing as the feed writes it, plus its id, status and next times. */
static json_t *meeting_json(const struct meeting *m, bool editor)
{
	struct buf b = BUF_INIT;
	meeting_feed_json(m, NULL, NULL, &b);
	json_error_t err;
	json_t *j = json_loadb(b.data, b.len, 0, &err);
	buf_release(&b);
	if (!j)
		j = json_object();
	json_object_set_new(j, "id", json_integer(m->id));
	if (m->rrule[0])
		json_object_set_new(j, "rrule", json_string(m->rrule));
	if (m->starts_on != DATE_NONE) {
		char d[11];
		date_format(m->starts_on, d);
		json_object_set_new(j, "starts_on", json_string(d));
	}
	json_object_set_new(j, "attendance", json_string(m->attendance));
	json_object_set_new(j, "fellowship", json_string(m->fellowship));
	if (editor) {
		json_object_set_new(j, "public", json_boolean(m->public));
		json_object_set_new(j, "removed", json_boolean(m->removed_at != 0));
		json_object_set_new(j, "source_id", m->source_id ? json_integer(m->source_id) : json_null());
	}
	struct recur_spec rs = { m->days, m->start_min, m->end_min, m->timezone, m->rrule, m->starts_on };
	struct occurrence occ[3];
	size_t k = recur_between(&rs, now_seconds(), now_seconds() + 100 * 86400, occ, 3);
	json_t *next = json_array();
	for (size_t i = 0; i < k; i++) {
		char s[32];
		iso_utc(occ[i].start, s, sizeof s);
		json_array_append_new(next, json_string(s));
	}
	json_object_set_new(j, "next_starts", next);
	return j;
}

void api_meeting_get(struct req *r)
{
	struct meeting m;
	int rc = store_meeting_get_public(r->site->ac->store, r->id, &m);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	resp_json(r, 200, json_pack("{s:o}", "meeting", meeting_json(&m, false)));
}

void api_directory_list(struct req *r)
{
	int64_t limit, offset;
	if (!query_int_or_400(r, "limit", 1, 1000, 100, &limit) || !query_int_or_400(r, "offset", 0, 1000000000, 0, &offset))
		return;
	struct meeting_query q = { .limit = (int)limit, .offset = (int)offset };
	const char *s = query_get(r, "q");
	if (s && !copy_str(q.search, sizeof q.search, s)) {
		resp_error(r, 400, "bad_request", N_("The search is too long."), "q");
		return;
	}
	struct meeting *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = store_meeting_list(r->site->ac->store, r->org_id, &q, &rows, &n, &total);
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, meeting_json(&rows[i], true));
	free(rows);
	resp_json(r, 200, json_pack("{s:o, s:I}", "meetings", list, "total", (json_int_t)total));
}

/* POST /api/v1/directory/meetings: the feed's field names (day as a number or a list,
 * types as a list of codes), plus public, rrule, starts_on, fellowship, attendance. */
void api_directory_create(struct req *r)
{
	static const char *const text_keys[] = {
		"name", "slug", "time", "end_time", "timezone", "rrule", "starts_on", "location", "location_notes",
		"formatted_address", "address", "city", "state", "postal_code", "country", "region", "sub_region",
		"notes", "group", "group_notes", "fellowship", "attendance", "conference_url", "conference_url_notes",
		"conference_phone", "conference_phone_notes", "website", "email", "phone", "url", "contact_1_name",
		"contact_1_email", "contact_1_phone", "contact_2_name", "contact_2_email", "contact_2_phone",
		"contact_3_name", "contact_3_email", "contact_3_phone", NULL };
	const char *v[64] = { 0 };
	size_t k;
	for (k = 0; text_keys[k]; k++)
		if (!json_str_or_400(r, text_keys[k], !strcmp(text_keys[k], "name"), 4000, &v[k]))
			return;
	const char *key;
	json_t *val;
	json_object_foreach(r->json, key, val) {
		bool known = !strcmp(key, "day") || !strcmp(key, "types") || !strcmp(key, "latitude") ||
			     !strcmp(key, "longitude") || !strcmp(key, "public");
		for (size_t i = 0; text_keys[i] && !known; i++)
			known = !strcmp(text_keys[i], key);
		if (!known) {
			resp_error(r, 400, "unknown_field", N_("The request has a field tolv does not know."), key);
			return;
		}
	}
	struct meeting_input in = { 0 };
	const char **slots[] = { &in.name, &in.slug, &in.time, &in.end_time, &in.timezone, &in.rrule, &in.starts_on,
				 &in.location, &in.location_notes, &in.formatted_address, &in.address, &in.city,
				 &in.state, &in.postal_code, &in.country, &in.region, &in.sub_region, &in.notes,
				 &in.group, &in.group_notes, &in.fellowship, &in.attendance, &in.conference_url,
				 &in.conference_url_notes, &in.conference_phone, &in.conference_phone_notes,
				 &in.website, &in.email, &in.phone, &in.url, &in.contact_name[0], &in.contact_email[0],
				 &in.contact_phone[0], &in.contact_name[1], &in.contact_email[1], &in.contact_phone[1],
				 &in.contact_name[2], &in.contact_email[2], &in.contact_phone[2] };
	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		*slots[i] = v[i];
	/* day: a number or a list of numbers; types: a list of codes; coordinates: numbers. */
	char daybuf[7][4], latbuf[32], lonbuf[32];
	struct buf types = BUF_INIT;
	json_t *day = json_object_get(r->json, "day");
	if (day) {
		in.has_days = true;
		json_t *one[1] = { day };
		size_t nd = json_is_array(day) ? json_array_size(day) : 1;
		for (size_t i = 0; i < nd && i < 7; i++) {
			json_t *d = json_is_array(day) ? json_array_get(day, i) : one[0];
			if (!json_is_integer(d) || json_integer_value(d) < 0 || json_integer_value(d) > 6) {
				resp_error(r, 400, "bad_type", N_("day must be 0 (Sunday) to 6 (Saturday), or a list of them."),
					   "day");
				buf_release(&types);
				return;
			}
			snprintf(daybuf[i], sizeof daybuf[i], "%d", (int)json_integer_value(d));
			in.days[i] = daybuf[i];
		}
	}
	json_t *tl = json_object_get(r->json, "types");
	if (tl) {
		size_t i;
		json_t *t;
		if (!json_is_array(tl)) {
			resp_error(r, 400, "bad_type", N_("types must be a list of type codes."), "types");
			return;
		}
		json_array_foreach(tl, i, t) {
			if (!json_is_string(t)) {
				resp_error(r, 400, "bad_type", N_("types must be a list of type codes."), "types");
				buf_release(&types);
				return;
			}
			if (types.len)
				buf_addch(&types, ',');
			buf_adds(&types, json_string_value(t));
		}
		in.types = types.data;
	}
	json_t *la = json_object_get(r->json, "latitude"), *lo = json_object_get(r->json, "longitude");
	if (la || lo) {
		if (!json_is_number(la) || !json_is_number(lo)) {
			resp_error(r, 400, "bad_type", N_("latitude and longitude are numbers, given together."), "latitude");
			buf_release(&types);
			return;
		}
		snprintf(latbuf, sizeof latbuf, "%.7f", json_number_value(la));
		snprintf(lonbuf, sizeof lonbuf, "%.7f", json_number_value(lo));
		in.latitude = latbuf;
		in.longitude = lonbuf;
	}
	bool present = false, pub = true;
	if (!json_bool_or_400(r, "public", &present, &pub)) {
		buf_release(&types);
		return;
	}
	in.has_public = present;
	in.public = pub;

	struct meeting m;
	meeting_init(&m);
	struct meeting_errors errs = { 0 };
	struct actor a;
	req_actor(r, &a);
	int rc = meeting_apply_input(&m, &in, &errs);
	if (!rc)
		rc = meetings_create(r->site->ac, &a, r->org_id, &m, &errs);
	buf_release(&types);
	if (rc == ACC_INVALID || (rc == STORE_CONFLICT && errs.n)) {
		resp_error(r, rc == ACC_INVALID ? 422 : 409, rc == ACC_INVALID ? "validation_failed" : "conflict",
			   errs.e[0].message, errs.e[0].field);
		return;
	}
	if (rc) {
		resp_store_error(r, rc);
		return;
	}
	resp_json(r, 201, json_pack("{s:o}", "meeting", meeting_json(&m, true)));
}
