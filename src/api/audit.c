/* audit.c: GET /api/v1/audit — the organisation's audit entries, newest first, with the
 * page's filters as query parameters (?person=ID: every access to the person, the
 * listings that named them included) and paging by ?before=<seq>. A listing has
 * "subjects": the ids of the persons it showed. */
#include "api/api.h"

#include <stdlib.h>

#include "api/json.h"
#include "html/form.h"
#include "web/web.h"

void api_audit_list(struct req *r)
{
	struct form_errors fe = { 0 };
	struct audit_filter f;
	if (audit_filter_parse(r, &f, &fe) != 0) {
		resp_error(r, 400, "bad_request", fe.e[0].message, fe.e[0].field);
		return;
	}
	int64_t limit;
	if (!query_int_or_400(r, "limit", 1, 1000, 100, &limit))
		return;
	f.limit = (int)limit;
	struct audit_entry *es = NULL;
	size_t n = 0;
	int rc = store_audit_list(r->site->ac->store, &f, &es, &n);
	if (rc != STORE_OK) {
		free(es);
		resp_store_error(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = audit_entry_json(&es[i]);
		if (es[i].nsubjects) { /* a listing: the persons it showed */
			json_t *ids = json_array();
			for (size_t k = 0; k < es[i].nsubjects; k++)
				json_array_append_new(ids, json_integer((json_int_t)es[i].subjects[k]));
			json_object_set_new(e, "subjects", ids);
		}
		json_array_append_new(list, e);
	}
	json_t *next = n == (size_t)f.limit ? json_integer((json_int_t)es[n - 1].seq) : json_null();
	free(es);
	resp_json(r, 200, json_pack("{s:o, s:o}", "entries", list, "next_before", next));
}
