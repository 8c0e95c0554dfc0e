/* programme.c: the shipped programme templates, their validation, and the enrolment
 * state machine (see programme.h). */
#include "domain/programme.h"

#include <stddef.h>
#include <string.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/util.h"

/*
 * The templates, from the three programmes tolv was written for.
 *
 * Municipal day treatment (Lister, Agder): pre-treatment conversation or information
 * meeting → weekly motivation group (2 h) → day treatment, recommended at least 3 days a
 * week, 4–5 hours a day, for about 3 months, 100 day-treatment days in all → weekly
 * aftercare for 6–18 months. The source's numbers do not add up: 100 attended days at 3
 * days a week take 33 weeks, not 3 months (13 weeks ≈ 39 days). We keep both as written
 * (target 100 days, about 3 months) — attendance.c projects the real finishing date from
 * the actual pace — and an organisation edits whichever it means.
 * Steps are taught in three blocks (1–3, 4–9, 10–12), so all twelve are worked.
 *
 * Outpatient clinic (Stockholm): intake → individual and group sessions with a personal
 * therapist, at a rhythm set in each person's plan → aftercare. At least the first four
 * steps are worked.
 *
 * Facilitation (dual diagnosis, "Tolv doble trinn"): intake → facilitation into mutual-
 * help groups (choosing groups, accompanying to meetings, finding a sponsor) → follow-up.
 * No day counts and no step minimum: the work is engagement, at the patient's pace.
 */
static const struct programme_def templates[] = {
	{
		.key = "municipal_day_treatment",
		.label = N_("Municipal day treatment"),
		.nphases = 4,
		.phases = {
			{ .key = "pre_treatment",
			  .label = N_("Pre-treatment conversation or information meeting") },
			{ .key = "motivation", .label = N_("Motivation group"),
			  .sessions_per_week = 1, .session_minutes = 120 },
			{ .key = "day_treatment", .label = N_("Day treatment"),
			  .target_days = 100, .min_days_per_week = 3,
			  .min_hours_per_day = 4, .max_hours_per_day = 5,
			  .min_months = 3, .max_months = 3 },
			{ .key = "aftercare", .label = N_("Aftercare"),
			  .sessions_per_week = 1, .min_months = 6, .max_months = 18 },
		},
		.min_steps = 12,
	},
	{
		.key = "outpatient_clinic",
		.label = N_("Outpatient clinic"),
		.nphases = 3,
		.phases = {
			{ .key = "intake", .label = N_("Intake") },
			{ .key = "sessions", .label = N_("Individual and group sessions") },
			{ .key = "aftercare", .label = N_("Aftercare"), .sessions_per_week = 1 },
		},
		.min_steps = 4,
	},
	{
		.key = "facilitation",
		.label = N_("Facilitation to mutual-help groups"),
		.nphases = 3,
		.phases = {
			{ .key = "intake", .label = N_("Intake") },
			{ .key = "facilitation", .label = N_("Facilitation") },
			{ .key = "follow_up", .label = N_("Follow-up") },
		},
		.min_steps = 0,
	},
};
#define NTEMPLATES ((int)(sizeof templates / sizeof templates[0]))

const struct programme_def *programme_template(const char *key)
{
	for (int i = 0; key && i < NTEMPLATES; i++)
		if (strcmp(templates[i].key, key) == 0)
			return &templates[i];
	return NULL;
}

int programme_template_count(void)
{
	return NTEMPLATES;
}

const struct programme_def *programme_template_at(int i)
{
	return i >= 0 && i < NTEMPLATES ? &templates[i] : NULL;
}

int programme_phase_index(const struct programme_def *p, const char *key)
{
	for (int i = 0; key && i < p->nphases; i++)
		if (p->phases[i].key && strcmp(p->phases[i].key, key) == 0)
			return i;
	return -1;
}

/* Keys end up in URLs, CSS classes and report columns: keep them plain. */
static bool key_valid(const char *k)
{
	size_t n = 0;
	if (!k || !*k)
		return false;
	for (; k[n]; n++)
		if (!((k[n] >= 'a' && k[n] <= 'z') || (k[n] >= '0' && k[n] <= '9') || k[n] == '_') ||
		    n >= PROGRAMME_KEY_MAX - 1)
			return false;
	return true;
}

static bool label_valid(const char *l)
{
	if (!l)
		return false;
	size_t n = strnlen(l, PROGRAMME_LABEL_MAX + 1);
	bool blank = true;
	for (size_t i = 0; i < n; i++)
		if (l[i] != ' ' && l[i] != '\t')
			blank = false;
	return !blank && n <= PROGRAMME_LABEL_MAX && utf8_valid_text(l, n);
}

/* One range rule per number, in the order a form shows them, so the first message is
 * about the first bad field the user sees. */
struct range_rule {
	size_t offset;
	int min, max;
	const char *msg;
};

#define PHASE_RULE(field, lo, hi, text) { offsetof(struct phase_def, field), lo, hi, text }
static const struct range_rule phase_rules[] = {
	PHASE_RULE(target_days, 0, 1000, N_("Target days must be between 0 and 1000.")),
	PHASE_RULE(min_days_per_week, 0, 5, N_("Minimum days a week must be between 0 and 5.")),
	PHASE_RULE(min_hours_per_day, 0, 12, N_("Minimum hours a day must be between 0 and 12.")),
	PHASE_RULE(max_hours_per_day, 0, 12, N_("Maximum hours a day must be between 0 and 12.")),
	PHASE_RULE(min_months, 0, 60, N_("Minimum months must be between 0 and 60.")),
	PHASE_RULE(max_months, 0, 60, N_("Maximum months must be between 0 and 60.")),
	PHASE_RULE(sessions_per_week, 0, 14, N_("Sessions a week must be between 0 and 14.")),
	PHASE_RULE(session_minutes, 0, 480, N_("Session length must be between 0 and 480 minutes.")),
};

static const char *validate_phase(const struct phase_def *ph)
{
	if (!key_valid(ph->key))
		return N_("Each phase needs a key of lower-case letters, digits and underscores (at most 31).");
	if (!label_valid(ph->label))
		return N_("Each phase needs a name of at most 100 bytes.");
	for (size_t i = 0; i < sizeof phase_rules / sizeof phase_rules[0]; i++) {
		int v;
		memcpy(&v, (const char *)ph + phase_rules[i].offset, sizeof v);
		if (v < phase_rules[i].min || v > phase_rules[i].max)
			return phase_rules[i].msg;
	}
	/* 0 means "not set", so only compare when both ends are set. */
	if (ph->min_hours_per_day && ph->max_hours_per_day &&
	    ph->min_hours_per_day > ph->max_hours_per_day)
		return N_("Minimum hours a day cannot be more than the maximum.");
	if (ph->min_months && ph->max_months && ph->min_months > ph->max_months)
		return N_("Minimum months cannot be more than the maximum.");
	return NULL;
}

const char *programme_validate(const struct programme_def *p, int *phase)
{
	const char *err;
	int dummy;
	if (!phase)
		phase = &dummy;
	*phase = -1;
	if (!key_valid(p->key))
		return N_("The programme needs a key of lower-case letters, digits and underscores (at most 31).");
	if (!label_valid(p->label))
		return N_("The programme needs a name of at most 100 bytes.");
	if (p->nphases < 1 || p->nphases > PROGRAMME_MAX_PHASES)
		return N_("A programme has between 1 and 8 phases.");
	if (p->min_steps < 0 || p->min_steps > 12)
		return N_("The minimum number of steps must be between 0 and 12.");
	for (int i = 0; i < p->nphases; i++) {
		*phase = i;
		if ((err = validate_phase(&p->phases[i])) != NULL)
			return err;
		for (int j = 0; j < i; j++)
			if (strcmp(p->phases[j].key, p->phases[i].key) == 0)
				return N_("Two phases have the same key.");
	}
	*phase = -1;
	return NULL;
}

/*
 * The enrolment state machine.
 *
 *                      enrolment_start
 *                            |
 *                            v
 *        +------------> ACTIVE (phase i) <---enrolment_move_phase---+
 *        |              |    |    |    |  (to i+1 always; to any    |
 *        |              |    |    |    |   other phase with a       |
 *        |              |    |    |    |   reason)                  |
 *        |              |    |    |    +----------------------------+
 *        |              |    |    |
 *   enrolment_resume    |    |    +----enrolment_complete-----> COMPLETED
 *        |              |    |         (only in the last phase)
 *        |   enrolment_pause |
 *        |   (with a reason) +---------enrolment_discontinue--+
 *        |              v                                     v
 *        +---------- PAUSED -----------enrolment_discontinue--> DISCONTINUED
 *                                                               (moved, dropped_out,
 *                                                                transferred, deceased,
 *                                                                other + note)
 *
 * COMPLETED and DISCONTINUED are final: the same person coming back later gets a new
 * enrolment, allowed by enrolment_check_reenrol (not after DISC_DECEASED).
 * PAUSED keeps its phase: a relapse interrupts the path, it does not restart it
 * (DOMAIN.md: treatment is resumed, not ended).
 *
 * Every transition carries a date, which may be neither in the future nor before the
 * latest change: the history must read in order, and the day counts in attendance.c
 * start from these dates.
 */

static const char *refuse_ended(const struct enrolment_state *st)
{
	if (st->status == ENROL_COMPLETED)
		return N_("The enrolment is completed; a new enrolment is needed to continue.");
	if (st->status == ENROL_DISCONTINUED)
		return N_("The enrolment is discontinued; a new enrolment is needed to continue.");
	return NULL;
}

static const char *check_date(const struct enrolment_state *st, int32_t date, int32_t today)
{
	if (date == DATE_NONE)
		return N_("Enter a date.");
	if (date > today)
		return N_("The date is in the future.");
	if (date < st->last_change)
		return N_("The date is before the latest change to this enrolment.");
	return NULL;
}

/* A reason or note: NULL and white space alone count as missing. */
static const char *check_text(const char *s, bool required, const char *missing)
{
	bool blank = true;
	if (s)
		for (const char *p = s; *p; p++)
			if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
				blank = false;
	if (blank)
		return required ? missing : NULL;
	size_t n = strnlen(s, ENROLMENT_TEXT_MAX + 1);
	if (n > ENROLMENT_TEXT_MAX)
		return N_("The text must be at most 1000 bytes.");
	if (!utf8_valid_text(s, n))
		return N_("The text contains characters that are not allowed.");
	return NULL;
}

const char *enrolment_start(struct enrolment_state *st, const struct programme_def *p,
			    int32_t date, int32_t today)
{
	if (p->nphases < 1 || p->nphases > PROGRAMME_MAX_PHASES)
		return N_("The programme has no phases.");
	if (date == DATE_NONE)
		return N_("Enter a date.");
	if (date > today)
		return N_("The date is in the future.");
	memset(st, 0, sizeof *st);
	st->status = ENROL_ACTIVE;
	st->nphases = p->nphases;
	st->phase = 0;
	st->started = st->phase_since = st->last_change = date;
	st->paused_since = st->ended = DATE_NONE;
	st->reason = DISC_NONE;
	return NULL;
}

const char *enrolment_move_phase(struct enrolment_state *st, int to_phase, const char *reason,
				 int32_t date, int32_t today)
{
	const char *err;
	if ((err = refuse_ended(st)) != NULL)
		return err;
	if (st->status == ENROL_PAUSED)
		return N_("The enrolment is paused; resume it before moving to another phase.");
	if (to_phase < 0 || to_phase >= st->nphases)
		return N_("The programme has no such phase.");
	if (to_phase == st->phase)
		return N_("The person is already in this phase.");
	if (to_phase < st->phase &&
	    (err = check_text(reason, true, N_("Moving back to an earlier phase needs a reason."))))
		return err;
	if (to_phase > st->phase + 1 &&
	    (err = check_text(reason, true, N_("Skipping a phase needs a reason."))))
		return err;
	if ((err = check_date(st, date, today)) != NULL)
		return err;
	st->phase = to_phase;
	st->phase_since = st->last_change = date;
	return NULL;
}

const char *enrolment_pause(struct enrolment_state *st, const char *reason, int32_t date,
			    int32_t today)
{
	const char *err;
	if ((err = refuse_ended(st)) != NULL)
		return err;
	if (st->status == ENROL_PAUSED)
		return N_("The enrolment is already paused.");
	if ((err = check_text(reason, true, N_("Pausing needs a reason."))) != NULL)
		return err;
	if ((err = check_date(st, date, today)) != NULL)
		return err;
	st->status = ENROL_PAUSED;
	st->paused_since = st->last_change = date;
	st->pauses++;
	return NULL;
}

const char *enrolment_resume(struct enrolment_state *st, int32_t date, int32_t today)
{
	const char *err;
	if ((err = refuse_ended(st)) != NULL)
		return err;
	if (st->status != ENROL_PAUSED)
		return N_("The enrolment is not paused.");
	if ((err = check_date(st, date, today)) != NULL)
		return err;
	st->status = ENROL_ACTIVE;
	st->paused_since = DATE_NONE;
	st->last_change = date;
	return NULL;
}

const char *enrolment_complete(struct enrolment_state *st, int32_t date, int32_t today)
{
	const char *err;
	if ((err = refuse_ended(st)) != NULL)
		return err;
	if (st->status == ENROL_PAUSED)
		return N_("The enrolment is paused; resume it before completing it.");
	if (st->phase != st->nphases - 1)
		return N_("An enrolment can only be completed in the last phase.");
	if ((err = check_date(st, date, today)) != NULL)
		return err;
	st->status = ENROL_COMPLETED;
	st->ended = st->last_change = date;
	return NULL;
}

const char *enrolment_discontinue(struct enrolment_state *st, enum discontinue_reason reason,
				  const char *note, int32_t date, int32_t today)
{
	const char *err;
	if ((err = refuse_ended(st)) != NULL)
		return err;
	if (reason <= DISC_NONE || reason > DISC_OTHER)
		return N_("Choose why the enrolment ends.");
	if ((err = check_text(note, reason == DISC_OTHER,
			      N_("Describe the reason when it is \"other\"."))) != NULL)
		return err;
	if ((err = check_date(st, date, today)) != NULL)
		return err;
	st->status = ENROL_DISCONTINUED;
	st->reason = reason;
	st->paused_since = DATE_NONE;
	st->ended = st->last_change = date;
	return NULL;
}

const char *enrolment_check_reenrol(const struct enrolment_state *previous)
{
	if (previous->status == ENROL_ACTIVE || previous->status == ENROL_PAUSED)
		return N_("The person is still enrolled in this programme; complete or discontinue that enrolment first.");
	if (previous->status == ENROL_DISCONTINUED && previous->reason == DISC_DECEASED)
		return N_("The person is registered as deceased.");
	return NULL;
}

static const struct {
	const char *key, *label;
} statuses[] = {
	[ENROL_ACTIVE] = { "active", N_("Active") },
	[ENROL_PAUSED] = { "paused", N_("Paused") },
	[ENROL_COMPLETED] = { "completed", N_("Completed") },
	[ENROL_DISCONTINUED] = { "discontinued", N_("Discontinued") },
}, reasons[] = {
	[DISC_NONE] = { "", "" },
	[DISC_MOVED] = { "moved", N_("Moved") },
	[DISC_DROPPED_OUT] = { "dropped_out", N_("Dropped out") },
	[DISC_TRANSFERRED] = { "transferred", N_("Transferred") },
	[DISC_DECEASED] = { "deceased", N_("Deceased") },
	[DISC_OTHER] = { "other", N_("Other") },
};
#define NSTATUSES ((int)(sizeof statuses / sizeof statuses[0]))
#define NREASONS ((int)(sizeof reasons / sizeof reasons[0]))

const char *enrolment_status_key(enum enrolment_status s)
{
	return (int)s >= 0 && (int)s < NSTATUSES ? statuses[s].key : "";
}

const char *enrolment_status_label(enum enrolment_status s)
{
	return (int)s >= 0 && (int)s < NSTATUSES ? statuses[s].label : "";
}

int enrolment_status_parse(const char *key)
{
	for (int i = 0; key && i < NSTATUSES; i++)
		if (strcmp(statuses[i].key, key) == 0)
			return i;
	return -1;
}

const char *discontinue_reason_key(enum discontinue_reason r)
{
	return (int)r >= 0 && (int)r < NREASONS ? reasons[r].key : "";
}

const char *discontinue_reason_label(enum discontinue_reason r)
{
	return (int)r >= 0 && (int)r < NREASONS ? reasons[r].label : "";
}

int discontinue_reason_parse(const char *key)
{
	/* From 1: DISC_NONE's "" is not a reason anyone can choose. */
	for (int i = 1; key && i < NREASONS; i++)
		if (strcmp(reasons[i].key, key) == 0)
			return i;
	return -1;
}
