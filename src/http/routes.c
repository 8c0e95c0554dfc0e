/* routes.c: the one route table — every URL tolv answers, with who may call it. */
#include "http/router.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/roles.h"
#include "http/static.h"
#include "web/web.h"
#include "fhir/fhir_http.h"

#define PAGE (NEEDS_LOGIN | NEEDS_ORG)
#define FORM (NEEDS_LOGIN | NEEDS_ORG | NEEDS_CSRF)
#define APIR (API | NEEDS_LOGIN | NEEDS_ORG)

const struct route routes[] = {
	/* Cheap routes first: no session, no language negotiation. */
	{ .method = M_GET, .pattern = "/healthz", .handler = healthz_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/static/ds/designsystemet.css", .handler = static_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/static/ds/index.css", .handler = static_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/static/tolv.css", .handler = static_get, .flags = NO_SESSION },

	/* Logging in and out, choosing organisation and language. */
	{ .method = M_GET, .pattern = "/login", .handler = login_get, .flags = PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/login", .handler = login_post, .flags = NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/logout", .handler = logout_post,
	  .flags = NEEDS_LOGIN | NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/language", .handler = language_post, .flags = NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/org", .handler = org_get, .flags = NEEDS_LOGIN },
	{ .method = M_POST, .pattern = "/org", .handler = org_post, .flags = NEEDS_LOGIN | NEEDS_CSRF },

	/* Pages of the chosen organisation. */
	{ .method = M_GET, .pattern = "/", .handler = start_get, .flags = PAGE, .roles = ROLE_ANY },

	{ .method = M_GET, .pattern = "/account", .handler = account_get, .flags = NEEDS_LOGIN },
	{ .method = M_GET, .pattern = "/account/password", .handler = account_password_get,
	  .flags = NEEDS_LOGIN | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/account/password", .handler = account_password_post,
	  .flags = NEEDS_LOGIN | NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/account/language", .handler = language_post,
	  .flags = NEEDS_LOGIN | NEEDS_CSRF | PW_CHANGE_OK },

	{ .method = M_GET, .pattern = "/users", .handler = users_list_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/users/new", .handler = users_new_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/users", .handler = users_create_post, .flags = FORM, .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/users/{id}", .handler = user_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/users/{id}", .handler = user_post, .flags = FORM, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/users/{id}/password", .handler = user_password_post, .flags = FORM,
	  .roles = ROLE_ADMIN },

	{ .method = M_GET, .pattern = "/audit", .handler = audit_get, .flags = PAGE,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/audit.csv", .handler = audit_csv_get, .flags = PAGE,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },

	/* The JSON API: everything the pages do. */
	{ .method = M_GET, .pattern = "/api/v1/me", .handler = api_me_get, .flags = APIR, .roles = ROLE_ANY },
	{ .method = M_GET, .pattern = "/api/v1/users", .handler = api_users_list, .flags = APIR, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/api/v1/users", .handler = api_users_create, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/api/v1/users/{id}", .handler = api_user_get, .flags = APIR,
	  .roles = ROLE_ADMIN },
	{ .method = M_PATCH, .pattern = "/api/v1/users/{id}", .handler = api_user_patch, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/api/v1/audit", .handler = api_audit_list, .flags = APIR,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },

	/* --- persons and enrolments (web/persons.c, web/enrolments.c, api/persons.c, api/enrolments.c) --- */
	{ .method = M_GET, .pattern = "/persons", .handler = persons_list_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/new", .handler = persons_new_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons", .handler = persons_create_post, .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/{id}", .handler = person_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/{id}/edit", .handler = person_edit_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/edit", .handler = person_edit_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/{id}/enrol", .handler = person_enrol_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/enrol", .handler = person_enrol_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/enrolments/{id}", .handler = enrolment_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/enrolments/{id}/events", .handler = enrolment_event_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons", .handler = api_persons_create, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/persons", .handler = api_persons_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}", .handler = api_person_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_PATCH, .pattern = "/api/v1/persons/{id}", .handler = api_person_patch,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}/timeline", .handler = api_person_timeline, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/enrolments", .handler = api_enrolments_create,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/enrolments", .handler = api_enrolments_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/enrolments/{id}", .handler = api_enrolment_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/enrolments/{id}/events", .handler = api_enrolment_event,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	/* --- end of persons and enrolments --- */

	/* --- intake: programmes, groups, referral sources, referrals, self-referrals --- */
#define INTAKE_EDIT (ROLE_ADMIN | ROLE_COORDINATOR)
	{ .method = M_GET, .pattern = "/programmes", .handler = programmes_list_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/programmes/new", .handler = programmes_new_get, .flags = PAGE,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/programmes", .handler = programmes_create_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/programmes/{id}", .handler = programme_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/programmes/{id}", .handler = programme_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/programmes/{id}/closed-dates", .handler = closed_date_add_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/programmes/{id}/closed-dates/remove", .handler = closed_date_remove_post,
	  .flags = FORM, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/programmes/{id}/groups/new", .handler = group_new_get, .flags = PAGE,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/programmes/{id}/groups", .handler = group_create_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/groups/{id}", .handler = group_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/groups/{id}", .handler = group_post, .flags = FORM, .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/groups/{id}/members", .handler = group_member_add_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/groups/{id}/members/end", .handler = group_member_end_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/groups/{id}/waiting/promote", .handler = group_waiting_promote_post,
	  .flags = FORM, .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/groups/{id}/waiting/remove", .handler = group_waiting_remove_post,
	  .flags = FORM, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/settings/referral-sources", .handler = sources_get, .flags = PAGE,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/settings/referral-sources", .handler = sources_add_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/settings/referral-sources/update", .handler = sources_update_post,
	  .flags = FORM, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/referrals", .handler = referrals_list_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/referrals/new", .handler = referrals_new_get, .flags = PAGE,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/referrals", .handler = referrals_create_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/referrals/self", .handler = self_referrals_get, .flags = PAGE,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/referrals/self/{id}/take", .handler = self_referral_take_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/referrals/self/{id}/discard", .handler = self_referral_discard_post,
	  .flags = FORM, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/referrals/{id}", .handler = referral_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/referrals/{id}/status", .handler = referral_status_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/referrals/{id}/person", .handler = referral_person_post, .flags = FORM,
	  .roles = INTAKE_EDIT },
	/* The public self-referral form of organisation {id}: no login. */
	{ .method = M_GET, .pattern = "/p/{id}/self-referral", .handler = selfreferral_get, .flags = PUBLIC },
	{ .method = M_POST, .pattern = "/p/{id}/self-referral", .handler = selfreferral_post,
	  .flags = PUBLIC | NEEDS_CSRF },

	{ .method = M_GET, .pattern = "/api/v1/programmes", .handler = api_programmes_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/programmes", .handler = api_programmes_create,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/programmes/{id}", .handler = api_programme_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_PATCH, .pattern = "/api/v1/programmes/{id}", .handler = api_programme_patch,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/programmes/{id}/closed-dates", .handler = api_closed_dates_list,
	  .flags = APIR, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/programmes/{id}/closed-dates", .handler = api_closed_dates_add,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_DELETE, .pattern = "/api/v1/programmes/{id}/closed-dates", .handler = api_closed_dates_remove,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/programmes/{id}/groups", .handler = api_groups_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/programmes/{id}/groups", .handler = api_groups_create,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/groups/{id}", .handler = api_group_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_PATCH, .pattern = "/api/v1/groups/{id}", .handler = api_group_patch, .flags = APIR | NEEDS_CSRF,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/api/v1/groups/{id}/members", .handler = api_group_members_add,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_DELETE, .pattern = "/api/v1/groups/{id}/members", .handler = api_group_members_end,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/groups/{id}/waiting", .handler = api_group_waiting_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/groups/{id}/waiting", .handler = api_group_waiting_add,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_DELETE, .pattern = "/api/v1/groups/{id}/waiting", .handler = api_group_waiting_remove,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/api/v1/groups/{id}/waiting/promote", .handler = api_group_waiting_promote,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/referral-sources", .handler = api_sources_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/referral-sources", .handler = api_sources_add,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_PATCH, .pattern = "/api/v1/referral-sources", .handler = api_sources_patch,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/referrals", .handler = api_referrals_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/referrals", .handler = api_referrals_create, .flags = APIR | NEEDS_CSRF,
	  .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/referrals/{id}", .handler = api_referral_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/referrals/{id}/status", .handler = api_referral_status,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/api/v1/referrals/{id}/person", .handler = api_referral_person,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/self-referrals", .handler = api_self_referrals_list, .flags = APIR,
	  .roles = INTAKE_EDIT },
	{ .method = M_GET, .pattern = "/api/v1/self-referrals/{id}", .handler = api_self_referral_get, .flags = APIR,
	  .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/api/v1/self-referrals/{id}/take", .handler = api_self_referral_take,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	{ .method = M_POST, .pattern = "/api/v1/self-referrals/{id}/discard", .handler = api_self_referral_discard,
	  .flags = APIR | NEEDS_CSRF, .roles = INTAKE_EDIT },
	/* --- end of intake --- */

	/* --- attendance and the overviews: rosters, sessions, progress, caseload, board, CSV --- */
#define ATT_STAFF (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_THERAPIST)
#define ATT_COORD (ROLE_ADMIN | ROLE_COORDINATOR)
	{ .method = M_GET, .pattern = "/groups/{id}/roster", .handler = roster_get, .flags = PAGE, .roles = ATT_STAFF },
	{ .method = M_POST, .pattern = "/groups/{id}/roster", .handler = roster_post, .flags = FORM, .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/enrolments/{id}/sessions/new", .handler = session_new_get, .flags = PAGE,
	  .roles = ATT_STAFF },
	{ .method = M_POST, .pattern = "/enrolments/{id}/sessions", .handler = session_create_post, .flags = FORM,
	  .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/enrolments/{id}/progress", .handler = enrolment_progress_get, .flags = PAGE,
	  .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/caseload", .handler = caseload_get, .flags = PAGE, .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/programmes/{id}/board", .handler = board_get, .flags = PAGE, .roles = ATT_COORD },
	{ .method = M_GET, .pattern = "/programmes/{id}/enrolments.csv", .handler = enrolments_csv_get, .flags = PAGE,
	  .roles = ATT_COORD },
	{ .method = M_GET, .pattern = "/programmes/{id}/attendance.csv", .handler = attendance_csv_get, .flags = PAGE,
	  .roles = ATT_COORD },
	{ .method = M_GET, .pattern = "/api/v1/groups/{id}/roster", .handler = api_roster_get, .flags = APIR,
	  .roles = ATT_STAFF },
	{ .method = M_PUT, .pattern = "/api/v1/groups/{id}/roster", .handler = api_roster_put,
	  .flags = APIR | NEEDS_CSRF, .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/enrolments/{id}/progress", .handler = api_progress_get, .flags = APIR,
	  .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/caseload", .handler = api_caseload_get, .flags = APIR,
	  .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/programmes/{id}/board", .handler = api_board_get, .flags = APIR,
	  .roles = ATT_COORD },
	/* --- end of attendance --- */

	/* --- outcome questionnaires: definitions and the stateless scoring API (score.c) ---
	 * The definitions are published content: public. Scoring takes an API token (or a
	 * session and X-CSRF-Token, like every POST), any role; nothing is stored or logged;
	 * see docs/questionnaires.md. The router matches {id} as a number only, so each
	 * built-in questionnaire has its literal paths; unknown ones are 404. */
	{ .method = M_GET, .pattern = "/api/v1/questionnaires", .handler = api_questionnaires_list,
	  .flags = API | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/questionnaires/audit", .handler = api_questionnaire_get,
	  .flags = API | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/questionnaires/audit-c", .handler = api_questionnaire_get,
	  .flags = API | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/questionnaires/dudit", .handler = api_questionnaire_get,
	  .flags = API | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/questionnaires/days-abstinent", .handler = api_questionnaire_get,
	  .flags = API | PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/api/v1/score/audit", .handler = api_score_post, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ANY },
	{ .method = M_POST, .pattern = "/api/v1/score/audit-c", .handler = api_score_post, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ANY },
	{ .method = M_POST, .pattern = "/api/v1/score/dudit", .handler = api_score_post, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_ANY },
	{ .method = M_POST, .pattern = "/api/v1/score/days-abstinent", .handler = api_score_post,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_ANY },
	/* --- end of outcome questionnaires --- */

	/* --- the meeting directory (issue 5) ---
	 * Public, no login: the feed (no session work at all, it is polled by apps), the finder,
	 * its exports, each meeting's page and "request a change" (a double-submit CSRF form),
	 * and the search API. Directory editors are administrators and coordinators. */
	{ .method = M_GET, .pattern = "/meetings.json", .handler = meetings_feed_get, .flags = NO_SESSION },
	{ .method = M_GET, .pattern = "/meetings", .handler = meetings_finder_get, .flags = PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/meetings.csv", .handler = meetings_csv_get, .flags = PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/meetings.ics", .handler = meetings_ics_get, .flags = PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/meetings/print", .handler = meetings_print_get, .flags = PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/meetings/{id}", .handler = meeting_public_get, .flags = PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/meetings/{id}/calendar.ics", .handler = meeting_ics_get, .flags = PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/meetings/{id}/change", .handler = meeting_change_post,
	  .flags = NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/meetings", .handler = api_meetings_search, .flags = API | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/meetings/{id}", .handler = api_meeting_get, .flags = API | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/directory", .handler = directory_list_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/directory/meetings/new", .handler = directory_new_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/directory/meetings", .handler = directory_create_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/directory/meetings/{id}", .handler = directory_meeting_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/directory/meetings/{id}", .handler = directory_meeting_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/directory/meetings/{id}/publish", .handler = directory_publish_post,
	  .flags = FORM, .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/directory/requests", .handler = directory_requests_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/directory/requests", .handler = directory_requests_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/directory/import", .handler = directory_import_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/directory/import", .handler = directory_import_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/api/v1/directory/meetings", .handler = api_directory_list, .flags = APIR,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/api/v1/directory/meetings", .handler = api_directory_create,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	/* --- end of the meeting directory --- */

	/* --- Twelve Step Facilitation (issue 5): web/facilitation.c, api/facilitation.c --- */
	{ .method = M_GET, .pattern = "/persons/{id}/facilitation", .handler = facilitation_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/facilitation/stance", .handler = facilitation_stance_post,
	  .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/facilitation/actions", .handler = facilitation_action_post,
	  .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/facilitation/meetings", .handler = facilitation_meeting_post,
	  .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/facilitation/profile", .handler = facilitation_profile_post,
	  .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}/facilitation", .handler = api_facilitation_get,
	  .flags = APIR, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/facilitation/stance",
	  .handler = api_facilitation_stance_post, .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/facilitation/actions",
	  .handler = api_facilitation_action_post, .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/facilitation/meetings",
	  .handler = api_facilitation_meeting_post, .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_PUT, .pattern = "/api/v1/persons/{id}/facilitation/profile",
	  .handler = api_facilitation_profile_put, .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	/* --- end of Twelve Step Facilitation --- */

	/* --- the group step grid (issue 4): web/stepgrid.c --- */
	{ .method = M_GET, .pattern = "/groups/{id}/steps", .handler = group_steps_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	/* --- end of the group step grid --- */

	/* --- the organisation's step wording (issue 4): web/stepwording.c --- */
	{ .method = M_GET, .pattern = "/settings/steps", .handler = stepwording_get, .flags = PAGE,
	  .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/settings/steps", .handler = stepwording_post, .flags = FORM,
	  .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/settings/steps/reset", .handler = stepwording_reset_post, .flags = FORM,
	  .roles = ROLE_ADMIN },
	/* --- end of the step wording --- */

	/* --- an organisation's own questionnaire definitions (issue 6): web/orgquestionnaires.c --- */
	{ .method = M_GET, .pattern = "/settings/questionnaires", .handler = orgquestionnaires_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_AUDITOR },

	/* --- step work and the individual plan (issue 4): web/stepwork.c, api/stepwork.c --- */
	{ .method = M_GET, .pattern = "/enrolments/{id}/steps", .handler = steps_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/enrolments/{id}/steps", .handler = steps_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/enrolments/{id}/plan", .handler = plan_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/enrolments/{id}/plan", .handler = plan_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/enrolments/{id}/plan/versions", .handler = plan_versions_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/enrolments/{id}/steps", .handler = api_steps_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/enrolments/{id}/steps", .handler = api_steps_post,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/enrolments/{id}/plan", .handler = api_plan_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_PUT, .pattern = "/api/v1/enrolments/{id}/plan", .handler = api_plan_put,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/enrolments/{id}/plan/versions", .handler = api_plan_versions,
	  .flags = APIR, .roles = ROLE_STAFF },
	/* --- end of step work --- */

	/* --- clinical notes (issue 4): web/notes.c, api/notes.c --- */
	{ .method = M_GET, .pattern = "/persons/{id}/notes", .handler = notes_list_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/notes", .handler = notes_create_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/notes/{id}", .handler = note_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/notes/{id}", .handler = note_post, .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/notes/{id}/delete", .handler = note_delete_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/notes/{id}/sign", .handler = note_sign_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/notes/{id}/addenda", .handler = note_addendum_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}/notes", .handler = api_notes_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/notes", .handler = api_notes_create,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/notes/{id}", .handler = api_note_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_PATCH, .pattern = "/api/v1/notes/{id}", .handler = api_note_patch,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_DELETE, .pattern = "/api/v1/notes/{id}", .handler = api_note_delete,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/notes/{id}/sign", .handler = api_note_sign,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/notes/{id}/addenda", .handler = api_note_addendum,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	/* --- end of clinical notes --- */

	/* --- group sessions and workshops (issue 4): web/sessions.c, api/sessions.c --- */
	{ .method = M_GET, .pattern = "/sessions/{id}", .handler = session_get, .flags = PAGE, .roles = ATT_STAFF },
	{ .method = M_POST, .pattern = "/sessions/{id}", .handler = session_post, .flags = FORM, .roles = ATT_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/sessions/{id}", .handler = api_session_get, .flags = APIR,
	  .roles = ATT_STAFF },
	{ .method = M_PATCH, .pattern = "/api/v1/sessions/{id}", .handler = api_session_patch,
	  .flags = APIR | NEEDS_CSRF, .roles = ATT_STAFF },
	/* --- end of group sessions --- */

	/* --- relapse follow-up (issue 6): web/relapses.c, api/relapses.c --- */
	{ .method = M_GET, .pattern = "/persons/{id}/relapses", .handler = relapses_list_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/relapses", .handler = relapses_create_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/sober-since", .handler = relapses_sober_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/relapses/{id}", .handler = relapse_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/relapses/{id}", .handler = relapse_post, .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/relapses/{id}/decision", .handler = relapse_decision_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/relapses/{id}/pause", .handler = relapse_pause_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/relapses/{id}/resume", .handler = relapse_resume_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/settings/relapses", .handler = relapse_settings_get, .flags = PAGE,
	  .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/settings/relapses", .handler = relapse_settings_post, .flags = FORM,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}/relapses", .handler = api_relapses_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/relapses", .handler = api_relapses_create,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_PUT, .pattern = "/api/v1/persons/{id}/sober-since", .handler = api_sober_since_put,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/relapses/{id}", .handler = api_relapse_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_PATCH, .pattern = "/api/v1/relapses/{id}", .handler = api_relapse_patch,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/relapses/{id}/decision", .handler = api_relapse_decision,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/relapses/{id}/pause", .handler = api_relapse_pause,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/relapses/{id}/resume", .handler = api_relapse_resume,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	/* --- end of relapse follow-up --- */

	/* --- FHIR export and the person's own copy (issue 7; fhir/fhir_http.c, web/recordcopy.c) --- */
	{ .method = M_GET, .pattern = "/fhir/metadata", .handler = fhir_metadata_get, .flags = NO_SESSION | API },
	{ .method = M_GET, .pattern = "/fhir/Patient/{id}", .handler = fhir_patient_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/fhir/Patient/{id}/$everything", .handler = fhir_everything_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/fhir/EpisodeOfCare/{id}", .handler = fhir_episode_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/fhir/CarePlan/{id}", .handler = fhir_careplan_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/{id}/copy", .handler = recordcopy_get, .flags = PAGE,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/persons/{id}/copy.json", .handler = recordcopy_json_get, .flags = PAGE,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/persons/{id}/access-log", .handler = access_log_get, .flags = PAGE,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/persons/{id}/access-log.csv", .handler = access_log_csv_get, .flags = PAGE,
	  .roles = ROLE_ADMIN },
	/* --- end of FHIR export --- */

	/* --- therapist training (issue 7): web/training.c, api/training.c --- */
	{ .method = M_GET, .pattern = "/training", .handler = training_list_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/training/users/{id}", .handler = training_user_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/training/users/{id}", .handler = training_user_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/api/v1/training", .handler = api_training_list, .flags = APIR,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/api/v1/training/users/{id}", .handler = api_training_user_get,
	  .flags = APIR, .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_PUT, .pattern = "/api/v1/training/users/{id}", .handler = api_training_user_put,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	/* --- end of therapist training --- */
	/* --- sobriety tests (issue 6): web/sobriety.c, api/sobriety.c --- */
	{ .method = M_GET, .pattern = "/persons/{id}/tests", .handler = sobriety_tests_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/{id}/tests/new", .handler = sobriety_test_new_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/tests", .handler = sobriety_test_create_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/medications", .handler = sobriety_med_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/medications/end", .handler = sobriety_med_end_post,
	  .flags = FORM, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/tests/{id}", .handler = sobriety_test_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/tests/{id}/lab", .handler = sobriety_lab_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/programmes/{id}/tests", .handler = sobriety_programme_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/programmes/{id}/test-rules", .handler = sobriety_rule_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/programmes/{id}/zero-tolerance", .handler = sobriety_zero_post,
	  .flags = FORM, .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/substances", .handler = substances_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/substances", .handler = substances_post, .flags = FORM, .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/substances/{id}", .handler = substance_get, .flags = PAGE, .roles = ROLE_ADMIN },
	{ .method = M_POST, .pattern = "/substances/{id}", .handler = substance_post, .flags = FORM,
	  .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/test-draws", .handler = test_draws_get, .flags = PAGE,
	  .roles = ROLE_AUDITOR | ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}/tests", .handler = api_tests_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/tests", .handler = api_tests_create,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/tests/{id}", .handler = api_test_get, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/tests/{id}/lab", .handler = api_test_lab, .flags = APIR | NEEDS_CSRF,
	  .roles = ROLE_STAFF },
	/* --- end of sobriety tests --- */

	/* --- the programme report (issue 7): web/report.c --- */
	{ .method = M_GET, .pattern = "/programmes/{id}/report", .handler = report_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/programmes/{id}/report.csv", .handler = report_csv_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	/* --- end of the programme report --- */

	/* --- the network report (issue 7): web/network.c --- */
	{ .method = M_GET, .pattern = "/network", .handler = network_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/network", .handler = network_post, .flags = FORM, .roles = ROLE_ADMIN },
	{ .method = M_GET, .pattern = "/network/report", .handler = network_report_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/network/report.csv", .handler = network_report_csv_get, .flags = PAGE,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	/* --- end of the network report --- */

	/* --- outcome measures (issue 6): web/outcomes.c, web/selfform.c, api/outcomes.c ---
	 * /q is the public one-time-link form: no login (the link's token is the key, kept in a
	 * cookie, never in a logged URL), double-submit CSRF, failed tokens rate limited. */
	{ .method = M_GET, .pattern = "/persons/{id}/outcomes", .handler = outcomes_person_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/outcomes", .handler = outcomes_create_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/persons/{id}/outcomes/new", .handler = outcomes_new_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/persons/{id}/outcomes/links", .handler = outcomes_link_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/outcomes/{id}/error", .handler = outcome_error_post, .flags = FORM,
	  .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/outcomes/due", .handler = outcomes_due_get, .flags = PAGE, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/programmes/{id}/outcomes", .handler = outcomes_schedule_get, .flags = PAGE,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/programmes/{id}/outcomes", .handler = outcomes_schedule_post, .flags = FORM,
	  .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_POST, .pattern = "/programmes/{id}/outcomes/remove", .handler = outcomes_schedule_remove_post,
	  .flags = FORM, .roles = ROLE_ADMIN | ROLE_COORDINATOR },
	{ .method = M_GET, .pattern = "/q", .handler = selfform_get, .flags = PW_CHANGE_OK },
	{ .method = M_POST, .pattern = "/q", .handler = selfform_post, .flags = NEEDS_CSRF | PW_CHANGE_OK },
	{ .method = M_GET, .pattern = "/api/v1/persons/{id}/outcomes", .handler = api_outcomes_list, .flags = APIR,
	  .roles = ROLE_STAFF },
	{ .method = M_POST, .pattern = "/api/v1/persons/{id}/outcomes", .handler = api_outcomes_create,
	  .flags = APIR | NEEDS_CSRF, .roles = ROLE_STAFF },
	{ .method = M_GET, .pattern = "/api/v1/outcomes/due", .handler = api_outcomes_due, .flags = APIR,
	  .roles = ROLE_STAFF },
	/* --- end of outcome measures --- */
};

const size_t routes_count = sizeof routes / sizeof routes[0];

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ NEEDS_LOGIN, "login" }, { NEEDS_ORG, "org" },	       { NEEDS_CSRF, "csrf" },
	{ API, "api" },		  { NO_SESSION, "no_session" }, { PW_CHANGE_OK, "pw_change_ok" },
	{ PUBLIC, "public" },
};

static const enum role all_roles[] = { ROLE_ADMIN, ROLE_COORDINATOR, ROLE_THERAPIST, ROLE_AUDITOR };

void routes_dump_json(struct buf *out)
{
	json_t *list = json_array();
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		struct buf m = BUF_INIT;
		methods_format(rt->method, &m);
		json_t *flags = json_array(), *roles = json_array();
		for (size_t f = 0; f < sizeof flag_names / sizeof flag_names[0]; f++)
			if (rt->flags & flag_names[f].flag)
				json_array_append_new(flags, json_string(flag_names[f].name));
		for (size_t k = 0; k < sizeof all_roles / sizeof all_roles[0]; k++)
			if (rt->roles & (unsigned)all_roles[k])
				json_array_append_new(roles, json_string(role_name(all_roles[k])));
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:o, s:b}", "method", m.data, "pattern",
						      rt->pattern, "flags", flags, "roles", roles, "has_id",
						      strstr(rt->pattern, "{id}") != NULL));
		buf_release(&m);
	}
	char *s = json_dumps(list, JSON_INDENT(2));
	buf_adds(out, s);
	buf_addch(out, '\n');
	free(s);
	json_decref(list);
}
