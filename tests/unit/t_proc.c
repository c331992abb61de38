/* SPDX-License-Identifier: 0BSD */
/* t_proc.c - the /proc scan behind -n NAME (proc_find) on processes this
 * test makes itself: one whose comm differs from its executable's name
 * (prctl), one started with another argv[0] (exec -a), a zombie, and the
 * kernel thread kthreadd; then, when run as root, the same seen by a
 * non-root caller, whose readlink of another user's /proc/PID/exe fails
 * with EACCES and takes the scan's other path. Each child exits when its
 * pipe closes or this test dies (PR_SET_PDEATHSIG), so none outlives it. */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/lib.h"
#include "tests/unit/tap.h"

#define NOBODY 65534

/* A child of ours: it exits when fd (our end of its pipe) is closed. */
struct kid {
	pid_t pid;
	int fd;
};

static char name_comm[32], name_argv0[32], path_argv0[64], name_zombie[32];
static char self_exe[4096], *self_base;

/* The child's side: waits for a byte or EOF on fd 0, then exits. */
static void
kid_wait(void)
{
	char c;

	while (read(0, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* Starts a child named comm (prctl), or, when argv0 is set, one that
 * re-executes this test as argv0 (comm then "exe", from /proc/self/exe).
 * Returns once it is set up; pid -1 on failure. */
static struct kid
kid_start(const char *comm, const char *argv0)
{
	struct kid k = { -1, -1 };
	int in[2], ready[2];
	char c;

	if (pipe(in) || pipe(ready))
		return k;
	k.pid = fork();
	if (k.pid == 0) {
		int fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(ready[1], 1);
		/* not one pipe end of another child: each must see its EOF */
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		if (argv0) {
			execl("/proc/self/exe", argv0, "--kid", (char *)0);
			_exit(127);
		}
		prctl(PR_SET_NAME, comm);
		if (write(1, "r", 1) != 1)
			_exit(1);
		kid_wait();
	}
	close(in[0]);
	close(ready[1]);
	k.fd = in[1];
	if (k.pid < 0 || read(ready[0], &c, 1) != 1)
		k.pid = -1;
	close(ready[0]);
	return k;
}

static void
kid_stop(struct kid *k)
{
	if (k->pid <= 0)
		return;
	close(k->fd);
	kill(k->pid, SIGKILL);
	waitpid(k->pid, 0, 0);
	k->pid = -1;
}

/* 1 when pid is among the n (<= max) processes found. */
static int
found(const struct proc_found *f, int n, int max, pid_t pid)
{
	int i;

	for (i = 0; i < n && i < max; i++)
		if (f[i].pid == pid)
			return 1;
	return 0;
}

/* 1 when name finds exactly pid, with its start time. */
static int
finds_one(const char *name, pid_t pid)
{
	struct proc_found f[4];
	struct proc_stat st;

	return proc_find(name, 0, f, 4) == 1 && f[0].pid == pid &&
	       proc_stat_read(pid, &st) == 0 && f[0].start == st.start;
}

/* 1 when the kernel thread kthreadd is PID 2 (not in every container). */
static int
have_kthreadd(void)
{
	struct proc_stat st;

	return proc_stat_read(2, &st) == 0 && !strcmp(st.comm, "kthreadd") &&
	       (st.flags & 0x00200000UL);
}

/* Under qemu-user the kids (copies of this test) are qemu to the kernel. */
#define EMU_EXE "qemu-user: an emulated process's /proc/PID/exe, cmdline and comm are not a native one's"

static void
test_names(const struct kid *c, const struct kid *a)
{
	struct proc_found f[64];	/* other tests may run copies of us */
	int n;

	ok(finds_one(name_comm, c->pid), "a comm set by prctl is found (%s)", name_comm);
	n = proc_find(self_base, 0, f, 64);
	ok_real(EMU_EXE, n >= 1 && found(f, n, 64, c->pid), "  and its executable's basename finds it");
	n = proc_find(self_exe, 0, f, 64);
	ok_real(EMU_EXE, n >= 1 && found(f, n, 64, c->pid), "  and its executable's path");
	ok_real(EMU_EXE, finds_one(name_argv0, a->pid), "an argv[0] basename is found (exec -a %s)", path_argv0);
	ok_real(EMU_EXE, finds_one(path_argv0, a->pid), "  and the whole argv[0]");
	is_int(proc_find("dbxa-", 0, f, 64), 0, "  not a prefix of it");
	n = proc_find("exe", 0, f, 64);
	ok_real(EMU_EXE, n >= 1 && found(f, n, 64, a->pid), "  and its comm ('exe', from /proc/self/exe)");
}

/* A zombie is never found: once its child exits unreaped, the name that
 * found it finds nothing. */
static void
test_zombie(struct kid *z)
{
	siginfo_t si;

	ok(finds_one(name_zombie, z->pid), "a live child is found (%s)", name_zombie);
	close(z->fd);
	z->fd = -1;
	if (!ok(waitid(P_PID, (id_t)z->pid, &si, WEXITED | WNOWAIT) == 0, "  it exits, not reaped"))
		return;
	is_int(proc_find(name_zombie, 0, (struct proc_found[4]){ { 0, 0 } }, 4), 0,
	       "  a zombie is not found");
}

static void
test_kthread(void)
{
	struct proc_found f[4];

	if (!have_kthreadd()) {
		printf("# no kthreadd as PID 2 here: kernel-thread check skipped\n");
		return;
	}
	is_int(proc_find("kthreadd", 0, f, 4), 0, "the kernel thread kthreadd is not found");
}

/* The checks of a non-root caller, in a child that drops to nobody: bit i
 * of its exit status set for check i failed. */
enum { NR_EACCES = 1, NR_COMM = 2, NR_ARGV0 = 4, NR_ARGV0_PATH = 8, NR_KTHREAD = 16,
       NR_ZOMBIE = 32, NR_SETUID = 64 };

static int
nonroot_checks(const struct kid *c, const struct kid *a)
{
	struct proc_found f[4];
	char path[64], buf[4096];
	int bad = 0;

	if (setgroups(0, 0) || setgid(NOBODY) || setuid(NOBODY))
		return NR_SETUID;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)c->pid);
	if (readlink(path, buf, sizeof(buf)) != -1 || errno != EACCES)
		bad |= NR_EACCES;
	if (!finds_one(name_comm, c->pid))
		bad |= NR_COMM;
	if (!finds_one(name_argv0, a->pid))
		bad |= NR_ARGV0;
	if (!finds_one(path_argv0, a->pid))
		bad |= NR_ARGV0_PATH;
	if (have_kthreadd() && proc_find("kthreadd", 0, f, 4) != 0)
		bad |= NR_KTHREAD;
	if (proc_find(name_zombie, 0, f, 4) != 0)
		bad |= NR_ZOMBIE;
	return bad;
}

static void
test_nonroot(const struct kid *c, const struct kid *a)
{
	int st = 0, bad;
	pid_t pid;

	if (getuid() != 0) {
		printf("# not root: the scan above already ran as a non-root caller\n");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(nonroot_checks(c, a));
	if (!ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st), "as nobody: the checks ran"))
		return;
	bad = WEXITSTATUS(st);
	if (!ok(!(bad & NR_SETUID), "as nobody: dropped to uid %d", NOBODY))
		return;
	ok(!(bad & NR_EACCES), "as nobody: root's /proc/PID/exe reads EACCES");
	ok(!(bad & NR_COMM), "as nobody: a root process found by its comm");
	ok_real(EMU_EXE, !(bad & NR_ARGV0), "as nobody: one found by its argv[0] basename");
	ok_real(EMU_EXE, !(bad & NR_ARGV0_PATH), "as nobody: and by its whole argv[0]");
	ok(!(bad & NR_KTHREAD), "as nobody: kthreadd not found");
	ok(!(bad & NR_ZOMBIE), "as nobody: a root zombie not found");
}

int
main(int argc, char **argv)
{
	struct kid c, a, z;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "--kid")) {
		if (write(1, "r", 1) != 1)
			return 1;
		kid_wait();
	}
	tap_prog = "t_proc";
	alarm(60);	/* a bound, should a child never exit */
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (!ok(n > 0, "own /proc/self/exe reads"))
		return tap_done();
	self_exe[n] = 0;
	self_base = strrchr(self_exe, '/') ? strrchr(self_exe, '/') + 1 : self_exe;
	snprintf(name_comm, sizeof(name_comm), "dbxc-%d", (int)getpid());
	snprintf(name_argv0, sizeof(name_argv0), "dbxa-%d", (int)getpid());
	snprintf(path_argv0, sizeof(path_argv0), "/nonexistent/%s", name_argv0);
	snprintf(name_zombie, sizeof(name_zombie), "dbxz-%d", (int)getpid());
	c = kid_start(name_comm, 0);
	a = kid_start(0, path_argv0);
	z = kid_start(name_zombie, 0);
	if (ok(c.pid > 0 && a.pid > 0 && z.pid > 0, "children started")) {
		test_names(&c, &a);
		test_zombie(&z);
		test_kthread();
		test_nonroot(&c, &a);
	}
	kid_stop(&c);
	kid_stop(&a);
	kid_stop(&z);
	return tap_done();
}
