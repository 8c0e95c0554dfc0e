/* sqlite_report.c: the SQLite backend of the programme report's rows (issue 7). Not
 * compiled on its own: store_sqlite.c includes it before its operations table, so that it
 * uses that file's pool, statement cache and read snapshots (sq_begin_read, sq_rows…). */
#define P_ORG "?1"
#define P_PROG "?2"
#define P_FROM "?3"
#define P_TO "?4"
#include "store/report_backend.h"

static const char SQL_REPORT_PROGRAMME[] = "SELECT count(*) FROM programmes WHERE org_id = ?1 AND id = ?2";
static const char SQL_REPORT_ENROLMENTS[] =
	"SELECT e.id, e.person_id, e.status, e.started_on, e.ended_on, r.received_on, "
	"EXISTS (SELECT 1 FROM enrolments p WHERE p.org_id = e.org_id AND p.programme_id = e.programme_id "
	"AND p.person_id = e.person_id AND (p.started_on < e.started_on OR (p.started_on = e.started_on "
	"AND p.id < e.id))) FROM enrolments e LEFT JOIN referrals r ON r.org_id = e.org_id AND r.id = e.referral_id "
	"WHERE " REPORT_OPEN_IN_PERIOD("e") " ORDER BY e.started_on, e.id";
static const char SQL_REPORT_EVENTS[] =
	"SELECT v.enrolment_id, v.kind, v.to_phase, v.on_day FROM enrolment_events v JOIN enrolments e "
	"ON e.org_id = v.org_id AND e.id = v.enrolment_id WHERE " REPORT_OPEN_IN_PERIOD("e")
	" AND v.on_day <= ?4 ORDER BY v.enrolment_id, v.on_day, v.id";
static const char SQL_REPORT_REFERRALS[] =
	"SELECT r.source_key, s.label, r.received_on FROM referrals r LEFT JOIN referral_sources s "
	"ON s.org_id = r.org_id AND s.key = r.source_key WHERE r.org_id = ?1 AND r.received_on BETWEEN ?3 AND ?4 "
	"AND (r.programme_id = ?2 OR EXISTS (SELECT 1 FROM enrolments x WHERE x.org_id = r.org_id "
	"AND x.referral_id = r.id AND x.programme_id = ?2)) ORDER BY r.received_on, r.id";
static const char SQL_REPORT_ATTENDED[] =
	"SELECT a.enrolment_id, a.on_day FROM attendance_days a JOIN enrolments e "
	"ON e.org_id = a.org_id AND e.id = a.enrolment_id WHERE " REPORT_OPEN_IN_PERIOD("e")
	" AND a.on_day BETWEEN ?3 AND ?4 ORDER BY a.enrolment_id, a.on_day";
static const char SQL_REPORT_STEPS[] =
	"SELECT t.enrolment_id, t.step, t.to_status, t.on_day FROM step_events t JOIN enrolments e "
	"ON e.org_id = t.org_id AND e.id = t.enrolment_id WHERE " REPORT_OPEN_IN_PERIOD("e")
	" AND t.on_day <= ?4 ORDER BY t.enrolment_id, t.step, t.on_day, t.id";
static const char SQL_REPORT_MEETINGS[] =
	"SELECT m.person_id, m.on_day FROM fac_meeting_log m WHERE m.org_id = ?1 AND m.on_day BETWEEN ?3 AND ?4 "
	"AND m.person_id IN (SELECT e.person_id FROM enrolments e WHERE " REPORT_OPEN_IN_PERIOD("e")
	") ORDER BY m.person_id, m.on_day, m.id";
static const char SQL_REPORT_SPONSORS[] =
	"SELECT f.person_id, f.sponsor, f.sponsor_since FROM fac_profile f WHERE f.org_id = ?1 "
	"AND f.person_id IN (SELECT e.person_id FROM enrolments e WHERE " REPORT_OPEN_IN_PERIOD("e")
	") ORDER BY f.person_id";

static int sq_report_rows(struct store *s, int64_t org_id, int64_t programme_id, int32_t from, int32_t to,
			  struct store_report_rows *out)
{
	struct sq_store *sq = sq_of(s);
	const struct sq_val v[] = { V_I(org_id), V_I(programme_id), V_I(from), V_I(to) };
	int64_t k = 0;
	int ret;
	struct sq_conn *c = sq_begin_read(sq, &ret, "report_rows: begin");
	if (!ret)
		ret = sq_i(c, SQL_REPORT_PROGRAMME, "report_rows: programme", v, 2, &k);
	if (!ret && !k)
		ret = store_error(STORE_NOTFOUND, "report_rows: no such programme");
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_ENROLMENTS, "report_rows: enrolments", v, NV(v), &report_enrolment_map,
			      sizeof *out->enrolments, (void **)&out->enrolments, &out->nenrolments);
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_EVENTS, "report_rows: events", v, NV(v), &report_event_map,
			      sizeof *out->events, (void **)&out->events, &out->nevents);
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_REFERRALS, "report_rows: referrals", v, NV(v), &report_referral_map,
			      sizeof *out->referrals, (void **)&out->referrals, &out->nreferrals);
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_ATTENDED, "report_rows: attended", v, NV(v), &report_day_map,
			      sizeof *out->attended, (void **)&out->attended, &out->nattended);
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_STEPS, "report_rows: steps", v, NV(v), &report_step_map,
			      sizeof *out->steps, (void **)&out->steps, &out->nsteps);
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_MEETINGS, "report_rows: meetings", v, NV(v), &report_day_map,
			      sizeof *out->meetings, (void **)&out->meetings, &out->nmeetings);
	if (!ret)
		ret = sq_rows(c, SQL_REPORT_SPONSORS, "report_rows: sponsors", v, NV(v), &report_sponsor_map,
			      sizeof *out->sponsors, (void **)&out->sponsors, &out->nsponsors);
	if (!ret)
		ret = sq_rows(c, REPORT_TESTS_SQL, "report_rows: tests", v, NV(v), &report_test_map, sizeof *out->tests,
			      (void **)&out->tests, &out->ntests);
	if (!ret)
		ret = sq_rows(c, REPORT_RELAPSES_SQL, "report_rows: relapses", v, NV(v), &report_day_map,
			      sizeof *out->relapses, (void **)&out->relapses, &out->nrelapses);
	if (!ret)
		ret = sq_rows(c, REPORT_OUTCOMES_SQL, "report_rows: outcomes", v, NV(v), &report_outcome_map,
			      sizeof *out->outcomes, (void **)&out->outcomes, &out->noutcomes);
	return sq_end_read(sq, c, ret, "report_rows: commit");
}

#undef P_ORG
#undef P_PROG
#undef P_FROM
#undef P_TO
