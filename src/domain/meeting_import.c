/* meeting_import.c: Meeting Guide JSON and 12 Step Meeting List CSV import — parse, plan,
 * apply — and fetching feeds with libcurl (see meeting_import.h). */
#include "domain/meeting_import.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/meeting_finder.h"
#include "domain/meeting_types.h"
#include "domain/meetings.h"

enum { MAX_ERRORS_KEPT = 1000, MESSAGE_ERRORS = 20 };

void meeting_import_init(struct meeting_import *imp)
{
	memset(imp, 0, sizeof *imp);
}

void meeting_import_release(struct meeting_import *imp)
{
	free(imp->rows);
	free(imp->row_no);
	free(imp->errors);
	meeting_import_init(imp);
}

static void row_error(struct meeting_import *imp, int row, const char *slug, const char *field, const char *message)
{
	if (!slug || !*slug)
		imp->unslugged_error = true;
	if (imp->nerrors >= MAX_ERRORS_KEPT)
		return; /* counted in total - n; the first thousand say enough */
	imp->errors = xgrow(imp->errors, &imp->errcap, imp->nerrors + 1, sizeof *imp->errors);
	struct import_error *e = &imp->errors[imp->nerrors++];
	e->row = row;
	copy_str(e->slug, sizeof e->slug, slug ? slug : "");
	copy_str(e->field, sizeof e->field, field ? field : "");
	e->message = message;
}

/* ---- fields by name ---- */

struct text_field {
	const char *name; /* the feed's name (JSON key; CSV headers are folded to it) */
	size_t off, size;
};
#define TF(name, member) { name, offsetof(struct meeting, member), sizeof(((struct meeting *)0)->member) }
static const struct text_field text_fields[] = {
	TF("name", name),
	TF("timezone", timezone),
	TF("location", location),
	TF("location_notes", location_notes),
	TF("formatted_address", formatted_address),
	TF("address", address),
	TF("city", city),
	TF("state", state),
	TF("postal_code", postal_code),
	TF("country", country),
	TF("region", region),
	TF("sub_region", sub_region),
	TF("notes", notes),
	TF("group", group_name),
	TF("group_notes", group_notes),
	TF("conference_url", conference_url),
	TF("conference_url_notes", conference_url_notes),
	TF("conference_phone", conference_phone),
	TF("conference_phone_notes", conference_phone_notes),
	TF("website", website),
	TF("email", email),
	TF("phone", phone),
	TF("url", url),
	TF("rrule", rrule),
	TF("contact_1_name", contact[0].name),
	TF("contact_1_email", contact[0].email),
	TF("contact_1_phone", contact[0].phone),
	TF("contact_2_name", contact[1].name),
	TF("contact_2_email", contact[1].email),
	TF("contact_2_phone", contact[1].phone),
	TF("contact_3_name", contact[2].name),
	TF("contact_3_email", contact[2].email),
	TF("contact_3_phone", contact[2].phone),
};
#undef TF

/* Sets one field from text; false with *why (msgid) if the value is not acceptable. The
 * row's own validation (meeting_validate) follows. */
static bool set_field(struct meeting *m, const char *key, const char *v, const char **why)
{
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		if (strcmp(text_fields[i].name, key))
			continue;
		if (!copy_str((char *)m + text_fields[i].off, text_fields[i].size, v)) {
			*why = "The value is too long.";
			return false;
		}
		return true;
	}
	if (!strcmp(key, "slug")) {
		if (!copy_str(m->slug, sizeof m->slug, v)) {
			*why = "The slug is too long (at most 100 characters).";
			return false;
		}
	} else if (!strcmp(key, "day")) {
		if (!*v)
			return true;
		int d = meeting_parse_day(v);
		if (d < 0) {
			*why = "day must be 0 (Sunday) to 6 (Saturday), or a day's name.";
			return false;
		}
		m->days |= 1 << d;
	} else if (!strcmp(key, "time") || !strcmp(key, "end_time")) {
		int t = *v ? meeting_parse_time(v) : -1;
		if (*v && t < 0) {
			*why = "Times are HH:MM, like 19:30.";
			return false;
		}
		if (!strcmp(key, "time"))
			m->start_min = t;
		else
			m->end_min = t;
	} else if (!strcmp(key, "types")) {
		/* Codes or the plugin's names, separated by commas: normalised by validation. */
		struct buf b = BUF_INIT;
		char part[128];
		for (const char *p = v; *p;) {
			size_t len = strcspn(p, ",");
			if (len < sizeof part) {
				memcpy(part, p, len);
				part[len] = '\0';
				char *s = part;
				while (*s == ' ')
					s++;
				size_t sl = strlen(s);
				while (sl && s[sl - 1] == ' ')
					s[--sl] = '\0';
				const struct meeting_type *t = meeting_type_by_name(s);
				if (*s) {
					if (b.len)
						buf_addch(&b, ',');
					buf_adds(&b, t ? t->code : s);
				}
			}
			p += len;
			if (*p == ',')
				p++;
		}
		bool ok = copy_str(m->types, sizeof m->types, b.data);
		buf_release(&b);
		if (!ok) {
			*why = "Too many meeting types.";
			return false;
		}
	} else if (!strcmp(key, "latitude") || !strcmp(key, "longitude")) {
		if (!*v)
			return true;
		bool lat = key[1] == 'a';
		int64_t e6;
		if (!meeting_parse_coord(v, lat ? 90 : 180, &e6)) {
			*why = lat ? "latitude must be a number of degrees, -90 to 90." : "longitude must be a number of degrees, -180 to 180.";
			return false;
		}
		if (lat)
			m->lat_e6 = e6;
		else
			m->lon_e6 = e6;
		m->has_geo = true; /* both must come: checked after the row */
	} else if (!strcmp(key, "updated")) {
		if (!*v)
			return true;
		int64_t t = meeting_parse_updated(v);
		if (t < 0) {
			*why = "updated must be YYYY-MM-DD HH:MM:SS (UTC).";
			return false;
		}
		m->updated_at = t;
	} else if (!strcmp(key, "attendance_option") || !strcmp(key, "attendance")) {
		if (!strcmp(v, "in_person") || !strcmp(v, "online") || !strcmp(v, "hybrid") || !strcmp(v, "phone"))
			copy_str(m->attendance, sizeof m->attendance, v);
		/* "inactive" and unknown values: guessed from the fields instead. */
	} else if (!strcmp(key, "fellowship")) {
		const struct fellowship *f = *v ? fellowship_find(v) : NULL;
		if (*v && !f) {
			*why = "Unknown fellowship.";
			return false;
		}
		if (f)
			copy_str(m->fellowship, sizeof m->fellowship, f->key);
	} else if (!strcmp(key, "starts_on")) {
		if (*v && date_parse(v, &m->starts_on)) {
			*why = "starts_on must be YYYY-MM-DD.";
			return false;
		}
	}
	/* Anything else (venmo, image, entity fields…) is not kept. */
	return true;
}

static void row_begin(struct meeting *m, const char *tz, const char *fellowship, int64_t source_id)
{
	meeting_init(m);
	copy_str(m->timezone, sizeof m->timezone, tz && *tz ? tz : MEETING_DEFAULT_TZ);
	copy_str(m->fellowship, sizeof m->fellowship, fellowship && *fellowship ? fellowship : "aa");
	m->attendance[0] = '\0'; /* guessed unless the feed says */
	m->source_id = source_id;
}

/* Validates a filled row and keeps it, or records why not. */
static void row_end(struct meeting_import *imp, struct meeting *m, int row, bool lat, bool lon)
{
	if (m->has_geo && !(lat && lon)) {
		row_error(imp, row, m->slug, lat ? "longitude" : "latitude", "latitude and longitude come together.");
		return;
	}
	struct meeting_errors errs = { 0 };
	if (meeting_validate(m, &errs)) {
		row_error(imp, row, m->slug, errs.e[0].field, errs.e[0].message);
		return;
	}
	for (size_t i = 0; i < imp->n; i++)
		if (!strcmp(imp->rows[i].slug, m->slug)) {
			row_error(imp, row, m->slug, "slug", "This slug is used by another row of the feed.");
			return;
		}
	size_t cap = imp->cap;
	imp->rows = xgrow(imp->rows, &imp->cap, imp->n + 1, sizeof *imp->rows);
	imp->row_no = xgrow(imp->row_no, &cap, imp->n + 1, sizeof *imp->row_no);
	imp->rows[imp->n] = *m;
	imp->row_no[imp->n] = row;
	imp->n++;
}

/* ---- JSON ---- */

/* A JSON value as text for set_field: strings as they are, integers and reals printed,
 * true/false as names; arrays and objects are not text (NULL). */
static const char *json_text(json_t *v, char *tmp, size_t tmplen)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, tmplen, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, tmplen, "%.8f", json_real_value(v));
		return tmp;
	}
	if (json_is_null(v)) {
		tmp[0] = '\0';
		return tmp;
	}
	return NULL;
}

static void json_row(struct meeting_import *imp, json_t *o, int row, const char *tz, const char *fellowship,
		     int64_t source_id)
{
	struct meeting m;
	row_begin(&m, tz, fellowship, source_id);
	bool lat = false, lon = false;
	char tmp[64];
	if (!json_is_object(o)) {
		row_error(imp, row, NULL, "", "Each meeting must be a JSON object.");
		return;
	}
	/* The slug first, so every error of the row can name it. */
	json_t *slug = json_object_get(o, "slug");
	if (slug) {
		const char *t = json_text(slug, tmp, sizeof tmp);
		if (!t || json_is_null(slug) || json_is_real(slug) || !copy_str(m.slug, sizeof m.slug, t)) {
			row_error(imp, row, NULL, "slug", "slug must be a string or a whole number of at most 100 characters.");
			return;
		}
	} else {
		row_error(imp, row, NULL, "slug", "Every meeting needs a slug (its unique key in the feed).");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		const char *why = NULL;
		if (!strcmp(key, "slug"))
			continue;
		if (!strcmp(key, "day") && json_is_array(v)) {
			size_t i;
			json_t *d;
			json_array_foreach(v, i, d) {
				const char *t = json_text(d, tmp, sizeof tmp);
				if (!t || json_is_real(d) || !set_field(&m, "day", t, &why)) {
					row_error(imp, row, m.slug, "day", "day must be 0 (Sunday) to 6 (Saturday), or a list of them.");
					return;
				}
			}
			continue;
		}
		if ((!strcmp(key, "types") || !strcmp(key, "regions")) && json_is_array(v)) {
			struct buf b = BUF_INIT;
			size_t i, count = json_array_size(v);
			json_t *t;
			bool bad = false;
			json_array_foreach(v, i, t) {
				if (!json_is_string(t) || strchr(json_string_value(t), ',')) {
					bad = true;
					break;
				}
				if (!strcmp(key, "types")) {
					if (b.len)
						buf_addch(&b, ',');
					buf_adds(&b, json_string_value(t));
				} else if (i == 0 && !set_field(&m, "region", json_string_value(t), &why)) {
					bad = true;
				} else if (i == count - 1 && i > 0 && !set_field(&m, "sub_region", json_string_value(t), &why)) {
					bad = true;
				}
				if (bad)
					break;
			}
			if (!bad && !strcmp(key, "types") && !set_field(&m, "types", b.data, &why))
				bad = true;
			buf_release(&b);
			if (bad) {
				row_error(imp, row, m.slug, key, why ? why : "This must be a list of strings.");
				return;
			}
			continue;
		}
		const char *t = json_text(v, tmp, sizeof tmp);
		if (!t) {
			row_error(imp, row, m.slug, key, "This value has the wrong type (want text or a number).");
			return;
		}
		bool numeric = !strcmp(key, "latitude") || !strcmp(key, "longitude");
		if ((json_is_real(v) && !numeric) || (json_is_integer(v) && !numeric && strcmp(key, "day"))) {
			row_error(imp, row, m.slug, key, "This value has the wrong type (want text).");
			return;
		}
		if (!strcmp(key, "latitude"))
			lat = true;
		if (!strcmp(key, "longitude"))
			lon = true;
		if ((!strcmp(key, "latitude") || !strcmp(key, "longitude")) && !*t) {
			lat = lon = false;
			continue;
		}
		if (!set_field(&m, key, t, &why)) {
			row_error(imp, row, m.slug, key, why);
			return;
		}
	}
	row_end(imp, &m, row, lat, lon);
}

static int parse_json(const char *data, size_t len, const char *tz, const char *fellowship, int64_t source_id,
		      struct meeting_import *imp)
{
	json_error_t err;
	json_t *root = json_loadb(data, len, 0, &err);
	if (!root) {
		imp->fatal = "The file is not valid JSON.";
		return -1;
	}
	int ret = 0;
	if (!json_is_array(root)) {
		imp->fatal = "A Meeting Guide feed is a JSON array of meetings.";
		ret = -1;
	} else if (json_array_size(root) > MEETING_IMPORT_MAX_ROWS) {
		imp->fatal = "The feed has more meetings than one import takes (10,000).";
		ret = -1;
	} else {
		size_t i;
		json_t *o;
		imp->total = json_array_size(root);
		json_array_foreach(root, i, o)
			json_row(imp, o, (int)i + 1, tz, fellowship, source_id);
	}
	json_decref(root);
	return ret;
}

/* ---- CSV (RFC 4180: quotes, doubled quotes, line breaks inside quotes, CRLF or LF) ---- */

struct csv {
	const char *p, *end;
	struct buf field;
	bool eol;      /* the last field ended its record */
	bool bad;      /* an unterminated quote */
};

/* Reads the next field into c->field; false at the end of the data. */
static bool csv_next(struct csv *c)
{
	buf_reset(&c->field);
	c->eol = false;
	if (c->p >= c->end)
		return false;
	if (*c->p == '"') {
		c->p++;
		for (;;) {
			if (c->p >= c->end) {
				c->bad = true;
				c->eol = true;
				return true;
			}
			if (*c->p == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					buf_addch(&c->field, '"');
					c->p += 2;
					continue;
				}
				c->p++;
				break;
			}
			buf_addch(&c->field, *c->p++);
		}
		/* Junk between the closing quote and the separator is kept, as spreadsheets do. */
	}
	while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
		buf_addch(&c->field, *c->p++);
	if (c->p >= c->end) {
		c->eol = true;
	} else if (*c->p == ',') {
		c->p++;
	} else {
		if (*c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->eol = true;
	}
	return true;
}

/* A CSV header ("End Time", "Postal Code", "Contact 1 Name") folded to a feed name. */
static void header_key(const char *h, char *out, size_t outlen)
{
	size_t j = 0;
	for (const char *c = h; *c && j + 1 < outlen; c++) {
		if (*c == ' ' || *c == '-')
			out[j++] = '_';
		else if (*c >= 'A' && *c <= 'Z')
			out[j++] = (char)(*c + 32);
		else
			out[j++] = *c;
	}
	out[j] = '\0';
	/* A byte-order mark before the first header. */
	if (!strncmp(out, "\xef\xbb\xbf", 3))
		memmove(out, out + 3, strlen(out + 3) + 1);
}

enum { CSV_MAX_COLS = 64 };

static int parse_csv(const char *data, size_t len, const char *tz, const char *fellowship, int64_t source_id,
		     struct meeting_import *imp)
{
	struct csv c = { data, data + len, BUF_INIT, false, false };
	char keys[CSV_MAX_COLS][32];
	int ncols = 0, ret = 0;
	bool has_city = false;
	while (csv_next(&c)) {
		if (ncols == CSV_MAX_COLS) {
			imp->fatal = "The CSV file has too many columns.";
			ret = -1;
			goto out;
		}
		header_key(c.field.data, keys[ncols], sizeof keys[ncols]);
		has_city |= !strcmp(keys[ncols], "city");
		ncols++;
		if (c.eol)
			break;
	}
	bool named = false;
	for (int i = 0; i < ncols; i++)
		named |= !strcmp(keys[i], "name");
	if (!named) {
		imp->fatal = "The CSV file needs a header row with a Name column.";
		ret = -1;
		goto out;
	}
	/* The plugin's Address column is the whole address unless there is a City column. */
	for (int i = 0; i < ncols; i++)
		if (!strcmp(keys[i], "address") && !has_city)
			copy_str(keys[i], sizeof keys[i], "formatted_address");
	int row = 0;
	while (c.p < c.end) {
		struct meeting m;
		row_begin(&m, tz, fellowship, source_id);
		bool lat = false, lon = false, blank = true;
		const char *why = NULL, *bad_key = NULL;
		char slug[MEETING_SLUG_MAX] = "";
		int col = 0;
		for (;;) {
			if (!csv_next(&c))
				break;
			if (col < ncols) {
				const char *k = keys[col];
				const char *v = c.field.data;
				if (*v)
					blank = false;
				if (!strcmp(k, "slug"))
					copy_str(slug, sizeof slug, v);
				if (!strcmp(k, "latitude") && *v)
					lat = true;
				if (!strcmp(k, "longitude") && *v)
					lon = true;
				if (!bad_key && !set_field(&m, k, v, &why))
					bad_key = k;
			}
			col++;
			if (c.eol)
				break;
		}
		if (blank)
			continue; /* an empty line */
		row++;
		if (row > MEETING_IMPORT_MAX_ROWS) {
			imp->fatal = "The feed has more meetings than one import takes (10,000).";
			ret = -1;
			goto out;
		}
		imp->total = (size_t)row;
		if (c.bad) {
			row_error(imp, row, slug, "", "A quoted field is not closed.");
			break;
		}
		if (bad_key) {
			row_error(imp, row, slug, bad_key, why);
			continue;
		}
		if (!m.slug[0] && m.name[0]) {
			/* The plugin's exports may leave Slug empty: make one, unique in the feed. */
			char base[MEETING_SLUG_MAX];
			meeting_slugify(m.name, base, sizeof base);
			copy_str(m.slug, sizeof m.slug, base);
			for (int k = 2; k < 10000; k++) {
				bool taken = false;
				for (size_t i = 0; i < imp->n && !taken; i++)
					taken = !strcmp(imp->rows[i].slug, m.slug);
				if (!taken)
					break;
				snprintf(m.slug, sizeof m.slug, "%.90s-%d", base, k);
			}
		}
		row_end(imp, &m, row, lat, lon);
	}
out:
	buf_release(&c.field);
	return ret;
}

int meeting_import_parse(const char *data, size_t len, enum import_format format, const char *default_tz,
			 const char *default_fellowship, int64_t source_id, struct meeting_import *imp)
{
	imp->fatal = NULL;
	if (!data || len > MEETING_IMPORT_MAX_BYTES) {
		imp->fatal = "The file is too large (at most 32 MB).";
		return -1;
	}
	if (memchr(data, '\0', len)) {
		imp->fatal = "The file contains a NUL byte: it is not text.";
		return -1;
	}
	return format == IMPORT_CSV ? parse_csv(data, len, default_tz, default_fellowship, source_id, imp)
				    : parse_json(data, len, default_tz, default_fellowship, source_id, imp);
}

enum import_format meeting_import_guess(const char *name, const char *data, size_t len)
{
	size_t n = name ? strlen(name) : 0;
	if (n >= 4 && !strcasecmp(name + n - 4, ".csv"))
		return IMPORT_CSV;
	if (n >= 5 && !strcasecmp(name + n - 5, ".json"))
		return IMPORT_JSON;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
			continue;
		return data[i] == '[' || data[i] == '{' ? IMPORT_JSON : IMPORT_CSV;
	}
	return IMPORT_JSON;
}

/* ---- the plan ---- */

void import_plan_release(struct import_plan *p)
{
	free(p->upserts);
	free(p->remove_ids);
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* The listing's content: everything an import can change. */
static bool same_content(const struct meeting *a, const struct meeting *b)
{
	if (a->days != b->days || a->start_min != b->start_min || a->end_min != b->end_min ||
	    a->starts_on != b->starts_on || a->has_geo != b->has_geo ||
	    (a->has_geo && (a->lat_e6 != b->lat_e6 || a->lon_e6 != b->lon_e6)))
		return false;
	const char *fa[] = { a->slug, a->name, a->timezone, a->rrule, a->location, a->location_notes,
			     a->formatted_address, a->address, a->city, a->state, a->postal_code, a->country,
			     a->region, a->sub_region, a->types, a->notes, a->group_name, a->group_notes,
			     a->fellowship, a->attendance, a->conference_url, a->conference_url_notes,
			     a->conference_phone, a->conference_phone_notes, a->website, a->email, a->phone, a->url };
	const char *fb[] = { b->slug, b->name, b->timezone, b->rrule, b->location, b->location_notes,
			     b->formatted_address, b->address, b->city, b->state, b->postal_code, b->country,
			     b->region, b->sub_region, b->types, b->notes, b->group_name, b->group_notes,
			     b->fellowship, b->attendance, b->conference_url, b->conference_url_notes,
			     b->conference_phone, b->conference_phone_notes, b->website, b->email, b->phone, b->url };
	for (size_t i = 0; i < sizeof fa / sizeof fa[0]; i++)
		if (strcmp(fa[i], fb[i]))
			return false;
	for (int i = 0; i < MEETING_CONTACTS; i++)
		if (strcmp(a->contact[i].name, b->contact[i].name) || strcmp(a->contact[i].email, b->contact[i].email) ||
		    strcmp(a->contact[i].phone, b->contact[i].phone))
			return false;
	return true;
}

static int cmp_slug_idx(const void *x, const void *y, void *arg)
{
	const struct meeting *rows = arg;
	return strcmp(rows[*(const size_t *)x].slug, rows[*(const size_t *)y].slug);
}

/* Index of slug in rows through the sorted order ix, or -1. */
static long find_slug(const struct meeting *rows, const size_t *ix, size_t n, const char *slug)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rows[ix[mid]].slug, slug);
		if (c == 0)
			return (long)ix[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void plan_item(struct import_plan *p, size_t *cap, char kind, const struct meeting *m)
{
	p->items = xgrow(p->items, cap, p->nitems + 1, sizeof *p->items);
	struct import_item *it = &p->items[p->nitems++];
	it->kind = kind;
	it->id = m->id;
	copy_str(it->slug, sizeof it->slug, m->slug);
	copy_str(it->name, sizeof it->name, m->name);
}

int meeting_import_plan(struct store *s, int64_t org_id, int64_t source_id, const struct meeting_import *imp,
			struct import_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	struct meeting *have = NULL;
	size_t nhave = 0;
	int rc = store_meeting_all(s, org_id, &have, &nhave);
	if (rc)
		return rc;
	size_t *ix = nhave ? xmalloc(nhave * sizeof *ix) : NULL;
	for (size_t i = 0; i < nhave; i++)
		ix[i] = i;
	if (nhave)
		qsort_r(ix, nhave, sizeof *ix, cmp_slug_idx, have);
	bool *in_feed = nhave ? xcalloc(nhave, sizeof *in_feed) : NULL;
	size_t ucap = 0, icap = 0, rcap = 0;
	int64_t now = now_seconds();
	for (size_t i = 0; i < imp->n; i++) {
		struct meeting row = imp->rows[i];
		long k = find_slug(have, ix, nhave, row.slug);
		if (k >= 0) {
			const struct meeting *old = &have[k];
			in_feed[k] = true;
			row.id = old->id;
			row.created_at = old->created_at;
			row.public = old->public; /* an editor's unpublish stays */
			if (old->removed_at == 0 && same_content(&row, old)) {
				plan->unchanged++;
				continue;
			}
			if (!row.updated_at)
				row.updated_at = now;
			if (old->removed_at) {
				row.public = true; /* back in the feed: listed again */
				plan->added++;
				plan_item(plan, &icap, '+', &row);
			} else {
				plan->changed++;
				plan_item(plan, &icap, '~', &row);
			}
			row.removed_at = 0;
		} else {
			row.id = 0;
			row.public = true;
			row.removed_at = 0;
			if (!row.updated_at)
				row.updated_at = now;
			plan->added++;
			plan_item(plan, &icap, '+', &row);
		}
		row.source_id = source_id;
		plan->upserts = xgrow(plan->upserts, &ucap, plan->nupserts + 1, sizeof *plan->upserts);
		plan->upserts[plan->nupserts++] = row;
	}
	/* Removals: this source's listed meetings the feed no longer has — unless a rejected
	 * row may have been one of them. */
	for (size_t k = 0; k < nhave && !imp->unslugged_error; k++) {
		const struct meeting *old = &have[k];
		if (in_feed[k] || old->removed_at || old->source_id != source_id)
			continue;
		bool rejected = false;
		for (size_t e = 0; e < imp->nerrors && !rejected; e++)
			rejected = !strcmp(imp->errors[e].slug, old->slug);
		if (rejected || (imp->nerrors >= MAX_ERRORS_KEPT))
			continue;
		plan->remove_ids = xgrow(plan->remove_ids, &rcap, plan->nremove + 1, sizeof *plan->remove_ids);
		plan->remove_ids[plan->nremove++] = old->id;
		plan_item(plan, &icap, '-', old);
	}
	free(in_feed);
	free(ix);
	free(have);
	return 0;
}

/* ---- running ---- */

void import_result_release(struct import_result *res)
{
	meeting_import_release(&res->imp);
	import_plan_release(&res->plan);
}

static void run_message(struct import_result *res, const char *headline)
{
	struct buf b = BUF_INIT;
	if (headline)
		buf_addf(&b, "%s\n", headline);
	buf_addf(&b, "%zu rows: %zu added, %zu changed, %zu removed, %zu unchanged, %zu rejected.", res->imp.total,
		 res->plan.added, res->plan.changed, res->plan.nremove, res->plan.unchanged,
		 res->imp.total - res->imp.n);
	for (size_t i = 0; i < res->imp.nerrors && i < MESSAGE_ERRORS; i++) {
		const struct import_error *e = &res->imp.errors[i];
		buf_addf(&b, "\nrow %d%s%s%s: %s", e->row, e->slug[0] ? " (" : "", e->slug, e->slug[0] ? ")" : "",
			 e->message);
		if (e->field[0])
			buf_addf(&b, " [%s]", e->field);
	}
	if (res->imp.nerrors > MESSAGE_ERRORS)
		buf_addf(&b, "\n… and %zu more.", res->imp.total - res->imp.n - MESSAGE_ERRORS);
	/* Cut at a character boundary to fit the history's column. */
	size_t max = sizeof res->run.message - 1;
	size_t n = b.len < max ? b.len : max;
	while (n > 0 && n < b.len && ((unsigned char)b.data[n] & 0xc0) == 0x80)
		n--;
	memcpy(res->run.message, b.data, n);
	res->run.message[n] = '\0';
	buf_release(&b);
}

int meeting_import_run(struct accounts *ac, const struct actor *who, int64_t org_id, const struct meeting_source *src,
		       const char *data, size_t len, bool dry_run, struct import_result *res)
{
	memset(res, 0, sizeof *res);
	meeting_import_init(&res->imp);
	res->run.source_id = src->id;
	res->run.by_user = who->user_id;
	res->run.at = now_seconds();
	enum import_format fmt = !strcmp(src->format, "csv") ? IMPORT_CSV : IMPORT_JSON;
	const char *fail = NULL;
	int rc = 0;
	if (meeting_import_parse(data, len, fmt, src->timezone, src->fellowship, src->id, &res->imp)) {
		fail = res->imp.fatal;
	} else if ((rc = meeting_import_plan(ac->store, org_id, src->id, &res->imp, &res->plan))) {
		return rc;
	} else if (res->imp.n == 0) {
		fail = "The feed has no valid meetings: nothing was changed.";
	} else if (res->imp.total - res->imp.n > res->imp.n) {
		fail = "More rows were rejected than accepted: nothing was changed. Fix the feed and try again.";
	}
	res->run.added = (int)res->plan.added;
	res->run.changed = (int)res->plan.changed;
	res->run.removed = (int)res->plan.nremove;
	res->run.unchanged = (int)res->plan.unchanged;
	res->run.rejected = (int)(res->imp.total - res->imp.n);
	if (fail) {
		/* Nothing applies: the counts say what would have. */
		copy_str(res->run.status, sizeof res->run.status, "failed");
		run_message(res, fail);
		return store_meeting_run_add(ac->store, org_id, &res->run);
	}
	run_message(res, NULL);
	if (dry_run) {
		copy_str(res->run.status, sizeof res->run.status, "preview");
		return store_meeting_run_add(ac->store, org_id, &res->run);
	}
	for (size_t i = 0; i < res->plan.nupserts; i++)
		res->plan.upserts[i].updated_by = who->user_id;
	rc = store_meeting_import_apply(ac->store, org_id, res->plan.upserts, res->plan.nupserts, res->plan.remove_ids,
					res->plan.nremove, &res->run);
	if (rc)
		return rc;
	res->applied = true;
	char oid[24], detail[128];
	snprintf(oid, sizeof oid, "%" PRId64, src->id);
	snprintf(detail, sizeof detail, "run %" PRId64 ": %d added, %d changed, %d removed, %d rejected", res->run.id,
		 res->run.added, res->run.changed, res->run.removed, res->run.rejected);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "meeting.import", "meeting_source", oid,
		    detail);
	directory_changed();
	return 0;
}

/* ---- fetching ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sink {
	struct buf *out;
	size_t max;
	bool too_big;
};

static size_t sink_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	if (s->out->len + n > s->max) {
		s->too_big = true;
		return 0; /* aborts the transfer */
	}
	buf_add(s->out, data, n);
	return n;
}

int meeting_fetch_url(const char *url, size_t max, struct buf *out, char *err, size_t errlen)
{
	if (!url || (strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7))) {
		snprintf(err, errlen, "only http:// and https:// addresses can be fetched");
		return -1;
	}
	pthread_once(&curl_once, curl_init);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	struct sink sink = { out, max, false };
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MEETING_FETCH_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tolv meeting import (+https://github.com/)");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "the feed is larger than %zu bytes", max);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}
