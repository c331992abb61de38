/* SPDX-License-Identifier: 0BSD */
/* log.c - one line per event on stderr, "applet: message", written with one
 * write(2) so lines from several processes never interleave. When stderr is
 * the journal (JOURNAL_STREAM names its device:inode) each line starts with
 * a syslog priority "<N>", so journalctl -p works; elsewhere that prefix
 * would print literally, so it is left out. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lib.h"

int log_level = 1;
const char *log_name = "drainbox";
static int log_journal;

/* "DEV:INO" as systemd writes it; 0 when s is anything else. */
static int
journal_matches(const char *s, const struct stat *st)
{
	const char *end = s + strlen(s);
	unsigned long long dev, ino;

	if (num_field(&s, end, &dev) || *s++ != ':' || num_field(&s, end, &ino) ||
	    s != end)
		return 0;
	return dev == (unsigned long long)st->st_dev &&
	       ino == (unsigned long long)st->st_ino;
}

void
log_init(const char *name)
{
	const char *js = getenv("JOURNAL_STREAM");
	struct stat st;

	log_name = name;
	log_journal = js && fstat(2, &st) == 0 && journal_matches(js, &st);
}

static void
log_line(int prio, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n = 0, max = sizeof(line) - 1;
	int saved = errno, r;

	if (log_journal) {
		line[0] = '<';
		line[1] = (char)('0' + prio);
		line[2] = '>';
		n = 3;
	}
	r = fmt_sn(line + n, max - n, "%s: ", log_name);
	n += r > 0 ? (size_t)r : 0;
	if (n < max) {
		r = fmt_vsn(line + n, max - n, fmt, ap);
		n += r > 0 ? (size_t)r : 0;
	}
	if (n > max)
		n = max;
	line[n++] = '\n';
	(void)!write(2, line, n);
	errno = saved;
}

#define LOG_FN(fn, prio, level)				\
	void						\
	fn(const char *fmt, ...)			\
	{						\
		va_list ap;				\
		if (log_level < (level))		\
			return;				\
		va_start(ap, fmt);			\
		log_line(prio, fmt, ap);		\
		va_end(ap);				\
	}

LOG_FN(log_err, 3, 0)
LOG_FN(log_warn, 4, 0)
LOG_FN(log_info, 6, 1)
LOG_FN(log_debug, 7, 2)

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(3, fmt, ap);
	va_end(ap);
	exit(code);
}
