/* SPDX-License-Identifier: 0BSD */
/* t_metric.c - the load readers of lib/metric.c: tables of small cases,
 * then the golden files tests/data/metric/NAME.expected, each check run on
 * NAME.in (or, for tcp, the directory NAME/) from a guard-paged copy of
 * exactly its length; every prefix of each NAME.in must give a sane code.
 * Finds the data through $TOP (set by tests/run), else the current dir.
 *
 * NAME.expected: one check per line, "KIND ARG => WANT"; '#' lines and
 * empty lines are skipped. KIND: "first" (no ARG), "named NAME" (NAME may
 * hold spaces), "haproxy BACKEND/SERVER", "tcp ADDR PORT" (ADDR "*" for
 * any). WANT: a number, or ENONE, ENOTFOUND, EOVERFLOW, EBAD. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include "lib/lib.h"
#include "tests/unit/tap.h"

#define MAXFILE 65536

/* ---- tables ----------------------------------------------------------------- */

struct numcase {
	const char *in;
	int rc;
	long long val;
};

static const struct numcase first_cases[] = {
	{ "0", 0, 0 },
	{ "16\n", 0, 16 },
	{ "  \t\r\n42 \r\n\n", 0, 42 },
	{ "007", 0, 7 },
	{ "9223372036854775807", 0, LLONG_MAX },
	{ "9223372036854775808", METRIC_EOVERFLOW, 0 },
	{ "99999999999999999999", METRIC_EOVERFLOW, 0 },
	{ "00000000000000000000000000001", 0, 1 },
	{ "", METRIC_ENONE, 0 },
	{ " \n\t", METRIC_ENONE, 0 },
	{ "Unauthorized", METRIC_ENONE, 0 },
	{ "<html>", METRIC_ENONE, 0 },
	{ "-1", METRIC_EBAD, 0 },
	{ "+1", METRIC_EBAD, 0 },
	{ "-", METRIC_ENONE, 0 },
	{ "- 1", METRIC_ENONE, 0 },
	{ "12abc", METRIC_EBAD, 0 },
	{ "1.5", METRIC_EBAD, 0 },
	{ "3 4", METRIC_EBAD, 0 },
	{ "1e3", METRIC_EBAD, 0 },
	{ "0x10", METRIC_EBAD, 0 },
	{ "12\0", METRIC_EBAD, 0 },	/* length 3 below: a NUL is not blank */
};

struct namedcase {
	const char *in;
	const char *name;
	int rc;
	long long val;
};

static const struct namedcase named_cases[] = {
	{ "x 3", "x", 0, 3 },
	{ "x 3\n", "x", 0, 3 },
	{ "x 3.0", "x", 0, 3 },
	{ "x 1e3", "x", 0, 1000 },
	{ "x 1E+3", "x", 0, 1000 },
	{ "x 25e-1", "x", 0, 3 },
	{ "x .5", "x", 0, 1 },
	{ "x 5.", "x", 0, 5 },
	{ "x +7", "x", 0, 7 },
	{ "x 0.000000001", "x", 0, 1 },
	{ "x 0.0000000001", "x", 0, 1 },
	{ "x 1e-100000000", "x", 0, 1 },
	{ "x 0e100000000", "x", 0, 0 },
	{ "x 1e100000000", "x", METRIC_EOVERFLOW, 0 },
	{ "x 0.3\nx 0.3\nx 0.4", "x", 0, 1 },
	{ "x 0.3\nx 0.3\nx 0.41", "x", 0, 2 },
	{ "x 0.999999999\nx 0.000000001", "x", 0, 1 },
	{ "x 0.9999999999\nx 0.000000001", "x", 0, 2 },
	{ "x 4611686018427387904\nx 4611686018427387903", "x", 0, LLONG_MAX },
	{ "x 4611686018427387904\nx 4611686018427387904", "x", METRIC_EOVERFLOW, 0 },
	{ "x 9223372036854775807\nx 0.5", "x", METRIC_EOVERFLOW, 0 },
	{ "x -0", "x", 0, 0 },
	{ "x -1", "x", METRIC_EBAD, 0 },
	{ "x -0.5", "x", METRIC_EBAD, 0 },
	{ "x NaN", "x", METRIC_EBAD, 0 },
	{ "x nan", "x", METRIC_EBAD, 0 },
	{ "x +Inf", "x", METRIC_EBAD, 0 },
	{ "x Infinity", "x", METRIC_EBAD, 0 },
	{ "x 1 2\n", "x", 0, 1 },	/* a timestamp */
	{ "x{} 3", "x", 0, 3 },
	{ "x{a=\"}\"} 3", "x", 0, 3 },
	{ "x{a=\"\\\\\"} 3", "x", 0, 3 },
	{ "x{a=\"b\" 3", "x", METRIC_EBAD, 0 },
	{ "x{a=\"b\"}", "x", METRIC_EBAD, 0 },
	{ "x{a=\"b\"} abc", "x", METRIC_EBAD, 0 },
	{ "x{a=\"b\"} 1\nx 2\nx: 100", "x", 0, 3 },
	{ "x 1\r\nx 2\r\n", "x", 0, 3 },
	{ "x 1\nx 2 \n# x 40\n  # x 50\n", "x", 0, 3 },
	{ "x 1\nx NaN\n", "x", METRIC_EBAD, 0 },
	{ "x_total 5\nx_sum 3\n", "x", METRIC_ENOTFOUND, 0 },
	{ "xx 5\n", "x", METRIC_ENOTFOUND, 0 },
	{ "x\n", "x", METRIC_ENOTFOUND, 0 },
	{ "x   \n", "x", METRIC_ENOTFOUND, 0 },
	{ "x word\n", "x", METRIC_ENOTFOUND, 0 },
	{ "x 3", "", METRIC_ENOTFOUND, 0 },
	{ "", "x", METRIC_ENOTFOUND, 0 },
	/* pairs */
	{ "x: 3", "x", 0, 3 },
	{ "x:3", "x", 0, 3 },
	{ "x = 3", "x", 0, 3 },
	{ "x=3", "x", 0, 3 },
	{ "a: 1 x: 2 b: 3", "x", 0, 2 },
	{ "a=1 x=2 b=3", "x", 0, 2 },
	{ "a: 1 b: 2 x: 3 ", "x", 0, 3 },
	{ "x: 1\nx: 2\n", "x", 0, 1 },
	{ "x: 0.25\n", "x", 0, 1 },
	{ "x: -2\n", "x", METRIC_EBAD, 0 },
	{ "x:\n", "x", METRIC_EBAD, 0 },
	{ "x: abc\nx: 4\n", "x", METRIC_EBAD, 0 },
	{ "my key:    12  \n", "my key", 0, 12 },
	{ "max my key: 5\nmy key: 12\n", "my key", 0, 12 },
	{ "X: 3", "x", METRIC_ENOTFOUND, 0 },
	{ "# x: 3", "x", METRIC_ENOTFOUND, 0 },
	{ "a x: 3", "x", METRIC_ENOTFOUND, 0 },
	{ "x: 1\nx 5\n", "x", 0, 1 },
	{ "x 5\nx: 1\n", "x", 0, 5 },
	{ "x: 99999999999999999999", "x", METRIC_EOVERFLOW, 0 },
	/* JSON */
	{ "{\"x\": 3}", "x", 0, 3 },
	{ " \n{\"x\":3}", "x", 0, 3 },
	{ "[{\"a\":{\"x\" : 4}}]", "x", 0, 4 },
	{ "{\"x\":0.5}", "x", 0, 1 },
	{ "{\"x\":1e2}", "x", 0, 100 },
	{ "{\"x\":-0}", "x", 0, 0 },
	{ "{\"x\":-1}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":01}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":+1}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":.5}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":1.}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":\"3\"}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":null}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":true}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":[1]}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":}", "x", METRIC_EBAD, 0 },
	{ "{\"x\":3", "x", 0, 3 },
	{ "{\"x\":3x}", "x", METRIC_EBAD, 0 },
	{ "{\"a\":\"x\",\"x\":5}", "x", 0, 5 },
	{ "{\"a\":\"\\\"x\\\":9\",\"x\":5}", "x", 0, 5 },
	{ "{\"a\":[\"x\"],\"x\":6}", "x", 0, 6 },
	{ "{\"x\":1,\"x\":2}", "x", 0, 1 },
	{ "{\"X\":1}", "x", METRIC_ENOTFOUND, 0 },
	{ "{\"xx\":1}", "x", METRIC_ENOTFOUND, 0 },
	{ "{\"x", "x", METRIC_ENOTFOUND, 0 },
	{ "{\"x\"", "x", METRIC_ENOTFOUND, 0 },
	{ "{\"\\", "x", METRIC_ENOTFOUND, 0 },
	{ "{\"a b\": 2}", "a b", 0, 2 },
};

struct hapcase {
	const char *in;
	const char *be, *sv;
	int rc;
	long long val;
};

static const struct hapcase hap_cases[] = {
	{ "# pxname,svname,qcur,qmax,scur\nb,s,0,0,7\n", "b", "s", 0, 7 },
	{ "#pxname,svname,qcur,qmax,scur,\nb,s,0,0,7,\n", "b", "s", 0, 7 },
	{ "b,s,0,0,7,\n", "b", "s", 0, 7 },
	{ "b,s,0,0,7", "b", "s", 0, 7 },
	{ "b,s,0,0,7\r\nb,t,0,0,8\r\n", "b", "t", 0, 8 },
	{ "# svname,scur,pxname\ns,5,b\n", "b", "s", 0, 5 },
	{ "# pxname,svname,x,scur\nb,s,\"a,b\",4\n", "b", "s", 0, 4 },
	{ "# pxname,svname,x,scur\nb,s,\"a\"\",\"\"b\",4\n", "b", "s", 0, 4 },
	{ "# pxname,svname,x,scur\n\"b\",\"s\",,\"9\"\n", "b", "s", 0, 9 },
	{ "# pxname,svname,x,scur\nb,s,\"unterminated,4\n", "b", "s", METRIC_EBAD, 0 },
	{ "# pxname,svname,scur\nb,s,\n", "b", "s", METRIC_ENONE, 0 },
	{ "# pxname,svname,scur\nb,s\n", "b", "s", METRIC_EBAD, 0 },
	{ "# pxname,svname,scur\nb\n", "b", "s", METRIC_ENOTFOUND, 0 },
	{ "# pxname,svname,scur\nb,s,-1\n", "b", "s", METRIC_EBAD, 0 },
	{ "# pxname,svname,scur\nb,s,1.5\n", "b", "s", METRIC_EBAD, 0 },
	{ "# pxname,svname,scur\nb,s, 1\n", "b", "s", METRIC_EBAD, 0 },
	{ "# pxname,svname,scur\nb,s,99999999999999999999\n", "b", "s", METRIC_EOVERFLOW, 0 },
	{ "# pxname,svname,qcur\nb,s,1\n", "b", "s", METRIC_EBAD, 0 },
	{ "# pxname,svname,scur\nb,s,1\n", "b", "S", METRIC_ENOTFOUND, 0 },
	{ "# pxname,svname,scur\nbb,s,1\n", "b", "s", METRIC_ENOTFOUND, 0 },
	{ "# pxname,svname,scur\n\nb,s,1\n\n", "b", "s", 0, 1 },
	{ "# pxname,svname,scur\nb,s,1\n# pxname,svname,x,scur\nb,t,1,2\n", "b", "t", 0, 2 },
	{ "Unknown command. Please enter one of the following commands only :\n", "b", "s",
	  METRIC_ENOTFOUND, 0 },
	{ "", "b", "s", METRIC_ENOTFOUND, 0 },
	{ "#", "b", "s", METRIC_EBAD, 0 },
};

/* s made printable on one line (\n \r \t and other controls escaped),
 * cut to fit; returns one of two static buffers. */
static const char *
esc(const char *s)
{
	static char bufs[2][200];
	static int which;
	char *b = bufs[which ^= 1];
	size_t i = 0;

	for (; *s && i + 5 < sizeof bufs[0]; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			i += (size_t)sprintf(b + i, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			i += (size_t)sprintf(b + i, "\\x%02x", c);
		else
			b[i++] = (char)c;
	}
	b[i] = 0;
	return b;
}

static void
test_first(void)
{
	size_t i, n;
	long long v;
	char *p;

	for (i = 0; i < sizeof first_cases / sizeof *first_cases; i++) {
		const struct numcase *c = &first_cases[i];

		n = strcmp(c->in, "12") ? strlen(c->in) : 3;
		p = guard_copy(c->in, n);
		v = -42;
		is_int(metric_first_int(p, n, &v), c->rc, esc(c->in));
		if (c->rc == 0)
			ok(v == c->val, "  value of \"%s\": %lld", esc(c->in), v);
		else
			ok(v == -42, "  value of \"%s\" untouched", esc(c->in));
	}
}

static void
test_named(void)
{
	size_t i, n;
	long long v;
	char *p, what[160];

	for (i = 0; i < sizeof named_cases / sizeof *named_cases; i++) {
		const struct namedcase *c = &named_cases[i];

		n = strlen(c->in);
		p = guard_copy(c->in, n);
		v = -42;
		snprintf(what, sizeof what, "named \"%s\" in \"%s\"", c->name, esc(c->in));
		is_int(metric_named(p, n, c->name, &v), c->rc, what);
		if (c->rc == 0)
			ok(v == c->val, "%s: value %lld", what, v);
	}
	v = -42;
	is_int(metric_named("x 3", 3, NULL, &v), METRIC_ENOTFOUND, "named NULL name");
}

static void
test_haproxy(void)
{
	size_t i, n;
	long long v;
	char *p, what[200];

	for (i = 0; i < sizeof hap_cases / sizeof *hap_cases; i++) {
		const struct hapcase *c = &hap_cases[i];

		n = strlen(c->in);
		p = guard_copy(c->in, n);
		v = -42;
		snprintf(what, sizeof what, "haproxy %s/%s in \"%s\"", c->be, c->sv, esc(c->in));
		is_int(haproxy_stat_scur(p, n, c->be, c->sv, &v), c->rc, what);
		if (c->rc == 0)
			ok(v == c->val, "%s: value %lld", what, v);
	}
	is_int(haproxy_stat_scur("b,s,0,0,1", 9, NULL, "s", &v), METRIC_ENOTFOUND, "haproxy NULL backend");
}

/* ---- tcp ---------------------------------------------------------------------- */

static int
little_endian(void)
{
	uint32_t one = 1;
	unsigned char c;

	memcpy(&c, &one, 1);
	return c == 1;
}

/* addr text into 16 bytes, IPv4 v4-mapped */
static void
addr16(const char *s, unsigned char a[16])
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a + 12) == 1)
		a[10] = a[11] = 0xff;
	else if (inet_pton(AF_INET6, s, a) != 1)
		abort();
}

struct linecase {
	const char *line;
	const char *addr;	/* NULL: any */
	unsigned port;
	int want;
};

#define L4_EST "   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 02:0000A5C2 00000000  1000        0 40002 1 0000000000000000 20 4 30 10 -1"
#define L6_MAPPED "   2: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D6D8 01 00000000:00000000 02:0000A5C2 00000000  1000        0 40002 1 0000000000000000 20 4 30 10 -1"
#define L6_LO "   4: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:DAC0 01 00000000:00000000 02:0000A5C2 00000000  1000        0 40004 1 0000000000000000 20 4 30 10 -1"

static const struct linecase line_cases[] = {
	{ L4_EST, 0, 8080, 1 },
	{ L4_EST "\n", 0, 8080, 1 },
	{ L4_EST, "127.0.0.1", 8080, 1 },
	{ L4_EST, "127.0.0.2", 8080, 0 },
	{ L4_EST, "::1", 8080, 0 },
	{ L4_EST, 0, 54321, 0 },	/* the remote port */
	{ L4_EST, 0, 8081, 0 },
	{ L6_MAPPED, "127.0.0.1", 8080, 1 },
	{ L6_MAPPED, "::1", 8080, 0 },
	{ L6_LO, "::1", 8080, 1 },
	{ L6_LO, "127.0.0.1", 8080, 0 },
	{ L6_LO, 0, 8080, 1 },
	{ "0: 0100007F:1F90 0100007F:D431 01", 0, 8080, 1 },
	{ "0: 0100007f:1f90 0100007f:d431 01", 0, 8080, 1 },
	{ "0: 0100007F:1F90 0100007F:D431 0A", 0, 8080, 0 },
	{ "0: 0100007F:1F90 0100007F:D431 06 rest", 0, 8080, 0 },
	{ "  sl  local_address rem_address   st tx_queue", 0, 8080, -1 },
	{ "", 0, 8080, -1 },
	{ "0:", 0, 8080, -1 },
	{ ": 0100007F:1F90 0100007F:D431 01", 0, 8080, -1 },
	{ "0 0100007F:1F90 0100007F:D431 01", 0, 8080, -1 },
	{ "0:0100007F:1F90 0100007F:D431 01", 0, 8080, -1 },
	{ "0: 0100007F:1F9 0100007F:D431 01", 0, 8080, -1 },
	{ "0: 0100007F:1F900 0100007F:D431 01", 0, 8080, -1 },
	{ "0: 100007F:1F90 0100007F:D431 01", 0, 8080, -1 },
	{ "0: 0100007G:1F90 0100007F:D431 01", 0, 8080, -1 },
	{ "0: 0100007F:1F90 0100007F:D431 1", 0, 8080, -1 },
	{ "0: 0100007F:1F90 0100007F:D431 011", 0, 8080, -1 },
	{ "0: 0100007F:1F90 0100007F:D431", 0, 8080, -1 },
	{ "0: 0100007F:1F90 0100007F:D431 ", 0, 8080, -1 },
	{ "0: 0100007F:1F90 00000000000000000000000001000000:D431 01", 0, 8080, -1 },
	{ "0: 0100007F:1F90 0100007F:D431 01\x01", 0, 8080, -1 },
};

static void
test_tcp_lines(void)
{
	unsigned char a[16];
	size_t i, n;
	char *p, what[300];

	for (i = 0; i < sizeof line_cases / sizeof *line_cases; i++) {
		const struct linecase *c = &line_cases[i];

		if (c->addr)
			addr16(c->addr, a);
		n = strlen(c->line);
		p = guard_copy(c->line, n);
		snprintf(what, sizeof what, "tcp_line_match %s:%u \"%.60s\"", c->addr ? c->addr : "*",
			 c->port, esc(c->line));
		is_int(tcp_line_match(p, n, c->addr ? a : 0, c->port), c->want, what);
	}
}

/* A scratch dir holding tcp (and tcp6 when t6 is not NULL). */
static char *
tcp_dir(const char *t4, size_t n4, const char *t6)
{
	static char dir[64];
	char path[128];
	FILE *f;

	strcpy(dir, "/tmp/t_metric.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/tcp", dir);
	if (!(f = fopen(path, "w")) || fwrite(t4, 1, n4, f) != n4 || fclose(f))
		abort();
	if (t6) {
		snprintf(path, sizeof path, "%s/tcp6", dir);
		if (!(f = fopen(path, "w")) || fputs(t6, f) < 0 || fclose(f))
			abort();
	}
	return dir;
}

static void
tcp_dir_rm(const char *dir)
{
	char path[128];

	snprintf(path, sizeof path, "%s/tcp", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/tcp6", dir);
	unlink(path);
	rmdir(dir);
}

#define HDR "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

static void
test_tcp_count(void)
{
	static char big[200000];
	long long v;
	size_t n, i;
	char *d;

	v = -42;
	is_int(tcp_count(0, 8080, "/nonexistent/t_metric", &v), -ENOENT, "tcp_count no dir: -ENOENT");
	is_str(metric_strerror(-ENOENT), strerror(ENOENT), "  in words");
	is_int(v, -42, "  count untouched");

	/* 1000 lines (~100 KiB) through the 4 KiB buffer, no final newline */
	n = (size_t)snprintf(big, sizeof big, "%s", HDR);
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "%s%s%-40s", i ? "\n" : "",
				      i % 3 ? L4_EST : "   1: 0100007F:1F90 0100007F:D431 06 0:0", "");
	d = tcp_dir(big, n, HDR L6_LO "\n" L6_MAPPED "\n");
	is_int(tcp_count(0, 8080, d, &v), 0, "tcp_count 1000 lines, no final newline");
	is_int(v, 666 + 2, "  counted");
	is_int(tcp_count("127.0.0.1", 8080, d, &v), 0, "tcp_count 127.0.0.1");
	is_int(v, 666 + 1, "  counted v4 + v4-mapped");
	tcp_dir_rm(d);

	memset(big, ' ', 5000);
	memcpy(big, HDR, sizeof HDR - 1);
	d = tcp_dir(big, 5000, 0);
	is_int(tcp_count(0, 8080, d, &v), METRIC_EBAD, "tcp_count line over 4 KiB");
	tcp_dir_rm(d);

	n = (size_t)snprintf(big, sizeof big, "%s%s\n%-4000s\n", HDR, L4_EST, L4_EST);
	d = tcp_dir(big, n, 0);
	is_int(tcp_count(0, 8080, d, &v), 0, "tcp_count 4000-byte line");
	is_int(v, 2, "  counted");
	tcp_dir_rm(d);

	n = (size_t)snprintf(big, sizeof big, "%s%s\n%-4096s\n", HDR, L4_EST, L4_EST);
	d = tcp_dir(big, n, 0);
	is_int(tcp_count(0, 8080, d, &v), METRIC_EBAD, "tcp_count 4096-byte line after others");
	tcp_dir_rm(d);

	n = (size_t)snprintf(big, sizeof big, "%s%s\n\n%s\n", HDR, L4_EST, L4_EST);
	d = tcp_dir(big, n, "");
	is_int(tcp_count(0, 8080, d, &v), 0, "tcp_count empty lines, empty tcp6");
	is_int(v, 2, "  counted");
	tcp_dir_rm(d);

	n = (size_t)snprintf(big, sizeof big, "%s%s\n", HDR, "   0: garbage");
	d = tcp_dir(big, n, 0);
	is_int(tcp_count(0, 8080, d, &v), METRIC_EBAD, "tcp_count malformed line");
	tcp_dir_rm(d);

	n = (size_t)snprintf(big, sizeof big, "%s\n", L4_EST);
	d = tcp_dir(big, n, 0);
	is_int(tcp_count(0, 8080, d, &v), METRIC_EBAD, "tcp_count no header line");
	tcp_dir_rm(d);

	d = tcp_dir(HDR, sizeof HDR - 1, HDR L6_LO "\n0: junk\n");
	is_int(tcp_count(0, 8080, d, &v), METRIC_EBAD, "tcp_count malformed tcp6");
	tcp_dir_rm(d);

	d = tcp_dir("", 0, 0);
	is_int(tcp_count(0, 8080, d, &v), 0, "tcp_count empty file");
	is_int(v, 0, "  counted");
	tcp_dir_rm(d);

	is_int(tcp_count("fe80::1%lo", 8080, 0, &v), METRIC_EBAD, "tcp_count zone id refused");
	is_int(tcp_count("", 8080, 0, &v), METRIC_EBAD, "tcp_count empty addr");
	is_int(tcp_count("[]", 8080, 0, &v), METRIC_EBAD, "tcp_count []");
	ok(tcp_count(0, 1, 0, &v) == 0 && v >= 0, "tcp_count on the real /proc/net");
}

static void
test_strerror(void)
{
	is_str(metric_strerror(METRIC_ENONE), "no number in the text", "strerror ENONE");
	is_str(metric_strerror(METRIC_ENOTFOUND), "not found", "strerror ENOTFOUND");
	is_str(metric_strerror(METRIC_EOVERFLOW), "number too large", "strerror EOVERFLOW");
	is_str(metric_strerror(METRIC_EBAD), "malformed value", "strerror EBAD");
	is_str(metric_strerror(-EACCES), strerror(EACCES), "strerror -EACCES");
	ok(METRIC_EBAD < -4095 && METRIC_ENONE < -4095, "codes clear of -errno");
}

/* ---- golden files ------------------------------------------------------------ */

static char datadir[PATH_MAX];

static size_t
slurp(const char *path, char *buf, size_t size)
{
	ssize_t got;
	size_t n = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return (size_t)-1;
	while ((got = read(fd, buf + n, size - n)) > 0)
		n += (size_t)got;
	close(fd);
	return got < 0 || n == size ? (size_t)-1 : n;
}

static int
want_parse(const char *s, long long *val)
{
	static const struct { const char *name; int code; } codes[] = {
		{ "ENONE", METRIC_ENONE }, { "ENOTFOUND", METRIC_ENOTFOUND },
		{ "EOVERFLOW", METRIC_EOVERFLOW }, { "EBAD", METRIC_EBAD },
	};
	size_t i;

	for (i = 0; i < sizeof codes / sizeof *codes; i++)
		if (!strcmp(s, codes[i].name))
			return codes[i].code;
	*val = strtoll(s, 0, 10);
	return 0;
}

static int
code_sane(int rc, long long v)
{
	return (rc == 0 && v >= 0) || rc == METRIC_ENONE || rc == METRIC_ENOTFOUND ||
	       rc == METRIC_EOVERFLOW || rc == METRIC_EBAD;
}

/* One check line: returns the code and sets *v. */
static int
golden_run(const char *name, const char *kind, char *arg, const char *in, size_t n, long long *v)
{
	char dir[PATH_MAX + 64], *sl;
	int r;

	if (!strcmp(kind, "first"))
		return metric_first_int(in, n, v);
	if (!strcmp(kind, "named"))
		return metric_named(in, n, arg, v);
	if (!strcmp(kind, "haproxy") && (sl = strchr(arg, '/'))) {
		*sl = 0;
		r = haproxy_stat_scur(in, n, arg, sl + 1, v);
		*sl = '/';
		return r;
	}
	if (!strcmp(kind, "tcp") && (sl = strrchr(arg, ' '))) {
		*sl = 0;
		snprintf(dir, sizeof dir, "%s/%s", datadir, name);
		r = tcp_count(strcmp(arg, "*") ? arg : 0, (unsigned)strtoul(sl + 1, 0, 10), dir, v);
		*sl = ' ';
		return r;
	}
	return INT_MIN;
}

/* Every prefix of in through every check of the file: sane codes only. */
static void
golden_prefixes(const char *name, const char *in, size_t n, char *exp)
{
	char *line, *save, *sep, *arg;
	size_t k, bad = 0, runs = 0;
	long long v;
	int rc;
	char copy[MAXFILE];

	for (k = 0; k <= n; k++) {
		char *p = guard_copy(in, k);

		strcpy(copy, exp);
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(0, "\n", &save)) {
			if (*line == '#' || !(sep = strstr(line, " => ")))
				continue;
			*sep = 0;
			arg = strchr(line, ' ');
			if (arg)
				*arg++ = 0;
			if (!strcmp(line, "tcp"))
				continue;
			runs++;
			v = 0;
			rc = golden_run(name, line, arg ? arg : "", p, k, &v);
			if (!code_sane(rc, v))
				bad++;
		}
	}
	ok(bad == 0, "%s: %zu prefix runs give sane codes", name, runs);
}

static void
golden_file(const char *name)
{
	static char in[MAXFILE], exp[MAXFILE];
	char path[PATH_MAX + 64], *line, *save, *sep, *arg, what[300];
	size_t n = 0, en;
	long long v, want = 0;
	int rc, wrc, tcp_skip = !little_endian();

	snprintf(path, sizeof path, "%s/%s.expected", datadir, name);
	en = slurp(path, exp, sizeof exp - 1);
	if (en == (size_t)-1) {
		ok(0, "%s.expected readable", name);
		return;
	}
	exp[en] = 0;
	snprintf(path, sizeof path, "%s/%s.in", datadir, name);
	if ((n = slurp(path, in, sizeof in)) != (size_t)-1)
		golden_prefixes(name, in, n, exp);
	else
		n = 0;
	for (line = strtok_r(exp, "\n", &save); line; line = strtok_r(0, "\n", &save)) {
		if (*line == '#')
			continue;
		if (!(sep = strstr(line, " => "))) {
			ok(0, "%s: check line \"%s\" has =>", name, line);
			continue;
		}
		*sep = 0;
		arg = strchr(line, ' ');
		if (arg)
			*arg++ = 0;
		if (!strcmp(line, "tcp") && tcp_skip) {
			printf("SKIP: t_metric: %s: tcp samples are little-endian\n", name);
			continue;
		}
		wrc = want_parse(sep + 4, &want);
		v = -42;
		rc = golden_run(name, line, arg ? arg : "", guard_copy(in, n), n, &v);
		snprintf(what, sizeof what, "%s: %s %s => %s", name, line, arg ? arg : "", sep + 4);
		if (is_int(rc, wrc, what) && wrc == 0)
			ok(v == want, "%s: value %lld", what, v);
	}
}

static int
expected_only(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 9 && !strcmp(e->d_name + n - 9, ".expected");
}

static void
test_golden(void)
{
	struct dirent **list;
	const char *top = getenv("TOP");
	int i, n;

	snprintf(datadir, sizeof datadir, "%s/tests/data/metric", top && *top ? top : ".");
	n = scandir(datadir, &list, expected_only, alphasort);
	if (!ok(n >= 10, "golden files in %s: %d", datadir, n))
		return;
	for (i = 0; i < n; i++) {
		list[i]->d_name[strlen(list[i]->d_name) - 9] = 0;
		golden_file(list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

int
main(void)
{
	tap_prog = "t_metric";
	test_first();
	test_named();
	test_haproxy();
	test_tcp_lines();
	test_tcp_count();
	test_strerror();
	test_golden();
	return tap_done();
}
