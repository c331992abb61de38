/* SPDX-License-Identifier: 0BSD */
/* f_http.c - fuzz target for http_parse_head() and http_header(): the input
 * in a buffer of exactly its size. A head it accepts must be consistent
 * (slices inside the head, framing fields sane, the same answer for the
 * head alone, NET_EAGAIN one byte short of it); any other answer must be
 * NET_EAGAIN below the size cap or one of the parser's error codes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(const char *p, size_t n, const char *buf, size_t len)
{
	return p >= buf && p + n <= buf + len;
}

static void
check(const char *buf, size_t len, const struct http_resp *r)
{
	static struct http_resp again;
	size_t i;

	if (len > HTTP_MAX_HEAD || r->nh > HTTP_MAX_HEADERS ||
	    r->status < 100 || r->status > 999 || r->minor < 0 || r->minor > 1 ||
	    r->clen < -1 || (r->chunked && r->clen != -1) ||
	    !inside(r->reason, r->reasonlen, buf, len))
		abort();
	for (i = 0; i < r->nh; i++) {
		const struct http_header *h = &r->h[i], *f;
		char name[64];

		if (!h->namelen || !inside(h->name, h->namelen, buf, len) ||
		    !inside(h->value, h->valuelen, buf, len))
			abort();
		if (h->namelen < sizeof name) {
			memcpy(name, h->name, h->namelen);
			name[h->namelen] = 0;
			if (!(f = http_header(r, name)) || f > h)
				abort();
		}
	}
	if (http_parse_head(buf, len, &again) != (int)len ||
	    http_parse_head(buf, len - 1, &again) != NET_EAGAIN)
		abort();
}

/* the codes http_parse_head() may fail with */
static int
head_error(int rc)
{
	switch (rc) {
	case NET_ESTATUS: case NET_EVERSION: case NET_EHEADER: case NET_EFOLD:
	case NET_ECLEN: case NET_ETE: case NET_EHEADBIG: case NET_EHEADERS:
		return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_resp r;
	char *buf = malloc(size ? size : 1);
	int rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	rc = http_parse_head(buf, size, &r);
	if (rc > 0)
		check(buf, (size_t)rc, &r);
	else if (rc == NET_EAGAIN ? size >= HTTP_MAX_HEAD : !head_error(rc))
		abort();
	free(buf);
	return 0;
}
