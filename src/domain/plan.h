/* plan.h: the individual plan of one enrolment — goals, assignments, triggers and
 * warning signs, a crisis plan and the steps the person works — as a value with a
 * canonical JSON form, versions, a readable diff between versions, validation, and the
 * assignment state machine. Pure rules: no storage.
 *
 * The plan is a value. A page loads the latest version (plan_parse), changes the value
 * (the plan_add_… helpers, or the fields directly), checks it (plan_validate) and saves
 * it as a new version (plan_version_make), which refuses a save that changes nothing.
 * Earlier versions stay as they were saved and can be read back and compared
 * (plan_diff), which is how "every change is kept" is met without a table per field.
 *
 * Goals and assignments carry a number (id) that stays with them for the life of the
 * plan: the history says "goal 2: status open → achieved", and an assignment names its
 * goal by that number. New items get the highest number in use plus one.
 *
 * Ownership: a struct plan owns every string and array in it (plan_release frees them);
 * the setters copy what they are given. Text fields that may be empty are NULL or ""
 * (the two mean the same); dates are day numbers (core/date.h), DATE_NONE for none.
 */
#ifndef TOLV_DOMAIN_PLAN_H
#define TOLV_DOMAIN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "domain/steps.h"

#define PLAN_FORMAT 1             /* "format" in the JSON; bump with a reader for the old */
#define PLAN_MAX_GOALS 50
#define PLAN_MAX_ASSIGNMENTS 500  /* weekly for 18 months of aftercare is under 100 */
#define PLAN_MAX_SIGNS 50         /* triggers, and warning signs, each */
#define PLAN_TEXT_MAX 1000        /* bytes: a goal, an assignment, a review note */
#define PLAN_SIGN_MAX 200         /* bytes: one trigger or warning sign */
#define PLAN_CRISIS_MAX 2000      /* bytes: who to call; what helps */

enum goal_status { GOAL_OPEN = 0, GOAL_ACHIEVED, GOAL_DROPPED };
#define GOAL_STATUS_COUNT 3

/*
 * An assignment.
 *
 *            assignment_transition               assignment_transition
 *   GIVEN ---------------------------> DONE ---------------------------> REVIEWED
 *     ^                                  |      (needs the review note)     (final)
 *     +----------------------------------+
 *        assignment_transition (reopen: the work is not finished after all)
 *
 * given → reviewed is refused (it is marked done first); nothing leaves REVIEWED (a
 * further task is a new assignment). Each change is dated, not in the future and not
 * before the previous date of the assignment (given, then done).
 */
enum assignment_status { ASSIGNMENT_GIVEN = 0, ASSIGNMENT_DONE, ASSIGNMENT_REVIEWED };
#define ASSIGNMENT_STATUS_COUNT 3

struct plan_goal {
	int id;                  /* 1, 2, …, unique in the plan */
	char *text;              /* required */
	int32_t target;          /* target date, DATE_NONE for none */
	enum goal_status status;
};

struct plan_assignment {
	int id;                  /* 1, 2, …, unique in the plan */
	char *text;              /* required */
	int step;                /* linked step 1–12, or 0 */
	int goal;                /* linked goal's id, or 0; at least one of step and goal */
	int32_t given;           /* required */
	int32_t due;             /* required, not before given */
	enum assignment_status status;
	int32_t done;            /* set once done (also when reviewed), else DATE_NONE */
	int32_t reviewed;        /* set once reviewed, else DATE_NONE */
	char *review_note;       /* required once reviewed, else empty */
};

/* A list of short texts: the triggers, and the warning signs. */
struct plan_list {
	char **v;
	size_t n, cap;
};

struct plan {
	struct plan_goal *goals;             /* in the order the person sees them */
	size_t ngoals, goals_cap;
	struct plan_assignment *assignments; /* in the order given */
	size_t nassignments, assignments_cap;
	struct plan_list triggers;           /* what sets off craving: places, people, days */
	struct plan_list warning_signs;      /* signs in oneself that a relapse is near */
	char *crisis_contacts;               /* crisis plan: who to call */
	char *crisis_helps;                  /* crisis plan: what helps */
	/* The steps this person works (day treatment sets them per person), when
	 * steps_worked_set; otherwise the programme's minimum applies. Pass
	 * p->steps_worked_set ? p->steps_worked : NULL to steps_minimum_met(). */
	bool steps_worked_set;
	bool steps_worked[STEP_COUNT];
};

#define PLAN_INIT { 0 }
void plan_init(struct plan *p);
void plan_release(struct plan *p);
/* Makes dst (not initialised, or released) a deep copy of src. */
void plan_copy(struct plan *dst, const struct plan *src);

/* Replaces *field with a copy of s (NULL or "" leave it NULL), freeing the old text. */
void plan_set_text(char **field, const char *s);
/* Appends a goal (status open) or an assignment (status given), numbered after the
 * highest number in use; returns the new number. Nothing is checked here: build the
 * plan as the form says, then plan_validate() it and show the message. */
int plan_add_goal(struct plan *p, const char *text, int32_t target);
int plan_add_assignment(struct plan *p, const char *text, int step, int goal, int32_t given,
			int32_t due);
void plan_list_add(struct plan_list *l, const char *text);
/* Removes an item; returns false if there is none. Removing is for mistakes: a goal that
 * no longer applies is dropped (status), so its history reads naturally. */
bool plan_remove_goal(struct plan *p, int id);
bool plan_remove_assignment(struct plan *p, int id);
bool plan_list_remove(struct plan_list *l, size_t index);
/* The goal or assignment with this number, or NULL. */
struct plan_goal *plan_goal(const struct plan *p, int id);
struct plan_assignment *plan_assignment(const struct plan *p, int id);

/* Where a plan went wrong, for the form and the API. */
struct plan_error {
	const char *msg;  /* English msgid, a sentence naming the field: "A goal needs a text." */
	char field[48];   /* the place as a path into the JSON: "goals[1].text", "triggers[0]";
	                   * "" when it is about the plan as a whole */
	char detail[208]; /* JSON syntax errors only: the parser's words and position */
};
/* Appends "field: msg" (msg translated into lang) and " (detail)" when there is one. */
void plan_error_format(const struct plan_error *e, enum lang lang, struct buf *out);

/* NULL if p is a plan tolv can save, else the message (also in err, which may be NULL).
 * Checks counts, texts (non-blank where required, lengths, valid UTF-8; triggers and
 * warning signs on one line and not listed twice), dates (valid, years 2000–2199, due
 * not before given, done not before given, reviewed not before done), step numbers
 * 1–12, goal links to goals in the plan, numbers unique and positive, status values,
 * and that each assignment's dates and review note fit its status. */
const char *plan_validate(const struct plan *p, struct plan_error *err);

/*
 * The canonical JSON form, what a version stores:
 *
 *   {"assignments":[{"done":null,"due":"2025-03-14","given":"2025-03-07","goal":null,
 *     "id":1,"review_note":"","reviewed":null,"status":"given","step":4,
 *     "text":"Write the inventory"}],
 *    "crisis":{"contacts":"…","helps":"…"},
 *    "format":1,
 *    "goals":[{"id":1,"status":"open","target":"2025-06-01","text":"…"}],
 *    "steps_worked":[1,2,3,4] or null,
 *    "triggers":["…"],"warning_signs":["…"]}
 *
 * Every key is always present; keys sorted, no white space, so equal plans give equal
 * bytes. Optional dates and links are null; optional text is "".
 */
/* A new JSON value (the caller owns the reference), or NULL if p does not pass
 * plan_validate(): an invalid plan has no canonical form. */
json_t *plan_to_json(const struct plan *p);
/* The canonical text (free() it), or NULL as above. */
char *plan_to_string(const struct plan *p);
/* Reads a plan from a JSON value, strictly: every key present with the right type, no
 * other keys, known status words, dates as YYYY-MM-DD, then plan_validate(). Returns NULL
 * and fills *out (initialised here; plan_release it), or returns the message, fills err
 * (may be NULL) and leaves *out empty. */
const char *plan_from_json(const json_t *j, struct plan *out, struct plan_error *err);
/* The same from text (len bytes; duplicate keys are refused). */
const char *plan_parse(const char *text, size_t len, struct plan *out, struct plan_error *err);
/* Whether two valid plans are the same (the same canonical JSON). */
bool plan_equal(const struct plan *a, const struct plan *b);

/* One saved version of a plan. */
struct plan_version {
	int number;         /* 1 for the first save, then 2, 3, … */
	int64_t author;     /* the user who saved it */
	int64_t created_at; /* unix seconds */
	char *json;         /* the plan's canonical JSON (owned) */
};
/* Makes *out the version that saving p after prev (NULL for the first save) would
 * create. Refused, with *out untouched, when p is not valid (err says where) or equals
 * prev's plan ("Nothing in the plan has changed."), or author is not a user. */
const char *plan_version_make(const struct plan_version *prev, const struct plan *p,
			      int64_t author, int64_t created_at, struct plan_version *out,
			      struct plan_error *err);
/* Reads a version's plan back (plan_parse of its JSON). */
const char *plan_version_read(const struct plan_version *v, struct plan *out,
			      struct plan_error *err);
void plan_version_release(struct plan_version *v);

/* One line of a version history: an English template with {} placeholders, filled in
 * order by args. args are owned; bit i of `translate` set means args[i] is itself a
 * msgid (a status word, "none") to translate, not the user's text. */
#define PLAN_CHANGE_ARGS 3
struct plan_change {
	const char *tmpl;
	char *args[PLAN_CHANGE_ARGS]; /* NULL after the last */
	unsigned translate;
};
struct plan_diff {
	struct plan_change *v;
	size_t n, cap;
};
/* Lists what changed from a (the older version; NULL for an empty plan) to b, in the
 * order goals, assignments, steps worked, triggers, warning signs, crisis plan:
 *   goal 2 added: …          goal 2 removed: …         goal 2: text “…” → “…”
 *   goal 2: target date 2025-06-01 → none              goal 2: status open → achieved
 *   assignment 3 added: …    assignment 3 removed: …   assignment 3: text “…” → “…”
 *   assignment 3: step 4 → 5 / goal none → 2 / given date, due date, done date,
 *     review date … → …      assignment 3: status given → done
 *   assignment 3: review note added: … / changed “…” → “…” / removed
 *   steps to work: programme minimum → 1, 2, 3, 4
 *   trigger added: … / removed: …    warning sign added: … / removed: …
 *   crisis plan: who to call added: … / changed “…” → “…” / removed (and what helps)
 * Done and review dates are listed only when both versions have one: a status change
 * already says the assignment was done or reviewed. Lists compare as sets (reordering
 * is not a change). */
void plan_diff(const struct plan *a, const struct plan *b, struct plan_diff *out);
void plan_diff_release(struct plan_diff *d);
/* Appends the change as text in lang (template and msgid args translated). */
void plan_change_text(const struct plan_change *c, enum lang lang, struct buf *out);

/* Moves a to `to` on `date` (see the diagram above); note is the review note, required
 * for → reviewed and ignored otherwise. NULL when done, else an English message and a
 * unchanged. */
const char *assignment_transition(struct plan_assignment *a, enum assignment_status to,
				  int32_t date, int32_t today, const char *note);
/* Given and not done by its due date: due < today. */
bool assignment_overdue(const struct plan_assignment *a, int32_t today);
/* How many of p's assignments are overdue. */
size_t plan_overdue_count(const struct plan *p, int32_t today);

/* Stable keys ("open", "achieved", "dropped"; "given", "done", "reviewed"), English
 * labels for forms ("Open"…), lower-case words for sentences and the history ("open"…),
 * and parsing back (-1 if unknown). */
const char *goal_status_key(enum goal_status s);
const char *goal_status_label(enum goal_status s);
const char *goal_status_word(enum goal_status s);
int goal_status_parse(const char *key);
const char *assignment_status_key(enum assignment_status s);
const char *assignment_status_label(enum assignment_status s);
const char *assignment_status_word(enum assignment_status s);
int assignment_status_parse(const char *key);

#endif
