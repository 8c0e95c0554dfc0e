/* static.c: static files from memory with ETags, and the health check. */
#include "http/static.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"

static const struct {
	const char *url;
	const char *file; /* relative to its folder */
	bool ds;          /* in ds_dir (Designsystemet) rather than static_dir */
} known[STATIC_COUNT] = {
	[STATIC_DS_THEME] = { "/static/ds/designsystemet.css", "theme/designsystemet.css", true },
	[STATIC_DS_INDEX] = { "/static/ds/index.css", "src/index.css", true },
	[STATIC_TOLV] = { "/static/tolv.css", "tolv.css", false },
};

/* Static files are a few hundred KiB at most; anything bigger is a mistake. */
#define STATIC_MAX (4 * 1024 * 1024)

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[16384];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > STATIC_MAX)
			break;
	}
	bool bad = ferror(f) || b.len > STATIC_MAX;
	fclose(f);
	if (bad) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

void static_load(struct site *site, const char *static_dir, const char *ds_dir)
{
	for (int i = 0; i < STATIC_COUNT; i++) {
		struct static_file *f = &site->files[i];
		memset(f, 0, sizeof *f);
		f->url = known[i].url;
		f->ctype = "text/css; charset=utf-8";
		const char *dir = known[i].ds ? ds_dir : static_dir;
		if (!dir)
			continue;
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/%s", dir, known[i].file);
		f->data = read_file(path.data, &f->len);
		if (!f->data) {
			log_warn("static file %s not found; pages work without it", path.data);
		} else {
			char hex[65];
			sha256_hex(f->data, f->len, hex);
			memcpy(f->version, hex, 16);
			f->version[16] = '\0';
			/* Built from the local hex copy: GCC's -Wrestrict cannot tell that f->version and
			 * f->etag do not overlap when both sit behind one pointer. */
			char etag[20];
			snprintf(etag, sizeof etag, "\"%.16s\"", hex);
			copy_str(f->etag, sizeof f->etag, etag);
		}
		buf_release(&path);
	}
}

void static_free(struct site *site)
{
	for (int i = 0; i < STATIC_COUNT; i++) {
		free(site->files[i].data);
		site->files[i].data = NULL;
	}
}

const char *static_version(const struct site *site, enum static_id id)
{
	return site->files[id].data ? site->files[id].version : NULL;
}

/* True if an If-None-Match header lists etag (or is "*"). */
static bool etag_matches(const char *header, const char *etag)
{
	if (!header)
		return false;
	size_t elen = strlen(etag);
	for (const char *p = header; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*')
			return true;
		if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

void static_get(struct req *r)
{
	for (int i = 0; i < STATIC_COUNT; i++) {
		const struct static_file *f = &r->site->files[i];
		if (strcmp(r->path, f->url) != 0)
			continue;
		if (!f->data)
			break;
		r->file = f;
		r->not_modified = etag_matches(r->hdr.if_none_match, f->etag);
		r->status = r->not_modified ? 304 : 200;
		return;
	}
	resp_text(r, 404, "not found\n");
}

void healthz_get(struct req *r)
{
	if (store_ping(r->site->ac->store) == STORE_OK)
		resp_text(r, 200, "ok\n");
	else
		resp_text(r, 503, "unavailable\n");
}
