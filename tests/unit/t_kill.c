/* SPDX-License-Identifier: 0BSD */
/* t_kill.c - the kill step's parsers: the --retry schedule, signal names,
 * /proc/PID/stat lines (hostile comms included, every prefix fed from a
 * guard-paged buffer), pidfile text; and the live /proc readers on our own
 * process. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lib.h"
#include "tests/unit/tap.h"

static void
sched_ok(const char *text, const char *want_text, int n, int repeat,
	 const int *sig, const long long *ms)
{
	struct kill_sched s;
	const char *why = 0;
	int i, same;

	if (!ok(kill_sched_parse(&s, text, &why) == 0, "schedule '%s' parses", text)) {
		printf("#   %s\n", why ? why : "(no reason)");
		return;
	}
	is_str(s.text, want_text, "  its text");
	is_int(s.n, n, "  its length");
	is_int(s.repeat, repeat, "  its forever point");
	same = s.n == n;
	for (i = 0; same && i < n; i++)
		same = s.step[i].sig == sig[i] && s.step[i].ms == ms[i];
	ok(same, "  its steps");
}

static void
sched_bad(const char *text)
{
	struct kill_sched s;
	const char *why = 0;
	int r = kill_sched_parse(&s, text, &why);

	ok(r == -1 && why && *why, "schedule '%s' is refused (%s)", text, why ? why : "-");
}

static void
test_sched(void)
{
	static const int s1[] = { SIGTERM, 0, SIGKILL, 0 };
	static const long long m1[] = { 0, 10000, 0, 5000 };
	static const long long m2[] = { 0, 7000, 0, 7000 };
	static const long long m3[] = { 0, 500, 0, 1500 };
	static const int s4[] = { SIGHUP, 0, SIGUSR2, 0, SIGKILL, 0 };
	static const long long m4[] = { 0, 1000, 0, 2000, 0, 3000 };
	static const int s5[] = { SIGTERM, 0, SIGKILL, 0 };
	static const long long m5[] = { 0, 5000, 0, 1000 };
	static const long long m6[] = { 0, 250, 0, 250 };

	sched_ok("TERM/10/KILL/5", "TERM/10/KILL/5", 4, -1, s1, m1);
	sched_ok("SIGTERM/10/SIGKILL/5", "SIGTERM/10/SIGKILL/5", 4, -1, s1, m1);
	sched_ok("-TERM/10/-9/5", "-TERM/10/-9/5", 4, -1, s1, m1);
	sched_ok("-15/10s/KILL/5000ms", "-15/10s/KILL/5000ms", 4, -1, s1, m1);
	sched_ok("7", "TERM/7/KILL/7", 4, -1, s1, m2);
	sched_ok("250ms", "TERM/250ms/KILL/250ms", 4, -1, s1, m6);
	sched_ok("TERM/500ms/KILL/1.5", "TERM/500ms/KILL/1.5", 4, -1, s1, m3);
	sched_ok("HUP/1/-USR2/2/SIGKILL/3", "HUP/1/-USR2/2/SIGKILL/3", 6, -1, s4, m4);
	sched_ok("TERM/5/forever/KILL/1", "TERM/5/forever/KILL/1", 4, 2, s5, m5);
	sched_ok(KILL_SCHED_DEFAULT, "TERM/10/KILL/5", 4, -1, s1, m1);

	sched_bad("");
	sched_bad("/");
	sched_bad("TERM//5");
	sched_bad("TERM/5/");
	sched_bad("/TERM/5");
	sched_bad("TERM/x");
	sched_bad("FOO/5");
	sched_bad("SIG/5");
	sched_bad("-/5");
	sched_bad("-0/5");
	sched_bad("-65/5");
	sched_bad("TERM/5x");
	sched_bad("TERM/1.0001");
	sched_bad("5/5");
	sched_bad("forever");
	sched_bad("TERM/forever");
	sched_bad("TERM/forever/KILL");
	sched_bad("TERM");
	sched_bad("TERM/5/KILL");
	sched_bad("-9");
	sched_bad("TERM/forever/KILL/0");
	sched_bad("TERM/forever/5/forever/5");
	sched_bad("-5s");
	sched_bad("5 ");
	sched_bad("10x");
	sched_bad("000000000000000000000000000000001");
	sched_bad("99999999999999999999");
	sched_bad("TERM/1/TERM/1/TERM/1/TERM/1/TERM/1/TERM/1/TERM/1/TERM/1/TERM");
	sched_bad("TERM/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void
test_signals(void)
{
	char buf[32];

	is_int(kill_sig_parse("TERM"), SIGTERM, "signal TERM");
	is_int(kill_sig_parse("SIGTERM"), SIGTERM, "signal SIGTERM");
	is_int(kill_sig_parse("term"), -1, "signal term refused (capitals)");
	is_int(kill_sig_parse("9"), SIGKILL, "signal 9");
	is_int(kill_sig_parse("64"), 64, "signal 64");
	is_int(kill_sig_parse("65"), -1, "signal 65 refused");
	is_int(kill_sig_parse("0"), -1, "signal 0 refused");
	is_int(kill_sig_parse("SIG9"), -1, "SIG9 refused");
	is_int(kill_sig_parse("TERMX"), -1, "TERMX refused");
	is_int(kill_sig_parse(""), -1, "empty signal refused");
	is_str(kill_sig_name(SIGKILL, buf, sizeof(buf)), "SIGKILL", "name of 9");
	is_str(kill_sig_name(40, buf, sizeof(buf)), "signal 40", "name of 40");
	is_int(kill_sig_parse("HUP"), SIGHUP, "signal HUP (the first named)");
	is_int(kill_sig_parse("SYS"), SIGSYS, "signal SYS (the last named)");
	is_int(kill_sig_parse("VTALRM"), SIGVTALRM, "signal VTALRM");
	is_int(kill_sig_parse("SIG"), -1, "SIG alone refused");
	is_int(kill_sig_parse("STKFLT"), -1, "STKFLT has no name here");
	is_str(kill_sig_name(16, buf, sizeof(buf)), "signal 16", "name of 16");
	is_str(kill_sig_name(SIGSYS, buf, sizeof(buf)), "SIGSYS", "name of SYS");
	is_str(kill_sig_name(SIGCHLD, buf, sizeof(buf)), "SIGCHLD", "name of CHLD");
}

/* Every prefix of line must be refused or parse without a fault (the
 * guard page catches a read past the end); the whole line must parse. */
static int
stat_parse_all(const char *line, struct proc_stat *st)
{
	size_t n = strlen(line), i;
	struct proc_stat tmp;
	int whole_ok = 1;

	for (i = 0; i < n; i++) {
		const char *p = guard_copy(line, i);
		/* a prefix cut inside field 22 can parse, with a shorter number */
		(void)proc_stat_parse(p, i, &tmp);
	}
	whole_ok = proc_stat_parse(guard_copy(line, n), n, st) == 0;
	return whole_ok;
}

static void
stat_ok(const char *line, const char *comm, char state, int ppid, unsigned long long start)
{
	struct proc_stat st;

	memset(&st, 0, sizeof(st));
	if (!ok(stat_parse_all(line, &st), "stat line of PID %d parses", atoi(line)))
		return;
	is_str(st.comm, comm, "  comm");
	is_int(st.state, state, "  state");
	is_int(st.ppid, ppid, "  ppid");
	ok(st.start == start, "  start time %llu", st.start);
}

static void
stat_bad(const char *line, const char *what)
{
	struct proc_stat st;
	const char *p = guard_copy(line, strlen(line));

	ok(proc_stat_parse(p, strlen(line), &st) == -1, "stat refused: %s", what);
}

#define TAIL " 0 0 0 0 0 0 0 0 20 0 1 0 "

static void
test_stat(void)
{
	stat_ok("1234 (hhvm) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 12345 67\n",
		"hhvm", 'S', 1, 987654);
	stat_ok("7 (a) b (c) R 2 7 7 0 -1 0" TAIL "42 1 2\n", "a) b (c", 'R', 2, 42);
	stat_ok("8 (a) b (c) Z 3 0 0 0 -1 0" TAIL "43\n", "a) b (c", 'Z', 3, 43);
	stat_ok("9 ()) S 1 0 0 0 -1 0" TAIL "44", ")", 'S', 1, 44);
	stat_ok("10 (x y) S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 -100 -20 1 0 45 0",
		"x y", 'S', 1, 45);
	stat_ok("11 (\x1b[31mred\n) S 1 0 0 0 -1 0" TAIL "46 0", "?[31mred?", 'S', 1, 46);
	stat_ok("12 (() S 1 0 0 0 -1 0" TAIL "18446744073709551615 0", "(", 'S', 1,
		18446744073709551615ULL);

	stat_bad("", "empty");
	stat_bad("1234 hhvm S 1", "no parentheses");
	stat_bad("1234 (hhvm S 1 0 0 0 -1 0" TAIL "42", "no ')'");
	stat_bad("1234 (hhvm) S 1 0 0 0 -1 0", "cut before field 22");
	stat_bad("1234 (hhvm) S 1 0 0 0 -1 0" TAIL, "field 22 missing");
	stat_bad("1234 (hhvm) S 1 0 0 0 -1 0" TAIL "x", "field 22 not a number");
	stat_bad("1234 (hhvm) S 1 0 0 0 -1 0" TAIL "-5", "field 22 negative");
	stat_bad("1234 (hhvm) S 1 0 0 0 -1 0" TAIL "18446744073709551616", "field 22 overflows");
	stat_bad("1234 (hhvm) S x 0 0 0 -1 0" TAIL "1", "ppid not a number");
	stat_bad("1234 (hhvm) S 99999999 0 0 0 -1 0" TAIL "1", "ppid too big");
	stat_bad("1234 (hhvm)  S 1 0 0 0 -1 0" TAIL "1", "two blanks");
	stat_bad("1234 (hhvm) 1 1 0 0 0 -1 0" TAIL "1", "state not a letter");
	stat_bad("(hhvm) S 1 0 0 0 -1 0" TAIL "1", "no PID");
	stat_bad("12x4 (hhvm) S 1 0 0 0 -1 0" TAIL "1", "PID not a number");
}

static void
pid_ok(const char *text, int want)
{
	pid_t pid = 0;
	const char *p = guard_copy(text, strlen(text));

	ok(proc_pid_parse(p, strlen(text), &pid) == 0 && pid == want, "pid text for %d", want);
}

static void
pid_bad_n(const char *text, size_t n, const char *what)
{
	pid_t pid = 0;
	const char *p = guard_copy(text, n);

	ok(proc_pid_parse(p, n, &pid) == -1, "pid text refused: %s", what);
}

/* text is a literal: its length counts any NUL in it */
#define pid_bad(text, what) pid_bad_n(text, sizeof(text) - 1, what)

static void
test_pid(void)
{
	pid_ok("1234", 1234);
	pid_ok("1234\n", 1234);
	pid_ok("  1234 \r\n", 1234);
	pid_ok("4194304", 4194304);
	pid_bad("", "empty");
	pid_bad("\n", "a newline");
	pid_bad("0", "zero");
	pid_bad("-5", "negative");
	pid_bad("+5", "a plus");
	pid_bad("4194305", "above PID_MAX_LIMIT");
	pid_bad("99999999999999999999999", "huge");
	pid_bad("12 34", "two numbers");
	pid_bad("12abc", "garbage after");
	pid_bad("0x10", "hex");
	pid_bad("\0" "12", "a NUL first");
	pid_bad("12\0", "a NUL after");
}

/* Our own process through the live readers. */
static void
test_live(void)
{
	struct proc_stat st;
	struct proc_found f[4];
	struct pidfd_proc p;

	if (tap_emulator()) {
		tap_skip("qemu-user makes up a process's own /proc/PID/stat and exe",
			 "own /proc/PID/stat, name and pidfd");
		return;
	}
	if (!ok(proc_stat_read(getpid(), &st) == 0, "own /proc/PID/stat reads"))
		return;
	is_int(st.ppid, getppid(), "  own ppid");
	ok(st.start > 0, "  own start time");
	ok(proc_called(getpid(), "t_kill"), "own name matches t_kill");
	ok(!proc_called(getpid(), "t_kil"), "own name does not match t_kil");
	ok(!proc_called(getpid(), ""), "nor the empty name");
	{
		char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = 0;
		ok(n > 0 && proc_called(getpid(), exe), "own exe path matches");
	}
	is_int(proc_find("t_kill", 0, f, 4), 0, "proc_find skips itself");
	ok(proc_stat_read(PROC_PID_MAX, &st) == -1, "PID_MAX_LIMIT has no stat");
	is_int(pidfd_attach(&p, getppid(), 0), 0, "attach to our parent");
	is_int(p.pid, getppid(), "  its pid");
	pidfd_detach(&p);
	is_int(pidfd_attach(&p, getppid(), 1), PIDFD_NONE, "another start time: not it");
}

static void
cg_is(const char *text, int want, int v2, const char *path, const char *what)
{
	struct proc_cg cg;
	int r = proc_cg_parse(text, &cg);

	if (!ok(r == want, "cgroup: %s (got %d)", what, r) || r != 1)
		return;
	is_int(cg.v2, v2, v2 ? "  from the v2 line" : "  from the name=systemd line");
	is_str(cg.path, path, "  the service's cgroup");
}

/* Which cgroup is our service's: v2, v1 (legacy) and hybrid hosts. */
static void
test_cgroup(void)
{
	char longer[700];

	cg_is("0::/system.slice/app.service\n", 1, 1, "/system.slice/app.service", "v2");
	cg_is("0::/system.slice/app.service/.control\n", 1, 1, "/system.slice/app.service",
	      "v2, a delegated unit's control group");
	cg_is("0::/user.slice/user-1000.slice/user@1000.service/app.slice/web.service\n", 1, 1,
	      "/user.slice/user-1000.slice/user@1000.service/app.slice/web.service",
	      "a user service: the deepest .service");
	cg_is("0::/user.slice/user-1000.slice/session-3.scope\n", 0, 0, 0, "a login session: none");
	cg_is("0::/\n", 0, 0, 0, "v2 root: none");
	cg_is("0::/system.slice/x.services\n", 0, 0, 0, "not a .service component");
	cg_is("12:pids:/system.slice/app.service\n1:name=systemd:/system.slice/app.service\n",
	      1, 0, "/system.slice/app.service", "legacy v1: name=systemd");
	cg_is("1:name=systemd:/system.slice/app.service\n0::/\n", 1, 0,
	      "/system.slice/app.service", "hybrid, v2 at the root: name=systemd");
	cg_is("1:name=systemd:/\n0::/system.slice/app.service\n", 1, 1,
	      "/system.slice/app.service", "hybrid: the v2 line first");
	cg_is("1:name=systemdx:/a.service\n10::/b.service\n", 0, 0, 0, "look-alike lines: none");
	cg_is("", 0, 0, 0, "empty: none");
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "0::/", 4);
	strcpy(longer + sizeof(longer) - 9, ".service");
	cg_is(longer, -1, 0, 0, "a path too long");
}

/* Who a process is: /proc itself, ids, the executable, the cgroup. */
static void
test_ident(void)
{
	struct proc_ids ids;
	struct proc_stat st;
	struct proc_cg cg;
	struct stat me, other;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	is_int(proc_mounted(), 0, "/proc is procfs");
	if (!ok(proc_ids_read(getpid(), &ids) == 0, "own status reads"))
		return;
	is_int(ids.tgid, getpid(), "  own tgid is own pid");
	is_int((int)ids.euid, (int)geteuid(), "  own effective uid");
	ok(proc_ids_read(PROC_PID_MAX, &ids) == -1, "PID_MAX_LIMIT has no status");
	ok(!proc_kthread(getpid(), &st), "we are no kernel thread");
	ok_real("qemu-user: the /proc/PID/exe of an emulated process is qemu's",
		stat(exe, &me) == 0 && proc_exe_is(getpid(), exe, &me), "own exe by inode");
	ok(stat("/proc/self/cgroup", &other) == 0 && !proc_exe_is(getpid(), exe, &other),
	   "  another file's inode is not it");
	ok(proc_cg_self(&cg) >= 0, "own cgroup reads");
	if (proc_cg_self(&cg) == 1)
		ok(proc_in_cg(getpid(), &cg), "  we are in our own service's cgroup");
}

int
main(void)
{
	tap_prog = "t_kill";
	test_cgroup();
	test_ident();
	test_sched();
	test_signals();
	test_stat();
	test_pid();
	test_live();
	return tap_done();
}
