/* SPDX-License-Identifier: 0BSD */
/* f_metric.c - fuzz target for the load readers of lib/metric.c. Input:
 * byte 0 & 31 = k, the next k bytes a name (cut at a NUL), the rest the
 * body, passed in place so that a read past it leaves the input. Drives
 * metric_first_int (checked against a simple model), metric_named,
 * haproxy_stat_scur (name split at '/' into backend/server) and
 * tcp_line_match (address and port from the name's bytes); every result
 * must be a documented code, and every value non-negative. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sane(int rc, long long v)
{
	return (rc == 0 && v >= 0) || rc == METRIC_ENONE || rc == METRIC_ENOTFOUND ||
	       rc == METRIC_EOVERFLOW || rc == METRIC_EBAD;
}

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* metric_first_int's contract, the slow way: succeeds iff the body is
 * blanks, 1+ digits, blanks, with a value that fits. */
static void
check_first(const char *s, size_t n)
{
	long long v = -1, m = 0;
	size_t i = 0;
	int rc = metric_first_int(s, n, &v), over = 0, digits = 0;

	if (!sane(rc, v))
		abort();
	while (i < n && space(s[i]))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (m > (LLONG_MAX - (s[i] - '0')) / 10)
			over = 1;
		else
			m = m * 10 + (s[i] - '0');
	}
	while (i < n && space(s[i]))
		i++;
	if ((rc == 0) != (digits && i == n && !over))
		abort();
	if (rc == 0 && v != m)
		abort();
}

static void
check_tcp(const char *s, size_t n, const char *name, size_t k)
{
	unsigned char a[16] = { 0 };
	unsigned port = 0;
	int any, one;

	memcpy(a, name, k < 16 ? k : 16);
	if (k > 16)
		port = (unsigned char)name[16] << 8 | (k > 17 ? (unsigned char)name[17] : 0);
	any = tcp_line_match(s, n, 0, port);
	one = tcp_line_match(s, n, a, port);
	if (any < -1 || any > 1 || one < -1 || one > 1 || (any < 0) != (one < 0) || one > any)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[33], *sl;
	const char *body;
	size_t k, n;
	long long v;
	int rc;

	if (size == 0)
		return 0;
	k = data[0] & 31;
	if (k > size - 1)
		k = size - 1;
	memcpy(name, data + 1, k);
	name[k] = 0;
	body = (const char *)data + 1 + k;
	n = size - 1 - k;

	check_first(body, n);
	v = -1;
	rc = metric_named(body, n, name, &v);
	if (!sane(rc, v))
		abort();
	sl = strchr(name, '/');
	if (sl)
		*sl = 0;
	v = -1;
	rc = haproxy_stat_scur(body, n, name, sl ? sl + 1 : name, &v);
	if (!sane(rc, v))
		abort();
	check_tcp(body, n, name, k);
	return 0;
}
