/* roles.c: role names to flags and back. */
#include "domain/roles.h"

#include <string.h>

static const struct {
	enum role role;
	const char *name;
	const char *label;
} roles[] = {
	{ ROLE_ADMIN, "admin", "Administrator" },
	{ ROLE_COORDINATOR, "coordinator", "Coordinator" },
	{ ROLE_THERAPIST, "therapist", "Therapist" },
	{ ROLE_AUDITOR, "auditor", "Auditor" },
};

enum role role_parse(const char *s)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (s && strcmp(s, roles[i].name) == 0)
			return roles[i].role;
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "";
}

const char *role_label(enum role r)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == r)
			return roles[i].label;
	return "";
}
