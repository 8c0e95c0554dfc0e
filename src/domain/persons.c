/* persons.c: the person record's rules — validation, duplicates, audit (see persons.h). */
#include "domain/persons.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/date.h"
#include "core/util.h"
#include "domain/national_id.h"

const struct substance_def person_substances[] = {
	{ STORE_SUBST_ALCOHOL, "alcohol", N_("Alcohol") },
	{ STORE_SUBST_MEDICATION, "medication", N_("Medication (benzodiazepines, z-hypnotics, painkillers)") },
	{ STORE_SUBST_CANNABIS, "cannabis", N_("Cannabis") },
	{ STORE_SUBST_STIMULANTS, "stimulants", N_("Stimulants (amphetamine, cocaine)") },
	{ STORE_SUBST_OPIOIDS, "opioids", N_("Opioids (heroin and others)") },
	{ STORE_SUBST_OTHER_DRUGS, "other_drugs", N_("Other drugs (hallucinogens, GHB, solvents)") },
	{ STORE_SUBST_GAMBLING, "gambling", N_("Gambling") },
	{ STORE_SUBST_OTHER, "other", N_("Another addiction") },
};
const size_t person_substances_count = sizeof person_substances / sizeof person_substances[0];

unsigned person_substance_parse(const char *key)
{
	for (size_t i = 0; key && i < person_substances_count; i++)
		if (!strcmp(person_substances[i].key, key))
			return person_substances[i].bit;
	return 0;
}

static const struct {
	enum nid_kind kind;
	const char *key;
} nid_keys[] = {
	{ NID_NO_FNR, "no_fnr" }, { NID_NO_DNR, "no_dnr" },	{ NID_NO_HNR, "no_hnr" },
	{ NID_SE_PNR, "se_pnr" }, { NID_SE_SAMNR, "se_samnr" },
};

const char *person_nid_kind_label(const char *key)
{
	for (size_t i = 0; key && i < sizeof nid_keys / sizeof nid_keys[0]; i++)
		if (!strcmp(nid_keys[i].key, key))
			return nid_kind_label(nid_keys[i].kind);
	return "";
}

void person_nid_display(const struct person *p, char *out, size_t outlen)
{
	if (outlen)
		out[0] = '\0';
	if (!p->national_id[0])
		return;
	struct nid id;
	/* The stored digits were valid when stored; parsing them again gives the kind's
	 * written form. A far "today" so that no birth date counts as in the future. */
	if (nid_parse(p->national_id, strlen(p->national_id) == 11 ? "NO" : "SE", date_from_ymd(9999, 1, 1), &id) ||
	    outlen < 16) {
		copy_str(out, outlen, p->national_id);
		return;
	}
	nid_format(&id, out, outlen);
}

static void add_error(struct person_errors *errs, const char *field, const char *message)
{
	if (errs && errs->n < PERSON_ERRORS_MAX) {
		errs->e[errs->n].field = field;
		errs->e[errs->n].message = message;
		errs->n++;
	}
}

static bool has_error(const struct person_errors *errs, const char *field)
{
	for (size_t i = 0; i < errs->n; i++)
		if (!strcmp(errs->e[i].field, field))
			return true;
	return false;
}

/* Trims ASCII white space at both ends into out; false if it does not fit. */
static bool trimmed(const char *in, char *out, size_t outlen)
{
	while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
		in++;
	size_t n = strlen(in);
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\n' || in[n - 1] == '\r'))
		n--;
	if (n >= outlen)
		return false;
	memcpy(out, in, n);
	out[n] = '\0';
	return true;
}

/* A one-line text field: trimmed, valid text without line breaks or tabs. */
static void line_field(const char *in, char *dst, size_t dstlen, const char *field, const char *too_long,
		       struct person_errors *errs)
{
	if (!in)
		return;
	char tmp[STORE_ADDRESS_MAX];
	if (dstlen > sizeof tmp || !trimmed(in, tmp, dstlen)) {
		add_error(errs, field, too_long);
		return;
	}
	if (!utf8_valid_text(tmp, strlen(tmp)) || strpbrk(tmp, "\t\r\n")) {
		add_error(errs, field, N_("The text contains characters that are not allowed."));
		return;
	}
	memcpy(dst, tmp, strlen(tmp) + 1);
}

/* A text of several lines (address, notes): trimmed, CR LF made LF, valid text. */
static void multiline_field(const char *in, char *dst, size_t dstlen, const char *field, const char *too_long,
			    struct person_errors *errs)
{
	if (!in)
		return;
	char *tmp = xmalloc(strlen(in) + 1);
	size_t j = 0;
	for (const char *s = in; *s; s++)
		if (*s != '\r')
			tmp[j++] = *s;
	tmp[j] = '\0';
	char *out = xmalloc(dstlen);
	if (!trimmed(tmp, out, dstlen))
		add_error(errs, field, too_long);
	else if (!utf8_valid_text(out, strlen(out)) || strchr(out, '\t'))
		add_error(errs, field, N_("The text contains characters that are not allowed."));
	else
		memcpy(dst, out, strlen(out) + 1);
	free(out);
	free(tmp);
}

static void phone_field(const char *in, char *dst, size_t dstlen, const char *field, struct person_errors *errs)
{
	if (!in)
		return;
	char tmp[STORE_PHONE_MAX];
	if (!trimmed(in, tmp, sizeof tmp) || strlen(tmp) >= dstlen) {
		add_error(errs, field, N_("The phone number is too long (at most 40 characters)."));
		return;
	}
	int digits = 0;
	for (const char *s = tmp; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (!strchr(" +-()", *s)) {
			add_error(errs, field, N_("Enter a phone number with digits, spaces and + - ( ) only."));
			return;
		}
	}
	if (tmp[0] && digits < 3) {
		add_error(errs, field, N_("Enter a phone number with digits, spaces and + - ( ) only."));
		return;
	}
	memcpy(dst, tmp, strlen(tmp) + 1);
}

int persons_apply(struct person *p, const struct person_input *in, int32_t today, struct person_errors *errs)
{
	size_t before = errs->n;
	line_field(in->given_name, p->given_name, sizeof p->given_name, "given_name",
		   N_("The name is too long (at most 200 characters)."), errs);
	line_field(in->family_name, p->family_name, sizeof p->family_name, "family_name",
		   N_("The name is too long (at most 200 characters)."), errs);
	if (!has_error(errs, "given_name") && !has_error(errs, "family_name") && !p->given_name[0] &&
	    !p->family_name[0])
		add_error(errs, "given_name", N_("Enter a given name or a family name."));

	bool birth_given = false;
	if (in->birth_date) {
		char tmp[16];
		if (!trimmed(in->birth_date, tmp, sizeof tmp)) {
			add_error(errs, "birth_date", N_("Enter the date of birth as YYYY-MM-DD."));
		} else if (!tmp[0]) {
			p->birth_date = DATE_NONE;
		} else {
			int32_t d;
			if (date_parse(tmp, &d) != 0)
				add_error(errs, "birth_date", N_("Enter the date of birth as YYYY-MM-DD."));
			else if (d > today)
				add_error(errs, "birth_date", N_("The date of birth is in the future."));
			else if (d < date_from_ymd(1880, 1, 1))
				add_error(errs, "birth_date", N_("The date of birth is too long ago."));
			else {
				p->birth_date = d;
				birth_given = true;
			}
		}
	}

	if (in->national_id) {
		char tmp[64];
		if (!trimmed(in->national_id, tmp, sizeof tmp)) {
			add_error(errs, "national_id",
				  N_("The number is neither a Norwegian (11 digits) nor a Swedish (10 or 12 digits) "
				     "identity number."));
		} else if (!tmp[0]) {
			p->national_id[0] = '\0';
			p->national_id_kind[0] = '\0';
		} else {
			struct nid id;
			const char *msg = nid_parse(tmp, NULL, today, &id);
			if (msg) {
				add_error(errs, "national_id", msg);
			} else {
				copy_str(p->national_id, sizeof p->national_id, id.canonical);
				for (size_t i = 0; i < sizeof nid_keys / sizeof nid_keys[0]; i++)
					if (nid_keys[i].kind == id.kind)
						copy_str(p->national_id_kind, sizeof p->national_id_kind, nid_keys[i].key);
				if (!has_error(errs, "birth_date")) {
					/* The date of birth must agree with the number: take it from the
					 * number when none was given (or none is stored). */
					if (!birth_given && (in->birth_date || p->birth_date == DATE_NONE))
						p->birth_date = id.birth_date;
					else if (p->birth_date != id.birth_date)
						add_error(errs, "birth_date",
							  N_("The date of birth does not agree with the identity number."));
				}
			}
		}
	} else if (birth_given && p->national_id[0]) {
		/* Only the date changed: it must still agree with the stored number. */
		struct nid id;
		if (!nid_parse(p->national_id, strlen(p->national_id) == 11 ? "NO" : "SE", date_from_ymd(9999, 1, 1),
			       &id) &&
		    id.birth_date != p->birth_date)
			add_error(errs, "birth_date", N_("The date of birth does not agree with the identity number."));
	}

	phone_field(in->phone, p->phone, sizeof p->phone, "phone", errs);
	if (in->email) {
		char tmp[STORE_EMAIL_MAX];
		if (!trimmed(in->email, tmp, sizeof tmp)) {
			add_error(errs, "email", N_("The e-mail address is too long."));
		} else {
			ascii_lower(tmp);
			if (tmp[0] && !email_valid(tmp))
				add_error(errs, "email", N_("Enter a valid e-mail address, like name@example.no."));
			else
				memcpy(p->email, tmp, strlen(tmp) + 1);
		}
	}
	multiline_field(in->address, p->address, sizeof p->address, "address",
			N_("The address is too long (at most 300 characters)."), errs);
	line_field(in->kin_name, p->kin_name, sizeof p->kin_name, "kin_name",
		   N_("The name is too long (at most 200 characters)."), errs);
	line_field(in->kin_relation, p->kin_relation, sizeof p->kin_relation, "kin_relation",
		   N_("The relation is too long (at most 100 characters)."), errs);
	phone_field(in->kin_phone, p->kin_phone, sizeof p->kin_phone, "kin_phone", errs);
	if (in->has_substances) {
		if (in->substances & ~(unsigned)STORE_SUBST_ALL)
			add_error(errs, "substances", N_("Choose substances from the list."));
		else
			p->substances = in->substances;
	}
	if (in->has_dual_diagnosis)
		p->dual_diagnosis = in->dual_diagnosis;
	multiline_field(in->notes, p->notes, sizeof p->notes, "notes",
			N_("The note is too long (at most 2000 characters)."), errs);
	return errs->n > before ? ACC_INVALID : 0;
}

static void audit_person(struct accounts *ac, const struct actor *who, int64_t org_id, const char *action,
			 int64_t id, const char *detail)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	audit_event(ac->audit, who->user_id, who->email, org_id, who->addr, action, "person", oid, detail);
}

void persons_audit_listed(struct accounts *ac, const struct actor *who, int64_t org_id, const int64_t *ids,
			  size_t n, const char *detail)
{
	if (n == 0)
		return;
	struct audit_entry e = { .at_ms = now_millis(), .user_id = who->user_id, .org_id = org_id };
	copy_str(e.actor, sizeof e.actor, who->email);
	copy_str(e.addr, sizeof e.addr, who->addr);
	copy_str(e.action, sizeof e.action, "person.list");
	copy_str(e.object_type, sizeof e.object_type, "person");
	copy_str(e.detail, sizeof e.detail, detail ? detail : "");
	/* Through the group-commit writer, as one entry with the persons as its subjects. */
	auditor_log_listing(ac->audit, &e, ids, n);
}

static void audit_dups(struct accounts *ac, const struct actor *who, int64_t org_id, const struct person *d,
		       size_t n)
{
	int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = d[i].id;
	persons_audit_listed(ac, who, org_id, ids, n, "duplicates");
	free(ids);
}

/* Splits the candidates store_person_find_duplicates gives into those with the same
 * identity number (first) — kept in *dups — or, if none, the name + birth date ones. */
static int find_dups(struct accounts *ac, const struct actor *who, int64_t org_id, const struct person *p,
		     bool confirm, struct person **dups, size_t *ndups)
{
	struct person *d = NULL;
	size_t n = 0;
	int rc = store_person_find_duplicates(ac->store, org_id, p, &d, &n);
	if (rc != STORE_OK) {
		free(d);
		return rc;
	}
	size_t k = 0;
	if (p->national_id[0]) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(d[i].national_id, p->national_id))
				d[k++] = d[i];
	}
	if (k > 0) {
		rc = PERSONS_DUP_ID;
	} else if (n > 0 && !confirm) {
		/* Same names and birth date, or a different identity number with the same
		 * names and birth date: a possible duplicate the user has to confirm. */
		k = n;
		rc = PERSONS_DUP_NAME;
	}
	if (rc == STORE_OK || !dups) {
		free(d);
		if (dups)
			*dups = NULL;
		if (ndups)
			*ndups = 0;
		return rc;
	}
	audit_dups(ac, who, org_id, d, k);
	*dups = d;
	*ndups = k;
	return rc;
}

int persons_create(struct accounts *ac, const struct actor *who, int64_t org_id, const struct person_input *in,
		   bool confirm_duplicate, int32_t today, struct person *out, struct person_errors *errs,
		   struct person **dups, size_t *ndups)
{
	if (dups)
		*dups = NULL;
	if (ndups)
		*ndups = 0;
	struct person p;
	memset(&p, 0, sizeof p);
	p.birth_date = DATE_NONE;
	struct person_input full = *in;
	const char **fields[] = { &full.given_name, &full.family_name, &full.birth_date, &full.national_id,
				  &full.phone,	    &full.email,       &full.address,	 &full.kin_name,
				  &full.kin_relation, &full.kin_phone, &full.notes };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!*fields[i])
			*fields[i] = "";
	int rc = persons_apply(&p, &full, today, errs);
	if (rc)
		return rc;
	rc = find_dups(ac, who, org_id, &p, confirm_duplicate, dups, ndups);
	if (rc)
		return rc;
	p.created_by = who->user_id;
	p.updated_by = who->user_id;
	rc = store_person_create(ac->store, org_id, &p);
	if (rc == STORE_CONFLICT) {
		/* Somebody stored the same identity number a moment ago. */
		int d = find_dups(ac, who, org_id, &p, true, dups, ndups);
		return d > 0 ? d : STORE_CONFLICT;
	}
	if (rc)
		return rc;
	audit_person(ac, who, org_id, "person.create", p.id, NULL);
	if (out)
		*out = p;
	return 0;
}

int persons_read(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id, const char *detail,
		 struct person *out)
{
	int rc = store_person_get(ac->store, org_id, id, out);
	if (rc)
		return rc;
	audit_person(ac, who, org_id, "person.read", id, detail);
	return 0;
}

/* The names of the fields that differ between a and b, comma-separated, into out. */
static void changed_fields(const struct person *a, const struct person *b, char *out, size_t outlen)
{
	struct buf bf = BUF_INIT;
#define CHG(cond, name)                              \
	do {                                         \
		if (cond) {                          \
			if (bf.len)                  \
				buf_addch(&bf, ','); \
			buf_adds(&bf, name);         \
		}                                    \
	} while (0)
	CHG(strcmp(a->given_name, b->given_name), "given_name");
	CHG(strcmp(a->family_name, b->family_name), "family_name");
	CHG(a->birth_date != b->birth_date, "birth_date");
	CHG(strcmp(a->national_id, b->national_id), "national_id");
	CHG(strcmp(a->phone, b->phone), "phone");
	CHG(strcmp(a->email, b->email), "email");
	CHG(strcmp(a->address, b->address), "address");
	CHG(strcmp(a->kin_name, b->kin_name) || strcmp(a->kin_relation, b->kin_relation) ||
		    strcmp(a->kin_phone, b->kin_phone),
	    "next_of_kin");
	CHG(a->substances != b->substances, "substances");
	CHG(a->dual_diagnosis != b->dual_diagnosis, "dual_diagnosis");
	CHG(strcmp(a->notes, b->notes), "notes");
#undef CHG
	copy_str(out, outlen, bf.len ? bf.data : "");
	buf_release(&bf);
}

int persons_update(struct accounts *ac, const struct actor *who, int64_t org_id, int64_t id,
		   const struct person_input *in, int32_t today, struct person *out, struct person_errors *errs,
		   struct person **dups, size_t *ndups)
{
	if (dups)
		*dups = NULL;
	if (ndups)
		*ndups = 0;
	struct person old, p;
	int rc = store_person_get(ac->store, org_id, id, &old);
	if (rc)
		return rc;
	p = old;
	rc = persons_apply(&p, in, today, errs);
	if (rc)
		return rc;
	if (p.national_id[0] && strcmp(p.national_id, old.national_id)) {
		rc = find_dups(ac, who, org_id, &p, true, dups, ndups);
		if (rc)
			return rc;
	}
	p.updated_by = who->user_id;
	rc = store_person_update(ac->store, org_id, &p);
	if (rc == STORE_CONFLICT) {
		int d = find_dups(ac, who, org_id, &p, true, dups, ndups);
		return d > 0 ? d : STORE_CONFLICT;
	}
	if (rc)
		return rc;
	char detail[STORE_DETAIL_MAX];
	changed_fields(&old, &p, detail, sizeof detail);
	audit_person(ac, who, org_id, "person.update", id, detail);
	if (out)
		*out = p;
	return 0;
}
