/* SPDX-License-Identifier: 0BSD */
/* f_url.c - fuzz target for url_parse(): the input as a NUL-terminated
 * string (cut at its first NUL); on success every field must hold what the
 * contract promises, and a failure must be one of the NET_EURL* codes;
 * url_mask() on it must hide the userinfo the parser found. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *text, const struct url *u)
{
	size_t n = strlen(text);

	if (strlen(u->host) == 0 || strlen(u->host) > URL_MAX_HOST ||
	    strlen(u->sock) > URL_MAX_SOCK || u->port == 0 ||
	    (!u->port_given && u->port != (u->tls ? 443 : 80)))
		abort();
	if (u->pathlen == 0 || u->path[0] != '/' || memchr(u->path, '#', u->pathlen))
		abort();
	if (u->pathlen > 1 && (u->path < text || u->path + u->pathlen > text + n))
		abort();
	if (u->userinfo && (u->userinfolen == 0 || u->userinfo < text ||
	    u->userinfo + u->userinfolen > text + n))
		abort();
	if (u->ipv6 && !strchr(u->host, ':'))
		abort();
}

/* url_mask(): NUL-terminated within its buffer, never longer than the
 * text + 3, and for a parsed URL with userinfo the password is gone: the
 * masked text is what comes before the userinfo, "***", then what follows
 * it (cut to the buffer). */
static void
mask_check(const char *text, const struct url *u)
{
	char buf[64], want[64];
	size_t pre;

	if (url_mask(text, buf, sizeof(buf)) != buf || strlen(buf) >= sizeof(buf) ||
	    strlen(buf) > strlen(text) + 3)
		abort();
	if (!u || !u->userinfo)
		return;
	pre = (size_t)(u->userinfo - text);
	snprintf(want, sizeof(want), "%.*s***%s", (int)pre, text, u->userinfo + u->userinfolen);
	if (strcmp(buf, want))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct url u;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	rc = url_parse(text, &u);
	if (rc == 0)
		check(text, &u);
	else if (rc < NET_EURL || rc > NET_EURLSOCK)
		abort();
	mask_check(text, rc == 0 ? &u : 0);
	free(text);
	return 0;
}
