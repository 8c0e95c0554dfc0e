/* web.h: the page handlers, one file per area (login.c, org.c, start.c, users.c,
 * account.c, audit.c). Each is called by the router after its route's flags were
 * enforced, so a handler may rely on them (logged in, organisation chosen, role, CSRF). */
#ifndef TOLV_WEB_WEB_H
#define TOLV_WEB_WEB_H

#include "http/req.h"

/* login.c */
void login_get(struct req *r);
void login_post(struct req *r);
void logout_post(struct req *r);
void language_post(struct req *r);
/* After login or a forced password change: choose the only organisation or go to /org. */
void login_continue(struct req *r, const char *next);

/* org.c */
void org_get(struct req *r);
void org_post(struct req *r);

/* start.c */
void start_get(struct req *r);

/* users.c */
void users_list_get(struct req *r);
void users_new_get(struct req *r);
void users_create_post(struct req *r);
struct html;
/* A user's name (or e-mail; "–" for none), escaped — for any page that shows who did what. */
void user_display_name(struct req *r, int64_t id, struct html *w);
void user_get(struct req *r);
void user_post(struct req *r);
void user_password_post(struct req *r);
/* Records that the caller looked at user_id's record ("user.read"); pages and API. */
void audit_user_read(struct req *r, int64_t user_id);

/* account.c */
void account_get(struct req *r);
void account_password_get(struct req *r);
void account_password_post(struct req *r);

/* audit.c */
void audit_get(struct req *r);
void audit_csv_get(struct req *r);

struct audit_filter;
struct form_errors;
/* The audit filter of the query (actor, action, from, to, before) for the request's
 * organisation; -1 with messages in fe if a value is bad. Shared with the API. */
int audit_filter_parse(struct req *r, struct audit_filter *f, struct form_errors *fe);

/* --- persons and enrolments (persons.c, enrolments.c) --- */
struct buf;
struct html;
struct person;
/* persons.c: /persons (search, paged), /persons/new[?referral=], /persons/{id} (details,
 * referrals, enrolments, timeline), /persons/{id}/edit */
void persons_list_get(struct req *r);
void persons_new_get(struct req *r);
void persons_create_post(struct req *r);
void person_get(struct req *r);
void person_edit_get(struct req *r);
void person_edit_post(struct req *r);
/* "Family, Given" as escaped text (or "(no name)"); "Given Family" into a buffer. */
void person_name_text(struct req *r, struct html *w, const char *given, const char *family);
void person_title(const struct person *p, struct buf *out);
/* enrolments.c: /persons/{id}/enrol, /enrolments/{id}, /enrolments/{id}/events */
void person_enrol_get(struct req *r);
void person_enrol_post(struct req *r);
void enrolment_get(struct req *r);
void enrolment_event_post(struct req *r);

/* --- attendance and the overviews (rosters.c, caseload.c, board.c, progress.c) --- */
struct html;
struct progress;
/* rosters.c: the day roster of a group and individual sessions */
void roster_get(struct req *r);
void roster_post(struct req *r);
void session_new_get(struct req *r);
void session_create_post(struct req *r);
/* caseload.c */
void caseload_get(struct req *r);
/* ?sort= (name, phase, started) and ?therapist= of a caseload request, shared with the
 * API; each answers the error itself and returns false. */
bool caseload_sort_or_400(struct req *r, enum store_enrolment_sort *out, const char **key);
bool caseload_therapist_or_400(struct req *r, int64_t *out);
/* The msgid of one WARN_* bit. */
const char *caseload_warning_text(unsigned bit);
/* A short caseload summary for the start page (therapists): a count and a link. */
void caseload_summary(struct req *r, struct html *w);
/* board.c: the programme board and the CSV exports */
void board_get(struct req *r);
void enrolments_csv_get(struct req *r);
void attendance_csv_get(struct req *r);
/* report.c: the programme report (issue 7) and its tables as CSV */
void report_get(struct req *r);
void report_csv_get(struct req *r);
/* network.c: the network (issue 7) — joining, and the network report with its CSV */
void network_get(struct req *r);
void network_post(struct req *r);
void network_report_get(struct req *r);
void network_report_csv_get(struct req *r);
/* progress.c: writes the progress block (an <h2> section) of one enrolment of the
 * request's organisation into w — for the person page and the enrolment page. Returns 0
 * or a store_status (STORE_NOTFOUND: writes nothing; the caller answers). Does not audit:
 * the page that calls it has audited the person read. */
int progress_block(struct req *r, struct html *w, int64_t enrolment_id);
void progress_write(struct req *r, struct html *w, const struct progress *pr);
void enrolment_progress_get(struct req *r);
/* "2.5" (nb/sv: "2,5"), "3" */
void att_number(struct req *r, double v, char *out, size_t outlen);
/* YYYY-MM-DD, or "-" for DATE_NONE */
void att_date(int32_t day, char out[11]);
/* The translated-label msgid of an enrolment status key. */
const char *att_status_label(const char *key);

/* --- intake (programmes.c, groups.c, referrals.c, selfreferral.c) --- */
/* programmes.c */
void programmes_list_get(struct req *r);
void programmes_new_get(struct req *r);
void programmes_create_post(struct req *r);
void programme_get(struct req *r);
void programme_post(struct req *r);
void closed_date_add_post(struct req *r);
void closed_date_remove_post(struct req *r);
/* groups.c */
void group_new_get(struct req *r);
void group_create_post(struct req *r);
void group_get(struct req *r);
void group_post(struct req *r);
void group_member_add_post(struct req *r);
void group_member_end_post(struct req *r);
void group_waiting_promote_post(struct req *r);
void group_waiting_remove_post(struct req *r);
/* referrals.c */
void sources_get(struct req *r);
void sources_add_post(struct req *r);
void sources_update_post(struct req *r);
void referrals_list_get(struct req *r);
void referrals_new_get(struct req *r);
void referrals_create_post(struct req *r);
void referral_get(struct req *r);
void referral_status_post(struct req *r);
void referral_person_post(struct req *r);
/* selfreferral.c: the public form, and the intake queue of self-referrals */
void selfreferral_get(struct req *r);
void selfreferral_post(struct req *r);
void self_referrals_get(struct req *r);
void self_referral_take_post(struct req *r);
void self_referral_discard_post(struct req *r);
/* Small page pieces the intake pages share (programmes.c). */
struct intake_errors;
struct form_errors;
void intake_form_errors(struct form_errors *fe, const struct intake_errors *ie);
void intake_textarea(struct html *w, struct req *r, const struct form_errors *fe, const char *name,
		     const char *label, const char *value, const char *description);
void intake_link_button(struct html *w, const char *href, const char *label);
void intake_back_link(struct html *w, const char *href, const char *label);
/* Previous/next links: href_prefix ends in "page=" (e.g. "/referrals?status=open&page="). */
void intake_pager(struct html *w, struct req *r, const char *href_prefix, int64_t page, int64_t pages);
/* An intake service result as a page answer for everything but ACC_INVALID. */
void intake_page_error(struct req *r, int rc);

/* meetings.c: the meeting directory — the public finder, meeting pages, exports and the
 * feed (no login), and the directory editors' pages (administrators and coordinators). */
void meetings_feed_get(struct req *r);
void meetings_finder_get(struct req *r);
void meetings_csv_get(struct req *r);
void meetings_ics_get(struct req *r);
void meetings_print_get(struct req *r);
void meeting_public_get(struct req *r);
void meeting_ics_get(struct req *r);
void meeting_change_post(struct req *r);
void directory_list_get(struct req *r);
void directory_new_get(struct req *r);
void directory_create_post(struct req *r);
void directory_meeting_get(struct req *r);
void directory_meeting_post(struct req *r);
void directory_publish_post(struct req *r);
void directory_requests_get(struct req *r);
void directory_requests_post(struct req *r);
void directory_import_get(struct req *r);
void directory_import_post(struct req *r);

/* facilitation.c: /persons/{id}/facilitation (the engagement summary with its chart, the
 * stance, actions, meeting log, sponsor and home group) and its four POST forms
 * (/stance, /actions, /meetings, /profile) — Twelve Step Facilitation (issue 5). */
void facilitation_get(struct req *r);
void facilitation_stance_post(struct req *r);
void facilitation_action_post(struct req *r);
void facilitation_meeting_post(struct req *r);
void facilitation_profile_post(struct req *r);
/* The engagement summary of the person page (audited "facilitation.read"). */
void fac_summary_block(struct req *r, struct html *w, int64_t person_id);
/* The person's chosen meetings (from "chose_meetings" actions), linked to /meetings/{id}:
 * on the facilitation page and the plan page. */
void fac_chosen_block(struct req *r, struct html *w, int64_t person_id);
/* The start page: people whose day to take mutual-help groups up again has come
 * (a therapist's caseload; the organisation for coordinators and administrators). */
void fac_revisits_block(struct req *r, struct html *w);

/* stepwork.c: /enrolments/{id}/steps (chart, table, a form per step) */
void steps_get(struct req *r);
void steps_post(struct req *r);
/* /enrolments/{id}/plan (the plan; POST saves a new version), /enrolments/{id}/plan/versions
 * (every version with what changed; ?v=N shows that version) */
void plan_get(struct req *r);
void plan_post(struct req *r);
void plan_versions_get(struct req *r);
/* Links to an enrolment's steps and plan, for the enrolment page. */
void stepwork_links(struct req *r, struct html *w, int64_t enrolment_id);
/* stepgrid.c: /groups/{id}/steps — the group's current members × the twelve steps */
void group_steps_get(struct req *r);
/* The overdue assignments of the caller's own open enrolments, for the start page. */
void stepwork_overdue_block(struct req *r, struct html *w);
/* stepwording.c: /settings/steps — the organisation's wording of the steps (admin);
 * POST saves it, POST /settings/steps/reset puts the standard wording back */
void stepwording_get(struct req *r);
void stepwording_post(struct req *r);
void stepwording_reset_post(struct req *r);

/* notes.c: clinical notes — /persons/{id}/notes (list, ?type= filter; POST a new draft),
 * /notes/{id} (view; POST edits a draft), /notes/{id}/delete, /notes/{id}/sign,
 * /notes/{id}/addenda */
void notes_list_get(struct req *r);
/* sessions.c: one group session or workshop (issue 4) */
void session_get(struct req *r);
void session_post(struct req *r);
/* The group notes of sessions person_id attended, as that person's export shows them. */
void sessions_group_notes_section(struct req *r, struct html *w, int64_t person_id);
void notes_create_post(struct req *r);
void note_get(struct req *r);
void note_post(struct req *r);
void note_delete_post(struct req *r);
void note_sign_post(struct req *r);
void note_addendum_post(struct req *r);
/* The person page's link to the notes, with the count of unsigned drafts. */
void notes_person_block(struct req *r, struct html *w, int64_t person_id);
/* The start page: the caller's drafts older than a week (notes.h, note_draft_overdue). */
void notes_drafts_block(struct req *r, struct html *w);

/* recordcopy.c: the person's own copy of the record and its access log (issue 7;
 * administrators) — /persons/{id}/copy (readable HTML, prints as a PDF),
 * /persons/{id}/copy.json (the FHIR $everything Bundle plus what FHIR does not carry),
 * /persons/{id}/access-log (who read or changed the record, paged) and its CSV. */
void recordcopy_get(struct req *r);
void recordcopy_json_get(struct req *r);
void access_log_get(struct req *r);
void access_log_csv_get(struct req *r);
/* The person page's links to the copy and the access log (administrators only). */
void recordcopy_person_links(struct req *r, struct html *w, int64_t person_id);

/* training.c: staff training (issue 7) — /training (the register and the certified
 * count), /training/users/{id} (one member's record, {id} a user id) */
void training_list_get(struct req *r);
void training_user_get(struct req *r);
void training_user_post(struct req *r);

/* relapses.c: relapse follow-up (issue 6) — /persons/{id}/relapses (list; POST a new
 * draft), /persons/{id}/sober-since, /relapses/{id} (view; POST the response),
 * /relapses/{id}/decision, /pause, /resume, /settings/relapses (admin) */
void relapses_list_get(struct req *r);
void relapses_create_post(struct req *r);
void relapses_sober_post(struct req *r);
void relapse_get(struct req *r);
void relapse_post(struct req *r);
void relapse_decision_post(struct req *r);
void relapse_pause_post(struct req *r);
void relapse_resume_post(struct req *r);
void relapse_settings_get(struct req *r);
void relapse_settings_post(struct req *r);
/* The person page's link to the relapses (drafts to decide, sober-since where shown). */
void relapses_person_block(struct req *r, struct html *w, int64_t person_id);
/* The start page: drafts awaiting the caller's decision (the caller's caseload). */
void relapses_drafts_block(struct req *r, struct html *w);
/* The plan page: links to the person's relapses (nothing when there are none). */
void relapses_plan_block(struct req *r, struct html *w, int64_t person_id);

/* sobriety.c: sobriety tests (issue 6) — /persons/{id}/tests (list, POST a test),
 * /persons/{id}/tests/new?kind=breath|drug, /persons/{id}/medications (POST; /end),
 * /tests/{id} and /tests/{id}/lab, /programmes/{id}/tests (rule, zero tolerance),
 * /substances and /substances/{id} (admin), /test-draws (draws and fairness) */
void sobriety_tests_get(struct req *r);
void sobriety_test_new_get(struct req *r);
void sobriety_test_create_post(struct req *r);
void sobriety_med_post(struct req *r);
void sobriety_med_end_post(struct req *r);
void sobriety_test_get(struct req *r);
void sobriety_lab_post(struct req *r);
void sobriety_programme_get(struct req *r);
void sobriety_rule_post(struct req *r);
void sobriety_zero_post(struct req *r);
void substances_get(struct req *r);
void substances_post(struct req *r);
void substance_get(struct req *r);
void substance_post(struct req *r);
void test_draws_get(struct req *r);
/* The person page's link to the tests, with the zero-tolerance flag when a test is flagged. */
void sobriety_person_block(struct req *r, struct html *w, int64_t person_id);

/* outcomes.c: outcome measures (issue 6) — /persons/{id}/outcomes (results, charts, links),
 * /persons/{id}/outcomes/new?q= (one questionnaire's form), /persons/{id}/outcomes/links,
 * /outcomes/{id}/error, /outcomes/due, /programmes/{id}/outcomes[/remove] (the schedule);
 * selfform.c: the public one-time-link form, GET/POST /q. */
#include "domain/questionnaire.h"
struct field_error;
void outcomes_person_get(struct req *r);
void outcomes_new_get(struct req *r);
void outcomes_create_post(struct req *r);
void outcomes_link_post(struct req *r);
void outcome_error_post(struct req *r);
void outcomes_due_get(struct req *r);
void outcomes_schedule_get(struct req *r);
void outcomes_schedule_post(struct req *r);
void outcomes_schedule_remove_post(struct req *r);
void selfform_get(struct req *r);
void selfform_post(struct req *r);
/* The person page's link with the count of results; the start page's due count. */
void outcomes_person_block(struct req *r, struct html *w, int64_t person_id);
void outcomes_due_block(struct req *r, struct html *w);
/* A questionnaire's answers as a form gives them (kept to render the form again). */
struct outcome_form {
	int64_t answers[Q_ITEMS_MAX];
	bool given[Q_ITEMS_MAX];
	size_t nanswers;
	char days[32];   /* days abstinent: 30 × '0'/'1', oldest first; "" otherwise */
	const char *sex;
};
/* The fields of def's form (radio groups, or the 30-day calendar ending on taken_on),
 * with sex (prefilled) asked where the cut-offs need it. */
void outcomes_form_fields(struct req *r, struct html *w, const struct questionnaire *def, int32_t taken_on,
			  enum q_sex sex, const struct outcome_form *kept, const struct form_errors *fe);
/* Reads the posted answers; items left unanswered go into fe. false after answering 400. */
bool outcomes_form_parse(struct req *r, const struct questionnaire *def, struct outcome_form *f,
			 struct form_errors *fe);
/* A domain refusal (ACC_INVALID with fer, OUTCOME_QINVALID with qe) as form errors. */
void outcomes_form_errors(struct req *r, const struct questionnaire *def, int rc, const struct field_error *fer,
			  const struct q_error *qe, struct form_errors *fe);

/* orgquestionnaires.c: /settings/questionnaires — which questionnaire definitions are the
 * organisation's own (issue 6; read-only: `tolv questionnaire load` changes them) */
void orgquestionnaires_get(struct req *r);

#endif
