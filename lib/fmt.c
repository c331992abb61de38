/* SPDX-License-Identifier: 0BSD */
/* fmt.c - a small printf for what drainbox prints: %s %c %d %u %x %% with
 * %m (errno in words), the l, ll and z sizes (z: size_t's own width, 32 bits on armhf and
 * i386), the '-' and '0' flags, a width and a precision (also as '*'). musl's printf is about 10 KB, half of it the floating
 * point formatter that no line of ours needs; this is under 1 KB. There is
 * no %f, %p, %n, %e or %g: the compiler's format checking still applies,
 * and an unknown conversion prints as itself. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"

struct sink {
	char *buf;
	size_t size, len;	/* len counts every byte, even past size */
};

static void
put(struct sink *s, const char *p, size_t n)
{
	if (s->len < s->size) {
		size_t room = s->size - s->len;

		memcpy(s->buf + s->len, p, n < room ? n : room);
	}
	s->len += n;
}

static void
pad(struct sink *s, char c, long n)
{
	for (; n > 0; n--)
		put(s, &c, 1);
}

/* One conversion's text in p[0..n), padded to width. */
static void
field(struct sink *s, const char *p, size_t n, long width, int left, char padc)
{
	long fill = width - (long)n;

	if (!left)
		pad(s, padc, fill);
	put(s, p, n);
	if (left)
		pad(s, ' ', fill);
}

/* Digits of v in base (10 or 16), with '-' when neg, right-aligned in
 * tmp; returns the start. */
static char *
digits(char *end, unsigned long long v, unsigned base, int neg)
{
	char *p = end;

	do
		*--p = "0123456789abcdef"[v % base];
	while (v /= base);
	if (neg)
		*--p = '-';
	return p;
}

static long
take_num(const char **f, va_list *ap)
{
	long n = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	while (**f >= '0' && **f <= '9')
		n = n * 10 + (*(*f)++ - '0');
	return n;
}

static void
convert(struct sink *s, const char **fp, va_list *ap)
{
	const char *f = *fp;
	char tmp[24], *p, c;
	unsigned long long u;
	long width, prec = -1;
	int left = 0, zero = 0, size = 0, neg = 0;

	for (; *f == '-' || *f == '0'; f++)
		*f == '-' ? (left = 1) : (zero = 1);
	width = take_num(&f, ap);
	if (width < 0) {
		left = 1;
		width = -width;
	}
	if (*f == '.') {
		f++;
		prec = take_num(&f, ap);
	}
	/* size: 1 long, 2 long long, 3 size_t (32 bits on ILP32 CPUs) */
	for (; *f == 'l' || *f == 'z'; f++)
		size = *f == 'z' ? 3 : size + 1;
	c = *f ? *f++ : 0;
	*fp = f;
	switch (c) {
	case 's':
		p = va_arg(*ap, char *);
		if (!p)
			p = "(null)";
		field(s, p, prec >= 0 ? strnlen(p, (size_t)prec) : strlen(p),
		      width, left, ' ');
		return;
	case 'm':	/* errno in words (log_line keeps its caller's errno) */
		p = (char *)net_strerror(errno);
		field(s, p, prec >= 0 ? strnlen(p, (size_t)prec) : strlen(p),
		      width, left, ' ');
		return;
	case 'c':
		tmp[0] = (char)va_arg(*ap, int);
		field(s, tmp, 1, width, left, ' ');
		return;
	case 'd':
		{
			long long v = size == 3 ? va_arg(*ap, ssize_t)
				    : size == 2 ? va_arg(*ap, long long)
				    : size ? va_arg(*ap, long) : va_arg(*ap, int);
			neg = v < 0;
			u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
		}
		break;
	case 'u':
	case 'x':
		u = size == 3 ? va_arg(*ap, size_t)
		  : size == 2 ? va_arg(*ap, unsigned long long)
		  : size ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned);
		break;
	default:
		put(s, "%", 1);
		if (c)
			put(s, &c, 1);
		return;
	}
	p = digits(tmp + sizeof(tmp), u, c == 'x' ? 16 : 10, neg && !zero);
	if (zero && !left) {
		if (neg) {
			put(s, "-", 1);
			width--;
		}
		field(s, p, (size_t)(tmp + sizeof(tmp) - p), width, 0, '0');
	} else {
		field(s, p, (size_t)(tmp + sizeof(tmp) - p), width, left, ' ');
	}
}

int
fmt_vsn(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0 };
	const char *pct;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		pct = strchr(fmt, '%');
		if (!pct) {
			put(&s, fmt, strlen(fmt));
			break;
		}
		put(&s, fmt, (size_t)(pct - fmt));
		fmt = pct + 1;
		if (*fmt == '%') {
			put(&s, fmt++, 1);
			continue;
		}
		convert(&s, &fmt, &aq);
	}
	va_end(aq);
	if (size)
		buf[s.len < size ? s.len : size - 1] = 0;
	return s.len > INT_MAX ? INT_MAX : (int)s.len;
}

int
fmt_sn(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsn(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* stdout: a buffer flushed when full and by out_flush(). */
#define OUT_LINE 1024	/* the most one out() call formats, NUL included */
static char obuf[4096];
static size_t olen;
static int oerr;

static void
out_write(const char *p, size_t n)
{
	ssize_t w;

	while (n && !oerr) {
		w = write(1, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EPIPE) {
			/* SIGPIPE is ignored (main.c): end as its default
			 * would, so `drainbox --help | head -n 1` stays quiet */
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
		}
		if (w <= 0) {
			oerr = w < 0 ? errno : EIO;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

int
out_flush(void)
{
	out_write(obuf, olen);
	olen = 0;
	if (oerr)
		errno = oerr;
	return oerr ? -1 : 0;
}

void
out(const char *fmt, ...)
{
	va_list ap;
	int n;

	/* formatted straight into obuf, room for the longest line made first */
	if (sizeof(obuf) - olen < OUT_LINE)
		out_flush();
	va_start(ap, fmt);
	n = fmt_vsn(obuf + olen, OUT_LINE, fmt, ap);
	va_end(ap);
	olen += (size_t)n < OUT_LINE ? (size_t)n : OUT_LINE - 1;
}
