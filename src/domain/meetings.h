/* meetings.h: the meeting directory's rules — what a valid listing is (the Meeting Guide
 * fields, an IANA time zone, an RRULE, the attendance mode, the anonymity of contacts),
 * parsing the text a form, a JSON body or an import gives, slugs, distance — and the
 * audited changes editors and the public make. Shared by the pages (web/meetings.c), the
 * API (api/meetings.c), the import (meeting_import.h) and the command line.
 *
 * Anonymity (the specification's one hard rule): contact names are a first name and at
 * most an initial — "Kari", "Kari N.", "Per-Olav" — never a last name. Notes cannot be
 * checked by a program; the editors' form says so.
 */
#ifndef TOLV_DOMAIN_MEETINGS_H
#define TOLV_DOMAIN_MEETINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "store/store.h"

#define MEETING_ERRORS_MAX 12
struct meeting_errors {
	size_t n;
	struct field_error e[MEETING_ERRORS_MAX]; /* field names are the JSON/form names */
};
void meeting_error(struct meeting_errors *errs, const char *field, const char *message);
const char *meeting_error_get(const struct meeting_errors *errs, const char *field);

/* The default time zone of listings that name none. */
#define MEETING_DEFAULT_TZ "Europe/Oslo"

/* A zeroed listing with the defaults: no time, no date, the default zone, AA, in
 * person, public. */
void meeting_init(struct meeting *m);

/* Checks and normalises a filled-in listing in place: trims text; makes the slug from
 * the name if empty; sorts and de-duplicates types (known codes in their canonical case;
 * unknown ones kept if they look like codes); turns a plainly weekly RRULE into days;
 * checks the time zone, the RRULE, times, e-mail addresses, URLs (http/https), phone
 * numbers, contact names (anonymity) and that the attendance mode fits (online needs a
 * conference URL or phone, phone-only a phone, in person a place). Every problem goes
 * into errs. 0 or ACC_INVALID. */
int meeting_validate(struct meeting *m, struct meeting_errors *errs);

/* What a form or JSON body gives, as text; NULL = not given (keep the value on update,
 * the default on create). Days are "0".."6" or names (Monday, mandag, måndag…); times
 * "HH:MM" or "H:MM AM"; coordinates decimal degrees. */
struct meeting_input {
	const char *name, *slug;
	const char *days[7];    /* up to 7 day values; NULL-terminated when fewer */
	bool has_days;          /* days given (an empty list = by appointment) */
	const char *time, *end_time, *timezone, *rrule, *starts_on;
	const char *location, *location_notes, *formatted_address, *address, *city, *state, *postal_code,
		*country, *region, *sub_region;
	const char *latitude, *longitude;
	const char *types;      /* codes or names, separated by commas */
	const char *notes, *group, *group_notes, *fellowship, *attendance;
	const char *conference_url, *conference_url_notes, *conference_phone, *conference_phone_notes;
	const char *website, *email, *phone, *url;
	const char *contact_name[MEETING_CONTACTS], *contact_email[MEETING_CONTACTS], *contact_phone[MEETING_CONTACTS];
	bool has_public;
	bool public;
};
/* Applies in to m (text parsed into fields; bad text becomes an error at its field),
 * then meeting_validate(). 0 or ACC_INVALID. */
int meeting_apply_input(struct meeting *m, const struct meeting_input *in, struct meeting_errors *errs);

/* ---- parsing and formatting pieces (also used by the import) ---- */
/* "19:30", "7:30 PM", "19.30" → minutes after midnight; -1 if not a time. "24:00" is 0. */
int meeting_parse_time(const char *s);
/* minutes → "HH:MM" (out >= 6 bytes); "" for -1. */
void meeting_format_time(int minutes, char *out, size_t outlen);
/* 0..6 (Sunday = 0) from "0".."6" or a day name in English, Norwegian or Swedish; -1. */
int meeting_parse_day(const char *s);
/* The day's name in lang (enum lang) — "Monday", "mandag", "måndag". */
const char *meeting_day_name(int day, int lang);
/* Decimal degrees → millionths; false if not a number in [-max, max]. */
bool meeting_parse_coord(const char *s, double max, int64_t *e6);
/* Writes a URL-safe slug of name (ASCII letters, digits and '-'; æ → ae, ø → o, å → a…)
 * into out; "meeting" if nothing is left. */
void meeting_slugify(const char *name, char *out, size_t outlen);
/* A contact name the anonymity rule accepts: one given name (hyphenated names are one)
 * and at most one initial ("N" or "N."). "" is accepted (no contact). */
bool meeting_contact_name_ok(const char *name);
/* Attendance from what the listing has: a conference URL or phone and a place → hybrid;
 * only a phone → phone; only online → online; else in person. TC (temporarily closed)
 * counts as no place; ONL without a conference URL or phone is not online (the
 * specification calls such a meeting inactive). */
const char *meeting_attendance_guess(const struct meeting *m);
/* Great-circle distance in kilometres (haversine, mean Earth radius 6371.0088 km). */
double meeting_distance_km(double lat1, double lon1, double lat2, double lon2);
/* "YYYY-MM-DD HH:MM:SS" (UTC) ↔ unix seconds; parse gives -1 on bad input. */
int64_t meeting_parse_updated(const char *s);
void meeting_format_updated(int64_t t, char *out, size_t outlen);

/* ---- audited changes ---- */
/* Each validates first (ACC_INVALID with errs), then stores, writes an audit entry
 * ("meeting.create", "meeting.update", "meeting.publish", "meeting.unpublish",
 * "meeting.remove") and marks the finder's cache stale. STORE_CONFLICT (slug taken) is
 * also reported in errs at "slug". */
int meetings_create(struct accounts *ac, const struct actor *who, int64_t org_id, struct meeting *m,
		    struct meeting_errors *errs);
int meetings_update(struct accounts *ac, const struct actor *who, int64_t org_id, struct meeting *m,
		    struct meeting_errors *errs);
/* Publishes or unpublishes; removed meetings come back with publish. */
int meetings_set_public(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, bool public);

/* A change request from the public. The caller has checked CSRF and the honeypot; this
 * checks the text, the rate limit (at most MEETING_CR_PER_HOUR per client address, every
 * organisation together) and files it in the meeting's organisation. Returns 0,
 * ACC_INVALID (errs), MEETING_THROTTLED, or a store status (STORE_NOTFOUND: no such
 * public meeting). The client address is kept only as a SHA-256. */
#define MEETING_THROTTLED 4
#define MEETING_CR_PER_HOUR 5
int meetings_request_change(struct accounts *ac, int64_t meeting_id, const char *name, const char *email,
			    const char *message, const char *client_addr, struct meeting_errors *errs,
			    struct meeting_change_request *out);
/* Closes a request as "done" or "dismissed" (audited "meeting.request.close"). */
int meetings_close_request(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			   const char *status);

#endif
