/* SPDX-License-Identifier: 0BSD */
/* t_chunked.c - http_chunked_decode(): a table of chunked bodies, each
 * decoded whole, one byte per call, and split in two at every offset, each
 * piece from a guard-paged copy. All ways must give the same code, the same
 * data and the same count of bytes after the end. */
#include <stdlib.h>

#include "net/net.h"
#include "tap.h"

struct ccase {
	const char *what;
	const char *in;
	size_t inlen;
	int rc;			/* bytes after the end, or the error */
	const char *data;	/* decoded data (good and NET_EAGAIN cases) */
	size_t datalen;
};

#define IN(s) s, sizeof(s) - 1
#define GOOD(w, in, rc, data) { w, IN(in), rc, IN(data) }
#define BAD(w, in, e) { w, IN(in), e, NULL, 0 }

static const struct ccase cases[] = {
	GOOD("one chunk", "5\r\nhello\r\n0\r\n\r\n", 0, "hello"),
	GOOD("three chunks", "3\r\nabc\r\n4\r\ndefg\r\n1\r\nh\r\n0\r\n\r\n", 0, "abcdefgh"),
	GOOD("hex both cases", "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", 0, "0123456789abcdefghij"),
	GOOD("extensions", "5;name=value\r\nhello\r\n5 ; a=\"b;c\" ;d\r\nworld\r\n0;last\r\n\r\n", 0, "helloworld"),
	GOOD("trailers", "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-B:\r\nx:\t\xff\r\n\r\n", 0, "hello"),
	GOOD("bare LF", "5\nhello\n0\nA: b\n\n", 0, "hello"),
	GOOD("leading zeros", "0005\r\nhello\r\n000\r\n\r\n", 0, "hello"),
	GOOD("bytes after the end", "1\r\nx\r\n0\r\n\r\nNEXT", 4, "x"),
	GOOD("empty body", "0\r\n\r\n", 0, ""),
	GOOD("CR, LF, NUL in data", "5\r\n\r\n\0\n0\r\n0\r\n\r\n", 0, "\r\n\0\n0"),
	GOOD("blank after size", "5 \t\r\nhello\r\n0\r\n\r\n", 0, "hello"),
	GOOD("incomplete", "5\r\nhel", NET_EAGAIN, "hel"),
	GOOD("before the last CRLF", "5\r\nhello\r\n0\r\nA: b\r\n", NET_EAGAIN, "hello"),
	GOOD("largest size", "ffffffffffffffff\r\nab", NET_EAGAIN, "ab"),
	BAD("bad hex", "g\r\n", NET_ECHUNK),
	BAD("no digits", "\r\n", NET_ECHUNK),
	BAD("extension only", ";ext\r\nhello\r\n", NET_ECHUNK),
	BAD("0x prefix", "0x5\r\nhello\r\n", NET_ECHUNK),
	BAD("minus", "-5\r\nhello\r\n", NET_ECHUNK),
	BAD("two numbers", "5 5\r\nhello\r\n", NET_ECHUNK),
	BAD("blank before size", " 5\r\nhello\r\n", NET_ECHUNK),
	BAD("control in extension", "5;a\x01\r\nhello\r\n", NET_ECHUNK),
	BAD("CR without LF", "5\rhello\r\n", NET_ECHUNK),
	BAD("size 2^64", "10000000000000000\r\n", NET_ECHUNKBIG),
	BAD("17 f digits", "fffffffffffffffff\r\n", NET_ECHUNKBIG),
	BAD("missing CRLF after data", "5\r\nhelloX\r\n0\r\n\r\n", NET_ECHUNK),
	BAD("CR then junk after data", "5\r\nhello\rX\n0\r\n\r\n", NET_ECHUNK),
	BAD("next size glued to data", "5\r\nhello0\r\n\r\n", NET_ECHUNK),
	BAD("data longer than size", "3\r\nhello\r\n0\r\n\r\n", NET_ECHUNK),
	BAD("folded trailer", "0\r\nA: b\r\n c\r\n\r\n", NET_ECHUNK),
	BAD("trailer without colon", "0\r\nAb\r\n\r\n", NET_ECHUNK),
	BAD("trailer empty name", "0\r\n: b\r\n\r\n", NET_ECHUNK),
	BAD("NUL in trailer", "0\r\nA: \0\r\n\r\n", NET_ECHUNK),
	BAD("space in trailer name", "0\r\nA b: c\r\n\r\n", NET_ECHUNK),
	BAD("CR without LF in trailer", "0\r\nA: b\rX\r\n\r\n", NET_ECHUNK),
	BAD("CR without LF at the end", "0\r\n\rX", NET_ECHUNK),
};

struct result {
	int rc;
	char data[32768];
	size_t dlen, trail;
};

/* Feeds in[0..a) and then in[a..n) in pieces of step bytes, each piece
 * from a guard copy, to one decoder; stops at the first error. */
static void
feed(const char *in, size_t n, size_t a, size_t step, struct result *res)
{
	struct http_chunked d = { 0 };
	size_t off = 0, len, piece;
	char *g, one[1] = "x";
	int rc = NET_EAGAIN;

	res->dlen = res->trail = 0;
	for (piece = a; off < n || piece == 0; piece = step) {
		if (piece > n - off)
			piece = n - off;
		if (!(g = guard_copy(in + off, piece)))
			abort();
		len = piece;
		off += piece;
		rc = http_chunked_decode(&d, g, &len);
		if (rc < 0 && rc != NET_EAGAIN)
			break;
		if (res->dlen + len > sizeof res->data)
			abort();
		memcpy(res->data + res->dlen, g, len);
		res->dlen += len;
		if (rc >= 0)
			res->trail += (size_t)rc;
		if (off == n)
			break;
	}
	res->rc = rc >= 0 ? (int)res->trail : rc;
	len = 1;
	if (rc < 0 && rc != NET_EAGAIN && http_chunked_decode(&d, one, &len) != rc)
		res->rc = 1 << 30;	/* the error did not stick */
}

/* the result matches the case; say why not in what */
static int
matches(const struct ccase *t, const struct result *res, const char *how)
{
	if (res->rc != t->rc) {
		printf("# %s: %s: code %d, want %d\n", t->what, how, res->rc, t->rc);
		return 0;
	}
	if (t->data && (res->dlen != t->datalen || memcmp(res->data, t->data, res->dlen))) {
		printf("# %s: %s: data %zu bytes, want %zu\n", t->what, how, res->dlen, t->datalen);
		return 0;
	}
	return 1;
}

static void
run_case(const struct ccase *t)
{
	static struct result res;
	size_t k;
	int bad = 0;

	feed(t->in, t->inlen, t->inlen, 1, &res);
	ok(matches(t, &res, "whole"), "%s: whole", t->what);
	feed(t->in, t->inlen, 0, 1, &res);
	ok(matches(t, &res, "byte by byte"), "%s: byte by byte", t->what);
	for (k = 1; k < t->inlen; k++) {
		if (t->inlen > 1024 && k > 64 && k < t->inlen - 64 && k % 61)
			continue;	/* big inputs: both ends and a sample */
		feed(t->in, t->inlen, k, t->inlen, &res);
		bad += !matches(t, &res, "split");
	}
	ok(!bad, "%s: split at every offset", t->what);
}

/* the trailing bytes are left right after the data, in place */
static void
run_inplace(void)
{
	static const char in[] = "2\r\nab\r\n1;x\r\nc\r\n0\r\n\r\nREST";
	struct http_chunked d = { 0 };
	char buf[sizeof in];
	size_t len = sizeof in - 1;

	memcpy(buf, in, sizeof in);
	is_int(http_chunked_decode(&d, buf, &len), 4, "in place: 4 bytes after the end");
	ok(len == 3 && !memcmp(buf, "abcREST", 7), "in place: data, then the rest");
	len = 3;
	is_int(http_chunked_decode(&d, buf, &len), 3, "after the end, all input is rest");
	is_int((long long)len, 0, "after the end, no data");
}

/* in: "0" + ext + CRLF, its size line n bytes, then trailers of m bytes
 * (one field, then the blank line) */
static size_t
make_big(char *in, size_t n, size_t m)
{
	size_t k = 0;

	in[k++] = '0';
	in[k++] = ';';
	while (k < n - 2)
		in[k++] = 'e';
	k += (size_t)sprintf(in + k, "\r\nX-A: ");
	while (k < n + m - 4)
		in[k++] = 'v';
	k += (size_t)sprintf(in + k, "\r\n\r\n");
	return k;
}

/* size lines and trailer sections at their caps */
static void
run_caps(void)
{
	static char in[2 * HTTP_MAX_HEAD];
	struct ccase t = { .in = in, .data = "" };

	t.what = "size line of 4096 bytes", t.rc = 0;
	t.inlen = make_big(in, 4096, 16);
	run_case(&t);
	t.what = "size line of 4097 bytes", t.rc = NET_ECHUNK;
	t.inlen = make_big(in, 4097, 16);
	run_case(&t);
	t.what = "trailers of HTTP_MAX_HEAD bytes", t.rc = 0;
	t.inlen = make_big(in, 4, HTTP_MAX_HEAD);
	is_int((long long)t.inlen, 4 + HTTP_MAX_HEAD, "trailer input size");
	run_case(&t);
	t.what = "trailers of HTTP_MAX_HEAD + 1 bytes", t.rc = NET_EHEADBIG;
	t.inlen = make_big(in, 4, HTTP_MAX_HEAD + 1);
	run_case(&t);
}

int
main(void)
{
	size_t i;

	tap_prog = "t_chunked";
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		run_case(&cases[i]);
	run_inplace();
	run_caps();
	return tap_done();
}
