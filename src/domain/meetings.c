/* meetings.c: validation, parsing and the audited changes of the meeting directory (see
 * meetings.h). */
#include "domain/meetings.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/meeting_finder.h"
#include "domain/meeting_types.h"
#include "domain/recurrence.h"

void meeting_error(struct meeting_errors *errs, const char *field, const char *message)
{
	if (!errs)
		return;
	for (size_t i = 0; i < errs->n; i++)
		if (!strcmp(errs->e[i].field, field))
			return; /* the first problem of a field is the one to fix first */
	if (errs->n < MEETING_ERRORS_MAX)
		errs->e[errs->n++] = (struct field_error){ field, message };
}

const char *meeting_error_get(const struct meeting_errors *errs, const char *field)
{
	for (size_t i = 0; errs && i < errs->n; i++)
		if (!strcmp(errs->e[i].field, field))
			return errs->e[i].message;
	return NULL;
}

void meeting_init(struct meeting *m)
{
	memset(m, 0, sizeof *m);
	m->start_min = m->end_min = -1;
	m->starts_on = DATE_NONE;
	copy_str(m->timezone, sizeof m->timezone, MEETING_DEFAULT_TZ);
	copy_str(m->fellowship, sizeof m->fellowship, "aa");
	copy_str(m->attendance, sizeof m->attendance, "in_person");
	m->public = true;
}

/* ---- small parsers ---- */

/* Trims ASCII white space in place. */
static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

/* Line breaks and tabs in a one-line field become spaces: imports are forgiving. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

int meeting_parse_time(const char *s)
{
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	int h = 0, m = 0, digits = 0;
	const char *p = s;
	while (isdigit((unsigned char)*p) && digits < 2) {
		h = h * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || (*p != ':' && *p != '.'))
		return -1;
	p++;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return -1;
	m = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (*p == ':' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]))
		p += 3; /* seconds, as some feeds write "18:00:00": ignored */
	while (*p == ' ')
		p++;
	if (!strncasecmp(p, "am", 2) || !strncasecmp(p, "pm", 2)) {
		bool pm = tolower((unsigned char)*p) == 'p';
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (pm ? 12 : 0);
		p += 2;
		if (*p == '.')
			p++;
	}
	while (*p == ' ')
		p++;
	if (*p || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return (h * 60 + m) % 1440;
}

void meeting_format_time(int minutes, char *out, size_t outlen)
{
	if (minutes < 0 || minutes > 1439)
		snprintf(out, outlen, "%s", "");
	else
		snprintf(out, outlen, "%02d:%02d", minutes / 60, minutes % 60);
}

static const char *const day_names[3][7] = {
	{ "søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag" },
	{ "söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag" },
	{ "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" },
};

const char *meeting_day_name(int day, int lang)
{
	if (day < 0 || day > 6 || lang < 0 || lang > 2)
		return "";
	return day_names[lang][day];
}

int meeting_parse_day(const char *s)
{
	if (!s)
		return -1;
	char t[16];
	if (!copy_str(t, sizeof t, s))
		return -1;
	trim(t);
	if (t[0] >= '0' && t[0] <= '6' && t[1] == '\0')
		return t[0] - '0';
	for (int l = 0; l < 3; l++)
		for (int d = 0; d < 7; d++)
			if (!strcasecmp(t, day_names[l][d]))
				return d;
	/* Three-letter English abbreviations ("Mon"), as some feeds write them. */
	for (int d = 0; d < 7; d++)
		if (strlen(t) == 3 && !strncasecmp(t, day_names[2][d], 3))
			return d;
	return -1;
}

bool meeting_parse_coord(const char *s, double max, int64_t *e6)
{
	if (!s || !*s)
		return false;
	char *end = NULL;
	double v = strtod(s, &end);
	while (end && *end == ' ')
		end++;
	if (!end || end == s || *end || !isfinite(v) || v < -max || v > max)
		return false;
	*e6 = (int64_t)llround(v * 1e6);
	return true;
}

void meeting_slugify(const char *name, char *out, size_t outlen)
{
	size_t j = 0;
	bool dash = false;
	for (const unsigned char *c = (const unsigned char *)name; *c && j + 3 < outlen; c++) {
		const char *rep = NULL;
		char one[2] = { 0, 0 };
		if (isalnum(*c) && *c < 0x80) {
			one[0] = (char)tolower(*c);
			rep = one;
		} else if (*c == 0xc3 && c[1]) {
			switch (c[1]) {
			case 0xa6: case 0x86: rep = "ae"; break;             /* æ Æ */
			case 0xb8: case 0x98: case 0xb6: case 0x96: rep = "o"; break; /* ø Ø ö Ö */
			case 0xa5: case 0x85: case 0xa4: case 0x84: case 0xa0: case 0xa1: rep = "a"; break;
			case 0xa9: case 0x89: case 0xa8: case 0x88: rep = "e"; break;
			case 0xbc: case 0x9c: rep = "u"; break;
			default: break;
			}
			c++;
		}
		if (!rep) {
			dash = j > 0;
			continue;
		}
		if (dash && j + 1 < outlen - 3) {
			out[j++] = '-';
			dash = false;
		}
		for (; *rep && j + 1 < outlen; rep++)
			out[j++] = *rep;
	}
	out[j] = '\0';
	if (j > 100)
		out[100] = '\0';
	if (!out[0])
		snprintf(out, outlen, "%s", "meeting");
}

/* Length in bytes of the UTF-8 character at s (1 for ASCII or a broken byte). */
static size_t utf8_len(const unsigned char *s)
{
	if (*s >= 0xf0 && s[1] && s[2] && s[3])
		return 4;
	if (*s >= 0xe0 && s[1] && s[2])
		return 3;
	if (*s >= 0xc0 && s[1])
		return 2;
	return 1;
}

bool meeting_contact_name_ok(const char *name)
{
	if (!name || !*name)
		return true;
	const unsigned char *p = (const unsigned char *)name;
	/* The given name: letters and hyphens, at least one character. */
	size_t given = 0;
	while (*p && *p != ' ') {
		if (*p < 0x80 && !isalpha(*p) && *p != '-' && *p != '\'')
			return false;
		size_t k = utf8_len(p);
		p += k;
		given++;
	}
	if (!given)
		return false;
	while (*p == ' ')
		p++;
	if (!*p)
		return true;
	/* At most one initial: one letter, an optional full stop, and nothing after it. */
	if (*p < 0x80 && !isalpha(*p))
		return false;
	p += utf8_len(p);
	if (*p == '.')
		p++;
	return *p == '\0';
}

const char *meeting_attendance_guess(const struct meeting *m)
{
	/* ONL alone is not enough: the specification counts an online meeting as active only
	 * with a conference URL or phone. */
	bool online = m->conference_url[0] != '\0';
	bool phone = m->conference_phone[0] != '\0';
	bool place = !types_has(m->types, "TC") &&
		     (m->address[0] || m->formatted_address[0] || m->location[0] || m->has_geo);
	if ((online || phone) && place)
		return "hybrid";
	if (online)
		return "online";
	if (phone)
		return "phone";
	return "in_person";
}

double meeting_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(fmin(1.0, sqrt(a)));
}

int64_t meeting_parse_updated(const char *s)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (!s || strlen(s) < 10)
		return -1;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	mo = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!date_valid_ymd(y, mo, d))
		return -1;
	const char *p = s + 10;
	if (*p == ' ' || *p == 'T')
		p++;
	if (*p) {
		/* HH:MM[:SS][Z] — and TSML's CSV, which writes "2020-04-0416:50:58". */
		if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != ':' ||
		    !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]))
			return -1;
		h = (p[0] - '0') * 10 + (p[1] - '0');
		mi = (p[3] - '0') * 10 + (p[4] - '0');
		p += 5;
		if (*p == ':' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2])) {
			se = (p[1] - '0') * 10 + (p[2] - '0');
			p += 3;
		}
		if (*p == 'Z')
			p++;
		if (*p || h > 23 || mi > 59 || se > 60)
			return -1;
	}
	return (int64_t)date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

void meeting_format_updated(int64_t t, char *out, size_t outlen)
{
	int y, mo, d;
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t rest = t - day * 86400;
	date_to_ymd((int32_t)day, &y, &mo, &d);
	snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, (int)(rest / 3600), (int)(rest / 60 % 60),
		 (int)(rest % 60));
}

/* ---- validation ---- */

static bool text_ok(const char *s)
{
	return utf8_valid_text(s, strlen(s));
}

static bool url_ok(const char *s)
{
	if (!*s)
		return true;
	if (strncasecmp(s, "https://", 8) && strncasecmp(s, "http://", 7))
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c == '"' || *c == '<' || *c == '>' || *c == 0x7f)
			return false;
	return true;
}

static bool phone_ok(const char *s)
{
	return strspn(s, "0123456789 +-().*#,/") == strlen(s);
}

/* Sorted, de-duplicated codes; known codes in their canonical spelling. */
static void normalise_types(struct meeting *m, struct meeting_errors *errs)
{
	char codes[32][16];
	size_t n = 0;
	char in[MEETING_TYPES_MAX];
	copy_str(in, sizeof in, m->types);
	for (char *p = in; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		trim(p);
		if (*p) {
			const struct meeting_type *t = meeting_type_find(p);
			if (!t)
				t = meeting_type_by_name(p);
			const char *code = t ? t->code : p;
			size_t len = strlen(code);
			if (!t && (len > 10 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != len)) {
				meeting_error(errs, "types", "Meeting types are codes like O, C, X or NO, separated by commas.");
				return;
			}
			bool dup = false;
			for (size_t i = 0; i < n; i++)
				dup |= !strcmp(codes[i], code);
			if (!dup && n < 32)
				copy_str(codes[n++], sizeof codes[0], code);
		}
		p = comma ? comma + 1 : NULL;
	}
	/* Insertion sort: at most 32 codes. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
			char tmp[16];
			memcpy(tmp, codes[j], sizeof tmp);
			memcpy(codes[j], codes[j - 1], sizeof tmp);
			memcpy(codes[j - 1], tmp, sizeof tmp);
		}
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(&b, ',');
		buf_adds(&b, codes[i]);
	}
	if (!copy_str(m->types, sizeof m->types, b.data))
		meeting_error(errs, "types", "Too many meeting types.");
	buf_release(&b);
}

int meeting_validate(struct meeting *m, struct meeting_errors *errs)
{
	size_t before = errs ? errs->n : 0;
	struct meeting_errors local = { 0 };
	if (!errs)
		errs = &local;
	/* One-line text fields: trimmed, line breaks made spaces, valid text. */
	struct {
		char *f;
		const char *field;
	} lines[] = {
		{ m->name, "name" },
		{ m->slug, "slug" },
		{ m->timezone, "timezone" },
		{ m->rrule, "rrule" },
		{ m->location, "location" },
		{ m->formatted_address, "formatted_address" },
		{ m->address, "address" },
		{ m->city, "city" },
		{ m->state, "state" },
		{ m->postal_code, "postal_code" },
		{ m->country, "country" },
		{ m->region, "region" },
		{ m->sub_region, "sub_region" },
		{ m->group_name, "group" },
		{ m->conference_url, "conference_url" },
		{ m->conference_phone, "conference_phone" },
		{ m->website, "website" },
		{ m->email, "email" },
		{ m->phone, "phone" },
		{ m->url, "url" },
		{ m->contact[0].name, "contact_1_name" },
		{ m->contact[0].email, "contact_1_email" },
		{ m->contact[0].phone, "contact_1_phone" },
		{ m->contact[1].name, "contact_2_name" },
		{ m->contact[1].email, "contact_2_email" },
		{ m->contact[1].phone, "contact_2_phone" },
		{ m->contact[2].name, "contact_3_name" },
		{ m->contact[2].email, "contact_3_email" },
		{ m->contact[2].phone, "contact_3_phone" },
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		one_line(lines[i].f);
		trim(lines[i].f);
		if (!text_ok(lines[i].f))
			meeting_error(errs, lines[i].field, "This contains characters that are not allowed.");
	}
	char *notes[] = { m->notes, m->location_notes, m->group_notes, m->conference_url_notes,
			  m->conference_phone_notes };
	const char *notes_field[] = { "notes", "location_notes", "group_notes", "conference_url_notes",
				      "conference_phone_notes" };
	for (size_t i = 0; i < 5; i++) {
		trim(notes[i]);
		if (!text_ok(notes[i]))
			meeting_error(errs, notes_field[i], "This contains characters that are not allowed.");
	}

	if (!m->name[0])
		meeting_error(errs, "name", "Enter the meeting's name.");
	if (!m->slug[0] && m->name[0])
		meeting_slugify(m->name, m->slug, sizeof m->slug);
	size_t sl = strlen(m->slug);
	if (sl && (sl > 100 || strspn(m->slug, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-") != sl))
		meeting_error(errs, "slug", "The slug may hold letters a-z, digits, '.', '_', '~' and '-' only.");

	if (!m->timezone[0])
		copy_str(m->timezone, sizeof m->timezone, MEETING_DEFAULT_TZ);
	if (!recur_timezone_ok(m->timezone))
		meeting_error(errs, "timezone", "Choose a time zone from the tz database, like Europe/Oslo.");
	if (m->days < 0 || m->days > 127)
		meeting_error(errs, "day", "Choose days of the week.");
	if (m->start_min < -1 || m->start_min > 1439)
		meeting_error(errs, "time", "Enter the time as HH:MM, like 19:30.");
	if (m->end_min < -1 || m->end_min > 1439 || (m->end_min >= 0 && m->start_min < 0))
		meeting_error(errs, "end_time", "Enter the end time as HH:MM, after a start time.");
	if (m->rrule[0]) {
		int days = 0;
		const char *why = NULL;
		if (recur_rrule_weekly_days(m->rrule, &days)) {
			m->days = days; /* plainly weekly: kept as days, so the feed can carry it */
			m->rrule[0] = '\0';
		} else if (recur_rrule_check(m->rrule, m->starts_on != DATE_NONE, &why)) {
			meeting_error(errs, "rrule", why);
		} else {
			m->days = 0;
			if (m->start_min < 0)
				meeting_error(errs, "time", "A repeating meeting needs a start time.");
		}
	}
	if ((m->days || m->rrule[0]) && m->start_min < 0)
		meeting_error(errs, "time", "Enter the time the meeting starts, like 19:30.");

	normalise_types(m, errs);
	const struct fellowship *f = fellowship_find(m->fellowship);
	if (!f)
		meeting_error(errs, "fellowship", "Choose the fellowship (AA, NA, …).");
	else
		copy_str(m->fellowship, sizeof m->fellowship, f->key);

	if (!url_ok(m->conference_url))
		meeting_error(errs, "conference_url", "Enter a web address that starts with https://.");
	if (!url_ok(m->website))
		meeting_error(errs, "website", "Enter a web address that starts with https://.");
	if (!url_ok(m->url))
		meeting_error(errs, "url", "Enter a web address that starts with https://.");
	if (!phone_ok(m->conference_phone))
		meeting_error(errs, "conference_phone", "A phone number holds digits, spaces and + ( ) - * # , only.");
	if (!phone_ok(m->phone))
		meeting_error(errs, "phone", "A phone number holds digits, spaces and + ( ) - * # , only.");
	if (m->email[0] && !email_valid(m->email))
		meeting_error(errs, "email", "Enter a valid e-mail address, like name@example.no.");
	static const char *const cname[] = { "contact_1_name", "contact_2_name", "contact_3_name" };
	static const char *const cmail[] = { "contact_1_email", "contact_2_email", "contact_3_email" };
	static const char *const cphone[] = { "contact_1_phone", "contact_2_phone", "contact_3_phone" };
	for (int i = 0; i < MEETING_CONTACTS; i++) {
		struct meeting_contact *c = &m->contact[i];
		if (!meeting_contact_name_ok(c->name))
			meeting_error(errs, cname[i],
				      "Anonymity: give a first name and at most an initial, like \"Kari N.\" — no last names.");
		if (c->email[0] && !email_valid(c->email))
			meeting_error(errs, cmail[i], "Enter a valid e-mail address, like name@example.no.");
		if (!phone_ok(c->phone))
			meeting_error(errs, cphone[i], "A phone number holds digits, spaces and + ( ) - * # , only.");
	}

	if (!m->attendance[0])
		copy_str(m->attendance, sizeof m->attendance, meeting_attendance_guess(m));
	bool place = m->location[0] || m->address[0] || m->formatted_address[0] || m->has_geo;
	bool online = m->conference_url[0] || m->conference_phone[0];
	if (!strcmp(m->attendance, "in_person")) {
		if (!place)
			meeting_error(errs, "address", "An in-person meeting needs a place: a location or an address.");
	} else if (!strcmp(m->attendance, "hybrid")) {
		if (!place)
			meeting_error(errs, "address", "A hybrid meeting needs a place: a location or an address.");
		if (!online)
			meeting_error(errs, "conference_url", "A hybrid meeting needs a conference URL or phone number.");
	} else if (!strcmp(m->attendance, "online")) {
		if (!online)
			meeting_error(errs, "conference_url", "An online meeting needs a conference URL or phone number.");
	} else if (!strcmp(m->attendance, "phone")) {
		if (!m->conference_phone[0])
			meeting_error(errs, "conference_phone", "A phone meeting needs the number to call.");
	} else {
		meeting_error(errs, "attendance", "Choose in person, online, hybrid or phone.");
	}
	return errs->n > before ? ACC_INVALID : 0;
}

/* ---- input ---- */

/* Copies a given value into a field; too long → an error at field. */
static void put(char *dst, size_t dstlen, const char *v, const char *field, struct meeting_errors *errs)
{
	if (!v)
		return;
	if (!copy_str(dst, dstlen, v))
		meeting_error(errs, field, "This is too long.");
}
#define PUT(f, v, field) put((f), sizeof(f), (v), (field), errs)

int meeting_apply_input(struct meeting *m, const struct meeting_input *in, struct meeting_errors *errs)
{
	size_t before = errs->n;
	PUT(m->name, in->name, "name");
	PUT(m->slug, in->slug, "slug");
	if (in->has_days) {
		int days = 0;
		for (int i = 0; i < 7 && in->days[i]; i++) {
			if (!*in->days[i])
				continue;
			int d = meeting_parse_day(in->days[i]);
			if (d < 0)
				meeting_error(errs, "day", "Choose days of the week.");
			else
				days |= 1 << d;
		}
		m->days = days;
	}
	if (in->time) {
		m->start_min = *in->time ? meeting_parse_time(in->time) : -1;
		if (*in->time && m->start_min < 0)
			meeting_error(errs, "time", "Enter the time as HH:MM, like 19:30.");
	}
	if (in->end_time) {
		m->end_min = *in->end_time ? meeting_parse_time(in->end_time) : -1;
		if (*in->end_time && m->end_min < 0)
			meeting_error(errs, "end_time", "Enter the end time as HH:MM, like 20:30.");
	}
	PUT(m->timezone, in->timezone, "timezone");
	PUT(m->rrule, in->rrule, "rrule");
	if (in->starts_on) {
		m->starts_on = DATE_NONE;
		if (*in->starts_on && date_parse(in->starts_on, &m->starts_on))
			meeting_error(errs, "starts_on", "Enter the date as YYYY-MM-DD.");
	}
	PUT(m->location, in->location, "location");
	PUT(m->location_notes, in->location_notes, "location_notes");
	PUT(m->formatted_address, in->formatted_address, "formatted_address");
	PUT(m->address, in->address, "address");
	PUT(m->city, in->city, "city");
	PUT(m->state, in->state, "state");
	PUT(m->postal_code, in->postal_code, "postal_code");
	PUT(m->country, in->country, "country");
	PUT(m->region, in->region, "region");
	PUT(m->sub_region, in->sub_region, "sub_region");
	if (in->latitude || in->longitude) {
		const char *la = in->latitude ? in->latitude : "", *lo = in->longitude ? in->longitude : "";
		if (!*la && !*lo) {
			m->has_geo = false;
			m->lat_e6 = m->lon_e6 = 0;
		} else if (!meeting_parse_coord(la, 90, &m->lat_e6)) {
			meeting_error(errs, "latitude", "Enter the latitude in decimal degrees, like 59.9139.");
		} else if (!meeting_parse_coord(lo, 180, &m->lon_e6)) {
			meeting_error(errs, "longitude", "Enter the longitude in decimal degrees, like 10.7522.");
		} else {
			m->has_geo = true;
		}
	}
	PUT(m->types, in->types, "types");
	PUT(m->notes, in->notes, "notes");
	PUT(m->group_name, in->group, "group");
	PUT(m->group_notes, in->group_notes, "group_notes");
	PUT(m->fellowship, in->fellowship, "fellowship");
	PUT(m->attendance, in->attendance, "attendance");
	PUT(m->conference_url, in->conference_url, "conference_url");
	PUT(m->conference_url_notes, in->conference_url_notes, "conference_url_notes");
	PUT(m->conference_phone, in->conference_phone, "conference_phone");
	PUT(m->conference_phone_notes, in->conference_phone_notes, "conference_phone_notes");
	PUT(m->website, in->website, "website");
	PUT(m->email, in->email, "email");
	PUT(m->phone, in->phone, "phone");
	PUT(m->url, in->url, "url");
	static const char *const cname[] = { "contact_1_name", "contact_2_name", "contact_3_name" };
	static const char *const cmail[] = { "contact_1_email", "contact_2_email", "contact_3_email" };
	static const char *const cphone[] = { "contact_1_phone", "contact_2_phone", "contact_3_phone" };
	for (int i = 0; i < MEETING_CONTACTS; i++) {
		PUT(m->contact[i].name, in->contact_name[i], cname[i]);
		PUT(m->contact[i].email, in->contact_email[i], cmail[i]);
		PUT(m->contact[i].phone, in->contact_phone[i], cphone[i]);
	}
	if (in->has_public)
		m->public = in->public;
	meeting_validate(m, errs);
	return errs->n > before ? ACC_INVALID : 0;
}

/* ---- audited changes ---- */

static void audit_meeting(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			  int64_t id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	audit_event(ac->audit, who ? who->user_id : 0, who ? who->email : "public", org_id, who ? who->addr : NULL,
		    action, "meeting", oid, detail);
}

int meetings_create(struct accounts *ac, const struct actor *who, int64_t org_id, struct meeting *m,
		    struct meeting_errors *errs)
{
	if (meeting_validate(m, errs))
		return ACC_INVALID;
	m->id = 0;
	m->updated_by = who->user_id;
	m->updated_at = 0;
	m->removed_at = 0;
	int rc = store_meeting_create(ac->store, org_id, m);
	if (rc == STORE_CONFLICT)
		meeting_error(errs, "slug", "Another meeting of this organisation has this slug.");
	if (rc)
		return rc;
	audit_meeting(ac, who, org_id, "meeting.create", m->id, m->public ? NULL : "unpublished");
	directory_changed();
	return 0;
}

int meetings_update(struct accounts *ac, const struct actor *who, int64_t org_id, struct meeting *m,
		    struct meeting_errors *errs)
{
	if (meeting_validate(m, errs))
		return ACC_INVALID;
	m->updated_by = who->user_id;
	m->updated_at = 0; /* now: the listing changed */
	int rc = store_meeting_update(ac->store, org_id, m);
	if (rc == STORE_CONFLICT)
		meeting_error(errs, "slug", "Another meeting of this organisation has this slug.");
	if (rc)
		return rc;
	audit_meeting(ac, who, org_id, "meeting.update", m->id, NULL);
	directory_changed();
	return 0;
}

int meetings_set_public(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, bool public)
{
	struct meeting m;
	int rc = store_meeting_get(ac->store, org_id, id, &m);
	if (rc)
		return rc;
	m.public = public;
	if (public)
		m.removed_at = 0;
	m.updated_by = who->user_id;
	m.updated_at = 0;
	if ((rc = store_meeting_update(ac->store, org_id, &m)))
		return rc;
	audit_meeting(ac, who, org_id, public ? "meeting.publish" : "meeting.unpublish", id, NULL);
	directory_changed();
	return 0;
}

int meetings_request_change(struct accounts *ac, int64_t meeting_id, const char *name, const char *email,
			    const char *message, const char *client_addr, struct meeting_errors *errs,
			    struct meeting_change_request *out)
{
	struct meeting m;
	int rc = store_meeting_get_public(ac->store, meeting_id, &m);
	if (rc)
		return rc;
	struct meeting_change_request cr;
	memset(&cr, 0, sizeof cr);
	cr.meeting_id = m.id;
	copy_str(cr.meeting_name, sizeof cr.meeting_name, m.name);
	if (!copy_str(cr.name, sizeof cr.name, name ? name : ""))
		meeting_error(errs, "name", "This is too long.");
	if (!copy_str(cr.email, sizeof cr.email, email ? email : ""))
		meeting_error(errs, "email", "This is too long.");
	if (!copy_str(cr.message, sizeof cr.message, message ? message : ""))
		meeting_error(errs, "message", "Write at most 2000 characters.");
	one_line(cr.name);
	trim(cr.name);
	trim(cr.email);
	trim(cr.message);
	if (!text_ok(cr.name))
		meeting_error(errs, "name", "This contains characters that are not allowed.");
	if (cr.email[0] && !email_valid(cr.email))
		meeting_error(errs, "email", "Enter a valid e-mail address, like name@example.no.");
	if (!cr.message[0])
		meeting_error(errs, "message", "Tell us what should change.");
	else if (!text_ok(cr.message))
		meeting_error(errs, "message", "This contains characters that are not allowed.");
	if (errs->n)
		return ACC_INVALID;
	sha256_hex(client_addr ? client_addr : "", strlen(client_addr ? client_addr : ""), cr.addr_hash);
	int64_t recent = 0;
	if ((rc = store_meeting_cr_count_recent(ac->store, cr.addr_hash, now_seconds() - 3600, &recent)))
		return rc;
	if (recent >= MEETING_CR_PER_HOUR)
		return MEETING_THROTTLED;
	if ((rc = store_meeting_cr_create(ac->store, m.org_id, &cr)))
		return rc;
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, cr.id);
	audit_event(ac->audit, 0, "public", m.org_id, client_addr, "meeting.request", "meeting_request", oid, NULL);
	if (out)
		*out = cr;
	return 0;
}

int meetings_close_request(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
			   const char *status)
{
	int rc = store_meeting_cr_close(ac->store, org_id, id, status, who->user_id);
	if (rc)
		return rc;
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, "meeting.request.close", "meeting_request",
		    oid, status);
	return 0;
}
