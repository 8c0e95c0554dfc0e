/* test_plan.c: unit tests of the individual plan — building, validation with the field
 * named, the canonical JSON and its strict reading, versions, the diff for each kind of
 * change, and the assignment state machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "domain/plan.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define TODAY D(2025, 6, 2)

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

/* A plan as a therapist and the person might have it after a month. */
static void sample(struct plan *p)
{
	plan_init(p);
	assert_int_equal(plan_add_goal(p, "Stay sober through the summer", D(2025, 8, 31)), 1);
	assert_int_equal(plan_add_goal(p, "Go to two AA meetings a week", DATE_NONE), 2);
	assert_int_equal(plan_add_assignment(p, "Write the step 4 inventory", 4, 0, D(2025, 3, 3),
					     D(2025, 3, 17)), 1);
	assert_int_equal(plan_add_assignment(p, "Find a sponsor", 0, 2, D(2025, 3, 3),
					     D(2025, 3, 31)), 2);
	assert_int_equal(plan_add_assignment(p, "Read about step 1", 1, 1, D(2025, 2, 3),
					     D(2025, 2, 10)), 3);
	struct plan_assignment *a = plan_assignment(p, 3);
	a->status = ASSIGNMENT_REVIEWED;
	a->done = D(2025, 2, 9);
	a->reviewed = D(2025, 2, 10);
	plan_set_text(&a->review_note, "Good reflection on powerlessness");
	plan_list_add(&p->triggers, "Payday");
	plan_list_add(&p->triggers, "Friday evenings with old friends");
	plan_list_add(&p->warning_signs, "Skipping meetings");
	plan_list_add(&p->warning_signs, "Isolating at home");
	plan_set_text(&p->crisis_contacts, "Sponsor 400 00 000; the clinic 22 00 00 00");
	plan_set_text(&p->crisis_helps, "A walk; calling my sister");
	p->steps_worked_set = true;
	for (int i = 0; i < 4; i++)
		p->steps_worked[i] = true;
	ok(plan_validate(p, NULL));
}

/* ---- Building ------------------------------------------------------------------------ */

static void building(void **state)
{
	struct plan p, q;
	sample(&p);
	assert_int_equal(p.ngoals, 2);
	assert_int_equal(p.nassignments, 3);
	assert_string_equal(plan_goal(&p, 2)->text, "Go to two AA meetings a week");
	assert_int_equal(plan_goal(&p, 2)->status, GOAL_OPEN);
	assert_null(plan_goal(&p, 3));
	assert_int_equal(plan_assignment(&p, 1)->status, ASSIGNMENT_GIVEN);
	assert_int_equal(plan_assignment(&p, 1)->done, DATE_NONE);
	assert_null(plan_assignment(&p, 4));

	/* A copy is deep: changing it leaves the original alone. */
	plan_copy(&q, &p);
	assert_true(plan_equal(&p, &q));
	plan_set_text(&plan_goal(&q, 1)->text, "Stay sober all year");
	plan_list_add(&q.triggers, "Holidays");
	assert_string_equal(plan_goal(&p, 1)->text, "Stay sober through the summer");
	assert_int_equal(p.triggers.n, 2);
	assert_false(plan_equal(&p, &q));

	/* Removing: numbers stay with their items; a new item gets highest + 1. */
	assert_true(plan_remove_assignment(&q, 2));
	assert_false(plan_remove_assignment(&q, 2));
	assert_int_equal(q.nassignments, 2);
	assert_int_equal(q.assignments[1].id, 3);
	assert_int_equal(plan_add_assignment(&q, "Call the sponsor", 0, 1, D(2025, 4, 1),
					     D(2025, 4, 8)), 4);
	assert_true(plan_remove_goal(&q, 2));
	assert_false(plan_remove_goal(&q, 2));
	assert_int_equal(plan_add_goal(&q, "Sleep well", DATE_NONE), 2);
	assert_true(plan_list_remove(&q.triggers, 0));
	assert_false(plan_list_remove(&q.triggers, 9));
	assert_string_equal(q.triggers.v[0], "Friday evenings with old friends");

	/* plan_set_text copes with its own value and with empties. */
	plan_set_text(&q.crisis_helps, q.crisis_helps);
	assert_string_equal(q.crisis_helps, "A walk; calling my sister");
	plan_set_text(&q.crisis_helps, "");
	assert_null(q.crisis_helps);
	plan_set_text(&q.crisis_helps, NULL);
	assert_null(q.crisis_helps);

	plan_release(&p);
	plan_release(&q);
	assert_int_equal(q.ngoals, 0);
	assert_null(q.goals);
	plan_release(&q); /* twice is harmless */
}

/* ---- Validation ---------------------------------------------------------------------- */

struct invalid_case {
	const char *msg, *field;
};

static char big[2100];

static const char *long_text(size_t n)
{
	memset(big, 'a', n);
	big[n] = '\0';
	return big;
}

static void mutate(struct plan *p, int k)
{
	struct plan_assignment *a0 = &p->assignments[0], *a2 = &p->assignments[2];
	switch (k) {
	case 0: plan_set_text(&p->goals[0].text, NULL); break;
	case 1: plan_set_text(&p->goals[1].text, " \n\t"); break;
	case 2: plan_set_text(&p->goals[0].text, long_text(1001)); break;
	case 3: plan_set_text(&p->goals[0].text, "bad \x01"); break;
	case 4: p->goals[0].target = D(1999, 12, 31); break;
	case 5: p->goals[1].status = (enum goal_status)3; break;
	case 6: p->goals[1].id = 1; p->assignments[1].goal = 1; break;
	case 7: p->goals[1].id = 0; p->assignments[1].goal = 1; break;
	case 8: plan_set_text(&a0->text, NULL); break;
	case 9: a0->step = 13; break;
	case 10: p->assignments[1].goal = 9; break;
	case 11: a0->step = 0; break;
	case 12: a0->given = DATE_NONE; break;
	case 13: a0->due = DATE_NONE; break;
	case 14: a0->due = D(2025, 3, 2); break;
	case 15: a0->status = (enum assignment_status)5; break;
	case 16: a0->done = D(2025, 3, 5); break;
	case 17: a2->done = DATE_NONE; break;
	case 18: a2->done = D(2025, 2, 2); break;
	case 19: a2->reviewed = DATE_NONE; break;
	case 20: a2->reviewed = D(2025, 2, 8); break;
	case 21: plan_set_text(&a2->review_note, "  "); break;
	case 22: plan_set_text(&a0->review_note, "Early note"); break;
	case 23: a0->reviewed = D(2025, 3, 20); break;
	case 24: p->assignments[1].id = 1; break;
	case 25: plan_list_add(&p->triggers, "Payday"); break;
	case 26: plan_set_text(&p->triggers.v[0], "Pay\nday"); break;
	case 27: plan_list_add(&p->triggers, ""); break;
	case 28: plan_set_text(&p->warning_signs.v[1], long_text(201)); break;
	case 29:
		for (int i = 0; i < 49; i++) {
			char s[16];
			snprintf(s, sizeof s, "t%d", i);
			plan_list_add(&p->triggers, s);
		}
		break;
	case 30: plan_set_text(&p->crisis_contacts, long_text(2001)); break;
	case 31: plan_set_text(&p->crisis_helps, "\x1b[31m"); break;
	case 32:
		for (int i = 0; i < 49; i++)
			plan_add_goal(p, "More", DATE_NONE);
		break;
	case 33: a0->status = ASSIGNMENT_DONE; break;
	case 34: a0->due = D(2200, 1, 1); break;
	case 35: plan_set_text(&a2->review_note, long_text(1001)); break;
	case 36: a0->id = 0; break;
	case 37:
		for (int i = 0; i < 498; i++)
			plan_add_assignment(p, "More", 4, 0, D(2025, 3, 3), D(2025, 3, 4));
		break;
	case 38: plan_list_add(&p->warning_signs, "Isolating at home"); break;
	}
}

static void validation(void **state)
{
	static const struct invalid_case cases[] = {
		{ "A goal needs a text.", "goals[0].text" },
		{ "A goal needs a text.", "goals[1].text" },
		{ "A goal's text must be at most 1000 bytes.", "goals[0].text" },
		{ "A goal's text contains characters that are not allowed.", "goals[0].text" },
		{ "A goal's target date must be a date in the years 2000–2199.", "goals[0].target" },
		{ "A goal's status must be open, achieved or dropped.", "goals[1].status" },
		{ "Two goals have the same number.", "goals[1].id" },
		{ "A goal's number must be between 1 and 1000000.", "goals[1].id" },
		{ "An assignment needs a text.", "assignments[0].text" },
		{ "An assignment's step must be between 1 and 12.", "assignments[0].step" },
		{ "An assignment is linked to a goal that is not in the plan.", "assignments[1].goal" },
		{ "An assignment is linked to a step or a goal.", "assignments[0].step" },
		{ "An assignment needs the date it was given.", "assignments[0].given" },
		{ "An assignment needs a due date.", "assignments[0].due" },
		{ "An assignment's due date is before the date it was given.", "assignments[0].due" },
		{ "An assignment's status must be given, done or reviewed.", "assignments[0].status" },
		{ "Only an assignment that is done has a done date.", "assignments[0].done" },
		{ "An assignment that is done needs the date it was done.", "assignments[2].done" },
		{ "An assignment's done date is before the date it was given.", "assignments[2].done" },
		{ "A reviewed assignment needs the date it was reviewed.", "assignments[2].reviewed" },
		{ "An assignment's review date is before the date it was done.", "assignments[2].reviewed" },
		{ "A reviewed assignment needs a review note.", "assignments[2].review_note" },
		{ "Only a reviewed assignment has a review note.", "assignments[0].review_note" },
		{ "Only a reviewed assignment has a review date.", "assignments[0].reviewed" },
		{ "Two assignments have the same number.", "assignments[1].id" },
		{ "This trigger is already on the list.", "triggers[2]" },
		{ "A trigger must be one line of text without control characters.", "triggers[0]" },
		{ "A trigger cannot be empty.", "triggers[2]" },
		{ "A warning sign must be at most 200 bytes.", "warning_signs[1]" },
		{ "A plan has at most 50 triggers.", "triggers" },
		{ "Who to call must be at most 2000 bytes.", "crisis.contacts" },
		{ "What helps contains characters that are not allowed.", "crisis.helps" },
		{ "A plan has at most 50 goals.", "goals" },
		{ "An assignment that is done needs the date it was done.", "assignments[0].done" },
		{ "An assignment's due date must be a date in the years 2000–2199.", "assignments[0].due" },
		{ "A review note must be at most 1000 bytes.", "assignments[2].review_note" },
		{ "An assignment's number must be between 1 and 1000000.", "assignments[0].id" },
		{ "A plan has at most 500 assignments.", "assignments" },
		{ "This warning sign is already on the list.", "warning_signs[2]" },
	};
	for (int k = 0; k < (int)(sizeof cases / sizeof cases[0]); k++) {
		struct plan p;
		struct plan_error err;
		sample(&p);
		mutate(&p, k);
		const char *m = plan_validate(&p, &err);
		if (!m || strcmp(m, cases[k].msg) != 0 || strcmp(err.field, cases[k].field) != 0)
			fail_msg("case %d: got \"%s\" at \"%s\", want \"%s\" at \"%s\"", k,
				 m ? m : "valid", err.field, cases[k].msg, cases[k].field);
		assert_ptr_equal(err.msg, m);
		/* An invalid plan has no canonical form and cannot be a version. */
		assert_null(plan_to_json(&p));
		assert_null(plan_to_string(&p));
		struct plan_version v = { 0 };
		refused(plan_version_make(NULL, &p, 7, 1, &v, &err), cases[k].msg);
		assert_null(v.json);
		plan_release(&p);
	}

	/* The limits themselves are fine. */
	struct plan p;
	sample(&p);
	plan_set_text(&p.goals[0].text, long_text(1000));
	plan_set_text(&p.crisis_contacts, long_text(2000));
	plan_set_text(&p.warning_signs.v[0], long_text(200));
	for (int i = 0; i < 48; i++) {
		char s[16];
		snprintf(s, sizeof s, "t%d", i);
		plan_list_add(&p.triggers, s);
	}
	assert_int_equal(p.triggers.n, 50);
	ok(plan_validate(&p, NULL));
	plan_release(&p);

	/* The empty plan is a plan. */
	struct plan empty = PLAN_INIT;
	ok(plan_validate(&empty, NULL));

	struct buf b = BUF_INIT;
	struct plan_error err = { .msg = "A goal needs a text.", .field = "goals[1].text" };
	plan_error_format(&err, LANG_EN, &b);
	assert_string_equal(b.data, "goals[1].text: A goal needs a text.");
	buf_release(&b);
}

/* ---- Canonical JSON ------------------------------------------------------------------ */

static void small(struct plan *p)
{
	plan_init(p);
	plan_add_goal(p, "Stay sober", DATE_NONE);
	plan_add_assignment(p, "Write the step 4 inventory", 4, 0, D(2025, 3, 3), D(2025, 3, 17));
	plan_list_add(&p->triggers, "Payday");
	plan_set_text(&p->crisis_helps, "Walk");
}

static void canonical_json(void **state)
{
	struct plan p, q;
	small(&p);
	char *s = plan_to_string(&p);
	assert_string_equal(s,
		"{\"assignments\":[{\"done\":null,\"due\":\"2025-03-17\",\"given\":\"2025-03-03\","
		"\"goal\":null,\"id\":1,\"review_note\":\"\",\"reviewed\":null,\"status\":\"given\","
		"\"step\":4,\"text\":\"Write the step 4 inventory\"}],"
		"\"crisis\":{\"contacts\":\"\",\"helps\":\"Walk\"},\"format\":1,"
		"\"goals\":[{\"id\":1,\"status\":\"open\",\"target\":null,\"text\":\"Stay sober\"}],"
		"\"steps_worked\":null,\"triggers\":[\"Payday\"],\"warning_signs\":[]}");
	ok(plan_parse(s, strlen(s), &q, NULL));
	assert_true(plan_equal(&p, &q));
	free(s);
	plan_release(&p);
	plan_release(&q);

	/* The full sample, with non-ASCII text and markup-like text, round trips to the
	 * same bytes and to an equal value. */
	sample(&p);
	plan_set_text(&plan_goal(&p, 2)->text, "Gå på møter <script>'\"& — två gånger");
	p.goals[0].status = GOAL_ACHIEVED;
	s = plan_to_string(&p);
	assert_non_null(s);
	ok(plan_parse(s, strlen(s), &q, NULL));
	assert_true(plan_equal(&p, &q));
	char *t = plan_to_string(&q);
	assert_string_equal(s, t);
	assert_int_equal(q.ngoals, 2);
	assert_string_equal(plan_goal(&q, 2)->text, "Gå på møter <script>'\"& — två gånger");
	assert_int_equal(q.goals[0].status, GOAL_ACHIEVED);
	assert_int_equal(q.goals[0].target, D(2025, 8, 31));
	assert_int_equal(q.goals[1].target, DATE_NONE);
	const struct plan_assignment *a = plan_assignment(&q, 3);
	assert_int_equal(a->status, ASSIGNMENT_REVIEWED);
	assert_int_equal(a->done, D(2025, 2, 9));
	assert_int_equal(a->reviewed, D(2025, 2, 10));
	assert_string_equal(a->review_note, "Good reflection on powerlessness");
	assert_int_equal(a->step, 1);
	assert_int_equal(a->goal, 1);
	assert_int_equal(plan_assignment(&q, 2)->step, 0);
	assert_null(plan_assignment(&q, 1)->review_note);
	assert_true(q.steps_worked_set);
	assert_true(q.steps_worked[3]);
	assert_false(q.steps_worked[4]);
	assert_string_equal(q.warning_signs.v[1], "Isolating at home");
	assert_string_equal(q.crisis_contacts, "Sponsor 400 00 000; the clinic 22 00 00 00");
	free(s);
	free(t);

	/* An empty set of steps worked is not "unset". */
	memset(q.steps_worked, 0, sizeof q.steps_worked);
	s = plan_to_string(&q);
	assert_non_null(strstr(s, "\"steps_worked\":[]"));
	struct plan r;
	ok(plan_parse(s, strlen(s), &r, NULL));
	assert_true(r.steps_worked_set);
	assert_true(plan_equal(&q, &r));
	free(s);
	plan_release(&r);

	/* The JSON value form too. */
	json_t *j = plan_to_json(&p);
	assert_non_null(j);
	ok(plan_from_json(j, &r, NULL));
	assert_true(plan_equal(&p, &r));
	json_decref(j);
	plan_release(&r);
	plan_release(&p);
	plan_release(&q);
}

/* Parses the small plan's JSON after edit k, expecting msg at field. */
static void expect_json_refused(int k, const char *msg, const char *field)
{
	struct plan p, out;
	struct plan_error err;
	small(&p);
	json_t *j = plan_to_json(&p);
	json_t *g0 = json_array_get(json_object_get(j, "goals"), 0);
	json_t *a0 = json_array_get(json_object_get(j, "assignments"), 0);
	json_t *crisis = json_object_get(j, "crisis");
	switch (k) {
	case 0: json_object_del(j, "goals"); break;
	case 1: json_object_set_new(j, "extra", json_integer(1)); break;
	case 2: json_object_set_new(j, "format", json_integer(2)); break;
	case 3: json_object_set_new(j, "goals", json_object()); break;
	case 4: json_array_set_new(json_object_get(j, "goals"), 0, json_string("x")); break;
	case 5: json_object_set_new(g0, "text", json_integer(5)); break;
	case 6: json_object_set_new(g0, "target", json_string("2025-02-30")); break;
	case 7: json_object_set_new(g0, "status", json_string("finished")); break;
	case 8: json_object_set_new(g0, "colour", json_string("red")); break;
	case 9: json_object_del(g0, "id"); break;
	case 10: json_object_set_new(g0, "id", json_string("1")); break;
	case 11: json_object_set_new(a0, "step", json_integer(0)); break;
	case 12: json_object_set_new(a0, "step", json_integer(13)); break;
	case 13: json_object_set_new(a0, "step", json_real(4.0)); break;
	case 14: json_object_set_new(a0, "goal", json_integer(0)); break;
	case 15: json_object_set_new(a0, "given", json_null()); break;
	case 16: json_object_set_new(a0, "status", json_string("Given")); break;
	case 17: json_object_set_new(a0, "due", json_string("2025-03-01")); break;
	case 18: json_object_set_new(j, "steps_worked", json_pack("[i,i]", 2, 1)); break;
	case 19: json_object_set_new(j, "steps_worked", json_pack("[i,i]", 1, 1)); break;
	case 20: json_object_set_new(j, "steps_worked", json_pack("[i]", 0)); break;
	case 21: json_object_set_new(j, "steps_worked", json_pack("[i]", 13)); break;
	case 22: json_object_set_new(j, "steps_worked", json_string("all")); break;
	case 23: json_object_set_new(j, "triggers", json_pack("[i]", 1)); break;
	case 24: {
		json_t *many = json_array();
		for (int i = 0; i < 51; i++)
			json_array_append_new(many, json_sprintf("t%d", i));
		json_object_set_new(j, "triggers", many);
		break;
	}
	case 25: json_object_set_new(j, "crisis", json_array()); break;
	case 26: json_object_set_new(crisis, "phone", json_string("112")); break;
	case 27: json_object_set_new(crisis, "helps", json_null()); break;
	case 28: {
		json_t *many = json_array();
		for (int i = 0; i < 51; i++)
			json_array_append(many, g0);
		json_object_set_new(j, "goals", many);
		break;
	}
	case 29: json_object_set_new(a0, "done", json_string("2025-03-05")); break;
	case 30: json_object_set_new(j, "warning_signs", json_null()); break;
	case 31: json_object_set_new(a0, "review_note", json_null()); break;
	case 32: json_object_set_new(a0, "due", json_string("17.03.2025")); break;
	case 33: json_object_set_new(j, "format", json_string("1")); break;
	case 34: json_object_set_new(a0, "id", json_integer(1000001)); break;
	}
	const char *m = plan_from_json(j, &out, &err);
	if (!m || strcmp(m, msg) != 0 || strcmp(err.field, field) != 0)
		fail_msg("case %d: got \"%s\" at \"%s\", want \"%s\" at \"%s\"", k, m ? m : "accepted",
			 err.field, msg, field);
	/* Nothing half-read is left behind. */
	assert_int_equal(out.ngoals, 0);
	assert_int_equal(out.nassignments, 0);
	assert_null(out.goals);
	assert_null(out.triggers.v);
	assert_null(out.crisis_helps);
	json_decref(j);
	plan_release(&p);
}

static void strict_reading(void **state)
{
	static const struct invalid_case cases[] = {
		{ "This field is missing.", "goals" },
		{ "This field is not part of a plan.", "extra" },
		{ "The plan is in a format this version of tolv cannot read.", "format" },
		{ "This field must be a list.", "goals" },
		{ "This must be a JSON object.", "goals[0]" },
		{ "This field must be a text.", "goals[0].text" },
		{ "This field must be a date (YYYY-MM-DD) or null.", "goals[0].target" },
		{ "A goal's status must be open, achieved or dropped.", "goals[0].status" },
		{ "This field is not part of a plan.", "goals[0].colour" },
		{ "This field is missing.", "goals[0].id" },
		{ "A goal's number must be between 1 and 1000000.", "goals[0].id" },
		{ "An assignment's step must be a number from 1 to 12, or null.", "assignments[0].step" },
		{ "An assignment's step must be a number from 1 to 12, or null.", "assignments[0].step" },
		{ "An assignment's step must be a number from 1 to 12, or null.", "assignments[0].step" },
		{ "An assignment's goal must be a goal's number, or null.", "assignments[0].goal" },
		{ "This field must be a date (YYYY-MM-DD).", "assignments[0].given" },
		{ "An assignment's status must be given, done or reviewed.", "assignments[0].status" },
		{ "An assignment's due date is before the date it was given.", "assignments[0].due" },
		{ "The steps to work must be a list of step numbers from 1 to 12, in order and each once, or null.", "steps_worked[1]" },
		{ "The steps to work must be a list of step numbers from 1 to 12, in order and each once, or null.", "steps_worked[1]" },
		{ "The steps to work must be a list of step numbers from 1 to 12, in order and each once, or null.", "steps_worked[0]" },
		{ "The steps to work must be a list of step numbers from 1 to 12, in order and each once, or null.", "steps_worked[0]" },
		{ "The steps to work must be a list of step numbers from 1 to 12, in order and each once, or null.", "steps_worked" },
		{ "This field must be a text.", "triggers[0]" },
		{ "A plan has at most 50 triggers.", "triggers" },
		{ "This must be a JSON object.", "crisis" },
		{ "This field is not part of a plan.", "crisis.phone" },
		{ "This field must be a text.", "crisis.helps" },
		{ "A plan has at most 50 goals.", "goals" },
		{ "Only an assignment that is done has a done date.", "assignments[0].done" },
		{ "This field must be a list.", "warning_signs" },
		{ "This field must be a text.", "assignments[0].review_note" },
		{ "This field must be a date (YYYY-MM-DD).", "assignments[0].due" },
		{ "The plan is in a format this version of tolv cannot read.", "format" },
		{ "An assignment's number must be between 1 and 1000000.", "assignments[0].id" },
	};
	for (int k = 0; k < (int)(sizeof cases / sizeof cases[0]); k++)
		expect_json_refused(k, cases[k].msg, cases[k].field);
}

static void json_syntax(void **state)
{
	struct plan out;
	struct plan_error err;
	struct buf b = BUF_INIT;
	static const char *bad[] = {
		"{", "", "null", "[]", "\"plan\"", "{\"format\":1,\"format\":1}", "{\"format\":1} x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *m = plan_parse(bad[i], strlen(bad[i]), &out, &err);
		assert_non_null(m);
		assert_int_equal(out.ngoals, 0);
		if (i == 3) {
			/* Well-formed JSON that is not an object: a structural message. */
			assert_string_equal(m, "This must be a JSON object.");
			assert_string_equal(err.field, "");
			continue;
		}
		assert_string_equal(m, "The plan is not valid JSON.");
		assert_string_equal(err.field, "");
		assert_non_null(strstr(err.detail, "line 1, column"));
	}
	assert_non_null(strstr(err.detail, "end of file expected"));
	plan_parse(bad[5], strlen(bad[5]), &out, &err);
	assert_non_null(strstr(err.detail, "duplicate"));
	plan_error_format(&err, LANG_EN, &b);
	assert_true(strncmp(b.data, "The plan is not valid JSON. (line 1, column ", 44) == 0);
	buf_release(&b);
	refused(plan_parse(NULL, 0, &out, NULL), "The plan is not valid JSON.");

	/* A string with an invalid UTF-8 byte is not JSON either. */
	const char *latin1 = "{\"format\":1,\"goals\":[{\"id\":1,\"text\":\"G\xe5\",\"target\":null,"
			     "\"status\":\"open\"}]}";
	refused(plan_parse(latin1, strlen(latin1), &out, &err), "The plan is not valid JSON.");
	/* Nor is a NUL inside a string. */
	const char *nul = "{\"format\":1,\"goals\":[{\"id\":1,\"text\":\"a\\u0000b\"}]}";
	refused(plan_parse(nul, strlen(nul), &out, &err), "The plan is not valid JSON.");
}

/* ---- Versions ------------------------------------------------------------------------ */

static void versions(void **state)
{
	struct plan p, back;
	struct plan_version v1 = { 0 }, v2 = { 0 }, v3 = { 0 }, same = { 0 };
	struct plan_error err;
	sample(&p);
	ok(plan_version_make(NULL, &p, 7, 1740000000, &v1, NULL));
	assert_int_equal(v1.number, 1);
	assert_int_equal(v1.author, 7);
	assert_int_equal(v1.created_at, 1740000000);
	assert_non_null(v1.json);

	/* Saving the same plan again makes no version. */
	refused(plan_version_make(&v1, &p, 8, 1740000100, &same, &err),
		"Nothing in the plan has changed.");
	assert_null(same.json);
	assert_int_equal(same.number, 0);
	refused(plan_version_make(&v1, &p, 0, 1740000100, &same, &err),
		"A plan version needs the user who saved it.");

	plan_goal(&p, 1)->status = GOAL_ACHIEVED;
	ok(plan_version_make(&v1, &p, 8, 1740000200, &v2, &err));
	assert_int_equal(v2.number, 2);
	assert_int_equal(v2.author, 8);

	/* The earlier version reads back as it was. */
	ok(plan_version_read(&v1, &back, NULL));
	assert_int_equal(plan_goal(&back, 1)->status, GOAL_OPEN);
	struct plan_diff d;
	plan_diff(&back, &p, &d);
	assert_int_equal(d.n, 1);
	struct buf b = BUF_INIT;
	plan_change_text(&d.v[0], LANG_EN, &b);
	assert_string_equal(b.data, "goal 1: status open → achieved");
	buf_release(&b);
	plan_diff_release(&d);
	plan_release(&back);

	/* A later version after a change back is still a new version. */
	plan_goal(&p, 1)->status = GOAL_OPEN;
	ok(plan_version_make(&v2, &p, 7, 1740000300, &v3, NULL));
	assert_int_equal(v3.number, 3);
	assert_string_equal(v3.json, v1.json);

	/* A damaged stored version is reported, not trusted. */
	struct plan_version broken = { .number = 4, .author = 7, .json = (char *)"{\"format\":1" };
	refused(plan_version_read(&broken, &back, &err), "The plan is not valid JSON.");
	struct plan_version none = { 0 };
	refused(plan_version_read(&none, &back, &err), "The plan is not valid JSON.");

	plan_version_release(&v1);
	plan_version_release(&v2);
	plan_version_release(&v3);
	assert_null(v3.json);
	plan_release(&p);
}

/* ---- The diff ------------------------------------------------------------------------ */

/* The history lines from a to b, one per line. */
static char *diff_text(const struct plan *a, const struct plan *b)
{
	struct plan_diff d;
	struct buf out = BUF_INIT;
	plan_diff(a, b, &d);
	for (size_t i = 0; i < d.n; i++) {
		plan_change_text(&d.v[i], LANG_EN, &out);
		buf_addch(&out, '\n');
	}
	plan_diff_release(&d);
	return buf_detach(&out, NULL);
}

static void expect_diff(const struct plan *a, const struct plan *b, const char *want)
{
	char *got = diff_text(a, b);
	if (strcmp(got, want) != 0)
		fail_msg("diff:\n%s\nwant:\n%s", got, want);
	free(got);
}

static void diff_goals(void **state)
{
	struct plan a, b;
	sample(&a);
	plan_copy(&b, &a);
	expect_diff(&a, &b, "");

	plan_goal(&b, 2)->status = GOAL_ACHIEVED;
	expect_diff(&a, &b, "goal 2: status open → achieved\n");
	plan_goal(&b, 1)->status = GOAL_DROPPED;
	plan_goal(&b, 1)->target = DATE_NONE;
	plan_set_text(&plan_goal(&b, 1)->text, "Stay sober all year");
	plan_add_goal(&b, "Sleep seven hours", D(2025, 7, 1));
	expect_diff(&a, &b,
		    "goal 1: text “Stay sober through the summer” → “Stay sober all year”\n"
		    "goal 1: target date 2025-08-31 → none\n"
		    "goal 1: status open → dropped\n"
		    "goal 2: status open → achieved\n"
		    "goal 3 added: Sleep seven hours\n");
	expect_diff(&b, &a,
		    "goal 1: text “Stay sober all year” → “Stay sober through the summer”\n"
		    "goal 1: target date none → 2025-08-31\n"
		    "goal 1: status dropped → open\n"
		    "goal 2: status achieved → open\n"
		    "goal 3 removed: Sleep seven hours\n");
	plan_release(&b);

	/* Reordering is not a change. */
	plan_copy(&b, &a);
	struct plan_goal tmp = b.goals[0];
	b.goals[0] = b.goals[1];
	b.goals[1] = tmp;
	expect_diff(&a, &b, "");
	plan_release(&b);
	plan_release(&a);
}

static void diff_assignments(void **state)
{
	struct plan a, b;
	sample(&a);
	plan_copy(&b, &a);
	struct plan_assignment *x = plan_assignment(&b, 1);
	ok(assignment_transition(x, ASSIGNMENT_DONE, D(2025, 3, 16), TODAY, NULL));
	expect_diff(&a, &b, "assignment 1: status given → done\n");
	ok(assignment_transition(x, ASSIGNMENT_REVIEWED, D(2025, 3, 18), TODAY, "Honest and thorough"));
	expect_diff(&a, &b,
		    "assignment 1: status given → reviewed\n"
		    "assignment 1: review note added: Honest and thorough\n");

	struct plan c;
	plan_copy(&c, &b);
	struct plan_assignment *y = plan_assignment(&c, 1);
	y->done = D(2025, 3, 15);
	y->reviewed = D(2025, 3, 19);
	plan_set_text(&y->review_note, "Honest, thorough");
	y->step = 5;
	y->goal = 1;
	y->given = D(2025, 3, 4);
	y->due = D(2025, 3, 18);
	plan_set_text(&y->text, "Write the step 4 inventory, part 1");
	expect_diff(&b, &c,
		    "assignment 1: text “Write the step 4 inventory” → “Write the step 4 inventory, part 1”\n"
		    "assignment 1: step 4 → 5\n"
		    "assignment 1: goal none → 1\n"
		    "assignment 1: given date 2025-03-03 → 2025-03-04\n"
		    "assignment 1: due date 2025-03-17 → 2025-03-18\n"
		    "assignment 1: done date 2025-03-16 → 2025-03-15\n"
		    "assignment 1: review date 2025-03-18 → 2025-03-19\n"
		    "assignment 1: review note “Honest and thorough” → “Honest, thorough”\n");
	/* A review note taken away (only by editing the stored plan, since reviewed is
	 * final, but the history must still say so). */
	struct plan e;
	plan_copy(&e, &c);
	struct plan_assignment *z = plan_assignment(&e, 1);
	z->status = ASSIGNMENT_DONE;
	z->reviewed = DATE_NONE;
	plan_set_text(&z->review_note, NULL);
	expect_diff(&c, &e,
		    "assignment 1: status reviewed → done\n"
		    "assignment 1: review note removed\n");
	plan_release(&e);

	plan_remove_assignment(&c, 2);
	plan_add_assignment(&c, "List the people you resent", 4, 0, D(2025, 4, 1), D(2025, 4, 8));
	z = plan_assignment(&c, 1);
	z->step = 0; /* linked to goal 1 only now */
	expect_diff(&b, &c,
		    "assignment 1: text “Write the step 4 inventory” → “Write the step 4 inventory, part 1”\n"
		    "assignment 1: step 4 → none\n"
		    "assignment 1: goal none → 1\n"
		    "assignment 1: given date 2025-03-03 → 2025-03-04\n"
		    "assignment 1: due date 2025-03-17 → 2025-03-18\n"
		    "assignment 1: done date 2025-03-16 → 2025-03-15\n"
		    "assignment 1: review date 2025-03-18 → 2025-03-19\n"
		    "assignment 1: review note “Honest and thorough” → “Honest, thorough”\n"
		    "assignment 4 added: List the people you resent\n"
		    "assignment 2 removed: Find a sponsor\n");
	plan_release(&c);
	plan_release(&b);
	plan_release(&a);
}

static void diff_lists_steps_crisis(void **state)
{
	struct plan a, b;
	sample(&a);
	plan_copy(&b, &a);
	plan_list_remove(&b.triggers, 0);
	plan_list_add(&b.triggers, "Holidays");
	plan_list_add(&b.warning_signs, "Sleeping badly");
	plan_list_remove(&b.warning_signs, 0);
	expect_diff(&a, &b,
		    "trigger added: Holidays\n"
		    "trigger removed: Payday\n"
		    "warning sign added: Sleeping badly\n"
		    "warning sign removed: Skipping meetings\n");
	plan_release(&b);

	/* Moving an item in a list is not a change. */
	plan_copy(&b, &a);
	char *t = b.triggers.v[0];
	b.triggers.v[0] = b.triggers.v[1];
	b.triggers.v[1] = t;
	expect_diff(&a, &b, "");
	plan_release(&b);

	plan_copy(&b, &a);
	b.steps_worked[4] = b.steps_worked[5] = true;
	expect_diff(&a, &b, "steps to work: 1, 2, 3, 4 → 1, 2, 3, 4, 5, 6\n");
	b.steps_worked_set = false;
	expect_diff(&a, &b, "steps to work: 1, 2, 3, 4 → the programme's minimum\n");
	expect_diff(&b, &a, "steps to work: the programme's minimum → 1, 2, 3, 4\n");
	memset(b.steps_worked, 0, sizeof b.steps_worked);
	b.steps_worked_set = true;
	expect_diff(&a, &b, "steps to work: 1, 2, 3, 4 → none\n");
	plan_release(&b);

	plan_copy(&b, &a);
	plan_set_text(&b.crisis_contacts, "Sponsor 400 00 001");
	plan_set_text(&b.crisis_helps, NULL);
	expect_diff(&a, &b,
		    "crisis plan: who to call “Sponsor 400 00 000; the clinic 22 00 00 00” → “Sponsor 400 00 001”\n"
		    "crisis plan: what helps removed\n");
	expect_diff(&b, &a,
		    "crisis plan: who to call “Sponsor 400 00 001” → “Sponsor 400 00 000; the clinic 22 00 00 00”\n"
		    "crisis plan: what helps added: A walk; calling my sister\n");
	plan_set_text(&b.crisis_contacts, NULL);
	expect_diff(&a, &b, "crisis plan: who to call removed\ncrisis plan: what helps removed\n");
	plan_release(&b);

	/* The first version: everything is new. */
	expect_diff(NULL, &a,
		    "goal 1 added: Stay sober through the summer\n"
		    "goal 2 added: Go to two AA meetings a week\n"
		    "assignment 1 added: Write the step 4 inventory\n"
		    "assignment 2 added: Find a sponsor\n"
		    "assignment 3 added: Read about step 1\n"
		    "steps to work: the programme's minimum → 1, 2, 3, 4\n"
		    "trigger added: Payday\n"
		    "trigger added: Friday evenings with old friends\n"
		    "warning sign added: Skipping meetings\n"
		    "warning sign added: Isolating at home\n"
		    "crisis plan: who to call added: Sponsor 400 00 000; the clinic 22 00 00 00\n"
		    "crisis plan: what helps added: A walk; calling my sister\n");

	/* Which arguments are words to translate and which are the user's text. */
	struct plan_diff d;
	plan_copy(&b, &a);
	plan_goal(&b, 1)->status = GOAL_ACHIEVED;
	plan_goal(&b, 2)->target = D(2025, 9, 1);
	plan_diff(&a, &b, &d);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].tmpl, "goal {}: status {} → {}");
	assert_string_equal(d.v[0].args[0], "1");
	assert_string_equal(d.v[0].args[1], "open");
	assert_string_equal(d.v[0].args[2], "achieved");
	assert_int_equal(d.v[0].translate, 6u); /* the two status words */
	assert_string_equal(d.v[1].tmpl, "goal {}: target date {} → {}");
	assert_int_equal(d.v[1].translate, 2u); /* "none" */
	plan_diff_release(&d);
	assert_int_equal(d.n, 0);
	plan_release(&b);
	plan_release(&a);
}

/* ---- Assignments --------------------------------------------------------------------- */

#define M_A_SAME "The assignment already has this status."
#define M_A_CLOSED "A reviewed assignment is closed; give a new assignment instead."
#define M_A_DONE_FIRST "An assignment is marked done before it is reviewed."
#define M_A_NOTE "A reviewed assignment needs a review note."

static struct plan_assignment given(void)
{
	return (struct plan_assignment){ .id = 1, .step = 4, .given = D(2025, 3, 3),
					 .due = D(2025, 3, 17), .status = ASSIGNMENT_GIVEN,
					 .done = DATE_NONE, .reviewed = DATE_NONE };
}

static void assignment_machine(void **state)
{
	struct plan_assignment a = given(), before;

	/* given → given, given → reviewed: refused. */
	before = a;
	refused(assignment_transition(&a, ASSIGNMENT_GIVEN, TODAY, TODAY, NULL), M_A_SAME);
	refused(assignment_transition(&a, ASSIGNMENT_REVIEWED, TODAY, TODAY, "Fine"), M_A_DONE_FIRST);
	refused(assignment_transition(&a, (enum assignment_status)3, TODAY, TODAY, NULL),
		"Choose a status for the assignment.");
	/* given → done: dated, not before it was given, not in the future. */
	refused(assignment_transition(&a, ASSIGNMENT_DONE, DATE_NONE, TODAY, NULL), "Enter a date.");
	refused(assignment_transition(&a, ASSIGNMENT_DONE, TODAY + 1, TODAY, NULL),
		"The date is in the future.");
	refused(assignment_transition(&a, ASSIGNMENT_DONE, D(2025, 3, 2), TODAY, NULL),
		"The date is before the assignment was given.");
	assert_memory_equal(&a, &before, sizeof a);
	ok(assignment_transition(&a, ASSIGNMENT_DONE, D(2025, 3, 10), TODAY, "ignored"));
	assert_int_equal(a.status, ASSIGNMENT_DONE);
	assert_int_equal(a.done, D(2025, 3, 10));
	assert_null(a.review_note);

	/* done → done refused; done → given reopens (not before it was done). */
	refused(assignment_transition(&a, ASSIGNMENT_DONE, TODAY, TODAY, NULL), M_A_SAME);
	refused(assignment_transition(&a, ASSIGNMENT_GIVEN, D(2025, 3, 9), TODAY, NULL),
		"The date is before the assignment was marked done.");
	ok(assignment_transition(&a, ASSIGNMENT_GIVEN, D(2025, 3, 11), TODAY, NULL));
	assert_int_equal(a.status, ASSIGNMENT_GIVEN);
	assert_int_equal(a.done, DATE_NONE);
	ok(assignment_transition(&a, ASSIGNMENT_DONE, D(2025, 3, 14), TODAY, NULL));

	/* done → reviewed needs the note, and a date not before done. */
	before = a;
	refused(assignment_transition(&a, ASSIGNMENT_REVIEWED, TODAY, TODAY, NULL), M_A_NOTE);
	refused(assignment_transition(&a, ASSIGNMENT_REVIEWED, TODAY, TODAY, " \n "), M_A_NOTE);
	refused(assignment_transition(&a, ASSIGNMENT_REVIEWED, TODAY, TODAY, long_text(1001)),
		"A review note must be at most 1000 bytes.");
	refused(assignment_transition(&a, ASSIGNMENT_REVIEWED, D(2025, 3, 13), TODAY, "Good"),
		"The date is before the assignment was marked done.");
	assert_memory_equal(&a, &before, sizeof a);
	ok(assignment_transition(&a, ASSIGNMENT_REVIEWED, D(2025, 3, 14), TODAY, "Honest work"));
	assert_int_equal(a.status, ASSIGNMENT_REVIEWED);
	assert_int_equal(a.reviewed, D(2025, 3, 14));
	assert_string_equal(a.review_note, "Honest work");

	/* Reviewed is final. */
	refused(assignment_transition(&a, ASSIGNMENT_GIVEN, TODAY, TODAY, NULL), M_A_CLOSED);
	refused(assignment_transition(&a, ASSIGNMENT_DONE, TODAY, TODAY, NULL), M_A_CLOSED);
	refused(assignment_transition(&a, ASSIGNMENT_REVIEWED, TODAY, TODAY, "Again"), M_A_SAME);
	free(a.review_note);

	/* The result of the machine is always a valid plan. */
	struct plan p;
	sample(&p);
	struct plan_assignment *x = plan_assignment(&p, 2);
	ok(assignment_transition(x, ASSIGNMENT_DONE, D(2025, 3, 20), TODAY, NULL));
	ok(plan_validate(&p, NULL));
	ok(assignment_transition(x, ASSIGNMENT_REVIEWED, D(2025, 3, 21), TODAY, "Has a sponsor now"));
	ok(plan_validate(&p, NULL));
	plan_release(&p);
}

static void overdue(void **state)
{
	struct plan_assignment a = given(); /* due 2025-03-17 */
	assert_false(assignment_overdue(&a, D(2025, 3, 16)));
	assert_false(assignment_overdue(&a, D(2025, 3, 17))); /* due today is not late yet */
	assert_true(assignment_overdue(&a, D(2025, 3, 18)));
	a.status = ASSIGNMENT_DONE;
	a.done = D(2025, 3, 20);
	assert_false(assignment_overdue(&a, D(2025, 3, 21)));
	a = given();
	a.due = DATE_NONE;
	assert_false(assignment_overdue(&a, TODAY));

	struct plan p;
	sample(&p); /* 1 due 03-17 given, 2 due 03-31 given, 3 reviewed */
	assert_int_equal(plan_overdue_count(&p, D(2025, 3, 17)), 0);
	assert_int_equal(plan_overdue_count(&p, D(2025, 3, 18)), 1);
	assert_int_equal(plan_overdue_count(&p, D(2025, 4, 1)), 2);
	plan_release(&p);
}

static void keys_labels_words(void **state)
{
	static const char *gk[] = { "open", "achieved", "dropped" };
	static const char *gl[] = { "Open", "Achieved", "Dropped" };
	static const char *ak[] = { "given", "done", "reviewed" };
	static const char *al[] = { "Given", "Done", "Reviewed" };
	for (int i = 0; i < 3; i++) {
		assert_string_equal(goal_status_key((enum goal_status)i), gk[i]);
		assert_string_equal(goal_status_label((enum goal_status)i), gl[i]);
		assert_string_equal(goal_status_word((enum goal_status)i), gk[i]);
		assert_int_equal(goal_status_parse(gk[i]), i);
		assert_string_equal(assignment_status_key((enum assignment_status)i), ak[i]);
		assert_string_equal(assignment_status_label((enum assignment_status)i), al[i]);
		assert_string_equal(assignment_status_word((enum assignment_status)i), ak[i]);
		assert_int_equal(assignment_status_parse(ak[i]), i);
	}
	assert_int_equal(goal_status_parse("Open"), -1);
	assert_int_equal(goal_status_parse(NULL), -1);
	assert_int_equal(assignment_status_parse("reopened"), -1);
	assert_string_equal(goal_status_key((enum goal_status)3), "");
	assert_string_equal(assignment_status_label((enum assignment_status)-1), "");
	assert_string_equal(assignment_status_word((enum assignment_status)3), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(building),
		cmocka_unit_test(validation),
		cmocka_unit_test(canonical_json),
		cmocka_unit_test(strict_reading),
		cmocka_unit_test(json_syntax),
		cmocka_unit_test(versions),
		cmocka_unit_test(diff_goals),
		cmocka_unit_test(diff_assignments),
		cmocka_unit_test(diff_lists_steps_crisis),
		cmocka_unit_test(assignment_machine),
		cmocka_unit_test(overdue),
		cmocka_unit_test(keys_labels_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
