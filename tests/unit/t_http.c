/* SPDX-License-Identifier: 0BSD */
/* t_http.c - http_parse_head() and http_header(): a table of response
 * heads, each parsed whole from a guard-paged copy (exact code and fields),
 * then at every length from 0 up, as bytes trickle in: a good head must
 * give NET_EAGAIN until its last byte and its length from then on; a bad
 * one NET_EAGAIN until its error shows, and that error from then on. The
 * caps (64 headers, 16 KiB) are checked at their limit and one past it. */
#include <stdlib.h>

#include "net/net.h"
#include "tap.h"

struct hcase {
	const char *what;
	const char *in;		/* the head (or bad input) */
	size_t inlen;
	const char *body;	/* bytes after the head */
	int rc;			/* 0: good, the head is in; else the error */
	int minor, status;
	const char *reason;
	int nh;
	long long clen;
	int chunked;
};

#define IN(s) s, sizeof(s) - 1
#define GOOD(what, in, body, minor, status, reason, nh, clen, chunked) \
	{ what, IN(in), body, 0, minor, status, reason, nh, clen, chunked }
#define BAD(w, s, e) { .what = w, .in = s, .inlen = sizeof(s) - 1, .body = "", .rc = e }

#define S200 "HTTP/1.1 200 OK\r\n"

static const struct hcase cases[] = {
	GOOD("content-length", S200 "Content-Length: 5\r\nContent-Type: text/plain\r\n\r\n", "hello", 1, 200, "OK", 2, 5, 0),
	GOOD("HTTP/1.0 close-delimited", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n", "all until EOF", 0, 200, "OK", 1, -1, 0),
	GOOD("bare LF lines", "HTTP/1.1 404 Not Found\nContent-Length: 0\n\n", "", 1, 404, "Not Found", 1, 0, 0),
	GOOD("mixed CRLF and LF", "HTTP/1.1 301 Moved\r\nLocation: /x\nA: b\r\n\n", "", 1, 301, "Moved", 2, -1, 0),
	GOOD("no headers", "HTTP/1.1 200 OK\r\n\r\n", "", 1, 200, "OK", 0, -1, 0),
	GOOD("no reason", "HTTP/1.1 204\r\n\r\n", "", 1, 204, "", 0, -1, 0),
	GOOD("empty reason", "HTTP/1.1 200 \r\n\r\n", "", 1, 200, "", 0, -1, 0),
	GOOD("reason with tab, obs-text", "HTTP/1.1 503 Service\tUnavail\xc3\xa9 \r\n\r\n", "", 1, 503, "Service\tUnavail\xc3\xa9 ", 0, -1, 0),
	GOOD("HTTP/1.9 read as 1.1", "HTTP/1.9 200 OK\r\n\r\n", "", 1, 200, "OK", 0, -1, 0),
	GOOD("status 999", "HTTP/1.1 999 X\r\n\r\n", "", 1, 999, "X", 0, -1, 0),
	GOOD("100 Continue", "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n", 1, 100, "Continue", 0, -1, 0),
	GOOD("chunked", S200 "Transfer-Encoding: chunked\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", 1, 200, "OK", 1, -1, 1),
	GOOD("ChUnKeD in a list", S200 "transfer-encoding: , ChUnKeD ,\r\n\r\n", "", 1, 200, "OK", 1, -1, 1),
	GOOD("TE wins over CL", S200 "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n", "", 1, 200, "OK", 2, -1, 1),
	GOOD("CL after TE", S200 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "", 1, 200, "OK", 2, -1, 1),
	GOOD("CL list 5, 5", S200 "Content-Length: 5, 5\r\n\r\n", "hello", 1, 200, "OK", 1, 5, 0),
	GOOD("CL twice, same", S200 "content-length: 5\r\nCONTENT-LENGTH:5\r\n\r\n", "hello", 1, 200, "OK", 2, 5, 0),
	GOOD("CL leading zeros", S200 "Content-Length: 0005\r\n\r\n", "hello", 1, 200, "OK", 1, 5, 0),
	GOOD("CL int64 max", S200 "Content-Length: 9223372036854775807\r\n\r\n", "", 1, 200, "OK", 1, 9223372036854775807LL, 0),
	GOOD("CL 0", S200 "Content-Length: 0\r\n\r\n", "", 1, 200, "OK", 1, 0, 0),
	GOOD("blanks trimmed", S200 "X-A: \t v w \t\r\nX-B:\r\nX-C:   \r\n\r\n", "", 1, 200, "OK", 3, -1, 0),
	GOOD("token chars", S200 "X!#$%&'*+-.^_`|~9: y\r\n\r\n", "", 1, 200, "OK", 1, -1, 0),
	GOOD("value with colon and obs-text", S200 "Location: http://h:1/\xff\r\n\r\n", "", 1, 200, "OK", 1, -1, 0),
	BAD("HTTP/2", "HTTP/2 200 OK\r\n\r\n", NET_EVERSION),
	BAD("HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", NET_EVERSION),
	BAD("lower case http", "http/1.1 200 OK\r\n\r\n", NET_EVERSION),
	BAD("ssh banner", "SSH-2.0-OpenSSH_9.2\r\n", NET_EVERSION),
	BAD("garbage, no newline", "\x16\x03\x01\x02\x00\x01", NET_EVERSION),
	BAD("empty line first", "\r\nHTTP/1.1 200 OK\r\n\r\n", NET_EVERSION),
	BAD("HTTP/1.x", "HTTP/1.x 200 OK\r\n\r\n", NET_EVERSION),
	BAD("HTTP/1.10", "HTTP/1.10 200 OK\r\n\r\n", NET_EVERSION),
	BAD("HTTP/1.", "HTTP/1.\r\n\r\n", NET_EVERSION),
	BAD("HTTP/1.1 only", "HTTP/1.1\r\n\r\n", NET_ESTATUS),
	BAD("2-digit status", "HTTP/1.1 20 OK\r\n\r\n", NET_ESTATUS),
	BAD("status 099", "HTTP/1.1 099 OK\r\n\r\n", NET_ESTATUS),
	BAD("4-digit status", "HTTP/1.1 2000 OK\r\n\r\n", NET_ESTATUS),
	BAD("two spaces", "HTTP/1.1  200 OK\r\n\r\n", NET_ESTATUS),
	BAD("tab after status", "HTTP/1.1 200\tOK\r\n\r\n", NET_ESTATUS),
	BAD("letters for status", "HTTP/1.1 abc OK\r\n\r\n", NET_ESTATUS),
	BAD("control in reason", "HTTP/1.1 200 O\x01K\r\n\r\n", NET_ESTATUS),
	BAD("NUL in reason", "HTTP/1.1 200 O\0K\r\n\r\n", NET_ESTATUS),
	BAD("CR in reason", "HTTP/1.1 200 O\rK\r\n\r\n", NET_ESTATUS),
	BAD("folded line", S200 "X-A: a\r\n  b\r\n\r\n", NET_EFOLD),
	BAD("folded with tab", S200 "X-A: a\r\n\tb\r\n\r\n", NET_EFOLD),
	BAD("blank after status line", S200 " X-A: a\r\n\r\n", NET_EFOLD),
	BAD("space before colon", S200 "Name : v\r\n\r\n", NET_EHEADER),
	BAD("no colon", S200 "Name v\r\n\r\n", NET_EHEADER),
	BAD("empty name", S200 ": v\r\n\r\n", NET_EHEADER),
	BAD("NUL in value", S200 "X-A: a\0b\r\n\r\n", NET_EHEADER),
	BAD("NUL in name", S200 "X\0A: b\r\n\r\n", NET_EHEADER),
	BAD("control in value", S200 "X-A: a\x01\r\n\r\n", NET_EHEADER),
	BAD("DEL in value", S200 "X-A: a\x7f\r\n\r\n", NET_EHEADER),
	BAD("CR inside value", S200 "X-A: a\rb\r\n\r\n", NET_EHEADER),
	BAD("separator in name", S200 "X(A): b\r\n\r\n", NET_EHEADER),
	BAD("CR CR LF line", S200 "\r\r\n\r\n", NET_EHEADER),
	BAD("obs-text in name", S200 "X-\xc3\xa9: b\r\n\r\n", NET_EHEADER),
	BAD("CL letters", S200 "Content-Length: abc\r\n\r\n", NET_ECLEN),
	BAD("CL negative", S200 "Content-Length: -1\r\n\r\n", NET_ECLEN),
	BAD("CL plus sign", S200 "Content-Length: +5\r\n\r\n", NET_ECLEN),
	BAD("CL empty", S200 "Content-Length: \r\n\r\n", NET_ECLEN),
	BAD("CL only commas", S200 "Content-Length: , ,\r\n\r\n", NET_ECLEN),
	BAD("CL with space inside", S200 "Content-Length: 5 5\r\n\r\n", NET_ECLEN),
	BAD("CL list disagrees", S200 "Content-Length: 5, 6\r\n\r\n", NET_ECLEN),
	BAD("CL twice, disagree", S200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", NET_ECLEN),
	BAD("CL int64 max + 1", S200 "Content-Length: 9223372036854775808\r\n\r\n", NET_ECLEN),
	BAD("CL huge", S200 "Content-Length: 99999999999999999999999999\r\n\r\n", NET_ECLEN),
	BAD("CL hex", S200 "Content-Length: 0x10\r\n\r\n", NET_ECLEN),
	BAD("CL bad despite TE", S200 "Transfer-Encoding: chunked\r\nContent-Length: x\r\n\r\n", NET_ECLEN),
	BAD("TE gzip", S200 "Transfer-Encoding: gzip\r\n\r\n", NET_ETE),
	BAD("TE gzip, chunked", S200 "Transfer-Encoding: gzip, chunked\r\n\r\n", NET_ETE),
	BAD("TE chunked, gzip", S200 "Transfer-Encoding: chunked, gzip\r\n\r\n", NET_ETE),
	BAD("TE chunked twice", S200 "Transfer-Encoding: chunked, chunked\r\n\r\n", NET_ETE),
	BAD("two TE chunked", S200 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", NET_ETE),
	BAD("TE identity", S200 "Transfer-Encoding: identity\r\n\r\n", NET_ETE),
	BAD("TE with parameter", S200 "Transfer-Encoding: chunked;q=1\r\n\r\n", NET_ETE),
	BAD("TE empty", S200 "Transfer-Encoding:\r\n\r\n", NET_ETE),
	BAD("TE in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", NET_ETE),
	BAD("no blank line yet", S200 "A: b\r\n", NET_EAGAIN),
	BAD("CR at the end", S200 "A: b\r\n\r", NET_EAGAIN),
};

/* a slice as a C string (for is_str) */
static const char *
slice(const char *p, size_t n)
{
	static char b[2][256];
	static int i;

	i ^= 1;
	snprintf(b[i], sizeof b[i], "%.*s", (int)n, p);
	return b[i];
}

static void
check_fields(const struct hcase *t, const struct http_resp *r)
{
	is_int(r->minor, t->minor, t->what);
	is_int(r->status, t->status, t->what);
	is_str(slice(r->reason, r->reasonlen), t->reason, t->what);
	is_int((long long)r->nh, t->nh, t->what);
	is_int(r->clen, t->clen, t->what);
	is_int(r->chunked, t->chunked, t->what);
}

static int
parse_guarded(const char *buf, size_t n, struct http_resp *r)
{
	const char *g = guard_copy(buf, n);

	if (!g)
		abort();
	return http_parse_head(g, n, r);
}

/* Every length k from 0 to n: the code must be NET_EAGAIN before `at` and
 * want from there on. Returns the number of lengths that broke it. */
static int
trickle(const char *buf, size_t n, size_t at, int want)
{
	static struct http_resp r;
	size_t k;
	int bad = 0, rc;

	for (k = 0; k <= n; k++) {
		rc = parse_guarded(buf, k, &r);
		if (rc != (k < at ? NET_EAGAIN : want))
			bad++;
	}
	return bad;
}

/* the first length at which a bad input gives its error */
static size_t
first_error(const char *buf, size_t n, int want)
{
	static struct http_resp r;
	size_t k;

	for (k = 0; k < n; k++)
		if (parse_guarded(buf, k, &r) == want)
			break;
	return k;
}

static void
run_input(const struct hcase *t, const char *buf, size_t n)
{
	static struct http_resp r;
	int want = t->rc ? t->rc : (int)t->inlen, rc;
	size_t at;

	rc = parse_guarded(buf, n, &r);
	if (is_int(rc, want, t->what) && !t->rc)
		check_fields(t, &r);
	at = t->rc ? first_error(buf, n, want) : t->inlen;
	if (t->rc == NET_EAGAIN)
		at = n + 1;
	ok(!trickle(buf, n, at, want), "%s: byte by byte", t->what);
}

static void
run_case(const struct hcase *t)
{
	static char buf[HTTP_MAX_HEAD + 4096];
	size_t blen = strlen(t->body);

	memcpy(buf, t->in, t->inlen);
	memcpy(buf + t->inlen, t->body, blen);
	run_input(t, buf, t->inlen + blen);
}

/* header lookup and values of one head */
static void
run_lookup(void)
{
	static const char in[] = S200 "Content-Type:  text/plain \r\n"
		"X-Empty:\r\nset-cookie: a\r\nSet-Cookie: b\r\n\r\n";
	static struct http_resp r;
	const struct http_header *h;

	is_int(http_parse_head(in, sizeof in - 1, &r), sizeof in - 1, "lookup head");
	h = http_header(&r, "content-type");
	ok(h && h->valuelen == 10 && !memcmp(h->value, "text/plain", 10), "value trimmed, name case-insensitive");
	h = http_header(&r, "SET-COOKIE");
	ok(h && h->valuelen == 1 && *h->value == 'a', "first of two");
	h = http_header(&r, "x-empty");
	ok(h && h->valuelen == 0, "empty value");
	ok(!http_header(&r, "content-length"), "absent header: NULL");
	ok(!http_header(&r, "content-typ"), "prefix of a name: NULL");
}

/* a head of nh "X-N: v" headers padded with one "X-Pad" header to total
 * bytes (0: no padding) */
static size_t
make_head(char *buf, int nh, size_t total)
{
	size_t n = sizeof S200 - 1;
	int i;

	memcpy(buf, S200, n);
	for (i = 0; i < nh; i++)
		n += (size_t)sprintf(buf + n, "X-%d: v\r\n", i);
	if (total) {
		n += (size_t)sprintf(buf + n, "X-Pad: ");
		while (n < total - 4)
			buf[n++] = 'p';
		memcpy(buf + n, "\r\n", 2), n += 2;
	}
	memcpy(buf + n, "\r\n", 2);
	return n + 2;
}

static void
run_caps(void)
{
	static char buf[HTTP_MAX_HEAD + 64];
	struct hcase t = { .body = "", .minor = 1, .status = 200, .reason = "OK", .clen = -1 };
	size_t n;

	t.what = "64 headers", t.nh = 64, t.in = buf;
	t.inlen = make_head(buf, 64, 0);
	run_input(&t, buf, t.inlen);
	t.what = "65 headers", t.rc = NET_EHEADERS;
	run_input(&t, buf, make_head(buf, 65, 0));
	t.what = "head of HTTP_MAX_HEAD bytes", t.rc = 0, t.nh = 2;
	t.inlen = make_head(buf, 1, HTTP_MAX_HEAD);
	is_int((long long)t.inlen, HTTP_MAX_HEAD, "the big head is 16 KiB");
	run_input(&t, buf, t.inlen);
	t.what = "head of HTTP_MAX_HEAD + 1 bytes", t.rc = NET_EHEADBIG;
	run_input(&t, buf, make_head(buf, 1, HTTP_MAX_HEAD + 1));
	t.what = "endless header line";
	n = make_head(buf, 0, HTTP_MAX_HEAD + 32) - 6;
	run_input(&t, buf, n);
	is_int(http_parse_head(buf, HTTP_MAX_HEAD - 1, &(struct http_resp){ 0 }), NET_EAGAIN, "endless line: 1 byte short of the cap");
}

/* every code net/ has words for */
static void
run_words(void)
{
	int c, bad = 0;

	for (c = NET_EAGAIN; c <= NET_ETLS_ENTROPY; c++)
		if (!strcmp(net_strerror(c), "unknown error"))
			bad++;
	ok(!bad, "net_strerror: words for every NET_E* code");
	is_str(net_strerror(NET_EFOLD), "obsolete folded header line", "net_strerror(NET_EFOLD)");
	is_str(net_strerror(-2), strerror(2), "net_strerror(-ENOENT)");
	is_str(net_strerror(2), strerror(2), "net_strerror(ENOENT)");
	is_str(net_strerror(-9000), "unknown error", "net_strerror(-9000)");
}

int
main(void)
{
	size_t i;

	tap_prog = "t_http";
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		run_case(&cases[i]);
	run_lookup();
	run_caps();
	run_words();
	return tap_done();
}
