/* SPDX-License-Identifier: 0BSD */
/* kill.c - the kill step shared by pidkill and drain: the kill option
 * group, the start-stop-daemon --retry schedule (TERM/10/KILL/5), finding
 * who to stop (PIDs, a pidfile, a name, $MAINPID), narrowing it (--user,
 * --exec, the systemd unit's cgroup), the refusals (PID 1, ourselves, our
 * parent, thread IDs, kernel threads), and running the schedule on every
 * process at once until each has really exited (pidfd.c does the
 * watching). drain runs as root: a pidfile, a process name and /proc are
 * all text someone else may have written. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lib.h"

const struct opt kill_opts[] = {
	{ "pid", OPT_KILL_PID, ARG_STR, "PID", "stop PID (PIDs may also be arguments)" },
	{ "pidfile", 'p', ARG_STR, "FILE", "stop the PID in FILE (missing: nothing to do)" },
	{ "name", 'n', ARG_STR, "NAME", "stop the process called NAME, as pidof matches" },
	{ "all", 'a', ARG_NONE, 0, "stop all called NAME (default: 2+ is an error)" },
	{ "schedule", 's', ARG_STR, "SCHED", "signals and waits (default TERM/10/KILL/5)" },
	{ "user", OPT_KILL_USER, ARG_STR, "USER", "only USER's processes (name or UID; default any)" },
	{ "exec", OPT_KILL_EXEC, ARG_STR, "PATH", "only processes running PATH (default any)" },
	{ "any-cgroup", OPT_KILL_ANYCG, ARG_NONE, 0, "-p/-n also outside the unit's cgroup (default no)" },
	{ 0, 0, 0, 0, 0 }
};

/* The names of signals 1..31, in order, "" for 16 (STKFLT: not ours to
 * name). Every CPU drainbox builds for numbers them the generic way. */
static const char sig_names[] =
	"HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0USR2\0"
	"PIPE\0ALRM\0TERM\0\0CHLD\0CONT\0STOP\0TSTP\0TTIN\0TTOU\0URG\0XCPU\0"
	"XFSZ\0VTALRM\0PROF\0WINCH\0IO\0PWR\0SYS";
typedef char sig_names_generic[SIGBUS == 7 && SIGUSR1 == 10 && SIGUSR2 == 12 &&
	SIGCHLD == 17 && SIGSTOP == 19 && SIGURG == 23 && SIGXCPU == 24 &&
	SIGWINCH == 28 && SIGIO == 29 && SIGPWR == 30 && SIGSYS == 31 ? 1 : -1];

/* Signal sig's name ("" when it has none here). */
static const char *
sig_name(int sig)
{
	const char *p = sig_names;
	int i;

	if (sig < 1 || sig > 31)
		return "";
	for (i = 1; i < sig; i++)
		p += strlen(p) + 1;
	return p;
}

int
kill_sig_parse(const char *s)
{
	const char *n = sig_names;
	long long v;
	int i;

	if (*s >= '0' && *s <= '9')
		return num_parse(s, 1, 64, &v) ? -1 : (int)v;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (i = 1; *s && i <= 31; i++, n += strlen(n) + 1)
		if (!strcmp(s, n))
			return i;
	return -1;
}

const char *
kill_sig_name(int sig, char *buf, size_t size)
{
	const char *n = sig_name(sig);

	if (*n)
		fmt_sn(buf, size, "SIG%s", n);
	else
		fmt_sn(buf, size, "signal %d", sig);
	return buf;
}

/* ---- the schedule ------------------------------------------------------- */

static char why_buf[96];

/* Sets *why to text; returns -1. */
static int
sched_why(const char **why, const char *text)
{
	*why = text;
	return -1;
}

/* Sets *why to fmt with item[0..len) (cut) for its %s; returns -1. */
static int
sched_bad(const char **why, const char *fmt, const char *item, size_t len)
{
	char shown[24];

	if (len > sizeof(shown) - 1)
		len = sizeof(shown) - 1;
	memcpy(shown, item, len);
	shown[len] = 0;
	fmt_sn(why_buf, sizeof(why_buf), fmt, shown);
	*why = why_buf;
	return -1;
}

/* One item, item[0..len). */
static int
sched_item(struct kill_sched *s, const char *item, size_t len, const char **why)
{
	char buf[32];
	int64_t ms = 0;
	int sig = 0;

	if (!len)
		return sched_why(why, "an empty item (two '/' in a row, or one at an end)");
	if (len >= sizeof(buf))
		return sched_bad(why, "'%s...' is too long for an item", item, len);
	if (s->n == KILL_SCHED_MAX)
		return sched_why(why, "more than 16 items");
	memcpy(buf, item, len);
	buf[len] = 0;
	if (!strcmp(buf, "forever")) {
		if (s->repeat >= 0)
			return sched_why(why, "'forever' given twice");
		s->repeat = s->n;
		return 0;
	}
	if (buf[0] >= '0' && buf[0] <= '9') {
		if (dur_parse(buf, &ms))
			return sched_bad(why, "'%s' is not a timeout (say 10, 500ms or 1.5s)", buf, len);
	} else if ((sig = kill_sig_parse(buf[0] == '-' ? buf + 1 : buf)) < 0) {
		return sched_bad(why, "'%s' is not a signal, a timeout or 'forever'", buf, len);
	}
	s->step[s->n].sig = sig;	/* a signal, or 0 and a wait */
	s->step[s->n++].ms = ms;
	return 0;
}

/* After parsing: it sends something, it ends with a wait (a last signal
 * would never get the time to work: a sure exit 3), and what forever
 * repeats waits. */
static int
sched_check(const struct kill_sched *s, const char **why)
{
	int i, sends = 0, waits = 0;

	if (s->n && s->step[s->n - 1].sig && s->repeat < 0)
		return sched_why(why, "it ends with a signal: say how long to wait after it");
	for (i = 0; i < s->n; i++) {
		sends |= s->step[i].sig > 0;
		if (s->repeat >= 0 && i >= s->repeat && !s->step[i].sig && s->step[i].ms > 0)
			waits = 1;
	}
	if (!sends)
		return sched_why(why, "it sends no signal");
	if (s->repeat >= 0 && !waits)
		return sched_why(why, "'forever' repeats no wait longer than 0");
	return 0;
}

/* The schedule as given, for messages; "..." ends one cut short. */
static void
sched_text(struct kill_sched *s, const char *text)
{
	if (fmt_sn(s->text, sizeof(s->text), "%s", text) >= (int)sizeof(s->text))
		strcpy(s->text + sizeof(s->text) - 4, "...");
}

int
kill_sched_parse(struct kill_sched *s, const char *text, const char **why)
{
	const char *p = text, *slash;
	char full[80];

	s->n = 0;
	s->repeat = -1;
	if (!strchr(text, '/') && text[0] >= '0' && text[0] <= '9' && strlen(text) < 32) {
		/* N is TERM/N/KILL/N */
		fmt_sn(full, sizeof(full), "TERM/%s/KILL/%s", text, text);
		p = text = full;
	}
	for (;;) {
		slash = strchr(p, '/');
		if (sched_item(s, p, slash ? (size_t)(slash - p) : strlen(p), why))
			return -1;
		if (!slash)
			break;
		p = slash + 1;
	}
	if (sched_check(s, why))
		return -1;
	sched_text(s, text);
	return 0;
}

/* ---- options ------------------------------------------------------------ */

void
kill_add_pid(struct kill_cfg *c, const char *arg)
{
	long long v;

	if (num_parse(arg, 1, PROC_PID_MAX, &v))
		usage_fail("not a PID (1-%d): '%.32s'", PROC_PID_MAX, arg);
	if (c->npid == KILL_MAX)
		usage_fail("more than %d PIDs", KILL_MAX);
	c->pid[c->npid++] = (pid_t)v;
}

/* The UID of user name from /etc/passwd ("NAME:PASSWORD:UID:..." lines),
 * read by us: a static binary has no NSS, and a service user is a local
 * one. Each line is matched as it is read, byte by byte, so none is too
 * long. Returns 1 found, 0 not there, -1 with errno. */
static int
passwd_uid(const char *name, uid_t *uid)
{
	char buf[512];
	size_t len = strlen(name), col = 0;	/* col: where in the line's NAME */
	unsigned long long v = 0;
	ssize_t r, i;
	int field = 0, same = 1, digits = 0, fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (i = 0; i < r; i++) {
			char ch = buf[i];

			if (ch == '\n') {
				field = digits = 0;	/* a new line */
				col = 0;
				v = 0;
				same = 1;
			} else if (ch == ':' && field == 2 && same && digits && v <= 4294967294ULL) {
				*uid = (uid_t)v;
				close(fd);
				return 1;
			} else if (ch == ':') {
				same &= field || col == len;
				field++;
			} else if (field == 0) {
				same &= col < len && ch == name[col];
				col++;
			} else if (field == 2) {
				/* a non-digit, or a number past the limit: no UID */
				v = ch >= '0' && ch <= '9' && v <= 4294967294ULL ?
				    v * 10 + (unsigned)(ch - '0') : ~0ULL;
				digits = 1;
			}
		}
	}
	if (r < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

/* A usage error when an option that may be given once was set before. */
static void
once(int set, const char *opt)
{
	if (set)
		usage_fail("%s given twice", opt);
}

static void
opt_user(struct kill_cfg *c, const char *arg)
{
	long long v;
	int r;

	c->has_user = 1;
	if (!num_parse(arg, 0, 4294967294LL, &v)) {
		c->uid = (uid_t)v;
		return;
	}
	r = passwd_uid(arg, &c->uid);
	if (r < 0)
		usage_fail("--user %.32s: /etc/passwd: %m (give a UID)", arg);
	if (!r)
		usage_fail("--user: no user '%.32s' in /etc/passwd", arg);
}

static void
opt_exec(struct kill_cfg *c, const char *arg)
{
	struct stat st;

	once(c->exec != 0, "--exec");
	if (stat(arg, &st))
		usage_fail("--exec %.64s: stat: %m", arg);
	c->exec = arg;
	c->exec_dev = st.st_dev;
	c->exec_ino = st.st_ino;
}

int
kill_opt(struct kill_cfg *c, const struct optstate *o, int id)
{
	struct kill_sched s;
	const char *why;

	switch (id) {
	case OPT_KILL_PID:
		kill_add_pid(c, o->arg);
		return 1;
	case 'p':
		once(c->pidfile != 0, "-p/--pidfile");
		if (!*o->arg)
			usage_fail("-p/--pidfile: empty path");
		c->pidfile = o->arg;
		return 1;
	case 'n':
		once(c->name != 0, "-n/--name");
		if (!*o->arg)
			usage_fail("-n/--name: not a process name: '%.32s'", o->arg);
		c->name = o->arg;
		return 1;
	case 'a':
		c->all = 1;
		return 1;
	case OPT_KILL_USER:
		once(c->has_user, "--user");
		opt_user(c, o->arg);
		return 1;
	case OPT_KILL_EXEC:
		opt_exec(c, o->arg);
		return 1;
	case OPT_KILL_ANYCG:
		c->any_cgroup = 1;
		return 1;
	case 's':
		if (kill_sched_parse(&s, o->arg, &why))
			usage_fail("-s/--schedule: bad schedule '%.64s': %s", o->arg, why);
		c->schedule = o->arg;
		return 1;
	}
	return 0;
}

int
kill_has_who(const struct kill_cfg *c)
{
	const char *m = getenv("MAINPID");

	return c->npid || c->pidfile || c->name || (m && *m);
}

/* ---- who ---------------------------------------------------------------- */

enum { FROM_ARG, FROM_PIDFILE, FROM_NAME, FROM_MAINPID };

struct cand {
	pid_t pid;
	unsigned long long start;	/* 0, or as seen by proc_find */
	int from;
};

static struct cand cands[KILL_MAX];
static int ncand;
static struct pidfd_proc procs[KILL_MAX];
static char nothing[320];	/* why some had nothing to stop: "a; b" */

__attribute__((format(printf, 1, 2))) static void
note_nothing(const char *fmt, ...)
{
	size_t len = strlen(nothing);
	va_list ap;

	if (len && len + 2 < sizeof(nothing)) {
		memcpy(nothing + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	fmt_vsn(nothing + len, sizeof(nothing) - len, fmt, ap);
	va_end(ap);
}

static int
cand_add(pid_t pid, unsigned long long start, int from)
{
	int i;

	for (i = 0; i < ncand; i++)
		if (cands[i].pid == pid)
			return 0;
	if (ncand == KILL_MAX) {
		log_err("more than %d processes to stop", KILL_MAX);
		return -1;
	}
	cands[ncand].pid = pid;
	cands[ncand].start = start;
	cands[ncand++].from = from;
	return 0;
}

/* ---- narrowing: --user, --exec, the unit's cgroup ------------------------- */

static const struct kill_cfg *narrow_cfg;
static struct proc_cg unit_cg;	/* our systemd service's cgroup */
static int cg_on;		/* set: -p and -n match only in unit_cg */
static int nleft;		/* -n matches left alone */
static char left_why[160];	/* why the first of them was */

/* Why the process pid, named as from says, is left alone: not --user's,
 * not running --exec, or (-p, -n) outside our unit's cgroup. Fills why and
 * returns 1; 0 when it may be stopped. */
static int
narrow(pid_t pid, int from, char *why, size_t size)
{
	const struct kill_cfg *c = narrow_cfg;
	struct proc_ids ids;
	struct stat want;

	if (c->has_user && proc_ids_read(pid, &ids)) {
		fmt_sn(why, size, "its user cannot be read: %m");
		return 1;
	}
	if (c->has_user && ids.euid != c->uid) {
		fmt_sn(why, size, "runs as uid %u, not --user's %u", (unsigned)ids.euid,
		       (unsigned)c->uid);
		return 1;
	}
	want.st_dev = c->exec_dev;
	want.st_ino = c->exec_ino;
	if (c->exec && !proc_exe_is(pid, c->exec, &want)) {
		fmt_sn(why, size, "does not run --exec %s", c->exec);
		return 1;
	}
	if (cg_on && (from == FROM_PIDFILE || from == FROM_NAME) && !proc_in_cg(pid, &unit_cg)) {
		fmt_sn(why, size, "outside this unit's cgroup %s (--any-cgroup)", unit_cg.path);
		return 1;
	}
	return 0;
}

/* proc_find's filter for -n: counts and remembers what it leaves alone. */
static int
name_keep(pid_t pid)
{
	char why[128];

	if (!narrow(pid, FROM_NAME, why, sizeof(why)))
		return 1;
	log_debug("%d: called so, but left alone: %s", (int)pid, why);
	if (!nleft++)
		fmt_sn(left_why, sizeof(left_why), "%d %s", (int)pid, why);
	return 0;
}

/* Sets cg_on: we run in a systemd service's cgroup and -p or -n is given. */
static int
narrow_start(const struct kill_cfg *c)
{
	narrow_cfg = c;
	nleft = 0;
	cg_on = 0;
	if (c->any_cgroup || (!c->pidfile && !c->name))
		return 0;
	cg_on = proc_cg_self(&unit_cg);
	if (cg_on < 0) {
		log_err("/proc/self/cgroup: read: %m");
		return -1;
	}
	if (cg_on)
		log_debug("in the cgroup of %s: -p and -n match only its processes", unit_cg.path);
	return 0;
}

/* ---- the pidfile ------------------------------------------------------------ */

/* "PATH: bad pidfile: WHATDETAIL"; returns -1. */
static int
pidfile_bad(const char *path, const char *what, const char *detail)
{
	log_err("%s: bad pidfile: %s%s", path, what, detail);
	return -1;
}

static const char *
file_kind(mode_t m)
{
	return S_ISDIR(m) ? "(a directory)" : S_ISFIFO(m) ? "(a FIFO)" : S_ISCHR(m) ?
	       "(a character device (a tty?))" : S_ISSOCK(m) ? "(a socket)" :
	       "(a block device)";
}

/* As root, a pidfile anyone but root can write names whatever process its
 * writer likes (start-stop-daemon refuses it too): only --user or --exec
 * makes it safe, by narrowing what it may name. */
static int
pidfile_trusted(const struct kill_cfg *c, const char *path, const struct stat *st)
{
	char who[48];

	if (geteuid() || c->has_user || c->exec)
		return 0;
	if (st->st_uid)
		fmt_sn(who, sizeof(who), "owned by uid %u, not root", (unsigned)st->st_uid);
	else if (st->st_mode & S_IWOTH)
		fmt_sn(who, sizeof(who), "writable by all");
	else if (st->st_gid && (st->st_mode & S_IWGRP))
		fmt_sn(who, sizeof(who), "writable by group %u", (unsigned)st->st_gid);
	else
		return 0;
	log_err("%s: pidfile %s: as root, refusing to signal what it names "
		"unless --user or --exec narrows the match", path, who);
	return -1;
}

/* Reads the pidfile's fd: 1..63 bytes, one PID. */
static int
pidfile_read(const char *path, int fd, pid_t *pid)
{
	char buf[64];
	ssize_t n = 0, r;

	while (n < (ssize_t)sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - (size_t)n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_err("%s: read: %m", path);
			return -1;
		}
		n += r;
	}
	if (n == (ssize_t)sizeof(buf) || proc_pid_parse(buf, (size_t)n, pid)) {
		for (r = 0; r < n && strchr(" \t\r\n", buf[r]) && buf[r]; r++)
			;
		return pidfile_bad(path, r < n ? "not a PID (1-4194304)" : "empty", "");
	}
	return 0;
}

/* Opened so that nothing but a regular file is read: not through a symlink
 * (O_NOFOLLOW), a FIFO without a writer does not block (O_NONBLOCK), a tty
 * does not become our controlling terminal (O_NOCTTY), and fstat says
 * which before any read. */
static int
who_pidfile(const struct kill_cfg *c)
{
	const char *path = c->pidfile;
	struct stat st;
	pid_t pid = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY), r;

	if (fd < 0 && errno == ENOENT) {
		note_nothing("pidfile %s: missing", path);
		return 0;
	}
	if (fd < 0 && errno == ELOOP)
		return pidfile_bad(path, "a symbolic link (not followed)", "");
	if (fd < 0) {
		log_err("%s: open: %m", path);
		return -1;
	}
	if (fstat(fd, &st))
		r = pidfile_bad(path, "fstat: ", net_strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = pidfile_bad(path, "not a regular file ", file_kind(st.st_mode));
	else if (st.st_size >= 64) {
		log_err("%s: bad pidfile: %lld bytes, too big for a PID", path,
			(long long)st.st_size);
		r = -1;
	} else
		r = pidfile_trusted(c, path, &st) ? -1 : pidfile_read(path, fd, &pid);
	close(fd);
	return r ? -1 : cand_add(pid, 0, FROM_PIDFILE);
}

static int
who_name(const char *name, int all)
{
	static struct proc_found f[KILL_MAX];
	int i, n = proc_find(name, name_keep, f, KILL_MAX);

	if (n < 0) {
		log_err("/proc: read: %m");
		return -1;
	}
	if (!n && nleft)
		note_nothing("no process called %s but %d left alone (%s%s)", name, nleft,
			     left_why, nleft > 1 ? ", ..." : "");
	else if (!n)
		note_nothing("no process called %s", name);
	else if (nleft)
		log_info("%d more called %s left alone (%s%s)", nleft, name, left_why,
			 nleft > 1 ? ", ..." : "");
	if (n > 1 && !all) {
		log_err("name %s: %d processes match (%d, %d%s): give -a to stop them all",
			name, n, (int)f[0].pid, (int)f[1].pid, n > 2 ? ", ..." : "");
		return -1;
	}
	if (n > KILL_MAX) {
		log_err("name %s: %d processes match, more than %d", name, n, KILL_MAX);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (cand_add(f[i].pid, f[i].start, FROM_NAME))
			return -1;
	return 0;
}

static int
who_mainpid(void)
{
	const char *m = getenv("MAINPID");
	long long v;

	if (!m || !*m) {
		note_nothing("no PID, pidfile or name given, and $MAINPID is not set");
		return 0;
	}
	if (num_parse(m, 1, PROC_PID_MAX, &v)) {
		log_err("$MAINPID: not a PID (1-%d)", PROC_PID_MAX);
		return -1;
	}
	return cand_add((pid_t)v, 0, FROM_MAINPID);
}

static const char *
from_text(int from)
{
	static const char *const t[] = { "", " (from the pidfile)", " (by name)", " (from $MAINPID)" };

	return t[from];
}

/* What a PID names that is never signalled: a thread ID (kill(2) would
 * signal its whole process, whichever that is) or a kernel thread. Fills
 * what; returns 0 when neither. A PID that cannot be read is let through:
 * attaching says whether it runs. */
static int
not_a_process(pid_t pid, char *what, size_t size)
{
	struct proc_ids ids;
	struct proc_stat st;

	if (!proc_ids_read(pid, &ids) && ids.tgid != pid) {
		fmt_sn(what, size, "a thread (of process %d), not a process", (int)ids.tgid);
		return 1;
	}
	if (proc_kthread(pid, &st)) {
		fmt_sn(what, size, "a kernel thread (%s)", st.comm);
		return 1;
	}
	return 0;
}

/* PID 1, ourselves, our parent, thread IDs and kernel threads are never
 * signalled. (-n never finds the last two: the scan sees processes only.) */
static int
who_refuse(void)
{
	pid_t self = getpid(), parent = getppid();
	char buf[80];
	int i, rc = 0;

	for (i = 0; i < ncand; i++) {
		pid_t p = cands[i].pid;
		const char *what = p == 1 ? "init" : p == self ? "itself" : p == parent ?
				   "its own parent" : 0;

		if (!what && cands[i].from != FROM_NAME && not_a_process(p, buf, sizeof(buf)))
			what = buf;
		if (!what)
			continue;
		log_err("PID %d%s: refusing to signal %s", (int)p, from_text(cands[i].from), what);
		rc = -1;
	}
	return rc;
}

static int
who_gather(const struct kill_cfg *c)
{
	int i;

	ncand = 0;
	nothing[0] = 0;
	for (i = 0; i < c->npid; i++)
		if (cand_add(c->pid[i], 0, FROM_ARG))
			return -1;
	if (c->pidfile && who_pidfile(c))
		return -1;
	if (c->name && who_name(c->name, c->all))
		return -1;
	if (!c->npid && !c->pidfile && !c->name && who_mainpid())
		return -1;
	return who_refuse();
}

static void
detach_all(int n)
{
	while (n--)
		pidfd_detach(&procs[n]);
}

static void
attach_none(const struct kill_cfg *c, const struct cand *w, const struct pidfd_proc *p, int r)
{
	if (r == PIDFD_ZOMBIE)
		note_nothing("%d (%s): already exited, a zombie not yet reaped by its parent",
			     (int)w->pid, p->comm);
	else if (w->from == FROM_PIDFILE)
		note_nothing("pidfile %s: stale pid %d", c->pidfile, (int)w->pid);
	else if (w->from == FROM_NAME)
		note_nothing("%d (%s): exited meanwhile", (int)w->pid, p->comm);
	else
		note_nothing("%s %d: no such process",
			     w->from == FROM_MAINPID ? "$MAINPID" : "pid", (int)w->pid);
}

static void
attach_err(pid_t pid)
{
	if (errno == EINVAL)
		log_err("%d: not a process (a thread ID?)", (int)pid);
	else if (errno == ENOENT)
		log_err("%d: running, but /proc/%d cannot be seen (mounted hidepid=?)",
			(int)pid, (int)pid);
	else
		log_err("%d: cannot watch it: %m", (int)pid);
}

/* Once attached, a candidate that --user, --exec or the cgroup rule leaves
 * alone is noted and dropped; so is one that exited meanwhile, as what
 * /proc said may then be of another process with its PID. Returns 1 when
 * it stays. */
static int
attach_narrow(const struct kill_cfg *c, const struct cand *w, struct pidfd_proc *p)
{
	char why[160];
	int left = narrow(w->pid, w->from, why, sizeof(why));

	if (!pidfd_alive(p))
		attach_none(c, w, p, PIDFD_NONE);
	else if (left && w->from == FROM_PIDFILE)
		note_nothing("pidfile %s: pid %d (%s) left alone: %s", c->pidfile, (int)w->pid,
			     p->comm, why);
	else if (left)
		note_nothing("%s%d (%s) left alone: %s", w->from == FROM_MAINPID ? "$MAINPID " :
			     "", (int)w->pid, p->comm, why);
	else
		return 1;
	pidfd_detach(p);
	return 0;
}

/* Attaches to every candidate; returns how many are running, -1 on error. */
static int
who_attach(const struct kill_cfg *c)
{
	int i, r, n = 0;

	for (i = 0; i < ncand; i++) {
		r = pidfd_attach(&procs[n], cands[i].pid, cands[i].start);
		if (r < 0) {
			attach_err(cands[i].pid);
			detach_all(n);
			return -1;
		}
		if (r == 0 && !attach_narrow(c, &cands[i], &procs[n]))
			continue;
		if (r == 0) {
			log_debug("%d (%s): watching it %s", (int)procs[n].pid, procs[n].comm,
				  procs[n].fd >= 0 ? "through a pidfd" : "by polling /proc");
			n++;
			continue;
		}
		attach_none(c, &cands[i], &procs[n], r);
	}
	return n;
}

/* ---- the schedule run ---------------------------------------------------- */

/* Logs the newly exited (gone == 1) and marks them reported (2). */
static void
report_exits(struct pidfd_proc *p, int n, int64_t t0)
{
	char d[32];
	int i;

	for (i = 0; i < n; i++)
		if (p[i].gone == 1) {
			log_info("%d (%s) exited after %s", (int)p[i].pid, p[i].comm,
				 dur_fmt(d, sizeof(d), mono_ms() - t0, 2));
			p[i].gone = 2;
		}
}

static int
count_running(const struct pidfd_proc *p, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += !p[i].gone;
	return k;
}

/* Sends sig to every running one; returns -1 when one could not be sent. */
static int
send_all(struct pidfd_proc *p, int n, int sig)
{
	char name[16];
	int i, rc = 0;

	kill_sig_name(sig, name, sizeof(name));
	for (i = 0; i < n; i++) {
		if (p[i].gone)
			continue;
		switch (pidfd_kill(&p[i], sig)) {
		case 0:
			log_info("sent %s to %d (%s)", name, (int)p[i].pid, p[i].comm);
			break;
		case -1:
			log_err("%d (%s): send %s: %m", (int)p[i].pid, p[i].comm, name);
			p[i].gone = 3;
			rc = -1;
			break;
		}
	}
	return rc;
}

/* One wait of the schedule, until dl or until none runs; with c->tick, in
 * slices of KILL_TICK_MS with a tick after each. 0, or -1 with errno. */
static int
wait_step(const struct kill_cfg *c, struct pidfd_proc *p, int n, const struct deadline *dl,
	  int64_t t0)
{
	struct deadline slice;
	int r;

	while (count_running(p, n)) {
		slice = c->tick ? deadline_min(*dl, deadline_in(KILL_TICK_MS)) : *dl;
		if ((r = pidfd_wait(p, n, &slice)) < 0)
			return -1;
		report_exits(p, n, t0);
		if (!r && !deadline_left(dl))
			break;
		if (c->tick)
			c->tick();
	}
	return 0;
}

static int
run_schedule(const struct kill_cfg *c, const struct kill_sched *s, struct pidfd_proc *p, int n)
{
	int64_t t0 = mono_ms();
	struct deadline dl;
	int i = 0, failed = 0;

	while (count_running(p, n)) {
		if (i == s->n && s->repeat < 0)
			break;
		if (i == s->n)
			i = s->repeat;
		if (s->step[i].sig) {
			failed |= send_all(p, n, s->step[i++].sig) < 0;
			report_exits(p, n, t0);
			continue;
		}
		dl = deadline_in(s->step[i++].ms);
		if (wait_step(c, p, n, &dl, t0) < 0) {
			log_err("wait: %m");
			return EX_FAIL;
		}
	}
	for (i = 0; i < n; i++)
		if (!p[i].gone)
			log_err("%d (%s) still running after %s", (int)p[i].pid, p[i].comm, s->text);
	return failed ? EX_FAIL : count_running(p, n) ? EX_TIMEOUT : EX_OK;
}

int
kill_run(struct kill_cfg *c, int strict)
{
	struct kill_sched s;
	const char *why;
	char name[16];
	int i, n, rc;

	if (kill_sched_parse(&s, c->schedule ? c->schedule : KILL_SCHED_DEFAULT, &why))
		usage_fail("bad schedule '%.64s': %s", c->schedule, why);
	if (proc_mounted()) {
		if (errno == EMEDIUMTYPE)
			log_err("/proc: not procfs (an empty directory? mount -t proc proc /proc): "
				"cannot tell which processes run");
		else
			log_err("/proc: open: %m");
		return EX_FAIL;
	}
	if (narrow_start(c) || who_gather(c) || (n = who_attach(c)) < 0)
		return EX_FAIL;
	if (!n) {
		log_info("no process to stop (%s)", nothing);
		return strict ? EX_FAIL : EX_OK;
	}
	if (nothing[0])
		log_info("%s", nothing);
	for (i = 0; s.step[i].sig == 0; i++)
		;
	kill_sig_name(s.step[i].sig, name, sizeof(name));
	if (dry_run) {
		for (i = 0; i < n; i++)
			log_info("would send %s to %d (%s), schedule %s",
				 name, (int)procs[i].pid, procs[i].comm, s.text);
		detach_all(n);
		return EX_OK;
	}
	rc = run_schedule(c, &s, procs, n);
	detach_all(n);
	return rc;
}
