/* SPDX-License-Identifier: 0BSD */
/* t_dns.c - the resolver's pure parts (net/dns.c): dns_addr_parse(),
 * dns_conf_parse() on resolv.conf texts (defaults, nameservers, options,
 * search and domain, comments, CRLF, no final newline, NUL bytes),
 * dns_hosts_parse() on a hosts file (aliases, case, comments, bad lines,
 * max), dns_query() byte for byte and at the name length limits, and
 * dns_answer() on hand-built answers, honest and hostile (wrong id or
 * question, RCODEs, truncation, compression loops and forward pointers, bad
 * record lengths, max). Every input is read from a guard-paged copy ending
 * at its length, so a read past the end faults; every prefix of each
 * resolv.conf text, of the hosts file and of good answers is parsed too. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "net/net.h"
#include "tap.h"

/* an address as text ("10.0.0.1", "::1"), or "family N" */
static const char *
addr_text(const struct dns_addr *a)
{
	static char b[4][INET6_ADDRSTRLEN + 16];
	static int i;

	i = (i + 1) % 4;
	if (a->family != AF_INET && a->family != AF_INET6)
		snprintf(b[i], sizeof b[i], "family %d", a->family);
	else
		inet_ntop(a->family, a->a, b[i], sizeof b[i]);
	return b[i];
}

static int
is_addr(const struct dns_addr *a, const char *want, const char *what)
{
	return is_str(addr_text(a), want, what);
}

/* ---- dns_addr_parse ------------------------------------------------------ */

/* text[0..len) from a guard copy: the address, or "-1" */
static const char *
addr_parse(const char *text, size_t len)
{
	struct dns_addr a;
	char *g = guard_copy(text, len);

	if (!g)
		abort();
	memset(&a, 0x5a, sizeof a);
	if (dns_addr_parse(g, len, &a) != 0)
		return "-1";
	return addr_text(&a);
}

static void
addr_tests(void)
{
	is_str(addr_parse("10.0.0.1", 8), "10.0.0.1", "addr: IPv4");
	is_str(addr_parse("2001:DB8::1", 11), "2001:db8::1", "addr: IPv6");
	is_str(addr_parse("::ffff:1.2.3.4", 14), "::ffff:1.2.3.4", "addr: IPv4-mapped IPv6");
	is_str(addr_parse("10.0.0.1x", 8), "10.0.0.1", "addr: only len bytes read");
	is_str(addr_parse("10.0.0.12", 7), "-1", "addr: cut short");
	is_str(addr_parse("", 0), "-1", "addr: empty");
	is_str(addr_parse("fe80::1%eth0", 12), "-1", "addr: IPv6 zone rejected");
	is_str(addr_parse("10.1", 4), "-1", "addr: short IPv4 form rejected");
	is_str(addr_parse("010.0.0.1", 9), "-1", "addr: leading zero rejected");
	is_str(addr_parse(" 10.0.0.1", 9), "-1", "addr: leading blank rejected");
	is_str(addr_parse("::1\0", 4), "-1", "addr: NUL inside rejected");
	is_str(addr_parse("1111:2222:3333:4444:5555:6666:7777:8888:9", 41), "-1",
	       "addr: too long rejected");
}

/* ---- dns_conf_parse ------------------------------------------------------- */

/* text parsed from a guard copy ending at its last byte (no NUL after) */
static void
conf_parse(const char *text, struct dns_conf *c)
{
	size_t n = strlen(text);
	char *g = guard_copy(text, n);

	if (!g)
		abort();
	memset(c, 0x5a, sizeof *c);	/* every field must be set */
	dns_conf_parse(g, n, c);
}

/* the i-th search domain, or NULL past nsearch or past the buffer */
static const char *
conf_search(const struct dns_conf *c, int i)
{
	size_t off = 0;
	int k;

	if (i < 0 || i >= c->nsearch)
		return NULL;
	for (k = 0; k < i; k++) {
		const char *e = memchr(c->search + off, 0, sizeof c->search - off);

		if (!e)
			return NULL;
		off = (size_t)(e - c->search) + 1;
		if (off >= sizeof c->search)
			return NULL;
	}
	return memchr(c->search + off, 0, sizeof c->search - off) ? c->search + off : NULL;
}

/* every field within the contract's ranges */
static int
conf_sane(const struct dns_conf *c)
{
	int i;

	if (c->nns < 0 || c->nns > DNS_MAX_NS || c->ndots < 0 || c->ndots > 15 ||
	    c->timeout < 1 || c->timeout > 30 || c->attempts < 1 ||
	    c->attempts > 5 || c->nsearch < 0 || c->nsearch > DNS_MAX_SEARCH)
		return 0;
	for (i = 0; i < c->nns; i++)
		if (c->ns[i].family != AF_INET && c->ns[i].family != AF_INET6)
			return 0;
	for (i = 0; i < c->nsearch; i++)
		if (!conf_search(c, i) || !*conf_search(c, i))
			return 0;
	return 1;
}

/* the search list as "a b c" */
static const char *
conf_search_list(const struct dns_conf *c)
{
	static char b[600];
	size_t o = 0;
	int i;

	b[0] = 0;
	for (i = 0; i < c->nsearch && i < DNS_MAX_SEARCH; i++) {
		const char *s = conf_search(c, i);

		o += (size_t)snprintf(b + o, sizeof b - o, "%s%s", i ? " " : "",
				      s ? s : "(outside search[])");
		if (o >= sizeof b)
			break;
	}
	return b;
}

/* no nameserver in the file: nns 0 (dns_lookup then asks 127.0.0.1), or
 * 127.0.0.1 filled in; either way nothing else */
static int
conf_no_ns(const struct dns_conf *c)
{
	return c->nns == 0 ||
	       (c->nns == 1 && !strcmp(addr_text(&c->ns[0]), "127.0.0.1"));
}

struct ccase {
	const char *what, *in;
	const char *ns[4];	/* the nameservers wanted, NULL-terminated */
	int ndots, timeout, attempts;
	const char *search;	/* "a b c" */
};

#define DEF 1, 5, 2		/* ndots, timeout, attempts by default */

static const struct ccase ccases[] = {
	{ "empty file", "", { 0 }, DEF, "" },
	{ "only blanks and newlines", "\n\n  \t\n", { 0 }, DEF, "" },
	{ "v4 and v6 nameservers, only 3 used",
	  "nameserver 10.0.0.1\nnameserver ::1\nnameserver 2001:db8::53\nnameserver 10.0.0.4\n",
	  { "10.0.0.1", "::1", "2001:db8::53" }, DEF, "" },
	{ "bad nameserver addresses skipped",
	  "nameserver 10.0.0\nnameserver 300.1.1.1\nnameserver foo\nnameserver\n"
	  "nameserver ::g\nnameserver 1.2.3.4.5\nnameserver 10.0.0.9\n",
	  { "10.0.0.9" }, DEF, "" },
	{ "IPv6 nameserver with a zone skipped (dns_addr has no scope)",
	  "nameserver fe80::1%eth0\nnameserver 10.0.0.2\n", { "10.0.0.2" }, DEF, "" },
	{ "skipped ones do not count toward 3",
	  "nameserver x\nnameserver 10.0.0.1\nnameserver y\nnameserver 10.0.0.2\n"
	  "nameserver 10.0.0.3\nnameserver 10.0.0.4\n",
	  { "10.0.0.1", "10.0.0.2", "10.0.0.3" }, DEF, "" },
	{ "keyword glued to the address is no keyword",
	  "nameserver10.0.0.1\nnameservers 10.0.0.2\n", { 0 }, DEF, "" },
	{ "tab after the keyword", "nameserver\t10.0.0.7\n", { "10.0.0.7" }, DEF, "" },
	{ "options ndots timeout attempts", "options ndots:3 timeout:2 attempts:4\n",
	  { 0 }, 3, 2, 4, "" },
	{ "options at their low bounds", "options ndots:0 timeout:1 attempts:1\n",
	  { 0 }, 0, 1, 1, "" },
	{ "options at their high bounds", "options ndots:15 timeout:30 attempts:5\n",
	  { 0 }, 15, 30, 5, "" },
	{ "options over range capped", "options ndots:16 timeout:31 attempts:6\n",
	  { 0 }, 15, 30, 5, "" },
	{ "options far over range capped", "options ndots:99 timeout:999 attempts:12345\n",
	  { 0 }, 15, 30, 5, "" },
	{ "timeout:0 and attempts:0 mean 1", "options timeout:0 attempts:0\n",
	  { 0 }, 1, 1, 1, "" },
	{ "negative numbers skipped", "options ndots:-1 timeout:-1 attempts:-1\n",
	  { 0 }, DEF, "" },
	{ "malformed keeps the earlier value",
	  "options ndots:3 timeout:7 attempts:3\noptions ndots:x timeout: attempts:-2\n",
	  { 0 }, 3, 7, 3, "" },
	{ "options: empty numbers skipped", "options ndots: timeout: attempts:\n",
	  { 0 }, DEF, "" },
	{ "options: letters skipped", "options ndots:x timeout:y attempts:z\n",
	  { 0 }, DEF, "" },
	{ "options: trailing garbage skipped", "options ndots:3x timeout:4x attempts:3x\n",
	  { 0 }, DEF, "" },
	{ "options: numbers that overflow an int are capped",
	  "options ndots:4294967298 timeout:4294967297 attempts:18446744073709551617\n",
	  { 0 }, 15, 30, 5, "" },
	{ "options: unknown ones skipped", "options rotate edns0 ndots trust-ad ndots:4\n",
	  { 0 }, 4, 5, 2, "" },
	{ "options: the last one wins", "options ndots:2 ndots:7\noptions timeout:3\noptions timeout:4\n",
	  { 0 }, 7, 4, 2, "" },
	{ "options separated by tabs", "options\tndots:2\ttimeout:3\n",
	  { 0 }, 2, 3, 2, "" },
	{ "search list", "search a.test b.test c.test\n", { 0 }, DEF, "a.test b.test c.test" },
	{ "search by tabs and blanks", "search\ta.test \t b.test  \n", { 0 }, DEF, "a.test b.test" },
	{ "domain after search wins", "search a.test b.test\ndomain x.test\n",
	  { 0 }, DEF, "x.test" },
	{ "search after domain wins", "domain x.test\nsearch a.test b.test\n",
	  { 0 }, DEF, "a.test b.test" },
	{ "the last search wins", "search a.test\nsearch b.test c.test\n",
	  { 0 }, DEF, "b.test c.test" },
	{ "only 6 search domains", "search a b c d e f g h\n", { 0 }, DEF, "a b c d e f" },
	{ "comments with # and ;",
	  "# nameserver 10.9.9.9\n; nameserver 10.8.8.8\nnameserver 10.0.0.1\n"
	  "#search x.test\n;options ndots:9\n# domain y.test", { "10.0.0.1" }, DEF, "" },
	{ "no newline at the end",
	  "nameserver 10.0.0.1\nsearch a.test\noptions ndots:4", { "10.0.0.1" }, 4, 5, 2, "a.test" },
	{ "nameserver without newline", "nameserver 10.0.0.2", { "10.0.0.2" }, DEF, "" },
	{ "search without newline", "search a.test b.test", { 0 }, DEF, "a.test b.test" },
	{ "CRLF line ends",
	  "nameserver 10.0.0.1\r\nnameserver ::1\r\nsearch a.test b.test\r\n"
	  "options ndots:2 timeout:3\r\n", { "10.0.0.1", "::1" }, 2, 3, 2, "a.test b.test" },
	{ "CRLF domain", "domain x.test\r\n", { 0 }, DEF, "x.test" },
	{ "unknown lines skipped",
	  "sortlist 10.0.0.0/255.0.0.0\nlookup file bind\nnameserver 10.0.0.1\nxyz\n\n",
	  { "10.0.0.1" }, DEF, "" },
	{ "Kubernetes pod",
	  "search default.svc.cluster.local svc.cluster.local cluster.local\n"
	  "nameserver 10.96.0.10\noptions ndots:5\n",
	  { "10.96.0.10" }, 5, 5, 2, "default.svc.cluster.local svc.cluster.local cluster.local" },
	{ "systemd-resolved stub",
	  "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
	  "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n",
	  { "127.0.0.53" }, DEF, NULL },
};

static void
conf_case(const struct ccase *t)
{
	struct dns_conf c;
	char what[160];
	int i, want = 0, bad = 0;
	size_t n = strlen(t->in), k;

	conf_parse(t->in, &c);
	while (want < 4 && t->ns[want])
		want++;
	snprintf(what, sizeof what, "conf: %s: nameservers", t->what);
	if (want == 0) {
		ok(conf_no_ns(&c), "%s: none", t->what);
	} else if (is_int(c.nns, want, what)) {
		for (i = 0; i < want; i++)
			is_addr(&c.ns[i], t->ns[i], what);
	}
	snprintf(what, sizeof what, "conf: %s: ndots, timeout, attempts", t->what);
	if (!ok(c.ndots == t->ndots && c.timeout == t->timeout && c.attempts == t->attempts,
		"%s", what))
		printf("#   got %d %d %d, want %d %d %d\n", c.ndots, c.timeout,
		       c.attempts, t->ndots, t->timeout, t->attempts);
	snprintf(what, sizeof what, "conf: %s: search", t->what);
	if (t->search)
		is_str(c.nsearch >= 0 && c.nsearch <= DNS_MAX_SEARCH ?
		       conf_search_list(&c) : "(nsearch out of range)", t->search, what);
	ok(conf_sane(&c), "conf: %s: all fields in range", t->what);
	/* every prefix: never a fault, always sane */
	for (k = 0; k < n; k++) {
		char *g = guard_copy(t->in, k);

		memset(&c, 0x5a, sizeof c);
		dns_conf_parse(g, k, &c);
		bad += !conf_sane(&c);
	}
	ok(!bad, "conf: %s: every prefix parses in range", t->what);
}

/* search domains that do not all fit search[256] */
static void
conf_long_search(void)
{
	char text[1200], dom[101];
	struct dns_conf c;
	int i;

	memset(dom, 'd', 100);
	dom[100] = 0;
	snprintf(text, sizeof text, "search %s.a %s.b %s.c %s.d x.test\n", dom, dom, dom, dom);
	conf_parse(text, &c);
	ok(conf_sane(&c), "conf: long search domains: in range, inside search[]");
	ok(c.nsearch >= 1 && conf_search(&c, 0) && strlen(conf_search(&c, 0)) == 102 &&
	   conf_search(&c, 0)[101] == 'a', "conf: long search domains: the first one kept whole");
	for (i = 0; i < c.nsearch && i < DNS_MAX_SEARCH; i++) {
		const char *s = conf_search(&c, i);

		if (!s || (strlen(s) != 102 && strcmp(s, "x.test")))
			break;
	}
	ok(i == c.nsearch, "conf: long search domains: none cut short");
}

/* NUL bytes inside words: whatever becomes of them, the search list must
 * stay nsearch non-empty strings (fuzz-found) */
static void
conf_nul(void)
{
	static const char text[] = "search a.test b\0\0c.test d.test\nnameserver 10.0.0.1\n";
	struct dns_conf c;
	char *g = guard_copy(text, sizeof text - 1);

	dns_conf_parse(g, sizeof text - 1, &c);
	ok(conf_sane(&c), "conf: NUL bytes inside a search domain: nsearch non-empty domains");
	ok(c.nsearch >= 1 && conf_search(&c, 0) && !strcmp(conf_search(&c, 0), "a.test"),
	   "conf: NUL bytes inside a search domain: the domain before kept");
	ok(c.nns == 1 && !strcmp(addr_text(&c.ns[0]), "10.0.0.1"),
	   "conf: NUL bytes inside a search domain: the next line read");
}

/* ---- dns_hosts_parse ----------------------------------------------------- */

static const char hosts[] =
	"# a comment 10.0.0.99 app\n"
	"127.0.0.1\tlocalhost\n"
	"10.0.0.5 app app.svc.test web  # app2\n"
	"10.0.0.6   other\n"
	"\n"
	"   \n"
	"::1 localhost ip6-localhost\n"
	"2001:db8::5 App\n"
	"fe80::1%eth0 app\n"
	"999.0.0.1 app\n"
	"10.0.0 app\n"
	"app 10.0.0.7\n"
	"10.0.0.8\n"
	"10.0.0.9 apple app.x\n"
	"10.0.0.10\tweb\r\n"
	"10.0.0.11 app\n"
	"#10.0.0.12 app\n"
	"10.0.0.13 last";

/* looks name up in text (from a guard copy); returns the addresses found,
 * as "a b c" in order, or "rc R n N" when the count is off */
static const char *
hosts_find(const char *text, size_t len, const char *name)
{
	static char b[600];
	struct dns_addr out[DNS_MAX_ADDRS + 1];
	char *g = guard_copy(text, len);
	int n = 0, rc, i;
	size_t o = 0;

	memset(out, 0x5a, sizeof out);
	rc = dns_hosts_parse(g, len, name, out, DNS_MAX_ADDRS, &n);
	if (rc != n || n < 0 || n > DNS_MAX_ADDRS) {
		snprintf(b, sizeof b, "rc %d n %d", rc, n);
		return b;
	}
	b[0] = 0;
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(b + o, sizeof b - o, "%s%s", i ? " " : "", addr_text(&out[i]));
	return b;
}

/* the IPv4 addresses of a list first, in their order, then the IPv6 ones:
 * dns_lookup puts IPv4 first, so dns_hosts_parse may do it already */
static const char *
v4_first(const char *list)
{
	static char b[2][600];
	static int k;
	char tmp[600], *w, *save;
	size_t o = 0;
	int pass;

	k ^= 1;
	b[k][0] = 0;
	for (pass = 0; pass < 2; pass++) {
		snprintf(tmp, sizeof tmp, "%s", list);
		for (w = strtok_r(tmp, " ", &save); w; w = strtok_r(NULL, " ", &save))
			if ((strchr(w, ':') != NULL) == pass)
				o += (size_t)snprintf(b[k] + o, sizeof b[k] - o, "%s%s", o ? " " : "", w);
	}
	return b[k];
}

static void
hosts_is(const char *name, const char *want)
{
	char what[100];

	snprintf(what, sizeof what, "hosts: %s", name);
	is_str(v4_first(hosts_find(hosts, sizeof hosts - 1, name)), want, what);
}

static void
hosts_max(void)
{
	struct dns_addr out[4];
	char *g;
	int n, rc;

	memset(out, 0x5a, sizeof out);
	g = guard_copy(hosts, sizeof hosts - 1);
	n = 0;
	rc = dns_hosts_parse(g, sizeof hosts - 1, "app", out, 2, &n);
	ok(rc == 2 && n == 2, "hosts: max 2 of 3: 2 added (rc %d, n %d)", rc, n);
	ok(out[2].family == 0x5a5a5a5a, "hosts: max 2 of 3: nothing written past max");
	memset(out, 0x5a, sizeof out);
	n = 1;
	rc = dns_hosts_parse(g, sizeof hosts - 1, "app", out, 2, &n);
	ok(rc == 1 && n == 2, "hosts: 1 of max 2 filled: 1 added (rc %d, n %d)", rc, n);
	ok(out[0].family == 0x5a5a5a5a && out[2].family == 0x5a5a5a5a,
	   "hosts: 1 of max 2 filled: out[0] and out[2] untouched");
	ok(out[1].family == AF_INET || out[1].family == AF_INET6,
	   "hosts: 1 of max 2 filled: appended at out[1]");
	n = 2;
	rc = dns_hosts_parse(g, sizeof hosts - 1, "app", out, 2, &n);
	ok(rc == 0 && n == 2, "hosts: full already: nothing added (rc %d, n %d)", rc, n);
}

static void
hosts_tests(void)
{
	size_t k;
	int bad = 0;

	hosts_is("app", "10.0.0.5 10.0.0.11 2001:db8::5");
	hosts_is("APP", "10.0.0.5 10.0.0.11 2001:db8::5");
	hosts_is("app.svc.test", "10.0.0.5");
	hosts_is("App.Svc.Test", "10.0.0.5");
	hosts_is("web", "10.0.0.5 10.0.0.10");
	hosts_is("localhost", "127.0.0.1 ::1");
	hosts_is("ip6-localhost", "::1");
	hosts_is("other", "10.0.0.6");
	hosts_is("apple", "10.0.0.9");
	hosts_is("app.x", "10.0.0.9");
	hosts_is("last", "10.0.0.13");
	hosts_is("app2", "");
	hosts_is("ap", "");
	hosts_is("appl", "");
	hosts_is("comment", "");
	hosts_is("10.0.0.7", "");
	hosts_is("10.0.0.8", "");
	hosts_is("nosuch", "");
	is_str(hosts_find("10.0.0.1 x", 10, "x"), "10.0.0.1", "hosts: one line, no newline");
	is_str(hosts_find("", 0, "x"), "", "hosts: empty file");
	is_str(hosts_find("10.0.0.1 x\n10.0.0.2 x\n10.0.0.3 x\n", 33, "x"),
	       "10.0.0.1 10.0.0.2 10.0.0.3", "hosts: several lines for a name, in order");
	is_str(hosts_find("10.0.0.1 x\r\n::2 x\r\n", 19, "x"), "10.0.0.1 ::2", "hosts: CRLF");
	hosts_max();
	/* every prefix: no fault, a count in range */
	for (k = 0; k < sizeof hosts - 1; k++) {
		const char *r = hosts_find(hosts, k, "app");

		bad += !strncmp(r, "rc ", 3);
	}
	ok(!bad, "hosts: every prefix gives a count in range");
}

/* ---- dns_query ------------------------------------------------------------- */

#define Q_APP_TEST "\003app\004test\000"

static int
bytes_is(const unsigned char *got, int len, const char *want, int wlen, const char *what)
{
	int same = len == wlen && !memcmp(got, want, (size_t)wlen), i;

	if (!ok(same, "%s", what)) {
		printf("#   got %d bytes:", len);
		for (i = 0; i < len && i < 64; i++)
			printf(" %02x", got[i]);
		printf("\n#  want %d bytes:", wlen);
		for (i = 0; i < wlen && i < 64; i++)
			printf(" %02x", (unsigned char)want[i]);
		putchar('\n');
	}
	return same;
}

/* dns_query into a guard-paged buffer of exactly size bytes */
static int
query_g(const char *name, unsigned id, int qtype, size_t size, unsigned char *copy)
{
	static const unsigned char zero[600];
	unsigned char *g = (unsigned char *)guard_copy(zero, size);
	int rc;

	if (!g || size > sizeof zero)
		abort();
	rc = dns_query(g, size, name, id, qtype);
	if (copy && rc > 0)
		memcpy(copy, g, (size_t)rc);
	return rc;
}

/* a name of total bytes made of labels of at most 63 bytes */
static const char *
long_name(size_t total, size_t first)
{
	static char b[400];
	size_t o = 0, l;

	while (o < total) {
		l = o == 0 ? first : 63;
		if (o && o < total)
			b[o++] = '.';
		if (l > total - o)
			l = total - o;
		memset(b + o, 'a' + (char)(o % 26), l);
		o += l;
	}
	b[o] = 0;
	return b;
}

static void
query_tests(void)
{
	static const char a_want[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
		Q_APP_TEST "\x00\x01\x00\x01";
	static const char aaaa_want[] = "\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
		Q_APP_TEST "\x00\x1c\x00\x01";
	static const char one_want[] = "\x00\x07\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
		"\003app\000\x00\x01\x00\x01";
	unsigned char b[600];
	char name[400];
	size_t k;
	int rc, bad = 0;

	rc = query_g("app.test", 0x1234, 1, 512, b);
	bytes_is(b, rc, a_want, sizeof a_want - 1, "query: A app.test, id 0x1234: exact bytes, RD set");
	rc = query_g("app.test", 0xabcd, 28, 512, b);
	bytes_is(b, rc, aaaa_want, sizeof aaaa_want - 1, "query: AAAA app.test, id 0xabcd");
	rc = query_g("app.test.", 0x1234, 1, 512, b);
	bytes_is(b, rc, a_want, sizeof a_want - 1, "query: a trailing dot gives the same bytes");
	rc = query_g("app", 7, 1, 512, b);
	bytes_is(b, rc, one_want, sizeof one_want - 1, "query: one label");

	/* labels: 63 bytes fine, 64 not */
	snprintf(name, sizeof name, "%s.test", long_name(63, 63));
	rc = query_g(name, 1, 1, 512, b);
	ok(rc == 12 + 1 + 63 + 5 + 1 + 4 && b[12] == 63, "query: label of 63 bytes (rc %d)", rc);
	snprintf(name, sizeof name, "%s.test", long_name(64, 64));
	is_int(query_g(name, 1, 1, 512, NULL), NET_EDNSFAIL, "query: label of 64 bytes rejected");
	snprintf(name, sizeof name, "test.%s", long_name(64, 64));
	is_int(query_g(name, 1, 1, 512, NULL), NET_EDNSFAIL, "query: last label of 64 bytes rejected");

	/* the whole name: 253 bytes fine (255 on the wire), 254 not */
	snprintf(name, sizeof name, "%s", long_name(253, 61));
	rc = query_g(name, 1, 1, 512, NULL);
	is_int(rc, 12 + 255 + 4, "query: name of 253 bytes");
	is_int(query_g(name, 1, 1, 271, NULL), 271, "query: 253 bytes in a buffer of exactly 271");
	is_int(query_g(name, 1, 1, 270, NULL), NET_EDNSFAIL, "query: 253 bytes in a buffer of 270 rejected");
	strcat(name, ".");
	is_int(query_g(name, 1, 1, 512, NULL), 12 + 255 + 4, "query: name of 253 bytes and a trailing dot");
	snprintf(name, sizeof name, "%s", long_name(254, 62));
	is_int(query_g(name, 1, 1, 512, NULL), NET_EDNSFAIL, "query: name of 254 bytes rejected");
	snprintf(name, sizeof name, "%s", long_name(300, 63));
	is_int(query_g(name, 1, 1, 512, NULL), NET_EDNSFAIL, "query: name of 300 bytes rejected");

	/* empty names and labels */
	is_int(query_g("", 1, 1, 512, NULL), NET_EDNSFAIL, "query: empty name rejected");
	is_int(query_g(".", 1, 1, 512, NULL), NET_EDNSFAIL, "query: \".\" rejected");
	is_int(query_g("a..b", 1, 1, 512, NULL), NET_EDNSFAIL, "query: a..b rejected");
	is_int(query_g(".a", 1, 1, 512, NULL), NET_EDNSFAIL, "query: .a rejected");
	is_int(query_g("a..", 1, 1, 512, NULL), NET_EDNSFAIL, "query: a.. rejected");

	/* every buffer too small */
	for (k = 0; k < sizeof a_want - 1; k++)
		bad += query_g("app.test", 0x1234, 1, k, NULL) != NET_EDNSFAIL;
	ok(!bad, "query: every buffer under 26 bytes rejected, nothing written past it");
	rc = query_g("app.test", 0x1234, 1, sizeof a_want - 1, b);
	bytes_is(b, rc, a_want, sizeof a_want - 1, "query: a buffer of exactly 26 bytes");
}

/* ---- dns_answer ------------------------------------------------------------ */

/* a message being built */
struct mb {
	unsigned char b[1024];
	size_t len;
};

static void
mb_put(struct mb *m, const void *p, size_t n)
{
	if (m->len + n > sizeof m->b)
		abort();
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
mb_16(struct mb *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	mb_put(m, b, 2);
}

/* name as uncompressed labels, ending with a pointer to ptr when ptr > 0
 * (name "" and ptr > 0: the pointer alone); returns its offset */
static size_t
mb_name(struct mb *m, const char *name, size_t ptr)
{
	size_t at = m->len, l;
	unsigned char c;

	while (*name) {
		l = strcspn(name, ".");
		c = (unsigned char)l;
		mb_put(m, &c, 1);
		mb_put(m, name, l);
		name += l + (name[l] == '.');
	}
	if (ptr)
		mb_16(m, 0xc000 | (unsigned)ptr);
	else
		mb_put(m, "", 1);
	return at;
}

/* a header; flags: QR 0x8000, TC 0x0200, RD 0x0100, RA 0x0080, RCODE */
static void
mb_head(struct mb *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
	unsigned ns, unsigned ar)
{
	m->len = 0;
	mb_16(m, id);
	mb_16(m, flags);
	mb_16(m, qd);
	mb_16(m, an);
	mb_16(m, ns);
	mb_16(m, ar);
}

static void
mb_question(struct mb *m, const char *name, unsigned qtype)
{
	mb_name(m, name, 0);
	mb_16(m, qtype);
	mb_16(m, 1);
}

/* the rest of a record after its owner name: class IN, TTL 300 */
static void
mb_rr(struct mb *m, unsigned type, unsigned rdlength, const void *rdata, size_t n)
{
	mb_16(m, type);
	mb_16(m, 1);
	mb_16(m, 0);
	mb_16(m, 300);
	mb_16(m, rdlength);
	mb_put(m, rdata, n);
}

static void
mb_a(struct mb *m, size_t owner, const char *ip)
{
	unsigned char a[16];

	mb_16(m, 0xc000 | (unsigned)owner);
	if (inet_pton(AF_INET, ip, a) == 1)
		mb_rr(m, 1, 4, a, 4);
	else if (inet_pton(AF_INET6, ip, a) == 1)
		mb_rr(m, 28, 16, a, 16);
	else
		abort();
}

#define QR 0x8180		/* QR, RD, RA */
#define ID 0x1234
#define T_A 1
#define T_AAAA 28

static unsigned char q[512];	/* A app.test, id ID */
static size_t qlen;

/* dns_answer on m (a guard copy), *n of max already filled */
static int
answer(const struct mb *m, struct dns_addr *out, int max, int *n)
{
	const unsigned char *g = (const unsigned char *)guard_copy(m->b, m->len);

	if (!g)
		abort();
	return dns_answer(g, m->len, q, qlen, out, max, n);
}

/* what dns_answer gives for m: "rc R: a b c" (the addresses it added), or
 * "NET_EDNSFAIL:" / "NET_EAGAIN:" (what it may have added is not looked at) */
static const char *
answer_text(const struct mb *m)
{
	static char b[600];
	struct dns_addr out[DNS_MAX_ADDRS];
	int n = 0, rc, i;
	size_t o;

	memset(out, 0x5a, sizeof out);
	rc = answer(m, out, DNS_MAX_ADDRS, &n);
	if (rc == NET_EDNSFAIL || rc == NET_EAGAIN)
		o = (size_t)snprintf(b, sizeof b, "%s:", rc == NET_EAGAIN ? "NET_EAGAIN" : "NET_EDNSFAIL");
	else
		o = (size_t)snprintf(b, sizeof b, "rc %d:", rc);
	for (i = 0; rc >= 0 && i < n && i < DNS_MAX_ADDRS; i++)
		o += (size_t)snprintf(b + o, sizeof b - o, " %s", addr_text(&out[i]));
	if (n < 0 || n > DNS_MAX_ADDRS)
		snprintf(b + o, sizeof b - o, " (n %d)", n);
	return b;
}

/* A app.test and AAAA app.test */
static void
msg_a_aaaa(struct mb *m)
{
	mb_head(m, ID, QR, 1, 2, 0, 0);
	mb_question(m, "app.test", T_A);
	mb_a(m, 12, "10.0.0.1");
	mb_a(m, 12, "2001:db8::1");
}

/* app.test CNAME x.example, x.example CNAME y.example (compressed against
 * x.example), y.example A 10.0.0.3 */
static void
msg_cname(struct mb *m)
{
	size_t x, y, rdl;

	mb_head(m, ID, QR, 1, 3, 0, 0);
	mb_question(m, "app.test", T_A);
	mb_16(m, 0xc00c);
	mb_rr(m, 5, 11, "", 0);
	x = mb_name(m, "x.example", 0);
	mb_16(m, 0xc000 | (unsigned)x);
	rdl = m->len + 8;
	mb_rr(m, 5, 4, "", 0);
	y = mb_name(m, "y", x + 2);	/* "y" + pointer to "example" */
	m->b[rdl + 1] = (unsigned char)(m->len - y);
	mb_a(m, y, "10.0.0.3");
}

/* a pointer to a name that is itself only a pointer, and a name made of a
 * label and a pointer into the middle of the question */
static void
msg_compress(struct mb *m)
{
	size_t p;

	mb_head(m, ID, QR, 1, 3, 0, 0);
	mb_question(m, "app.test", T_A);
	p = m->len;
	mb_16(m, 0xc00c);		/* owner: a pointer to the question */
	mb_rr(m, 16, 4, "\003txt", 4);	/* TXT, skipped */
	mb_a(m, p, "10.0.0.4");		/* owner: pointer to that pointer */
	mb_name(m, "www", 12 + 4);	/* www.test */
	mb_rr(m, 1, 4, "\012\000\000\005", 4);
}

/* one A record whose owner name is bad: kind 0 a pointer to itself, 1 a
 * label then a pointer back to that label (a loop), 2 a pointer forward
 * (to the good owner name of a second record) */
static void
msg_bad_owner(struct mb *m, int kind)
{
	size_t at;

	mb_head(m, ID, QR, 1, kind == 2 ? 2 : 1, 0, 0);
	mb_question(m, "app.test", T_A);
	at = m->len;
	if (kind == 0) {
		mb_16(m, 0xc000 | (unsigned)at);
	} else if (kind == 1) {
		mb_put(m, "\001a", 2);
		mb_16(m, 0xc000 | (unsigned)at);
	} else {
		/* forward: to the next record's owner, a good name */
		mb_16(m, 0xc000 | (unsigned)(at + 2 + 14));
	}
	mb_rr(m, 1, 4, "\012\000\000\001", 4);
	if (kind == 2) {
		mb_name(m, "app.test", 0);
		mb_rr(m, 1, 4, "\012\000\000\002", 4);
	}
}

/* one A record with rdlength len (and len bytes) */
static void
msg_rdlength(struct mb *m, unsigned type, unsigned len)
{
	mb_head(m, ID, QR, 1, 1, 0, 0);
	mb_question(m, "app.test", T_A);
	mb_16(m, 0xc00c);
	mb_rr(m, type, len, "\012\000\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017", len);
}

/* a header with rcode and flags, the question, and a SOA in authority */
static void
msg_rcode(struct mb *m, unsigned rcode)
{
	mb_head(m, ID, QR | rcode, 1, 0, 1, 0);
	mb_question(m, "app.test", T_A);
	mb_16(m, 0xc000 | (12 + 4));		/* owner: "test" */
	mb_rr(m, 6, 2 + 20, "\000\000", 2);	/* mname ".", rname "." */
	mb_put(m, "\0\0\0\1\0\0\0\1\0\0\0\1\0\0\0\1\0\0\0\1", 20);
}

static void
answer_prefixes(const char *what, void (*build)(struct mb *))
{
	struct dns_addr out[DNS_MAX_ADDRS];
	struct mb m, cut;
	size_t k;
	int n, rc, bad = 0;

	build(&m);
	for (k = 0; k < m.len; k++) {
		cut = m;
		cut.len = k;
		n = 0;
		rc = answer(&cut, out, DNS_MAX_ADDRS, &n);
		if ((rc != NET_EDNSFAIL && rc != NET_EAGAIN) || n < 0 || n > DNS_MAX_ADDRS) {
			if (!bad++)
				printf("# %s: prefix of %zu bytes: rc %d n %d\n", what, k, rc, n);
		}
	}
	ok(!bad, "answer: %s: every prefix is NET_EDNSFAIL or NET_EAGAIN", what);
}

static void
answer_max(void)
{
	struct dns_addr out[4];
	struct mb m;
	int n, rc;

	mb_head(&m, ID, QR, 1, 3, 0, 0);
	mb_question(&m, "app.test", T_A);
	mb_a(&m, 12, "10.0.0.1");
	mb_a(&m, 12, "10.0.0.2");
	mb_a(&m, 12, "10.0.0.3");
	memset(out, 0x5a, sizeof out);
	n = 0;
	rc = answer(&m, out, 2, &n);
	ok(rc == 0 && n == 2, "answer: 3 records, max 2: 2 kept (rc %d, n %d)", rc, n);
	is_addr(&out[1], "10.0.0.2", "answer: 3 records, max 2: the first two, in order");
	ok(out[2].family == 0x5a5a5a5a, "answer: 3 records, max 2: nothing past max");
	memset(out, 0x5a, sizeof out);
	n = 1;
	rc = answer(&m, out, 3, &n);
	ok(rc == 0 && n == 3, "answer: 1 of max 3 filled: appends 2 (rc %d, n %d)", rc, n);
	ok(out[0].family == 0x5a5a5a5a && out[3].family == 0x5a5a5a5a,
	   "answer: 1 of max 3 filled: out[0] and out[3] untouched");
	is_addr(&out[1], "10.0.0.1", "answer: 1 of max 3 filled: appended at out[1]");
	n = 3;
	rc = answer(&m, out, 3, &n);
	ok(rc == 0 && n == 3, "answer: full already: rc 0, nothing added (rc %d, n %d)", rc, n);
}

/* an answer that is not for q: NET_EAGAIN and nothing appended */
static void
answer_not_ours(const char *what, const struct mb *m)
{
	struct dns_addr out[DNS_MAX_ADDRS];
	int n = 0, rc = answer(m, out, DNS_MAX_ADDRS, &n);

	ok(rc == NET_EAGAIN && n == 0, "answer: %s: NET_EAGAIN, nothing added (rc %d, n %d)",
	   what, rc, n);
}

static void
answer_tests(void)
{
	struct mb m;
	int rc;

	rc = dns_query(q, sizeof q, "app.test", ID, T_A);
	if (rc <= 0)
		abort();
	qlen = (size_t)rc;

	msg_a_aaaa(&m);
	is_str(answer_text(&m), "rc 0: 10.0.0.1 2001:db8::1", "answer: A and AAAA");
	msg_cname(&m);
	is_str(answer_text(&m), "rc 0: 10.0.0.3", "answer: CNAME chain then A");
	msg_compress(&m);
	is_str(answer_text(&m), "rc 0: 10.0.0.4 10.0.0.5", "answer: compression pointers, TXT skipped");
	answer_max();

	/* not the answer to q */
	msg_a_aaaa(&m);
	m.b[1] ^= 1;
	answer_not_ours("wrong id", &m);
	msg_a_aaaa(&m);
	m.b[2] &= 0x7f;
	answer_not_ours("QR clear (a query)", &m);
	m.len = qlen;
	memcpy(m.b, q, qlen);
	answer_not_ours("our own query echoed", &m);
	mb_head(&m, ID, QR, 1, 1, 0, 0);
	mb_question(&m, "other.test", T_A);
	mb_a(&m, 12, "10.0.0.66");
	answer_not_ours("another name in the question", &m);
	mb_head(&m, ID, QR, 1, 1, 0, 0);
	mb_question(&m, "app.test", T_AAAA);
	mb_a(&m, 12, "::66");
	answer_not_ours("another type in the question", &m);

	/* RCODEs */
	msg_rcode(&m, 3);
	is_str(answer_text(&m), "rc 3:", "answer: NXDOMAIN is RCODE 3");
	msg_rcode(&m, 2);
	is_str(answer_text(&m), "rc 2:", "answer: SERVFAIL is RCODE 2");
	msg_rcode(&m, 5);
	is_str(answer_text(&m), "rc 5:", "answer: REFUSED is RCODE 5");
	msg_rcode(&m, 0);
	is_str(answer_text(&m), "rc 0:", "answer: NODATA: RCODE 0, no address");

	/* malformed */
	msg_a_aaaa(&m);
	m.b[7] = 3;
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: one record fewer than ANCOUNT: NET_EDNSFAIL");
	msg_a_aaaa(&m);
	m.len -= 2;
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: last record cut short: NET_EDNSFAIL");
	msg_bad_owner(&m, 0);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: pointer to itself: NET_EDNSFAIL");
	msg_bad_owner(&m, 1);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: compression loop: NET_EDNSFAIL");
	msg_bad_owner(&m, 2);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: forward pointer: NET_EDNSFAIL");
	msg_a_aaaa(&m);
	m.b[m.len - 16 - 12 + 1] = 0xff;	/* AAAA owner: pointer past the end */
	m.b[m.len - 16 - 12] = 0xc3;
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: pointer past the end: NET_EDNSFAIL");
	msg_a_aaaa(&m);
	m.b[m.len - 16 - 12] = 0x80;	/* AAAA owner: reserved label type */
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: label type 0x80: NET_EDNSFAIL");
	msg_rdlength(&m, T_A, 5);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: A with rdlength 5: NET_EDNSFAIL");
	msg_rdlength(&m, T_A, 3);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: A with rdlength 3: NET_EDNSFAIL");
	msg_rdlength(&m, T_AAAA, 4);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: AAAA with rdlength 4: NET_EDNSFAIL");
	msg_rdlength(&m, T_AAAA, 17);
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: AAAA with rdlength 17: NET_EDNSFAIL");
	msg_rdlength(&m, T_A, 4);
	m.b[m.len - 5] = 9;	/* rdlength 9, 4 bytes there */
	is_str(answer_text(&m), "NET_EDNSFAIL:", "answer: rdlength past the end: NET_EDNSFAIL");

	/* truncated (TC) answers give what they hold */
	msg_a_aaaa(&m);
	m.b[2] |= 0x02;
	is_str(answer_text(&m), "rc 0: 10.0.0.1 2001:db8::1", "answer: TC with records: the records");
	mb_head(&m, ID, QR | 0x0200, 1, 0, 0, 0);
	mb_question(&m, "app.test", T_A);
	is_str(answer_text(&m), "rc 0:", "answer: TC without records: RCODE 0, none");

	answer_prefixes("A and AAAA", msg_a_aaaa);
	answer_prefixes("CNAME chain", msg_cname);
	answer_prefixes("compression", msg_compress);
}

int
main(void)
{
	size_t i;

	tap_prog = "t_dns";
	addr_tests();
	for (i = 0; i < sizeof ccases / sizeof *ccases; i++)
		conf_case(&ccases[i]);
	conf_long_search();
	conf_nul();
	hosts_tests();
	query_tests();
	answer_tests();
	is_str(net_strerror(NET_EDNS), "no such host", "net_strerror(NET_EDNS)");
	is_str(net_strerror(NET_ETIMEDOUT_DNS), "timed out looking up the name",
	       "net_strerror(NET_ETIMEDOUT_DNS)");
	return tap_done();
}
