/* test_programme.c: unit tests of the programme templates, their validation and every
 * transition of the enrolment state machine, allowed and refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/date.h"
#include "domain/programme.h"

#define D(y, m, d) date_from_ymd(y, m, d)

/* ---- Templates ---------------------------------------------------------------------- */

static void shipped_templates(void **state)
{
	assert_int_equal(programme_template_count(), 3);
	assert_null(programme_template_at(3));
	assert_null(programme_template_at(-1));
	assert_null(programme_template("nope"));
	assert_null(programme_template(NULL));
	for (int i = 0; i < programme_template_count(); i++) {
		const struct programme_def *p = programme_template_at(i);
		int phase = 99;
		assert_null(programme_validate(p, &phase));
		assert_int_equal(phase, -1);
		assert_ptr_equal(programme_template(p->key), p);
	}

	const struct programme_def *m = programme_template("municipal_day_treatment");
	assert_non_null(m);
	assert_string_equal(m->label, "Municipal day treatment");
	assert_int_equal(m->nphases, 4);
	assert_string_equal(m->phases[0].key, "pre_treatment");
	assert_string_equal(m->phases[1].key, "motivation");
	assert_int_equal(m->phases[1].sessions_per_week, 1);
	assert_int_equal(m->phases[1].session_minutes, 120);
	const struct phase_def *dt = &m->phases[programme_phase_index(m, "day_treatment")];
	assert_int_equal(dt->target_days, 100);
	assert_int_equal(dt->min_days_per_week, 3);
	assert_int_equal(dt->min_hours_per_day, 4);
	assert_int_equal(dt->max_hours_per_day, 5);
	assert_int_equal(dt->max_months, 3);
	assert_int_equal(programme_phase_index(m, "aftercare"), 3);
	assert_int_equal(m->phases[3].sessions_per_week, 1);
	assert_int_equal(m->phases[3].min_months, 6);
	assert_int_equal(m->phases[3].max_months, 18);
	assert_int_equal(programme_phase_index(m, "nope"), -1);
	assert_int_equal(programme_phase_index(m, NULL), -1);

	const struct programme_def *o = programme_template("outpatient_clinic");
	assert_non_null(o);
	assert_int_equal(o->min_steps, 4);
	assert_int_equal(o->nphases, 3);
	assert_string_equal(o->phases[0].key, "intake");
	assert_string_equal(o->phases[2].key, "aftercare");

	const struct programme_def *f = programme_template("facilitation");
	assert_non_null(f);
	assert_int_equal(f->nphases, 3);
	assert_string_equal(f->phases[1].key, "facilitation");
	for (int i = 0; i < f->nphases; i++)
		assert_int_equal(f->phases[i].target_days, 0); /* no day counts */
}

/* ---- Validation of an edited programme ---------------------------------------------- */

static struct programme_def edited(void)
{
	return *programme_template("municipal_day_treatment");
}

static void expect_invalid(const struct programme_def *p, int want_phase, const char *want)
{
	int phase = 99;
	const char *err = programme_validate(p, &phase);
	if (!err || strcmp(err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err ? err : "valid", want);
	assert_int_equal(phase, want_phase);
}

struct field_case {
	size_t offset;
	int below, above, ok;
	const char *msg;
};

#define FIELD(f, lo, hi, ok, m) { offsetof(struct phase_def, f), lo, hi, ok, m }

static void validate_phase_numbers(void **state)
{
	static const struct field_case cases[] = {
		FIELD(target_days, -1, 1001, 1000, "Target days must be between 0 and 1000."),
		FIELD(min_days_per_week, -1, 6, 5, "Minimum days a week must be between 0 and 5."),
		FIELD(min_hours_per_day, -1, 13, 0, "Minimum hours a day must be between 0 and 12."),
		FIELD(max_hours_per_day, -1, 13, 12, "Maximum hours a day must be between 0 and 12."),
		FIELD(min_months, -1, 61, 0, "Minimum months must be between 0 and 60."),
		FIELD(max_months, -1, 61, 60, "Maximum months must be between 0 and 60."),
		FIELD(sessions_per_week, -1, 15, 14, "Sessions a week must be between 0 and 14."),
		FIELD(session_minutes, -1, 481, 480, "Session length must be between 0 and 480 minutes."),
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int values[3] = { cases[i].below, cases[i].above, cases[i].ok };
		for (int v = 0; v < 3; v++) {
			struct programme_def p = edited();
			memcpy((char *)&p.phases[2] + cases[i].offset, &values[v], sizeof(int));
			if (v < 2)
				expect_invalid(&p, 2, cases[i].msg);
			else
				assert_null(programme_validate(&p, NULL));
		}
	}

	struct programme_def p = edited();
	p.phases[2].min_hours_per_day = 6; /* max is 5 */
	expect_invalid(&p, 2, "Minimum hours a day cannot be more than the maximum.");
	p.phases[2].max_hours_per_day = 0; /* no maximum: nothing to compare */
	assert_null(programme_validate(&p, NULL));

	p = edited();
	p.phases[3].min_months = 19; /* aftercare 6–18 */
	expect_invalid(&p, 3, "Minimum months cannot be more than the maximum.");
	p.phases[3].min_months = 18;
	assert_null(programme_validate(&p, NULL));
	p.phases[3].max_months = 0;
	p.phases[3].min_months = 24;
	assert_null(programme_validate(&p, NULL));
}

static void validate_programme_fields(void **state)
{
	struct programme_def p = edited();
	p.key = "";
	expect_invalid(&p, -1, "The programme needs a key of lower-case letters, digits and underscores (at most 31).");
	p.key = "Day";
	expect_invalid(&p, -1, "The programme needs a key of lower-case letters, digits and underscores (at most 31).");
	p.key = "day-treatment";
	expect_invalid(&p, -1, "The programme needs a key of lower-case letters, digits and underscores (at most 31).");
	p.key = NULL;
	expect_invalid(&p, -1, "The programme needs a key of lower-case letters, digits and underscores (at most 31).");
	p.key = "abcdefghijklmnopqrstuvwxyz_1234"; /* 31 */
	assert_null(programme_validate(&p, NULL));
	p.key = "abcdefghijklmnopqrstuvwxyz_12345"; /* 32 */
	expect_invalid(&p, -1, "The programme needs a key of lower-case letters, digits and underscores (at most 31).");

	p = edited();
	p.label = "  ";
	expect_invalid(&p, -1, "The programme needs a name of at most 100 bytes.");
	p.label = NULL;
	expect_invalid(&p, -1, "The programme needs a name of at most 100 bytes.");
	p.label = "Dagbehandling i Lister\x01";
	expect_invalid(&p, -1, "The programme needs a name of at most 100 bytes.");
	p.label = "Dagbehandling \xc3";
	expect_invalid(&p, -1, "The programme needs a name of at most 100 bytes.");
	char long_label[102];
	memset(long_label, 'x', 101);
	long_label[101] = '\0';
	p.label = long_label;
	expect_invalid(&p, -1, "The programme needs a name of at most 100 bytes.");
	long_label[100] = '\0';
	assert_null(programme_validate(&p, NULL));
	p.label = "Dagbehandling på Lista – Kvinesdal og Flekkefjord";
	assert_null(programme_validate(&p, NULL));

	p = edited();
	p.nphases = 0;
	expect_invalid(&p, -1, "A programme has between 1 and 8 phases.");
	p.nphases = PROGRAMME_MAX_PHASES + 1;
	expect_invalid(&p, -1, "A programme has between 1 and 8 phases.");
	p.nphases = 1;
	assert_null(programme_validate(&p, NULL));

	p = edited();
	p.min_steps = -1;
	expect_invalid(&p, -1, "The minimum number of steps must be between 0 and 12.");
	p.min_steps = 13;
	expect_invalid(&p, -1, "The minimum number of steps must be between 0 and 12.");
	p.min_steps = 0;
	assert_null(programme_validate(&p, NULL));

	p = edited();
	p.phases[1].key = "Motivation";
	expect_invalid(&p, 1, "Each phase needs a key of lower-case letters, digits and underscores (at most 31).");
	p.phases[1].key = NULL;
	expect_invalid(&p, 1, "Each phase needs a key of lower-case letters, digits and underscores (at most 31).");
	p = edited();
	p.phases[3].key = "motivation";
	expect_invalid(&p, 3, "Two phases have the same key.");
	p = edited();
	p.phases[0].label = "";
	expect_invalid(&p, 0, "Each phase needs a name of at most 100 bytes.");
}

/* ---- The enrolment state machine ---------------------------------------------------- */

#define M_FUTURE "The date is in the future."
#define M_BEFORE "The date is before the latest change to this enrolment."
#define M_NO_DATE "Enter a date."
#define M_COMPLETED "The enrolment is completed; a new enrolment is needed to continue."
#define M_DISCONTINUED "The enrolment is discontinued; a new enrolment is needed to continue."
#define M_MOVE_PAUSED "The enrolment is paused; resume it before moving to another phase."
#define M_NO_PHASE "The programme has no such phase."
#define M_SAME_PHASE "The person is already in this phase."
#define M_BACK "Moving back to an earlier phase needs a reason."
#define M_SKIP "Skipping a phase needs a reason."
#define M_ALREADY_PAUSED "The enrolment is already paused."
#define M_PAUSE_REASON "Pausing needs a reason."
#define M_NOT_PAUSED "The enrolment is not paused."
#define M_COMPLETE_PAUSED "The enrolment is paused; resume it before completing it."
#define M_NOT_LAST "An enrolment can only be completed in the last phase."
#define M_CHOOSE "Choose why the enrolment ends."
#define M_OTHER "Describe the reason when it is \"other\"."
#define M_TOO_LONG "The text must be at most 1000 bytes."
#define M_BAD_TEXT "The text contains characters that are not allowed."
#define M_STILL "The person is still enrolled in this programme; complete or discontinue that enrolment first."
#define M_DECEASED "The person is registered as deceased."

static const int32_t START = 20094; /* 2025-01-06, a Monday */
#define TODAY D(2025, 6, 15)

#define ok(call) assert_null(call)
#define refused(call, msg)                                                     \
	do {                                                                   \
		struct enrolment_state before_ = st;                          \
		const char *err_ = (call);                                     \
		if (!err_ || strcmp(err_, msg) != 0)                           \
			fail_msg("got \"%s\", want \"%s\"", err_ ? err_ : "allowed", msg); \
		assert_memory_equal(&before_, &st, sizeof st); /* untouched */ \
	} while (0)

static struct enrolment_state started(void)
{
	struct enrolment_state st;
	assert_int_equal(D(2025, 1, 6), START);
	ok(enrolment_start(&st, programme_template("municipal_day_treatment"), START, TODAY));
	return st;
}

static void start(void **state)
{
	struct enrolment_state st = started();
	assert_int_equal(st.status, ENROL_ACTIVE);
	assert_int_equal(st.phase, 0);
	assert_int_equal(st.nphases, 4);
	assert_int_equal(st.started, START);
	assert_int_equal(st.phase_since, START);
	assert_int_equal(st.last_change, START);
	assert_int_equal(st.paused_since, DATE_NONE);
	assert_int_equal(st.ended, DATE_NONE);
	assert_int_equal(st.reason, DISC_NONE);
	assert_int_equal(st.pauses, 0);

	const struct programme_def *m = programme_template("municipal_day_treatment");
	refused(enrolment_start(&st, m, TODAY + 1, TODAY), M_FUTURE);
	refused(enrolment_start(&st, m, DATE_NONE, TODAY), M_NO_DATE);
	struct programme_def empty = *m;
	empty.nphases = 0;
	refused(enrolment_start(&st, &empty, START, TODAY), "The programme has no phases.");
	ok(enrolment_start(&st, m, TODAY, TODAY)); /* starting today is fine */
}

static void move_forward_and_refusals(void **state)
{
	struct enrolment_state st = started();
	/* The next phase needs no reason; the reason is ignored if given. */
	ok(enrolment_move_phase(&st, 1, NULL, D(2025, 1, 20), TODAY));
	assert_int_equal(st.phase, 1);
	assert_int_equal(st.phase_since, D(2025, 1, 20));
	assert_int_equal(st.last_change, D(2025, 1, 20));

	refused(enrolment_move_phase(&st, 1, NULL, D(2025, 2, 1), TODAY), M_SAME_PHASE);
	refused(enrolment_move_phase(&st, 4, "x", D(2025, 2, 1), TODAY), M_NO_PHASE);
	refused(enrolment_move_phase(&st, -1, "x", D(2025, 2, 1), TODAY), M_NO_PHASE);
	refused(enrolment_move_phase(&st, 2, NULL, D(2025, 1, 19), TODAY), M_BEFORE);
	refused(enrolment_move_phase(&st, 2, NULL, TODAY + 1, TODAY), M_FUTURE);
	refused(enrolment_move_phase(&st, 2, NULL, DATE_NONE, TODAY), M_NO_DATE);
	/* The same day as the previous change is allowed (two steps on one day). */
	ok(enrolment_move_phase(&st, 2, NULL, D(2025, 1, 20), TODAY));
	assert_int_equal(st.phase, 2);
	ok(enrolment_move_phase(&st, 3, "", TODAY, TODAY)); /* today is allowed */
	assert_int_equal(st.phase, 3);
	refused(enrolment_move_phase(&st, 4, NULL, TODAY, TODAY), M_NO_PHASE);
}

static void move_skip_and_back_need_reasons(void **state)
{
	struct enrolment_state st = started();
	/* Skipping the motivation group: referred straight to day treatment. */
	refused(enrolment_move_phase(&st, 2, NULL, START, TODAY), M_SKIP);
	refused(enrolment_move_phase(&st, 2, "", START, TODAY), M_SKIP);
	refused(enrolment_move_phase(&st, 2, " \t\n", START, TODAY), M_SKIP);
	refused(enrolment_move_phase(&st, 3, NULL, START, TODAY), M_SKIP);
	ok(enrolment_move_phase(&st, 2, "Referred from DPS after inpatient stay", START, TODAY));
	assert_int_equal(st.phase, 2);

	/* Back to the motivation group. */
	refused(enrolment_move_phase(&st, 1, NULL, D(2025, 2, 3), TODAY), M_BACK);
	refused(enrolment_move_phase(&st, 0, "  ", D(2025, 2, 3), TODAY), M_BACK);
	ok(enrolment_move_phase(&st, 1, "Not ready for day treatment yet", D(2025, 2, 3), TODAY));
	assert_int_equal(st.phase, 1);
	assert_int_equal(st.phase_since, D(2025, 2, 3));

	/* The reason's text is checked too: length and characters. */
	char big[1002];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refused(enrolment_move_phase(&st, 3, big, D(2025, 2, 4), TODAY), M_TOO_LONG);
	big[1000] = '\0';
	refused(enrolment_move_phase(&st, 3, "bad\x01text", D(2025, 2, 4), TODAY), M_BAD_TEXT);
	refused(enrolment_move_phase(&st, 3, "bad \xff", D(2025, 2, 4), TODAY), M_BAD_TEXT);
	ok(enrolment_move_phase(&st, 3, big, D(2025, 2, 4), TODAY));
	/* The reason is checked before the date: the first problem a form shows. */
	refused(enrolment_move_phase(&st, 1, NULL, D(2025, 1, 1), TODAY), M_BACK);
}

static void pause_and_resume(void **state)
{
	struct enrolment_state st = started();
	ok(enrolment_move_phase(&st, 1, NULL, D(2025, 1, 13), TODAY));
	ok(enrolment_move_phase(&st, 2, NULL, D(2025, 2, 3), TODAY));

	refused(enrolment_pause(&st, NULL, D(2025, 3, 3), TODAY), M_PAUSE_REASON);
	refused(enrolment_pause(&st, " ", D(2025, 3, 3), TODAY), M_PAUSE_REASON);
	refused(enrolment_pause(&st, "Relapse", D(2025, 2, 2), TODAY), M_BEFORE);
	refused(enrolment_pause(&st, "Relapse", TODAY + 1, TODAY), M_FUTURE);
	refused(enrolment_resume(&st, D(2025, 3, 3), TODAY), M_NOT_PAUSED);
	ok(enrolment_pause(&st, "Relapse; referred to detox", D(2025, 3, 3), TODAY));
	assert_int_equal(st.status, ENROL_PAUSED);
	assert_int_equal(st.phase, 2); /* the path is kept */
	assert_int_equal(st.paused_since, D(2025, 3, 3));
	assert_int_equal(st.pauses, 1);

	refused(enrolment_pause(&st, "again", D(2025, 3, 4), TODAY), M_ALREADY_PAUSED);
	refused(enrolment_move_phase(&st, 3, NULL, D(2025, 3, 4), TODAY), M_MOVE_PAUSED);
	refused(enrolment_complete(&st, D(2025, 3, 4), TODAY), M_COMPLETE_PAUSED);
	refused(enrolment_resume(&st, D(2025, 3, 2), TODAY), M_BEFORE);
	refused(enrolment_resume(&st, TODAY + 1, TODAY), M_FUTURE);
	ok(enrolment_resume(&st, D(2025, 3, 17), TODAY));
	assert_int_equal(st.status, ENROL_ACTIVE);
	assert_int_equal(st.phase, 2);
	assert_int_equal(st.paused_since, DATE_NONE);
	assert_int_equal(st.last_change, D(2025, 3, 17));
	/* A phase move may not be dated inside the pause that has just ended. */
	refused(enrolment_move_phase(&st, 3, NULL, D(2025, 3, 10), TODAY), M_BEFORE);

	/* A second relapse: paused and resumed again, counted. */
	ok(enrolment_pause(&st, "Relapse", D(2025, 4, 1), TODAY));
	ok(enrolment_resume(&st, D(2025, 4, 1), TODAY));
	assert_int_equal(st.pauses, 2);
}

static void complete(void **state)
{
	struct enrolment_state st = started();
	refused(enrolment_complete(&st, D(2025, 2, 1), TODAY), M_NOT_LAST);
	ok(enrolment_move_phase(&st, 1, NULL, D(2025, 1, 13), TODAY));
	ok(enrolment_move_phase(&st, 2, NULL, D(2025, 2, 3), TODAY));
	refused(enrolment_complete(&st, D(2025, 5, 1), TODAY), M_NOT_LAST);
	ok(enrolment_move_phase(&st, 3, NULL, D(2025, 5, 5), TODAY));
	refused(enrolment_complete(&st, D(2025, 5, 4), TODAY), M_BEFORE);
	refused(enrolment_complete(&st, TODAY + 1, TODAY), M_FUTURE);
	ok(enrolment_complete(&st, TODAY, TODAY));
	assert_int_equal(st.status, ENROL_COMPLETED);
	assert_int_equal(st.ended, TODAY);
	assert_int_equal(st.phase, 3);

	/* Final: nothing more happens to a completed enrolment. */
	refused(enrolment_complete(&st, TODAY, TODAY), M_COMPLETED);
	refused(enrolment_move_phase(&st, 2, "back", TODAY, TODAY), M_COMPLETED);
	refused(enrolment_pause(&st, "Relapse", TODAY, TODAY), M_COMPLETED);
	refused(enrolment_resume(&st, TODAY, TODAY), M_COMPLETED);
	refused(enrolment_discontinue(&st, DISC_MOVED, NULL, TODAY, TODAY), M_COMPLETED);
}

static void discontinue(void **state)
{
	struct enrolment_state st = started();
	ok(enrolment_move_phase(&st, 1, NULL, D(2025, 1, 13), TODAY));
	refused(enrolment_discontinue(&st, DISC_NONE, NULL, D(2025, 2, 1), TODAY), M_CHOOSE);
	refused(enrolment_discontinue(&st, (enum discontinue_reason)99, NULL, D(2025, 2, 1), TODAY),
		M_CHOOSE);
	refused(enrolment_discontinue(&st, DISC_OTHER, NULL, D(2025, 2, 1), TODAY), M_OTHER);
	refused(enrolment_discontinue(&st, DISC_OTHER, "   ", D(2025, 2, 1), TODAY), M_OTHER);
	refused(enrolment_discontinue(&st, DISC_MOVED, "x\x02", D(2025, 2, 1), TODAY), M_BAD_TEXT);
	refused(enrolment_discontinue(&st, DISC_MOVED, NULL, D(2025, 1, 12), TODAY), M_BEFORE);
	refused(enrolment_discontinue(&st, DISC_MOVED, NULL, TODAY + 1, TODAY), M_FUTURE);

	struct enrolment_state copy = st;
	ok(enrolment_discontinue(&copy, DISC_OTHER, "Started full-time work elsewhere",
				 D(2025, 2, 1), TODAY));
	assert_int_equal(copy.reason, DISC_OTHER);

	ok(enrolment_discontinue(&st, DISC_MOVED, NULL, D(2025, 2, 1), TODAY));
	assert_int_equal(st.status, ENROL_DISCONTINUED);
	assert_int_equal(st.reason, DISC_MOVED);
	assert_int_equal(st.ended, D(2025, 2, 1));
	refused(enrolment_discontinue(&st, DISC_MOVED, NULL, TODAY, TODAY), M_DISCONTINUED);
	refused(enrolment_move_phase(&st, 2, NULL, TODAY, TODAY), M_DISCONTINUED);
	refused(enrolment_pause(&st, "x", TODAY, TODAY), M_DISCONTINUED);
	refused(enrolment_resume(&st, TODAY, TODAY), M_DISCONTINUED);
	refused(enrolment_complete(&st, TODAY, TODAY), M_DISCONTINUED);

	/* From a pause: someone who never came back after a relapse. */
	st = started();
	ok(enrolment_pause(&st, "Relapse", D(2025, 2, 1), TODAY));
	ok(enrolment_discontinue(&st, DISC_DROPPED_OUT, NULL, D(2025, 4, 1), TODAY));
	assert_int_equal(st.status, ENROL_DISCONTINUED);
	assert_int_equal(st.paused_since, DATE_NONE);
	assert_int_equal(st.pauses, 1);
}

static void reenrolment(void **state)
{
	struct enrolment_state st = started();
	assert_string_equal(enrolment_check_reenrol(&st), M_STILL);
	ok(enrolment_pause(&st, "Relapse", D(2025, 2, 1), TODAY));
	assert_string_equal(enrolment_check_reenrol(&st), M_STILL);

	struct enrolment_state ended = st;
	ok(enrolment_discontinue(&ended, DISC_DROPPED_OUT, NULL, D(2025, 3, 1), TODAY));
	assert_null(enrolment_check_reenrol(&ended));
	ended = st;
	ok(enrolment_discontinue(&ended, DISC_TRANSFERRED, NULL, D(2025, 3, 1), TODAY));
	assert_null(enrolment_check_reenrol(&ended));
	ended = st;
	ok(enrolment_discontinue(&ended, DISC_DECEASED, NULL, D(2025, 3, 1), TODAY));
	assert_string_equal(enrolment_check_reenrol(&ended), M_DECEASED);

	st = started();
	ok(enrolment_move_phase(&st, 3, "Completed day treatment elsewhere", START, TODAY));
	ok(enrolment_complete(&st, D(2025, 2, 1), TODAY));
	assert_null(enrolment_check_reenrol(&st));
}

static void keys_and_labels(void **state)
{
	static const char *const statuses[] = { "active", "paused", "completed", "discontinued" };
	for (int i = 0; i < 4; i++) {
		assert_string_equal(enrolment_status_key((enum enrolment_status)i), statuses[i]);
		assert_int_equal(enrolment_status_parse(statuses[i]), i);
		assert_true(strlen(enrolment_status_label((enum enrolment_status)i)) > 0);
	}
	assert_string_equal(enrolment_status_label(ENROL_PAUSED), "Paused");
	assert_int_equal(enrolment_status_parse("Active"), -1);
	assert_int_equal(enrolment_status_parse(NULL), -1);
	assert_string_equal(enrolment_status_key((enum enrolment_status)9), "");

	static const char *const reasons[] = { "", "moved", "dropped_out", "transferred",
					       "deceased", "other" };
	for (int i = 1; i <= DISC_OTHER; i++) {
		assert_string_equal(discontinue_reason_key((enum discontinue_reason)i), reasons[i]);
		assert_int_equal(discontinue_reason_parse(reasons[i]), i);
	}
	assert_string_equal(discontinue_reason_label(DISC_DROPPED_OUT), "Dropped out");
	assert_int_equal(discontinue_reason_parse(""), -1);
	assert_int_equal(discontinue_reason_parse("none"), -1);
	assert_int_equal(discontinue_reason_parse(NULL), -1);
	assert_string_equal(discontinue_reason_key(DISC_NONE), "");
	assert_string_equal(discontinue_reason_label((enum discontinue_reason)-1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_templates),
		cmocka_unit_test(validate_phase_numbers),
		cmocka_unit_test(validate_programme_fields),
		cmocka_unit_test(start),
		cmocka_unit_test(move_forward_and_refusals),
		cmocka_unit_test(move_skip_and_back_need_reasons),
		cmocka_unit_test(pause_and_resume),
		cmocka_unit_test(complete),
		cmocka_unit_test(discontinue),
		cmocka_unit_test(reenrolment),
		cmocka_unit_test(keys_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
