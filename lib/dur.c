/* SPDX-License-Identifier: 0BSD */
/* dur.c - durations: "250ms", "2s", "1.5s", "1m", "1h"; bare = seconds.
 * Strict: no sign, no blanks, no fraction finer than a millisecond, nothing
 * above DUR_MAX_MS. */
#include <limits.h>
#include <poll.h>
#include <string.h>

#include "lib/lib.h"

/* The milliseconds of one unit u, "" being seconds; 0 for no unit. */
static int64_t
unit_ms(const char *u)
{
	static const struct { char name[3]; int32_t ms; } units[] = {
		{ "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 }
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(u, units[i].name))
			return units[i].ms;
	return 0;
}

int
dur_parse(const char *s, int64_t *ms)
{
	int64_t whole = 0, frac = 0, scale = 1, unit, total;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		whole = whole * 10 + (*s - '0');
		if (whole > DUR_MAX_MS)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			if (scale >= 1000000000)
				return -1;
			frac = frac * 10 + (*s - '0');
			scale *= 10;
		}
		if (scale == 1)
			return -1;	/* "1." */
	}
	if (!digits || !(unit = unit_ms(s)))
		return -1;
	if (whole > DUR_MAX_MS / unit || frac * unit % scale)
		return -1;
	total = whole * unit + frac * unit / scale;
	if (total > DUR_MAX_MS)
		return -1;
	*ms = total;
	return 0;
}

char *
dur_fmt(char *buf, size_t size, int64_t ms, int decimals)
{
	static const long long pow10[] = { 1, 10, 100, 1000 };
	long long div, v, p;

	if (decimals < 0)	/* DUR_EXACT */
		decimals = ms % 1000 == 0 ? 0 : ms % 100 == 0 ? 1 : ms % 10 == 0 ? 2 : 3;
	if (decimals > 3)
		decimals = 3;
	if (ms < 0)
		ms = 0;
	div = pow10[3 - decimals];
	p = pow10[decimals];
	v = ((long long)ms + div / 2) / div;
	if (decimals)
		fmt_sn(buf, size, "%lld.%0*llds", v / p, decimals, v % p);
	else
		fmt_sn(buf, size, "%llds", v);
	return buf;
}

int
sleep_until(int64_t t)
{
	int64_t left;

	while (!stop_signal && (left = t - mono_ms()) > 0)
		poll(0, 0, left > INT_MAX ? INT_MAX : (int)left);
	return stop_signal ? -1 : 0;
}
