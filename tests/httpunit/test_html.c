/* test_html.c: the HTML writer never lets <script>'"& through unescaped; the form
 * helpers wire labels and messages; CSV cells are quoted and defused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "html/form.h"
#include "html/html.h"
#include "http/req.h"
#include "web/csv.h"

static const char *const evil = "<script>alert('x')</script>\"&amp;";

/* No raw markup characters from evil survive anywhere in out. */
static void assert_clean(const char *out)
{
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "'x'"));
	assert_null(strstr(out, "\"&amp;"));
}

static void text_and_attr(void **state)
{
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	html_text(&w, evil);
	assert_string_equal(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;amp;");
	buf_reset(&b);
	html_raw(&w, "<input");
	html_attr(&w, "value", evil);
	html_raw(&w, ">");
	assert_string_equal(b.data,
			    "<input value=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;amp;\">");
	buf_reset(&b);
	html_url_param(&w, evil);
	assert_null(strpbrk(b.data, "<>\"'& "));
	buf_reset(&b);
	html_text(&w, NULL);
	html_attr_int(&w, "data-n", -5);
	assert_string_equal(b.data, " data-n=\"-5\"");
	buf_release(&b);
}

static void fmt_escapes_template_and_args(void **state)
{
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	html_fmt(&w, "<b>{} & {}</b>", evil, "ok");
	assert_clean(b.data);
	assert_non_null(strstr(b.data, "&lt;b&gt;"));
	assert_non_null(strstr(b.data, " &amp; ok&lt;/b&gt;"));
	buf_reset(&b);
	html_fmt(&w, "{} {} {}", "only one");
	assert_string_equal(b.data, "only one  ");
	buf_release(&b);
}

static void fragments(void **state)
{
	struct buf scratch = BUF_INIT, out = BUF_INIT;
	struct html s, w;
	html_init(&s, &scratch);
	html_init(&w, &out);
	html_raw(&s, "<em>");
	html_text(&s, evil);
	html_raw(&s, "</em>");
	struct html_safe f = html_fragment(&s);
	assert_int_equal(scratch.len, 0);
	html_safe_put(&w, &f);
	assert_true(strncmp(out.data, "<em>&lt;script", 14) == 0);
	assert_clean(out.data);
	html_safe_free(&f);
	buf_release(&out);
	buf_release(&scratch);
}

static void form_input_wiring(void **state)
{
	struct req r;
	req_init(&r, NULL);
	r.logged_in = true;
	memcpy(r.session.csrf, "tok\"en", 7);
	struct buf b = BUF_INIT;
	struct html w;
	html_init(&w, &b);
	struct form_errors fe = { 0 };
	form_error(&fe, "email", "Enter an e-mail address.");
	form_error_summary(&w, &r, &fe);
	form_begin(&w, &r, "/users");
	form_input(&w, &r, &fe,
		   &(struct input){ .name = "email", .label = evil, .type = "email", .value = evil, .description = "d" });
	form_end(&w);
	assert_clean(b.data);
	assert_non_null(strstr(b.data, "<a class=\"ds-link\" href=\"#f-email\">Enter an e-mail address.</a>"));
	assert_non_null(strstr(b.data, "for=\"f-email\""));
	assert_non_null(strstr(b.data, "aria-describedby=\"f-email-desc f-email-error\""));
	assert_non_null(strstr(b.data, "aria-invalid=\"true\""));
	assert_non_null(strstr(b.data, "id=\"f-email-error\""));
	assert_non_null(strstr(b.data, "name=\"csrf\" value=\"tok&quot;en\""));
	buf_release(&b);
	req_release(&r);
}

static void csv(void **state)
{
	struct buf b = BUF_INIT;
	csv_cell(&b, "plain");
	buf_addch(&b, ',');
	csv_cell(&b, "a,b");
	buf_addch(&b, ',');
	csv_cell(&b, "say \"hi\"");
	buf_addch(&b, ',');
	csv_cell(&b, "=HYPERLINK(\"http://x\")");
	buf_addch(&b, ',');
	csv_cell(&b, "+1");
	buf_addch(&b, ',');
	csv_cell(&b, "-2");
	buf_addch(&b, ',');
	csv_cell(&b, "@SUM(A1)");
	buf_addch(&b, ',');
	csv_cell(&b, "two\nlines");
	buf_addch(&b, ',');
	csv_cell(&b, NULL);
	assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1\",\"'-2\","
				    "\"'@SUM(A1)\",\"two\nlines\",");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_and_attr), cmocka_unit_test(fmt_escapes_template_and_args),
		cmocka_unit_test(fragments),	   cmocka_unit_test(form_input_wiring),
		cmocka_unit_test(csv),
	};
	return cmocka_run_group_tests_name("html writer", tests, NULL, NULL);
}
