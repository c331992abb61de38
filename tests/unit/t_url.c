/* SPDX-License-Identifier: 0BSD */
/* t_url.c - url_parse(): a table of URLs, each parsed whole from a
 * guard-paged copy (the NUL is the last byte before the unmapped page) with
 * every field checked, then every prefix of it, which must parse to 0 or a
 * NET_EURL* code without reading past its NUL. */
#include <stdlib.h>

#include "net/net.h"
#include "tap.h"

struct tcase {
	const char *in;
	int rc;
	int tls;
	const char *host;
	int ipv6, port, given;
	const char *sock, *path, *user;	/* user: NULL when none */
};

/* an input that must fail with code e */
#define BAD(s, e) { .in = s, .rc = e }

static const struct tcase cases[] = {
	{ "http://example.com/check-load", 0, 0, "example.com", 0, 80, 0, "", "/check-load", NULL },
	{ "HTTPS://Example.COM", 0, 1, "Example.COM", 0, 443, 0, "", "/", NULL },
	{ "hTTp://h", 0, 0, "h", 0, 80, 0, "", "/", NULL },
	{ "http://127.0.0.1:9001/check-load?auth=x#frag", 0, 0, "127.0.0.1", 0, 9001, 1, "", "/check-load?auth=x", NULL },
	{ "http://[::1]:8080/", 0, 0, "::1", 1, 8080, 1, "", "/", NULL },
	{ "https://[2001:db8::1]/x", 0, 1, "2001:db8::1", 1, 443, 0, "", "/x", NULL },
	{ "http://[::ffff:1.2.3.4]/", 0, 0, "::ffff:1.2.3.4", 1, 80, 0, "", "/", NULL },
	{ "http://user:pa%40ss@host:81/p", 0, 0, "host", 0, 81, 1, "", "/p", "user:pa%40ss" },
	{ "http://a@b@host/", 0, 0, "host", 0, 80, 0, "", "/", "a@b" },
	{ "http://@host/", 0, 0, "host", 0, 80, 0, "", "/", NULL },
	{ "https://u:p@[::1]:8443/a?b=c", 0, 1, "::1", 1, 8443, 1, "", "/a?b=c", "u:p" },
	{ "http://unix:/run/app.sock:/check-load", 0, 0, "localhost", 0, 80, 0, "/run/app.sock", "/check-load", NULL },
	{ "http://unix:/run/app.sock", 0, 0, "localhost", 0, 80, 0, "/run/app.sock", "/", NULL },
	{ "http://unix:/run/app.sock:", 0, 0, "localhost", 0, 80, 0, "/run/app.sock", "/", NULL },
	{ "https://unix:/s:/a?b#c", 0, 1, "localhost", 0, 443, 0, "/s", "/a?b", NULL },
	{ "http://host:/x", 0, 0, "host", 0, 80, 0, "", "/x", NULL },
	{ "http://host:065535", 0, 0, "host", 0, 65535, 1, "", "/", NULL },
	{ "http://host:1/", 0, 0, "host", 0, 1, 1, "", "/", NULL },
	{ "http://host#frag", 0, 0, "host", 0, 80, 0, "", "/", NULL },
	{ "http://host/#", 0, 0, "host", 0, 80, 0, "", "/", NULL },
	{ "http://h/a/../b/%20?q=1&r=%7e", 0, 0, "h", 0, 80, 0, "", "/a/../b/%20?q=1&r=%7e", NULL },
	{ "http://my_host-1.local./", 0, 0, "my_host-1.local.", 0, 80, 0, "", "/", NULL },
	{ "http://10.0.0.1", 0, 0, "10.0.0.1", 0, 80, 0, "", "/", NULL },
	BAD("http://host:65536/", NET_EURLPORT),
	BAD("http://host:0/", NET_EURLPORT),
	BAD("http://host:8a/", NET_EURLPORT),
	BAD("http://host:-1/", NET_EURLPORT),
	BAD("http://host:80:80/", NET_EURLPORT),
	BAD("http://host:99999999999999999999999/", NET_EURLPORT),
	BAD("http://[::1]:x/", NET_EURLPORT),
	BAD("ftp://host/", NET_EURLSCHEME),
	BAD("host:80/", NET_EURLSCHEME),
	BAD("", NET_EURLSCHEME),
	BAD("http:/host/", NET_EURLSCHEME),
	BAD("http//host/", NET_EURLSCHEME),
	BAD("http://exa mple/", NET_EURL),
	BAD("http://host/a b", NET_EURL),
	BAD("http://host/\x01", NET_EURL),
	BAD("http://host/\x7f", NET_EURL),
	BAD("http://host/\xc3\xa9", NET_EURL),
	BAD("http://host/#a b", NET_EURL),
	BAD("http://host/\t", NET_EURL),
	BAD(" http://host/", NET_EURL),
	BAD("http://host?x=1", NET_EURL),
	BAD("http://unix:/s.sock:x", NET_EURL),
	BAD("http:///x", NET_EURLHOST),
	BAD("http://", NET_EURLHOST),
	BAD("http://:80/", NET_EURLHOST),
	BAD("http://user@/", NET_EURLHOST),
	BAD("http://[::1/", NET_EURLHOST),
	BAD("http://[::1]x/", NET_EURLHOST),
	BAD("http://[zz]/", NET_EURLHOST),
	BAD("http://[]/", NET_EURLHOST),
	BAD("http://[1.2.3.4]/", NET_EURLHOST),
	BAD("http://[::1%25eth0]/", NET_EURLHOST),
	BAD("http://::1/", NET_EURLHOST),
	BAD("http://256.1.1.1/", NET_EURLHOST),
	BAD("http://1/", NET_EURLHOST),
	BAD("http://1.2.3/", NET_EURLHOST),
	BAD("http://ho!st/", NET_EURLHOST),
	BAD("http://ho%41st/", NET_EURLHOST),
	BAD("http://h\\x/", NET_EURLHOST),
	BAD("http://unix::/x", NET_EURLSOCK),
	BAD("http://unix:", NET_EURLSOCK),
};

/* a slice as a C string (for is_str) */
static const char *
slice(const char *p, size_t n)
{
	static char b[2][512];
	static int i;

	if (!p)
		return NULL;
	i ^= 1;
	snprintf(b[i], sizeof b[i], "%.*s", (int)n, p);
	return b[i];
}

static void
check_fields(const struct tcase *t, const struct url *u)
{
	const char *in = t->in;

	is_int(u->tls, t->tls, in);
	is_str(u->host, t->host, in);
	is_int(u->ipv6, t->ipv6, in);
	is_int(u->port, t->port, in);
	is_int(u->port_given, t->given, in);
	is_str(u->sock, t->sock, in);
	is_str(slice(u->path, u->pathlen), t->path, in);
	is_str(slice(u->userinfo, u->userinfolen), t->user, in);
}

/* text parsed whole from a guard copy: returns url_parse's code */
static int
parse_guarded(const char *text, size_t n, struct url *u)
{
	char tmp[1024];
	char *g;

	if (n >= sizeof tmp)
		abort();
	memcpy(tmp, text, n);
	tmp[n] = 0;
	if (!(g = guard_copy(tmp, n + 1)))
		abort();
	return url_parse(g, u);
}

static int
is_url_code(int rc)
{
	return rc == 0 || (rc >= NET_EURL && rc <= NET_EURLSOCK);
}

static void
run_case(const struct tcase *t)
{
	struct url u;
	size_t n = strlen(t->in), k;
	int rc, bad = 0;

	rc = parse_guarded(t->in, n, &u);
	if (is_int(rc, t->rc, t->in) && rc == 0)
		check_fields(t, &u);
	for (k = 0; k < n; k++)
		if (!is_url_code(parse_guarded(t->in, k, &u)))
			bad++;
	ok(!bad, "%s: every prefix gives 0 or NET_EURL*", t->in);
}

/* hosts and socket paths at their length caps and one past */
static void
run_caps(void)
{
	char in[600], name[URL_MAX_HOST + 2];
	struct url u;

	memset(name, 'a', sizeof name);
	name[URL_MAX_HOST] = 0;
	snprintf(in, sizeof in, "http://%s:8/", name);
	is_int(url_parse(in, &u), 0, "host of URL_MAX_HOST bytes");
	is_int((long long)strlen(u.host), URL_MAX_HOST, "host kept whole");
	name[URL_MAX_HOST] = 'a', name[URL_MAX_HOST + 1] = 0;
	snprintf(in, sizeof in, "http://%s:8/", name);
	is_int(url_parse(in, &u), NET_EURLHOST, "host one byte too long");
	name[0] = '/';
	name[URL_MAX_SOCK] = 0;
	snprintf(in, sizeof in, "http://unix:%s:/x", name);
	is_int(url_parse(in, &u), 0, "socket path of URL_MAX_SOCK bytes");
	is_int((long long)strlen(u.sock), URL_MAX_SOCK, "socket path kept whole");
	name[URL_MAX_SOCK] = 'a', name[URL_MAX_SOCK + 1] = 0;
	snprintf(in, sizeof in, "http://unix:%s:/x", name);
	is_int(url_parse(in, &u), NET_EURLSOCK, "socket path one byte too long");
	is_str(u.text, in, "text kept for messages");
}

/* url_mask(): the password never shows, nothing else changes */
static void
run_mask(void)
{
	static const char *const m[][2] = {
		{ "http://bob:s3cret@h/x", "http://***@h/x" },
		{ "https://bob@h:8443/", "https://***@h:8443/" },
		{ "PUT http://a:b@h/?q=x@y", "PUT http://***@h/?q=x@y" },
		{ "http://a:b@c@h/", "http://***@h/" },
		{ "http://h/p@q", "http://h/p@q" },
		{ "http://unix:/run/a@b.sock:/x", "http://unix:/run/a@b.sock:/x" },
		{ "bob:pw@h", "***@h" },
		{ "", "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof m / sizeof *m; i++)
		is_str(url_mask(m[i][0], buf, sizeof buf), m[i][1], m[i][0]);
	is_str(url_mask("http://a:b@host/", buf, 12), "http://***@", "url_mask cut at the size");
	is_str(url_mask("http://a:b@host/", buf, 10), "http://", "url_mask: no room for ***");
}

int
main(void)
{
	size_t i;

	tap_prog = "t_url";
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		run_case(&cases[i]);
	run_caps();
	run_mask();
	is_str(net_strerror(NET_EURLPORT), "URL port is not 1-65535", "net_strerror words");
	/* url_port_num, which conn_open_spec's host:port uses too */
	{
		static const struct { const char *s; int want; } pn[] = {
			{ "1", 1 }, { "65535", 65535 }, { "00080", 80 }, { "", NET_EURLPORT },
			{ "0", NET_EURLPORT }, { "65536", NET_EURLPORT },
			{ "99999999999", NET_EURLPORT }, { "+1", NET_EURLPORT },
			{ "8a", NET_EURLPORT }
		};
		size_t k;

		for (k = 0; k < sizeof pn / sizeof *pn; k++)
			ok(url_port_num(pn[k].s, pn[k].s + strlen(pn[k].s)) == pn[k].want,
			   "url_port_num(\"%s\")", pn[k].s);
	}
	return tap_done();
}
