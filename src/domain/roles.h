/* roles.h: the roles a user has in an organisation, and what each may do. */
#ifndef TOLV_DOMAIN_ROLES_H
#define TOLV_DOMAIN_ROLES_H

/* Bit flags so a route can require "any of" several roles. */
enum role {
	ROLE_NONE = 0,
	ROLE_AUDITOR = 1 << 0,
	ROLE_THERAPIST = 1 << 1,
	ROLE_COORDINATOR = 1 << 2,
	ROLE_ADMIN = 1 << 3,
};
#define ROLE_ANY (ROLE_AUDITOR | ROLE_THERAPIST | ROLE_COORDINATOR | ROLE_ADMIN)
#define ROLE_STAFF (ROLE_THERAPIST | ROLE_COORDINATOR | ROLE_ADMIN)

/* "admin" → ROLE_ADMIN ...; ROLE_NONE for anything else. */
enum role role_parse(const char *s);
/* ROLE_ADMIN → "admin"; "" for ROLE_NONE or a combination. */
const char *role_name(enum role r);
/* An English label for gettext: "Administrator", "Coordinator", "Therapist", "Auditor". */
const char *role_label(enum role r);

#endif
