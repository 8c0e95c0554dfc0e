/* notes_backend.h: what the two backends share for clinical notes (issue 4) — column
 * lists and their row maps. Private to src/store/, included by sqlite_notes.c and
 * pg_notes.c (which the backends include, to reuse their statement helpers). */
#ifndef TOLV_STORE_NOTES_BACKEND_H
#define TOLV_STORE_NOTES_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define NOTES_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

/* The timeline's view of a note (store_note_head): no text, no addenda count. */
#define STORE_NOTE_HEAD_COLS "n.id, n.type, n.on_day, n.author, n.drafted_at, n.signed_at"
static const struct store_col notes_head_cols[] = {
	NOTES_COL(SCOL_I64, struct store_note_head, id),
	NOTES_COL(SCOL_TEXT, struct store_note_head, type),
	NOTES_COL(SCOL_DAY, struct store_note_head, on_day),
	NOTES_COL(SCOL_I64, struct store_note_head, author),
	NOTES_COL(SCOL_I64, struct store_note_head, drafted_at),
	NOTES_COL(SCOL_I64, struct store_note_head, signed_at),
};
static const struct store_cols notes_head_map = { notes_head_cols, 6 };

#define STORE_NOTE_COLS                                                                            \
	"n.id, n.org_id, n.person_id, n.enrolment_id, n.type, n.on_day, n.author, n.text, n.step, "  \
	"n.goal, n.assignment, n.session_id, n.drafted_on, n.drafted_at, n.updated_at, n.signed_at, " \
	"n.signed_by, (SELECT count(*) FROM note_addenda a WHERE a.org_id = n.org_id AND a.note_id = n.id)"
static const struct store_col notes_note_cols[] = {
	NOTES_COL(SCOL_I64, struct store_note, id),
	NOTES_COL(SCOL_I64, struct store_note, org_id),
	NOTES_COL(SCOL_I64, struct store_note, person_id),
	NOTES_COL(SCOL_I64, struct store_note, enrolment_id),
	NOTES_COL(SCOL_TEXT, struct store_note, type),
	NOTES_COL(SCOL_DAY, struct store_note, on_day),
	NOTES_COL(SCOL_I64, struct store_note, author),
	NOTES_COL(SCOL_TEXT, struct store_note, text),
	NOTES_COL(SCOL_INT, struct store_note, step),
	NOTES_COL(SCOL_INT, struct store_note, goal),
	NOTES_COL(SCOL_INT, struct store_note, assignment),
	NOTES_COL(SCOL_I64, struct store_note, session_id),
	NOTES_COL(SCOL_DAY, struct store_note, drafted_on),
	NOTES_COL(SCOL_I64, struct store_note, drafted_at),
	NOTES_COL(SCOL_I64, struct store_note, updated_at),
	NOTES_COL(SCOL_I64, struct store_note, signed_at),
	NOTES_COL(SCOL_I64, struct store_note, signed_by),
	NOTES_COL(SCOL_INT, struct store_note, naddenda),
};
static const struct store_cols notes_note_map = { notes_note_cols, 18 };

#define STORE_NOTE_ADDENDUM_COLS "id, note_id, author, created_at, text"
static const struct store_col notes_addendum_cols[] = {
	NOTES_COL(SCOL_I64, struct store_note_addendum, id),
	NOTES_COL(SCOL_I64, struct store_note_addendum, note_id),
	NOTES_COL(SCOL_I64, struct store_note_addendum, author),
	NOTES_COL(SCOL_I64, struct store_note_addendum, created_at),
	NOTES_COL(SCOL_TEXT, struct store_note_addendum, text),
};
static const struct store_cols notes_addendum_map = { notes_addendum_cols, 5 };

#define STORE_NOTE_DRAFT_COLS "n.id, n.person_id, n.type, n.on_day, n.drafted_on, p.given_name, p.family_name"
static const struct store_col notes_draft_cols[] = {
	NOTES_COL(SCOL_I64, struct store_note_draft, id),
	NOTES_COL(SCOL_I64, struct store_note_draft, person_id),
	NOTES_COL(SCOL_TEXT, struct store_note_draft, type),
	NOTES_COL(SCOL_DAY, struct store_note_draft, on_day),
	NOTES_COL(SCOL_DAY, struct store_note_draft, drafted_on),
	NOTES_COL(SCOL_TEXT, struct store_note_draft, given_name),
	NOTES_COL(SCOL_TEXT, struct store_note_draft, family_name),
};
static const struct store_cols notes_draft_map = { notes_draft_cols, 7 };

#endif
