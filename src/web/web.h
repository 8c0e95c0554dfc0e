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

#endif
