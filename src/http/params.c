/* params.c: the request parsers of params.h. */
#include "http/params.h"

#include <string.h>

#include "core/i18n.h"
#include "core/util.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *percent_decode(struct pool *p, const char *s, size_t len, bool plus_is_space)
{
	char *out = pool_alloc(p, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3)
				return NULL;
			int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			out[o++] = ' ';
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	/* utf8_valid_text refuses NUL and control characters other than tab/CR/LF, so a
	 * decoded string is always safe to use as a C string and to store. */
	if (!utf8_valid_text(out, o))
		return NULL;
	return out;
}

static void params_push(struct pool *p, struct params *ps, const char *name, const char *value)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		struct param *v = pool_alloc(p, cap * sizeof *v);
		if (ps->n)
			memcpy(v, ps->v, ps->n * sizeof *v);
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n].name = name;
	ps->v[ps->n].value = value;
	ps->n++;
}

int form_parse(struct pool *p, const char *s, size_t len, struct params *out)
{
	size_t i = 0;
	while (i < len) {
		const char *piece = s + i;
		const char *amp = memchr(piece, '&', len - i);
		size_t plen = amp ? (size_t)(amp - piece) : len - i;
		i += plen + 1;
		if (plen == 0)
			continue;
		if (out->n >= PARAMS_MAX)
			return -1;
		const char *eq = memchr(piece, '=', plen);
		size_t nlen = eq ? (size_t)(eq - piece) : plen;
		char *name = percent_decode(p, piece, nlen, true);
		char *value = eq ? percent_decode(p, eq + 1, plen - nlen - 1, true) : pool_strdup(p, "");
		if (!name || !value)
			return -1;
		params_push(p, out, name, value);
	}
	return 0;
}

static bool is_cookie_space(char c)
{
	return c == ' ' || c == '\t';
}

int cookie_parse(struct pool *p, const char *s, struct params *out)
{
	if (!s)
		return 0;
	while (*s) {
		while (*s == ';' || is_cookie_space(*s))
			s++;
		if (!*s)
			break;
		const char *end = strchr(s, ';');
		size_t plen = end ? (size_t)(end - s) : strlen(s);
		const char *eq = memchr(s, '=', plen);
		if (eq && eq > s) {
			size_t nlen = (size_t)(eq - s);
			while (nlen && is_cookie_space(s[nlen - 1]))
				nlen--;
			const char *v = eq + 1;
			size_t vlen = plen - (size_t)(v - s);
			while (vlen && is_cookie_space(*v)) {
				v++;
				vlen--;
			}
			while (vlen && is_cookie_space(v[vlen - 1]))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			/* Cookie names and values are ASCII tokens; anything else is
			 * somebody else's junk and simply not ours. */
			if (nlen && utf8_valid_text(s, nlen) && utf8_valid_text(v, vlen)) {
				if (out->n >= PARAMS_MAX)
					return -1;
				params_push(p, out, pool_strndup(p, s, nlen), pool_strndup(p, v, vlen));
			}
		}
		if (!end)
			break;
		s = end + 1;
	}
	return 0;
}

const char *params_get(const struct params *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return ps->v[i].value;
	return NULL;
}

size_t params_count(const struct params *ps, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			n++;
	return n;
}

void url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		    *c == '.' || *c == '_' || *c == '~') {
			buf_addch(out, (char)*c);
		} else {
			char e[3] = { '%', hex[*c >> 4], hex[*c & 15] };
			buf_add(out, e, 3);
		}
	}
}

/* Parses "q=0.8" (after the ';') into thousandths; -1 if malformed. */
static int parse_qvalue(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n < 2 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
		return -1;
	s += 2;
	n -= 2;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

int accept_language_parse(const char *header)
{
	if (!header)
		return -1;
	int best = -1, best_q = 0;
	const char *s = header;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t plen = end ? (size_t)(end - s) : strlen(s);
		const char *semi = memchr(s, ';', plen);
		size_t tlen = semi ? (size_t)(semi - s) : plen;
		const char *tag = s;
		while (tlen && (*tag == ' ' || *tag == '\t')) {
			tag++;
			tlen--;
		}
		while (tlen && (tag[tlen - 1] == ' ' || tag[tlen - 1] == '\t'))
			tlen--;
		int q = 1000;
		if (semi) {
			q = parse_qvalue(semi + 1, plen - (size_t)(semi + 1 - s));
			if (q < 0)
				q = 0; /* a malformed weight: ignore the entry, not the header */
		}
		char code[16];
		if (tlen > 0 && tlen < sizeof code && q > best_q) {
			memcpy(code, tag, tlen);
			code[tlen] = '\0';
			int l = lang_parse(code);
			if (l >= 0) {
				best = l;
				best_q = q;
			}
		}
		if (!end)
			break;
		s = end + 1;
	}
	return best;
}

bool local_path_ok(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return false;
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)next; *c; c++, n++)
		if (*c < 0x20 || *c == 0x7f || *c == '\\' || n > 512)
			return false;
	return true;
}
