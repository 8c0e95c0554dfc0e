/* network.h: the network report (issue 7, "The network") — the programme report's
 * figures per organisation side by side and in total, from aggregates only, with small
 * counts suppressed; and the aggregate file one installation exports and another
 * imports. The rules are in docs/network.md; in short:
 *
 * - Cells. An organisation's figures are counts (of enrolments, persons, events) and sums
 *   (of days, of scores) that add up across programmes and organisations. Medians do
 *   not add up, so the network shows means (days_sum / intervals); the retention median
 *   (Kaplan–Meier) is per organisation only, where at least 5 started.
 * - Primary suppression (net_count): a count of 1–4 is "<5"; 0 stays 0.
 * - Derived figures (net_ratio): a share, a mean or a rate is withheld when any count
 *   or sum it is made from is not exact; "no data" when its denominator is 0.
 * - Sums (net_suppress): withheld when the count they belong to is not exact.
 * - The retention partition (left early + completed + still in treatment = started): if
 *   one part is "<5", every other non-zero part is withheld, so that no part can be
 *   worked out by subtracting from the number started.
 * - Secondary suppression against the total (net_total): the total is exact only when
 *   every cell of the row is exact. Otherwise it is a lower bound made only from what the
 *   cells show (exact cells + 1 for each "<5"), written "≥ N", or "<5" when the row can
 *   only add up to 1–4: a suppressed cell can never be recovered from the total. This is
 *   also how an imported "<5" (whose value no one here knows) enters the total.
 * The same function suppresses the page, the CSV and the exported file.
 */
#ifndef TOLV_DOMAIN_NETWORK_H
#define TOLV_DOMAIN_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/programme.h"
#include "domain/report.h"
#include "store/store.h"

#define NET_SMALL_MAX 4             /* counts 1..NET_SMALL_MAX are suppressed */
#define NET_PATH_MAX (PROGRAMME_MAX_PHASES + 2)
#define NET_FILE_MAX 65536          /* bytes in an aggregate file */
#define NET_COUNT_LIMIT 1000000000LL /* a count in a file: at most this */
#define NET_SUM_LIMIT 1000000000000LL /* a sum in a file: at most this */
#define NET_DEFAULT_TEMPLATE "municipal_day_treatment"

/* The cells of one organisation, in file order. The path cells follow NF_FIXED: for step
 * k (0 = referral, 1..nphases = entering phase k-1, nphases+1 = completed) the cells
 * NF_FIXED + 3k (reached), + 3k + 1 (intervals), + 3k + 2 (days_sum). */
enum net_field {
	NF_ENROLMENTS, NF_PERSONS, NF_STARTED, NF_REENROLMENTS, NF_COMPLETED, NF_DISCONTINUED,
	NF_TREATMENT_DAYS, NF_REFERRALS,
	NF_RET_LEFT, NF_RET_COMPLETED, NF_RET_ONGOING,
	NF_ATT_N, NF_ATT_MEETING, NF_ATT_DAYS, NF_ATT_EXPOSURE,
	NF_STEPS_N, NF_STEPS_MIN_DONE, NF_STEP_DONE_1,
	NF_ENG_PERSONS = NF_STEP_DONE_1 + 12, NF_ENG_SPONSOR, NF_ENG_WITH_MEETING, NF_ENG_MEETINGS, NF_ENG_DAYS,
	NF_TESTS, NF_TESTS_POSITIVE, NF_RELAPSES,
	NF_CERTIFIED, /* the organisation's certified therapists at the period end (not per programme) */
	NF_OUT_BASELINE, /* + k for outcome k, then: */
	NF_OUT_N = NF_OUT_BASELINE + REPORT_OUTCOMES,
	NF_OUT_IMPROVED = NF_OUT_N + REPORT_OUTCOMES,
	NF_OUT_BASE_SUM = NF_OUT_IMPROVED + REPORT_OUTCOMES,
	NF_OUT_FOLLOW_SUM = NF_OUT_BASE_SUM + REPORT_OUTCOMES,
	NF_FIXED = NF_OUT_FOLLOW_SUM + REPORT_OUTCOMES,
	NF_MAX = NF_FIXED + 3 * NET_PATH_MAX,
};
#define NF_PATH_REACHED(k) (NF_FIXED + 3 * (k))
#define NF_PATH_INTERVALS(k) (NF_FIXED + 3 * (k) + 1)
#define NF_PATH_DAYS(k) (NF_FIXED + 3 * (k) + 2)

/* The number of cells for a path of npath steps. */
int net_nfields(int npath);
/* The file's name of cell i ("enrolments", "path_2_reached"…) into out (>= 32 bytes). */
void net_field_name(int i, char *out, size_t outlen);
/* -1 if cell i is a count, else the count it is a sum of (the count that must be exact
 * for the sum to be shown). */
int net_field_base(int i);

enum net_state {
	NET_EXACT,    /* v is the value */
	NET_SMALL,    /* "<5": 1..4 (v the true value when local, 0 when imported) */
	NET_WITHHELD, /* withheld (null in a file) */
	NET_ATLEAST,  /* totals only: at least v */
};
struct net_cell {
	int64_t v;
	enum net_state st;
};

/* Primary suppression of one count. */
struct net_cell net_count(int64_t n);

/* A derived figure. */
enum net_dstate { NET_D_VALUE, NET_D_NODATA, NET_D_WITHHELD };
struct net_derived {
	double v;
	enum net_dstate st;
};
/* scale * num / den; withheld if num or den is not exact, no data if den is 0. */
struct net_derived net_ratio(struct net_cell num, struct net_cell den, double scale);
/* (follow - base) / n for outcome sums; as net_ratio. */
struct net_derived net_mean_change(struct net_cell follow, struct net_cell base, struct net_cell n);

/* An organisation's raw figures: exact counts and sums, and the retention median. */
struct net_raw {
	int npath;
	int64_t f[NF_MAX];
	double km_median; /* NAN if none */
};
/* Adds report figures of one programme (of p's phases, mapped onto npath steps by index:
 * referral → 0, phase i → i + 1 while i + 1 < npath - 1, completion → npath - 1) into raw.
 * The retention partition and median are not in report_figures: see net_raw_retention. */
void net_raw_add(struct net_raw *raw, const struct programme *p, const struct report_figures *f);
/* Adds the retention partition of the enrolments of rows started in the period, and
 * appends their Kaplan–Meier observations to *obs (xgrow'd, *nobs, *cap). */
void net_raw_retention(struct net_raw *raw, const struct store_report_rows *rows, struct report_km_obs **obs,
		       size_t *nobs, size_t *cap);

/* One organisation's column. */
struct net_column {
	bool imported;
	int64_t import_id;
	char name[STORE_NAME_MAX];
	char installation[STORE_NET_LABEL_MAX]; /* imported only */
	int64_t imported_at;
	int64_t generated_at;
	struct net_cell c[NF_MAX];
	double km_median; /* NAN: none or withheld */
	bool km_withheld; /* fewer than 5 started (or not exact) */
};
/* Applies every suppression rule to raw (see the top of this file). */
void net_suppress(const struct net_raw *raw, struct net_column *out);
/* The total of cell i over n columns (see the top of this file). */
struct net_cell net_total(const struct net_column *cols, size_t n, int i);

/* The file (docs/network.md). */
struct net_file {
	char installation[STORE_NET_LABEL_MAX];
	char organisation[STORE_NAME_MAX];
	char template_key[STORE_KEY_MAX];
	int32_t from, to;
	int64_t generated_at;
	struct net_column col; /* name, cells, km figures */
	int npath;
};
/* Writes the file of a suppressed column as JSON into a new string (free()). */
char *net_file_write(const struct net_file *f);
/* Parses and validates a file strictly. 0, or -1 with an English message naming the
 * first thing wrong in err. Fills out (col.imported set). */
int net_file_parse(const char *text, size_t len, struct net_file *out, char *err, size_t errlen);

/* The path's step labels for a template: npath (nphases + 2) English msgids, or -1 for
 * an unknown template. */
int net_template_path(const char *template_key, const char *labels[NET_PATH_MAX]);

/* ---- the services ---- */

/* An organisation's suppressed column for a template and period (all its programmes of
 * that template added). STORE_* status. */
int net_org_column(struct store *s, int64_t org_id, const char *org_name, const char *template_key, int32_t from,
		   int32_t to, struct net_column *out, int *npath);

struct network_report {
	char template_key[STORE_KEY_MAX];
	int32_t from, to;
	int npath;
	const char *path_labels[NET_PATH_MAX];
	struct net_column *cols; /* local members by name, then imports */
	size_t ncols;
	struct net_column total; /* cells only: net_total per cell */
};
/* The network report for a member organisation (STORE_NOTFOUND if org_id is not a
 * member; STORE_INVALID for a bad template or period). Audits "network.report" with the
 * template, period, table and the number of columns (aggregates only). */
int network_report(struct accounts *ac, const struct actor *who, int64_t org_id, const char *template_key,
		   int32_t from, int32_t to, const char *table, struct network_report *out);
void network_report_release(struct network_report *r);

/* Joins / leaves (audited "network.join" / "network.leave", object the organisation). */
int network_join(struct accounts *ac, const struct actor *who, int64_t org_id);
int network_leave(struct accounts *ac, const struct actor *who, int64_t org_id);

/* The export file of org_id (audited "network.export"). *text: free(). */
int network_export(struct accounts *ac, const struct actor *who, int64_t org_id, const char *installation,
		   const char *template_key, int32_t from, int32_t to, int64_t now, char **text);
/* Validates and stores a file (audited "network.import", installation-wide). 0,
 * NET_BAD_FILE for a bad file (message in err, nothing stored), or a STORE_* status. */
#define NET_BAD_FILE 1
int network_import(struct accounts *ac, const struct actor *who, const char *text, size_t len, int64_t *id,
		   bool *replaced, char *err, size_t errlen);
/* Removes an import (audited "network.remove"). */
int network_import_remove(struct accounts *ac, const struct actor *who, int64_t id);

#endif
