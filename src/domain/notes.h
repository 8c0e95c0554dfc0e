/* notes.h: the rules of the clinical record's notes — types and links, drafts and
 * signing, addenda, the reminder for old drafts, and what one attendee's export may show
 * of a group session's note. Pure rules: no storage.
 *
 *                        note_sign (the author; the text written)
 *          DRAFT ------------------------------------------------> SIGNED (final)
 *          |   ^                                                   |   ^
 *          +---+ edit, delete: the author only                     +---+ addenda only
 *            (note_can_edit, note_can_delete)          (note_addendum_check; note_can_edit
 *                                                       and note_can_delete always refuse)
 *
 * A signed note is part of the record for good: it is never edited or deleted, and a
 * correction is an addendum (author, time, text) shown beside it. A draft belongs to its
 * author, is part of no one's record yet, and reminds its author once it is older than a
 * week (note_draft_overdue).
 *
 * The structs here are views: their pointers are not owned and must outlive the call
 * (the store's rows own the text). Only struct note_export owns what it holds.
 */
#ifndef TOLV_DOMAIN_NOTES_H
#define TOLV_DOMAIN_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/i18n.h"

#define NOTE_TEXT_MAX 20000     /* bytes in a note */
#define NOTE_ADDENDUM_MAX 5000  /* bytes in an addendum */
#define NOTE_DRAFT_DAYS 7       /* a draft older than this many days is a reminder */

enum note_type {
	NOTE_INDIVIDUAL = 0,    /* individual session */
	NOTE_GROUP,             /* group session: one note for every attendee's record */
	NOTE_STEP_PRESENTATION, /* the person presents a step (names the step) */
	NOTE_PHONE,             /* phone call */
	NOTE_OTHER,
};
#define NOTE_TYPE_COUNT 5

struct note_addendum {
	int64_t author;      /* user id */
	int64_t created_at;  /* unix seconds */
	const char *text;
};

struct note {
	int64_t id;
	enum note_type type;
	int32_t date;        /* the day the note is about (core/date.h) */
	int64_t author;      /* the user who writes it, and the only one who may sign it */
	const char *text;    /* may be empty while a draft */
	/* Optional links, 0 for none. */
	int step;            /* 1–12 */
	int goal;            /* a goal's number in the enrolment's plan (plan.h) */
	int assignment;      /* an assignment's number in the plan */
	int64_t session;     /* a group session's id */
	int32_t drafted;     /* the day the draft was started, for the reminder */
	int64_t signed_at;   /* unix seconds; 0 while a draft */
	const struct note_addendum *addenda; /* only a signed note has any */
	size_t naddenda;
};

/* NULL if the note's fields are acceptable for saving (as a draft or signed), else an
 * English message naming the field; *field (may be NULL) is set to the field's name as
 * the form calls it ("type", "date", "text", "step", "goal", "assignment", "session").
 * The date is required and not in the future; a group session note is linked to its
 * session and a step presentation to its step; the text is at most NOTE_TEXT_MAX bytes
 * of valid UTF-8 (empty is fine for a draft: note_sign requires it). */
const char *note_validate(const struct note *n, int32_t today, const char **field);

/* NULL if user may change the note, else why not: a signed note cannot be changed ("A
 * signed note cannot be changed; add an addendum instead."), a draft only by its
 * author. */
const char *note_can_edit(const struct note *n, int64_t user);
/* The same for deleting: only a draft, only by its author. */
const char *note_can_delete(const struct note *n, int64_t user);
/* Signs the note as user at unix time now. Only the author signs, only a draft with text
 * that passes note_validate. NULL when signed, else the message and n unchanged. */
const char *note_sign(struct note *n, int64_t user, int64_t now, int32_t today);
/* NULL if author may add an addendum with this text to n: n is signed (a draft is
 * changed instead), the text is non-blank, at most NOTE_ADDENDUM_MAX bytes, valid. */
const char *note_addendum_check(const struct note *n, int64_t author, const char *text);
/* True for a draft started more than NOTE_DRAFT_DAYS days before today: a draft started
 * on a Monday shows as a reminder from the Tuesday a week later. */
bool note_draft_overdue(const struct note *n, int32_t today);

/* Stable keys ("individual", "group", "step_presentation", "phone", "other"), English
 * labels (msgids) and parsing back (-1 if unknown). */
const char *note_type_key(enum note_type t);
const char *note_type_label(enum note_type t);
int note_type_parse(const char *key);

/*
 * A group session's note, written once and attached to every attendee's record.
 *
 * What an attendee's export of their own record may contain is decided here, not in
 * the export code, so that every export (a page, a PDF, a data-access request) shows the
 * same: the group's name, the session's date and topic, the leaders (staff) and the
 * note's author, the note and its addenda — and nothing about the other attendees: not
 * the list, not the count, and not their names where the text mentions them. Names are
 * replaced by "[another participant]" in lang: each other attendee's full name of
 * several words in any letter case, and each word of it (2 bytes or more) — or a name of
 * one word — written with the same letters and case ("Per" but not "per uke"), as a
 * whole word or with a genitive -s ("Pers"). When a name is shared with
 * the attendee or a leader it is replaced too: a name wrongly hidden is a smaller harm
 * than another patient's name in someone else's record. This is a safety net: the page
 * where the note is written asks the therapist not to name participants at all.
 */
struct group_attendee {
	int64_t person;
	const char *name;    /* as the record has it: "Kari Nordmann" */
};

struct group_note {
	const struct note *note;                  /* type NOTE_GROUP, signed */
	const char *group_name;
	int32_t session_date;
	const char *topic;                        /* "Step 4", a lecture, meditation… */
	const char *const *leaders;               /* the leading therapists' names */
	size_t nleaders;
	const struct group_attendee *attendees;   /* those present */
	size_t nattendees;
	int external_count;                       /* open workshop participants without a record */
};

struct note_export_addendum {
	int64_t author;
	int64_t created_at;
	char *text;                               /* owned, names replaced */
};

/* What one attendee's export shows of a group note. The strings that are not the
 * note's own text are borrowed from the struct group_note (they are not about other
 * attendees); text and addenda are owned. */
struct note_export {
	enum note_type type;
	int32_t date;                             /* the session's date */
	int64_t author;
	int64_t signed_at;
	const char *group_name;
	const char *topic;
	const char *const *leaders;
	size_t nleaders;
	char *text;
	struct note_export_addendum *addenda;
	size_t naddenda;
	int replaced;                             /* how many names were replaced */
};

/* Fills *out with what person's export may show of g (see above). Refused, with *out
 * empty, when g's note is not a signed group note or person is not among the attendees.
 * Release with note_export_release. */
const char *group_note_export(const struct group_note *g, int64_t person, enum lang lang,
			      struct note_export *out);
void note_export_release(struct note_export *e);

/* Replaces the names in text as group_note_export does (names: the other attendees' full
 * names) with placeholder; the result is the caller's to free. *replaced (may be NULL)
 * gets the count. Exposed for tests and for previews on the page that writes the note. */
char *note_redact_names(const char *text, const char *const *names, size_t nnames,
			const char *placeholder, int *replaced);

#endif
