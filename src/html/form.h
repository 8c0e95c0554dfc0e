/* form.h: accessible form pieces in Designsystemet markup — labelled inputs with their
 * validation message wired by aria-describedby, the error summary, the CSRF field.
 *
 * Input ids are "f-<name>", messages "f-<name>-error", so the error summary's links
 * land on the field. Messages are English msgids, translated when rendered. */
#ifndef TOLV_HTML_FORM_H
#define TOLV_HTML_FORM_H

#include "html/html.h"
#include "http/req.h"

#define FORM_ERRORS_MAX 8

struct form_errors {
	size_t n;
	struct {
		const char *field;
		const char *message;
	} e[FORM_ERRORS_MAX];
};

void form_error(struct form_errors *fe, const char *field, const char *message);
const char *form_error_get(const struct form_errors *fe, const char *field);

/* The summary at the top of a form that came back with errors (nothing if none). */
void form_error_summary(struct html *w, struct req *r, const struct form_errors *fe);

/* <form method="post" action="..." novalidate> with the CSRF field. */
void form_begin(struct html *w, struct req *r, const char *action);
void form_end(struct html *w);

struct input {
	const char *name;         /* a literal */
	const char *label;        /* translated */
	const char *type;         /* "text", "email", "password"... */
	const char *value;        /* kept input; never a password */
	const char *autocomplete; /* may be NULL */
	const char *description;  /* translated help text, may be NULL */
	bool required;
};
void form_input(struct html *w, struct req *r, const struct form_errors *fe, const struct input *in);

/* A <textarea> with its label, optional description and the field's error, like
 * form_input (the same ids: f-NAME, f-NAME-desc, f-NAME-error). rows 0: 3. */
struct textarea {
	const char *name;        /* a literal */
	const char *label;       /* translated */
	const char *description; /* translated help text, may be NULL */
	const char *value;       /* kept input, may be NULL */
	int rows;
};
void form_textarea(struct html *w, struct req *r, const struct form_errors *fe, const struct textarea *t);
/* <input type="hidden" name=… value=…> */
void form_hidden(struct html *w, const char *name, const char *value);

struct option {
	const char *value;
	const char *label; /* translated */
};
void form_select(struct html *w, struct req *r, const struct form_errors *fe, const char *name, const char *label,
		 const struct option *opts, size_t n, const char *selected);

/* A submit button; variant is "primary", "secondary" or "tertiary". */
#define form_button(w, variant, label) form_button_((w), "" variant "", (label))
void form_button_(struct html *w, const char *variant, const char *label);

#endif
