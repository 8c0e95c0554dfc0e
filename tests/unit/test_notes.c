/* test_notes.c: unit tests of clinical notes — validation, drafts and signing, the rule
 * that signed notes are never changed, addenda, the draft reminder, and what an
 * attendee's export shows of a group note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/notes.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define TODAY D(2025, 6, 2)
#define AUTHOR 11
#define OTHER 12
#define NOW 1748858400 /* 2025-06-02 10:00 UTC */

#define M_SIGNED_EDIT "A signed note cannot be changed; add an addendum instead."
#define M_SIGNED_DELETE "A signed note cannot be deleted; add an addendum instead."

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

static struct note draft(void)
{
	return (struct note){ .id = 1, .type = NOTE_INDIVIDUAL, .date = D(2025, 5, 30),
			      .author = AUTHOR, .text = "Talked about step 4 and the week ahead.",
			      .drafted = D(2025, 5, 30) };
}

static void expect_invalid(const struct note *n, const char *msg, const char *field)
{
	const char *f = "unset";
	refused(note_validate(n, TODAY, &f), msg);
	assert_non_null(f);
	assert_string_equal(f, field);
}

static void validation(void **state)
{
	struct note n = draft();
	const char *f = "unset";
	ok(note_validate(&n, TODAY, &f));
	assert_null(f);
	ok(note_validate(&n, TODAY, NULL));
	n.text = NULL; /* an empty draft may be saved */
	ok(note_validate(&n, TODAY, NULL));

	n = draft();
	n.type = (enum note_type)5;
	expect_invalid(&n, "Choose the kind of note.", "type");
	n = draft();
	n.date = DATE_NONE;
	expect_invalid(&n, "Enter the date the note is about.", "date");
	n.date = TODAY + 1;
	expect_invalid(&n, "The note's date is in the future.", "date");
	n.date = D(1999, 12, 31);
	expect_invalid(&n, "The note's date must be in the year 2000 or later.", "date");
	n.date = TODAY;
	ok(note_validate(&n, TODAY, NULL));

	static char big[NOTE_TEXT_MAX + 2];
	memset(big, 'a', NOTE_TEXT_MAX + 1);
	n.text = big;
	expect_invalid(&n, "A note must be at most 20000 bytes.", "text");
	big[NOTE_TEXT_MAX] = '\0';
	ok(note_validate(&n, TODAY, NULL));
	n.text = "bell \a";
	expect_invalid(&n, "The note contains characters that are not allowed.", "text");
	n.text = "Overlong \xc0\xaf";
	expect_invalid(&n, "The note contains characters that are not allowed.", "text");

	n = draft();
	n.step = 13;
	expect_invalid(&n, "The note's step must be between 1 and 12.", "step");
	n.step = -1;
	expect_invalid(&n, "The note's step must be between 1 and 12.", "step");
	n.step = 12;
	ok(note_validate(&n, TODAY, NULL));
	n.goal = -1;
	expect_invalid(&n, "The note is linked to a goal that is not in the plan.", "goal");
	n.goal = 2;
	n.assignment = -2;
	expect_invalid(&n, "The note is linked to an assignment that is not in the plan.", "assignment");
	n.assignment = 3;
	n.session = -1;
	expect_invalid(&n, "The note is linked to a session that does not exist.", "session");
	n.session = 0;
	ok(note_validate(&n, TODAY, NULL));

	/* Each type's own requirement. */
	n = draft();
	n.type = NOTE_GROUP;
	expect_invalid(&n, "A group session note is linked to its session.", "session");
	n.session = 501;
	ok(note_validate(&n, TODAY, NULL));
	n = draft();
	n.type = NOTE_STEP_PRESENTATION;
	expect_invalid(&n, "A step presentation note names the step.", "step");
	n.step = 4;
	ok(note_validate(&n, TODAY, NULL));
	n = draft();
	n.type = NOTE_PHONE;
	ok(note_validate(&n, TODAY, NULL));
	n.type = NOTE_OTHER;
	ok(note_validate(&n, TODAY, NULL));
}

static void drafts_and_signing(void **state)
{
	struct note n = draft(), before;

	/* A draft is its author's to change or delete. */
	ok(note_can_edit(&n, AUTHOR));
	ok(note_can_delete(&n, AUTHOR));
	refused(note_can_edit(&n, OTHER), "Only the author can change a draft.");
	refused(note_can_delete(&n, OTHER), "Only the author can delete a draft.");
	refused(note_can_edit(&n, 0), "Only the author can change a draft.");

	/* Signing: the author only, with text, a valid note and a time. */
	before = n;
	refused(note_sign(&n, OTHER, NOW, TODAY), "Only the author can sign a note.");
	n.text = "  \n";
	refused(note_sign(&n, AUTHOR, NOW, TODAY), "Write the note before signing it.");
	n.text = NULL;
	refused(note_sign(&n, AUTHOR, NOW, TODAY), "Write the note before signing it.");
	n = before;
	n.type = NOTE_GROUP; /* without its session */
	refused(note_sign(&n, AUTHOR, NOW, TODAY), "A group session note is linked to its session.");
	n = before;
	refused(note_sign(&n, AUTHOR, 0, TODAY), "The time of signing is missing.");
	assert_memory_equal(&n, &before, sizeof n);
	ok(note_sign(&n, AUTHOR, NOW, TODAY));
	assert_int_equal(n.signed_at, NOW);
	refused(note_sign(&n, AUTHOR, NOW + 60, TODAY), "The note is already signed.");
	assert_int_equal(n.signed_at, NOW);

	/* Signed: nobody changes or deletes it, not even its author. */
	refused(note_can_edit(&n, AUTHOR), M_SIGNED_EDIT);
	refused(note_can_edit(&n, OTHER), M_SIGNED_EDIT);
	refused(note_can_delete(&n, AUTHOR), M_SIGNED_DELETE);
	refused(note_can_delete(&n, OTHER), M_SIGNED_DELETE);
}

static void addenda(void **state)
{
	struct note n = draft();
	refused(note_addendum_check(&n, AUTHOR, "Correction: it was Tuesday."),
		"Only a signed note can have an addendum; change the draft instead.");
	ok(note_sign(&n, AUTHOR, NOW, TODAY));
	/* A colleague may add one as well as the author (who may is the caller's rule). */
	ok(note_addendum_check(&n, AUTHOR, "Correction: it was Tuesday."));
	ok(note_addendum_check(&n, OTHER, "Seen and agreed."));
	refused(note_addendum_check(&n, 0, "Text"), "An addendum needs its author.");
	refused(note_addendum_check(&n, AUTHOR, NULL), "Write the addendum.");
	refused(note_addendum_check(&n, AUTHOR, " \t"), "Write the addendum.");
	static char big[NOTE_ADDENDUM_MAX + 2];
	memset(big, 'a', NOTE_ADDENDUM_MAX + 1);
	refused(note_addendum_check(&n, AUTHOR, big), "An addendum must be at most 5000 bytes.");
	big[NOTE_ADDENDUM_MAX] = '\0';
	ok(note_addendum_check(&n, AUTHOR, big));
	refused(note_addendum_check(&n, AUTHOR, "esc \x1b"),
		"The addendum contains characters that are not allowed.");
}

static void draft_reminder(void **state)
{
	struct note n = draft(); /* started Friday 2025-05-30 */
	assert_false(note_draft_overdue(&n, D(2025, 5, 30)));
	assert_false(note_draft_overdue(&n, D(2025, 6, 6))); /* exactly a week */
	assert_true(note_draft_overdue(&n, D(2025, 6, 7)));
	assert_true(note_draft_overdue(&n, D(2026, 1, 1)));
	n.drafted = DATE_NONE;
	assert_false(note_draft_overdue(&n, D(2026, 1, 1)));
	n = draft();
	ok(note_sign(&n, AUTHOR, NOW, TODAY));
	assert_false(note_draft_overdue(&n, D(2026, 1, 1))); /* signed: no reminder */
}

static void types(void **state)
{
	static const char *keys[] = { "individual", "group", "step_presentation", "phone", "other" };
	static const char *labels[] = { "Individual session", "Group session", "Step presentation",
					"Phone call", "Other" };
	for (int i = 0; i < NOTE_TYPE_COUNT; i++) {
		assert_string_equal(note_type_key((enum note_type)i), keys[i]);
		assert_string_equal(note_type_label((enum note_type)i), labels[i]);
		assert_int_equal(note_type_parse(keys[i]), i);
	}
	assert_int_equal(note_type_parse("Group"), -1);
	assert_int_equal(note_type_parse(NULL), -1);
	assert_string_equal(note_type_key((enum note_type)5), "");
	assert_string_equal(note_type_label((enum note_type)-1), "");
}

/* ---- Replacing names ----------------------------------------------------------------- */

static void expect_redacted(const char *text, const char *const *names, size_t n,
			    const char *want, int want_count)
{
	int count = -1;
	char *got = note_redact_names(text, names, n, "[X]", &count);
	if (strcmp(got, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", got, want);
	assert_int_equal(count, want_count);
	free(got);
}

static void redaction(void **state)
{
	const char *names[] = { "Per Hansen", "  Åse Øvrebø ", "Liv", "K", NULL, "" };
	const size_t n = sizeof names / sizeof names[0];

	/* Full names in any case, as one replacement. */
	expect_redacted("Per Hansen shared first.", names, n, "[X] shared first.", 1);
	expect_redacted("per hansen shared first.", names, n, "[X] shared first.", 1);
	expect_redacted("ÅSE ØVREBØ and åse øvrebø.", names, n, "[X] and [X].", 2);
	/* Single name parts only as written, and as whole words. */
	expect_redacted("Per spoke; Hansen listened.", names, n, "[X] spoke; [X] listened.", 2);
	expect_redacted("Three times per week; Perfect timing.", names, n,
			"Three times per week; Perfect timing.", 0);
	expect_redacted("Pers historie og Åses svar.", names, n, "[X] historie og [X] svar.", 2);
	expect_redacted("Per's story.", names, n, "[X]'s story.", 1);
	expect_redacted("Åsebø and Perssons are other words.", names, n,
			"Åsebø and Perssons are other words.", 0);
	expect_redacted("Liv talked about livet; liv og lære.", names, n,
			"[X] talked about livet; liv og lære.", 1);
	/* One-letter names are initials, never patterns: "K" stays. */
	expect_redacted("K said yes.", names, n, "K said yes.", 0);
	/* At the very start and end, and next to punctuation and digits. */
	expect_redacted("Per", names, n, "[X]", 1);
	expect_redacted("(Hansen)", names, n, "([X])", 1);
	expect_redacted("Per2 Hansens", names, n, "Per2 [X]", 1);
	/* Nothing to replace, or nothing to replace with. */
	expect_redacted("Per Hansen", NULL, 0, "Per Hansen", 0);
	expect_redacted("", names, n, "", 0);
	char *s = note_redact_names(NULL, names, n, "[X]", NULL);
	assert_string_equal(s, "");
	free(s);
}

/* ---- The attendee's export ----------------------------------------------------------- */

static const struct note_addendum group_addenda[] = {
	{ .author = OTHER, .created_at = NOW + 3600,
	  .text = "Addendum: Kari Nordmann arrived late, not Jonas." },
};

static struct note group_note_signed(void)
{
	return (struct note){
		.id = 9, .type = NOTE_GROUP, .date = D(2025, 6, 2), .author = AUTHOR,
		.text = "Step 4 teaching. Kari shared about resentment; Jonas Berg listened. "
			"Ola asked about sponsors.",
		.session = 501, .drafted = D(2025, 6, 2), .signed_at = NOW,
		.addenda = group_addenda, .naddenda = 1,
	};
}

static const struct group_attendee attendees[] = {
	{ 101, "Kari Nordmann" },
	{ 102, "Jonas Berg" },
	{ 103, "Ola Nilsen" },
};
static const char *const leaders[] = { "Therapist Anne Lie", "Therapist Bo Ek" };

static struct group_note group(const struct note *n)
{
	return (struct group_note){
		.note = n, .group_name = "Day treatment group A", .session_date = D(2025, 6, 2),
		.topic = "Step 4", .leaders = leaders, .nleaders = 2,
		.attendees = attendees, .nattendees = 3, .external_count = 4,
	};
}

static void no_other_names(const struct note_export *e, int64_t person)
{
	/* None of the other attendees' names, first or last, anywhere in the export. */
	for (size_t i = 0; i < 3; i++) {
		if (attendees[i].person == person)
			continue;
		char first[32], last[32];
		const char *sp = strchr(attendees[i].name, ' ');
		snprintf(first, sizeof first, "%.*s", (int)(sp - attendees[i].name), attendees[i].name);
		snprintf(last, sizeof last, "%s", sp + 1);
		const char *fields[] = { e->text, e->group_name, e->topic, e->addenda[0].text,
					 e->leaders[0], e->leaders[1] };
		for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
			if (strstr(fields[f], first) || strstr(fields[f], last))
				fail_msg("\"%s\" in \"%s\"", attendees[i].name, fields[f]);
		}
	}
}

static void group_export(void **state)
{
	struct note n = group_note_signed();
	struct group_note g = group(&n);
	struct note_export e;

	ok(group_note_export(&g, 101, LANG_EN, &e));
	assert_string_equal(e.text, "Step 4 teaching. Kari shared about resentment; "
				    "[another participant] listened. [another participant] asked about sponsors.");
	assert_int_equal(e.naddenda, 1);
	assert_string_equal(e.addenda[0].text, "Addendum: Kari Nordmann arrived late, not "
					       "[another participant].");
	assert_int_equal(e.addenda[0].author, OTHER);
	assert_int_equal(e.addenda[0].created_at, NOW + 3600);
	assert_int_equal(e.replaced, 3);
	assert_int_equal(e.type, NOTE_GROUP);
	assert_int_equal(e.date, D(2025, 6, 2));
	assert_int_equal(e.author, AUTHOR);
	assert_int_equal(e.signed_at, NOW);
	assert_string_equal(e.group_name, "Day treatment group A");
	assert_string_equal(e.topic, "Step 4");
	assert_int_equal(e.nleaders, 2);
	assert_string_equal(e.leaders[1], "Therapist Bo Ek"); /* staff are named */
	no_other_names(&e, 101);
	note_export_release(&e);
	assert_null(e.text);
	assert_null(e.addenda);

	ok(group_note_export(&g, 102, LANG_EN, &e));
	assert_string_equal(e.text, "Step 4 teaching. [another participant] shared about resentment; "
				    "Jonas Berg listened. [another participant] asked about sponsors.");
	assert_string_equal(e.addenda[0].text, "Addendum: [another participant] arrived late, not Jonas.");
	no_other_names(&e, 102);
	note_export_release(&e);

	ok(group_note_export(&g, 103, LANG_EN, &e));
	no_other_names(&e, 103);
	assert_non_null(strstr(e.text, "Ola asked"));
	note_export_release(&e);

	/* Someone who was not there gets nothing; nor does anyone from a draft. */
	refused(group_note_export(&g, 104, LANG_EN, &e), "The person did not attend this session.");
	assert_null(e.text);
	n.signed_at = 0;
	refused(group_note_export(&g, 101, LANG_EN, &e),
		"A draft is not part of anyone's record until it is signed.");
	n = group_note_signed();
	n.type = NOTE_INDIVIDUAL;
	refused(group_note_export(&g, 101, LANG_EN, &e), "This is not a group session note.");
	g.note = NULL;
	refused(group_note_export(&g, 101, LANG_EN, &e), "This is not a group session note.");

	/* A session of one: nothing to hide, nothing hidden. */
	n = group_note_signed();
	n.naddenda = 0;
	n.addenda = NULL;
	g = group(&n);
	g.nattendees = 1;
	ok(group_note_export(&g, 101, LANG_EN, &e));
	assert_string_equal(e.text, n.text);
	assert_int_equal(e.replaced, 0);
	assert_int_equal(e.naddenda, 0);
	note_export_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validation),
		cmocka_unit_test(drafts_and_signing),
		cmocka_unit_test(addenda),
		cmocka_unit_test(draft_reminder),
		cmocka_unit_test(types),
		cmocka_unit_test(redaction),
		cmocka_unit_test(group_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
