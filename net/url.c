/* SPDX-License-Identifier: 0BSD */
/* url.c - url_parse(): http:// and https:// URLs, IPv4 and [IPv6] literals,
 * user:password@, and nginx's UNIX-socket form http://unix:/path.sock:/uri.
 * Strict: every byte must be printable ASCII (no space, no control, no
 * 8-bit byte), the host is checked (a name of letters, digits, '-', '.' and
 * '_', or an address inet_pton accepts), the #fragment is dropped. Nothing
 * is allocated: host and socket path are copied into the struct, path and
 * userinfo are slices of the caller's text. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "net.h"

/* the bytes of [p, end) are all printable ASCII (0x21-0x7e) */
static int
url_printable(const char *p, const char *end)
{
	for (; p < end; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

/* first of the bytes in set within [p, end), or end */
static const char *
url_find(const char *p, const char *end, const char *set)
{
	while (p < end && !strchr(set, *p))
		p++;
	return p;
}

static int
url_namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/* Copies host [p, end) into u->host and checks it: "[v6]" or a name, and a
 * name of only digits and dots must be a dotted-quad IPv4 address. */
static int
url_host(struct url *u, const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	unsigned char a[16];
	const char *q;
	int numeric = 1;

	if (n && *p == '[') {
		if (n < 3 || end[-1] != ']')
			return NET_EURLHOST;
		p++, n -= 2;
		u->ipv6 = 1;
	}
	if (n == 0 || n > URL_MAX_HOST)
		return NET_EURLHOST;
	memcpy(u->host, p, n);
	u->host[n] = 0;
	if (u->ipv6)
		return inet_pton(AF_INET6, u->host, a) == 1 ? 0 : NET_EURLHOST;
	for (q = p; q < p + n; q++) {
		if (!url_namechar(*q))
			return NET_EURLHOST;
		if (*q != '.' && (*q < '0' || *q > '9'))
			numeric = 0;
	}
	if (numeric && inet_pton(AF_INET, u->host, a) != 1)
		return NET_EURLHOST;
	return 0;
}

int
url_port_num(const char *p, const char *end)
{
	unsigned long v = 0;

	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return NET_EURLPORT;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return NET_EURLPORT;
	}
	return v ? (int)v : NET_EURLPORT;
}

/* ":port" in [p, end): empty keeps the default */
static int
url_port(struct url *u, const char *p, const char *end)
{
	int v;

	if (p == end)
		return 0;
	if ((v = url_port_num(p, end)) < 0)
		return v;
	u->port = (uint16_t)v;
	u->port_given = 1;
	return 0;
}

/* host[:port] or [v6][:port] in [p, end) */
static int
url_hostport(struct url *u, const char *p, const char *end)
{
	const char *colon;
	int e;

	if (p < end && *p == '[') {
		colon = url_find(p, end, "]");
		if (colon < end)
			colon++;
		if (colon < end && *colon != ':')
			return NET_EURLHOST;
	} else {
		colon = url_find(p, end, ":");
	}
	if ((e = url_host(u, p, colon)) < 0)
		return e;
	return colon < end ? url_port(u, colon + 1, end) : 0;
}

/* http://unix:SOCKPATH[:/path]; p is just past "unix:", end at '#' */
static int
url_unix(struct url *u, const char *p, const char *end)
{
	const char *colon = url_find(p, end, ":");
	size_t n = (size_t)(colon - p);

	if (n == 0 || n > URL_MAX_SOCK)
		return NET_EURLSOCK;
	memcpy(u->sock, p, n);
	u->sock[n] = 0;
	strcpy(u->host, "localhost");
	if (colon < end && ++colon < end) {
		if (*colon != '/')
			return NET_EURL;
		u->path = colon;
		u->pathlen = (size_t)(end - colon);
	}
	return 0;
}

/* what follows the scheme, up to end (the '#' or the NUL) */
static int
url_rest(struct url *u, const char *p, const char *end)
{
	const char *auth = url_find(p, end, "/?");
	const char *at;

	if (end - p >= 5 && strncasecmp(p, "unix:", 5) == 0)
		return url_unix(u, p + 5, end);
	if (auth < end && *auth == '?')
		return NET_EURL;	/* a query needs a path: http://h/?q */
	if (auth < end) {
		u->path = auth;
		u->pathlen = (size_t)(end - auth);
	}
	for (at = auth; at > p && at[-1] != '@'; at--)
		;
	if (at > p + 1) {
		u->userinfo = p;
		u->userinfolen = (size_t)(at - 1 - p);
	}
	return url_hostport(u, at, auth);
}

const char *
url_mask(const char *text, char *buf, size_t size)
{
	const char *p = text, *end, *at = 0, *q;
	size_t pre, n;

	/* not strstr(): musl's costs 1.3 KB of the binary */
	while (*p && strncmp(p, "://", 3) != 0)
		p++;
	p = *p ? p + 3 : text;
	end = p + strcspn(p, "/?#");
	if (strncasecmp(p, "unix:", 5) != 0)
		for (q = p; q < end; q++)
			if (*q == '@')
				at = q;
	pre = at ? (size_t)(p - text) : strlen(text);
	n = pre < size - 1 ? pre : size - 1;
	memcpy(buf, text, n);
	buf[n] = 0;
	if (at && size - 1 - n >= 3) {
		memcpy(buf + n, "***", 4);
		n += 3;
		pre = strlen(at);
		if (pre > size - 1 - n)
			pre = size - 1 - n;
		memcpy(buf + n, at, pre);
		buf[n + pre] = 0;
	}
	return buf;
}

int
url_parse(const char *text, struct url *u)
{
	const char *p, *end;

	memset(u, 0, sizeof *u);
	u->text = text;
	u->path = "/";
	u->pathlen = 1;
	if (!url_printable(text, text + strlen(text)))
		return NET_EURL;
	if (strncasecmp(text, "http://", 7) == 0) {
		p = text + 7;
		u->port = 80;
	} else if (strncasecmp(text, "https://", 8) == 0) {
		p = text + 8;
		u->port = 443;
		u->tls = 1;
	} else {
		return NET_EURLSCHEME;
	}
	end = p + strcspn(p, "#");
	return url_rest(u, p, end);
}
