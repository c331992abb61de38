/* SPDX-License-Identifier: 0BSD */
/* metric.c - the load readers: strict parsers that turn a load source's text
 * into a number. A bare integer (HHVM), a named value in Prometheus text,
 * "Key: N" / "Key = N" lines or JSON, the ESTABLISHED sockets of a port in
 * /proc/net/tcp{,6}, and scur in HAProxy's "show stat" CSV. Every input is
 * hostile: nothing reads past its length, allocates or overflows, and the
 * work is linear in the input. Contracts in lib.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/lib.h"

#define NANO 1000000000LL	/* fractions are kept in units of 1e-9 */
#define EXP_CAP 100000		/* exponents beyond this saturate */
#define TCP_BUF 4096		/* the longest /proc/net/tcp line we take */

/* A non-negative decimal: ip + nano / 1e9, nano rounded up. */
struct dec {
	long long ip;
	long long nano;
};

const char *
metric_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case METRIC_ENONE:
		return "no number in the text";
	case METRIC_ENOTFOUND:
		return "not found";
	case METRIC_EOVERFLOW:
		return "number too large";
	case METRIC_EBAD:
		return "malformed value";
	}
	return code < 0 ? net_strerror(code) : "unknown error";
}

/* ---- characters and numbers ------------------------------------------------ */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_space(char c)
{
	return is_blank(c) || c == '\n';
}

/* The index of the first non-space at or after s[i], or n. */
static size_t
skip_spaces(const char *s, size_t i, size_t n)
{
	while (i < n && is_space(s[i]))
		i++;
	return i;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The index of the first non-digit at or after s[i], or n. */
static size_t
skip_digits(const char *s, size_t i, size_t n)
{
	while (i < n && is_digit(s[i]))
		i++;
	return i;
}

/* *v = *v * 10 + d; -1 (v untouched) when that passes LLONG_MAX. */
static int
acc_digit(long long *v, int d)
{
	if (*v > (LLONG_MAX - d) / 10)
		return -1;
	*v = *v * 10 + d;
	return 0;
}

/* Digits only, the whole of s[0..n): 0, METRIC_ENONE when n is 0,
 * METRIC_EBAD or METRIC_EOVERFLOW. */
static int
digits_parse(const char *s, size_t n, long long *val)
{
	long long v = 0;
	size_t i;

	if (n == 0)
		return METRIC_ENONE;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return METRIC_EBAD;
		if (acc_digit(&v, s[i] - '0'))
			return METRIC_EOVERFLOW;
	}
	*val = v;
	return 0;
}

int
metric_first_int(const char *s, size_t n, long long *val)
{
	size_t i = skip_spaces(s, 0, n), b;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		return i + 1 < n && is_digit(s[i + 1]) ? METRIC_EBAD : METRIC_ENONE;
	if (i == n || !is_digit(s[i]))
		return METRIC_ENONE;
	b = i;
	i = skip_digits(s, i, n);
	if (skip_spaces(s, i, n) != n)
		return METRIC_EBAD;
	return digits_parse(s + b, i - b, val);
}

/* The value of the mantissa digits in [m, end) (a '.' among them is
 * skipped) with the decimal point after the first p of them (p may be
 * below 0 or past the end): the integer part, 9 fraction digits, and the
 * rest rounding those up. A negative value that is not zero is METRIC_EBAD. */
static int
dec_value(const char *m, const char *end, long long p, int neg, struct dec *d)
{
	long long k = 0, ip = 0, nano = 0, digit, f;
	int nonzero = 0, over = 0, rest = 0;

	for (; m < end; m++) {
		if (*m == '.')
			continue;
		digit = *m - '0';
		nonzero |= digit != 0;
		if (k < p) {
			over |= acc_digit(&ip, (int)digit);
		} else if (k - p < 9) {
			for (f = k - p; f < 8; f++)
				digit *= 10;	/* fraction place k - p */
			nano += digit;
		} else {
			rest |= digit != 0;
		}
		k++;
	}
	if (!nonzero) {
		d->ip = d->nano = 0;	/* zero, "-0" included */
		return 0;
	}
	if (neg)
		return METRIC_EBAD;
	for (; k < p && !over; k++)	/* trailing zeros: "5e3" */
		over |= acc_digit(&ip, 0);
	if (over)
		return METRIC_EOVERFLOW;
	d->ip = ip;
	d->nano = nano + rest;	/* round the rest up; NANO itself is fine */
	return 0;
}

/* The whole token s[0..n) as a decimal: [+-]digits[.digits][(e|E)[+-]digits]
 * ("5." and ".5" too), or, json set, JSON's number grammar. Returns 0,
 * METRIC_EBAD (syntax, or a value below 0) or METRIC_EOVERFLOW. */
static int
dec_parse(const char *s, size_t n, int json, struct dec *d)
{
	size_t i = 0, ib, ie, fb, fe;
	long long exp = 0;
	int neg = 0, eneg = 0, dot = 0;

	if (i < n && (s[i] == '-' || (!json && s[i] == '+')))
		neg = s[i++] == '-';
	ib = i;
	ie = fb = fe = i = skip_digits(s, i, n);
	if (i < n && s[i] == '.') {
		dot = 1;
		fb = ++i;
		fe = i = skip_digits(s, i, n);
	}
	if (ie == ib && fe == fb)
		return METRIC_EBAD;
	if (json && (ie == ib || (s[ib] == '0' && ie - ib > 1) || (dot && fe == fb)))
		return METRIC_EBAD;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i == n || !is_digit(s[i]))
			return METRIC_EBAD;
		for (; i < n && is_digit(s[i]); i++)
			if (exp < EXP_CAP)
				exp = exp * 10 + (s[i] - '0');
	}
	if (i != n)
		return METRIC_EBAD;
	return dec_value(s + ib, s + fe, (long long)(ie - ib) + (eneg ? -exp : exp), neg, d);
}

/* sum += d; METRIC_EOVERFLOW past LLONG_MAX. */
static int
dec_add(struct dec *sum, const struct dec *d)
{
	if (sum->ip > LLONG_MAX - d->ip)
		return METRIC_EOVERFLOW;
	sum->ip += d->ip;
	sum->nano += d->nano;
	if (sum->nano >= NANO) {
		sum->nano -= NANO;
		if (sum->ip == LLONG_MAX)
			return METRIC_EOVERFLOW;
		sum->ip++;
	}
	return 0;
}

/* d rounded up into *val. */
static int
dec_ceil(const struct dec *d, long long *val)
{
	if (d->nano > 0 && d->ip == LLONG_MAX)
		return METRIC_EOVERFLOW;
	*val = d->ip + (d->nano > 0);
	return 0;
}

/* ---- metric_named: lines ---------------------------------------------------- */

/* The end of the token (non-blank run) starting at s[i], line end e. */
static size_t
token_end(const char *s, size_t i, size_t e)
{
	while (i < e && !is_blank(s[i]))
		i++;
	return i;
}

static size_t
skip_blanks(const char *s, size_t i, size_t e)
{
	while (i < e && is_blank(s[i]))
		i++;
	return i;
}

/* Past a Prometheus label block starting at s[i] == '{': the index after
 * its '}', or 0 when the line ends first. Quoted values may hold '}' and
 * backslash escapes. */
static size_t
prom_labels_end(const char *s, size_t i, size_t e)
{
	int quoted = 0;

	for (i++; i < e; i++) {
		if (quoted && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == '}')
			return i + 1;
	}
	return 0;
}

/* Whether the token s[0..n) starts like a Prometheus value: a sign, a
 * digit or a point, or is NaN / Inf / Infinity (any case). */
static int
prom_numberish(const char *s, size_t n)
{
	static const char *const words[] = { "nan", "inf", "infinity" };
	size_t w;

	if (n && s[0] && strchr("+-.0123456789", s[0]))
		return 1;
	for (w = 0; w < sizeof words / sizeof *words; w++)
		if (strlen(words[w]) == n && !strncasecmp(s, words[w], n))
			return 1;
	return 0;
}

/* A Prometheus sample of name on line s[0..e): 1 with *d set, 0 when the
 * line is not one, or a METRIC_E* code for one with a bad value. Without
 * labels, a line "name TOKEN..." whose TOKEN does not look like a value is
 * left to the pair reader ("Active connections: 1" for name "Active"). */
static int
prom_line(const char *s, size_t e, const char *name, size_t nl, struct dec *d)
{
	size_t i = skip_blanks(s, 0, e), t;
	int labels, r;

	if (i == e || s[i] == '#' || e - i <= nl || memcmp(s + i, name, nl))
		return 0;
	i += nl;
	labels = s[i] == '{';
	if (labels) {
		if (!(i = prom_labels_end(s, i, e)))
			return METRIC_EBAD;
	} else if (!is_blank(s[i])) {
		return 0;
	}
	i = skip_blanks(s, i, e);
	t = token_end(s, i, e);
	if (!labels && !prom_numberish(s + i, t - i))
		return 0;
	if (t == i)
		return METRIC_EBAD;
	r = dec_parse(s + i, t - i, 0, d);
	return r ? r : 1;
}

/* The first "Key: value" / "Key = value" pair with key == name on line
 * s[0..e): 1 with *d set, 0 when none, or a METRIC_E* code for a bad
 * value. */
static int
pair_line(const char *s, size_t e, const char *name, size_t nl, struct dec *d)
{
	size_t i = skip_blanks(s, 0, e), sep, ke, v, t;
	int r;

	if (i < e && s[i] == '#')
		return 0;
	while (i < e) {
		for (sep = i; sep < e && s[sep] != ':' && s[sep] != '='; sep++)
			;
		if (sep == e)
			return 0;
		for (ke = sep; ke > i && is_blank(s[ke - 1]); ke--)
			;
		v = skip_blanks(s, sep + 1, e);
		t = token_end(s, v, e);
		if (ke - i == nl && !memcmp(s + i, name, nl)) {
			if (t == v)
				return METRIC_EBAD;
			r = dec_parse(s + v, t - v, 0, d);
			return r ? r : 1;
		}
		i = skip_blanks(s, t, e);
	}
	return 0;
}

static int
named_lines(const char *s, size_t n, const char *name, size_t nl, long long *val)
{
	struct dec sum = { 0, 0 }, d;
	size_t b, e;
	int r, prom = 0;

	for (b = 0; b < n; b = e + 1) {
		const char *nlp = memchr(s + b, '\n', n - b);

		e = nlp ? (size_t)(nlp - s) : n;
		r = prom_line(s + b, e - b, name, nl, &d);
		if (r < 0)
			return r;
		if (r > 0) {
			prom = 1;
			if ((r = dec_add(&sum, &d)))
				return r;
			continue;
		}
		if (prom)
			continue;
		r = pair_line(s + b, e - b, name, nl, &d);
		if (r < 0)
			return r;
		if (r > 0)
			return dec_ceil(&d, val);
	}
	return prom ? dec_ceil(&sum, val) : METRIC_ENOTFOUND;
}

/* ---- metric_named: JSON ----------------------------------------------------- */

static int
json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
json_delim(char c)
{
	return json_space(c) || c == ',' || c == '}' || c == ']';
}

/* The number after ':' at s[i] (after the key "name"): 1 with *d set or a
 * METRIC_E* code. */
static int
json_value(const char *s, size_t n, size_t i, struct dec *d)
{
	size_t t;
	int r;

	while (i < n && json_space(s[i]))
		i++;
	for (t = i; t < n && !json_delim(s[t]); t++)
		;
	if (t == i)
		return METRIC_EBAD;
	r = dec_parse(s + i, t - i, 1, d);
	return r ? r : 1;
}

static int
named_json(const char *s, size_t n, const char *name, size_t nl, long long *val)
{
	struct dec d;
	size_t i = 0, b, e;
	int r;

	while (i < n) {
		if (s[i++] != '"')
			continue;
		for (b = i; i < n && s[i] != '"'; i += s[i] == '\\' ? 2 : 1)
			;
		if (i >= n)
			break;
		e = i++;
		if (e - b != nl || memcmp(s + b, name, nl))
			continue;
		while (i < n && json_space(s[i]))
			i++;
		if (i == n || s[i] != ':')
			continue;
		r = json_value(s, n, i + 1, &d);
		return r < 0 ? r : dec_ceil(&d, val);
	}
	return METRIC_ENOTFOUND;
}

int
metric_named(const char *s, size_t n, const char *name, long long *val)
{
	size_t i = skip_spaces(s, 0, n), nl = name ? strlen(name) : 0;

	if (nl == 0)
		return METRIC_ENOTFOUND;
	if (i < n && (s[i] == '{' || s[i] == '['))
		return named_json(s, n, name, nl, val);
	return named_lines(s, n, name, nl, val);
}

/* ---- HAProxy show stat ---------------------------------------------------- */

/* One CSV field at s[i] of line s[..e): its text (inside the quotes when
 * quoted, "" left as is) in [*fb, *fe). Returns the start of the next
 * field, or e + 1 when this was the line's last one. */
static size_t
csv_field(const char *s, size_t i, size_t e, size_t *fb, size_t *fe)
{
	size_t j = i;

	if (j < e && s[j] == '"') {
		for (*fb = ++j; j < e; j++) {
			if (s[j] == '"' && j + 1 < e && s[j + 1] == '"')
				j++;
			else if (s[j] == '"')
				break;
		}
		*fe = j;
		while (j < e && s[j] != ',')
			j++;
	} else {
		for (*fb = j; j < e && s[j] != ','; j++)
			;
		*fe = j;
	}
	return j < e ? j + 1 : e + 1;
}

static int
field_is(const char *s, size_t fb, size_t fe, const char *want)
{
	size_t wl = strlen(want);

	return fe - fb == wl && !memcmp(s + fb, want, wl);
}

enum { COL_PX, COL_SV, COL_SCUR, NCOL };

/* A "# pxname,svname,..." header line s[i..e) into col[]. */
static int
csv_header(const char *s, size_t i, size_t e, long col[NCOL])
{
	static const char *const names[NCOL] = { "pxname", "svname", "scur" };
	size_t fb, fe;
	long k, c;

	for (c = 0; c < NCOL; c++)
		col[c] = -1;
	i = skip_blanks(s, i + 1, e);
	for (k = 0; i <= e; k++) {
		i = csv_field(s, i, e, &fb, &fe);
		for (c = 0; c < NCOL; c++)
			if (col[c] < 0 && field_is(s, fb, fe, names[c]))
				col[c] = k;
	}
	for (c = 0; c < NCOL; c++)
		if (col[c] < 0)
			return METRIC_EBAD;
	return 0;
}

/* Row s[i..e): 0 not ours, else 1 with *val set or a METRIC_E* code. */
static int
csv_row(const char *s, size_t i, size_t e, const long col[NCOL], const char *be,
	const char *sv, long long *val)
{
	size_t fb[NCOL] = { 0 }, fe[NCOL] = { 0 }, b, f;
	int seen[NCOL] = { 0 }, got = 0, c, r;
	long k;

	for (k = 0; i <= e && got < NCOL; k++) {
		i = csv_field(s, i, e, &b, &f);
		for (c = 0; c < NCOL; c++) {
			if (col[c] == k) {
				fb[c] = b;
				fe[c] = f;
				seen[c] = 1;
				got++;
			}
		}
	}
	if (!seen[COL_PX] || !seen[COL_SV] || !field_is(s, fb[COL_PX], fe[COL_PX], be) ||
	    !field_is(s, fb[COL_SV], fe[COL_SV], sv))
		return 0;
	if (!seen[COL_SCUR])
		return METRIC_EBAD;
	r = digits_parse(s + fb[COL_SCUR], fe[COL_SCUR] - fb[COL_SCUR], val);
	return r ? r : 1;
}

int
haproxy_stat_scur(const char *csv, size_t n, const char *backend, const char *server,
		  long long *val)
{
	long col[NCOL] = { 0, 1, 4 };
	size_t b, e, le;
	int r;

	if (!backend || !server)
		return METRIC_ENOTFOUND;
	for (b = 0; b < n; b = e + 1) {
		const char *nlp = memchr(csv + b, '\n', n - b);

		e = nlp ? (size_t)(nlp - csv) : n;
		le = e > b && csv[e - 1] == '\r' ? e - 1 : e;
		if (le == b)
			continue;
		if (csv[b] == '#') {
			if ((r = csv_header(csv, b, le, col)))
				return r;
			continue;
		}
		if ((r = csv_row(csv, b, le, col, backend, server, val)))
			return r < 0 ? r : 0;
	}
	return METRIC_ENOTFOUND;
}

/* ---- /proc/net/tcp ------------------------------------------------------------ */

/* Exactly `digits` hex digits at s[*i] into *v. */
static int
hex_take(const char *s, size_t n, size_t *i, int digits, uint32_t *v)
{
	uint32_t x = 0;
	int h;

	for (; digits > 0; digits--, (*i)++) {
		if (*i >= n || (h = hex_digit((unsigned char)s[*i])) < 0)
			return -1;
		x = x << 4 | (uint32_t)h;
	}
	*v = x;
	return 0;
}

/* addr as ::ffff:a.b.c.d, from the 4 bytes at v4. */
static void
v4_mapped(unsigned char addr[16], const void *v4)
{
	memset(addr, 0, 10);
	addr[10] = addr[11] = 0xff;
	memcpy(addr + 12, v4, 4);
}

/* "HEX:PORT" at s[*i]: 8 hex digits (IPv4, stored v4-mapped) or 32 (IPv6),
 * each group of 8 a host-order 32-bit word. Returns the number of words
 * (1 or 4), or -1. */
static int
tcp_addr_field(const char *s, size_t n, size_t *i, unsigned char addr[16], unsigned *port)
{
	uint32_t w[4];
	size_t j;
	int words;

	for (words = 0; words < 4; words++) {
		j = *i;
		if (hex_take(s, n, &j, 8, &w[words]))
			break;
		*i = j;
	}
	if (words == 1)
		v4_mapped(addr, w);
	else if (words == 4)
		memcpy(addr, w, 16);
	else
		return -1;
	if (*i >= n || s[(*i)++] != ':' || hex_take(s, n, i, 4, &w[0]))
		return -1;
	*port = w[0];
	return words;
}

/* At least one blank at s[*i], skipped. */
static int
tcp_gap(const char *s, size_t n, size_t *i)
{
	if (*i >= n || !is_blank(s[*i]))
		return -1;
	*i = skip_blanks(s, *i, n);
	return 0;
}

int
tcp_line_match(const char *line, size_t n, const unsigned char *addr16, unsigned port)
{
	unsigned char la[16], ra[16];
	unsigned lport, rport;
	uint32_t st;
	size_t i = skip_blanks(line, 0, n);
	int lw;

	if (i == n || !is_digit(line[i]))
		return -1;
	i = skip_digits(line, i, n);
	if (i == n || line[i++] != ':' || tcp_gap(line, n, &i))
		return -1;
	if ((lw = tcp_addr_field(line, n, &i, la, &lport)) < 0 || tcp_gap(line, n, &i))
		return -1;
	if (tcp_addr_field(line, n, &i, ra, &rport) != lw || tcp_gap(line, n, &i))
		return -1;
	if (hex_take(line, n, &i, 2, &st) || (i < n && !is_space(line[i])))
		return -1;
	if (st != 1 || lport != port)
		return 0;
	return !addr16 || !memcmp(la, addr16, 16);
}

/* addr text into 16 bytes (IPv4 v4-mapped); *any for 0.0.0.0 and ::. */
static int
tcp_addr_parse(const char *s, unsigned char a[16], int *any)
{
	static const unsigned char zero[16];
	char tmp[INET6_ADDRSTRLEN + 1];
	size_t n = strlen(s);
	struct in_addr a4;
	unsigned char any4[16];

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof tmp)
		return METRIC_EBAD;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	if (inet_pton(AF_INET, tmp, &a4) == 1)
		v4_mapped(a, &a4);
	else if (inet_pton(AF_INET6, tmp, a) != 1)
		return METRIC_EBAD;
	v4_mapped(any4, zero);	/* 0.0.0.0 */
	*any = !memcmp(a, zero, 16) || !memcmp(a, any4, 16);
	return 0;
}

/* One line (not the header) into *count. */
static int
tcp_take(const char *s, size_t n, const unsigned char *addr, unsigned port, long long *count)
{
	int r;

	if (skip_blanks(s, 0, n) == n)
		return 0;
	if ((r = tcp_line_match(s, n, addr, port)) < 0)
		return METRIC_EBAD;
	if (r && *count == LLONG_MAX)
		return METRIC_EOVERFLOW;
	*count += r;
	return 0;
}

/* The complete lines in buf[0..*have): taken, then moved out. *lineno
 * counts them; line 0 must be the "sl local_address" header. */
static int
tcp_lines(char *buf, size_t *have, int last, long *lineno, const unsigned char *addr,
	  unsigned port, long long *count)
{
	size_t b = 0, e, h;
	int r = 0;

	while (b < *have && r == 0) {
		char *nlp = memchr(buf + b, '\n', *have - b);

		if (!nlp && !last)
			break;
		e = nlp ? (size_t)(nlp - buf) : *have;
		if ((*lineno)++ == 0) {
			h = skip_blanks(buf, b, e);
			if (e - h < 2 || memcmp(buf + h, "sl", 2))
				r = METRIC_EBAD;
		} else {
			r = tcp_take(buf + b, e - b, addr, port, count);
		}
		b = nlp ? e + 1 : e;
	}
	memmove(buf, buf + b, *have - b);
	*have -= b;
	return r;
}

/* dir/name into *count: 0 or METRIC_EBAD or -errno. */
static int
tcp_file(const char *dir, const char *name, const unsigned char *addr, unsigned port,
	 long long *count)
{
	char path[PATH_MAX], buf[TCP_BUF];
	size_t have = 0;
	ssize_t got;
	long lineno = 0;
	int fd, r = 0;

	if ((size_t)fmt_sn(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return -ENAMETOOLONG;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	do {
		got = read(fd, buf + have, sizeof buf - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = -errno;
			break;
		}
		have += (size_t)got;
		r = tcp_lines(buf, &have, got == 0, &lineno, addr, port, count);
		if (r == 0 && have == sizeof buf)
			r = METRIC_EBAD;	/* a line longer than the buffer */
	} while (r == 0 && got != 0);
	close(fd);
	return r;
}

int
tcp_count(const char *addr, unsigned port, const char *proc_net_dir, long long *count)
{
	unsigned char a[16];
	long long c = 0;
	int any = 1, r;

	if (port == 0 || port > 65535)
		return METRIC_EBAD;
	if (addr && (r = tcp_addr_parse(addr, a, &any)))
		return r;
	if (!proc_net_dir)
		proc_net_dir = "/proc/net";
	if ((r = tcp_file(proc_net_dir, "tcp", any ? 0 : a, port, &c)))
		return r;
	r = tcp_file(proc_net_dir, "tcp6", any ? 0 : a, port, &c);
	if (r && r != -ENOENT)
		return r;
	*count = c;
	return 0;
}
