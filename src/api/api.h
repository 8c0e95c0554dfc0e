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

#endif
