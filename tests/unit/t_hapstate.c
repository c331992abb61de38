/* SPDX-License-Identifier: 0BSD */
/* t_hapstate.c - the reader of HAProxy's `show servers state` answer
 * (net/haproxy.c): a real HAProxy 2.6 dump, columns found by name, "#ID"
 * names, every error answer HAProxy gives, truncations and garbage. Each
 * input is read from a guard-paged copy of exactly its length, whole and
 * cut at every byte (a cut answer must never yield a server that the
 * whole one does not hold). Also haproxy_cmd's buffer bound, and
 * hap_target_parse (SOCKET,BACKEND/SERVER). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include <errno.h>

#include "net/net.h"
#include "tests/unit/tap.h"

/* HAProxy 2.6.12, backend "be": srv1 drained, srv2 `disabled` in the
 * configuration, s-3 down in MAINT-less state, then the blank line. */
static const char real[] =
	"1\n"
	"# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state "
	"srv_uweight srv_iweight srv_time_since_last_change srv_check_status "
	"srv_check_result srv_check_health srv_check_state srv_agent_state "
	"bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl "
	"srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n"
	"2 be 1 srv1 127.0.0.1 2 8 1 1 1 1 0 2 0 0 0 0 - 1 - 0 0 - - 0\n"
	"2 be 2 srv2 127.0.0.1 0 5 1 1 1 1 0 0 8 0 0 0 - 2 - 0 0 - - 0\n"
	"2 be 3 s-3 127.0.0.1 0 0 1 1 1 8 2 0 6 0 0 0 - 3 - 0 0 - - 0\n"
	"\n";

static int
slice_is(const char *s, size_t n, const char *want)
{
	return strlen(want) == n && !memcmp(s, want, n);
}

/* Walks an answer; returns the number of servers, or -1 (begin failed) or
 * -2 (a line was malformed). The names joined with ',' into names. */
static int
walk(const char *buf, size_t len, char *names, size_t size)
{
	struct hap_state it;
	struct hap_server s;
	size_t o = 0;
	int n = 0, r;

	names[0] = 0;
	if (hap_state_begin(&it, buf, len) < 0)
		return -1;
	while ((r = hap_state_next(&it, &s)) > 0) {
		o += (size_t)snprintf(names + o, size - o, "%s%.*s:%d:%u", n ? "," : "",
				      (int)s.namelen, s.name, s.op_state, s.admin);
		if (o >= size)
			o = size - 1;
		n++;
	}
	return r < 0 ? -2 : n;
}

static void
test_real(void)
{
	struct hap_server s;
	char names[256];
	const char *g = guard_copy(real, sizeof(real) - 1);

	is_int(walk(g, sizeof(real) - 1, names, sizeof(names)), 3, "real dump: 3 servers");
	is_str(names, "srv1:2:8,srv2:0:5,s-3:0:0", "real dump: names, op and admin states");
	is_int(hap_state_find(g, sizeof(real) - 1, "be", "srv2", &s), 1, "find be/srv2");
	ok(s.admin & HAP_ADMIN_MAINT, "srv2 (disabled in the config) is in MAINT");
	ok(slice_is(s.be, s.belen, "be") && s.be_id == 2 && s.srv_id == 2, "be/srv2: ids");
	is_int(hap_state_find(g, sizeof(real) - 1, "be", "srv1", &s), 1, "find be/srv1");
	ok((s.admin & HAP_ADMIN_DRAIN) && !(s.admin & HAP_ADMIN_MAINT), "srv1 drains");
	is_int(hap_state_find(g, sizeof(real) - 1, "#2", "#3", &s), 1, "find #2/#3");
	ok(slice_is(s.name, s.namelen, "s-3"), "#2/#3 is s-3");
	is_int(hap_state_find(g, sizeof(real) - 1, "be", "srv", &s), 0, "a name's prefix is not it");
	is_int(hap_state_find(g, sizeof(real) - 1, "other", "srv1", &s), 0, "another backend");
	is_int(hap_state_find(g, sizeof(real) - 1, "be", "#9", &s), 0, "no server #9");
}

/* Every prefix of the real dump: before the header's end, begin fails;
 * after it, a prefix that ends at a line's end gives exactly the servers
 * whose lines it holds, and one that ends inside a line reports it bad. */
static void
test_prefixes(void)
{
	const char *hdr = strchr(strchr(real, '\n') + 1, '\n') + 1;
	size_t h = (size_t)(hdr - real), n, i, bad = 0;
	char names[256];
	int r, lines, want;

	for (n = 0; n < sizeof(real) - 1; n++) {
		r = walk(guard_copy(real, n), n, names, sizeof(names));
		for (lines = 0, i = h; i < n; i++)
			lines += real[i] == '\n';
		want = n < h ? -1 : (n == h || real[n - 1] == '\n') ? lines : -2;
		if (r != want) {
			printf("#   prefix %zu: got %d, want %d\n", n, r, want);
			bad++;
		}
	}
	is_int((long long)bad, 0, "every prefix: only the whole lines count");
}

struct errcase {
	const char *in;
	int want;	/* walk(): servers, -1 begin fails, -2 a bad line */
	const char *what;
};

static const struct errcase cases[] = {
	{ "", -1, "empty" },
	{ "\n", -1, "a bare newline (the answer to a set command)" },
	{ "Can't find backend.\n\n", -1, "unknown backend" },
	{ "Permission denied\n\n", -1, "permission denied" },
	{ "Unknown command: 'show servers state', but maybe one of the following:\n", -1,
	  "an old HAProxy" },
	{ "2\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n\n", -1,
	  "another format version" },
	{ "1\n", -1, "version line only" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state\n\n", -1,
	  "no srv_admin_state column" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state", -1,
	  "header without its newline" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n\n", 0,
	  "no server" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n", 0,
	  "no server, no blank line" },
	{ "1\n# srv_admin_state srv_op_state srv_name srv_id be_name be_id\n1 2 s 4 b 6\n\n",
	  1, "columns in another order" },
	{ "1 \r\n#\tbe_id be_name srv_id srv_name srv_op_state srv_admin_state\r\n"
	  "3  be\t1 s 2 1\r\n\r\n", 1, "CRs, tabs and double blanks" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s 2 1", -2,
	  "last line cut (no newline)" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s 2\n\n", -2,
	  "a field missing" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s 4 0\n\n", -2,
	  "op state 4" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s 2 -1\n\n", -2,
	  "negative admin state" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s 2 0x8\n\n", -2,
	  "hex admin state" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s 2 99999999999\n\n",
	  -2, "admin state too long" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n# a comment\n"
	  "3 be 1 s 2 8\n\n3 be 2 t 2 0\n", 1, "a comment skipped; the blank line ends it" },
	{ "1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n3 be 1 s\0x 2 8\n\n",
	  1, "a NUL inside a name" },
};

static void
test_cases(void)
{
	char names[256];
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].in);
		if (!strcmp(cases[i].what, "a NUL inside a name"))
			len = sizeof("1\n# be_id be_name srv_id srv_name srv_op_state "
				     "srv_admin_state\n3 be 1 s\0x 2 8\n\n") - 1;
		is_int(walk(guard_copy(cases[i].in, len), len, names, sizeof(names)),
		       cases[i].want, cases[i].what);
	}
}

/* The iterator ends for good: after 0 or -1, the next call says the same
 * without reading. */
static void
test_end(void)
{
	static const char two[] =
		"1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n"
		"3 be 1 a 2 0\n3 be 2 b 2 1\n\n";
	struct hap_state it;
	struct hap_server s;
	const char *g = guard_copy(two, sizeof(two) - 1);

	is_int(hap_state_begin(&it, g, sizeof(two) - 1), 0, "begin");
	is_int(hap_state_next(&it, &s), 1, "first");
	is_int(hap_state_next(&it, &s), 1, "second");
	ok(slice_is(s.name, s.namelen, "b") && s.admin == 1 && s.op_state == HAP_OP_RUNNING,
	   "second is b, running, MAINT");
	is_int(hap_state_next(&it, &s), 0, "then the end");
	is_int(hap_state_next(&it, &s), 0, "and the end again");

	static const char bad[] =
		"1\n# be_id be_name srv_id srv_name srv_op_state srv_admin_state\n"
		"3 be 1 a 9 0\n3 be 2 b 2 1\n\n";
	g = guard_copy(bad, sizeof(bad) - 1);
	is_int(hap_state_begin(&it, g, sizeof(bad) - 1), 0, "begin (a bad line first)");
	is_int(hap_state_next(&it, &s), -1, "the bad line");
	is_int(hap_state_next(&it, &s), 0, "no server after a bad line");
}

/* ---- haproxy_state_walk against a socket that answers a byte at a time -- */

/* A child listening on path: for each of n connections, reads the command,
 * then writes ans[0..len) in pieces of `step` bytes, 0.1 ms apart. */
static pid_t
serve(const char *path, const char *ans, size_t len, size_t step, int n)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct timespec ts = { 0, 100000 };
	char cmd[256];
	size_t o, k;
	int fd, c;
	pid_t pid;

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0 || listen(fd, 4) < 0)
		return -1;
	if ((pid = fork()) != 0) {
		close(fd);
		return pid;
	}
	while (n-- > 0 && (c = accept(fd, 0, 0)) >= 0) {
		if (read(c, cmd, sizeof(cmd)) < 0)
			_exit(1);
		for (o = 0; o < len; o += k) {
			k = len - o < step ? len - o : step;
			if (write(c, ans + o, k) != (ssize_t)k)
				break;
			nanosleep(&ts, 0);
		}
		close(c);
	}
	_exit(0);
}

struct seen {
	int n;
	char names[256];
};

static int
seen_add(void *arg, const struct hap_server *s)
{
	struct seen *v = arg;
	size_t o = strlen(v->names);

	snprintf(v->names + o, sizeof(v->names) - o, "%s%.*s:%u", v->n++ ? "," : "",
		 (int)s->namelen, s->name, s->admin);
	return 0;
}

static int
seen_stop(void *arg, const struct hap_server *s)
{
	(void)s;
	return ++*(int *)arg == 2 ? -77 : 0;
}

static int
walk_once(const char *ans, size_t len, size_t step, size_t bufsize, struct seen *v,
	  char *buf)
{
	char path[64];
	struct deadline dl = deadline_in(5000);
	pid_t pid;
	int r;

	snprintf(path, sizeof(path), "/tmp/t_hapstate.%d.sock", (int)getpid());
	memset(v, 0, sizeof(*v));
	if ((pid = serve(path, ans, len, step, 1)) < 0)
		return -999;
	r = haproxy_state_walk(path, "be", buf, bufsize, &dl, seen_add, v);
	waitpid(pid, 0, 0);
	unlink(path);
	return r;
}

static void
test_walk(void)
{
	static const char err[] = "Can't find backend.\n\n";
	static const char cut[] = "1\n# be_id be_name srv_id srv_name srv_op_state "
				  "srv_admin_state\n3 be 1 a 2 0\n3 be 2 b";
	char buf[4096], path[64];
	struct deadline dl;
	struct seen v;
	int r, count = 0;
	pid_t pid;

	is_int(walk_once(real, sizeof(real) - 1, 1, sizeof(buf), &v, buf), 0,
	       "walk, a byte at a time: to the end");
	is_str(v.names, "srv1:8,srv2:5,s-3:0", "walk, a byte at a time: each server once");
	is_int(walk_once(real, sizeof(real) - 1, 7, 400, &v, buf), 0,
	       "walk, 7 bytes at a time, a 400-byte buffer");
	is_int(v.n, 3, "walk, 400-byte buffer: 3 servers");
	is_int(walk_once(real, sizeof(real) - 1, 64, 100, &v, buf), NET_EHAPROXY,
	       "walk: a header longer than the buffer is NET_EHAPROXY");
	is_int(walk_once(err, sizeof(err) - 1, 3, sizeof(buf), &v, buf), NET_EHASTATE,
	       "walk: an error answer is NET_EHASTATE");
	is_str(buf, "Can't find backend.\n\n", "walk: ... and buf holds its text");
	is_int(walk_once(cut, sizeof(cut) - 1, 5, sizeof(buf), &v, buf), NET_EHASTATE,
	       "walk: a dump cut in a line is NET_EHASTATE");
	ok(v.n == 1 && !buf[0], "walk: ... after the whole lines, buf empty");
	is_int(walk_once(real, sizeof(real) - 2, 50, sizeof(buf), &v, buf), NET_EHASTATE,
	       "walk: a dump without its blank line is NET_EHASTATE");
	is_int(walk_once("", 0, 1, sizeof(buf), &v, buf), NET_EHAEMPTY,
	       "walk: no byte of answer is NET_EHAEMPTY");

	snprintf(path, sizeof(path), "/tmp/t_hapstate.%d.sock", (int)getpid());
	dl = deadline_in(5000);
	pid = serve(path, real, sizeof(real) - 1, 1000, 1);
	r = haproxy_state_walk(path, "be", buf, sizeof(buf), &dl, seen_stop, &count);
	waitpid(pid, 0, 0);
	unlink(path);
	ok(r == -77 && count == 2, "walk: fn's negative value stops it and is returned");
	dl = deadline_in(1000);
	is_int(haproxy_state_walk(path, "be;x", buf, sizeof(buf), &dl, seen_add, &v), -EINVAL,
	       "walk: a backend with ';' is refused");
}

/* ---- haproxy_cmd: an answer that fits exactly, one byte too long ------- */

static int
cmd_once(const char *ans, size_t step, char *buf, size_t bufsize)
{
	char path[64];
	struct deadline dl = deadline_in(5000);
	pid_t pid;
	int r;

	snprintf(path, sizeof(path), "/tmp/t_hapstate.%d.sock", (int)getpid());
	if ((pid = serve(path, ans, strlen(ans), step, 1)) < 0)
		return -999;
	r = haproxy_cmd(path, "show info", buf, bufsize, &dl);
	waitpid(pid, 0, 0);
	unlink(path);
	return r;
}

static void
test_cmd(void)
{
	char buf[16];
	struct deadline dl = deadline_in(1000);

	is_int(cmd_once("0123456789abcd\n", 1, buf, sizeof(buf)), 15,
	       "cmd: an answer of size - 1 bytes, a byte at a time, fits");
	is_str(buf, "0123456789abcd\n", "cmd: ... whole and NUL-terminated");
	is_int(cmd_once("0123456789abcd\n", 64, buf, sizeof(buf)), 15,
	       "cmd: ... and in one piece");
	is_int(cmd_once("0123456789abcde\n", 1, buf, sizeof(buf)), NET_EHAPROXY,
	       "cmd: one byte more, a byte at a time, is NET_EHAPROXY");
	is_int(cmd_once("0123456789abcde\n", 64, buf, sizeof(buf)), NET_EHAPROXY,
	       "cmd: ... and in one piece");
	is_int(cmd_once("\n", 1, buf, sizeof(buf)), 1, "cmd: a bare newline is an answer");
	is_int(cmd_once("", 1, buf, sizeof(buf)), NET_EHAEMPTY,
	       "cmd: no byte of answer is NET_EHAEMPTY");
	is_int(haproxy_cmd("/nonexistent", "show info;shutdown", buf, sizeof(buf), &dl),
	       -EINVAL, "cmd: a command with ';' is refused before connecting");
}

static void
test_target(void)
{
	static const char *const bad[][2] = {
		{ "/run/h.sock", "want SOCKET,BACKEND/SERVER" },
		{ ",be/srv", "want SOCKET,BACKEND/SERVER" },
		{ "/run/h.sock,", "want SOCKET,BACKEND/SERVER" },
		{ "/run/h.sock,srv", "want SOCKET,BACKEND/SERVER" },
		{ "/run/h.sock,/srv", "want SOCKET,BACKEND/SERVER" },
		{ "/run/h.sock,be/", "want SOCKET,BACKEND/SERVER" },
		{ "/run/h.sock,be/s/t", "want SOCKET,BACKEND/SERVER" },
		{ "/run/h.sock,be/s;t", "bad character in BACKEND/SERVER" },
		{ "/run/h.sock,be/s t", "bad character in BACKEND/SERVER" },
		{ "/run/h.sock,be/s\n", "bad character in BACKEND/SERVER" },
		{ "/run/h.sock,b\xc3\xa9/s", "bad character in BACKEND/SERVER" },
	};
	struct hap_target t;
	char spec[HAP_MAX_SPEC + 2], arg[HAP_MAX_SPEC + HAP_MAX_NAME + 8];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_str(hap_target_parse(&t, bad[i][0]), bad[i][1], bad[i][0]);
	ok(!hap_target_parse(&t, "127.0.0.1:9999,web,x/#2"), "target: the last comma splits");
	is_str(t.spec, "127.0.0.1:9999,web", "target: SOCKET");
	is_str(t.server, "x/#2", "target: BACKEND/SERVER");
	is_str(t.be, "x", "target: BACKEND");
	is_str(t.srv, "#2", "target: SERVER");
	ok(!hap_target_parse(&t, "/s,A-z_0.9:/b"), "target: HAProxy's name characters");
	/* the longest SOCKET and names fit, one byte more does not */
	memset(spec, 'p', HAP_MAX_SPEC);
	spec[HAP_MAX_SPEC] = 0;
	snprintf(arg, sizeof(arg), "%s,%0*d/s", spec, HAP_MAX_NAME - 2, 0);
	ok(!hap_target_parse(&t, arg) && strlen(t.spec) == HAP_MAX_SPEC &&
	   strlen(t.server) == HAP_MAX_NAME, "target: the longest fits");
	snprintf(arg, sizeof(arg), "p%s,b/s", spec);
	is_str(hap_target_parse(&t, arg), "too long", "target: SOCKET one byte over");
	snprintf(arg, sizeof(arg), "s,%0*d/s", HAP_MAX_NAME - 1, 0);
	is_str(hap_target_parse(&t, arg), "too long", "target: BACKEND/SERVER one byte over");
}

int
main(void)
{
	tap_prog = "t_hapstate";
	test_real();
	test_prefixes();
	test_cases();
	test_end();
	signal(SIGPIPE, SIG_IGN);
	test_walk();
	test_cmd();
	test_target();
	return tap_done();
}
