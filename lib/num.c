/* SPDX-License-Identifier: 0BSD */
/* num.c - strict decimal numbers: digits only, range-checked, no overflow. */
#include <limits.h>

#include "lib/lib.h"

int
num_parse(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;
	int d;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = *s - '0';
		if (v > (LLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
num_field(const char **p, const char *end, unsigned long long *v)
{
	const char *s = *p;
	unsigned long long n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (n > (~0ULL - (unsigned)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
	}
	*p = s;
	*v = n;
	return 0;
}
