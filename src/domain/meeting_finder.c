/* meeting_finder.c: the in-memory public directory — snapshots, the feed, the search and
 * the exports (see meeting_finder.h). */
#include "domain/meeting_finder.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/meeting_types.h"
#include "domain/meetings.h"

enum {
	PAGE = 500,                  /* meetings read from the store per call */
	WINDOW_BEFORE = 86400,       /* occurrences kept from a day before the build… */
	WINDOW_AFTER = 36 * 86400,   /* …to five weeks after it */
	REBUILD_AFTER = 12 * 3600,   /* so the window always reaches a month ahead */
	CHECK_EVERY_MS = 1000,       /* how stale a process may be about others' changes */
	OCC_PER_MEETING = 64,        /* at most: a daily meeting over the window is 37 */
	ARENA_CHUNK = 64 * 1024,
};

/* ---- strings that live as long as their snapshot ---- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

static const char *arena_str(struct chunk **head, const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return "";
	struct chunk *c = *head;
	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;
		c = xmalloc(sizeof *c + cap);
		c->next = *head;
		c->used = 0;
		c->cap = cap;
		*head = c;
	}
	char *p = c->data + c->used;
	memcpy(p, s, n + 1);
	c->used += n + 1;
	return p;
}

static void arena_free(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* ---- the snapshot ---- */

struct occ {
	int64_t start;
	int32_t idx;       /* into meetings[] */
	int32_t local_day;
	int32_t offset;    /* local minus UTC, seconds, at the start */
	int16_t local_min;
	int8_t wday;
	int8_t pad;
	int32_t dur_min;
};

struct place {
	const char *name;  /* folded */
	double lat, lon;
	int n;
};

struct directory {
	atomic_int refs;
	struct store *store;
	int64_t version, changed_at, built_at;
	struct dir_meeting *meetings; /* by id */
	size_t n;
	struct occ *occ;              /* by start */
	size_t nocc;
	struct place *places;
	size_t nplaces;
	const char **regions;         /* distinct, sorted */
	size_t nregions;
	char *feed;
	size_t feed_len;
	char etag[40];
	struct chunk *arena;
};

static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;   /* guards current, last_check */
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER; /* one builder at a time */
static struct directory *current;
static int64_t last_check_ms;
static atomic_bool dirty;

void directory_changed(void)
{
	atomic_store(&dirty, true);
}

static void directory_free(struct directory *d)
{
	if (!d)
		return;
	free(d->meetings);
	free(d->occ);
	free(d->places);
	free(d->regions);
	free(d->feed);
	arena_free(d->arena);
	free(d);
}

void directory_release(struct directory *d)
{
	if (d && atomic_fetch_sub(&d->refs, 1) == 1)
		directory_free(d);
}

/* Folds a name for comparison: ASCII and Latin-1 capitals (Æ Ø Å Ä Ö…) to lower case. */
static void fold(const char *in, char *out, size_t outlen)
{
	size_t j = 0;
	for (const unsigned char *c = (const unsigned char *)in; *c && j + 2 < outlen; c++) {
		if (*c >= 'A' && *c <= 'Z') {
			out[j++] = (char)(*c + 32);
		} else if (*c == 0xc3 && c[1] >= 0x80 && c[1] <= 0x9e && c[1] != 0x97) {
			out[j++] = (char)*c;
			out[j++] = (char)(*++c + 0x20);
		} else {
			out[j++] = (char)*c;
		}
	}
	out[j] = '\0';
}

static void place_add(struct directory *d, size_t *cap, const char *name, double lat, double lon)
{
	if (!*name)
		return;
	char f[MEETING_NAME_MAX];
	fold(name, f, sizeof f);
	for (size_t i = 0; i < d->nplaces; i++) {
		if (!strcmp(d->places[i].name, f)) {
			d->places[i].lat += lat;
			d->places[i].lon += lon;
			d->places[i].n++;
			return;
		}
	}
	d->places = xgrow(d->places, cap, d->nplaces + 1, sizeof *d->places);
	d->places[d->nplaces++] = (struct place){ arena_str(&d->arena, f), lat, lon, 1 };
}

void dir_meeting_when(const struct dir_meeting *m, struct recur_spec *r)
{
	r->days = m->days;
	r->start_min = m->start_min;
	r->end_min = m->end_min;
	r->timezone = m->timezone;
	r->rrule = m->rrule;
	r->starts_on = m->starts_on;
}

static unsigned flags_of(const struct meeting *m)
{
	unsigned f = 0;
	if (types_has(m->types, "O"))
		f |= DIR_OPEN;
	if (types_has(m->types, "C"))
		f |= DIR_CLOSED;
	if (types_has(m->types, "X"))
		f |= DIR_WHEELCHAIR;
	if (!strcmp(m->attendance, "in_person") || !strcmp(m->attendance, "hybrid"))
		f |= DIR_IN_PERSON;
	if (strcmp(m->attendance, "in_person") != 0)
		f |= DIR_REMOTE;
	return f;
}

/* ---- the feed ---- */

static void put_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

void meeting_feed_json(const struct meeting *m, const char *slug, const char *url_base, struct buf *out)
{
	json_t *o = json_object();
	char t[32];
	put_str(o, "name", m->name);
	put_str(o, "slug", slug ? slug : m->slug);
	/* One day is an integer, several an array (both are the specification's). */
	int ndays = 0, last = -1;
	for (int d = 0; d < 7; d++)
		if (m->days & (1 << d)) {
			ndays++;
			last = d;
		}
	if (ndays == 1) {
		json_object_set_new(o, "day", json_integer(last));
	} else if (ndays > 1) {
		json_t *a = json_array();
		for (int d = 0; d < 7; d++)
			if (m->days & (1 << d))
				json_array_append_new(a, json_integer(d));
		json_object_set_new(o, "day", a);
	}
	if (m->start_min >= 0) {
		meeting_format_time(m->start_min, t, sizeof t);
		put_str(o, "time", t);
	}
	if (m->end_min >= 0) {
		meeting_format_time(m->end_min, t, sizeof t);
		put_str(o, "end_time", t);
	}
	put_str(o, "timezone", m->timezone);
	if (m->types[0]) {
		json_t *a = json_array();
		char types[MEETING_TYPES_MAX];
		copy_str(types, sizeof types, m->types);
		for (char *p = types; p && *p;) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			json_array_append_new(a, json_string(p));
			p = comma ? comma + 1 : NULL;
		}
		json_object_set_new(o, "types", a);
	}
	put_str(o, "notes", m->notes);
	put_str(o, "group", m->group_name);
	put_str(o, "group_notes", m->group_notes);
	meeting_format_updated(m->updated_at, t, sizeof t);
	put_str(o, "updated", t);
	if (m->url[0]) {
		put_str(o, "url", m->url);
	} else if (url_base && *url_base) {
		struct buf u = BUF_INIT;
		buf_addf(&u, "%s/meetings/%" PRId64, url_base, m->id);
		put_str(o, "url", u.data);
		buf_release(&u);
	}
	put_str(o, "location", m->location);
	put_str(o, "location_notes", m->location_notes);
	put_str(o, "formatted_address", m->formatted_address);
	put_str(o, "address", m->address);
	put_str(o, "city", m->city);
	put_str(o, "state", m->state);
	put_str(o, "postal_code", m->postal_code);
	put_str(o, "country", m->country);
	if (m->has_geo) {
		json_object_set_new(o, "latitude", json_real((double)m->lat_e6 / 1e6));
		json_object_set_new(o, "longitude", json_real((double)m->lon_e6 / 1e6));
	}
	put_str(o, "region", m->region);
	put_str(o, "sub_region", m->sub_region);
	put_str(o, "conference_url", m->conference_url);
	put_str(o, "conference_url_notes", m->conference_url_notes);
	put_str(o, "conference_phone", m->conference_phone);
	put_str(o, "conference_phone_notes", m->conference_phone_notes);
	put_str(o, "website", m->website);
	put_str(o, "email", m->email);
	put_str(o, "phone", m->phone);
	static const char *const keys[3][3] = { { "contact_1_name", "contact_1_email", "contact_1_phone" },
						 { "contact_2_name", "contact_2_email", "contact_2_phone" },
						 { "contact_3_name", "contact_3_email", "contact_3_phone" } };
	for (int i = 0; i < MEETING_CONTACTS; i++) {
		put_str(o, keys[i][0], m->contact[i].name);
		put_str(o, keys[i][1], m->contact[i].email);
		put_str(o, keys[i][2], m->contact[i].phone);
	}
	/* TSML UI's attendance_option, and our fellowship: readers ignore what they do not
	 * know. A phone-only meeting is "online" to TSML. */
	put_str(o, "attendance_option", !strcmp(m->attendance, "phone") ? "online" : m->attendance);
	const struct fellowship *f = fellowship_find(m->fellowship);
	put_str(o, "fellowship", f ? f->abbr : m->fellowship);
	/* 9 significant digits: latitude and longitude keep their 6 decimals, no more. */
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
	if (s) {
		buf_adds(out, s);
		free(s);
	}
	json_decref(o);
}

/* The installation's public address for "url", from TOLV_PUBLIC_URL ("" if unset). */
static void url_base(char *out, size_t outlen)
{
	const char *v = getenv("TOLV_PUBLIC_URL");
	if (!v || !copy_str(out, outlen, v) || (strncmp(out, "https://", 8) && strncmp(out, "http://", 7)))
		out[0] = '\0';
	size_t n = strlen(out);
	while (n && out[n - 1] == '/')
		out[--n] = '\0';
}

/* ---- the search API's objects ---- */

void json_string_append(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_addch(b, '"');
	const unsigned char *c = (const unsigned char *)s;
	while (*c) {
		/* The run of bytes that need no escape goes in with one copy. */
		const unsigned char *run = c;
		while (*c >= 0x20 && *c != '"' && *c != '\\' && *c != '<')
			c++;
		if (c > run)
			buf_add(b, run, (size_t)(c - run));
		if (!*c)
			break;
		switch (*c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '<': buf_adds(b, "\\u003c"); break;
		default: {
			char e[7] = { '\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 15], 0 };
			buf_adds(b, e);
		}
		}
		c++;
	}
	buf_addch(b, '"');
}

static void jkey(struct buf *b, const char *key, const char *v)
{
	buf_addch(b, ',');
	json_string_append(b, key);
	buf_addch(b, ':');
	json_string_append(b, v);
}

/* {"id":…,"slug":…,… up to "url" — open: the search closes it (see dir_meeting.api_json). */
static void api_object(const struct dir_meeting *m, struct buf *b)
{
	char t[8];
	buf_addf(b, "{\"id\":%" PRId64, m->id);
	jkey(b, "slug", m->slug);
	jkey(b, "name", m->name);
	const struct fellowship *f = fellowship_find(m->fellowship);
	jkey(b, "fellowship", f ? f->abbr : m->fellowship);
	jkey(b, "attendance", m->attendance);
	buf_adds(b, ",\"days\":[");
	bool first = true;
	for (int d = 0; d < 7; d++)
		if (m->days & (1 << d)) {
			buf_addf(b, "%s%d", first ? "" : ",", d);
			first = false;
		}
	buf_addch(b, ']');
	meeting_format_time(m->start_min, t, sizeof t);
	jkey(b, "time", t);
	meeting_format_time(m->end_min, t, sizeof t);
	jkey(b, "end_time", t);
	jkey(b, "timezone", m->timezone);
	if (*m->rrule)
		jkey(b, "rrule", m->rrule);
	jkey(b, "location", m->location);
	jkey(b, "formatted_address", *m->formatted_address ? m->formatted_address : m->address);
	jkey(b, "region", m->region);
	buf_adds(b, ",\"types\":[");
	first = true;
	for (const char *p = m->types; *p;) {
		size_t len = strcspn(p, ",");
		char code[32];
		if (len < sizeof code) {
			memcpy(code, p, len);
			code[len] = '\0';
			if (!first)
				buf_addch(b, ',');
			json_string_append(b, code);
			first = false;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	buf_addch(b, ']');
	if (*m->conference_url)
		jkey(b, "conference_url", m->conference_url);
	if (*m->conference_phone)
		jkey(b, "conference_phone", m->conference_phone);
	if (m->has_geo)
		buf_addf(b, ",\"latitude\":%.6f,\"longitude\":%.6f", m->lat, m->lon);
	buf_addf(b, ",\"url\":\"/meetings/%" PRId64 "\"", m->id);
}

/* ---- building ---- */

/* A small open-addressing set of feed slugs, to make them unique across organisations. */
struct slugset {
	const char **slot;
	size_t cap;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static bool slugset_add(struct slugset *set, const char *s)
{
	size_t i = (size_t)(hash_str(s) & (set->cap - 1));
	while (set->slot[i]) {
		if (!strcmp(set->slot[i], s))
			return false;
		i = (i + 1) & (set->cap - 1);
	}
	set->slot[i] = s;
	return true;
}

static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int build(struct store *s, int64_t now, int64_t version, int64_t changed_at, struct directory **out)
{
	struct directory *d = xcalloc(1, sizeof *d);
	atomic_init(&d->refs, 1);
	d->store = s;
	d->version = version;
	d->changed_at = changed_at;
	d->built_at = now;
	snprintf(d->etag, sizeof d->etag, "\"mg-%" PRId64 "\"", version);
	char base[MEETING_URL_MAX];
	url_base(base, sizeof base);

	struct buf feed = BUF_INIT, scratch = BUF_INIT;
	buf_addch(&feed, '[');
	bool first = true;
	size_t cap = 0, occ_cap = 0, place_cap = 0, region_cap = 0;
	struct slugset slugs = { NULL, 0 };
	struct occurrence *tmp = xmalloc(OCC_PER_MEETING * sizeof *tmp);
	int64_t after = 0;
	int rc = 0;
	for (;;) {
		struct meeting *rows = NULL;
		size_t n = 0;
		if ((rc = store_meeting_public_page(s, after, PAGE, &rows, &n)))
			break;
		if (n == 0) {
			free(rows);
			break;
		}
		d->meetings = xgrow(d->meetings, &cap, d->n + n, sizeof *d->meetings);
		if (slugs.cap < 2 * (d->n + n)) {
			/* Re-hash into a bigger table: slugs already in it point into the arena. */
			size_t ncap = 1024;
			while (ncap < 4 * (d->n + n))
				ncap *= 2;
			struct slugset bigger = { xcalloc(ncap, sizeof *bigger.slot), ncap };
			for (size_t i = 0; i < d->n; i++)
				slugset_add(&bigger, d->meetings[i].slug);
			free(slugs.slot);
			slugs = bigger;
		}
		for (size_t i = 0; i < n; i++) {
			const struct meeting *m = &rows[i];
			after = m->id;
			struct dir_meeting *x = &d->meetings[d->n];
			memset(x, 0, sizeof *x);
			x->id = m->id;
			x->org_id = m->org_id;
			x->slug = arena_str(&d->arena, m->slug);
			if (!slugset_add(&slugs, x->slug)) {
				/* Two organisations use one slug: the later one gets its id added. */
				char buf[MEETING_SLUG_MAX + 24];
				snprintf(buf, sizeof buf, "%s-m%" PRId64, m->slug, m->id);
				x->slug = arena_str(&d->arena, buf);
				slugset_add(&slugs, x->slug);
			}
#define S(field, src) x->field = arena_str(&d->arena, m->src)
			S(name, name);
			S(location, location);
			S(location_notes, location_notes);
			S(formatted_address, formatted_address);
			S(address, address);
			S(city, city);
			S(postal_code, postal_code);
			S(country, country);
			S(region, region);
			S(sub_region, sub_region);
			S(types, types);
			S(notes, notes);
			S(group, group_name);
			S(fellowship, fellowship);
			S(attendance, attendance);
			S(timezone, timezone);
			S(rrule, rrule);
			S(conference_url, conference_url);
			S(conference_url_notes, conference_url_notes);
			S(conference_phone, conference_phone);
			S(conference_phone_notes, conference_phone_notes);
			S(url, url);
#undef S
			x->days = m->days;
			x->start_min = m->start_min;
			x->end_min = m->end_min;
			x->starts_on = m->starts_on;
			x->has_geo = m->has_geo;
			x->lat = (double)m->lat_e6 / 1e6;
			x->lon = (double)m->lon_e6 / 1e6;
			x->updated_at = m->updated_at;
			x->flags = flags_of(m);
			buf_reset(&scratch);
			api_object(x, &scratch);
			x->api_json = arena_str(&d->arena, scratch.data);

			if (!m->rrule[0]) {
				if (!first)
					buf_addch(&feed, ',');
				meeting_feed_json(m, x->slug, base, &feed);
				first = false;
			}
			struct recur_spec r;
			dir_meeting_when(x, &r);
			size_t k = recur_between(&r, now - WINDOW_BEFORE, now + WINDOW_AFTER, tmp, OCC_PER_MEETING);
			d->occ = xgrow(d->occ, &occ_cap, d->nocc + k, sizeof *d->occ);
			for (size_t j = 0; j < k; j++) {
				int64_t local = (int64_t)tmp[j].local_day * 86400 + tmp[j].local_min * 60;
				d->occ[d->nocc++] = (struct occ){ .start = tmp[j].start,
								  .idx = (int32_t)d->n,
								  .local_day = tmp[j].local_day,
								  .offset = (int32_t)(local - tmp[j].start),
								  .local_min = tmp[j].local_min,
								  .wday = tmp[j].wday,
								  .dur_min = (int32_t)((tmp[j].end - tmp[j].start) / 60) };
			}
			if (x->has_geo) {
				place_add(d, &place_cap, x->region, x->lat, x->lon);
				place_add(d, &place_cap, x->sub_region, x->lat, x->lon);
				place_add(d, &place_cap, x->city, x->lat, x->lon);
				place_add(d, &place_cap, x->location, x->lat, x->lon);
			}
			if (*x->region) {
				d->regions = xgrow(d->regions, &region_cap, d->nregions + 1, sizeof *d->regions);
				d->regions[d->nregions++] = x->region;
			}
			d->n++;
		}
		free(rows);
		if (n < PAGE)
			break;
	}
	free(tmp);
	free(slugs.slot);
	buf_release(&scratch);
	buf_adds(&feed, "]\n");
	if (rc) {
		buf_release(&feed);
		directory_free(d);
		return rc;
	}
	d->feed = buf_detach(&feed, &d->feed_len);
	if (d->nocc)
		qsort(d->occ, d->nocc, sizeof *d->occ, cmp_occ);
	for (size_t i = 0; i < d->nplaces; i++) {
		d->places[i].lat /= d->places[i].n;
		d->places[i].lon /= d->places[i].n;
	}
	if (d->nregions)
		qsort(d->regions, d->nregions, sizeof *d->regions, cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < d->nregions; i++)
		if (!u || strcmp(d->regions[u - 1], d->regions[i]))
			d->regions[u++] = d->regions[i];
	d->nregions = u;
	*out = d;
	return 0;
}

struct directory *directory_get(struct store *s, int64_t now, int *rc)
{
	int64_t now_ms = now_millis();
	*rc = 0;
	pthread_mutex_lock(&dir_lock);
	struct directory *cur = current;
	if (cur)
		atomic_fetch_add(&cur->refs, 1);
	bool check = !cur || cur->store != s || atomic_load(&dirty) || now_ms - last_check_ms >= CHECK_EVERY_MS ||
		     now - cur->built_at >= REBUILD_AFTER || now < cur->built_at - 3600;
	if (check)
		last_check_ms = now_ms; /* the others keep serving cur meanwhile */
	pthread_mutex_unlock(&dir_lock);
	if (!check)
		return cur;

	atomic_store(&dirty, false); /* a change after this read sets it again */
	int64_t version = 0, changed_at = 0;
	int r = store_directory_version(s, &version, &changed_at);
	if (r) {
		if (cur)
			return cur; /* the database is away: the last snapshot is still true enough */
		*rc = r;
		return NULL;
	}
	if (cur && cur->store == s && cur->version == version && now - cur->built_at < REBUILD_AFTER &&
	    now >= cur->built_at - 3600)
		return cur;

	pthread_mutex_lock(&build_lock);
	/* Someone may have built it while we waited. */
	pthread_mutex_lock(&dir_lock);
	struct directory *now_cur = current;
	bool fresh = now_cur && now_cur->store == s && now_cur->version == version &&
		     now - now_cur->built_at < REBUILD_AFTER && now >= now_cur->built_at - 3600;
	if (fresh)
		atomic_fetch_add(&now_cur->refs, 1);
	pthread_mutex_unlock(&dir_lock);
	if (fresh) {
		pthread_mutex_unlock(&build_lock);
		directory_release(cur);
		return now_cur;
	}
	struct directory *d = NULL;
	r = build(s, now, version, changed_at, &d);
	if (r) {
		pthread_mutex_unlock(&build_lock);
		if (cur)
			return cur;
		*rc = r;
		return NULL;
	}
	atomic_fetch_add(&d->refs, 1); /* one for current, one for the caller */
	pthread_mutex_lock(&dir_lock);
	struct directory *old = current;
	current = d;
	pthread_mutex_unlock(&dir_lock);
	pthread_mutex_unlock(&build_lock);
	directory_release(old);
	directory_release(cur);
	return d;
}

const char *directory_feed(const struct directory *d, size_t *len)
{
	*len = d->feed_len;
	return d->feed;
}

const char *directory_etag(const struct directory *d)
{
	return d->etag;
}

int64_t directory_changed_at(const struct directory *d)
{
	return d->changed_at;
}

size_t directory_count(const struct directory *d)
{
	return d->n;
}

const struct dir_meeting *directory_find(const struct directory *d, int64_t id)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->meetings[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->meetings[lo].id == id ? &d->meetings[lo] : NULL;
}

bool directory_place(const struct directory *d, const char *name, double *lat, double *lon)
{
	char f[MEETING_NAME_MAX];
	fold(name, f, sizeof f);
	for (size_t i = 0; i < d->nplaces; i++)
		if (!strcmp(d->places[i].name, f)) {
			*lat = d->places[i].lat;
			*lon = d->places[i].lon;
			return true;
		}
	return false;
}

size_t directory_regions(const struct directory *d, const char **out, size_t max)
{
	size_t n = d->nregions < max ? d->nregions : max;
	for (size_t i = 0; i < n; i++)
		out[i] = d->regions[i];
	return n;
}

/* ---- the query ---- */

void finder_query_init(struct finder_query *q, int limit)
{
	memset(q, 0, sizeof *q);
	q->day = -1;
	q->km = 10;
	q->limit = limit;
}

static bool param_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
	return parse_int64(v, min, max, out) == 0;
}

int finder_query_parse(struct finder_query *q, const struct directory *d, const char *(*get)(void *arg, const char *name),
		       void *arg, int max_limit, const char **field, const char **why)
{
	const char *v;
	int64_t n;
#define BAD(f, msg)                                                                                \
	do {                                                                                       \
		*field = (f);                                                                      \
		*why = (msg);                                                                      \
		return -1;                                                                         \
	} while (0)
	if ((v = get(arg, "day")) && *v && strcmp(v, "any")) {
		if (!strcmp(v, "today")) {
			q->day = -2; /* resolved per meeting: its local today */
		} else if ((q->day = meeting_parse_day(v)) < 0) {
			BAD("day", "Choose a day of the week.");
		}
	}
	if ((v = get(arg, "when")) && *v) {
		if (!strcmp(v, "any"))
			q->when = FINDER_ANY;
		else if (!strcmp(v, "soon"))
			q->when = FINDER_SOON;
		else if (!strcmp(v, "evening"))
			q->when = FINDER_EVENING;
		else if (!strcmp(v, "today"))
			q->when = FINDER_TODAY;
		else
			BAD("when", "Choose when: any time, the next two hours, this evening or today.");
	}
	if ((v = get(arg, "fellowship")) && *v && strcmp(v, "any")) {
		const struct fellowship *f = fellowship_find(v);
		if (!f)
			BAD("fellowship", "Choose a fellowship from the list.");
		copy_str(q->fellowship, sizeof q->fellowship, f->key);
	}
	if ((v = get(arg, "access")) && *v && strcmp(v, "any")) {
		if (!strcmp(v, "open"))
			q->access = FINDER_ACCESS_OPEN;
		else if (!strcmp(v, "closed"))
			q->access = FINDER_ACCESS_CLOSED;
		else
			BAD("access", "Choose open or closed meetings.");
	}
	if ((v = get(arg, "lang")) && *v && strcmp(v, "any")) {
		const struct meeting_type *t = meeting_type_find(v);
		if (!t || !t->language)
			BAD("lang", "Choose a language from the list.");
		copy_str(q->language, sizeof q->language, t->code);
	}
	if ((v = get(arg, "wheelchair")) && *v) {
		if (strcmp(v, "1") && strcmp(v, "0") && strcmp(v, "on") && strcmp(v, "true"))
			BAD("wheelchair", "Wheelchair access is 1 (required) or 0.");
		q->wheelchair = strcmp(v, "0") != 0;
	}
	if ((v = get(arg, "mode")) && *v && strcmp(v, "any")) {
		if (!strcmp(v, "in_person"))
			q->mode = FINDER_MODE_IN_PERSON;
		else if (!strcmp(v, "online"))
			q->mode = FINDER_MODE_ONLINE;
		else
			BAD("mode", "Choose in person or online.");
	}
	const char *lat = get(arg, "lat"), *lon = get(arg, "lon"), *near = get(arg, "near");
	if ((lat && *lat) || (lon && *lon)) {
		int64_t la, lo;
		if (!lat || !meeting_parse_coord(lat, 90, &la))
			BAD("lat", "Give the latitude in decimal degrees, like 59.91.");
		if (!lon || !meeting_parse_coord(lon, 180, &lo))
			BAD("lon", "Give the longitude in decimal degrees, like 10.75.");
		q->has_point = true;
		q->lat = (double)la / 1e6;
		q->lon = (double)lo / 1e6;
	} else if (near && *near) {
		if (!copy_str(q->near, sizeof q->near, near) || !d || !directory_place(d, near, &q->lat, &q->lon))
			BAD("near", "The directory does not know this place. Try a district or town from the list.");
		q->has_point = true;
	}
	if ((v = get(arg, "km")) && *v) {
		char *end = NULL;
		double km = strtod(v, &end);
		if (!end || *end || !isfinite(km) || km < 0.1 || km > 500)
			BAD("km", "Give the distance in kilometres, 0.1 to 500.");
		q->km = km;
	}
	if ((v = get(arg, "limit")) && *v) {
		if (!param_int(v, 1, max_limit, &n))
			BAD("limit", "limit must be a whole number within the allowed range.");
		q->limit = (int)n;
	}
	if ((v = get(arg, "offset")) && *v) {
		if (!param_int(v, 0, 100000, &n))
			BAD("offset", "offset must be a whole number, 0 or more.");
		q->offset = (int)n;
	}
#undef BAD
	return 0;
}

/* The filters that do not depend on the occurrence. */
static bool static_match(const struct dir_meeting *m, const struct finder_query *q, double *km)
{
	*km = -1;
	if (q->fellowship[0] && strcmp(m->fellowship, q->fellowship))
		return false;
	if (q->access == FINDER_ACCESS_OPEN && !(m->flags & DIR_OPEN))
		return false;
	if (q->access == FINDER_ACCESS_CLOSED && !(m->flags & DIR_CLOSED))
		return false;
	if (q->wheelchair && !(m->flags & DIR_WHEELCHAIR))
		return false;
	if (q->mode == FINDER_MODE_IN_PERSON && !(m->flags & DIR_IN_PERSON))
		return false;
	if (q->mode == FINDER_MODE_ONLINE && !(m->flags & DIR_REMOTE))
		return false;
	if (q->language[0] && !types_has(m->types, q->language))
		return false;
	if (q->has_point) {
		if (!m->has_geo)
			return false;
		*km = meeting_distance_km(q->lat, q->lon, m->lat, m->lon);
		if (*km > q->km)
			return false;
	}
	return true;
}

/* The filters on one occurrence, in the meeting's own time zone (its offset then). */
static bool time_match(const struct occ *o, const struct finder_query *q, int64_t now)
{
	int32_t today = (int32_t)((now + o->offset) / 86400);
	if (now + o->offset < 0)
		today = (int32_t)((now + o->offset - 86399) / 86400);
	if (q->day >= 0 && o->wday != q->day)
		return false;
	if (q->day == -2 && o->local_day != today)
		return false;
	switch (q->when) {
	case FINDER_SOON:
		return o->start < now + 2 * 3600;
	case FINDER_EVENING:
		return o->local_day == today && o->local_min >= 17 * 60;
	case FINDER_TODAY:
		return o->local_day == today;
	default:
		return true;
	}
}

size_t finder_search(const struct directory *d, const struct finder_query *q, int64_t now, struct finder_hit *out,
		     bool *more)
{
	size_t want = (size_t)q->offset + (size_t)q->limit, found = 0, n = 0;
	*more = false;
	unsigned char *seen = xcalloc(d->n / 8 + 1, 1);
	/* The first occurrence starting at or after now. */
	size_t lo = 0, hi = d->nocc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->occ[mid].start < now)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < d->nocc; i++) {
		const struct occ *o = &d->occ[i];
		if (seen[o->idx / 8] & (1u << (o->idx % 8)))
			continue;
		if (q->when == FINDER_SOON && o->start >= now + 2 * 3600)
			break; /* in time order: nothing later can start sooner */
		const struct dir_meeting *m = &d->meetings[o->idx];
		double km;
		if (!static_match(m, q, &km)) {
			seen[o->idx / 8] |= (unsigned char)(1u << (o->idx % 8));
			continue;
		}
		if (!time_match(o, q, now))
			continue; /* a later occurrence of it may match */
		seen[o->idx / 8] |= (unsigned char)(1u << (o->idx % 8));
		if (found == want) {
			*more = true;
			break;
		}
		if (found++ >= (size_t)q->offset)
			out[n++] = (struct finder_hit){ m, o->start, o->start + (int64_t)o->dur_min * 60, o->local_day,
							o->local_min, o->wday, km };
	}
	/* Meetings without a time (by appointment) last, when no time was asked for. */
	if (!*more && q->day == -1 && q->when == FINDER_ANY) {
		for (size_t i = 0; i < d->n; i++) {
			const struct dir_meeting *m = &d->meetings[i];
			if (m->start_min >= 0 || (seen[i / 8] & (1u << (i % 8))))
				continue;
			double km;
			if (!static_match(m, q, &km))
				continue;
			if (found == want) {
				*more = true;
				break;
			}
			if (found++ >= (size_t)q->offset)
				out[n++] = (struct finder_hit){ m, 0, 0, DATE_NONE, -1, -1, km };
		}
	}
	free(seen);
	return n;
}

/* ---- exports ---- */

static void csv_field(struct buf *out, const char *s)
{
	/* Quoted always; a leading = + - @ would be a formula to a spreadsheet: a ' first. */
	buf_addch(out, '"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(out, '"');
		buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

void finder_csv(const struct finder_hit *hits, size_t n, struct buf *out)
{
	static const char *const header[] = { "Time",	     "End Time",	 "Day",	      "Name",
					      "Location",    "Address",		 "City",      "Postal Code",
					      "Country",     "Region",		 "Sub Region", "Types",
					      "Notes",	     "Location Notes",	 "Timezone",  "Group",
					      "Conference URL", "Conference URL Notes", "Conference Phone",
					      "Conference Phone Notes", "Latitude", "Longitude", "Fellowship",
					      "Attendance", "Slug", "Updated" };
	size_t nh = sizeof header / sizeof header[0];
	for (size_t i = 0; i < nh; i++) {
		if (i)
			buf_addch(out, ',');
		csv_field(out, header[i]);
	}
	buf_adds(out, "\r\n");
	for (size_t i = 0; i < n; i++) {
		const struct dir_meeting *m = hits[i].m;
		char t[16], e[16], day[16] = "", lat[24] = "", lon[24] = "", upd[32];
		meeting_format_time(m->start_min, t, sizeof t);
		meeting_format_time(m->end_min, e, sizeof e);
		if (hits[i].wday >= 0)
			snprintf(day, sizeof day, "%s", meeting_day_name(hits[i].wday, 2));
		if (m->has_geo) {
			snprintf(lat, sizeof lat, "%.6f", m->lat);
			snprintf(lon, sizeof lon, "%.6f", m->lon);
		}
		meeting_format_updated(m->updated_at, upd, sizeof upd);
		const struct fellowship *f = fellowship_find(m->fellowship);
		const char *vals[] = { t,
				       e,
				       day,
				       m->name,
				       m->location,
				       *m->formatted_address ? m->formatted_address : m->address,
				       m->city,
				       m->postal_code,
				       m->country,
				       m->region,
				       m->sub_region,
				       m->types,
				       m->notes,
				       m->location_notes,
				       m->timezone,
				       m->group,
				       m->conference_url,
				       m->conference_url_notes,
				       m->conference_phone,
				       m->conference_phone_notes,
				       lat,
				       lon,
				       f ? f->abbr : m->fellowship,
				       m->attendance,
				       m->slug,
				       upd };
		/* Types in the plugin's layout are names ("Open, Wheelchair Access"). */
		struct buf names = BUF_INIT;
		char types[MEETING_TYPES_MAX];
		copy_str(types, sizeof types, m->types);
		for (char *p = types; p && *p;) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			if (names.len)
				buf_adds(&names, ", ");
			buf_adds(&names, meeting_type_label(p, LANG_EN));
			p = comma ? comma + 1 : NULL;
		}
		vals[11] = names.data;
		for (size_t k = 0; k < nh; k++) {
			if (k)
				buf_addch(out, ',');
			csv_field(out, vals[k]);
		}
		buf_adds(out, "\r\n");
		buf_release(&names);
	}
}

void finder_ics(const struct finder_hit *hits, size_t n, const char *host, const char *name, int64_t now,
		struct buf *out)
{
	struct ics_event *ev = n ? xcalloc(n, sizeof *ev) : NULL;
	char (*uids)[96] = n ? xcalloc(n, sizeof *uids) : NULL;
	struct buf *where = n ? xcalloc(n, sizeof *where) : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct dir_meeting *m = hits[i].m;
		snprintf(uids[i], sizeof uids[i], "meeting-%" PRId64 "@%s", m->id, host && *host ? host : "tolv");
		buf_init(&where[i]);
		buf_adds(&where[i], m->location);
		const char *addr = *m->formatted_address ? m->formatted_address : m->address;
		if (*addr) {
			if (where[i].len)
				buf_adds(&where[i], ", ");
			buf_adds(&where[i], addr);
		}
		if (!where[i].len && *m->conference_url)
			buf_adds(&where[i], m->conference_url);
		dir_meeting_when(m, &ev[i].when);
		ev[i].uid = uids[i];
		ev[i].summary = m->name;
		ev[i].location = where[i].data;
		ev[i].description = m->notes;
		ev[i].url = *m->conference_url ? m->conference_url : m->url;
	}
	recur_ics(out, ev, n, name, now);
	for (size_t i = 0; i < n; i++)
		buf_release(&where[i]);
	free(where);
	free(uids);
	free(ev);
}
