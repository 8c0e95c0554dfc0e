/* form.c: accessible form pieces (see form.h). */
#include "html/form.h"

#include <string.h>

void form_error(struct form_errors *fe, const char *field, const char *message)
{
	if (fe->n < FORM_ERRORS_MAX) {
		fe->e[fe->n].field = field;
		fe->e[fe->n].message = message;
		fe->n++;
	}
}

const char *form_error_get(const struct form_errors *fe, const char *field)
{
	if (!fe)
		return NULL;
	for (size_t i = 0; i < fe->n; i++)
		if (fe->e[i].field && strcmp(fe->e[i].field, field) == 0)
			return fe->e[i].message;
	return NULL;
}

void form_error_summary(struct html *w, struct req *r, const struct form_errors *fe)
{
	if (!fe || fe->n == 0)
		return;
	/* autofocus moves a screen reader straight to the summary without JavaScript. */
	html_raw(w, "<div class=\"ds-error-summary\" id=\"error-summary\" tabindex=\"-1\" autofocus "
		    "aria-labelledby=\"error-summary-heading\">\n"
		    "<h2 class=\"ds-heading\" data-size=\"xs\" id=\"error-summary-heading\">");
	html_text(w, T(r, "To go on, correct the following:"));
	html_raw(w, "</h2>\n<ul class=\"ds-list\">\n");
	for (size_t i = 0; i < fe->n; i++) {
		html_raw(w, "<li>");
		if (fe->e[i].field) {
			html_raw(w, "<a class=\"ds-link\" href=\"#f-");
			html_text(w, fe->e[i].field);
			html_raw(w, "\">");
			html_text(w, T(r, fe->e[i].message));
			html_raw(w, "</a>");
		} else {
			html_text(w, T(r, fe->e[i].message));
		}
		html_raw(w, "</li>\n");
	}
	html_raw(w, "</ul>\n</div>\n");
}

void form_begin(struct html *w, struct req *r, const char *action)
{
	html_raw(w, "<form method=\"post\"");
	html_attr(w, "action", action);
	html_raw(w, " novalidate>\n<input type=\"hidden\" name=\"csrf\"");
	html_attr(w, "value", req_csrf_token(r));
	html_raw(w, ">\n");
}

void form_end(struct html *w)
{
	html_raw(w, "</form>\n");
}

/* id="f-name", with the describedby list of the description and the error. */
static void field_ids(struct html *w, const char *name, bool has_desc, bool has_error)
{
	html_raw(w, " id=\"f-");
	html_text(w, name);
	html_raw(w, "\" name=\"");
	html_text(w, name);
	html_raw(w, "\"");
	if (has_desc || has_error) {
		html_raw(w, " aria-describedby=\"");
		if (has_desc) {
			html_raw(w, "f-");
			html_text(w, name);
			html_raw(w, "-desc");
		}
		if (has_error) {
			if (has_desc)
				html_raw(w, " ");
			html_raw(w, "f-");
			html_text(w, name);
			html_raw(w, "-error");
		}
		html_raw(w, "\"");
	}
	if (has_error)
		html_raw(w, " aria-invalid=\"true\"");
}

static void label_and_desc(struct html *w, const char *name, const char *label, const char *desc)
{
	html_raw(w, "<div class=\"ds-field\">\n<label class=\"ds-label\" for=\"f-");
	html_text(w, name);
	html_raw(w, "\">");
	html_text(w, label);
	html_raw(w, "</label>\n");
	if (desc) {
		html_raw(w, "<p data-field=\"description\" id=\"f-");
		html_text(w, name);
		html_raw(w, "-desc\">");
		html_text(w, desc);
		html_raw(w, "</p>\n");
	}
}

static void field_error(struct html *w, struct req *r, const char *name, const char *err)
{
	if (!err)
		return;
	html_raw(w, "<p class=\"ds-validation-message\" data-field=\"validation\" id=\"f-");
	html_text(w, name);
	html_raw(w, "-error\">");
	html_text(w, T(r, err));
	html_raw(w, "</p>\n");
}

void form_input(struct html *w, struct req *r, const struct form_errors *fe, const struct input *in)
{
	const char *err = form_error_get(fe, in->name);
	label_and_desc(w, in->name, in->label, in->description);
	html_raw(w, "<input class=\"ds-input\"");
	html_attr(w, "type", in->type ? in->type : "text");
	field_ids(w, in->name, in->description != NULL, err != NULL);
	if (in->value && *in->value)
		html_attr(w, "value", in->value);
	if (in->autocomplete)
		html_attr(w, "autocomplete", in->autocomplete);
	if (in->required)
		html_raw(w, " required");
	html_raw(w, ">\n");
	field_error(w, r, in->name, err);
	html_raw(w, "</div>\n");
}

void form_textarea(struct html *w, struct req *r, const struct form_errors *fe, const struct textarea *t)
{
	const char *err = form_error_get(fe, t->name);
	label_and_desc(w, t->name, t->label, t->description);
	html_raw(w, "<textarea class=\"ds-input\"");
	field_ids(w, t->name, t->description != NULL, err != NULL);
	html_attr_int(w, "rows", t->rows > 0 ? t->rows : 3);
	html_raw(w, ">");
	html_text(w, t->value ? t->value : "");
	html_raw(w, "</textarea>\n");
	field_error(w, r, t->name, err);
	html_raw(w, "</div>\n");
}

void form_hidden(struct html *w, const char *name, const char *value)
{
	html_raw(w, "<input type=\"hidden\"");
	html_attr(w, "name", name);
	html_attr(w, "value", value);
	html_raw(w, ">\n");
}

void form_select(struct html *w, struct req *r, const struct form_errors *fe, const char *name, const char *label,
		 const struct option *opts, size_t n, const char *selected)
{
	const char *err = form_error_get(fe, name);
	label_and_desc(w, name, label, NULL);
	html_raw(w, "<select class=\"ds-input\"");
	field_ids(w, name, false, err != NULL);
	html_raw(w, ">\n");
	for (size_t i = 0; i < n; i++) {
		html_raw(w, "<option");
		html_attr(w, "value", opts[i].value);
		if (selected && strcmp(selected, opts[i].value) == 0)
			html_raw(w, " selected");
		html_raw(w, ">");
		html_text(w, opts[i].label);
		html_raw(w, "</option>\n");
	}
	html_raw(w, "</select>\n");
	field_error(w, r, name, err);
	html_raw(w, "</div>\n");
}

void form_button_(struct html *w, const char *variant, const char *label)
{
	html_raw(w, "<button class=\"ds-button\" type=\"submit\" data-variant=\"");
	html_raw_(w, variant);
	html_raw(w, "\">");
	html_text(w, label);
	html_raw(w, "</button>\n");
}
