/* national_id.c: Norwegian fødselsnummer/D-/H-numbers and Swedish personnummer/
 * samordningsnummer: form, check digits, century, date of birth (see national_id.h). */
#include "domain/national_id.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/i18n.h"

/* The messages are gettext msgids; N_() marks them for xgettext. */
static const char MSG_EMPTY[] = N_("Enter an identity number.");
static const char MSG_CHARS[] = N_("The number contains characters other than digits.");
static const char MSG_TWO_SEPS[] = N_("The number may contain only one space or dash.");
static const char MSG_SEP_PLACE[] = N_("The space or dash is in the wrong place.");
static const char MSG_PLUS[] = N_("A plus sign is only used in the 10-digit form (YYMMDD+NNNN).");
static const char MSG_COUNTRY[] = N_("Only Norwegian and Swedish identity numbers are supported.");
static const char MSG_WHICH[] = N_("The number is neither a Norwegian (11 digits) nor a Swedish (10 or 12 digits) identity number.");
static const char MSG_NO_LEN[] = N_("A Norwegian national identity number has 11 digits.");
static const char MSG_SE_LEN[] = N_("A Swedish personal identity number has 10 or 12 digits.");
static const char MSG_K1[] = N_("The first check digit is wrong (the number is mistyped).");
static const char MSG_K2[] = N_("The second check digit is wrong (the number is mistyped).");
static const char MSG_LUHN[] = N_("The check digit (the last digit) is wrong (the number is mistyped).");
static const char MSG_DATE[] = N_("The date of birth in the number is not a real date.");
static const char MSG_D_AND_H[] = N_("The number cannot be both a D-number and an H-number.");
static const char MSG_CENTURY_NO[] = N_("The individual number does not fit the year of birth.");
static const char MSG_CENTURY_SE[] = N_("The century in the number must be 18, 19 or 20.");
static const char MSG_SE_000[] = N_("The birth number 000 is not used.");
static const char MSG_FUTURE[] = N_("The date of birth is in the future.");

/* The typed number reduced to its digits, and where its one separator (if any) was. */
struct scanned {
	char d[16];   /* digits, NUL-terminated (only the first 15 kept) */
	int n;        /* how many digits were typed (may exceed 15) */
	char sep;     /* ' ', '-', '+' or 0 */
	int sep_at;   /* digits before the separator */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *scan(const char *input, struct scanned *sc)
{
	memset(sc, 0, sizeof *sc);
	const char *b = input, *e;
	while (*b && is_blank(*b))
		b++;
	e = b + strlen(b);
	while (e > b && is_blank(e[-1]))
		e--;
	if (e == b)
		return MSG_EMPTY;
	for (const char *p = b; p < e; p++) {
		if (*p >= '0' && *p <= '9') {
			if (sc->n < (int)sizeof sc->d - 1)
				sc->d[sc->n] = *p;
			if (sc->n < 1000)
				sc->n++;
		} else if (*p == ' ' || *p == '-' || *p == '+') {
			if (sc->sep)
				return MSG_TWO_SEPS;
			sc->sep = *p;
			sc->sep_at = sc->n;
		} else {
			return MSG_CHARS;
		}
	}
	return NULL;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Modulus 11 with Folkeregisteret's weights: the check digit that makes the weighted
 * sum divisible by 11, or -1 where that would be 10 (such digit strings are never
 * issued, so a number that needs one is mistyped). */
static int mod11(const char *d, const int *w, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += (d[i] - '0') * w[i];
	int k = 11 - sum % 11;
	return k == 11 ? 0 : k == 10 ? -1 : k;
}

static const char *parse_no(const struct scanned *sc, int32_t today, struct nid *out)
{
	static const int w1[9] = { 3, 7, 6, 1, 8, 9, 4, 5, 2 };
	static const int w2[10] = { 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
	const char *d = sc->d;

	if (sc->sep == '+')
		return MSG_CHARS;
	if (sc->n != 11)
		return MSG_NO_LEN;
	if (sc->sep && sc->sep_at != 6)
		return MSG_SEP_PLACE;
	if (mod11(d, w1, 9) != d[9] - '0')
		return MSG_K1;
	if (mod11(d, w2, 10) != d[10] - '0')
		return MSG_K2;

	int day = num(d, 2), month = num(d + 2, 2), yy = num(d + 4, 2), ind = num(d + 6, 3);
	bool dnr = false, hnr = false, synthetic = false;
	if (day >= 41 && day <= 71) {
		dnr = true;
		day -= 40;
	}
	if (month >= 81 && month <= 92) {
		synthetic = true;
		month -= 80;
	} else if (month >= 41 && month <= 52) {
		hnr = true;
		month -= 40;
	}
	if (dnr && hnr)
		return MSG_D_AND_H;

	/* Folkeregisteret's series: the individual number tells the century, and some
	 * combinations were never issued. */
	int century;
	if (ind <= 499)
		century = 1900;
	else if (ind <= 749 && yy >= 54)
		century = 1800;
	else if (yy <= 39)
		century = 2000; /* 500–999 */
	else if (ind >= 900)
		century = 1900; /* 900–999 with 40–99 */
	else
		return MSG_CENTURY_NO;

	int year = century + yy;
	if (!date_valid_ymd(year, month, day))
		return MSG_DATE;
	int32_t born = date_from_ymd(year, month, day);
	if (born > today)
		return MSG_FUTURE;

	out->kind = dnr ? NID_NO_DNR : hnr ? NID_NO_HNR : NID_NO_FNR;
	memcpy(out->canonical, d, 11);
	out->canonical[11] = '\0';
	out->birth_date = born;
	out->synthetic = synthetic;
	out->sex = (d[8] - '0') % 2 ? NID_SEX_MALE : NID_SEX_FEMALE;
	return NULL;
}

/* Luhn (modulus 10, weights 2 1 2 1 …) over the nine digits before the check digit. */
static int luhn(const char *d)
{
	int sum = 0;
	for (int i = 0; i < 9; i++) {
		int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	return (10 - sum % 10) % 10;
}

/* The year ending in yy that lies in [last - 99, last]. */
static int year_at_or_before(int last, int yy)
{
	int back = ((last - yy) % 100 + 100) % 100;
	return last - back;
}

static const char *parse_se(const struct scanned *sc, int32_t today, struct nid *out)
{
	if (sc->n != 10 && sc->n != 12)
		return MSG_SE_LEN;
	if (sc->sep == '+' && sc->n == 12)
		return MSG_PLUS;
	if (sc->sep && sc->sep_at != sc->n - 4)
		return MSG_SEP_PLACE;

	const char *ten = sc->d + (sc->n - 10);
	if (luhn(ten) != ten[9] - '0')
		return MSG_LUHN;

	int yy = num(ten, 2), month = num(ten + 2, 2), day = num(ten + 4, 2);
	bool samnr = false;
	if (day >= 61 && day <= 91) {
		samnr = true;
		day -= 60;
	}
	if (num(ten + 6, 3) == 0)
		return MSG_SE_000;

	int ty, tm, td, year;
	date_to_ymd(today, &ty, &tm, &td);
	if (sc->n == 12) {
		year = num(sc->d, 4);
		if (year < 1800 || year > 2099)
			return MSG_CENTURY_SE;
	} else if (sc->sep == '+') {
		/* "+" from the calendar year the person turns 100 (folkbokföringslagen 18 §). */
		year = year_at_or_before(ty - 100, yy);
	} else {
		/* "-" until then: born in the last 100 calendar years, this one included. */
		year = year_at_or_before(ty, yy);
		/* Without a separator we cannot tell a 100-year-old from a baby not yet born:
		 * take the most recent date that is not in the future. With "-", the person
		 * said which century and a future date is an error. */
		if (!sc->sep && year == ty && (month > tm || (month == tm && day > td)))
			year -= 100;
	}

	if (!date_valid_ymd(year, month, day))
		return MSG_DATE;
	int32_t born = date_from_ymd(year, month, day);
	if (born > today)
		return MSG_FUTURE;

	out->kind = samnr ? NID_SE_SAMNR : NID_SE_PNR;
	snprintf(out->canonical, sizeof out->canonical, "%04d%.8s", year, ten + 2);
	out->birth_date = born;
	out->synthetic = false;
	out->sex = (ten[8] - '0') % 2 ? NID_SEX_MALE : NID_SEX_FEMALE;
	return NULL;
}

static bool country_is(const char *c, const char *want)
{
	return (c[0] == want[0] || c[0] == want[0] + ('a' - 'A')) &&
	       (c[1] == want[1] || c[1] == want[1] + ('a' - 'A')) && c[2] == '\0';
}

const char *nid_parse(const char *input, const char *country, int32_t today, struct nid *out)
{
	struct scanned sc;
	const char *err;

	memset(out, 0, sizeof *out);
	if (!input)
		return MSG_EMPTY;
	if ((err = scan(input, &sc)) != NULL)
		return err;
	if (!country) {
		if (sc.sep == '+' || sc.n == 10 || sc.n == 12)
			country = "SE";
		else if (sc.n == 11)
			country = "NO";
		else
			return MSG_WHICH;
	}
	if (country_is(country, "NO"))
		err = parse_no(&sc, today, out);
	else if (country_is(country, "SE"))
		err = parse_se(&sc, today, out);
	else
		err = MSG_COUNTRY;
	if (err)
		memset(out, 0, sizeof *out);
	return err;
}

void nid_format(const struct nid *id, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (id->kind == NID_SE_PNR || id->kind == NID_SE_SAMNR)
		snprintf(out, outlen, "%.8s-%.4s", id->canonical, id->canonical + 8);
	else
		snprintf(out, outlen, "%.6s %.5s", id->canonical, id->canonical + 6);
}

const char *nid_country(enum nid_kind kind)
{
	return kind == NID_SE_PNR || kind == NID_SE_SAMNR ? "SE" : "NO";
}

const char *nid_kind_label(enum nid_kind kind)
{
	switch (kind) {
	case NID_NO_FNR:
		return N_("Norwegian national identity number");
	case NID_NO_DNR:
		return N_("Norwegian D-number");
	case NID_NO_HNR:
		return N_("Norwegian H-number");
	case NID_SE_PNR:
		return N_("Swedish personal identity number");
	case NID_SE_SAMNR:
		return N_("Swedish coordination number");
	}
	return "";
}
