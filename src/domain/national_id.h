/* national_id.h: Norwegian and Swedish national identity numbers — parsing and validation.
 *
 * Norway (Folkeregisteret): the fødselsnummer DDMMYYIIIKK — date of birth, a three-digit
 * individual number that also encodes the century and the sex, and two check digits
 * (modulus 11). Variants that share the form:
 *   D-number   day + 40 (41–71): foreign workers and others without a fødselsnummer;
 *   H-number   month + 40 (41–52): assistance numbers issued by health services;
 *   synthetic  month + 80 (81–92): Skatteetaten's synthetic test people (Tenor test
 *              data). All demo data in tolv uses these, so they parse as valid and are
 *              flagged `synthetic`; a production installation can refuse them.
 * Sweden (Skatteverket): the personnummer YYMMDD-NNNC — date of birth, a three-digit
 * birth number (odd third digit = male) and a Luhn check digit; the separator becomes
 * "+" from the year the person turns 100. Stored with the century as 12 digits.
 * Samordningsnummer: day + 60 (61–91).
 *
 * The numbers identify people in the most sensitive kind of record, and a mistyped
 * number attaches notes to the wrong person, so every refusal says what is wrong.
 */
#ifndef TOLV_DOMAIN_NATIONAL_ID_H
#define TOLV_DOMAIN_NATIONAL_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nid_kind {
	NID_NO_FNR,   /* Norwegian fødselsnummer */
	NID_NO_DNR,   /* Norwegian D-number */
	NID_NO_HNR,   /* Norwegian H-number */
	NID_SE_PNR,   /* Swedish personnummer */
	NID_SE_SAMNR, /* Swedish samordningsnummer */
};

/* The legal sex encoded in the number (used later for sex-specific questionnaire
 * cut-offs, such as AUDIT's). Unknown is for forms that carry none. */
enum nid_sex { NID_SEX_UNKNOWN = 0, NID_SEX_FEMALE, NID_SEX_MALE };

struct nid {
	enum nid_kind kind;
	/* Digits only, NUL-terminated: 11 for Norway exactly as issued (D/H/synthetic
	 * offsets kept, since they are part of the identity); 12 for Sweden, YYYYMMDDNNNC,
	 * the form Skatteverket stores (samordningsnummer day offset kept). */
	char canonical[13];
	/* The real date of birth, offsets removed (a day number, see core/date.h). */
	int32_t birth_date;
	/* A Skatteetaten synthetic test number (month + 80). Never true for Sweden, whose
	 * test numbers are a published list rather than a rule. */
	bool synthetic;
	enum nid_sex sex;
};

/* Parses and validates an identity number.
 *
 * input:   what the user typed. Surrounding white space is ignored; inside, one space
 *          or dash is accepted where the forms have one (DDMMYY IIIKK, YYMMDD-NNNC,
 *          YYYYMMDD-NNNC) and "+" in the Swedish 10-digit form.
 * country: "NO", "SE", or NULL to infer it from the form: 11 digits is Norwegian,
 *          10 or 12 digits (or a "+") Swedish.
 * today:   today's day number, for the "born in the future" check and to place a
 *          Swedish 10-digit number in its century.
 * out:     filled when the number is valid; zeroed otherwise.
 *
 * Returns NULL if valid, else an English message (a gettext msgid) naming what is wrong,
 * checked in this order: characters and separators, length, check digits (a wrong check
 * digit most likely means a typo anywhere, so it is reported before the date the typo
 * may have spoiled), individual number against the century, the date, the future. */
const char *nid_parse(const char *input, const char *country, int32_t today, struct nid *out);

/* Writes the number the way people write it: "DDMMYY IIIKK" for Norway, "YYYYMMDD-NNNC"
 * for Sweden (12 digits, so no "+" is ever needed). out holds at least 14 bytes. */
void nid_format(const struct nid *id, char *out, size_t outlen);

/* "NO" or "SE". */
const char *nid_country(enum nid_kind kind);
/* An English label (gettext msgid): "Norwegian national identity number", "D-number"… */
const char *nid_kind_label(enum nid_kind kind);

#endif
