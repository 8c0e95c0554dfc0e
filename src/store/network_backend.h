/* network_backend.h: what the two backends share for the network report (issue 7) —
 * column lists and their row maps. Private to src/store/, included by sqlite_network.c
 * and pg_network.c. */
#ifndef TOLV_STORE_NETWORK_BACKEND_H
#define TOLV_STORE_NETWORK_BACKEND_H

#include <stddef.h>

#include "store/backend.h"

#define NETWORK_COL(type, st, field) { (type), offsetof(st, field), sizeof(((st *)0)->field) }

#define STORE_NETWORK_MEMBER_COLS "m.org_id, o.name, m.joined_at, m.joined_by"
static const struct store_col network_member_cols[] = {
	NETWORK_COL(SCOL_I64, struct network_member, org_id),
	NETWORK_COL(SCOL_TEXT, struct network_member, org_name),
	NETWORK_COL(SCOL_I64, struct network_member, joined_at),
	NETWORK_COL(SCOL_I64, struct network_member, joined_by),
};
static const struct store_cols network_member_map = { network_member_cols, 4 };

#define STORE_NETWORK_IMPORT_COLS "id, installation, org_name, template, from_day, to_day, generated_at, imported_at"
static const struct store_col network_import_cols[] = {
	NETWORK_COL(SCOL_I64, struct network_import, id),
	NETWORK_COL(SCOL_TEXT, struct network_import, installation),
	NETWORK_COL(SCOL_TEXT, struct network_import, org_name),
	NETWORK_COL(SCOL_TEXT, struct network_import, template_key),
	NETWORK_COL(SCOL_DAY, struct network_import, from),
	NETWORK_COL(SCOL_DAY, struct network_import, to),
	NETWORK_COL(SCOL_I64, struct network_import, generated_at),
	NETWORK_COL(SCOL_I64, struct network_import, imported_at),
};
static const struct store_cols network_import_map = { network_import_cols, 8 };

struct network_body_row {
	char body[STORE_NET_BODY_MAX];
};
static const struct store_col network_body_cols[] = {
	NETWORK_COL(SCOL_TEXT, struct network_body_row, body),
};
static const struct store_cols network_body_map = { network_body_cols, 1 };

/* The body out of a row read into a heap copy. */
static char *network_body_take(struct network_body_row *row)
{
	char *b = xstrdup(row->body);
	free(row);
	return b;
}

#endif
