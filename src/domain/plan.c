/* plan.c: the individual plan as a value — building, validation, canonical JSON, versions,
 * the diff between versions and the assignment state machine (see plan.h). */
#include "domain/plan.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"

#define PLAN_ID_MAX 1000000 /* far beyond any real plan; keeps ids plain ints in JSON */

/* ---- Building ------------------------------------------------------------------------ */

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof *p);
}

static void list_release(struct plan_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void goal_release(struct plan_goal *g)
{
	free(g->text);
	g->text = NULL;
}

static void assignment_release(struct plan_assignment *a)
{
	free(a->text);
	free(a->review_note);
	a->text = a->review_note = NULL;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->ngoals; i++)
		goal_release(&p->goals[i]);
	free(p->goals);
	for (size_t i = 0; i < p->nassignments; i++)
		assignment_release(&p->assignments[i]);
	free(p->assignments);
	list_release(&p->triggers);
	list_release(&p->warning_signs);
	free(p->crisis_contacts);
	free(p->crisis_helps);
	plan_init(p);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

void plan_set_text(char **field, const char *s)
{
	char *copy = dup_or_null(s); /* before freeing: s may be *field itself */
	free(*field);
	*field = copy;
}

static void list_copy(struct plan_list *dst, const struct plan_list *src)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->n; i++)
		plan_list_add(dst, src->v[i]);
}

void plan_copy(struct plan *dst, const struct plan *src)
{
	plan_init(dst);
	if (src->ngoals) {
		dst->goals = xgrow(NULL, &dst->goals_cap, src->ngoals, sizeof *dst->goals);
		for (size_t i = 0; i < src->ngoals; i++) {
			dst->goals[i] = src->goals[i];
			dst->goals[i].text = dup_or_null(src->goals[i].text);
		}
		dst->ngoals = src->ngoals;
	}
	if (src->nassignments) {
		dst->assignments = xgrow(NULL, &dst->assignments_cap, src->nassignments,
					 sizeof *dst->assignments);
		for (size_t i = 0; i < src->nassignments; i++) {
			dst->assignments[i] = src->assignments[i];
			dst->assignments[i].text = dup_or_null(src->assignments[i].text);
			dst->assignments[i].review_note = dup_or_null(src->assignments[i].review_note);
		}
		dst->nassignments = src->nassignments;
	}
	list_copy(&dst->triggers, &src->triggers);
	list_copy(&dst->warning_signs, &src->warning_signs);
	dst->crisis_contacts = dup_or_null(src->crisis_contacts);
	dst->crisis_helps = dup_or_null(src->crisis_helps);
	dst->steps_worked_set = src->steps_worked_set;
	memcpy(dst->steps_worked, src->steps_worked, sizeof dst->steps_worked);
}

int plan_add_goal(struct plan *p, const char *text, int32_t target)
{
	int id = 0;
	for (size_t i = 0; i < p->ngoals; i++)
		if (p->goals[i].id > id)
			id = p->goals[i].id;
	p->goals = xgrow(p->goals, &p->goals_cap, p->ngoals + 1, sizeof *p->goals);
	struct plan_goal *g = &p->goals[p->ngoals++];
	memset(g, 0, sizeof *g);
	g->id = id + 1;
	g->text = dup_or_null(text);
	g->target = target;
	g->status = GOAL_OPEN;
	return g->id;
}

int plan_add_assignment(struct plan *p, const char *text, int step, int goal, int32_t given,
			int32_t due)
{
	int id = 0;
	for (size_t i = 0; i < p->nassignments; i++)
		if (p->assignments[i].id > id)
			id = p->assignments[i].id;
	p->assignments = xgrow(p->assignments, &p->assignments_cap, p->nassignments + 1,
			       sizeof *p->assignments);
	struct plan_assignment *a = &p->assignments[p->nassignments++];
	memset(a, 0, sizeof *a);
	a->id = id + 1;
	a->text = dup_or_null(text);
	a->step = step;
	a->goal = goal;
	a->given = given;
	a->due = due;
	a->status = ASSIGNMENT_GIVEN;
	a->done = a->reviewed = DATE_NONE;
	return a->id;
}

void plan_list_add(struct plan_list *l, const char *text)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(text ? text : "");
}

bool plan_remove_goal(struct plan *p, int id)
{
	for (size_t i = 0; i < p->ngoals; i++) {
		if (p->goals[i].id != id)
			continue;
		goal_release(&p->goals[i]);
		memmove(&p->goals[i], &p->goals[i + 1], (p->ngoals - i - 1) * sizeof *p->goals);
		p->ngoals--;
		return true;
	}
	return false;
}

bool plan_remove_assignment(struct plan *p, int id)
{
	for (size_t i = 0; i < p->nassignments; i++) {
		if (p->assignments[i].id != id)
			continue;
		assignment_release(&p->assignments[i]);
		memmove(&p->assignments[i], &p->assignments[i + 1],
			(p->nassignments - i - 1) * sizeof *p->assignments);
		p->nassignments--;
		return true;
	}
	return false;
}

bool plan_list_remove(struct plan_list *l, size_t index)
{
	if (index >= l->n)
		return false;
	free(l->v[index]);
	memmove(&l->v[index], &l->v[index + 1], (l->n - index - 1) * sizeof *l->v);
	l->n--;
	return true;
}

struct plan_goal *plan_goal(const struct plan *p, int id)
{
	for (size_t i = 0; i < p->ngoals; i++)
		if (p->goals[i].id == id)
			return &p->goals[i];
	return NULL;
}

struct plan_assignment *plan_assignment(const struct plan *p, int id)
{
	for (size_t i = 0; i < p->nassignments; i++)
		if (p->assignments[i].id == id)
			return &p->assignments[i];
	return NULL;
}

/* ---- Status words -------------------------------------------------------------------- */

static const struct status_name {
	const char *key, *label, *word;
} goal_statuses[GOAL_STATUS_COUNT] = {
	[GOAL_OPEN] = { "open", N_("Open"), N_("open") },
	[GOAL_ACHIEVED] = { "achieved", N_("Achieved"), N_("achieved") },
	[GOAL_DROPPED] = { "dropped", N_("Dropped"), N_("dropped") },
}, assignment_statuses[ASSIGNMENT_STATUS_COUNT] = {
	[ASSIGNMENT_GIVEN] = { "given", N_("Given"), N_("given") },
	[ASSIGNMENT_DONE] = { "done", N_("Done"), N_("done") },
	[ASSIGNMENT_REVIEWED] = { "reviewed", N_("Reviewed"), N_("reviewed") },
};

static bool goal_status_valid(enum goal_status s)
{
	return (int)s >= 0 && (int)s < GOAL_STATUS_COUNT;
}

static bool assignment_status_valid(enum assignment_status s)
{
	return (int)s >= 0 && (int)s < ASSIGNMENT_STATUS_COUNT;
}

const char *goal_status_key(enum goal_status s)
{
	return goal_status_valid(s) ? goal_statuses[s].key : "";
}

const char *goal_status_label(enum goal_status s)
{
	return goal_status_valid(s) ? goal_statuses[s].label : "";
}

const char *goal_status_word(enum goal_status s)
{
	return goal_status_valid(s) ? goal_statuses[s].word : "";
}

int goal_status_parse(const char *key)
{
	for (int i = 0; key && i < GOAL_STATUS_COUNT; i++)
		if (strcmp(goal_statuses[i].key, key) == 0)
			return i;
	return -1;
}

const char *assignment_status_key(enum assignment_status s)
{
	return assignment_status_valid(s) ? assignment_statuses[s].key : "";
}

const char *assignment_status_label(enum assignment_status s)
{
	return assignment_status_valid(s) ? assignment_statuses[s].label : "";
}

const char *assignment_status_word(enum assignment_status s)
{
	return assignment_status_valid(s) ? assignment_statuses[s].word : "";
}

int assignment_status_parse(const char *key)
{
	for (int i = 0; key && i < ASSIGNMENT_STATUS_COUNT; i++)
		if (strcmp(assignment_statuses[i].key, key) == 0)
			return i;
	return -1;
}

/* ---- Validation ---------------------------------------------------------------------- */

static const char *fail(struct plan_error *err, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *fail(struct plan_error *err, const char *msg, const char *fmt, ...)
{
	va_list ap;
	err->msg = msg;
	va_start(ap, fmt);
	vsnprintf(err->field, sizeof err->field, fmt, ap);
	va_end(ap);
	err->detail[0] = '\0';
	return msg;
}

void plan_error_format(const struct plan_error *e, enum lang lang, struct buf *out)
{
	if (e->field[0])
		buf_addf(out, "%s: ", e->field);
	buf_adds(out, i18n_tr(lang, e->msg ? e->msg : ""));
	if (e->detail[0])
		buf_addf(out, " (%s)", e->detail);
}

static bool is_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* A plausible date for a plan: typing 0225 for 2025 should not pass. */
static bool date_ok(int32_t d)
{
	return d >= date_from_ymd(2000, 1, 1) && d <= date_from_ymd(2199, 12, 31);
}

struct text_rule {
	size_t max;
	bool required;
	bool one_line;     /* list items: a line each */
	const char *missing, *too_long, *bad;
};

static const char *check_text(const char *s, const struct text_rule *r)
{
	if (is_blank(s))
		return r->required ? r->missing : NULL;
	size_t n = strnlen(s, r->max + 1);
	if (n > r->max)
		return r->too_long;
	if (!utf8_valid_text(s, n) || (r->one_line && (memchr(s, '\n', n) || memchr(s, '\r', n))))
		return r->bad;
	return NULL;
}

static const struct text_rule goal_text_rule = {
	PLAN_TEXT_MAX, true, false, N_("A goal needs a text."),
	N_("A goal's text must be at most 1000 bytes."),
	N_("A goal's text contains characters that are not allowed."),
}, assignment_text_rule = {
	PLAN_TEXT_MAX, true, false, N_("An assignment needs a text."),
	N_("An assignment's text must be at most 1000 bytes."),
	N_("An assignment's text contains characters that are not allowed."),
}, review_note_rule = {
	PLAN_TEXT_MAX, true, false, N_("A reviewed assignment needs a review note."),
	N_("A review note must be at most 1000 bytes."),
	N_("A review note contains characters that are not allowed."),
}, crisis_contacts_rule = {
	PLAN_CRISIS_MAX, false, false, NULL,
	N_("Who to call must be at most 2000 bytes."),
	N_("Who to call contains characters that are not allowed."),
}, crisis_helps_rule = {
	PLAN_CRISIS_MAX, false, false, NULL,
	N_("What helps must be at most 2000 bytes."),
	N_("What helps contains characters that are not allowed."),
};

/* The triggers and the warning signs follow the same rules with their own words. */
struct list_kind {
	const char *key;  /* the JSON key */
	const char *too_many, *dup;
	struct text_rule rule;
	const char *added, *removed; /* history templates */
};

static const struct list_kind trigger_kind = {
	"triggers", N_("A plan has at most 50 triggers."),
	N_("This trigger is already on the list."),
	{ PLAN_SIGN_MAX, true, true, N_("A trigger cannot be empty."),
	  N_("A trigger must be at most 200 bytes."),
	  N_("A trigger must be one line of text without control characters.") },
	N_("trigger added: {}"), N_("trigger removed: {}"),
}, warning_kind = {
	"warning_signs", N_("A plan has at most 50 warning signs."),
	N_("This warning sign is already on the list."),
	{ PLAN_SIGN_MAX, true, true, N_("A warning sign cannot be empty."),
	  N_("A warning sign must be at most 200 bytes."),
	  N_("A warning sign must be one line of text without control characters.") },
	N_("warning sign added: {}"), N_("warning sign removed: {}"),
};

static const char *validate_goal(const struct plan *p, size_t i, struct plan_error *err)
{
	const struct plan_goal *g = &p->goals[i];
	const char *m;
	if (g->id < 1 || g->id > PLAN_ID_MAX)
		return fail(err, N_("A goal's number must be between 1 and 1000000."), "goals[%zu].id", i);
	for (size_t j = 0; j < i; j++)
		if (p->goals[j].id == g->id)
			return fail(err, N_("Two goals have the same number."), "goals[%zu].id", i);
	if ((m = check_text(g->text, &goal_text_rule)) != NULL)
		return fail(err, m, "goals[%zu].text", i);
	if (g->target != DATE_NONE && !date_ok(g->target))
		return fail(err, N_("A goal's target date must be a date in the years 2000–2199."),
			    "goals[%zu].target", i);
	if (!goal_status_valid(g->status))
		return fail(err, N_("A goal's status must be open, achieved or dropped."),
			    "goals[%zu].status", i);
	return NULL;
}

static const char *validate_assignment(const struct plan *p, size_t i, struct plan_error *err)
{
	const struct plan_assignment *a = &p->assignments[i];
	const char *m;
#define AFAIL(msg, field) fail(err, msg, "assignments[%zu]." field, i)
	if (a->id < 1 || a->id > PLAN_ID_MAX)
		return AFAIL(N_("An assignment's number must be between 1 and 1000000."), "id");
	for (size_t j = 0; j < i; j++)
		if (p->assignments[j].id == a->id)
			return AFAIL(N_("Two assignments have the same number."), "id");
	if ((m = check_text(a->text, &assignment_text_rule)) != NULL)
		return AFAIL(m, "text");
	if (a->step < 0 || a->step > STEP_COUNT)
		return AFAIL(N_("An assignment's step must be between 1 and 12."), "step");
	if (a->goal != 0 && !plan_goal(p, a->goal))
		return AFAIL(N_("An assignment is linked to a goal that is not in the plan."), "goal");
	if (a->step == 0 && a->goal == 0)
		return AFAIL(N_("An assignment is linked to a step or a goal."), "step");
	if (a->given == DATE_NONE)
		return AFAIL(N_("An assignment needs the date it was given."), "given");
	if (!date_ok(a->given))
		return AFAIL(N_("An assignment's date given must be a date in the years 2000–2199."), "given");
	if (a->due == DATE_NONE)
		return AFAIL(N_("An assignment needs a due date."), "due");
	if (!date_ok(a->due))
		return AFAIL(N_("An assignment's due date must be a date in the years 2000–2199."), "due");
	if (a->due < a->given)
		return AFAIL(N_("An assignment's due date is before the date it was given."), "due");
	if (!assignment_status_valid(a->status))
		return AFAIL(N_("An assignment's status must be given, done or reviewed."), "status");

	/* The dates and the review note must tell the same story as the status. */
	if (a->status == ASSIGNMENT_GIVEN) {
		if (a->done != DATE_NONE)
			return AFAIL(N_("Only an assignment that is done has a done date."), "done");
	} else {
		if (a->done == DATE_NONE)
			return AFAIL(N_("An assignment that is done needs the date it was done."), "done");
		if (!date_ok(a->done))
			return AFAIL(N_("An assignment's done date must be a date in the years 2000–2199."), "done");
		if (a->done < a->given)
			return AFAIL(N_("An assignment's done date is before the date it was given."), "done");
	}
	if (a->status != ASSIGNMENT_REVIEWED) {
		if (a->reviewed != DATE_NONE)
			return AFAIL(N_("Only a reviewed assignment has a review date."), "reviewed");
		if (!is_blank(a->review_note))
			return AFAIL(N_("Only a reviewed assignment has a review note."), "review_note");
	} else {
		if (a->reviewed == DATE_NONE)
			return AFAIL(N_("A reviewed assignment needs the date it was reviewed."), "reviewed");
		if (!date_ok(a->reviewed))
			return AFAIL(N_("An assignment's review date must be a date in the years 2000–2199."), "reviewed");
		if (a->reviewed < a->done)
			return AFAIL(N_("An assignment's review date is before the date it was done."), "reviewed");
		if ((m = check_text(a->review_note, &review_note_rule)) != NULL)
			return AFAIL(m, "review_note");
	}
#undef AFAIL
	return NULL;
}

static const char *validate_list(const struct plan_list *l, const struct list_kind *k,
				 struct plan_error *err)
{
	const char *m;
	if (l->n > PLAN_MAX_SIGNS)
		return fail(err, k->too_many, "%s", k->key);
	for (size_t i = 0; i < l->n; i++) {
		if ((m = check_text(l->v[i], &k->rule)) != NULL)
			return fail(err, m, "%s[%zu]", k->key, i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->v[i], l->v[j]) == 0)
				return fail(err, k->dup, "%s[%zu]", k->key, i);
	}
	return NULL;
}

const char *plan_validate(const struct plan *p, struct plan_error *err)
{
	struct plan_error dummy;
	const char *m;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	if (p->ngoals > PLAN_MAX_GOALS)
		return fail(err, N_("A plan has at most 50 goals."), "goals");
	for (size_t i = 0; i < p->ngoals; i++)
		if ((m = validate_goal(p, i, err)) != NULL)
			return m;
	if (p->nassignments > PLAN_MAX_ASSIGNMENTS)
		return fail(err, N_("A plan has at most 500 assignments."), "assignments");
	for (size_t i = 0; i < p->nassignments; i++)
		if ((m = validate_assignment(p, i, err)) != NULL)
			return m;
	if ((m = validate_list(&p->triggers, &trigger_kind, err)) != NULL ||
	    (m = validate_list(&p->warning_signs, &warning_kind, err)) != NULL)
		return m;
	if ((m = check_text(p->crisis_contacts, &crisis_contacts_rule)) != NULL)
		return fail(err, m, "crisis.contacts");
	if ((m = check_text(p->crisis_helps, &crisis_helps_rule)) != NULL)
		return fail(err, m, "crisis.helps");
	return NULL;
}

/* ---- Canonical JSON ------------------------------------------------------------------ */

/* jansson returns NULL only when out of memory once the plan is valid; like xmalloc, we
 * do not carry on without memory. */
static json_t *must(json_t *j)
{
	if (!j)
		abort();
	return j;
}

static void set(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, must(value)) != 0)
		abort();
}

static void append(json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, must(value)) != 0)
		abort();
}

static json_t *jstr(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *jdate(int32_t d)
{
	char s[11];
	if (d == DATE_NONE)
		return json_null();
	date_format(d, s);
	return json_string(s);
}

static json_t *jlink(int v)
{
	return v ? json_integer(v) : json_null();
}

json_t *plan_to_json(const struct plan *p)
{
	if (plan_validate(p, NULL))
		return NULL;
	json_t *root = must(json_object());
	set(root, "format", json_integer(PLAN_FORMAT));

	json_t *goals = must(json_array());
	for (size_t i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		json_t *o = must(json_object());
		set(o, "id", json_integer(g->id));
		set(o, "text", jstr(g->text));
		set(o, "target", jdate(g->target));
		set(o, "status", json_string(goal_status_key(g->status)));
		append(goals, o);
	}
	set(root, "goals", goals);

	json_t *as = must(json_array());
	for (size_t i = 0; i < p->nassignments; i++) {
		const struct plan_assignment *a = &p->assignments[i];
		json_t *o = must(json_object());
		set(o, "id", json_integer(a->id));
		set(o, "text", jstr(a->text));
		set(o, "step", jlink(a->step));
		set(o, "goal", jlink(a->goal));
		set(o, "given", jdate(a->given));
		set(o, "due", jdate(a->due));
		set(o, "status", json_string(assignment_status_key(a->status)));
		set(o, "done", jdate(a->done));
		set(o, "reviewed", jdate(a->reviewed));
		set(o, "review_note", jstr(a->review_note));
		append(as, o);
	}
	set(root, "assignments", as);

	if (p->steps_worked_set) {
		json_t *sw = must(json_array());
		for (int i = 0; i < STEP_COUNT; i++)
			if (p->steps_worked[i])
				append(sw, json_integer(i + 1));
		set(root, "steps_worked", sw);
	} else {
		set(root, "steps_worked", json_null());
	}

	const struct plan_list *lists[2] = { &p->triggers, &p->warning_signs };
	const char *keys[2] = { trigger_kind.key, warning_kind.key };
	for (int k = 0; k < 2; k++) {
		json_t *arr = must(json_array());
		for (size_t i = 0; i < lists[k]->n; i++)
			append(arr, jstr(lists[k]->v[i]));
		set(root, keys[k], arr);
	}

	json_t *crisis = must(json_object());
	set(crisis, "contacts", jstr(p->crisis_contacts));
	set(crisis, "helps", jstr(p->crisis_helps));
	set(root, "crisis", crisis);
	return root;
}

char *plan_to_string(const struct plan *p)
{
	json_t *j = plan_to_json(p);
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (!s)
		abort();
	return s;
}

/* Reading is strict: what tolv writes, and nothing else, so a stored version or an API
 * client's plan cannot carry fields that the pages would never show. */

/* prefix.key, cut to fit: the path only has to point a reader to the place. */
static void path_join(char *out, size_t n, const char *prefix, const char *key)
{
	struct buf b = BUF_INIT;
	if (prefix[0])
		buf_addf(&b, "%s.", prefix);
	buf_adds(&b, key);
	copy_str(out, n, b.data);
	buf_release(&b);
}

static const char *expect_object(const json_t *o, const char *path, const char *const *keys,
				 struct plan_error *err)
{
	const char *key;
	const json_t *v;
	char field[sizeof err->field];
	if (!json_is_object(o))
		return fail(err, N_("This must be a JSON object."), "%s", path);
	for (const char *const *k = keys; *k; k++) {
		if (!json_object_get(o, *k)) {
			path_join(field, sizeof field, path, *k);
			return fail(err, N_("This field is missing."), "%s", field);
		}
	}
	json_object_foreach((json_t *)o, key, v) {
		const char *const *k = keys;
		while (*k && strcmp(*k, key) != 0)
			k++;
		if (!*k) {
			path_join(field, sizeof field, path, key);
			return fail(err, N_("This field is not part of a plan."), "%s", field);
		}
	}
	return NULL;
}

static const char *get_text(const json_t *o, const char *path, const char *key, char **out,
			    struct plan_error *err)
{
	const json_t *v = json_object_get(o, key);
	char field[sizeof err->field];
	if (!json_is_string(v)) {
		path_join(field, sizeof field, path, key);
		return fail(err, N_("This field must be a text."), "%s", field);
	}
	*out = dup_or_null(json_string_value(v));
	return NULL;
}

static const char *get_date(const json_t *o, const char *path, const char *key, bool nullable,
			    int32_t *out, struct plan_error *err)
{
	const json_t *v = json_object_get(o, key);
	char field[sizeof err->field];
	if (nullable && json_is_null(v)) {
		*out = DATE_NONE;
		return NULL;
	}
	if (!json_is_string(v) || date_parse(json_string_value(v), out) != 0) {
		path_join(field, sizeof field, path, key);
		return fail(err, nullable ? N_("This field must be a date (YYYY-MM-DD) or null.")
					  : N_("This field must be a date (YYYY-MM-DD)."),
			    "%s", field);
	}
	return NULL;
}

/* An integer in [min, max]; null gives 0 when nullable (links: 0 is "none", so an
 * explicit 0 is not canonical and is refused along with the rest of the range). */
static const char *get_int(const json_t *o, const char *path, const char *key, int min, int max,
			   bool nullable, const char *msg, int *out, struct plan_error *err)
{
	const json_t *v = json_object_get(o, key);
	char field[sizeof err->field];
	if (nullable && json_is_null(v)) {
		*out = 0;
		return NULL;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		path_join(field, sizeof field, path, key);
		return fail(err, msg, "%s", field);
	}
	*out = (int)json_integer_value(v);
	return NULL;
}

static const char *get_status(const json_t *o, const char *path, int (*parse)(const char *),
			      const char *msg, int *out, struct plan_error *err)
{
	const json_t *v = json_object_get(o, "status");
	int s = json_is_string(v) ? parse(json_string_value(v)) : -1;
	char field[sizeof err->field];
	if (s < 0) {
		path_join(field, sizeof field, path, "status");
		return fail(err, msg, "%s", field);
	}
	*out = s;
	return NULL;
}

static const char *get_array(const json_t *root, const char *key, size_t max,
			     const char *too_many, const json_t **out, struct plan_error *err)
{
	const json_t *v = json_object_get(root, key);
	if (!json_is_array(v))
		return fail(err, N_("This field must be a list."), "%s", key);
	if (json_array_size(v) > max)
		return fail(err, too_many, "%s", key);
	*out = v;
	return NULL;
}

static const char *read_goals(const json_t *root, struct plan *p, struct plan_error *err)
{
	static const char *const keys[] = { "id", "text", "target", "status", NULL };
	const json_t *arr;
	const char *m;
	char path[sizeof err->field];
	if ((m = get_array(root, "goals", PLAN_MAX_GOALS, N_("A plan has at most 50 goals."), &arr,
			   err)))
		return m;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		snprintf(path, sizeof path, "goals[%zu]", i);
		if ((m = expect_object(o, path, keys, err)))
			return m;
		/* Appended first, so that plan_release frees whatever was read if a later
		 * field fails. */
		p->goals = xgrow(p->goals, &p->goals_cap, p->ngoals + 1, sizeof *p->goals);
		struct plan_goal *g = &p->goals[p->ngoals++];
		memset(g, 0, sizeof *g);
		int status = 0;
		if ((m = get_int(o, path, "id", 1, PLAN_ID_MAX, false,
				 N_("A goal's number must be between 1 and 1000000."), &g->id, err)) ||
		    (m = get_text(o, path, "text", &g->text, err)) ||
		    (m = get_date(o, path, "target", true, &g->target, err)) ||
		    (m = get_status(o, path, goal_status_parse,
				    N_("A goal's status must be open, achieved or dropped."), &status,
				    err)))
			return m;
		g->status = (enum goal_status)status;
	}
	return NULL;
}

static const char *read_assignments(const json_t *root, struct plan *p, struct plan_error *err)
{
	static const char *const keys[] = { "id", "text", "step", "goal", "given", "due",
					    "status", "done", "reviewed", "review_note", NULL };
	const json_t *arr;
	const char *m;
	char path[sizeof err->field];
	if ((m = get_array(root, "assignments", PLAN_MAX_ASSIGNMENTS,
			   N_("A plan has at most 500 assignments."), &arr, err)))
		return m;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		snprintf(path, sizeof path, "assignments[%zu]", i);
		if ((m = expect_object(o, path, keys, err)))
			return m;
		p->assignments = xgrow(p->assignments, &p->assignments_cap, p->nassignments + 1,
				       sizeof *p->assignments);
		struct plan_assignment *a = &p->assignments[p->nassignments++];
		memset(a, 0, sizeof *a);
		int status = 0;
		if ((m = get_int(o, path, "id", 1, PLAN_ID_MAX, false,
				 N_("An assignment's number must be between 1 and 1000000."), &a->id,
				 err)) ||
		    (m = get_text(o, path, "text", &a->text, err)) ||
		    (m = get_int(o, path, "step", 1, STEP_COUNT, true,
				 N_("An assignment's step must be a number from 1 to 12, or null."),
				 &a->step, err)) ||
		    (m = get_int(o, path, "goal", 1, PLAN_ID_MAX, true,
				 N_("An assignment's goal must be a goal's number, or null."), &a->goal,
				 err)) ||
		    (m = get_date(o, path, "given", false, &a->given, err)) ||
		    (m = get_date(o, path, "due", false, &a->due, err)) ||
		    (m = get_status(o, path, assignment_status_parse,
				    N_("An assignment's status must be given, done or reviewed."),
				    &status, err)) ||
		    (m = get_date(o, path, "done", true, &a->done, err)) ||
		    (m = get_date(o, path, "reviewed", true, &a->reviewed, err)) ||
		    (m = get_text(o, path, "review_note", &a->review_note, err)))
			return m;
		a->status = (enum assignment_status)status;
	}
	return NULL;
}

static const char *read_list(const json_t *root, const struct list_kind *k, struct plan_list *l,
			     struct plan_error *err)
{
	const json_t *arr;
	const char *m;
	if ((m = get_array(root, k->key, PLAN_MAX_SIGNS, k->too_many, &arr, err)))
		return m;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *v = json_array_get(arr, i);
		if (!json_is_string(v))
			return fail(err, N_("This field must be a text."), "%s[%zu]", k->key, i);
		plan_list_add(l, json_string_value(v));
	}
	return NULL;
}

static const char *read_steps_worked(const json_t *root, struct plan *p, struct plan_error *err)
{
	const json_t *v = json_object_get(root, "steps_worked");
	static const char *msg =
		N_("The steps to work must be a list of step numbers from 1 to 12, in order and each once, or null.");
	if (json_is_null(v))
		return NULL;
	if (!json_is_array(v) || json_array_size(v) > STEP_COUNT)
		return fail(err, msg, "steps_worked");
	json_int_t prev = 0;
	for (size_t i = 0; i < json_array_size(v); i++) {
		const json_t *s = json_array_get(v, i);
		/* In order and each once: the canonical form has one spelling per set. */
		if (!json_is_integer(s) || json_integer_value(s) <= prev ||
		    json_integer_value(s) > STEP_COUNT)
			return fail(err, msg, "steps_worked[%zu]", i);
		prev = json_integer_value(s);
		p->steps_worked[prev - 1] = true;
	}
	p->steps_worked_set = true;
	return NULL;
}

static const char *read_plan(const json_t *j, struct plan *p, struct plan_error *err)
{
	static const char *const keys[] = { "format", "goals", "assignments", "steps_worked",
					    "triggers", "warning_signs", "crisis", NULL };
	static const char *const crisis_keys[] = { "contacts", "helps", NULL };
	const char *m;
	int format;
	if ((m = expect_object(j, "", keys, err)))
		return m;
	if ((m = get_int(j, "", "format", PLAN_FORMAT, PLAN_FORMAT, false,
			 N_("The plan is in a format this version of tolv cannot read."), &format, err)))
		return m;
	const json_t *crisis = json_object_get(j, "crisis");
	if ((m = read_goals(j, p, err)) || (m = read_assignments(j, p, err)) ||
	    (m = read_steps_worked(j, p, err)) || (m = read_list(j, &trigger_kind, &p->triggers, err)) ||
	    (m = read_list(j, &warning_kind, &p->warning_signs, err)) ||
	    (m = expect_object(crisis, "crisis", crisis_keys, err)) ||
	    (m = get_text(crisis, "crisis", "contacts", &p->crisis_contacts, err)) ||
	    (m = get_text(crisis, "crisis", "helps", &p->crisis_helps, err)))
		return m;
	return plan_validate(p, err);
}

const char *plan_from_json(const json_t *j, struct plan *out, struct plan_error *err)
{
	struct plan_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	plan_init(out);
	const char *m = read_plan(j, out, err);
	if (m)
		plan_release(out);
	return m;
}

const char *plan_parse(const char *text, size_t len, struct plan *out, struct plan_error *err)
{
	struct plan_error dummy;
	json_error_t je;
	if (!err)
		err = &dummy;
	plan_init(out);
	json_t *j = json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		fail(err, N_("The plan is not valid JSON."), "%s", "");
		snprintf(err->detail, sizeof err->detail, "line %d, column %d: %s", je.line,
			 je.column, je.text);
		return err->msg;
	}
	const char *m = plan_from_json(j, out, err);
	json_decref(j);
	return m;
}

bool plan_equal(const struct plan *a, const struct plan *b)
{
	char *sa = plan_to_string(a), *sb = plan_to_string(b);
	bool eq = sa && sb && strcmp(sa, sb) == 0;
	free(sa);
	free(sb);
	return eq;
}

/* ---- Versions ------------------------------------------------------------------------ */

const char *plan_version_make(const struct plan_version *prev, const struct plan *p,
			      int64_t author, int64_t created_at, struct plan_version *out,
			      struct plan_error *err)
{
	struct plan_error dummy;
	const char *m;
	if (!err)
		err = &dummy;
	if ((m = plan_validate(p, err)) != NULL)
		return m;
	if (author <= 0)
		return fail(err, N_("A plan version needs the user who saved it."), "%s", "");
	char *json = plan_to_string(p);
	if (prev && prev->json && strcmp(prev->json, json) == 0) {
		free(json);
		/* A version that changes nothing would fill the history with noise. */
		return fail(err, N_("Nothing in the plan has changed."), "%s", "");
	}
	out->number = prev ? prev->number + 1 : 1;
	out->author = author;
	out->created_at = created_at;
	out->json = json;
	return NULL;
}

const char *plan_version_read(const struct plan_version *v, struct plan *out,
			      struct plan_error *err)
{
	return plan_parse(v->json, v->json ? strlen(v->json) : 0, out, err);
}

void plan_version_release(struct plan_version *v)
{
	free(v->json);
	memset(v, 0, sizeof *v);
}

/* ---- The diff ------------------------------------------------------------------------ */

struct arg {
	const char *s;
	bool msgid;
};
#define U(x) ((struct arg){ (x), false }) /* the user's text, or a number */
#define T(x) ((struct arg){ (x), true })  /* a word to translate */

static void change(struct plan_diff *d, const char *tmpl, int nargs, const struct arg *args)
{
	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof *d->v);
	struct plan_change *c = &d->v[d->n++];
	memset(c, 0, sizeof *c);
	c->tmpl = tmpl;
	for (int i = 0; i < nargs && i < PLAN_CHANGE_ARGS; i++) {
		c->args[i] = xstrdup(args[i].s ? args[i].s : "");
		if (args[i].msgid)
			c->translate |= 1u << i;
	}
}

#define CHANGE(d, tmpl, ...) \
	change((d), (tmpl), (int)(sizeof((struct arg[]){ __VA_ARGS__ }) / sizeof(struct arg)), \
	       (struct arg[]){ __VA_ARGS__ })

static const char *str(const char *s)
{
	return s ? s : "";
}

static bool text_eq(const char *a, const char *b)
{
	return strcmp(str(a), str(b)) == 0;
}

/* A date or a link as an argument: the value, or the word "none". */
static struct arg date_arg(int32_t d, char buf[11])
{
	if (d == DATE_NONE)
		return T(N_("none"));
	date_format(d, buf);
	return U(buf);
}

static struct arg int_arg(int v, char buf[12])
{
	if (v == 0)
		return T(N_("none"));
	snprintf(buf, 12, "%d", v);
	return U(buf);
}

/* Text that may be empty: added, changed or removed. */
static void text_change(struct plan_diff *d, const char *id, const char *a, const char *b,
			const char *added, const char *changed, const char *removed)
{
	/* With an id (an assignment's review note) the item's number comes first. */
	struct arg args[3];
	int n = 0;
	if (text_eq(a, b))
		return;
	if (id)
		args[n++] = U(id);
	if (is_blank(a)) {
		args[n++] = U(b);
		change(d, added, n, args);
	} else if (is_blank(b)) {
		change(d, removed, n, args);
	} else {
		args[n++] = U(a);
		args[n++] = U(b);
		change(d, changed, n, args);
	}
}

static void diff_goals(const struct plan *a, const struct plan *b, struct plan_diff *d)
{
	char id[12], x[12], y[12];
	for (size_t i = 0; i < b->ngoals; i++) {
		const struct plan_goal *gb = &b->goals[i];
		const struct plan_goal *ga = plan_goal(a, gb->id);
		snprintf(id, sizeof id, "%d", gb->id);
		if (!ga) {
			CHANGE(d, N_("goal {} added: {}"), U(id), U(str(gb->text)));
			continue;
		}
		if (!text_eq(ga->text, gb->text))
			CHANGE(d, N_("goal {}: text “{}” → “{}”"), U(id), U(str(ga->text)),
			       U(str(gb->text)));
		if (ga->target != gb->target)
			CHANGE(d, N_("goal {}: target date {} → {}"), U(id), date_arg(ga->target, x),
			       date_arg(gb->target, y));
		if (ga->status != gb->status)
			CHANGE(d, N_("goal {}: status {} → {}"), U(id), T(goal_status_word(ga->status)),
			       T(goal_status_word(gb->status)));
	}
	for (size_t i = 0; i < a->ngoals; i++) {
		if (plan_goal(b, a->goals[i].id))
			continue;
		snprintf(id, sizeof id, "%d", a->goals[i].id);
		CHANGE(d, N_("goal {} removed: {}"), U(id), U(str(a->goals[i].text)));
	}
}

static void diff_assignments(const struct plan *a, const struct plan *b, struct plan_diff *d)
{
	char id[12], x[12], y[12];
	for (size_t i = 0; i < b->nassignments; i++) {
		const struct plan_assignment *nb = &b->assignments[i];
		const struct plan_assignment *na = plan_assignment(a, nb->id);
		snprintf(id, sizeof id, "%d", nb->id);
		if (!na) {
			CHANGE(d, N_("assignment {} added: {}"), U(id), U(str(nb->text)));
			continue;
		}
		if (!text_eq(na->text, nb->text))
			CHANGE(d, N_("assignment {}: text “{}” → “{}”"), U(id), U(str(na->text)),
			       U(str(nb->text)));
		if (na->step != nb->step)
			CHANGE(d, N_("assignment {}: step {} → {}"), U(id), int_arg(na->step, x),
			       int_arg(nb->step, y));
		if (na->goal != nb->goal)
			CHANGE(d, N_("assignment {}: goal {} → {}"), U(id), int_arg(na->goal, x),
			       int_arg(nb->goal, y));
		if (na->given != nb->given)
			CHANGE(d, N_("assignment {}: given date {} → {}"), U(id),
			       date_arg(na->given, x), date_arg(nb->given, y));
		if (na->due != nb->due)
			CHANGE(d, N_("assignment {}: due date {} → {}"), U(id), date_arg(na->due, x),
			       date_arg(nb->due, y));
		if (na->status != nb->status)
			CHANGE(d, N_("assignment {}: status {} → {}"), U(id),
			       T(assignment_status_word(na->status)),
			       T(assignment_status_word(nb->status)));
		if (na->done != nb->done && na->done != DATE_NONE && nb->done != DATE_NONE)
			CHANGE(d, N_("assignment {}: done date {} → {}"), U(id), date_arg(na->done, x),
			       date_arg(nb->done, y));
		if (na->reviewed != nb->reviewed && na->reviewed != DATE_NONE &&
		    nb->reviewed != DATE_NONE)
			CHANGE(d, N_("assignment {}: review date {} → {}"), U(id),
			       date_arg(na->reviewed, x), date_arg(nb->reviewed, y));
		text_change(d, id, na->review_note, nb->review_note,
			    N_("assignment {}: review note added: {}"),
			    N_("assignment {}: review note “{}” → “{}”"),
			    N_("assignment {}: review note removed"));
	}
	for (size_t i = 0; i < a->nassignments; i++) {
		if (plan_assignment(b, a->assignments[i].id))
			continue;
		snprintf(id, sizeof id, "%d", a->assignments[i].id);
		CHANGE(d, N_("assignment {} removed: {}"), U(id), U(str(a->assignments[i].text)));
	}
}

/* "1, 2, 3, 4", "none" for an empty set, or the programme's minimum when unset. */
static struct arg steps_arg(const struct plan *p, struct buf *b)
{
	if (!p->steps_worked_set)
		return T(N_("the programme's minimum"));
	for (int i = 0; i < STEP_COUNT; i++)
		if (p->steps_worked[i])
			buf_addf(b, "%s%d", b->len ? ", " : "", i + 1);
	return b->len ? U(b->data) : T(N_("none"));
}

static void diff_steps_worked(const struct plan *a, const struct plan *b, struct plan_diff *d)
{
	if (a->steps_worked_set == b->steps_worked_set &&
	    (!a->steps_worked_set ||
	     memcmp(a->steps_worked, b->steps_worked, sizeof a->steps_worked) == 0))
		return;
	struct buf x = BUF_INIT, y = BUF_INIT;
	CHANGE(d, N_("steps to work: {} → {}"), steps_arg(a, &x), steps_arg(b, &y));
	buf_release(&x);
	buf_release(&y);
}

static bool list_has(const struct plan_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static void diff_list(const struct plan_list *a, const struct plan_list *b,
		      const struct list_kind *k, struct plan_diff *d)
{
	for (size_t i = 0; i < b->n; i++)
		if (!list_has(a, b->v[i]))
			CHANGE(d, k->added, U(b->v[i]));
	for (size_t i = 0; i < a->n; i++)
		if (!list_has(b, a->v[i]))
			CHANGE(d, k->removed, U(a->v[i]));
}

void plan_diff(const struct plan *a, const struct plan *b, struct plan_diff *out)
{
	static const struct plan empty = PLAN_INIT;
	if (!a)
		a = &empty;
	memset(out, 0, sizeof *out);
	diff_goals(a, b, out);
	diff_assignments(a, b, out);
	diff_steps_worked(a, b, out);
	diff_list(&a->triggers, &b->triggers, &trigger_kind, out);
	diff_list(&a->warning_signs, &b->warning_signs, &warning_kind, out);
	text_change(out, NULL, a->crisis_contacts, b->crisis_contacts,
		    N_("crisis plan: who to call added: {}"),
		    N_("crisis plan: who to call “{}” → “{}”"),
		    N_("crisis plan: who to call removed"));
	text_change(out, NULL, a->crisis_helps, b->crisis_helps,
		    N_("crisis plan: what helps added: {}"),
		    N_("crisis plan: what helps “{}” → “{}”"),
		    N_("crisis plan: what helps removed"));
}

void plan_diff_release(struct plan_diff *d)
{
	for (size_t i = 0; i < d->n; i++)
		for (int k = 0; k < PLAN_CHANGE_ARGS; k++)
			free(d->v[i].args[k]);
	free(d->v);
	memset(d, 0, sizeof *d);
}

void plan_change_text(const struct plan_change *c, enum lang lang, struct buf *out)
{
	const char *p = i18n_tr(lang, c->tmpl);
	int k = 0;
	for (;;) {
		const char *ph = strstr(p, "{}");
		if (!ph) {
			buf_adds(out, p);
			return;
		}
		buf_add(out, p, (size_t)(ph - p));
		if (k < PLAN_CHANGE_ARGS && c->args[k]) {
			buf_adds(out, (c->translate & (1u << k)) ? i18n_tr(lang, c->args[k])
								 : c->args[k]);
			k++;
		}
		p = ph + 2;
	}
}

/* ---- Assignments --------------------------------------------------------------------- */

const char *assignment_transition(struct plan_assignment *a, enum assignment_status to,
				  int32_t date, int32_t today, const char *note)
{
	if (!assignment_status_valid(to))
		return N_("Choose a status for the assignment.");
	if (a->status == to)
		return N_("The assignment already has this status.");
	if (a->status == ASSIGNMENT_REVIEWED)
		return N_("A reviewed assignment is closed; give a new assignment instead.");
	if (a->status == ASSIGNMENT_GIVEN && to == ASSIGNMENT_REVIEWED)
		return N_("An assignment is marked done before it is reviewed.");
	if (to == ASSIGNMENT_REVIEWED) {
		const char *m = check_text(note, &review_note_rule);
		if (m)
			return m;
	}
	if (date == DATE_NONE)
		return N_("Enter a date.");
	if (date > today)
		return N_("The date is in the future.");
	if (date < a->given)
		return N_("The date is before the assignment was given.");
	if (a->status == ASSIGNMENT_DONE && date < a->done)
		return N_("The date is before the assignment was marked done.");

	switch (to) {
	case ASSIGNMENT_DONE: /* from given */
		a->done = date;
		break;
	case ASSIGNMENT_REVIEWED: /* from done */
		a->reviewed = date;
		plan_set_text(&a->review_note, note);
		break;
	case ASSIGNMENT_GIVEN: /* reopened from done: it is not done after all */
		a->done = DATE_NONE;
		break;
	}
	a->status = to;
	return NULL;
}

bool assignment_overdue(const struct plan_assignment *a, int32_t today)
{
	return a->status == ASSIGNMENT_GIVEN && a->due != DATE_NONE && a->due < today;
}

size_t plan_overdue_count(const struct plan *p, int32_t today)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nassignments; i++)
		n += assignment_overdue(&p->assignments[i], today);
	return n;
}
