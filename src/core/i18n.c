/* i18n.c: gettext text domains per language (see i18n.h for why per-language domains). */
#include "core/i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const codes[LANG_COUNT] = { "nb", "sv", "en" };
static const char *const names[LANG_COUNT] = { "Norsk bokmål", "Svenska", "English" };
static const char *const domains[LANG_COUNT] = { "tolv-nb", "tolv-sv", NULL };

void i18n_init(const char *const *localedirs)
{
	/* The catalogues are found under the LC_MESSAGES locale's name; C.UTF-8 is always
	 * there, and "C" itself would make gettext skip the look-up altogether. */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "C.utf8");
	const char *dir = NULL;
	for (size_t i = 0; localedirs && localedirs[i]; i++) {
		char probe[4096];
		int n = snprintf(probe, sizeof probe, "%s/C.UTF-8/LC_MESSAGES/tolv-nb.mo", localedirs[i]);
		if (n > 0 && (size_t)n < sizeof probe && access(probe, R_OK) == 0) {
			dir = localedirs[i];
			break;
		}
	}
	for (int l = 0; l < LANG_COUNT; l++) {
		if (!domains[l])
			continue;
		if (dir)
			bindtextdomain(domains[l], dir);
		bind_textdomain_codeset(domains[l], "UTF-8");
	}
}

const char *i18n_tr(enum lang lang, const char *msgid)
{
	if ((int)lang < 0 || lang >= LANG_COUNT || !domains[lang] || !msgid || !*msgid)
		return msgid ? msgid : "";
	return dgettext(domains[lang], msgid);
}

int lang_parse(const char *code)
{
	if (!code)
		return -1;
	static const struct {
		const char *prefix;
		enum lang lang;
	} map[] = { { "nb", LANG_NB }, { "no", LANG_NB }, { "nn", LANG_NB }, { "sv", LANG_SV }, { "en", LANG_EN } };
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t n = strlen(map[i].prefix);
		if (strncasecmp(code, map[i].prefix, n) == 0 && (code[n] == '\0' || code[n] == '-' || code[n] == '_'))
			return (int)map[i].lang;
	}
	return -1;
}

const char *lang_code(enum lang lang)
{
	return ((int)lang >= 0 && lang < LANG_COUNT) ? codes[lang] : codes[LANG_DEFAULT];
}

const char *lang_name(enum lang lang)
{
	return ((int)lang >= 0 && lang < LANG_COUNT) ? names[lang] : names[LANG_DEFAULT];
}
