/* test_steps.c: unit tests of the twelve steps as data, an organisation's wording, every
 * allowed and refused step transition, and the minimum steps of a programme. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/date.h"
#include "domain/programme.h"
#include "domain/steps.h"
#include "domain/stepwording.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define TODAY D(2025, 6, 2)
#define USER 7

static void ok(const char *err)
{
	if (err)
		fail_msg("refused: %s", err);
}

static void refused(const char *err, const char *want)
{
	if (!err || strcmp(err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err ? err : "allowed", want);
}

/* ---- The steps as data --------------------------------------------------------------- */

static void twelve_steps(void **state)
{
	static const int phase[STEP_COUNT] = { 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3 };
	for (int n = 1; n <= STEP_COUNT; n++) {
		const struct step_def *s = step_def(n);
		assert_non_null(s);
		assert_int_equal(s->number, n);
		assert_int_equal(s->phase, phase[n - 1]);
		assert_int_equal(step_phase_of(n), phase[n - 1]);
		for (int l = 0; l < LANG_COUNT; l++) {
			assert_non_null(s->name[l]);
			assert_true(strlen(s->name[l]) > 3);
			assert_true(strlen(s->name[l]) <= STEP_NAME_MAX);
			assert_string_equal(step_name(NULL, n, (enum lang)l), s->name[l]);
		}
		/* Names are unique within a language: the chart's tooltips tell them apart. */
		for (int m = 1; m < n; m++)
			for (int l = 0; l < LANG_COUNT; l++)
				assert_string_not_equal(step_def(m)->name[l], s->name[l]);
	}
	assert_null(step_def(0));
	assert_null(step_def(13));
	assert_int_equal(step_phase_of(0), 0);
	assert_int_equal(step_phase_of(13), 0);

	assert_string_equal(step_name(NULL, 1, LANG_EN), "Admitting powerlessness");
	assert_string_equal(step_name(NULL, 1, LANG_NB), "Innrømme maktesløshet");
	assert_string_equal(step_name(NULL, 1, LANG_SV), "Erkänna maktlöshet");
	assert_string_equal(step_name(NULL, 4, LANG_EN), "Moral self-inventory");
	assert_string_equal(step_name(NULL, 4, LANG_NB), "Selvransakelse");
	assert_string_equal(step_name(NULL, 4, LANG_SV), "Självrannsakan");
	assert_string_equal(step_name(NULL, 0, LANG_EN), "");
	assert_string_equal(step_name(NULL, 13, LANG_EN), "");
	assert_string_equal(step_name(NULL, 1, (enum lang)7), "");

	assert_int_equal(step_phase_first(1), 1);
	assert_int_equal(step_phase_last(1), 3);
	assert_int_equal(step_phase_first(2), 4);
	assert_int_equal(step_phase_last(2), 9);
	assert_int_equal(step_phase_first(3), 10);
	assert_int_equal(step_phase_last(3), 12);
	assert_int_equal(step_phase_first(0), 0);
	assert_int_equal(step_phase_last(4), 0);
	assert_string_equal(step_phase_label(1), "Steps 1–3");
	assert_string_equal(step_phase_label(2), "Steps 4–9");
	assert_string_equal(step_phase_label(3), "Steps 10–12");
	assert_string_equal(step_phase_label(4), "");
}

static void organisation_wording(void **state)
{
	struct step_names o;
	int step = 99, lang = 99;
	memset(&o, 0, sizeof o);
	assert_null(step_names_validate(&o, &step, &lang));
	assert_int_equal(step, 0);
	assert_int_equal(lang, -1);

	o.name[3][LANG_NB] = "Ærlig selvransakelse";
	o.name[0][LANG_SV] = ""; /* empty: the shipped name */
	assert_null(step_names_validate(&o, NULL, NULL));
	assert_string_equal(step_name(&o, 4, LANG_NB), "Ærlig selvransakelse");
	assert_string_equal(step_name(&o, 4, LANG_SV), "Självrannsakan");
	assert_string_equal(step_name(&o, 4, LANG_EN), "Moral self-inventory");
	assert_string_equal(step_name(&o, 1, LANG_SV), "Erkänna maktlöshet");

	o.name[6][LANG_EN] = "   ";
	assert_string_equal(step_names_validate(&o, &step, &lang),
			    "A step name cannot be only spaces; leave it empty to use the standard name.");
	assert_int_equal(step, 7);
	assert_int_equal(lang, LANG_EN);

	char longname[STEP_NAME_MAX + 2];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	o.name[6][LANG_EN] = longname; /* 101 bytes */
	assert_string_equal(step_names_validate(&o, &step, NULL),
			    "A step name must be at most 100 bytes.");
	longname[STEP_NAME_MAX] = '\0'; /* 100 */
	assert_null(step_names_validate(&o, NULL, NULL));

	o.name[11][LANG_SV] = "Dela\nmed andra";
	assert_string_equal(step_names_validate(&o, &step, &lang),
			    "A step name contains characters that are not allowed.");
	assert_int_equal(step, 12);
	assert_int_equal(lang, LANG_SV);
	o.name[11][LANG_SV] = "Dela \x01";
	assert_string_equal(step_names_validate(&o, NULL, NULL),
			    "A step name contains characters that are not allowed.");
	o.name[11][LANG_SV] = "Dela \xc3";
	assert_string_equal(step_names_validate(&o, NULL, NULL),
			    "A step name contains characters that are not allowed.");
}

/* The one lookup every page uses: the organisation's name where set, per step and per
 * language; the shipped name for every other, for NULL, and for "" (a reset). */
static void wording_lookup_fallback(void **state)
{
	(void)state;
	struct step_names o;
	memset(&o, 0, sizeof o);
	for (int n = 1; n <= STEP_COUNT; n++)
		for (int l = 0; l < LANG_COUNT; l++)
			assert_ptr_equal(step_name(&o, n, (enum lang)l), step_def(n)->name[l]);
	o.name[0][LANG_EN] = "Honesty";
	o.name[11][LANG_NB] = "<script>'\"&";
	assert_string_equal(step_name(&o, 1, LANG_EN), "Honesty");
	assert_string_equal(step_name(&o, 1, LANG_NB), "Innrømme maktesløshet"); /* other language: shipped */
	assert_string_equal(step_name(&o, 2, LANG_EN), "Finding hope");          /* other step: shipped */
	assert_string_equal(step_name(&o, 12, LANG_NB), "<script>'\"&");         /* as given: escaping is html's */
	assert_string_equal(step_name(&o, 12, LANG_SV), "Dela erfarenheten med andra");
	assert_string_equal(step_name(&o, 13, LANG_EN), "");
	assert_string_equal(step_name(&o, 0, LANG_NB), "");
	o.name[0][LANG_EN] = ""; /* reset: back to the shipped name */
	assert_string_equal(step_name(&o, 1, LANG_EN), "Admitting powerlessness");

	/* No control characters: tab, carriage return, a C1 control (U+0085). */
	memset(&o, 0, sizeof o);
	o.name[4][LANG_NB] = "Dele\tselvransakelsen";
	assert_string_equal(step_names_validate(&o, NULL, NULL), "A step name contains characters that are not allowed.");
	o.name[4][LANG_NB] = "Dele\rselvransakelsen";
	assert_string_equal(step_names_validate(&o, NULL, NULL), "A step name contains characters that are not allowed.");
	o.name[4][LANG_NB] = "Dele \xc2\x85";
	assert_string_equal(step_names_validate(&o, NULL, NULL), "A step name contains characters that are not allowed.");
	o.name[4][LANG_NB] = "Dele \xc2\xa0selvransakelsen"; /* a no-break space is text */
	assert_null(step_names_validate(&o, NULL, NULL));

	/* The form fields of the settings page. */
	assert_string_equal(step_wording_field(1, LANG_NB), "name-1-nb");
	assert_string_equal(step_wording_field(12, LANG_EN), "name-12-en");
	assert_string_equal(step_wording_field(4, LANG_SV), "name-4-sv");
	assert_string_equal(step_wording_field(0, LANG_SV), "");
	assert_string_equal(step_wording_field(13, LANG_SV), "");
	assert_string_equal(step_wording_field(1, (enum lang)3), "");
}

/* ---- Transitions --------------------------------------------------------------------- */

#define M_SAME "The step already has this status."
#define M_PRESENT_FIRST "A step is worked on before it is presented; mark it as being worked on first."
#define M_NOT_WORKED "Completing a step that was not worked on here needs a reason."
#define M_BACK_NOT_STARTED "Moving a step back to not started needs a reason."
#define M_NOT_PRESENTED "Completing a step that has not been presented needs a reason."
#define M_HAS_HISTORY "A step that has been presented or completed keeps its history; move it back to working instead."
#define M_REOPEN "Reopening a completed step needs a reason."
#define M_REOPEN_TO_WORKING "A completed step can only be reopened to working."
#define M_FUTURE "The date is in the future."
#define M_BEFORE "The date is before the latest change to this step."
#define M_DATE "Enter a date."
#define M_USER "A change of step status must be confirmed by a user."
#define M_NOTE_LONG "The note must be at most 500 bytes."
#define M_NOTE_BAD "The note contains characters that are not allowed."

/* Step 4 brought to status s on 10 January along the ordinary path. */
static struct step_state at(enum step_status s)
{
	struct step_state st;
	step_state_init(&st, 4);
	static const enum step_status path[] = { STEP_WORKING, STEP_PRESENTED, STEP_COMPLETED };
	for (int i = 0; i < (int)s; i++)
		ok(step_transition(&st, path[i], D(2025, 1, 10), TODAY, USER, NULL));
	assert_int_equal(st.status, s);
	return st;
}

struct move_case {
	enum step_status from, to;
	const char *without_reason; /* NULL: allowed */
	const char *with_reason;    /* NULL: allowed */
};

static void every_transition(void **state)
{
	static const struct move_case cases[] = {
		{ STEP_NOT_STARTED, STEP_NOT_STARTED, M_SAME, M_SAME },
		{ STEP_NOT_STARTED, STEP_WORKING, NULL, NULL },
		{ STEP_NOT_STARTED, STEP_PRESENTED, M_PRESENT_FIRST, M_PRESENT_FIRST },
		{ STEP_NOT_STARTED, STEP_COMPLETED, M_NOT_WORKED, NULL },
		{ STEP_WORKING, STEP_NOT_STARTED, M_BACK_NOT_STARTED, NULL },
		{ STEP_WORKING, STEP_WORKING, M_SAME, M_SAME },
		{ STEP_WORKING, STEP_PRESENTED, NULL, NULL },
		{ STEP_WORKING, STEP_COMPLETED, M_NOT_PRESENTED, NULL },
		{ STEP_PRESENTED, STEP_NOT_STARTED, M_HAS_HISTORY, M_HAS_HISTORY },
		{ STEP_PRESENTED, STEP_WORKING, NULL, NULL },
		{ STEP_PRESENTED, STEP_PRESENTED, M_SAME, M_SAME },
		{ STEP_PRESENTED, STEP_COMPLETED, NULL, NULL },
		{ STEP_COMPLETED, STEP_NOT_STARTED, M_HAS_HISTORY, M_HAS_HISTORY },
		{ STEP_COMPLETED, STEP_WORKING, M_REOPEN, NULL },
		{ STEP_COMPLETED, STEP_PRESENTED, M_REOPEN_TO_WORKING, M_REOPEN_TO_WORKING },
		{ STEP_COMPLETED, STEP_COMPLETED, M_SAME, M_SAME },
	};
	assert_int_equal(sizeof cases / sizeof cases[0], STEP_STATUS_COUNT * STEP_STATUS_COUNT);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct move_case *c = &cases[i];
		const char *reasons[2] = { NULL, "   " }; /* blank is no reason */
		for (int r = 0; r < 2; r++) {
			struct step_state st = at(c->from), before = st;
			const char *err = step_transition(&st, c->to, D(2025, 2, 3), TODAY, USER,
							  reasons[r]);
			if (c->without_reason) {
				refused(err, c->without_reason);
				assert_memory_equal(&st, &before, sizeof st);
			} else {
				ok(err);
			}
		}
		struct step_state st = at(c->from), before = st;
		const char *err = step_transition(&st, c->to, D(2025, 2, 3), TODAY, USER,
						  "Worked at the clinic in Lier in 2023");
		if (c->with_reason) {
			refused(err, c->with_reason);
			assert_memory_equal(&st, &before, sizeof st);
		} else {
			ok(err);
			assert_int_equal(st.status, c->to);
			assert_int_equal(st.since, D(2025, 2, 3));
			assert_int_equal(st.confirmed_by, USER);
			assert_int_equal(st.changes, before.changes + 1);
		}
		/* step_move_kind tells the page the same. */
		int kind = step_move_kind(c->from, c->to);
		assert_int_equal(kind, c->with_reason ? 0 : c->without_reason ? 2 : 1);
	}
	assert_int_equal(step_move_kind((enum step_status)9, STEP_WORKING), 0);
	assert_int_equal(step_move_kind(STEP_WORKING, (enum step_status)-1), 0);
}

static void dates_users_and_notes(void **state)
{
	struct step_state st, before;
	step_state_init(&st, 1);
	assert_int_equal(st.since, DATE_NONE);
	assert_int_equal(st.changes, 0);
	before = st;
	refused(step_transition(&st, STEP_WORKING, DATE_NONE, TODAY, USER, NULL), M_DATE);
	refused(step_transition(&st, STEP_WORKING, TODAY + 1, TODAY, USER, NULL), M_FUTURE);
	refused(step_transition(&st, STEP_WORKING, TODAY, TODAY, 0, NULL), M_USER);
	refused(step_transition(&st, STEP_WORKING, TODAY, TODAY, -3, NULL), M_USER);
	refused(step_transition(&st, (enum step_status)4, TODAY, TODAY, USER, NULL),
		"Choose a status for the step.");
	refused(step_transition(&st, (enum step_status)-1, TODAY, TODAY, USER, NULL),
		"Choose a status for the step.");
	char note[STEP_NOTE_MAX + 2];
	memset(note, 'x', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	refused(step_transition(&st, STEP_WORKING, TODAY, TODAY, USER, note), M_NOTE_LONG);
	refused(step_transition(&st, STEP_WORKING, TODAY, TODAY, USER, "bad\x7f"), M_NOTE_BAD);
	assert_memory_equal(&st, &before, sizeof st);

	/* The first change may be dated any day up to today. */
	note[STEP_NOTE_MAX] = '\0';
	ok(step_transition(&st, STEP_WORKING, D(2025, 3, 3), TODAY, USER, note));
	/* Not before the previous change; the same day is fine. */
	before = st;
	refused(step_transition(&st, STEP_PRESENTED, D(2025, 3, 2), TODAY, USER, NULL), M_BEFORE);
	assert_memory_equal(&st, &before, sizeof st);
	ok(step_transition(&st, STEP_PRESENTED, D(2025, 3, 3), TODAY, 9, "Shared in the group"));
	assert_int_equal(st.confirmed_by, 9);
	ok(step_transition(&st, STEP_COMPLETED, TODAY, TODAY, USER, NULL));
	assert_int_equal(st.changes, 3);
	assert_int_equal(st.reopened, 0);

	/* Reopened after a relapse, counted; and completed again. */
	ok(step_transition(&st, STEP_WORKING, TODAY, TODAY, USER, "Relapse; working step 1 again"));
	assert_int_equal(st.reopened, 1);
	ok(step_transition(&st, STEP_PRESENTED, TODAY, TODAY, USER, NULL));
	ok(step_transition(&st, STEP_WORKING, TODAY, TODAY, USER, NULL)); /* more work needed */
	assert_int_equal(st.reopened, 1); /* presented → working is not a reopening */
	ok(step_transition(&st, STEP_PRESENTED, TODAY, TODAY, USER, NULL));
	ok(step_transition(&st, STEP_COMPLETED, TODAY, TODAY, USER, NULL));
	assert_int_equal(st.changes, 8);

	/* A state that is not a step is refused outright. */
	struct step_state bad;
	step_state_init(&bad, 13);
	refused(step_transition(&bad, STEP_WORKING, TODAY, TODAY, USER, NULL), "There is no such step.");
	step_state_init(&bad, 0);
	refused(step_transition(&bad, STEP_WORKING, TODAY, TODAY, USER, NULL), "There is no such step.");
}

/* ---- The programme's minimum --------------------------------------------------------- */

static void minimum_steps(void **state)
{
	struct step_state s[STEP_COUNT];
	int missing[STEP_COUNT];
	step_states_init(s);
	for (int i = 0; i < STEP_COUNT; i++)
		assert_int_equal(s[i].step, i + 1);

	/* The outpatient clinic: the first four. */
	int min = programme_template("outpatient_clinic")->min_steps;
	assert_int_equal(min, 4);
	assert_int_equal(steps_missing(s, min, NULL, missing), 4);
	assert_int_equal(missing[0], 1);
	assert_int_equal(missing[3], 4);
	for (int i = 0; i < 3; i++) {
		ok(step_transition(&s[i], STEP_WORKING, D(2025, 1, 6), TODAY, USER, NULL));
		ok(step_transition(&s[i], STEP_PRESENTED, D(2025, 2, 6), TODAY, USER, NULL));
		ok(step_transition(&s[i], STEP_COMPLETED, D(2025, 2, 7), TODAY, USER, NULL));
	}
	ok(step_transition(&s[3], STEP_WORKING, D(2025, 3, 1), TODAY, USER, NULL));
	ok(step_transition(&s[3], STEP_PRESENTED, D(2025, 3, 20), TODAY, USER, NULL));
	assert_false(steps_minimum_met(s, min, NULL));
	assert_int_equal(steps_missing(s, min, NULL, missing), 1);
	assert_int_equal(missing[0], 4); /* presented is not completed */
	ok(step_transition(&s[3], STEP_COMPLETED, D(2025, 3, 21), TODAY, USER, NULL));
	assert_true(steps_minimum_met(s, min, NULL));
	assert_int_equal(steps_count(s, STEP_COMPLETED), 4);
	assert_int_equal(steps_count(s, STEP_NOT_STARTED), 8);

	/* Day treatment: all twelve taught; this person's plan sets steps 1–9 and 12. */
	int dt = programme_template("municipal_day_treatment")->min_steps;
	assert_int_equal(dt, 12);
	assert_false(steps_minimum_met(s, dt, NULL));
	assert_int_equal(steps_missing(s, dt, NULL, NULL), 8);
	bool worked[STEP_COUNT] = { true, true, true, true, true, true, true, true, true,
				    false, false, true };
	assert_int_equal(steps_missing(s, dt, worked, missing), 6);
	assert_int_equal(missing[0], 5);
	assert_int_equal(missing[5], 12);
	bool first_three[STEP_COUNT] = { true, true, true };
	assert_true(steps_minimum_met(s, dt, first_three)); /* the set wins over the number */
	bool none[STEP_COUNT] = { false };
	assert_true(steps_minimum_met(s, dt, none));

	/* The facilitation programme has no minimum; out-of-range numbers are clamped. */
	assert_true(steps_minimum_met(s, 0, NULL));
	assert_true(steps_minimum_met(s, -5, NULL));
	assert_int_equal(steps_missing(s, 99, NULL, NULL), 8);
}

static void keys_and_labels(void **state)
{
	static const char *keys[] = { "not_started", "working", "presented", "completed" };
	static const char *labels[] = { "Not started", "Working", "Presented", "Completed" };
	for (int i = 0; i < STEP_STATUS_COUNT; i++) {
		assert_string_equal(step_status_key((enum step_status)i), keys[i]);
		assert_string_equal(step_status_label((enum step_status)i), labels[i]);
		assert_int_equal(step_status_parse(keys[i]), i);
	}
	assert_int_equal(step_status_parse("done"), -1);
	assert_int_equal(step_status_parse(NULL), -1);
	assert_string_equal(step_status_key((enum step_status)4), "");
	assert_string_equal(step_status_label((enum step_status)-1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(twelve_steps),
		cmocka_unit_test(organisation_wording),
		cmocka_unit_test(wording_lookup_fallback),
		cmocka_unit_test(every_transition),
		cmocka_unit_test(dates_users_and_notes),
		cmocka_unit_test(minimum_steps),
		cmocka_unit_test(keys_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
