/* meeting_finder.h: the public directory in memory — a snapshot of every public meeting,
 * their occurrences for the coming weeks in time order, the rendered Meeting Guide feed,
 * and the finder's search over them.
 *
 * Why a snapshot: the public pages are the directory's hot path (an app polls
 * /meetings.json; the finder is searched for every visit), and the data changes seldom.
 * A snapshot is built from the store once per change and shared read-only by every
 * request: the feed is answered from memory, and a search walks the occurrences from
 * "now" forward and stops at its page, so it costs about what its results cost, not what
 * the directory holds.
 *
 * Staleness, and why the web tier stays stateless: the snapshot is a cache, never a
 * source of truth. It is keyed by the store's directory version (a counter every change
 * to meetings bumps in its own transaction, sql/…/003_meetings.sql). A process re-reads
 * that counter at most once a second, and at once after it changed the directory itself
 * (directory_changed()), so any number of server processes serve what the database says
 * within a second of a change made elsewhere (a CLI import, another process) and
 * immediately after their own. A snapshot is also rebuilt every 12 hours, so its window
 * of occurrences always reaches a month ahead.
 *
 * Snapshots are reference-counted: a request keeps the one it got (directory_get) until
 * directory_release, while a newer one may already serve the next requests.
 */
#ifndef TOLV_DOMAIN_MEETING_FINDER_H
#define TOLV_DOMAIN_MEETING_FINDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/recurrence.h"
#include "store/store.h"

/* A public meeting as the snapshot keeps it: the fields the finder, its pages and
 * exports show (contacts and the like are only in the feed and on the meeting's page,
 * which reads the store). Strings are never NULL ("" when empty) and live as long as the
 * snapshot. */
struct dir_meeting {
	int64_t id, org_id;
	const char *slug;        /* unique in the installation's feed */
	const char *name, *location, *location_notes, *formatted_address, *address, *city, *postal_code,
		*country, *region, *sub_region, *types, *notes, *group, *fellowship, *attendance, *timezone,
		*rrule, *conference_url, *conference_url_notes, *conference_phone, *conference_phone_notes, *url;
	int days, start_min, end_min;
	int32_t starts_on;
	bool has_geo;
	double lat, lon;
	int64_t updated_at;
	unsigned flags;          /* DIR_* below, from types and attendance */
	/* The search API's object for this listing, rendered once per snapshot and left open
	 * ("{…" without the closing brace) so a search only appends the next start, the
	 * distance and "}": a result costs a copy, not a rendering. */
	const char *api_json;
};
enum {
	DIR_OPEN = 1 << 0,       /* type O */
	DIR_CLOSED = 1 << 1,     /* type C */
	DIR_WHEELCHAIR = 1 << 2, /* type X */
	DIR_IN_PERSON = 1 << 3,  /* in person or hybrid */
	DIR_REMOTE = 1 << 4,     /* online, hybrid or phone */
};

struct directory;

/* Tells this process's cache that the directory changed (called by every write in
 * meetings.h and meeting_import.h): the next request checks the version at once. */
void directory_changed(void);
/* The current snapshot for store s at time now, built or rebuilt if stale; NULL with *rc
 * set (a store status) if none can be had. Release it with directory_release(). */
struct directory *directory_get(struct store *s, int64_t now, int *rc);
void directory_release(struct directory *d);

/* The Meeting Guide feed of the snapshot: the public weekly (and by-appointment)
 * meetings as a JSON array, rendered once per snapshot. Meetings with another RRULE
 * are not in it: the specification is for weekly meetings, and an app would list them
 * every week. */
const char *directory_feed(const struct directory *d, size_t *len);
/* "\"mg-<version>\"": the same in every process for the same data. */
const char *directory_etag(const struct directory *d);
/* When the directory last changed (unix seconds), for Last-Modified. */
int64_t directory_changed_at(const struct directory *d);
size_t directory_count(const struct directory *d);
/* A public meeting by id, NULL if none. */
const struct dir_meeting *directory_find(const struct directory *d, int64_t id);
/* The coordinates of a place the directory knows — a region, sub-region, city or
 * location name (case ignored) — as the mean of its meetings' points. */
bool directory_place(const struct directory *d, const char *name, double *lat, double *lon);
/* Region names, sorted, for the finder's form: out[i] point into the snapshot. */
size_t directory_regions(const struct directory *d, const char **out, size_t max);

enum finder_when {
	FINDER_ANY = 0,
	FINDER_SOON,    /* starting within the next two hours */
	FINDER_EVENING, /* today from 17:00 (local to each meeting) */
	FINDER_TODAY,   /* later today (local to each meeting) */
};
enum finder_mode { FINDER_MODE_ANY = 0, FINDER_MODE_IN_PERSON, FINDER_MODE_ONLINE };
enum finder_access { FINDER_ACCESS_ANY = 0, FINDER_ACCESS_OPEN, FINDER_ACCESS_CLOSED };

struct finder_query {
	int day;                  /* -1 any, else 0 (Sunday) … 6 */
	enum finder_when when;
	char fellowship[STORE_KEY_MAX]; /* "" any */
	enum finder_access access;
	char language[16];        /* a language type code ("NO"), "" any */
	bool wheelchair;
	enum finder_mode mode;
	bool has_point;
	double lat, lon, km;      /* within km of the point */
	char near[MEETING_NAME_MAX]; /* the place the point came from, "" if coordinates */
	int limit, offset;        /* limit 1..500 */
};
/* Sets the defaults: any day, any time, no point, limit. */
void finder_query_init(struct finder_query *q, int limit);
/* Reads the query from named text parameters through get (NULL = absent): day (0-6 or a
 * name, "today"), when (any|soon|evening|today), fellowship, access (open|closed), lang,
 * wheelchair (1), mode (in_person|online), lat, lon, km (0.1–500, default 10), near (a
 * place name, resolved against d), limit, offset. 0, or -1 with *field and *why (an
 * English msgid). */
int finder_query_parse(struct finder_query *q, const struct directory *d, const char *(*get)(void *arg, const char *name),
		       void *arg, int max_limit, const char **field, const char **why);

struct finder_hit {
	const struct dir_meeting *m;
	int64_t start, end;       /* the next occurrence (UTC); 0 for by-appointment meetings */
	int32_t local_day;
	int local_min;
	int wday;
	double km;                /* distance from the query's point; < 0 without one */
};
/* The matching meetings, each once, by next start (meetings with no time last), from
 * q->offset, at most q->limit into out (which holds q->limit). *more is set when there
 * are more after them. Returns the count. */
size_t finder_search(const struct directory *d, const struct finder_query *q, int64_t now, struct finder_hit *out,
		     bool *more);

/* Exports of a result list. CSV: the 12 Step Meeting List plugin's column layout (so it
 * imports back), with a header row. iCalendar: recur_ics() of the meetings, with UIDs
 * "meeting-<id>@<host>". */
void finder_csv(const struct finder_hit *hits, size_t n, struct buf *out);
void finder_ics(const struct finder_hit *hits, size_t n, const char *host, const char *name, int64_t now,
		struct buf *out);
/* Appends s as a JSON string (quoted, escaped; '<' as \u003c so it is never markup). */
void json_string_append(struct buf *b, const char *s);

/* The recurrence of a listing. */
void dir_meeting_when(const struct dir_meeting *m, struct recur_spec *r);

/* The feed rendering for one listing, for tests and the round trip: appends one JSON
 * object (compact) of m. url_base (may be NULL) makes "url" for listings without one. */
void meeting_feed_json(const struct meeting *m, const char *slug, const char *url_base, struct buf *out);

#endif
