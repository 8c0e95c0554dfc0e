/* meeting_types.c: the tables of meeting types and fellowships, and look-ups in them (see
 * meeting_types.h). */
#include "domain/meeting_types.h"

#include <string.h>
#include <strings.h>

/* Sorted by code (strcmp), so a reader finds one; look-ups are linear: 88 entries. */
const struct meeting_type meeting_types[] = {
	{ "11", { "Meditasjon over 11. trinn", "Meditation över 11:e steget", "11th Step Meditation" }, false },
	{ "12x12", { "12 trinn og 12 tradisjoner", "12 steg och 12 traditioner", "12 Steps & 12 Traditions" }, false },
	{ "A", { "Sekulært", "Sekulärt", "Secular" }, false },
	{ "ABSI", { "Slik Bill ser det", "Som Bill ser det", "As Bill Sees It" }, false },
	{ "AF", { "Afrikaans", "Afrikaans", "Afrikaans" }, true },
	{ "AL", { "Samtidig med Alateen", "Tillsammans med Alateen", "Concurrent with Alateen" }, false },
	{ "AL-AN", { "Samtidig med Al-Anon", "Tillsammans med Al-Anon", "Concurrent with Al-Anon" }, false },
	{ "AM", { "Amharisk", "Amhariska", "Amharic" }, true },
	{ "AR", { "Arabisk", "Arabiska", "Arabic" }, true },
	{ "ASL", { "Amerikansk tegnspråk", "Amerikanskt teckenspråk", "American Sign Language" }, true },
	{ "B", { "Den store boka", "Stora boken", "Big Book" }, false },
	{ "BA", { "Barnepass", "Barnvakt finns", "Babysitting Available" }, false },
	{ "BE", { "Nykommer", "Nykomling", "Newcomer" }, false },
	{ "BG", { "Bulgarsk", "Bulgariska", "Bulgarian" }, true },
	{ "BI", { "Bifil", "Bisexuellt", "Bisexual" }, false },
	{ "BRK", { "Frokost", "Frukost", "Breakfast" }, false },
	{ "C", { "Lukket", "Slutet", "Closed" }, false },
	{ "CAN", { "Levende lys", "Levande ljus", "Candlelight" }, false },
	{ "CF", { "Barnevennlig", "Barnvänligt", "Child-Friendly" }, false },
	{ "D", { "Samtale", "Diskussion", "Discussion" }, false },
	{ "DA", { "Dansk", "Danska", "Danish" }, true },
	{ "DB", { "Digital innsamling", "Digital insamling", "Digital Basket" }, false },
	{ "DD", { "Dobbeltdiagnose", "Dubbeldiagnos", "Dual Diagnosis" }, false },
	{ "DE", { "Tysk", "Tyska", "German" }, true },
	{ "DR", { "Daglige refleksjoner", "Dagliga reflektioner", "Daily Reflections" }, false },
	{ "EL", { "Gresk", "Grekiska", "Greek" }, true },
	{ "EN", { "Engelsk", "Engelska", "English" }, true },
	{ "FA", { "Persisk", "Persiska", "Persian" }, true },
	{ "FF", { "Parfymefritt", "Parfymfritt", "Fragrance Free" }, false },
	{ "FI", { "Finsk", "Finska", "Finnish" }, true },
	{ "FR", { "Fransk", "Franska", "French" }, true },
	{ "G", { "Homofil", "Gay", "Gay" }, false },
	{ "GR", { "Grapevine", "Grapevine", "Grapevine" }, false },
	{ "H", { "Bursdag", "Födelsedag", "Birthday" }, false },
	{ "HE", { "Hebraisk", "Hebreiska", "Hebrew" }, true },
	{ "HI", { "Hindi", "Hindi", "Hindi" }, true },
	{ "HR", { "Kroatisk", "Kroatiska", "Croatian" }, true },
	{ "HU", { "Ungarsk", "Ungerska", "Hungarian" }, true },
	{ "IS", { "Islandsk", "Isländska", "Icelandic" }, true },
	{ "ITA", { "Italiensk", "Italienska", "Italian" }, true },
	{ "JA", { "Japansk", "Japanska", "Japanese" }, true },
	{ "KA", { "Georgisk", "Georgiska", "Georgian" }, true },
	{ "KOR", { "Koreansk", "Koreanska", "Korean" }, true },
	{ "L", { "Lesbisk", "Lesbiskt", "Lesbian" }, false },
	{ "LGBTQ", { "LHBTQ", "HBTQ", "LGBTQ" }, false },
	{ "LIT", { "Litteratur", "Litteratur", "Literature" }, false },
	{ "LS", { "Å leve edru", "Att leva nykter", "Living Sober" }, false },
	{ "LT", { "Litauisk", "Litauiska", "Lithuanian" }, true },
	{ "M", { "Menn", "Män", "Men" }, false },
	{ "MED", { "Meditasjon", "Meditationsmöte", "Meditation" }, false },
	{ "ML", { "Malayalam", "Malayalam", "Malayalam" }, true },
	{ "MT", { "Maltesisk", "Maltesiska", "Maltese" }, true },
	{ "N", { "Amerikansk urfolk", "Ur-amerikanskt", "Native American" }, false },
	{ "NB", { "Ikke-binær", "Icke-binär", "Non-Binary" }, false },
	{ "NDG", { "Urfolk", "Urfolkligt", "Indigenous" }, false },
	{ "NE", { "Nepali", "Nepali", "Nepali" }, true },
	{ "NL", { "Nederlandsk", "Holländska", "Dutch" }, true },
	{ "NO", { "Norsk", "Norska", "Norwegian" }, true },
	{ "O", { "Åpent", "Öppet", "Open" }, false },
	{ "ONL", { "Nettmøte", "Onlinemöte", "Online meeting" }, false },
	{ "OUT", { "Utendørs", "Utomhus", "Outdoor" }, false },
	{ "P", { "Profesjonelle", "Professionella", "Professionals" }, false },
	{ "POA", { "Oppmøtebekreftelse", "Närvarobevis", "Proof of Attendance" }, false },
	{ "POC", { "Fargede", "Färgade", "People of Color" }, false },
	{ "POL", { "Polsk", "Polska", "Polish" }, true },
	{ "POR", { "Portugisisk", "Portugisiska", "Portuguese" }, true },
	{ "PUN", { "Punjabi", "Punjabi", "Punjabi" }, true },
	{ "RUS", { "Russisk", "Ryska", "Russian" }, true },
	{ "S", { "Spansk", "Spanska", "Spanish" }, true },
	{ "SEN", { "Seniorer", "Seniorer", "Seniors" }, false },
	{ "SK", { "Slovakisk", "Slovakiska", "Slovak" }, true },
	{ "SL", { "Slovensk", "Slovenska", "Slovenian" }, true },
	{ "SM", { "Røyking tillatt", "Rökning tillåten", "Smoking Permitted" }, false },
	{ "SP", { "Taler", "Talare", "Speaker" }, false },
	{ "ST", { "Trinnmøte", "Stegmöte", "Step Study" }, false },
	{ "SV", { "Svensk", "Svenska", "Swedish" }, true },
	{ "T", { "Transpersoner", "Transpersoner", "Transgender" }, false },
	{ "TC", { "Lokalet midlertidig stengt", "Lokalen tillfälligt stängd", "Location Temporarily Closed" }, false },
	{ "TH", { "Thai", "Thailändska", "Thai" }, true },
	{ "TL", { "Tagalog", "Tagalog", "Tagalog" }, true },
	{ "TR", { "Tradisjonsmøte", "Traditionsmöte", "Tradition Study" }, false },
	{ "TUR", { "Tyrkisk", "Turkiska", "Turkish" }, true },
	{ "UK", { "Ukrainsk", "Ukrainska", "Ukrainian" }, true },
	{ "W", { "Kvinner", "Kvinnor", "Women" }, false },
	{ "X", { "Rullestoltilgang", "Rullstolsanpassat", "Wheelchair Access" }, false },
	{ "XB", { "Rullestoltilpasset toalett", "Rullstolsanpassad toalett", "Wheelchair-Accessible Bathroom" }, false },
	{ "XT", { "Kommentarer tillatt", "Kommentarer tillåtna", "Cross Talk Permitted" }, false },
	{ "Y", { "Unge", "Unga", "Young People" }, false },
};
const size_t meeting_types_count = sizeof meeting_types / sizeof meeting_types[0];

const struct fellowship fellowships[] = {
	{ "aa", "AA", { "Anonyme Alkoholikere (AA)", "Anonyma Alkoholister (AA)", "Alcoholics Anonymous (AA)" } },
	{ "na", "NA", { "Anonyme Narkomane (NA)", "Anonyma Narkomaner (NA)", "Narcotics Anonymous (NA)" } },
	{ "ca", "CA", { "Cocaine Anonymous (CA)", "Cocaine Anonymous (CA)", "Cocaine Anonymous (CA)" } },
	{ "ga", "GA", { "Anonyme Gamblere (GA)", "Anonyma Spelare (GA)", "Gamblers Anonymous (GA)" } },
	{ "oa", "OA", { "Anonyme Overspisere (OA)", "Anonyma Överätare (OA)", "Overeaters Anonymous (OA)" } },
	{ "ma", "MA", { "Marijuana Anonymous (MA)", "Marijuana Anonymous (MA)", "Marijuana Anonymous (MA)" } },
	{ "al_anon", "Al-Anon", { "Al-Anon", "Al-Anon", "Al-Anon" } },
	{ "alateen", "Alateen", { "Alateen", "Alateen", "Alateen" } },
	{ "nar_anon", "Nar-Anon", { "Nar-Anon", "Nar-Anon", "Nar-Anon" } },
	{ "aca", "ACA",
	  { "Voksne barn av alkoholikere (ACA)", "Vuxna barn till alkoholister (ACA)", "Adult Children of Alcoholics (ACA)" } },
	{ "coda", "CoDA", { "Co-Dependents Anonymous (CoDA)", "Co-Dependents Anonymous (CoDA)", "Co-Dependents Anonymous (CoDA)" } },
	{ "slaa", "SLAA",
	  { "Sex and Love Addicts Anonymous (SLAA)", "Sex and Love Addicts Anonymous (SLAA)",
	    "Sex and Love Addicts Anonymous (SLAA)" } },
	{ "other", "–", { "Annet fellesskap", "Annan gemenskap", "Other fellowship" } },
};
const size_t fellowships_count = sizeof fellowships / sizeof fellowships[0];

const struct meeting_type *meeting_type_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < meeting_types_count; i++)
		if (!strcasecmp(meeting_types[i].code, code))
			return &meeting_types[i];
	return NULL;
}

const struct meeting_type *meeting_type_by_name(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < meeting_types_count; i++)
		for (int l = 0; l < LANG_COUNT; l++)
			if (!strcasecmp(meeting_types[i].name[l], name))
				return &meeting_types[i];
	/* TSML's own names for two codes. */
	if (!strcasecmp(name, "Online Meeting"))
		return meeting_type_find("ONL");
	if (!strcasecmp(name, "Temporary Closure"))
		return meeting_type_find("TC");
	if (!strcasecmp(name, "Step Meeting"))
		return meeting_type_find("ST");
	return meeting_type_find(name);
}

const char *meeting_type_label(const char *code, enum lang lang)
{
	const struct meeting_type *t = meeting_type_find(code);
	if (!t || (int)lang < 0 || lang >= LANG_COUNT)
		return code;
	return t->name[lang];
}

const struct fellowship *fellowship_find(const char *key_or_abbr)
{
	if (!key_or_abbr)
		return NULL;
	for (size_t i = 0; i < fellowships_count; i++)
		if (!strcasecmp(fellowships[i].key, key_or_abbr) || !strcasecmp(fellowships[i].abbr, key_or_abbr))
			return &fellowships[i];
	return NULL;
}

bool types_has(const char *types, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = types; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !strncmp(p, code, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}
