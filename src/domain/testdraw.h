/* testdraw.h: random selection for sobriety tests (issue 6, "Tests") — the rule of a
 * programme or one of its phases, the probability a rule gives on a day, and the draw
 * itself, made when a day's roster is opened and stored once.
 *
 * Probabilities are integers in parts per million (ppm, 0..1000000). A draw takes a
 * uniform random value v in 0..999999 from libsodium (randombytes_uniform, which has no
 * modulo bias) and selects the person when v < ppm, so P(selected) = ppm / 1000000
 * exactly.
 *
 *   percent rule  "P % chance per attendance day": ppm = P × 10000 (P in hundredths of a
 *                 per cent: 20 % is 2000 → 200000 ppm).
 *   monthly rule  "N tests per person per month": on day d of a month,
 *                 needed = N − s, s = how many draws selected the enrolment this month
 *                 before today; D = the attendance days left in the month, today
 *                 included (days of the group's weekdays that are not closed dates; at
 *                 least 1); ppm = min(1000000, ⌊needed × 1000000 / D⌋), 0 when needed ≤ 0.
 *                 With one draw per attendance day, the expected selections over the
 *                 month then come to N whenever the group meets at least N more times.
 *
 * The draw: roster_get calls testdraw_roster for the group and day. Only on today's
 * roster (the organisation's local day) are draws made — a future day's roster cannot
 * reveal a selection in advance, and a past day's is never drawn afterwards. For each
 * person on the roster whose programme (or phase) has an active rule and who has no draw
 * for that day and rule, a draw is made and stored with INSERT … ON CONFLICT DO NOTHING
 * on the key (enrolment, day, rule); what is read back is what counts, so a reload, a
 * second tab or a second process never draws again. There is no way to redraw.
 * Every stored draw is audited "testdraw.draw" (object: person; detail: rule, ppm,
 * selected).
 */
#ifndef TOLV_DOMAIN_TESTDRAW_H
#define TOLV_DOMAIN_TESTDRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/accounts.h"
#include "domain/rosters.h"
#include "store/store.h"

/* ppm of a percent rule (hundredths of a per cent, clamped to 0..10000). */
int testdraw_percent_ppm(int percent);
/* ppm of a monthly rule (see above); remaining_days < 1 counts as 1. */
int testdraw_monthly_ppm(int per_month, int64_t selected_this_month, int remaining_days);
/* The attendance days from today to the end of today's month, today included (always at
 * least 1): days whose weekday bit (STORE_MONDAY << (weekday − 1)) is in weekdays and
 * that are not among closed (any order). weekdays 0 counts every day. */
int testdraw_remaining_days(int32_t today, int weekdays, const int32_t *closed, size_t nclosed);
/* A uniform value 0..999999 from libsodium. */
int testdraw_random(void);
/* The rule that applies to a phase of programme_id: the active rule of that phase, else
 * the programme's active whole-programme rule, else NULL. */
const struct sob_rule *testdraw_rule_for(const struct sob_rule *rules, size_t n, int64_t programme_id,
					 const char *phase_key);
/* A short text of the rule as it was ("percent 20.00 % phase day_treatment"). */
void testdraw_snapshot(const struct sob_rule *r, char *out, size_t outlen);
/* Parses a percentage as typed ("20", "12.5", "0,25") into hundredths: 0 or -1. */
int testdraw_parse_percent(const char *s, int *hundredths);
/* The probability the rule gives the enrolment on day `today` for group g (monthly rules
 * read the month's selections and the programme's closed dates). */
int testdraw_probability(struct accounts *ac, int64_t org_id, const struct sob_rule *r, const struct group *g,
			 int64_t enrolment_id, int32_t today, int *ppm);

/* The day's draws of the roster v, drawing first when v->day is today (see above).
 * *out (xmalloc'd, free it) gets every stored draw of the roster's enrolments on v->day. */
int testdraw_roster(struct accounts *ac, const struct actor *who, int64_t org_id, const struct roster_view *v,
		    int32_t today, struct sob_draw **out, size_t *n);

#endif
