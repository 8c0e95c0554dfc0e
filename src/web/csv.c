/* csv.c: CSV cells (see csv.h). */
#include "web/csv.h"

#include <stdbool.h>
#include <string.h>

void csv_cell(struct buf *out, const char *s)
{
	if (!s)
		s = "";
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	bool quote = formula || strpbrk(s, ",\"\r\n;") != NULL;
	if (quote)
		buf_addch(out, '"');
	if (formula)
		buf_addch(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_addch(out, '"');
		buf_addch(out, *p);
	}
	if (quote)
		buf_addch(out, '"');
}
