/* steps.c: the twelve steps in tolv's own wording, an organisation's overrides, and the
 * step status state machine (see steps.h). */
#include "domain/steps.h"

#include <string.h>

#include "core/date.h"
#include "core/util.h"

/*
 * Our own short names, written for tolv: a therapist and a participant should recognise
 * each step at a glance, without the fellowships' copyrighted text. They are data, not
 * msgids, because an organisation may replace them (struct step_names) and the three
 * languages are part of the definition rather than a translation of the English.
 */
#define STEP(n, ph, nb, sv, en) \
	{ .number = n, .phase = ph, .name = { [LANG_NB] = nb, [LANG_SV] = sv, [LANG_EN] = en } }
static const struct step_def steps[STEP_COUNT] = {
	STEP(1, STEP_PHASE_ADMIT, "Innrømme maktesløshet", "Erkänna maktlöshet",
	     "Admitting powerlessness"),
	STEP(2, STEP_PHASE_ADMIT, "Finne håp", "Finna hopp", "Finding hope"),
	STEP(3, STEP_PHASE_ADMIT, "Bestemme seg for å ta imot hjelp",
	     "Besluta sig för att ta emot hjälp", "Deciding to accept help"),
	STEP(4, STEP_PHASE_CLEAR, "Selvransakelse", "Självrannsakan", "Moral self-inventory"),
	STEP(5, STEP_PHASE_CLEAR, "Dele selvransakelsen", "Dela självrannsakan",
	     "Sharing the inventory"),
	STEP(6, STEP_PHASE_CLEAR, "Bli klar for endring", "Bli redo för förändring",
	     "Becoming ready to change"),
	STEP(7, STEP_PHASE_CLEAR, "Be om hjelp til endring", "Be om hjälp att förändras",
	     "Asking for help to change"),
	STEP(8, STEP_PHASE_CLEAR, "Liste over dem en har skadet", "Lista över dem man skadat",
	     "Listing those harmed"),
	STEP(9, STEP_PHASE_CLEAR, "Gjøre opp for seg", "Gottgöra", "Making amends"),
	STEP(10, STEP_PHASE_GROW, "Fortsatt selvransakelse", "Fortsatt självrannsakan",
	     "Continued self-inventory"),
	STEP(11, STEP_PHASE_GROW, "Refleksjon og meditasjon", "Reflektion och meditation",
	     "Reflection and meditation"),
	STEP(12, STEP_PHASE_GROW, "Dele erfaringen med andre", "Dela erfarenheten med andra",
	     "Sharing the experience with others"),
};

const struct step_def *step_def(int number)
{
	return number >= 1 && number <= STEP_COUNT ? &steps[number - 1] : NULL;
}

int step_phase_of(int number)
{
	return number >= 1 && number <= STEP_COUNT ? (int)steps[number - 1].phase : 0;
}

static const struct {
	int first, last;
	const char *label;
} phases[] = {
	[0] = { 0, 0, "" },
	[STEP_PHASE_ADMIT] = { 1, 3, N_("Steps 1–3") },
	[STEP_PHASE_CLEAR] = { 4, 9, N_("Steps 4–9") },
	[STEP_PHASE_GROW] = { 10, 12, N_("Steps 10–12") },
};
#define NPHASES ((int)(sizeof phases / sizeof phases[0]))

int step_phase_first(int phase)
{
	return phase > 0 && phase < NPHASES ? phases[phase].first : 0;
}

int step_phase_last(int phase)
{
	return phase > 0 && phase < NPHASES ? phases[phase].last : 0;
}

const char *step_phase_label(int phase)
{
	return phase > 0 && phase < NPHASES ? phases[phase].label : "";
}

const char *step_name(const struct step_names *o, int number, enum lang lang)
{
	if (number < 1 || number > STEP_COUNT || (int)lang < 0 || lang >= LANG_COUNT)
		return "";
	if (o && o->name[number - 1][lang] && o->name[number - 1][lang][0])
		return o->name[number - 1][lang];
	return steps[number - 1].name[lang];
}

/* Whether s has a control character utf8_valid_text lets through in running text: tab,
 * line breaks, and the C1 controls U+0080–U+009F (0xC2 0x80–0x9F). A step name is one
 * short line: none of them belongs in it. */
static bool has_control(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r')
			return true;
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

const char *step_names_validate(const struct step_names *o, int *step, int *lang)
{
	int dstep, dlang;
	if (!step)
		step = &dstep;
	if (!lang)
		lang = &dlang;
	*step = 0;
	*lang = -1;
	for (int i = 0; i < STEP_COUNT; i++) {
		for (int l = 0; l < LANG_COUNT; l++) {
			const char *s = o->name[i][l];
			if (!s || !*s)
				continue; /* the shipped name */
			*step = i + 1;
			*lang = l;
			size_t n = strnlen(s, STEP_NAME_MAX + 1);
			bool blank = true;
			for (size_t k = 0; k < n; k++)
				if (s[k] != ' ' && s[k] != '\t')
					blank = false;
			/* White space alone would draw an empty label in the chart: clear the
			 * name instead to get the shipped one back. */
			if (blank)
				return N_("A step name cannot be only spaces; leave it empty to use the standard name.");
			if (n > STEP_NAME_MAX)
				return N_("A step name must be at most 100 bytes.");
			if (!utf8_valid_text(s, n) || has_control(s, n))
				return N_("A step name contains characters that are not allowed.");
		}
	}
	*step = 0;
	*lang = -1;
	return NULL;
}

void step_state_init(struct step_state *st, int step)
{
	memset(st, 0, sizeof *st);
	st->step = step;
	st->status = STEP_NOT_STARTED;
	st->since = DATE_NONE;
}

void step_states_init(struct step_state states[STEP_COUNT])
{
	for (int i = 0; i < STEP_COUNT; i++)
		step_state_init(&states[i], i + 1);
}

/* The diagram of steps.h as a table: what each move is, and what to say when it is
 * refused or lacks its reason. */
enum { REFUSED = 0, ALLOWED = 1, NEEDS_REASON = 2 };

struct move {
	int kind;
	const char *msg; /* why refused, or what the missing reason is for */
};

static const struct move moves[STEP_STATUS_COUNT][STEP_STATUS_COUNT] = {
	[STEP_NOT_STARTED] = {
		[STEP_NOT_STARTED] = { REFUSED, N_("The step already has this status.") },
		[STEP_WORKING] = { ALLOWED, NULL },
		[STEP_PRESENTED] = { REFUSED, N_("A step is worked on before it is presented; mark it as being worked on first.") },
		[STEP_COMPLETED] = { NEEDS_REASON, N_("Completing a step that was not worked on here needs a reason.") },
	},
	[STEP_WORKING] = {
		[STEP_NOT_STARTED] = { NEEDS_REASON, N_("Moving a step back to not started needs a reason.") },
		[STEP_WORKING] = { REFUSED, N_("The step already has this status.") },
		[STEP_PRESENTED] = { ALLOWED, NULL },
		[STEP_COMPLETED] = { NEEDS_REASON, N_("Completing a step that has not been presented needs a reason.") },
	},
	[STEP_PRESENTED] = {
		[STEP_NOT_STARTED] = { REFUSED, N_("A step that has been presented or completed keeps its history; move it back to working instead.") },
		[STEP_WORKING] = { ALLOWED, NULL },
		[STEP_PRESENTED] = { REFUSED, N_("The step already has this status.") },
		[STEP_COMPLETED] = { ALLOWED, NULL },
	},
	[STEP_COMPLETED] = {
		[STEP_NOT_STARTED] = { REFUSED, N_("A step that has been presented or completed keeps its history; move it back to working instead.") },
		[STEP_WORKING] = { NEEDS_REASON, N_("Reopening a completed step needs a reason.") },
		[STEP_PRESENTED] = { REFUSED, N_("A completed step can only be reopened to working.") },
		[STEP_COMPLETED] = { REFUSED, N_("The step already has this status.") },
	},
};

static bool status_valid(enum step_status s)
{
	return (int)s >= 0 && (int)s < STEP_STATUS_COUNT;
}

int step_move_kind(enum step_status from, enum step_status to)
{
	if (!status_valid(from) || !status_valid(to))
		return REFUSED;
	return moves[from][to].kind;
}

/* The note: optional unless it is the reason; NULL and white space alone are missing. */
static const char *check_note(const char *s, bool required, const char *missing)
{
	bool blank = true;
	if (s)
		for (const char *p = s; *p; p++)
			if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
				blank = false;
	if (blank)
		return required ? missing : NULL;
	size_t n = strnlen(s, STEP_NOTE_MAX + 1);
	if (n > STEP_NOTE_MAX)
		return N_("The note must be at most 500 bytes.");
	if (!utf8_valid_text(s, n))
		return N_("The note contains characters that are not allowed.");
	return NULL;
}

const char *step_transition(struct step_state *st, enum step_status to, int32_t date,
			    int32_t today, int64_t confirmed_by, const char *note)
{
	const char *err;
	if (st->step < 1 || st->step > STEP_COUNT || !status_valid(st->status))
		return N_("There is no such step.");
	if (!status_valid(to))
		return N_("Choose a status for the step.");
	const struct move *m = &moves[st->status][to];
	if (m->kind == REFUSED)
		return m->msg;
	if ((err = check_note(note, m->kind == NEEDS_REASON, m->msg)) != NULL)
		return err;
	if (date == DATE_NONE)
		return N_("Enter a date.");
	if (date > today)
		return N_("The date is in the future.");
	if (st->since != DATE_NONE && date < st->since)
		return N_("The date is before the latest change to this step.");
	if (confirmed_by <= 0)
		return N_("A change of step status must be confirmed by a user.");

	if (st->status == STEP_COMPLETED && to == STEP_WORKING)
		st->reopened++;
	st->status = to;
	st->since = date;
	st->confirmed_by = confirmed_by;
	st->changes++;
	return NULL;
}

int steps_missing(const struct step_state states[STEP_COUNT], int min_steps,
		  const bool worked[STEP_COUNT], int missing[STEP_COUNT])
{
	int n = 0;
	if (min_steps < 0)
		min_steps = 0;
	if (min_steps > STEP_COUNT)
		min_steps = STEP_COUNT;
	for (int i = 0; i < STEP_COUNT; i++) {
		bool required = worked ? worked[i] : i < min_steps;
		if (required && states[i].status != STEP_COMPLETED) {
			if (missing)
				missing[n] = i + 1;
			n++;
		}
	}
	return n;
}

bool steps_minimum_met(const struct step_state states[STEP_COUNT], int min_steps,
		       const bool worked[STEP_COUNT])
{
	return steps_missing(states, min_steps, worked, NULL) == 0;
}

int steps_count(const struct step_state states[STEP_COUNT], enum step_status s)
{
	int n = 0;
	for (int i = 0; i < STEP_COUNT; i++)
		n += states[i].status == s;
	return n;
}

static const struct {
	const char *key, *label;
} statuses[STEP_STATUS_COUNT] = {
	[STEP_NOT_STARTED] = { "not_started", N_("Not started") },
	[STEP_WORKING] = { "working", N_("Working") },
	[STEP_PRESENTED] = { "presented", N_("Presented") },
	[STEP_COMPLETED] = { "completed", N_("Completed") },
};

const char *step_status_key(enum step_status s)
{
	return status_valid(s) ? statuses[s].key : "";
}

const char *step_status_label(enum step_status s)
{
	return status_valid(s) ? statuses[s].label : "";
}

int step_status_parse(const char *key)
{
	for (int i = 0; key && i < STEP_STATUS_COUNT; i++)
		if (strcmp(statuses[i].key, key) == 0)
			return i;
	return -1;
}
