/* meeting_import.h: importing meetings — the Meeting Guide JSON feed and the 12 Step
 * Meeting List plugin's CSV layout — with an error and its reason for every rejected row,
 * a plan (what is added, changed and removed, by slug) that can be shown before anything
 * changes, and the change itself in one transaction, recorded in the source's history.
 *
 * The life of an import:
 *
 *   bytes ──meeting_import_parse()──► rows + row errors     (no database)
 *         ──meeting_import_plan()───► add / change / remove (reads the organisation)
 *         ──meeting_import_run()────► preview: a "preview" run in the history
 *                                     apply:   store_meeting_import_apply(), one
 *                                              transaction, an "applied" run, an audit entry
 *
 * What is never done: a row that was rejected never causes its listing to be removed
 * (its slug is kept out of the removals; if a rejected row has no slug at all, nothing is
 * removed); a feed with no valid rows, or with more rejected rows than valid ones, changes
 * nothing ("failed" run): that is a broken feed, not a directory that emptied overnight.
 * Listings an editor unpublished stay unpublished when their source changes them.
 */
#ifndef TOLV_DOMAIN_MEETING_IMPORT_H
#define TOLV_DOMAIN_MEETING_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "domain/accounts.h"
#include "store/store.h"

enum {
	MEETING_IMPORT_MAX_ROWS = 10000,           /* per feed; a larger one is refused whole */
	MEETING_IMPORT_MAX_BYTES = 32 * 1024 * 1024,
	MEETING_FETCH_TIMEOUT_S = 30,
};

enum import_format { IMPORT_JSON, IMPORT_CSV };

struct import_error {
	int row;                         /* 1-based: the array index + 1, or the CSV line's record */
	char slug[MEETING_SLUG_MAX];     /* "" if the row has none */
	char field[32];                  /* the feed's field name (cut to fit), or "" */
	const char *message;             /* English msgid */
};

struct meeting_import {
	struct meeting *rows;            /* valid rows, normalised (meeting_validate) */
	size_t n, cap;
	int *row_no;                     /* the source row of rows[i] */
	struct import_error *errors;
	size_t nerrors, errcap;
	size_t total;                    /* rows in the feed */
	bool unslugged_error;            /* a rejected row without a slug: no removals */
	const char *fatal;               /* whole-feed failure (English msgid), NULL if none */
};
void meeting_import_init(struct meeting_import *imp);
void meeting_import_release(struct meeting_import *imp);

/* Parses a feed. Rows get timezone and fellowship from the defaults where they have none,
 * and source_id. Returns 0 when the feed could be read (row errors may be in imp), or -1
 * with imp->fatal set: not JSON, not an array, no header, too big, too many rows. */
int meeting_import_parse(const char *data, size_t len, enum import_format format, const char *default_tz,
			 const char *default_fellowship, int64_t source_id, struct meeting_import *imp);
/* Guesses the format from a name (".csv") and the first non-blank byte ('[' or '{'). */
enum import_format meeting_import_guess(const char *name, const char *data, size_t len);

struct import_item {
	char kind;                       /* '+' add, '~' change, '-' remove */
	int64_t id;                      /* the listing's id (0 for an add) */
	char slug[MEETING_SLUG_MAX];
	char name[MEETING_NAME_MAX];
};
struct import_plan {
	struct meeting *upserts;         /* adds (id 0) and changes, ready for the store */
	size_t nupserts;
	int64_t *remove_ids;
	size_t nremove;
	size_t added, changed, unchanged;
	struct import_item *items;       /* for the preview, adds and changes and removals */
	size_t nitems;
};
void import_plan_release(struct import_plan *p);
/* Compares the rows with the organisation's listings (by slug). */
int meeting_import_plan(struct store *s, int64_t org_id, int64_t source_id, const struct meeting_import *imp,
			struct import_plan *plan);

struct import_result {
	struct meeting_import imp;
	struct import_plan plan;
	struct meeting_import_run run;   /* what was recorded in the history */
	bool applied;
};
void import_result_release(struct import_result *res);
/* Parses data from src, plans, and (unless dry_run) applies; records the run (preview,
 * applied or failed) and, when applied, an audit entry "meeting.import". Returns 0 (see
 * res->run.status), or a store status on database failure. */
int meeting_import_run(struct accounts *ac, const struct actor *who, int64_t org_id, const struct meeting_source *src,
		       const char *data, size_t len, bool dry_run, struct import_result *res);

/* Fetches an http(s) URL with libcurl into out: at most max bytes, MEETING_FETCH_TIMEOUT_S
 * in all, redirects followed (http/https only). 0, or -1 with err (English, no secrets). */
int meeting_fetch_url(const char *url, size_t max, struct buf *out, char *err, size_t errlen);

#endif
