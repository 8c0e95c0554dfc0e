/* i18n.h: translations through gettext, per request, thread-safe.
 *
 * Source strings are English msgids. Each language has its own text domain
 * ("tolv-nb", "tolv-sv") and is looked up with dgettext(), so one thread can answer in
 * Swedish while another answers in Norwegian without touching the process locale.
 * Catalogues live in LOCALEDIR/C.UTF-8/LC_MESSAGES/tolv-<lang>.mo: the process runs in
 * the C.UTF-8 locale (present on every Debian system), and glibc looks a domain up under
 * the current LC_MESSAGES locale name. English is the msgid itself.
 */
#ifndef TOLV_CORE_I18N_H
#define TOLV_CORE_I18N_H

enum lang { LANG_NB = 0, LANG_SV = 1, LANG_EN = 2 };
#define LANG_DEFAULT LANG_NB
#define LANG_COUNT 3

/* Binds the domains to localedir (the first of the given folders that has
 * C.UTF-8/LC_MESSAGES/tolv-nb.mo). Call once at start-up, before threads. */
void i18n_init(const char *const *localedirs);
/* The translation of msgid in lang (msgid itself if none). Never NULL. */
const char *i18n_tr(enum lang lang, const char *msgid);
/* "nb" → LANG_NB...; -1 if not supported. Also accepts "no", "nn", "nb-NO", "sv-SE", "en-GB". */
int lang_parse(const char *code);
/* LANG_NB → "nb" */
const char *lang_code(enum lang lang);
/* The language's own name: "Norsk bokmål", "Svenska", "English". */
const char *lang_name(enum lang lang);

/* Marks a string for extraction without translating it (xgettext keyword N_). */
#define N_(s) (s)

#endif
