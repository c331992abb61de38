/* SPDX-License-Identifier: 0BSD */
/* httpc.c - the HTTP/1.1 client: one request per connection
 * (Connection: close). Builds the request in a fixed HTTP_MAX_REQ buffer
 * (Host with the port when not the scheme's default, "[v6]" bracketed,
 * "localhost" for a UNIX socket; Basic auth from the URL's userinfo), reads
 * the head with http_parse_head(), skips up to HTTP_MAX_1XX interim answers,
 * then reads the body as its framing says (Content-Length, chunked, or up
 * to EOF) into the caller's buffer, capped; HEAD, 204 and 304 have none.
 * Never prints, never allocates. */
#include <string.h>

#include "net/net.h"

const char *http_user_agent = "drainbox";

/* A bounded string builder over the request buffer. */
struct reqbuf {
	char *p;
	size_t len, size;
	int over;
};

static void
req_add(struct reqbuf *b, const char *s, size_t n)
{
	if (b->over || n > b->size - b->len) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
req_str(struct reqbuf *b, const char *s)
{
	req_add(b, s, strlen(s));
}

static void
req_uint(struct reqbuf *b, unsigned long long v)
{
	char d[20];

	req_add(b, d, (size_t)(net_num(d, v) - d));
}

/* "Authorization: Basic " + base64 of the %-decoded userinfo. */
static void
req_auth(struct reqbuf *b, const char *ui, size_t n)
{
	unsigned char raw[768];
	char enc[sizeof(raw) / 3 * 4 + 1];
	size_t i, rn = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)ui[i];

		if (c == '%' && i + 2 < n && hex_digit(ui[i + 1]) >= 0 &&
		    hex_digit(ui[i + 2]) >= 0) {
			c = hex_digit(ui[i + 1]) * 16 + hex_digit(ui[i + 2]);
			i += 2;
		}
		if (rn == sizeof(raw)) {
			b->over = 1;
			return;
		}
		raw[rn++] = (unsigned char)c;
	}
	b64_encode(raw, rn, enc, sizeof(enc));	/* enc fits 768 bytes' worth */
	req_str(b, "Authorization: Basic ");
	req_str(b, enc);
	req_str(b, "\r\n");
}

/* The value of Host: the host, "[v6]" bracketed, with the port when it is
 * not the scheme's default. A UNIX socket URL's host is "localhost" (url.c),
 * on the default port. */
static void
req_host(struct reqbuf *b, const struct url *u)
{
	if (u->ipv6)
		req_str(b, "[");
	req_str(b, u->host);
	if (u->ipv6)
		req_str(b, "]");
	if (u->port != (u->tls ? 443 : 80)) {
		req_str(b, ":");
		req_uint(b, u->port);
	}
}

/* Builds the request line and headers into b. */
static int
http_build(struct reqbuf *b, const struct http_req *rq)
{
	const struct url *u = rq->url;

	if (!http_token(rq->method, strlen(rq->method)) || memchr(u->path, '\r', u->pathlen) ||
	    memchr(u->path, '\n', u->pathlen) || memchr(u->path, ' ', u->pathlen))
		return NET_EURL;
	req_str(b, rq->method);
	req_str(b, " ");
	req_add(b, u->path, u->pathlen);
	req_str(b, " HTTP/1.1\r\nHost: ");
	req_host(b, u);
	req_str(b, "\r\nUser-Agent: ");
	req_str(b, http_user_agent);
	req_str(b, "\r\nConnection: close\r\n");
	if (u->userinfo)
		req_auth(b, u->userinfo, u->userinfolen);
	if (rq->body) {
		req_str(b, "Content-Length: ");
		req_uint(b, rq->bodylen);
		req_str(b, "\r\n");
	}
	if (rq->headers)
		req_str(b, rq->headers);
	req_str(b, "\r\n");
	return b->over ? NET_EREQBIG : 0;
}

/* The reading state of one response. */
struct rd {
	struct conn *c;
	const struct deadline *dl;
	char *buf;
	size_t size;	/* usable bytes: the caller's size - 1 (for the NUL) */
	size_t len;	/* bytes in buf */
	size_t cap;	/* body cap */
};

/* Reads more into buf[len..len+max). Returns the count, 0 at EOF, or < 0. */
static ssize_t
rd_more(struct rd *d, size_t max)
{
	ssize_t n = conn_read(d->c, d->buf + d->len, max, d->dl);

	if (n > 0)
		d->len += (size_t)n;
	return n;
}

/* Reads until a complete final head is in buf; 1xx answers are dropped.
 * Returns the head's length or a negative code. */
static int
http_read_head(struct rd *d, struct http_resp *r)
{
	int n1xx = 0, h;
	ssize_t n;

	for (;;) {
		size_t look = d->len < HTTP_MAX_HEAD ? d->len : HTTP_MAX_HEAD;

		h = d->len ? http_parse_head(d->buf, look, r) : NET_EAGAIN;
		if (h > 0 && r->status >= 100 && r->status < 200) {
			if (++n1xx > HTTP_MAX_1XX)
				return NET_ETOOMANY1XX;
			memmove(d->buf, d->buf + h, d->len - (size_t)h);
			d->len -= (size_t)h;
			continue;
		}
		if (h != NET_EAGAIN)
			return h;
		if (d->len >= HTTP_MAX_HEAD || d->len >= d->size)
			return NET_EHEADBIG;
		n = rd_more(d, d->size - d->len);
		if (n == 0)
			return NET_EEOFHEAD;
		if (n < 0)
			return (int)n;
	}
}

/* Content-Length framing: the body is buf[head .. head + clen). */
static int
body_clen(struct rd *d, size_t head, int64_t clen)
{
	ssize_t n;

	if ((uint64_t)clen > d->cap)
		return NET_EBODYBIG;
	while (d->len - head < (uint64_t)clen) {
		n = rd_more(d, head + (size_t)clen - d->len);
		if (n == 0)
			return NET_ETRUNC;
		if (n < 0)
			return (int)n;
	}
	d->len = head + (size_t)clen;
	return 0;
}

/* No framing: the body ends at EOF. One byte over the cap is an error. */
static int
body_eof(struct rd *d, size_t head)
{
	ssize_t n;

	for (;;) {
		if (d->len - head > d->cap)
			return NET_EBODYBIG;
		n = rd_more(d, head + d->cap + 1 - d->len);
		if (n == 0)
			return 0;
		if (n < 0)
			return (int)n;
	}
}

/* Chunked framing: raw bytes are decoded in place right after the data
 * decoded so far; when no room is left, a small scratch buffer takes the
 * rest, which may only hold framing (the last chunk, trailers). */
static int
body_chunked(struct rd *d, size_t head)
{
	struct http_chunked ck;
	char scratch[256];
	size_t dlen = 0, n = d->len - head;
	ssize_t got;
	int e;

	memset(&ck, 0, sizeof(ck));
	for (;;) {
		e = n ? http_chunked_decode(&ck, d->buf + head + dlen, &n) : NET_EAGAIN;
		if (e != NET_EAGAIN && e < 0)
			return e;
		dlen += n;
		if (dlen > d->cap)
			return NET_EBODYBIG;
		if (e >= 0)
			break;
		d->len = head + dlen;
		if (d->len < d->size) {
			got = rd_more(d, d->size - d->len);
			n = got > 0 ? (size_t)got : 0;
		} else {
			got = conn_read(d->c, scratch, sizeof(scratch), d->dl);
			n = got > 0 ? (size_t)got : 0;
			if (n) {
				e = http_chunked_decode(&ck, scratch, &n);
				if (n > 0 || (e < 0 && e != NET_EAGAIN))
					return n > 0 ? NET_EBODYBIG : e;
				if (e >= 0)
					break;
				continue;
			}
		}
		if (got == 0)
			return NET_ETRUNC;
		if (got < 0)
			return (int)got;
	}
	d->len = head + dlen;
	return 0;
}

static int
has_body(const struct http_req *rq, const struct http_resp *r)
{
	return strcmp(rq->method, "HEAD") != 0 && r->status != 204 &&
	       r->status != 304;
}

static int
http_exchange(struct conn *c, const struct http_req *rq, struct http_resp *r,
	      char *buf, size_t size, const struct deadline *dl)
{
	char req[HTTP_MAX_REQ];
	struct reqbuf b = { req, 0, sizeof(req), 0 };
	struct rd d;
	int e, head;

	if ((e = http_build(&b, rq)) < 0)
		return e;
	if ((e = conn_open_url(c, rq->url, dl)) < 0)
		return e;
	if ((e = conn_write_all(c, req, b.len, dl)) < 0)
		return e;
	if (rq->body && rq->bodylen &&
	    (e = conn_write_all(c, rq->body, rq->bodylen, dl)) < 0)
		return e;
	d.c = c;
	d.dl = dl;
	d.buf = buf;
	d.size = size - 1;
	d.len = 0;
	d.cap = size > HTTP_MAX_HEAD + 1 ? size - HTTP_MAX_HEAD - 1 : 0;
	if ((head = http_read_head(&d, r)) < 0)
		return head;
	e = 0;
	if (!has_body(rq, r))
		d.len = (size_t)head;
	else if (r->chunked)
		e = body_chunked(&d, (size_t)head);
	else if (r->clen >= 0)
		e = body_clen(&d, (size_t)head, r->clen);
	else
		e = body_eof(&d, (size_t)head);
	if (e < 0)
		return e;
	r->body = buf + head;
	r->bodylen = d.len - (size_t)head;
	r->body[r->bodylen] = 0;
	return 0;
}

int
http_request(const struct http_req *rq, struct http_resp *r,
	     char *buf, size_t size, const struct deadline *dl)
{
	struct conn c = CONN_INIT;
	int e;

	r->body = 0;
	r->bodylen = 0;
	if (size < 2)
		return NET_EBODYBIG;
	e = http_exchange(&c, rq, r, buf, size, dl);
	conn_close(&c);
	return e;
}
