/* api.h: the JSON API handlers under /api/v1/, one file per area (me.c, users.c,
 * audit.c). Errors always use resp_error's shape {"error":{"code","message","field"}}. */
#ifndef TOLV_API_API_H
#define TOLV_API_API_H

#include <jansson.h>

#include "http/req.h"

/* me.c */
void api_me_get(struct req *r);

/* users.c */
void api_users_list(struct req *r);
void api_users_create(struct req *r);
void api_user_get(struct req *r);
void api_user_patch(struct req *r);

/* audit.c */
void api_audit_list(struct req *r);

/* persons.c: person records, duplicates, the timeline (domain/persons.c) */
struct person;
struct enrolment;
struct programme;
struct timeline_item;
void api_persons_create(struct req *r);
void api_persons_list(struct req *r);
void api_person_get(struct req *r);
void api_person_patch(struct req *r);
void api_person_timeline(struct req *r);
/* The API's shapes of a person (every field), an enrolment (p may be NULL; with it the
 * phase's key and label and the programme's name) and a timeline line. */
json_t *person_json(const struct person *p);
json_t *enrolment_json(const struct enrolment *e, const struct programme *p);
json_t *timeline_item_json(const struct timeline_item *it);
/* enrolments.c: enrolment and its events (domain/enrolments.c) */
void api_enrolments_create(struct req *r);
void api_enrolments_list(struct req *r);
void api_enrolment_get(struct req *r);
void api_enrolment_event(struct req *r);

/* intake (programmes.c, groups.c, referrals.c): programmes, groups, referral sources,
 * referrals and self-referrals (domain/intake.c) */
struct intake_errors;
struct group;
struct referral;
void api_programmes_list(struct req *r);
void api_programmes_create(struct req *r);
void api_programme_get(struct req *r);
void api_programme_patch(struct req *r);
void api_closed_dates_list(struct req *r);
void api_closed_dates_add(struct req *r);
void api_closed_dates_remove(struct req *r);
void api_groups_list(struct req *r);
void api_groups_create(struct req *r);
void api_group_get(struct req *r);
void api_group_patch(struct req *r);
void api_group_members_add(struct req *r);
void api_group_members_end(struct req *r);
void api_group_waiting_list(struct req *r);
void api_group_waiting_add(struct req *r);
void api_group_waiting_promote(struct req *r);
void api_group_waiting_remove(struct req *r);
void api_sources_list(struct req *r);
void api_sources_add(struct req *r);
void api_sources_patch(struct req *r);
void api_referrals_list(struct req *r);
void api_referrals_create(struct req *r);
void api_referral_get(struct req *r);
void api_referral_status(struct req *r);
void api_referral_person(struct req *r);
void api_self_referrals_list(struct req *r);
void api_self_referral_get(struct req *r);
void api_self_referral_take(struct req *r);
void api_self_referral_discard(struct req *r);
/* Shapes and helpers the intake files share. */
json_t *programme_json(const struct programme *p);
json_t *group_json(const struct group *g);
json_t *referral_json(struct req *r, const struct referral *x);
/* "YYYY-MM-DD", or null for DATE_NONE. */
json_t *json_date(int32_t day);
/* An integer member in [min,max]: absent → *present = false; else 400/422 itself. */
bool json_int_or_400(struct req *r, const char *key, int64_t min, int64_t max, bool *present, int64_t *out);
/* An intake service result as the API's error answer (422 naming the first field, 404,
 * 409 for conflicts and full groups, else the store's). */
void intake_answer(struct req *r, int rc, const struct intake_errors *errs);
/* The actor of the request, in its organisation. */
struct actor;
void api_actor(struct req *r, struct actor *a);

/* rosters.c, overview.c: the day roster, progress, caseload and programme board */
struct progress;
void api_roster_get(struct req *r);
void api_roster_put(struct req *r);
void api_progress_get(struct req *r);
void api_caseload_get(struct req *r);
void api_board_get(struct req *r);
json_t *progress_json(const struct progress *pr);

/* score.c: questionnaire definitions and the stateless scoring API (domain/questionnaire.c);
 * the questionnaire is the last segment of the path. */
void api_questionnaires_list(struct req *r);
void api_questionnaire_get(struct req *r);
void api_score_post(struct req *r);

/* meetings.c: the meeting directory — the public search and meeting, the editors' list
 * and create. */
void api_meetings_search(struct req *r);
void api_meeting_get(struct req *r);
void api_directory_list(struct req *r);
void api_directory_create(struct req *r);

/* facilitation.c: a person's facilitation record (issue 5) — GET /api/v1/persons/{id}/
 * facilitation (summary, latest stance, profile), POST …/stance, …/actions, …/meetings,
 * PUT …/profile. */
void api_facilitation_get(struct req *r);
void api_facilitation_stance_post(struct req *r);
void api_facilitation_action_post(struct req *r);
void api_facilitation_meeting_post(struct req *r);
void api_facilitation_profile_put(struct req *r);

/* stepwork.c: a person's step work and individual plan (domain/stepwork.c) —
 * /api/v1/enrolments/{id}/steps (GET, POST a change), /plan (GET, PUT a new version after
 * the one named) and /plan/versions (each with what changed). */
void api_steps_get(struct req *r);
void api_steps_post(struct req *r);
void api_plan_get(struct req *r);
void api_plan_put(struct req *r);
void api_plan_versions(struct req *r);

/* notes.c: clinical notes (domain/clinicalnotes.c) — GET/POST /api/v1/persons/{id}/notes,
 * GET/PATCH/DELETE /api/v1/notes/{id}, POST /api/v1/notes/{id}/sign and …/addenda. */
void api_notes_list(struct req *r);
void api_notes_create(struct req *r);
void api_note_get(struct req *r);
void api_note_patch(struct req *r);
/* sessions.c: one group session or workshop (issue 4) */
void api_session_get(struct req *r);
void api_session_patch(struct req *r);
void api_note_delete(struct req *r);
void api_note_sign(struct req *r);
void api_note_addendum(struct req *r);

/* training.c: staff training (issue 7) — the register, one member's record, PUT a course */
void api_training_list(struct req *r);
void api_training_user_get(struct req *r);
void api_training_user_put(struct req *r);

/* relapses.c: relapse follow-up (domain/relapses.c) — GET/POST /api/v1/persons/{id}/relapses,
 * PUT /api/v1/persons/{id}/sober-since, GET/PATCH /api/v1/relapses/{id}, POST
 * /api/v1/relapses/{id}/decision, /pause, /resume. */
void api_relapses_list(struct req *r);
void api_relapses_create(struct req *r);
void api_sober_since_put(struct req *r);
void api_relapse_get(struct req *r);
void api_relapse_patch(struct req *r);
void api_relapse_decision(struct req *r);
void api_relapse_pause(struct req *r);
void api_relapse_resume(struct req *r);

/* sobriety.c: sobriety tests (domain/sobriety.c) — GET/POST /api/v1/persons/{id}/tests,
 * GET /api/v1/tests/{id}, POST /api/v1/tests/{id}/lab. */
void api_tests_list(struct req *r);
void api_tests_create(struct req *r);
void api_test_get(struct req *r);
void api_test_lab(struct req *r);

/* outcomes.c: outcome measures (issue 6) — GET/POST /api/v1/persons/{id}/outcomes,
 * GET /api/v1/outcomes/due. */
void api_outcomes_list(struct req *r);
void api_outcomes_create(struct req *r);
void api_outcomes_due(struct req *r);

#endif
