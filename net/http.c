/* SPDX-License-Identifier: 0BSD */
/* http.c - the pure HTTP/1.1 response parsers (RFC 9112): the head (status
 * line, header fields, message framing) and the chunked transfer coding.
 * Both are strict, bounded and zero-copy in the picohttpparser manner: the
 * head parser re-reads the buffer from the start on every call and returns
 * slices of it; the chunked decoder is a byte-at-a-time state machine that
 * moves the data to the front of the caller's buffer. Neither reads past
 * the length it is given. */
#include <string.h>
#include <strings.h>

#include "net.h"

/* ---- character classes ------------------------------------------------- */

/* tchar (RFC 9110 5.6.2) */
static int
http_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

int
http_token(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!http_tchar(s[i]))
			return 0;
	return n > 0;
}

/* a byte allowed in a field value, reason phrase or chunk extension:
 * VCHAR, SP, HTAB and obs-text; no other control byte */
static int
http_textchar(int c)
{
	c = (unsigned char)c;
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
http_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* ---- the head -------------------------------------------------------------- */

/* One line of the head: [p, p + n) without its CRLF or LF. */
struct http_line {
	const char *p;
	size_t n;
};

/* The next line from *pos in buf[0..lim): 1 with *ln set and *pos past the
 * line feed, or 0 when no line feed is in reach. */
static int
http_line_next(const char *buf, size_t lim, size_t *pos, struct http_line *ln)
{
	const char *lf = memchr(buf + *pos, '\n', lim - *pos);

	if (!lf)
		return 0;
	ln->p = buf + *pos;
	ln->n = (size_t)(lf - ln->p);
	if (ln->n && ln->p[ln->n - 1] == '\r')
		ln->n--;
	*pos = (size_t)(lf - buf) + 1;
	return 1;
}

/* "HTTP/1.x NNN reason"; a missing " reason" is accepted */
static int
http_status_line(const struct http_line *ln, struct http_resp *r)
{
	const char *p = ln->p;
	size_t i;

	if (ln->n < 8 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' ||
	    p[7] > '9' || (ln->n > 8 && p[8] != ' '))
		return NET_EVERSION;
	r->minor = p[7] == '0' ? 0 : 1;	/* 1.2-1.9 are read as 1.1 */
	if (ln->n < 12 || p[9] < '1' || p[9] > '9' || p[10] < '0' ||
	    p[10] > '9' || p[11] < '0' || p[11] > '9')
		return NET_ESTATUS;
	r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	r->reason = p + 12;
	r->reasonlen = 0;
	if (ln->n == 12)
		return 0;
	if (p[12] != ' ')
		return NET_ESTATUS;
	for (i = 13; i < ln->n; i++)
		if (!http_textchar(p[i]))
			return NET_ESTATUS;
	r->reason = p + 13;
	r->reasonlen = ln->n - 13;
	return 0;
}

/* "name: value" into h, the value trimmed of blanks */
static int
http_field_line(const struct http_line *ln, struct http_header *h)
{
	const char *p = ln->p, *end = ln->p + ln->n, *colon;

	if (ln->n && http_blank(*p))
		return NET_EFOLD;
	for (colon = p; colon < end && http_tchar(*colon); colon++)
		;
	if (colon == p || colon == end || *colon != ':')
		return NET_EHEADER;
	h->name = p;
	h->namelen = (size_t)(colon - p);
	for (p = colon + 1; p < end; p++)
		if (!http_textchar(*p))
			return NET_EHEADER;
	for (p = colon + 1; p < end && http_blank(*p); p++)
		;
	while (end > p && http_blank(end[-1]))
		end--;
	h->value = p;
	h->valuelen = (size_t)(end - p);
	return 0;
}

static int
http_name_is(const struct http_header *h, const char *name)
{
	return h->namelen == strlen(name) &&
	       strncasecmp(h->name, name, h->namelen) == 0;
}

/* The next element of a comma-separated list in [*p, end), blanks trimmed;
 * empty elements are skipped (RFC 9110 5.6.1). 0 at the end of the list. */
static int
http_list_next(const char **p, const char *end, const char **el, size_t *n)
{
	const char *q, *e;

	while (*p < end && (http_blank(**p) || **p == ','))
		(*p)++;
	if (*p == end)
		return 0;
	q = *p;
	for (e = q; e < end && *e != ','; e++)
		;
	*p = e;
	while (e > q && http_blank(e[-1]))
		e--;
	*el = q;
	*n = (size_t)(e - q);
	return 1;
}

/* Content-Length: 1*DIGIT, or a list of equal ones ("5, 5"); every
 * Content-Length field must agree with r->clen when it is already set. */
static int
http_clen(const struct http_header *h, struct http_resp *r)
{
	const char *p = h->value, *end = h->value + h->valuelen, *el;
	size_t n, i;
	int64_t v;
	int any = 0;

	while (http_list_next(&p, end, &el, &n)) {
		for (v = 0, i = 0; i < n; i++) {
			if (el[i] < '0' || el[i] > '9')
				return NET_ECLEN;
			if (v > (INT64_MAX - (el[i] - '0')) / 10)
				return NET_ECLEN;
			v = v * 10 + (el[i] - '0');
		}
		if (r->clen >= 0 && r->clen != v)
			return NET_ECLEN;
		r->clen = v;
		any = 1;
	}
	return any ? 0 : NET_ECLEN;
}

/* Transfer-Encoding: the only coding we take is one "chunked", last. Any
 * other coding, or a second Transfer-Encoding naming anything, is NET_ETE. */
static int
http_te(const struct http_header *h, struct http_resp *r)
{
	const char *p = h->value, *end = h->value + h->valuelen, *el;
	size_t n;
	int any = 0;

	while (http_list_next(&p, end, &el, &n)) {
		if (r->chunked || n != 7 || strncasecmp(el, "chunked", 7) != 0)
			return NET_ETE;
		r->chunked = 1;
		any = 1;
	}
	return any ? 0 : NET_ETE;
}

/* the framing fields of the parsed head: clen and chunked */
static int
http_framing(struct http_resp *r)
{
	size_t i;
	int e, te = 0;

	r->clen = -1;
	r->chunked = 0;
	for (i = 0; i < r->nh; i++) {
		if (http_name_is(&r->h[i], "content-length"))
			e = http_clen(&r->h[i], r);
		else if (http_name_is(&r->h[i], "transfer-encoding"))
			e = (te = 1, http_te(&r->h[i], r));
		else
			e = 0;
		if (e < 0)
			return e;
	}
	if (te && r->minor == 0)
		return NET_ETE;	/* RFC 9112 6.1: faulty framing */
	if (r->chunked)
		r->clen = -1;	/* RFC 9112 6.3: it overrides Content-Length */
	return 0;
}

/* A prefix that cannot begin "HTTP/1." is rejected at once, so garbage
 * with no line feed fails early instead of at the size cap. */
static int
http_version_prefix(const char *buf, size_t len)
{
	return memcmp(buf, "HTTP/1.", len < 7 ? len : 7) == 0;
}

int
http_parse_head(const char *buf, size_t len, struct http_resp *r)
{
	size_t pos = 0, lim = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
	struct http_line ln;
	int e;

	if (len == 0)
		return NET_EAGAIN;
	if (!http_version_prefix(buf, len))
		return NET_EVERSION;
	if (!http_line_next(buf, lim, &pos, &ln))
		return len >= HTTP_MAX_HEAD ? NET_EHEADBIG : NET_EAGAIN;
	if ((e = http_status_line(&ln, r)) < 0)
		return e;
	r->nh = 0;
	while (http_line_next(buf, lim, &pos, &ln)) {
		if (ln.n == 0) {
			if ((e = http_framing(r)) < 0)
				return e;
			return (int)pos;
		}
		if (r->nh == HTTP_MAX_HEADERS)
			return NET_EHEADERS;
		if ((e = http_field_line(&ln, &r->h[r->nh])) < 0)
			return e;
		r->nh++;
	}
	return len >= HTTP_MAX_HEAD ? NET_EHEADBIG : NET_EAGAIN;
}

const struct http_header *
http_header(const struct http_resp *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nh; i++)
		if (http_name_is(&r->h[i], name))
			return &r->h[i];
	return NULL;
}

/* ---- chunked transfer coding ------------------------------------------------ */

/* d->state: one of these, or (< 0) the error the decoder stopped on */
enum {
	CH_SIZE,	/* hex digits of the chunk size (d->linelen counts them) */
	CH_SIZE_WS,	/* blanks after the size */
	CH_EXT,		/* ";ext..." up to the end of the line */
	CH_SIZE_LF,	/* CR seen on the size line */
	CH_DATA,	/* d->left data bytes to go */
	CH_DATA_CR,	/* CRLF after the data */
	CH_DATA_LF,
	CH_TRL_START,	/* start of a trailer line or the final blank line */
	CH_TRL_NAME,	/* trailer field name (d->left counts the section) */
	CH_TRL_VALUE,
	CH_TRL_LF,	/* CR seen at the end of a trailer line */
	CH_END_LF,	/* CR seen on the final blank line */
	CH_DONE
};

/* a chunk-size line (size, extensions, CRLF) longer than this is bad */
#define CH_MAX_LINE 4096

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* the end of the size line: to the data, or to the trailers after size 0 */
static int
http_ch_sizedone(struct http_chunked *d)
{
	return d->left ? CH_DATA : CH_TRL_START;
}

/* one byte of a size line; returns the next state or a NET_E* code */
static int
http_ch_size(struct http_chunked *d, int c)
{
	int v;

	if (++d->linelen > CH_MAX_LINE)
		return NET_ECHUNK;
	if (d->state == CH_SIZE && (v = hex_digit(c)) >= 0) {
		if (d->left > (UINT64_MAX >> 4))
			return NET_ECHUNKBIG;
		d->left = d->left << 4 | (uint64_t)v;
		return CH_SIZE;
	}
	if (d->state == CH_SIZE && d->linelen == 1)
		return NET_ECHUNK;	/* no digit */
	if (d->state == CH_EXT && http_textchar(c))
		return CH_EXT;
	if (http_blank(c))
		return CH_SIZE_WS;
	if (c == ';')
		return CH_EXT;
	if (c == '\r')
		return CH_SIZE_LF;
	if (c == '\n')
		return http_ch_sizedone(d);
	return NET_ECHUNK;
}

/* one byte of the trailer section; d->left counts its bytes */
static int
http_ch_trailer(struct http_chunked *d, int c)
{
	int s = d->state;

	if (++d->left > HTTP_MAX_HEAD)
		return NET_EHEADBIG;
	if (s == CH_TRL_START && (c == '\r' || c == '\n'))
		return c == '\r' ? CH_END_LF : CH_DONE;
	if (s == CH_TRL_START && http_blank(c))
		return NET_ECHUNK;	/* obs-fold */
	if (s != CH_TRL_VALUE && http_tchar(c))
		return CH_TRL_NAME;
	if (s == CH_TRL_NAME && c == ':')
		return CH_TRL_VALUE;
	if (s == CH_TRL_VALUE && http_textchar(c))
		return CH_TRL_VALUE;
	if (s == CH_TRL_VALUE && c == '\r')
		return CH_TRL_LF;
	if (s == CH_TRL_VALUE && c == '\n')
		return CH_TRL_START;
	return NET_ECHUNK;
}

/* one framing byte (not chunk data): the next state or a NET_E* code */
static int
http_ch_byte(struct http_chunked *d, int c)
{
	switch (d->state) {
	case CH_SIZE:
	case CH_SIZE_WS:
	case CH_EXT:
		return http_ch_size(d, c);
	case CH_SIZE_LF:
		if (c != '\n' || ++d->linelen > CH_MAX_LINE)
			return NET_ECHUNK;
		return http_ch_sizedone(d);
	case CH_DATA_CR:	/* CRLF or a bare LF */
	case CH_DATA_LF:
		if (c == '\r' && d->state == CH_DATA_CR)
			return CH_DATA_LF;
		if (c != '\n')
			return NET_ECHUNK;
		d->linelen = 0;
		return CH_SIZE;
	case CH_TRL_LF:		/* the end of a trailer line */
	case CH_END_LF:		/* the end of the final blank line */
		if (c != '\n')
			return NET_ECHUNK;
		if (++d->left > HTTP_MAX_HEAD)
			return NET_EHEADBIG;
		return d->state == CH_TRL_LF ? CH_TRL_START : CH_DONE;
	default:
		return http_ch_trailer(d, c);
	}
}

int
http_chunked_decode(struct http_chunked *d, char *buf, size_t *len)
{
	size_t in = 0, out = 0, n;

	while (in < *len && d->state >= 0 && d->state != CH_DONE) {
		if (d->state != CH_DATA) {
			d->state = http_ch_byte(d, buf[in++]);
			continue;
		}
		n = *len - in;
		if (n > d->left)
			n = (size_t)d->left;
		memmove(buf + out, buf + in, n);
		in += n, out += n;
		if (!(d->left -= n))
			d->state = CH_DATA_CR;
	}
	n = *len - in;
	*len = out;
	if (d->state < 0)
		return d->state;
	if (d->state != CH_DONE)
		return NET_EAGAIN;
	memmove(buf + out, buf + in, n);
	return (int)n;
}
