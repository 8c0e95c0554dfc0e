/* audit.c: the hash chain of the audit log and its group-commit writer.
 *
 * Writer states (one thread, started by auditor_new(threaded = true)):
 *
 *     idle --auditor_log() queues an entry--> committing --batch committed--> idle
 *       \                                                                    /
 *        `---------- auditor_free(): drain the queue, then exit -----------'
 *
 * Each caller of auditor_log() waits on its own `pending` record (on its stack) until
 * the writer has committed the batch that holds it, so success means durable.
 */
#include "domain/audit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"

#define AUDIT_BATCH_MAX 1024

static void add_field(struct buf *b, const char *s)
{
	/* Length-prefixed, so no choice of field contents can make two entries hash alike. */
	buf_addf(b, "%zu:", strlen(s));
	buf_adds(b, s);
	buf_addch(b, '\n');
}

static void add_int(struct buf *b, int64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	add_field(b, tmp);
}

void audit_compute_hash(struct audit_entry *e)
{
	struct buf b = BUF_INIT;
	/* v1: an entry without subjects (every entry before migration 013 too); v2: a
	 * listing, whose subjects follow the v1 fields (count, then each id). */
	buf_adds(&b, e->nsubjects ? "tolv-audit-v2\n" : "tolv-audit-v1\n");
	add_int(&b, e->seq);
	add_int(&b, e->at_ms);
	add_int(&b, e->user_id);
	add_field(&b, e->actor);
	add_int(&b, e->org_id);
	add_field(&b, e->action);
	add_field(&b, e->object_type);
	add_field(&b, e->object_id);
	add_field(&b, e->addr);
	add_field(&b, e->detail);
	add_field(&b, e->prev_hash);
	if (e->nsubjects) {
		add_int(&b, (int64_t)e->nsubjects);
		for (size_t i = 0; i < e->nsubjects; i++)
			add_int(&b, e->subjects[i]);
	}
	sha256_hex(b.data, b.len, e->hash);
	buf_release(&b);
}

struct pending {
	struct audit_entry *e;
	int status;
	bool done;
	struct pending *next;
};

struct auditor {
	struct store *store;
	bool threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits here for entries */
	pthread_cond_t done; /* callers wait here for their batch */
	struct pending *head, *tail;
	bool stopping;
};

/* Appends a batch; if the batch as a whole fails (say one entry is invalid), retries
 * entry by entry so that one bad entry does not fail its neighbours. */
static void write_batch(struct store *s, struct pending *list)
{
	size_t n = 0;
	for (struct pending *p = list; p; p = p->next)
		n++;
	struct audit_entry *batch = xmalloc(n * sizeof *batch);
	size_t i = 0;
	for (struct pending *p = list; p; p = p->next)
		batch[i++] = *p->e;
	int rc = store_audit_append(s, batch, n, audit_compute_hash);
	if (rc == STORE_OK) {
		i = 0;
		for (struct pending *p = list; p; p = p->next, i++) {
			*p->e = batch[i];
			p->status = STORE_OK;
		}
	} else if (n == 1) {
		list->status = rc;
	} else {
		for (struct pending *p = list; p; p = p->next) {
			struct audit_entry one = *p->e;
			p->status = store_audit_append(s, &one, 1, audit_compute_hash);
			if (p->status == STORE_OK)
				*p->e = one;
		}
	}
	for (struct pending *p = list; p; p = p->next)
		if (p->status != STORE_OK)
			log_error("audit: could not append entry (%s)", store_last_error());
	free(batch);
}

static void *writer_main(void *arg)
{
	struct auditor *a = arg;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->head && !a->stopping)
			pthread_cond_wait(&a->work, &a->mu);
		if (!a->head && a->stopping)
			break;
		/* Take up to AUDIT_BATCH_MAX entries off the queue. */
		struct pending *list = a->head, *last = a->head;
		size_t n = 1;
		while (last->next && n < AUDIT_BATCH_MAX) {
			last = last->next;
			n++;
		}
		a->head = last->next;
		if (!a->head)
			a->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&a->mu);

		write_batch(a->store, list);

		pthread_mutex_lock(&a->mu);
		for (struct pending *p = list, *next; p; p = next) {
			next = p->next; /* p lives on a caller's stack: read next before done */
			p->done = true;
		}
		pthread_cond_broadcast(&a->done);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct auditor *auditor_new(struct store *s, bool threaded)
{
	struct auditor *a = xcalloc(1, sizeof *a);
	a->store = s;
	a->threaded = threaded;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->work, NULL);
	pthread_cond_init(&a->done, NULL);
	if (threaded && pthread_create(&a->thread, NULL, writer_main, a) != 0) {
		log_error("audit: cannot start the writer thread; writing synchronously");
		a->threaded = false;
	}
	return a;
}

void auditor_free(struct auditor *a)
{
	if (!a)
		return;
	if (a->threaded) {
		pthread_mutex_lock(&a->mu);
		a->stopping = true;
		pthread_cond_signal(&a->work);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
	}
	pthread_cond_destroy(&a->work);
	pthread_cond_destroy(&a->done);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

int auditor_log(struct auditor *a, struct audit_entry *e)
{
	if (!e->at_ms)
		e->at_ms = now_millis();
	if (!a->threaded)
		return store_audit_append(a->store, e, 1, audit_compute_hash);

	struct pending p = { .e = e, .status = STORE_ERROR };
	pthread_mutex_lock(&a->mu);
	if (a->stopping) {
		pthread_mutex_unlock(&a->mu);
		return store_audit_append(a->store, e, 1, audit_compute_hash);
	}
	if (a->tail)
		a->tail->next = &p;
	else
		a->head = &p;
	a->tail = &p;
	pthread_cond_signal(&a->work);
	while (!p.done)
		pthread_cond_wait(&a->done, &a->mu);
	pthread_mutex_unlock(&a->mu);
	return p.status;
}

int auditor_log_many(struct auditor *a, struct audit_entry *es, size_t n)
{
	if (n == 0)
		return 0;
	int64_t now = now_millis();
	for (size_t i = 0; i < n; i++)
		if (!es[i].at_ms)
			es[i].at_ms = now;
	if (!a->threaded)
		return store_audit_append(a->store, es, n, audit_compute_hash);

	struct pending *ps = xcalloc(n, sizeof *ps);
	for (size_t i = 0; i < n; i++) {
		ps[i].e = &es[i];
		ps[i].status = STORE_ERROR;
		ps[i].next = i + 1 < n ? &ps[i + 1] : NULL;
	}
	pthread_mutex_lock(&a->mu);
	if (a->stopping) {
		pthread_mutex_unlock(&a->mu);
		free(ps);
		return store_audit_append(a->store, es, n, audit_compute_hash);
	}
	if (a->tail)
		a->tail->next = &ps[0];
	else
		a->head = &ps[0];
	a->tail = &ps[n - 1];
	pthread_cond_signal(&a->work);
	/* The writer marks entries done in queue order, so the last one done means all are. */
	while (!ps[n - 1].done)
		pthread_cond_wait(&a->done, &a->mu);
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (ps[i].status != STORE_OK && rc == 0)
			rc = ps[i].status;
	pthread_mutex_unlock(&a->mu);
	free(ps);
	return rc;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

int auditor_log_listing(struct auditor *a, struct audit_entry *e, const int64_t *person_ids, size_t n)
{
	if (n == 0)
		return 0;
	int64_t *ids = xmalloc(n * sizeof *ids);
	memcpy(ids, person_ids, n * sizeof *ids);
	qsort(ids, n, sizeof *ids, cmp_i64);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ids[i] > 0 && (k == 0 || ids[i] != ids[k - 1]))
			ids[k++] = ids[i];
	int rc = 0;
	if (k) {
		e->subjects = ids;
		e->nsubjects = k;
		rc = auditor_log(a, e);
		e->subjects = NULL;
		e->nsubjects = 0;
	}
	free(ids);
	return rc;
}

int audit_event(struct auditor *a, int64_t user_id, const char *actor, int64_t org_id, const char *addr,
		const char *action, const char *object_type, const char *object_id, const char *detail)
{
	struct audit_entry e;
	memset(&e, 0, sizeof e);
	e.user_id = user_id;
	e.org_id = org_id;
	copy_str(e.actor, sizeof e.actor, actor ? actor : "");
	copy_str(e.addr, sizeof e.addr, addr ? addr : "");
	copy_str(e.action, sizeof e.action, action ? action : "");
	copy_str(e.object_type, sizeof e.object_type, object_type ? object_type : "");
	copy_str(e.object_id, sizeof e.object_id, object_id ? object_id : "");
	copy_str(e.detail, sizeof e.detail, detail ? detail : "");
	return auditor_log(a, &e);
}

struct verify_state {
	struct audit_verify_result *r;
	int64_t expect_seq;
	char prev_hash[STORE_HEX_MAX];
};

static int verify_one(const struct audit_entry *e, void *arg)
{
	struct verify_state *st = arg;
	struct audit_verify_result *r = st->r;
	if (e->seq != st->expect_seq) {
		r->bad_seq = st->expect_seq;
		snprintf(r->reason, sizeof r->reason, "entry %lld is missing (found %lld next)",
			 (long long)st->expect_seq, (long long)e->seq);
		return 1;
	}
	if (strcmp(e->prev_hash, st->prev_hash) != 0) {
		r->bad_seq = e->seq;
		snprintf(r->reason, sizeof r->reason, "entry %lld does not link to the entry before it",
			 (long long)e->seq);
		return 1;
	}
	struct audit_entry copy = *e;
	audit_compute_hash(&copy);
	if (strcmp(copy.hash, e->hash) != 0) {
		r->bad_seq = e->seq;
		snprintf(r->reason, sizeof r->reason,
			 e->nsubjects ? "entry %lld has been altered (its hash does not match it and its persons)"
				      : "entry %lld has been altered (its hash does not match)",
			 (long long)e->seq);
		return 1;
	}
	copy_str(st->prev_hash, sizeof st->prev_hash, e->hash);
	copy_str(r->last_hash, sizeof r->last_hash, e->hash);
	st->expect_seq++;
	r->checked++;
	return 0;
}

int audit_verify(struct store *s, struct audit_verify_result *r)
{
	memset(r, 0, sizeof *r);
	struct verify_state st = { .r = r, .expect_seq = 1 };
	memset(st.prev_hash, '0', 64);
	st.prev_hash[64] = '\0';
	int rc = store_audit_each(s, 0, verify_one, &st);
	if (rc < 0)
		return rc;
	return rc ? 1 : 0;
}
