/* csv.h: CSV cells for exports (RFC 4180 quoting, plus spreadsheet formula defusing). */
#ifndef TOLV_WEB_CSV_H
#define TOLV_WEB_CSV_H

#include "core/buf.h"

/* Appends s as one CSV cell: quoted (with "" for ") when it holds a comma, quote, CR or
 * LF; a cell starting with = + - @ (or tab/CR, which some spreadsheets skip first) gets a
 * leading ' so a spreadsheet shows it as text instead of running it as a formula. */
void csv_cell(struct buf *out, const char *s);

#endif
