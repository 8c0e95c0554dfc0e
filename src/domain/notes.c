/* notes.c: clinical notes — validation, drafts and signing, addenda, the draft reminder,
 * and the attendee's view of a group note with other attendees' names replaced (see
 * notes.h). */
#include "domain/notes.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/steps.h"

static bool is_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static bool type_valid(enum note_type t)
{
	return (int)t >= 0 && (int)t < NOTE_TYPE_COUNT;
}

static const char *field_fail(const char **field, const char *name, const char *msg)
{
	if (field)
		*field = name;
	return msg;
}

const char *note_validate(const struct note *n, int32_t today, const char **field)
{
	if (field)
		*field = NULL;
	if (!type_valid(n->type))
		return field_fail(field, "type", N_("Choose the kind of note."));
	if (n->date == DATE_NONE)
		return field_fail(field, "date", N_("Enter the date the note is about."));
	if (n->date > today)
		return field_fail(field, "date", N_("The note's date is in the future."));
	if (n->date < date_from_ymd(2000, 1, 1))
		return field_fail(field, "date", N_("The note's date must be in the year 2000 or later."));
	if (n->text) {
		size_t len = strnlen(n->text, NOTE_TEXT_MAX + 1);
		if (len > NOTE_TEXT_MAX)
			return field_fail(field, "text", N_("A note must be at most 20000 bytes."));
		if (!utf8_valid_text(n->text, len))
			return field_fail(field, "text", N_("The note contains characters that are not allowed."));
	}
	if (n->step < 0 || n->step > STEP_COUNT)
		return field_fail(field, "step", N_("The note's step must be between 1 and 12."));
	if (n->type == NOTE_STEP_PRESENTATION && n->step == 0)
		return field_fail(field, "step", N_("A step presentation note names the step."));
	if (n->goal < 0)
		return field_fail(field, "goal", N_("The note is linked to a goal that is not in the plan."));
	if (n->assignment < 0)
		return field_fail(field, "assignment", N_("The note is linked to an assignment that is not in the plan."));
	if (n->session < 0)
		return field_fail(field, "session", N_("The note is linked to a session that does not exist."));
	/* The session is what attaches the one note to every attendee's record. */
	if (n->type == NOTE_GROUP && n->session == 0)
		return field_fail(field, "session", N_("A group session note is linked to its session."));
	return NULL;
}

const char *note_can_edit(const struct note *n, int64_t user)
{
	if (n->signed_at)
		return N_("A signed note cannot be changed; add an addendum instead.");
	if (user <= 0 || user != n->author)
		return N_("Only the author can change a draft.");
	return NULL;
}

const char *note_can_delete(const struct note *n, int64_t user)
{
	if (n->signed_at)
		return N_("A signed note cannot be deleted; add an addendum instead.");
	if (user <= 0 || user != n->author)
		return N_("Only the author can delete a draft.");
	return NULL;
}

const char *note_sign(struct note *n, int64_t user, int64_t now, int32_t today)
{
	const char *m;
	if (n->signed_at)
		return N_("The note is already signed.");
	/* Signing says "I wrote this": it cannot be done on someone else's behalf. */
	if (user <= 0 || user != n->author)
		return N_("Only the author can sign a note.");
	if (is_blank(n->text))
		return N_("Write the note before signing it.");
	if ((m = note_validate(n, today, NULL)) != NULL)
		return m;
	if (now <= 0)
		return N_("The time of signing is missing.");
	n->signed_at = now;
	return NULL;
}

const char *note_addendum_check(const struct note *n, int64_t author, const char *text)
{
	if (!n->signed_at)
		return N_("Only a signed note can have an addendum; change the draft instead.");
	if (author <= 0)
		return N_("An addendum needs its author.");
	if (is_blank(text))
		return N_("Write the addendum.");
	size_t len = strnlen(text, NOTE_ADDENDUM_MAX + 1);
	if (len > NOTE_ADDENDUM_MAX)
		return N_("An addendum must be at most 5000 bytes.");
	if (!utf8_valid_text(text, len))
		return N_("The addendum contains characters that are not allowed.");
	return NULL;
}

bool note_draft_overdue(const struct note *n, int32_t today)
{
	return !n->signed_at && n->drafted != DATE_NONE &&
	       (int64_t)today - n->drafted > NOTE_DRAFT_DAYS;
}

static const struct {
	const char *key, *label;
} types[NOTE_TYPE_COUNT] = {
	[NOTE_INDIVIDUAL] = { "individual", N_("Individual session") },
	[NOTE_GROUP] = { "group", N_("Group session") },
	[NOTE_STEP_PRESENTATION] = { "step_presentation", N_("Step presentation") },
	[NOTE_PHONE] = { "phone", N_("Phone call") },
	[NOTE_OTHER] = { "other", N_("Other") },
};

const char *note_type_key(enum note_type t)
{
	return type_valid(t) ? types[t].key : "";
}

const char *note_type_label(enum note_type t)
{
	return type_valid(t) ? types[t].label : "";
}

int note_type_parse(const char *key)
{
	for (int i = 0; key && i < NOTE_TYPE_COUNT; i++)
		if (strcmp(types[i].key, key) == 0)
			return i;
	return -1;
}

/* ---- Replacing names ----------------------------------------------------------------- */

struct pattern {
	const char *s;
	size_t n;
	bool fold; /* any letter case (full names); else exact (single name parts) */
};

/* Letters and digits, and every byte of a non-ASCII character: "Åse" inside "Åsebø" is
 * not a whole word, and a match never starts inside a UTF-8 sequence. */
static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

static unsigned char fold_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The second byte of a Latin-1 letter after 0xC3: À–Þ (but not ×) fold to à–þ, which
 * covers Æ Ø Å Ä Ö and the accented letters of Nordic names. */
static unsigned char fold_latin1(unsigned char c)
{
	return c >= 0x80 && c <= 0x9e && c != 0x97 ? (unsigned char)(c + 0x20) : c;
}

static bool matches(const char *t, size_t tlen, const struct pattern *p)
{
	if (p->n > tlen)
		return false;
	if (!p->fold)
		return memcmp(t, p->s, p->n) == 0;
	for (size_t j = 0; j < p->n; j++) {
		unsigned char a = (unsigned char)t[j], b = (unsigned char)p->s[j];
		if (a == 0xc3 && b == 0xc3 && j + 1 < p->n) {
			j++;
			if (fold_latin1((unsigned char)t[j]) != fold_latin1((unsigned char)p->s[j]))
				return false;
			continue;
		}
		if (fold_ascii(a) != fold_ascii(b))
			return false;
	}
	return true;
}

static int by_length_desc(const void *a, const void *b)
{
	size_t x = ((const struct pattern *)a)->n, y = ((const struct pattern *)b)->n;
	return x < y ? 1 : x > y ? -1 : 0;
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *note_redact_names(const char *text, const char *const *names, size_t nnames,
			const char *placeholder, int *replaced)
{
	struct pattern *pats = NULL;
	size_t npats = 0, cap = 0;
	int count = 0;
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < nnames; i++) {
		const char *s = names[i], *e;
		if (!s)
			continue;
		while (space(*s))
			s++;
		e = s + strlen(s);
		while (e > s && space(e[-1]))
			e--;
		if (e - s < 2)
			continue; /* nothing, or an initial: see below */
		bool several = false;
		for (const char *p = s; p < e; p++)
			if (space(*p))
				several = true;
		/* A full name of several words is rare in running text in any case; a single
		 * word ("Liv", "Per") is also a common word, so it has to match exactly. */
		pats = xgrow(pats, &cap, npats + 1, sizeof *pats);
		pats[npats++] = (struct pattern){ s, (size_t)(e - s), several };
		for (const char *p = s; several && p < e;) {
			const char *q = p;
			while (q < e && !space(*q))
				q++;
			/* One letter is an initial, not a name worth hiding, and would hit
			 * every "I" in an English note. */
			if (q - p >= 2) {
				pats = xgrow(pats, &cap, npats + 1, sizeof *pats);
				pats[npats++] = (struct pattern){ p, (size_t)(q - p), false };
			}
			while (q < e && space(*q))
				q++;
			p = q;
		}
	}
	/* Longest first, so "Kari Nordmann" is one replacement, not two. */
	if (npats > 1)
		qsort(pats, npats, sizeof *pats, by_length_desc);

	size_t len = text ? strlen(text) : 0;
	for (size_t i = 0; i < len;) {
		size_t end = 0;
		if (i == 0 || !word_byte((unsigned char)text[i - 1])) {
			for (size_t k = 0; k < npats && !end; k++) {
				if (!matches(text + i, len - i, &pats[k]))
					continue;
				size_t e = i + pats[k].n;
				/* The genitive without an apostrophe: "Pers historie". */
				if (e < len && text[e] == 's' &&
				    (e + 1 == len || !word_byte((unsigned char)text[e + 1])))
					e++;
				if (e == len || !word_byte((unsigned char)text[e]))
					end = e;
			}
		}
		if (end) {
			buf_adds(&out, placeholder);
			count++;
			i = end;
		} else {
			buf_addch(&out, text[i]);
			i++;
		}
	}
	free(pats);
	if (replaced)
		*replaced = count;
	return buf_detach(&out, NULL);
}

/* ---- The attendee's export ----------------------------------------------------------- */

const char *group_note_export(const struct group_note *g, int64_t person, enum lang lang,
			      struct note_export *out)
{
	const struct note *n = g->note;
	bool attended = false;
	memset(out, 0, sizeof *out);
	if (!n || n->type != NOTE_GROUP)
		return N_("This is not a group session note.");
	if (!n->signed_at)
		return N_("A draft is not part of anyone's record until it is signed.");
	for (size_t i = 0; i < g->nattendees; i++)
		if (g->attendees[i].person == person)
			attended = true;
	if (!attended)
		return N_("The person did not attend this session.");

	const char **others = xcalloc(g->nattendees ? g->nattendees : 1, sizeof *others);
	size_t nothers = 0;
	for (size_t i = 0; i < g->nattendees; i++)
		if (g->attendees[i].person != person)
			others[nothers++] = g->attendees[i].name;
	const char *placeholder = i18n_tr(lang, N_("[another participant]"));

	out->type = n->type;
	out->date = g->session_date;
	out->author = n->author;
	out->signed_at = n->signed_at;
	out->group_name = g->group_name;
	out->topic = g->topic;
	out->leaders = g->leaders;
	out->nleaders = g->nleaders;
	int k;
	out->text = note_redact_names(n->text, others, nothers, placeholder, &k);
	out->replaced = k;
	if (n->naddenda) {
		out->addenda = xcalloc(n->naddenda, sizeof *out->addenda);
		for (size_t i = 0; i < n->naddenda; i++) {
			out->addenda[i].author = n->addenda[i].author;
			out->addenda[i].created_at = n->addenda[i].created_at;
			out->addenda[i].text = note_redact_names(n->addenda[i].text, others, nothers,
								 placeholder, &k);
			out->replaced += k;
		}
		out->naddenda = n->naddenda;
	}
	free(others);
	/* Deliberately not copied: g->attendees, their number and g->external_count. */
	return NULL;
}

void note_export_release(struct note_export *e)
{
	free(e->text);
	for (size_t i = 0; i < e->naddenda; i++)
		free(e->addenda[i].text);
	free(e->addenda);
	memset(e, 0, sizeof *e);
}
