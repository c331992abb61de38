/* SPDX-License-Identifier: 0BSD */
/* kill.c - the kill step shared by pidkill and drain: the kill option
 * group, the start-stop-daemon --retry schedule (TERM/10/KILL/5), finding
 * who to stop (PIDs, a pidfile, a name, $MAINPID), the refusals (PID 1,
 * ourselves, our parent), and running the schedule on every process at
 * once until each has really exited (pidfd.c does the watching). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"

const struct opt kill_opts[] = {
	{ "pid", OPT_KILL_PID, ARG_STR, "PID", "stop PID (PIDs may also be arguments)" },
	{ "pidfile", 'p', ARG_STR, "FILE", "stop the PID in FILE (missing: nothing to do)" },
	{ "name", 'n', ARG_STR, "NAME", "stop the process called NAME, as pidof matches" },
	{ "all", 'a', ARG_NONE, 0, "stop all called NAME (default: 2+ is an error)" },
	{ "schedule", 's', ARG_STR, "SCHED", "signals and waits (default TERM/10/KILL/5)" },
	{ 0, 0, 0, 0, 0 }
};

static const struct {
	unsigned char sig;
	char name[7];
} sigs[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" },
	{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" }, { SIGCHLD, "CHLD" },
	{ SIGCONT, "CONT" }, { SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },
	{ SIGTTOU, "TTOU" }, { SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" }, { SIGIO, "IO" },
	{ SIGPWR, "PWR" }, { SIGSYS, "SYS" }
};
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))

int
kill_sig_parse(const char *s)
{
	long long v;
	size_t i;

	if (*s >= '0' && *s <= '9')
		return num_parse(s, 1, 64, &v) ? -1 : (int)v;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < NSIGS; i++)
		if (!strcmp(s, sigs[i].name))
			return sigs[i].sig;
	return -1;
}

const char *
kill_sig_name(int sig, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < NSIGS; i++)
		if (sigs[i].sig == sig) {
			fmt_sn(buf, size, "SIG%s", sigs[i].name);
			return buf;
		}
	fmt_sn(buf, size, "signal %d", sig);
	return buf;
}

/* ---- the schedule ------------------------------------------------------- */

static char why_buf[96];

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

static void
sched_add(struct kill_sched *s, int sig, int64_t ms)
{
	s->step[s->n].sig = sig;
	s->step[s->n].ms = ms;
	s->n++;
}

/* One item, item[0..len). */
static int
sched_item(struct kill_sched *s, const char *item, size_t len, const char **why)
{
	char buf[32];
	int64_t ms;
	int sig;

	if (!len)
		return sched_bad(why, "an empty item%s (two '/' in a row, or one at an end)", "", 0);
	if (len >= sizeof(buf))
		return sched_bad(why, "'%s...' is too long for an item", item, len);
	if (s->n == KILL_SCHED_MAX)
		return sched_bad(why, "more than 16 items%s", "", 0);
	memcpy(buf, item, len);
	buf[len] = 0;
	if (!strcmp(buf, "forever")) {
		if (s->repeat >= 0)
			return sched_bad(why, "'forever' given twice%s", "", 0);
		s->repeat = s->n;
		return 0;
	}
	if (buf[0] >= '0' && buf[0] <= '9') {
		if (dur_parse(buf, &ms))
			return sched_bad(why, "'%s' is not a timeout (say 10, 500ms or 1.5s)", buf, len);
		sched_add(s, 0, ms);
		return 0;
	}
	sig = kill_sig_parse(buf[0] == '-' ? buf + 1 : buf);
	if (sig < 0)
		return sched_bad(why, "'%s' is not a signal, a timeout or 'forever'", buf, len);
	sched_add(s, sig, 0);
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
		return sched_bad(why, "it ends with a signal: say how long to wait after it%s",
				 "", 0);
	for (i = 0; i < s->n; i++) {
		sends |= s->step[i].sig > 0;
		if (s->repeat >= 0 && i >= s->repeat && !s->step[i].sig && s->step[i].ms > 0)
			waits = 1;
	}
	if (!sends)
		return sched_bad(why, "it sends no signal%s", "", 0);
	if (s->repeat >= 0 && !waits)
		return sched_bad(why, "'forever' repeats no wait longer than 0%s", "", 0);
	return 0;
}

static void
sched_text(struct kill_sched *s, const char *text)
{
	size_t len = strlen(text);

	if (len < sizeof(s->text)) {
		memcpy(s->text, text, len + 1);
		return;
	}
	memcpy(s->text, text, sizeof(s->text) - 4);
	strcpy(s->text + sizeof(s->text) - 4, "...");
}

int
kill_sched_parse(struct kill_sched *s, const char *text, const char **why)
{
	const char *p = text, *slash;
	char full[80];
	int64_t ms;

	s->n = 0;
	s->repeat = -1;
	if (!strchr(text, '/') && text[0] >= '0' && text[0] <= '9') {
		if (dur_parse(text, &ms))
			return sched_bad(why, "'%s' is not a timeout (say 10, 500ms or 1.5s)",
					 text, strlen(text));
		sched_add(s, SIGTERM, 0);
		sched_add(s, 0, ms);
		sched_add(s, SIGKILL, 0);
		sched_add(s, 0, ms);
		fmt_sn(full, sizeof(full), "TERM/%s/KILL/%s", text, text);
		sched_text(s, full);
		return 0;
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
		if (c->pidfile)
			usage_fail("-p/--pidfile given twice");
		if (!*o->arg)
			usage_fail("-p/--pidfile: empty path");
		c->pidfile = o->arg;
		return 1;
	case 'n':
		if (c->name)
			usage_fail("-n/--name given twice");
		if (!*o->arg)
			usage_fail("-n/--name: not a process name: '%.32s'", o->arg);
		c->name = o->arg;
		return 1;
	case 'a':
		c->all = 1;
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

static int
who_pidfile(const char *path)
{
	char buf[64];
	ssize_t n = 0, r;
	pid_t pid;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		note_nothing("pidfile %s: missing", path);
		return 0;
	}
	if (fd < 0) {
		log_err("%s: open: %s", path, net_strerror(errno));
		return -1;
	}
	while (n < (ssize_t)sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - (size_t)n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_err("%s: read: %s", path, net_strerror(errno));
			close(fd);
			return -1;
		}
		n += r;
	}
	close(fd);
	if (n == (ssize_t)sizeof(buf) || proc_pid_parse(buf, (size_t)n, &pid)) {
		for (r = 0; r < n && strchr(" \t\r\n", buf[r]) && buf[r]; r++)
			;
		log_err("%s: bad pidfile: %s", path, r < n ? "not a PID (1-4194304)" : "empty");
		return -1;
	}
	return cand_add(pid, 0, FROM_PIDFILE);
}

static int
who_name(const char *name, int all)
{
	static struct proc_found f[KILL_MAX];
	int i, n = proc_find(name, f, KILL_MAX);

	if (n < 0) {
		log_err("/proc: read: %s", net_strerror(errno));
		return -1;
	}
	if (!n)
		note_nothing("no process called %s", name);
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

/* PID 1, ourselves and our parent are never signalled. */
static int
who_refuse(void)
{
	pid_t self = getpid(), parent = getppid();
	int i, rc = 0;

	for (i = 0; i < ncand; i++) {
		pid_t p = cands[i].pid;
		const char *what = p == 1 ? "init" : p == self ? "itself" : p == parent ?
				   "its own parent" : 0;

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
	if (c->pidfile && who_pidfile(c->pidfile))
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
		log_err("%d: running, but /proc/%d is missing (is /proc mounted?)",
			(int)pid, (int)pid);
	else
		log_err("%d: cannot watch it: %s", (int)pid, net_strerror(errno));
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
			log_err("%d (%s): send %s: %s", (int)p[i].pid, p[i].comm, name,
				net_strerror(errno));
			p[i].gone = 3;
			rc = -1;
			break;
		}
	}
	return rc;
}

static int
run_schedule(const struct kill_sched *s, struct pidfd_proc *p, int n)
{
	int64_t t0 = mono_ms();
	struct deadline dl;
	int i = 0, failed = 0, r;

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
		r = 0;
		while (count_running(p, n) && (r = pidfd_wait(p, n, &dl)) > 0)
			report_exits(p, n, t0);
		if (r < 0) {
			log_err("wait: %s", net_strerror(errno));
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
	if (who_gather(c) || (n = who_attach(c)) < 0)
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
	rc = run_schedule(&s, procs, n);
	detach_all(n);
	return rc;
}
