/* steps.h: the twelve steps as data, and the state machine of one person's work on one
 * step — pure rules without storage.
 *
 * The steps are tolv's own short names in nb/sv/en (not the fellowships' copyrighted
 * wording), each in one of the three phases the programmes teach them in: 1–3, 4–9,
 * 10–12 (/work/shared/DOMAIN.md). An organisation may reword any name in any language
 * with a struct step_names; step_name() falls back to the shipped wording for every name
 * it leaves empty.
 *
 * For each enrolment and step there is a struct step_state. step_transition() checks a
 * change against the rules below and applies it, or returns an English message (a
 * gettext msgid) saying why not and leaves the state untouched — as the enrolment
 * transitions in programme.h do. The history of changes (date, who confirmed, the note)
 * is the caller's to store, one row per successful call.
 *
 * Dates are day numbers (core/date.h); `today` is passed in, never read from the clock.
 */
#ifndef TOLV_DOMAIN_STEPS_H
#define TOLV_DOMAIN_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/i18n.h"

#define STEP_COUNT 12
#define STEP_NAME_MAX 100 /* bytes in a step's name */
#define STEP_NOTE_MAX 500 /* bytes in the short note of a step change */

/* The three phases the steps are taught in. */
enum step_phase {
	STEP_PHASE_ADMIT = 1,  /* steps 1–3: admit the problem, accept help, become willing */
	STEP_PHASE_CLEAR = 2,  /* steps 4–9: self-inventory, acceptance, clearing up the past */
	STEP_PHASE_GROW = 3,   /* steps 10–12: keep growing, share one's story */
};

struct step_def {
	int number;                   /* 1–12 */
	enum step_phase phase;
	const char *name[LANG_COUNT]; /* the shipped wording, indexed by enum lang */
};

/* An organisation's own wording. Not owned: the pointers belong to whoever filled the
 * struct (the store's row). NULL or "" keeps the shipped name for that step and language,
 * so an organisation rewording one step in Norwegian fills one pointer. */
struct step_names {
	const char *name[STEP_COUNT][LANG_COUNT]; /* [step - 1][lang] */
};

/* The shipped step with number 1–12, or NULL. Read-only, lives for the whole program. */
const struct step_def *step_def(int number);
/* The phase of step 1–12, or 0 for any other number. */
int step_phase_of(int number);
/* First and last step of a phase (1–3): 1/3, 4/9, 10/12; 0 for an unknown phase. */
int step_phase_first(int phase);
int step_phase_last(int phase);
/* English msgid naming a phase: "Steps 1–3", "Steps 4–9", "Steps 10–12"; "" if unknown. */
const char *step_phase_label(int phase);

/* The name of step 1–12 in lang: the organisation's wording when o (may be NULL) has a
 * non-empty one, else the shipped name. Already in lang: do not pass it to gettext.
 * "" for a step or language out of range. */
const char *step_name(const struct step_names *o, int number, enum lang lang);
/* NULL if every name o sets is non-blank valid UTF-8 text of at most STEP_NAME_MAX bytes
 * on one line, without control characters (no tab, line break or C1 control); else an
 * English message, with *step (may be NULL) set to the offending step 1–12 and
 * *lang (may be NULL) to its language. */
const char *step_names_validate(const struct step_names *o, int *step, int *lang);

/*
 * The work on one step, for one enrolment.
 *
 *                  step_transition                    step_transition
 *   NOT_STARTED ---------------------> WORKING -------------------------> PRESENTED
 *     |     ^                          |  | ^ ^                              |   |
 *     |     |   step_transition        |  | | |    step_transition           |   |
 *     |     +-- (reason: started by ---+  | | +--- (more work needed) -------+   |
 *     |          mistake)                 | |                                    |
 *     |            step_transition        | |  step_transition                   |
 *     |   (reason: not presented here)    | |  (reason: reopened)                |
 *     |                                   v |                                    |
 *     +--step_transition--------------> COMPLETED <--------step_transition--------+
 *        (reason: worked before)
 *
 * Allowed, with no reason needed (the note is optional):
 *   not_started → working, working → presented, presented → completed,
 *   presented → working (the therapist asks for more work before it is accepted).
 * Allowed only with a reason (it puts the exception on record):
 *   working → not_started   (started by mistake),
 *   working → completed     (completed without a presentation here),
 *   not_started → completed (worked before, e.g. in an earlier treatment),
 *   completed → working     (reopened, e.g. after a relapse).
 * Refused:
 *   not_started → presented (a step is worked before it is presented),
 *   presented or completed → not_started (the step has a history; move it to working),
 *   completed → presented (reopen to working first),
 *   any status → the same status.
 *
 * Every change carries a date, which may be neither in the future nor before the
 * previous change of the same step (the history must read in order), and the id of the
 * user who confirmed it (a therapist; who may is the caller's rule).
 */
enum step_status {
	STEP_NOT_STARTED = 0,
	STEP_WORKING,
	STEP_PRESENTED, /* presented or shared (in the group, or to the therapist) */
	STEP_COMPLETED,
};
#define STEP_STATUS_COUNT 4

struct step_state {
	int step;               /* 1–12 */
	enum step_status status;
	int32_t since;          /* date of the latest change; DATE_NONE before the first */
	int64_t confirmed_by;   /* user who confirmed the latest change; 0 before the first */
	int changes;            /* changes so far */
	int reopened;           /* times completed → working (a figure, as pauses are) */
};

/* Sets st to step `step` (1–12), not started, with no history. */
void step_state_init(struct step_state *st, int step);
/* Sets states[i] to step i + 1, not started. */
void step_states_init(struct step_state states[STEP_COUNT]);

/* Moves st to `to` on `date`, confirmed by user confirmed_by (> 0), with `note` (may be
 * NULL; at most STEP_NOTE_MAX bytes; required, as the reason, for the changes the
 * diagram above marks "with a reason"). NULL when done, else an English message and st
 * unchanged. */
const char *step_transition(struct step_state *st, enum step_status to, int32_t date,
			    int32_t today, int64_t confirmed_by, const char *note);
/* Whether a move from `from` to `to` is possible at all, and whether it needs a reason:
 * 0 refused, 1 allowed, 2 allowed with a reason. For drawing only the buttons that can
 * work. */
int step_move_kind(enum step_status from, enum step_status to);

/* Which steps a person has to complete. With worked non-NULL (day treatment: all twelve
 * are taught, and the steps each person works are set in their plan) the steps marked
 * there; otherwise the first min_steps steps (the outpatient clinic: 4). Writes the
 * numbers of the required steps that are not completed into missing (may be NULL; room
 * for STEP_COUNT) and returns how many there are. min_steps is clamped to 0–12. */
int steps_missing(const struct step_state states[STEP_COUNT], int min_steps,
		  const bool worked[STEP_COUNT], int missing[STEP_COUNT]);
/* True when steps_missing() finds none. */
bool steps_minimum_met(const struct step_state states[STEP_COUNT], int min_steps,
		       const bool worked[STEP_COUNT]);
/* How many of the twelve have status s. */
int steps_count(const struct step_state states[STEP_COUNT], enum step_status s);

/* Stable keys for storage and URLs ("not_started", "working", "presented",
 * "completed"), English labels (msgids: "Not started"…) and parsing back (-1 if
 * unknown). */
const char *step_status_key(enum step_status s);
const char *step_status_label(enum step_status s);
int step_status_parse(const char *key);

#endif
