/* SPDX-License-Identifier: 0BSD */
/* json.c - a bounded JSON reader for small answers (etcd's JSON gateway)
 * and base64. json_get() checks the whole text first (RFC 8259 grammar,
 * nesting at most JSON_MAX_DEPTH deep, so the recursion is bounded), then
 * walks a path of member names and array indexes to one value, a slice of
 * the caller's text. Nothing is copied or allocated. */
#include <string.h>

#include "net/net.h"

struct js {
	const char *s;
	size_t n, i;
};

static void
ws(struct js *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
			       j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

static int
eat(struct js *j, char c)
{
	ws(j);
	if (j->i < j->n && j->s[j->i] == c) {
		j->i++;
		return 1;
	}
	return 0;
}

static int
digits(struct js *j)
{
	size_t i0 = j->i;

	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > i0;
}

/* A string at j->i (its quote); 0 or -1. */
static int
str(struct js *j)
{
	unsigned char c;
	int k;

	j->i++;
	while (j->i < j->n) {
		c = (unsigned char)j->s[j->i++];
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c != '\\')
			continue;
		if (j->i >= j->n)
			return -1;
		c = (unsigned char)j->s[j->i++];
		if (c == 'u') {
			for (k = 0; k < 4; k++)
				if (j->i >= j->n || hex_digit(j->s[j->i++]) < 0)
					return -1;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return -1;
		}
	}
	return -1;
}

static int
num(struct js *j)
{
	if (j->s[j->i] == '-')
		j->i++;
	if (!digits(j))
		return -1;
	if (j->i < j->n && j->s[j->i] == '.' && (j->i++, !digits(j)))
		return -1;
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (!digits(j))
			return -1;
	}
	return 0;
}

static int
word(struct js *j, const char *w)
{
	size_t l = strlen(w);

	if (j->n - j->i < l || memcmp(j->s + j->i, w, l))
		return -1;
	j->i += l;
	return 0;
}

/* Skips one value (leading blanks first); 0 or -1 when malformed. */
static int
skip(struct js *j, int depth)
{
	char c, end;

	ws(j);
	if (j->i >= j->n || depth > JSON_MAX_DEPTH)
		return -1;
	c = j->s[j->i];
	if (c == '"')
		return str(j);
	if (c == 't')
		return word(j, "true");
	if (c == 'f')
		return word(j, "false");
	if (c == 'n')
		return word(j, "null");
	if (c != '{' && c != '[')
		return num(j);
	end = c == '{' ? '}' : ']';
	j->i++;
	if (eat(j, end))
		return 0;
	do {
		if (c == '{') {
			ws(j);
			if (j->i >= j->n || j->s[j->i] != '"' || str(j) || !eat(j, ':'))
				return -1;
		}
		if (skip(j, depth + 1))
			return -1;
	} while (eat(j, ','));
	return eat(j, end) ? 0 : -1;
}

/* In the object or array at j->i, moves j->i to the value named by the
 * path component p[0..l). Returns 1 found, 0 not there, -1 malformed. */
static int
step(struct js *j, const char *p, size_t l)
{
	size_t k0, kl, idx = 0, k;
	int obj;

	ws(j);
	obj = j->s[j->i] == '{';
	if (!obj && j->s[j->i] != '[')
		return 0;
	for (k = 0; k < l; k++)
		idx = p[k] >= '0' && p[k] <= '9' && idx < 100000 ? idx * 10 + (size_t)(p[k] - '0')
							     : (size_t)-1;
	j->i++;
	if (eat(j, obj ? '}' : ']'))
		return 0;
	for (k = 0;; k++) {
		if (obj) {
			ws(j);
			k0 = j->i + 1;
			if (j->i >= j->n || j->s[j->i] != '"' || str(j))
				return -1;
			kl = j->i - 1 - k0;	/* the name's bytes, as written */
			if (!eat(j, ':'))
				return -1;
			ws(j);
			if (kl == l && !memcmp(j->s + k0, p, l))
				return 1;
		} else if (k == idx) {
			ws(j);
			return 1;
		}
		if (skip(j, 0) || !eat(j, ','))
			return 0;
	}
}

int
json_get(const char *s, size_t n, const char *path, struct json_val *v)
{
	struct js j = { s, n, 0 };
	const char *p = path, *e;
	int r;

	v->p = 0;
	v->n = 0;
	if (skip(&j, 0) || (ws(&j), j.i != n))
		return -1;
	j.i = 0;
	while (*p) {
		e = strchr(p, '.');
		if (!e)
			e = p + strlen(p);
		if ((r = step(&j, p, (size_t)(e - p))) <= 0)
			return r;
		p = *e ? e + 1 : e;
	}
	ws(&j);
	v->p = s + j.i;
	skip(&j, 0);
	v->n = j.i - (size_t)(v->p - s);
	return 1;
}

int
json_int(const struct json_val *v, long long *out)
{
	const char *p = v->p, *e = v->p + v->n;
	unsigned long long x = 0;

	if (v->n >= 2 && *p == '"') {
		p++;
		e--;
	}
	if (p == e || e - p > 19)	/* 19 digits cannot overflow 64 bits */
		return -1;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		x = x * 10 + (unsigned)(*p - '0');
	}
	if (x > 9223372036854775807ULL)
		return -1;
	*out = (long long)x;
	return 0;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
b64_encode(const void *in, size_t n, char *out, size_t size)
{
	const unsigned char *s = in;
	size_t i, o = 0;
	unsigned v;

	if ((n + 2) / 3 * 4 >= size)
		return -1;
	for (i = 0; i < n; i += 3) {
		v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
		    (i + 2 < n ? s[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = 0;
	return (int)o;
}

int
b64_decode(const char *in, size_t n, void *out, size_t size)
{
	unsigned char *d = out;
	unsigned v = 0, bits = 0;
	size_t i, o = 0, pad = 0;
	const char *c;

	if (n % 4)
		return -1;
	while (pad < 2 && n && in[n - 1] == '=') {
		n--;
		pad++;
	}
	for (i = 0; i < n; i++) {
		if (!in[i] || !(c = strchr(b64, in[i])))
			return -1;
		v = v << 6 | (unsigned)(c - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o == size)
				return -1;
			d[o++] = (unsigned char)(v >> bits);
		}
	}
	/* the spare bits must be zero: one encoding per byte string */
	return v & ((1u << bits) - 1) ? -1 : (int)o;
}
