/* static.h: the cheap routes — static files held in memory, and /healthz. */
#ifndef TOLV_HTTP_STATIC_H
#define TOLV_HTTP_STATIC_H

#include "http/req.h"

/* Loads the known static files into site->files (missing ones stay NULL and answer
 * 404; pages then link only those present). ds_dir may be NULL. */
void static_load(struct site *site, const char *static_dir, const char *ds_dir);
void static_free(struct site *site);

/* The ?v= version of a file for links, or NULL if the file is not loaded. */
const char *static_version(const struct site *site, enum static_id id);

/* GET /static/...: only the files of the table, so no path ever reaches the file system. */
void static_get(struct req *r);
/* GET /healthz: 200 "ok" when the store answers, 503 when it does not. */
void healthz_get(struct req *r);

#endif
