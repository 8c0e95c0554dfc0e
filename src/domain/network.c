/* network.c: the network report, its suppression rules and its file (see network.h and
 * docs/network.md). */
#include "domain/network.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/rosters.h"

/* ---- the cells ---- */

static const char *const fixed_names[NF_FIXED] = {
	[NF_ENROLMENTS] = "enrolments",
	[NF_PERSONS] = "persons",
	[NF_STARTED] = "started",
	[NF_REENROLMENTS] = "reenrolments",
	[NF_COMPLETED] = "completed",
	[NF_DISCONTINUED] = "discontinued",
	[NF_TREATMENT_DAYS] = "treatment_days",
	[NF_REFERRALS] = "referrals",
	[NF_RET_LEFT] = "retention_left_early",
	[NF_RET_COMPLETED] = "retention_completed",
	[NF_RET_ONGOING] = "retention_in_treatment",
	[NF_ATT_N] = "attendance_n",
	[NF_ATT_MEETING] = "attendance_meeting_minimum",
	[NF_ATT_DAYS] = "attendance_days_sum",
	[NF_ATT_EXPOSURE] = "attendance_exposure_sum",
	[NF_STEPS_N] = "steps_n",
	[NF_STEPS_MIN_DONE] = "steps_minimum_done",
	[NF_STEP_DONE_1] = "step_1_done",
	[NF_STEP_DONE_1 + 1] = "step_2_done",
	[NF_STEP_DONE_1 + 2] = "step_3_done",
	[NF_STEP_DONE_1 + 3] = "step_4_done",
	[NF_STEP_DONE_1 + 4] = "step_5_done",
	[NF_STEP_DONE_1 + 5] = "step_6_done",
	[NF_STEP_DONE_1 + 6] = "step_7_done",
	[NF_STEP_DONE_1 + 7] = "step_8_done",
	[NF_STEP_DONE_1 + 8] = "step_9_done",
	[NF_STEP_DONE_1 + 9] = "step_10_done",
	[NF_STEP_DONE_1 + 10] = "step_11_done",
	[NF_STEP_DONE_1 + 11] = "step_12_done",
	[NF_ENG_PERSONS] = "engagement_persons",
	[NF_ENG_SPONSOR] = "engagement_sponsor",
	[NF_ENG_WITH_MEETING] = "engagement_with_meeting",
	[NF_ENG_MEETINGS] = "engagement_meetings",
	[NF_ENG_DAYS] = "engagement_days_sum",
	[NF_TESTS] = "tests",
	[NF_TESTS_POSITIVE] = "tests_positive",
	[NF_RELAPSES] = "relapses",
	[NF_CERTIFIED] = "certified_therapists",
	[NF_OUT_BASELINE] = "audit_intake",
	[NF_OUT_BASELINE + 1] = "dudit_intake",
	[NF_OUT_BASELINE + 2] = "days_abstinent_intake",
	[NF_OUT_N] = "audit_pairs",
	[NF_OUT_N + 1] = "dudit_pairs",
	[NF_OUT_N + 2] = "days_abstinent_pairs",
	[NF_OUT_IMPROVED] = "audit_improved",
	[NF_OUT_IMPROVED + 1] = "dudit_improved",
	[NF_OUT_IMPROVED + 2] = "days_abstinent_improved",
	[NF_OUT_BASE_SUM] = "audit_intake_sum",
	[NF_OUT_BASE_SUM + 1] = "dudit_intake_sum",
	[NF_OUT_BASE_SUM + 2] = "days_abstinent_intake_sum",
	[NF_OUT_FOLLOW_SUM] = "audit_follow_up_sum",
	[NF_OUT_FOLLOW_SUM + 1] = "dudit_follow_up_sum",
	[NF_OUT_FOLLOW_SUM + 2] = "days_abstinent_follow_up_sum",
};

int net_nfields(int npath)
{
	if (npath < 2)
		npath = 2;
	if (npath > NET_PATH_MAX)
		npath = NET_PATH_MAX;
	return NF_FIXED + 3 * npath;
}

void net_field_name(int i, char *out, size_t outlen)
{
	if (i >= 0 && i < NF_FIXED) {
		snprintf(out, outlen, "%s", fixed_names[i]);
		return;
	}
	static const char *const part[3] = { "reached", "intervals", "days_sum" };
	int k = (i - NF_FIXED) / 3, r = (i - NF_FIXED) % 3;
	snprintf(out, outlen, "path_%d_%s", k, part[r]);
}

int net_field_base(int i)
{
	switch (i) {
	case NF_TREATMENT_DAYS:
		return NF_ENROLMENTS;
	case NF_ATT_DAYS:
	case NF_ATT_EXPOSURE:
		return NF_ATT_N;
	case NF_ENG_DAYS:
		return NF_ENG_PERSONS;
	default:
		break;
	}
	if (i >= NF_OUT_BASE_SUM && i < NF_OUT_BASE_SUM + REPORT_OUTCOMES)
		return NF_OUT_N + (i - NF_OUT_BASE_SUM);
	if (i >= NF_OUT_FOLLOW_SUM && i < NF_OUT_FOLLOW_SUM + REPORT_OUTCOMES)
		return NF_OUT_N + (i - NF_OUT_FOLLOW_SUM);
	if (i >= NF_FIXED && (i - NF_FIXED) % 3 == 2)
		return i - 1; /* days_sum of the step's intervals */
	return -1;
}

/* Pairs (part, whole) where part counts a subset of whole: a file must agree. */
static const int subset_pairs[][2] = {
	{ NF_PERSONS, NF_ENROLMENTS },	       { NF_STARTED, NF_ENROLMENTS },
	{ NF_REENROLMENTS, NF_STARTED },       { NF_RET_LEFT, NF_STARTED },
	{ NF_RET_COMPLETED, NF_STARTED },      { NF_RET_ONGOING, NF_STARTED },
	{ NF_ATT_MEETING, NF_ATT_N },	       { NF_STEPS_MIN_DONE, NF_STEPS_N },
	{ NF_ENG_SPONSOR, NF_ENG_PERSONS },    { NF_ENG_WITH_MEETING, NF_ENG_PERSONS },
	{ NF_TESTS_POSITIVE, NF_TESTS },       { NF_OUT_N, NF_OUT_BASELINE },
	{ NF_OUT_N + 1, NF_OUT_BASELINE + 1 }, { NF_OUT_N + 2, NF_OUT_BASELINE + 2 },
	{ NF_OUT_IMPROVED, NF_OUT_N },	       { NF_OUT_IMPROVED + 1, NF_OUT_N + 1 },
	{ NF_OUT_IMPROVED + 2, NF_OUT_N + 2 },
};

struct net_cell net_count(int64_t n)
{
	if (n >= 1 && n <= NET_SMALL_MAX)
		return (struct net_cell){ n, NET_SMALL };
	return (struct net_cell){ n, NET_EXACT };
}

struct net_derived net_ratio(struct net_cell num, struct net_cell den, double scale)
{
	if (den.st == NET_EXACT && den.v == 0)
		return (struct net_derived){ NAN, NET_D_NODATA };
	if (num.st != NET_EXACT || den.st != NET_EXACT)
		return (struct net_derived){ NAN, NET_D_WITHHELD };
	return (struct net_derived){ scale * (double)num.v / (double)den.v, NET_D_VALUE };
}

struct net_derived net_mean_change(struct net_cell follow, struct net_cell base, struct net_cell n)
{
	if (n.st == NET_EXACT && n.v == 0)
		return (struct net_derived){ NAN, NET_D_NODATA };
	if (follow.st != NET_EXACT || base.st != NET_EXACT || n.st != NET_EXACT)
		return (struct net_derived){ NAN, NET_D_WITHHELD };
	return (struct net_derived){ (double)(follow.v - base.v) / (double)n.v, NET_D_VALUE };
}

/* ---- raw figures ---- */

void net_raw_add(struct net_raw *raw, const struct programme *p, const struct report_figures *f)
{
	int64_t *x = raw->f;
	x[NF_ENROLMENTS] += f->enrolments;
	x[NF_PERSONS] += f->persons;
	x[NF_STARTED] += f->started;
	x[NF_REENROLMENTS] += f->reenrolments;
	x[NF_COMPLETED] += f->completed;
	x[NF_DISCONTINUED] += f->discontinued;
	x[NF_TREATMENT_DAYS] += f->treatment_days;
	x[NF_REFERRALS] += f->referrals;
	if (f->att_phase >= 0) {
		x[NF_ATT_N] += f->att_n;
		x[NF_ATT_MEETING] += f->att_meeting;
		x[NF_ATT_DAYS] += f->att_days;
		x[NF_ATT_EXPOSURE] += f->att_exposure;
	}
	x[NF_STEPS_N] += f->steps_n;
	x[NF_STEPS_MIN_DONE] += f->steps_min_done;
	for (int s = 0; s < 12; s++)
		x[NF_STEP_DONE_1 + s] += f->step_done[s];
	x[NF_ENG_PERSONS] += f->eng_persons;
	x[NF_ENG_SPONSOR] += f->eng_sponsor;
	x[NF_ENG_WITH_MEETING] += f->eng_with_meeting;
	x[NF_ENG_MEETINGS] += f->eng_meetings;
	x[NF_ENG_DAYS] += f->eng_days;
	x[NF_TESTS] += f->tests;
	x[NF_TESTS_POSITIVE] += f->tests_positive;
	x[NF_RELAPSES] += f->relapses;
	for (int k = 0; k < REPORT_OUTCOMES; k++) {
		x[NF_OUT_BASELINE + k] += f->out_baseline[k];
		x[NF_OUT_N + k] += f->out_n[k];
		x[NF_OUT_IMPROVED + k] += f->out_improved[k];
		x[NF_OUT_BASE_SUM + k] += f->out_base_sum[k];
		x[NF_OUT_FOLLOW_SUM + k] += f->out_follow_sum[k];
	}
	int np = raw->npath;
	for (int k = 0; k < f->npath && k < REPORT_PATH_MAX; k++) {
		int to;
		if (k == 0)
			to = 0;
		else if (k == f->npath - 1)
			to = np - 1; /* completion */
		else if (k < np - 1)
			to = k;
		else
			continue; /* a phase the template does not have */
		x[NF_PATH_REACHED(to)] += f->path[k].reached;
		x[NF_PATH_INTERVALS(to)] += f->path[k].intervals;
		x[NF_PATH_DAYS(to)] += f->path[k].days_sum;
	}
	(void)p;
}

void net_raw_retention(struct net_raw *raw, const struct store_report_rows *rows, struct report_km_obs **obs,
		       size_t *nobs, size_t *cap)
{
	for (size_t i = 0; i < rows->nenrolments; i++) {
		const struct store_report_enrolment *e = &rows->enrolments[i];
		if (e->started_on == DATE_NONE || e->started_on < rows->from || e->started_on > rows->to)
			continue;
		bool ended = e->ended_on != DATE_NONE && e->ended_on <= rows->to;
		bool left = ended && !strcmp(e->status, "discontinued");
		bool done = ended && !strcmp(e->status, "completed");
		if (left)
			raw->f[NF_RET_LEFT]++;
		else if (done)
			raw->f[NF_RET_COMPLETED]++;
		else
			raw->f[NF_RET_ONGOING]++;
		*obs = xgrow(*obs, cap, *nobs + 1, sizeof **obs);
		(*obs)[(*nobs)++] = (struct report_km_obs){ (ended ? e->ended_on : rows->to) - e->started_on, left };
	}
}

/* ---- suppression ---- */

void net_suppress(const struct net_raw *raw, struct net_column *out)
{
	int nf = net_nfields(raw->npath);
	for (int i = 0; i < NF_MAX; i++)
		out->c[i] = (struct net_cell){ 0, NET_EXACT };
	/* Primary: every count. */
	for (int i = 0; i < nf; i++)
		if (net_field_base(i) < 0)
			out->c[i] = net_count(raw->f[i]);
	/* The retention partition: one part "<5" withholds every other non-zero part. */
	static const int parts[3] = { NF_RET_LEFT, NF_RET_COMPLETED, NF_RET_ONGOING };
	bool small = false;
	for (int j = 0; j < 3; j++)
		small |= out->c[parts[j]].st == NET_SMALL;
	if (small)
		for (int j = 0; j < 3; j++)
			if (out->c[parts[j]].st == NET_EXACT && out->c[parts[j]].v != 0)
				out->c[parts[j]].st = NET_WITHHELD;
	/* Sums: shown only beside an exact count. */
	for (int i = 0; i < nf; i++) {
		int b = net_field_base(i);
		if (b < 0)
			continue;
		if (out->c[b].st == NET_EXACT)
			out->c[i] = (struct net_cell){ raw->f[i], NET_EXACT };
		else
			out->c[i] = (struct net_cell){ 0, NET_WITHHELD };
	}
	/* The retention median: only where at least 5 started. */
	struct net_cell st = out->c[NF_STARTED];
	out->km_withheld = !(st.st == NET_EXACT && st.v >= NET_SMALL_MAX + 1);
	out->km_median = out->km_withheld ? NAN : raw->km_median;
}

struct net_cell net_total(const struct net_column *cols, size_t n, int i)
{
	bool sum = net_field_base(i) >= 0;
	int64_t exact = 0, nsmall = 0, nwithheld = 0;
	for (size_t j = 0; j < n; j++) {
		struct net_cell c = cols[j].c[i];
		if (c.st == NET_EXACT)
			exact += c.v;
		else if (c.st == NET_SMALL)
			nsmall++;
		else
			nwithheld++;
	}
	if (!nsmall && !nwithheld)
		return (struct net_cell){ exact, NET_EXACT };
	if (sum)
		return (struct net_cell){ 0, NET_WITHHELD };
	/* A count with a cell that is not exact: only what the cells show. */
	if (!nwithheld && exact + NET_SMALL_MAX * nsmall <= NET_SMALL_MAX)
		return (struct net_cell){ 0, NET_SMALL };
	if (exact + nsmall == 0)
		return (struct net_cell){ 0, NET_WITHHELD };
	return (struct net_cell){ exact + nsmall, NET_ATLEAST };
}

/* ---- templates ---- */

int net_template_path(const char *template_key, const char *labels[NET_PATH_MAX])
{
	const struct programme_def *d = template_key ? programme_template(template_key) : NULL;
	if (!d || d->nphases < 1 || d->nphases + 2 > NET_PATH_MAX)
		return -1;
	labels[0] = N_("Referral received");
	for (int i = 0; i < d->nphases; i++)
		labels[i + 1] = d->phases[i].label;
	labels[d->nphases + 1] = N_("Completed");
	return d->nphases + 2;
}

/* ---- the file ---- */

static void format_utc(int64_t t, char out[21])
{
	if (t < 0)
		t = 0;
	if (t > 253402300799LL) /* 9999-12-31T23:59:59Z */
		t = 253402300799LL;
	int32_t day = (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	int64_t s = t - (int64_t)day * 86400;
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	char buf[64];
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
		 (int)(s % 60));
	copy_str(out, 21, buf);
}

/* Exactly "YYYY-MM-DDTHH:MM:SSZ". */
static int parse_utc(const char *s, int64_t *out)
{
	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	int32_t d;
	if (date_parse(day, &d))
		return -1;
	int h = 0, m = 0, sec = 0;
	for (int i = 11; i < 19; i++)
		if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[11] - '0') * 10 + (s[12] - '0');
	m = (s[14] - '0') * 10 + (s[15] - '0');
	sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	*out = (int64_t)d * 86400 + h * 3600 + m * 60 + sec;
	return 0;
}

static json_t *cell_json(struct net_cell c)
{
	switch (c.st) {
	case NET_EXACT:
		return json_integer(c.v);
	case NET_SMALL:
		return json_string("<5");
	default:
		return json_null();
	}
}

char *net_file_write(const struct net_file *f)
{
	char a[11], b[11], gen[21];
	date_format(f->from, a);
	date_format(f->to, b);
	format_utc(f->generated_at, gen);
	json_t *root = json_object();
	json_object_set_new(root, "format", json_string("tolv-network"));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "installation", json_string(f->installation));
	json_object_set_new(root, "organisation", json_string(f->organisation));
	json_object_set_new(root, "template", json_string(f->template_key));
	json_t *period = json_object();
	json_object_set_new(period, "from", json_string(a));
	json_object_set_new(period, "to", json_string(b));
	json_object_set_new(root, "period", period);
	json_object_set_new(root, "generated_at", json_string(gen));
	json_t *fig = json_object();
	int nf = net_nfields(f->npath);
	for (int i = 0; i < nf; i++) {
		char name[40];
		net_field_name(i, name, sizeof name);
		json_object_set_new(fig, name, cell_json(f->col.c[i]));
	}
	json_object_set_new(fig, "retention_median_days",
			    f->col.km_withheld || isnan(f->col.km_median) ? json_null()
									   : json_integer((json_int_t)f->col.km_median));
	json_object_set_new(root, "figures", fig);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	if (!text)
		abort(); /* only on allocation failure */
	size_t len = strlen(text);
	char *out = xmalloc(len + 2);
	memcpy(out, text, len);
	out[len] = '\n';
	out[len + 1] = '\0';
	free(text);
	return out;
}

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A key from the file made safe to print: printable ASCII, at most 40 characters. */
static void safe_key(const char *k, char out[48])
{
	size_t j = 0;
	for (size_t i = 0; k[i] && j < 40; i++)
		out[j++] = (k[i] >= 0x20 && k[i] < 0x7f && k[i] != '"') ? k[i] : '?';
	if (k[0] && strlen(k) > 40)
		out[j++] = '.', out[j++] = '.', out[j++] = '.';
	out[j] = '\0';
}

/* A text field: a string of 1..max-1 bytes, valid UTF-8, without control characters. */
static int text_field(json_t *v, const char *name, char *out, size_t size, char *err, size_t errlen)
{
	if (!json_is_string(v))
		return bad(err, errlen, "\"%s\" must be a string", name);
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	if (len == 0 || strlen(s) != len)
		return bad(err, errlen, "\"%s\" must not be empty", name);
	if (len >= size)
		return bad(err, errlen, "\"%s\" is longer than %zu bytes", name, size - 1);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return bad(err, errlen, "\"%s\" must not contain control characters", name);
	if (!utf8_valid_text(s, len))
		return bad(err, errlen, "\"%s\" is not valid text", name);
	memcpy(out, s, len + 1);
	return 0;
}

static int only_keys(json_t *obj, const char *const *keys, size_t nkeys, const char *where, char *err,
		     size_t errlen)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		bool known = false;
		for (size_t i = 0; i < nkeys && !known; i++)
			known = !strcmp(k, keys[i]);
		if (!known) {
			char sk[48];
			safe_key(k, sk);
			return bad(err, errlen, "unknown field \"%s%s\"", where, sk);
		}
	}
	return 0;
}

static int parse_cell(json_t *v, bool sum, const char *name, struct net_cell *out, char *err, size_t errlen)
{
	if (json_is_null(v)) {
		*out = (struct net_cell){ 0, NET_WITHHELD };
		return 0;
	}
	if (!sum && json_is_string(v)) {
		if (strcmp(json_string_value(v), "<5") || json_string_length(v) != 2)
			return bad(err, errlen, "figures.%s: the only text a count may be is \"<5\"", name);
		*out = (struct net_cell){ 0, NET_SMALL };
		return 0;
	}
	if (!json_is_integer(v))
		return bad(err, errlen, "figures.%s must be a whole number%s or null", name, sum ? "" : ", \"<5\"");
	json_int_t n = json_integer_value(v);
	if (n < 0)
		return bad(err, errlen, "figures.%s must not be negative", name);
	if (n > (sum ? NET_SUM_LIMIT : NET_COUNT_LIMIT))
		return bad(err, errlen, "figures.%s is too large", name);
	if (!sum && n >= 1 && n <= NET_SMALL_MAX)
		return bad(err, errlen, "figures.%s: a count of 1-4 must be written as \"<5\"", name);
	*out = (struct net_cell){ (int64_t)n, NET_EXACT };
	return 0;
}

int net_file_parse(const char *text, size_t len, struct net_file *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->col.km_median = NAN;
	out->col.imported = true;
	if (len > NET_FILE_MAX)
		return bad(err, errlen, "the file is larger than %d bytes", NET_FILE_MAX);
	if (len == 0)
		return bad(err, errlen, "the file is empty");
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		/* jansson's text may quote the file: printable ASCII only. */
		char why[81];
		size_t j = 0;
		for (size_t i = 0; je.text[i] && j < sizeof why - 1; i++)
			why[j++] = (je.text[i] >= 0x20 && je.text[i] < 0x7f) ? je.text[i] : '?';
		why[j] = '\0';
		return bad(err, errlen, "not valid JSON (line %d, column %d): %s", je.line, je.column, why);
	}
	int rc = -1;
	static const char *const top[] = { "format",   "version", "installation", "organisation",
					   "template", "period",  "generated_at", "figures" };
	json_t *v[8];
	if (!json_is_object(root)) {
		bad(err, errlen, "the file is not a JSON object");
		goto out;
	}
	for (size_t i = 0; i < 8; i++)
		if (!(v[i] = json_object_get(root, top[i]))) {
			bad(err, errlen, "\"%s\" is missing", top[i]);
			goto out;
		}
	if (only_keys(root, top, 8, "", err, errlen))
		goto out;
	if (!json_is_string(v[0]) || strcmp(json_string_value(v[0]), "tolv-network")) {
		bad(err, errlen, "\"format\" must be \"tolv-network\"");
		goto out;
	}
	if (!json_is_integer(v[1]) || json_integer_value(v[1]) != 1) {
		bad(err, errlen, "\"version\" must be 1 (the version this tolv reads)");
		goto out;
	}
	if (text_field(v[2], "installation", out->installation, sizeof out->installation, err, errlen) ||
	    text_field(v[3], "organisation", out->organisation, sizeof out->organisation, err, errlen))
		goto out;
	const char *labels[NET_PATH_MAX];
	if (!json_is_string(v[4]) || json_string_length(v[4]) >= sizeof out->template_key ||
	    (out->npath = net_template_path(json_string_value(v[4]), labels)) < 0) {
		bad(err, errlen, "\"template\" is not a programme template this tolv knows");
		goto out;
	}
	copy_str(out->template_key, sizeof out->template_key, json_string_value(v[4]));
	static const char *const pkeys[] = { "from", "to" };
	if (!json_is_object(v[5])) {
		bad(err, errlen, "\"period\" must be an object with \"from\" and \"to\"");
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		json_t *d = json_object_get(v[5], pkeys[i]);
		int32_t *day = i ? &out->to : &out->from;
		if (!d) {
			bad(err, errlen, "\"period.%s\" is missing", pkeys[i]);
			goto out;
		}
		if (!json_is_string(d) || date_parse(json_string_value(d), day)) {
			bad(err, errlen, "\"period.%s\" must be a date written YYYY-MM-DD", pkeys[i]);
			goto out;
		}
	}
	if (only_keys(v[5], pkeys, 2, "period.", err, errlen))
		goto out;
	if (out->to < out->from) {
		bad(err, errlen, "\"period.to\" is before \"period.from\"");
		goto out;
	}
	if (out->to - out->from + 1 > REPORT_PERIOD_MAX_DAYS) {
		bad(err, errlen, "\"period\" is longer than five years");
		goto out;
	}
	if (!json_is_string(v[6]) || parse_utc(json_string_value(v[6]), &out->generated_at)) {
		bad(err, errlen, "\"generated_at\" must be a time written YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	if (out->generated_at < (int64_t)out->from * 86400) {
		bad(err, errlen, "\"generated_at\" is before the period starts");
		goto out;
	}
	json_t *fig = v[7];
	if (!json_is_object(fig)) {
		bad(err, errlen, "\"figures\" must be an object");
		goto out;
	}
	int nf = net_nfields(out->npath);
	char names[NF_MAX + 1][40];
	const char *keys[NF_MAX + 1];
	for (int i = 0; i < nf; i++) {
		net_field_name(i, names[i], sizeof names[i]);
		keys[i] = names[i];
	}
	keys[nf] = "retention_median_days";
	for (int i = 0; i <= nf; i++)
		if (!json_object_get(fig, keys[i])) {
			bad(err, errlen, "figures.%s is missing", keys[i]);
			goto out;
		}
	if (only_keys(fig, keys, (size_t)nf + 1, "figures.", err, errlen))
		goto out;
	struct net_column *c = &out->col;
	for (int i = 0; i < nf; i++)
		if (parse_cell(json_object_get(fig, keys[i]), net_field_base(i) >= 0, keys[i], &c->c[i], err, errlen))
			goto out;
	/* Sums beside their counts. */
	for (int i = 0; i < nf; i++) {
		int b = net_field_base(i);
		if (b < 0)
			continue;
		if (c->c[b].st != NET_EXACT && c->c[i].st != NET_WITHHELD) {
			bad(err, errlen, "figures.%s must be null when figures.%s is not a number", keys[i], keys[b]);
			goto out;
		}
		if (c->c[b].st == NET_EXACT && c->c[i].st != NET_EXACT) {
			bad(err, errlen, "figures.%s must be a number when figures.%s is one", keys[i], keys[b]);
			goto out;
		}
		if (c->c[b].st == NET_EXACT && c->c[b].v == 0 && c->c[i].v != 0) {
			bad(err, errlen, "figures.%s must be 0 when figures.%s is 0", keys[i], keys[b]);
			goto out;
		}
	}
	/* Parts not larger than their wholes. */
	for (size_t j = 0; j < sizeof subset_pairs / sizeof subset_pairs[0]; j++) {
		struct net_cell p = c->c[subset_pairs[j][0]], w = c->c[subset_pairs[j][1]];
		bool too_big = (p.st == NET_EXACT && w.st == NET_EXACT && p.v > w.v) ||
			       (p.st == NET_EXACT && p.v > 0 && w.st == NET_SMALL) ||
			       (p.st != NET_EXACT && w.st == NET_EXACT && w.v == 0);
		if (too_big) {
			bad(err, errlen, "figures.%s is larger than figures.%s", keys[subset_pairs[j][0]],
			    keys[subset_pairs[j][1]]);
			goto out;
		}
	}
	for (int k = 0; k < out->npath; k++) {
		struct net_cell p = c->c[NF_PATH_INTERVALS(k)], w = c->c[NF_PATH_REACHED(k)];
		if ((p.st == NET_EXACT && w.st == NET_EXACT && p.v > w.v) ||
		    (p.st == NET_EXACT && p.v > 0 && w.st == NET_SMALL)) {
			bad(err, errlen, "figures.%s is larger than figures.%s", keys[NF_PATH_INTERVALS(k)],
			    keys[NF_PATH_REACHED(k)]);
			goto out;
		}
	}
	/* The retention partition, suppressed as net_suppress does. */
	static const int parts[3] = { NF_RET_LEFT, NF_RET_COMPLETED, NF_RET_ONGOING };
	bool small = false, all_exact = c->c[NF_STARTED].st == NET_EXACT;
	int64_t psum = 0;
	for (int j = 0; j < 3; j++) {
		small |= c->c[parts[j]].st == NET_SMALL;
		all_exact &= c->c[parts[j]].st == NET_EXACT;
		psum += c->c[parts[j]].v;
	}
	if (all_exact && psum != c->c[NF_STARTED].v) {
		bad(err, errlen, "figures.retention_left_early, retention_completed and retention_in_treatment do not "
				 "add up to figures.started");
		goto out;
	}
	for (int j = 0; small && j < 3; j++)
		if (c->c[parts[j]].st == NET_EXACT && c->c[parts[j]].v != 0) {
			bad(err, errlen, "figures.%s must be null when another retention count is \"<5\"", keys[parts[j]]);
			goto out;
		}
	json_t *km = json_object_get(fig, "retention_median_days");
	if (json_is_null(km)) {
		c->km_median = NAN;
		c->km_withheld = true;
	} else if (!json_is_integer(km) || json_integer_value(km) < 0 ||
		   json_integer_value(km) > REPORT_PERIOD_MAX_DAYS) {
		bad(err, errlen, "figures.retention_median_days must be a whole number of days (0-%d) or null",
		    REPORT_PERIOD_MAX_DAYS);
		goto out;
	} else if (c->c[NF_STARTED].st != NET_EXACT || c->c[NF_STARTED].v <= NET_SMALL_MAX) {
		bad(err, errlen, "figures.retention_median_days must be null when fewer than 5 started");
		goto out;
	} else {
		c->km_median = (double)json_integer_value(km);
		c->km_withheld = false;
	}
	copy_str(c->name, sizeof c->name, out->organisation);
	copy_str(c->installation, sizeof c->installation, out->installation);
	c->generated_at = out->generated_at;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* ---- the services ---- */

int net_org_column(struct store *s, int64_t org_id, const char *org_name, const char *template_key, int32_t from,
		   int32_t to, struct net_column *out, int *npath)
{
	memset(out, 0, sizeof *out);
	out->km_median = NAN;
	const char *labels[NET_PATH_MAX];
	int np = net_template_path(template_key, labels);
	if (np < 0 || report_period_check(from, to))
		return STORE_INVALID;
	*npath = np;
	struct net_raw *raw = xcalloc(1, sizeof *raw);
	raw->npath = np;
	raw->km_median = NAN;
	struct programme *progs = NULL;
	size_t n = 0;
	int rc = store_programme_list(s, org_id, true, &progs, &n);
	struct report_km_obs *obs = NULL;
	size_t nobs = 0, cap = 0;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		if (strcmp(progs[i].template_key, template_key))
			continue;
		struct store_report_rows rows;
		rc = store_report_rows(s, org_id, progs[i].id, from, to, &rows);
		struct report_figures f;
		if (rc == STORE_OK && report_compute(&progs[i], &rows, &f) == 0) {
			net_raw_add(raw, &progs[i], &f);
			net_raw_retention(raw, &rows, &obs, &nobs, &cap);
			report_figures_release(&f);
		} else if (rc == STORE_OK) {
			rc = STORE_ERROR;
		}
		store_report_rows_free(&rows);
	}
	free(progs);
	/* Staff, not programmes: counted once for the organisation (domain/training.h). */
	if (rc == STORE_OK)
		rc = store_training_certified_count(s, org_id, to, &raw->f[NF_CERTIFIED]);
	if (rc == STORE_OK) {
		struct report_km_point *pts = NULL;
		report_km(obs, nobs, &pts, &raw->km_median);
		free(pts);
		net_suppress(raw, out);
		copy_str(out->name, sizeof out->name, org_name ? org_name : "");
	}
	free(obs);
	free(raw);
	return rc;
}

static void audit_period(char *detail, size_t len, const char *what, const char *template_key, int32_t from,
			 int32_t to)
{
	char a[11], b[11];
	date_format(from, a);
	date_format(to, b);
	snprintf(detail, len, "%stemplate=%s from=%s to=%s", what, template_key, a, b);
}

int network_report(struct accounts *ac, const struct actor *who, int64_t org_id, const char *template_key,
		   int32_t from, int32_t to, const char *table, struct network_report *out)
{
	memset(out, 0, sizeof *out);
	out->total.km_median = NAN;
	out->npath = net_template_path(template_key, out->path_labels);
	if (out->npath < 0 || report_period_check(from, to))
		return STORE_INVALID;
	copy_str(out->template_key, sizeof out->template_key, template_key);
	out->from = from;
	out->to = to;
	struct network_member me;
	int rc = store_network_member_get(ac->store, org_id, &me);
	if (rc)
		return rc;
	struct network_member *mem = NULL;
	size_t nm = 0, ncap = 0;
	struct network_import *imps = NULL;
	size_t ni = 0, nimported = 0;
	rc = store_network_members(ac->store, &mem, &nm);
	if (rc == STORE_OK)
		rc = store_network_import_list(ac->store, template_key, from, to, &imps, &ni);
	for (size_t i = 0; rc == STORE_OK && i < nm; i++) {
		out->cols = xgrow(out->cols, &ncap, out->ncols + 1, sizeof *out->cols);
		int np;
		rc = net_org_column(ac->store, mem[i].org_id, mem[i].org_name, template_key, from, to,
				    &out->cols[out->ncols], &np);
		if (rc == STORE_OK)
			out->ncols++;
	}
	for (size_t i = 0; rc == STORE_OK && i < ni; i++) {
		char *body = NULL;
		rc = store_network_import_body(ac->store, imps[i].id, &body);
		if (rc == STORE_NOTFOUND) { /* removed meanwhile */
			rc = STORE_OK;
			continue;
		}
		if (rc)
			break;
		struct net_file *f = xmalloc(sizeof *f);
		char err[200];
		if (net_file_parse(body, strlen(body), f, err, sizeof err) == 0 && !strcmp(f->template_key, template_key)) {
			out->cols = xgrow(out->cols, &ncap, out->ncols + 1, sizeof *out->cols);
			struct net_column *c = &out->cols[out->ncols++];
			*c = f->col;
			c->import_id = imps[i].id;
			c->imported_at = imps[i].imported_at;
			nimported++;
		} else {
			log_warn("network: import %" PRId64 " no longer reads: %s", imps[i].id, err);
		}
		free(f);
		free(body);
	}
	free(mem);
	free(imps);
	if (rc) {
		network_report_release(out);
		return rc;
	}
	int nf = net_nfields(out->npath);
	for (int i = 0; i < nf; i++)
		out->total.c[i] = net_total(out->cols, out->ncols, i);
	out->total.km_withheld = true;
	char detail[200], pre[80];
	snprintf(pre, sizeof pre, "table=%s organisations=%zu imports=%zu ", table && *table ? table : "-",
		 out->ncols - nimported, nimported);
	audit_period(detail, sizeof detail, pre, template_key, from, to);
	rosters_audit(ac, who, org_id, "network.report", "network", 0, detail);
	return STORE_OK;
}

void network_report_release(struct network_report *r)
{
	free(r->cols);
	r->cols = NULL;
	r->ncols = 0;
}

int network_join(struct accounts *ac, const struct actor *who, int64_t org_id)
{
	bool joined = false;
	int rc = store_network_join(ac->store, org_id, who->user_id, now_seconds(), &joined);
	if (rc == STORE_OK && joined)
		rosters_audit(ac, who, org_id, "network.join", "org", org_id, "");
	return rc;
}

int network_leave(struct accounts *ac, const struct actor *who, int64_t org_id)
{
	bool left = false;
	int rc = store_network_leave(ac->store, org_id, &left);
	if (rc == STORE_OK && left)
		rosters_audit(ac, who, org_id, "network.leave", "org", org_id, "");
	return rc;
}

int network_export(struct accounts *ac, const struct actor *who, int64_t org_id, const char *installation,
		   const char *template_key, int32_t from, int32_t to, int64_t now, char **text)
{
	*text = NULL;
	struct org o;
	int rc = store_org_get(ac->store, org_id, &o);
	if (rc)
		return rc;
	struct net_file *f = xcalloc(1, sizeof *f);
	size_t il = installation ? strlen(installation) : 0;
	bool label_ok = il >= 1 && il < sizeof f->installation && utf8_valid_text(installation, il);
	for (size_t i = 0; label_ok && i < il; i++)
		label_ok = (unsigned char)installation[i] >= 0x20 && installation[i] != 0x7f;
	if (!label_ok) {
		free(f);
		return STORE_INVALID;
	}
	rc = net_org_column(ac->store, org_id, o.name, template_key, from, to, &f->col, &f->npath);
	if (rc == STORE_OK) {
		copy_str(f->installation, sizeof f->installation, installation);
		copy_str(f->organisation, sizeof f->organisation, o.name);
		copy_str(f->template_key, sizeof f->template_key, template_key);
		f->from = from;
		f->to = to;
		f->generated_at = now;
		*text = net_file_write(f);
		char detail[160];
		audit_period(detail, sizeof detail, "", template_key, from, to);
		rosters_audit(ac, who, org_id, "network.export", "org", org_id, detail);
	}
	free(f);
	return rc;
}

int network_import(struct accounts *ac, const struct actor *who, const char *text, size_t len, int64_t *id,
		   bool *replaced, char *err, size_t errlen)
{
	*id = 0;
	*replaced = false;
	struct net_file *f = xmalloc(sizeof *f);
	if (net_file_parse(text, len, f, err, errlen)) {
		free(f);
		return NET_BAD_FILE;
	}
	struct network_import imp = { 0 };
	copy_str(imp.installation, sizeof imp.installation, f->installation);
	copy_str(imp.org_name, sizeof imp.org_name, f->organisation);
	copy_str(imp.template_key, sizeof imp.template_key, f->template_key);
	imp.from = f->from;
	imp.to = f->to;
	imp.generated_at = f->generated_at;
	imp.imported_at = now_seconds();
	char *body = xmalloc(len + 1);
	memcpy(body, text, len);
	body[len] = '\0';
	int rc = store_network_import_put(ac->store, &imp, body, replaced);
	if (rc == STORE_OK) {
		*id = imp.id;
		char detail[200], pre[40];
		snprintf(pre, sizeof pre, "replaced=%s ", *replaced ? "yes" : "no");
		audit_period(detail, sizeof detail, pre, f->template_key, f->from, f->to);
		rosters_audit(ac, who, 0, "network.import", "network_import", imp.id, detail);
	}
	free(body);
	free(f);
	return rc;
}

int network_import_remove(struct accounts *ac, const struct actor *who, int64_t id)
{
	int rc = store_network_import_remove(ac->store, id);
	if (rc == STORE_OK)
		rosters_audit(ac, who, 0, "network.remove", "network_import", id, "");
	return rc;
}
