/* i18n.c: gettext text domains per language (see i18n.h for why per-language domains). */
#include "core/i18n.h"

#include <libintl.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"

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

/* A page translates the same few hundred strings over and over (a timeline of 500 lines
 * asks for each line's label), and every dgettext() takes glibc's global lock and searches
 * its tree of known translations. Each thread keeps what it has looked up: msgid (copied:
 * a caller's buffer may be reused for other text) → the translation, which lives in the
 * mapped catalogue for the life of the process. An untranslated msgid is remembered as
 * such and answered with the caller's own pointer, never a remembered one. The table
 * stops growing when three quarters full (later strings go to dgettext directly) and is
 * freed when its thread ends. */
#define TR_SLOTS 4096  /* a power of two */
#define TR_MSGID_MAX 512
struct tr_slot {
	char *msgid;         /* NULL: empty slot */
	const char *tr;      /* NULL: no translation (answer the msgid) */
	uint64_t hash;
	unsigned char lang;
};
struct tr_cache {
	size_t used;
	struct tr_slot slot[TR_SLOTS];
};

static pthread_key_t tr_key;
static pthread_once_t tr_once = PTHREAD_ONCE_INIT;
static bool tr_key_ok;

static void tr_cache_free(void *p)
{
	struct tr_cache *c = p;
	for (size_t i = 0; c && i < TR_SLOTS; i++)
		free(c->slot[i].msgid);
	free(c);
}

static void tr_key_make(void)
{
	tr_key_ok = pthread_key_create(&tr_key, tr_cache_free) == 0;
}

static struct tr_cache *tr_cache_get(void)
{
	pthread_once(&tr_once, tr_key_make);
	if (!tr_key_ok)
		return NULL;
	struct tr_cache *c = pthread_getspecific(tr_key);
	if (!c) {
		c = xcalloc(1, sizeof *c);
		if (pthread_setspecific(tr_key, c) != 0) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

const char *i18n_tr(enum lang lang, const char *msgid)
{
	if ((int)lang < 0 || lang >= LANG_COUNT || !domains[lang] || !msgid || !*msgid)
		return msgid ? msgid : "";
	size_t len = strnlen(msgid, TR_MSGID_MAX + 1);
	struct tr_cache *c = len <= TR_MSGID_MAX ? tr_cache_get() : NULL;
	if (!c)
		return dgettext(domains[lang], msgid);
	uint64_t h = 1469598103934665603u ^ (uint64_t)lang; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)msgid[i]) * 1099511628211u;
	size_t k = (size_t)h & (TR_SLOTS - 1);
	for (;;) {
		struct tr_slot *s = &c->slot[k];
		if (!s->msgid)
			break;
		if (s->hash == h && s->lang == lang && !strcmp(s->msgid, msgid))
			return s->tr ? s->tr : msgid;
		k = (k + 1) & (TR_SLOTS - 1);
	}
	const char *tr = dgettext(domains[lang], msgid);
	if (c->used < TR_SLOTS / 4 * 3) {
		char *copy = xmalloc(len + 1);
		memcpy(copy, msgid, len + 1);
		c->slot[k] = (struct tr_slot){ .msgid = copy, .tr = tr == msgid ? NULL : tr, .hash = h,
					       .lang = (unsigned char)lang };
		c->used++;
	}
	return tr;
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
