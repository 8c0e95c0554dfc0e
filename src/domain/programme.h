/* programme.h: programme templates (phases and their numbers) and the enrolment state
 * machine — a person's path through a programme, as pure rules without storage.
 *
 * A programme is data, not code: a list of phases, each with the numbers that describe
 * it (target days, days a week, hours a day, months, sessions a week). tolv ships three
 * templates from the programmes it was written for (see /work/shared/DOMAIN.md); an
 * organisation copies one and may edit every number, which programme_validate() checks.
 *
 * An enrolment is one person's path through one programme: a status and the index of
 * the phase they are in. The transition functions below check a change against the
 * rules and, if it is allowed, apply it to the state; if not they return an English
 * message (a gettext msgid) saying why and leave the state untouched. To ask "would
 * this be allowed?" without changing anything, call them on a copy.
 *
 * Dates are day numbers (core/date.h). `today` is passed in, never read from the clock,
 * so the rules are testable and the caller decides which calendar "today" is in.
 */
#ifndef TOLV_DOMAIN_PROGRAMME_H
#define TOLV_DOMAIN_PROGRAMME_H

#include <stdbool.h>
#include <stdint.h>

#define PROGRAMME_MAX_PHASES 8
#define PROGRAMME_KEY_MAX 32    /* bytes for a programme or phase key with its NUL */
#define PROGRAMME_LABEL_MAX 100 /* bytes in a programme or phase label */
#define ENROLMENT_TEXT_MAX 1000 /* bytes in a reason or note */

/* One phase. A number that is 0 is "not set" / "not part of this phase". */
struct phase_def {
	const char *key;        /* "intake", "motivation", "day_treatment", "aftercare"… */
	const char *label;      /* English msgid: "Day treatment" */
	int target_days;        /* attended days that complete the phase (100), 0–1000 */
	int min_days_per_week;  /* recommended minimum attendance in weekdays (3), 0–5 */
	int min_hours_per_day;  /* length of a treatment day (4–5 h), 0–12 */
	int max_hours_per_day;
	int min_months;         /* expected length of the phase in months (aftercare 6–18), 0–60 */
	int max_months;
	int sessions_per_week;  /* group sessions a week (motivation group, aftercare: 1), 0–14;
	                         * 0 with a phase of sessions means "set in each person's plan" */
	int session_minutes;    /* length of one session (motivation group 120), 0–480 */
};

struct programme_def {
	const char *key;   /* "municipal_day_treatment", "outpatient_clinic", "facilitation" */
	const char *label; /* English msgid */
	int nphases;       /* 1–PROGRAMME_MAX_PHASES */
	struct phase_def phases[PROGRAMME_MAX_PHASES];
	int min_steps;     /* steps each person works at least (outpatient: the first 4), 0–12 */
};

/* The shipped template with this key, or NULL. The result is read-only and lives for the
 * whole program; copy it to edit. */
const struct programme_def *programme_template(const char *key);
/* The shipped templates in display order: index 0..programme_template_count()-1. */
int programme_template_count(void);
const struct programme_def *programme_template_at(int i);

/* NULL if every field of p is in range, else an English message naming the field; *phase
 * (may be NULL) is set to the index of the offending phase, or -1 when the problem is
 * in the programme itself. Checks keys ([a-z0-9_], unique among the phases), labels
 * (non-empty, valid UTF-8 text), every number's range, min <= max for hours and months. */
const char *programme_validate(const struct programme_def *p, int *phase);

/* Index of the phase with this key, or -1. */
int programme_phase_index(const struct programme_def *p, const char *key);

enum enrolment_status {
	ENROL_ACTIVE,
	ENROL_PAUSED,       /* e.g. after a relapse: the path is resumed, not ended */
	ENROL_COMPLETED,
	ENROL_DISCONTINUED,
};

enum discontinue_reason {
	DISC_NONE = 0, /* not discontinued */
	DISC_MOVED,
	DISC_DROPPED_OUT,
	DISC_TRANSFERRED,
	DISC_DECEASED,
	DISC_OTHER, /* needs a note */
};

struct enrolment_state {
	enum enrolment_status status;
	int nphases;          /* copied from the programme at enrolment_start */
	int phase;            /* index of the current phase, 0..nphases-1 */
	int32_t started;      /* the enrolment's first day */
	int32_t phase_since;  /* the day the current phase began */
	int32_t last_change;  /* the date of the latest transition; none may be dated earlier */
	int32_t paused_since; /* DATE_NONE unless paused */
	int32_t ended;        /* DATE_NONE unless completed or discontinued */
	enum discontinue_reason reason; /* DISC_NONE unless discontinued */
	int pauses;           /* how many times the path has been paused (a figure for relapse) */
};

/* Starts st as an active enrolment in the first phase of p on `date`. Refused if p has no
 * phases or the date is in the future. (To start in a later phase — someone referred
 * straight to day treatment — move on the same day, with a reason, as for a skip.) */
const char *enrolment_start(struct enrolment_state *st, const struct programme_def *p,
			    int32_t date, int32_t today);
/* Moves an active enrolment to phase to_phase on `date`. The next phase needs no
 * reason; skipping phases or moving back does (reason is otherwise ignored, may be
 * NULL). The date may be neither before the latest change nor after today. */
const char *enrolment_move_phase(struct enrolment_state *st, int to_phase, const char *reason,
				 int32_t date, int32_t today);
/* Pauses an active enrolment (a relapse, detox, a hospital stay); a reason is required. */
const char *enrolment_pause(struct enrolment_state *st, const char *reason, int32_t date,
			    int32_t today);
/* Resumes a paused enrolment in the phase it was paused in. */
const char *enrolment_resume(struct enrolment_state *st, int32_t date, int32_t today);
/* Completes an active enrolment. Only from the last phase: completion is a figure the
 * programme reports, and "completed" has to mean the same thing for everyone. Someone
 * who leaves earlier is discontinued; someone who finished elsewhere moves (with a
 * reason) to the last phase first, which puts the exception on record. */
const char *enrolment_complete(struct enrolment_state *st, int32_t date, int32_t today);
/* Ends an active or paused enrolment for `reason` (not DISC_NONE). The note is optional,
 * except for DISC_OTHER where it is the reason. */
const char *enrolment_discontinue(struct enrolment_state *st, enum discontinue_reason reason,
				  const char *note, int32_t date, int32_t today);
/* Whether the same person may be enrolled anew in the same programme, given their
 * previous enrolment: NULL if so (it has ended, and not by death), else why not. */
const char *enrolment_check_reenrol(const struct enrolment_state *previous);

/* Stable keys for storage and URLs, English labels (msgids), and parsing back.
 * The parsers return -1 for an unknown key. */
const char *enrolment_status_key(enum enrolment_status s);
const char *enrolment_status_label(enum enrolment_status s);
int enrolment_status_parse(const char *key);
const char *discontinue_reason_key(enum discontinue_reason r);
const char *discontinue_reason_label(enum discontinue_reason r);
int discontinue_reason_parse(const char *key);

#endif
