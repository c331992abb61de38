/* SPDX-License-Identifier: 0BSD */
/* proc.c - reading /proc: a process's stat line (state, parent, flags,
 * start time, comm), pidof-style name matching on comm, argv[0] and the
 * executable, the /proc scan behind -n NAME, and strict PID text. All of
 * /proc is hostile text: a comm may hold spaces, parentheses, newlines or
 * escape sequences, so the comm ends at the LAST ')' and is made printable
 * before anyone logs it. The scan is the cost of -n (syscalls on /proc are
 * dear: some 5 us an open/close in a VM), so it rules kernel threads out
 * with one read for all (kthreads_read), others with the cheapest read
 * that can (scan_match), and reads the stat line only for a match. Fixed
 * buffers only, nothing allocated. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/lib.h"

#define PF_KTHREAD 0x00200000UL
#define PROC_SUPER_MAGIC 0x9fa0

/* Reads path into buf, at most size - 1 bytes, NUL-terminated, in ONE
 * read(2); returns the count or -1 with errno. One read gets all there is
 * whenever it fits, so a second read, which could only return 0, is
 * skipped: stat and comm are single-record seq files (single_open), whose
 * read copies the whole record when the buffer holds it; cmdline's read
 * copies the argument area page after page until the count is met or the
 * area ends. A read short of size - 1 is thus the end, and a full one a
 * file cut at size - 1, as before. No O_CLOEXEC: drainbox never execs,
 * and musl follows an O_CLOEXEC open with an fcntl(F_SETFD) of its own,
 * one more syscall for each file of a scan. */
static ssize_t
file_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	buf[n] = 0;
	return n;
}

/* "/proc/PID/what" into buf (32 bytes: what is at most "cmdline"). */
static char *
proc_path(char *buf, pid_t pid, const char *what)
{
	fmt_sn(buf, 32, "/proc/%d/%s", (int)pid, what);
	return buf;
}

/* file_read of /proc/PID/what. */
static ssize_t
proc_read(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[32];

	return file_read(proc_path(path, pid, what), buf, size);
}

/* Skips one field (a signed number: some fields may be negative). */
static int
field_skip(const char **p, const char *end)
{
	unsigned long long v;

	if (*p < end && **p == '-')
		(*p)++;
	return num_field(p, end, &v);
}

static void
comm_copy(char *dst, const char *src, size_t n)
{
	size_t i;

	if (n > PROC_COMM_MAX - 1)
		n = PROC_COMM_MAX - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = c < 0x20 || c > 0x7e ? '?' : (char)c;
	}
	dst[n] = 0;
}

/* After the comm: " S ppid pgrp session tty tpgid flags ..." - fields 3 to
 * 22; we keep 3 (state), 4 (ppid), 9 (flags) and 22 (start time). */
static int
stat_fields(const char *p, const char *end, struct proc_stat *st)
{
	unsigned long long v;
	int field;

	if (end - p < 2 || p[0] != ' ' || p[1] < 'A' || p[1] > 'z')
		return -1;
	st->state = p[1];
	p += 2;
	for (field = 4; field <= 22; field++) {
		if (p >= end || *p++ != ' ')
			return -1;
		if (field == 4 || field == 9 || field == 22) {
			if (num_field(&p, end, &v))
				return -1;
			if (field == 4 && v > PROC_PID_MAX)
				return -1;
			if (field == 4)
				st->ppid = (pid_t)v;
			else if (field == 9)
				st->flags = (unsigned long)v;
			else
				st->start = v;
		} else if (field_skip(&p, end)) {
			return -1;
		}
	}
	return 0;
}

int
proc_stat_parse(const char *buf, size_t len, struct proc_stat *st)
{
	const char *end = buf + len, *open, *close = 0, *p;

	open = memchr(buf, '(', len);
	if (!open)
		return -1;
	for (p = open + 1; p < end; p++)
		if (*p == ')')
			close = p;
	if (!close)
		return -1;
	/* before the comm: the PID, digits only, and one blank */
	if (open - buf < 2 || open[-1] != ' ')
		return -1;
	for (p = buf; p < open - 1; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (stat_fields(close + 1, end, st))
		return -1;
	comm_copy(st->comm, open + 1, (size_t)(close - open - 1));
	return 0;
}

int
proc_stat_read(pid_t pid, struct proc_stat *st)
{
	char buf[1024];
	ssize_t n;

	n = proc_read(pid, "stat", buf, sizeof(buf));
	if (n < 0)
		return -1;
	if (proc_stat_parse(buf, (size_t)n, st)) {
		errno = n ? EINVAL : ESRCH;
		return -1;
	}
	return 0;
}

int
proc_exited(const struct proc_stat *st)
{
	return st->state == 'Z' || st->state == 'X' || st->state == 'x';
}

/* A blank around a PID: a pidfile's line ends, or padding. */
static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
proc_pid_parse(const char *buf, size_t len, pid_t *pid)
{
	const char *p = buf, *end = buf + len;
	unsigned long long v;

	while (p < end && blank(*p))
		p++;
	if (num_field(&p, end, &v) || v < 1 || v > PROC_PID_MAX)
		return -1;
	while (p < end && blank(*p))
		p++;
	if (p != end)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

static const char *
base_of(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/* argv[0] (from /proc/PID/cmdline) or its basename is name. */
static int
argv0_match(pid_t pid, const char *name)
{
	char buf[4096];
	ssize_t n = proc_read(pid, "cmdline", buf, sizeof(buf));

	if (n <= 0)
		return 0;
	return !strcmp(buf, name) || !strcmp(base_of(buf), name);
}

/* link is the text of an exe link to name[0..len) once that file was
 * deleted or replaced: "NAME (deleted)". */
static int
deleted_of(const char *link, const char *name, size_t len)
{
	return !strncmp(link, name, len) && !strcmp(link + len, " (deleted)");
}

/* The executable's path exe, or its basename, is name; a replaced binary
 * reads "x (deleted)". */
static int
exe_is(const char *exe, const char *name)
{
	const char *b = base_of(exe);

	return !strcmp(b, name) || !strcmp(exe, name) || deleted_of(b, name, strlen(name));
}

/* The /proc/PID/exe link into buf (4096 bytes), NUL-terminated; returns
 * its length or -1 with errno (readlink(2)). */
static ssize_t
exe_read(pid_t pid, char *buf)
{
	char path[32];
	ssize_t n = readlink(proc_path(path, pid, "exe"), buf, 4095);

	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* The comm from /proc/PID/comm, cheaper than the stat line: the same bytes
 * and a '\n'; made printable and cut as proc_stat_parse does, so both
 * compare alike. Returns 0, or -1 when it cannot be read (gone). */
static int
comm_read(pid_t pid, char comm[PROC_COMM_MAX])
{
	char buf[PROC_COMM_MAX + 2];
	ssize_t n = proc_read(pid, "comm", buf, sizeof(buf));

	if (n <= 0)
		return -1;
	if (buf[n - 1] == '\n')
		n--;
	comm_copy(comm, buf, (size_t)n);
	return 0;
}

/* 1 when process pid can be a match: its stat line (read into st) reads,
 * and it is neither a kernel thread nor exited. */
static int
stat_live(pid_t pid, struct proc_stat *st)
{
	return !proc_stat_read(pid, st) && !proc_exited(st) && !(st->flags & PF_KTHREAD);
}

/* proc_called, with st read for a match. Its answer at the least cost:
 * for most processes, one readlink (2.5 us in a VM) of /proc/PID/exe, not
 * the stat line (10 us), cmdline (7 us) and the link. ENOENT there means
 * the process has no memory map (the link is taken from it): a kernel thread,
 * a zombie, one past exit_mm() in its exit, or one gone; none of them can
 * match (exit_mm comes before the zombie state: a stat-first order
 * could still match such a process, an instant before its exit). Any other
 * error, EACCES above all (another user's process, or a non-dumpable one,
 * without CAP_SYS_PTRACE over it), says nothing: the stat line then comes
 * first, to rule out kernel threads and zombies, and its comm is used.
 * Else the link (its path, basename, "NAME (deleted)"), /proc/PID/comm
 * (6 us: prctl(PR_SET_NAME) and scripts make it differ from the link) and
 * argv[0] (exec -a) in turn, and the stat line only after a match, for the
 * start time and the final say on the state and the kernel-thread flag.
 * noexe: /proc/self/exe did not read, so ENOENT cannot be trusted. */
static int
scan_match(pid_t pid, const char *name, int noexe, struct proc_stat *st)
{
	char buf[4096], comm[PROC_COMM_MAX];
	ssize_t n = exe_read(pid, buf);

	if (n < 0 && errno == ENOENT && !noexe)
		return 0;
	if (n < 0)
		return stat_live(pid, st) &&
		       (!strcmp(st->comm, name) || argv0_match(pid, name));
	if (exe_is(buf, name))
		return stat_live(pid, st);
	if (comm_read(pid, comm))
		return 0;
	if (strcmp(comm, name) && !argv0_match(pid, name))
		return 0;
	return stat_live(pid, st);
}

int
proc_called(pid_t pid, const char *name)
{
	char exe[4096];
	struct proc_stat st;

	return *name && scan_match(pid, name, exe_read(getpid(), exe) < 0, &st);
}

/* Kernel threads by PID, so the scan drops them without a syscall each:
 * they are most of /proc (58 of 69 processes on a small VM, where their
 * readlinks took 0.25 ms of drain -n's 2.2 ms), and thousands on a large
 * machine. They are the children of kthreadd, listed in one file
 * (/proc/2/task/2/children, CONFIG_PROC_CHILDREN), trusted only once PID 2
 * is seen to be kthreadd: in a PID namespace PID 2 is anybody, and no
 * kernel thread is visible there. Those children also include the user-mode
 * helpers the kernel starts without waiting for them (modprobe, a core-dump
 * pipe), which are thus never matched either. Read once per process: a
 * later kernel thread only takes the slower way. No list (an older kernel,
 * hidepid) only means the slower way for all. */
static uint64_t kthread_bits[PROC_PID_MAX / 64 + 1];	/* only touched pages cost */

static void
kthreads_read(void)
{
	static int known;
	struct proc_stat st;
	char buf[2048];
	unsigned long pid = 0;
	ssize_t n, i;
	int fd;

	if (known++ || proc_stat_read(2, &st) || st.ppid || !(st.flags & PF_KTHREAD) ||
	    (fd = open("/proc/2/task/2/children", O_RDONLY)) < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)	/* "3 4 5 ... " */
		for (i = 0; i < n; i++) {
			unsigned d = (unsigned char)buf[i] - '0';

			if (d < 10) {
				if (pid <= PROC_PID_MAX)	/* else too long: no PID */
					pid = pid * 10 + d;
				continue;
			}
			if (pid <= PROC_PID_MAX)
				kthread_bits[pid / 64] |= 1ULL << (pid % 64);
			pid = 0;
		}
	close(fd);
}

/* pid: 1..PROC_PID_MAX (bit 0 is set by an empty field, and no PID is 0) */
static int
is_kthread(pid_t pid)
{
	return kthread_bits[pid / 64] >> (pid % 64) & 1;
}

/* One /proc entry: counts it in *count (and out[]) when it is a process
 * called name. */
static void
find_one(const char *d_name, const char *name, int (*keep)(pid_t), struct proc_found *out,
	 int max, int *count, pid_t self, int noexe)
{
	struct proc_stat st;
	pid_t pid;

	if (d_name[0] < '0' || d_name[0] > '9' ||
	    proc_pid_parse(d_name, strlen(d_name), &pid) || pid == self ||
	    is_kthread(pid))
		return;
	if (!scan_match(pid, name, noexe, &st) || (keep && !keep(pid)))
		return;
	if (*count < max) {
		out[*count].pid = pid;
		out[*count].start = st.start;
	}
	(*count)++;
}

/* What getdents64(2) returns, the same on every libc. */
struct dent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* getdents64(2) into a static buffer: opendir() would pull in malloc, some
 * 7 KB of a static binary that otherwise never allocates. Our own exe link
 * always reads on Linux; a /proc without those links (an emulation) makes
 * every process fall back to the stat line. */
int
proc_find(const char *name, int (*keep)(pid_t), struct proc_found *out, int max)
{
	static uint64_t buf[512];
	const struct dent64 *e;
	char exe[4096];
	long n, off;
	int fd = open("/proc", O_RDONLY | O_DIRECTORY), count = 0, noexe;
	pid_t self = getpid();

	if (fd < 0)
		return -1;
	if (!*name) {
		close(fd);
		return 0;
	}
	noexe = exe_read(self, exe) < 0;
	kthreads_read();
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += e->reclen) {
			e = (const struct dent64 *)(const void *)((const char *)buf + off);
			if (e->reclen == 0)
				break;
			find_one(e->name, name, keep, out, max, &count, self, noexe);
		}
	if (n < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return count;
}

/* ---- who a process is: /proc itself, ids, executable, cgroup ------------- */

/* An empty /proc directory (an initramfs before `mount -t proc`) reads as
 * a system with no process: every name matches nothing, every PID looks
 * gone. statfs tells a real procfs from it. */
int
proc_mounted(void)
{
	struct statfs sf;

	if (statfs("/proc", &sf))
		return -1;
	if (sf.f_type != PROC_SUPER_MAGIC) {
		errno = EMEDIUMTYPE;
		return -1;
	}
	return 0;
}

/* The nth (from 0) number on the line starting with key ("Uid:") in
 * NUL-terminated status text, its fields split by tabs. */
static int
status_num(const char *buf, const char *key, int nth, unsigned long long *v)
{
	size_t klen = strlen(key);
	const char *p = buf, *end;

	while (strncmp(p, key, klen))
		if (!(p = strchr(p, '\n')) || !*++p)
			return -1;
	p += klen;
	end = p + strlen(p);
	for (;;) {
		while (*p == '\t' || *p == ' ')
			p++;
		if (num_field(&p, end, v))
			return -1;
		if (!nth--)
			return 0;
	}
}

int
proc_ids_read(pid_t pid, struct proc_ids *ids)
{
	char buf[1024];
	unsigned long long tgid, euid;

	/* Tgid (line 4) and Uid (line 9) come in the first few hundred bytes */
	if (proc_read(pid, "status", buf, sizeof(buf)) < 0)
		return -1;
	if (status_num(buf, "Tgid:", 0, &tgid) || status_num(buf, "Uid:", 1, &euid) ||
	    tgid > PROC_PID_MAX || euid > 0xffffffffULL) {
		errno = EINVAL;
		return -1;
	}
	ids->tgid = (pid_t)tgid;
	ids->euid = (uid_t)euid;
	return 0;
}

int
proc_kthread(pid_t pid, struct proc_stat *st)
{
	return !proc_stat_read(pid, st) && (st->flags & PF_KTHREAD);
}

/* A replaced executable (a package upgrade renames the new binary over
 * the old one, then restarts the service) still runs the old inode, whose
 * link reads "PATH (deleted)": it counts when it was on PATH's filesystem,
 * so a file deleted elsewhere that once had that name does not. */
int
proc_exe_is(pid_t pid, const char *path, const struct stat *want)
{
	char link[32], buf[4096];
	struct stat st;

	if (stat(proc_path(link, pid, "exe"), &st))
		return 0;
	if (st.st_dev == want->st_dev && st.st_ino == want->st_ino)
		return 1;
	return st.st_dev == want->st_dev && st.st_nlink == 0 && exe_read(pid, buf) >= 0 &&
	       deleted_of(buf, path, strlen(path));
}

/* In the text of a /proc/PID/cgroup file ("ID:CONTROLLERS:PATH" lines),
 * the path of cgroup v2 (v2: the "0::" line) or of systemd's own v1
 * hierarchy ("N:name=systemd:"). Returns its length with *path set, or -1. */
static ssize_t
cg_find(const char *buf, int v2, const char **path)
{
	const char *line, *nl, *c1;

	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		c1 = memchr(line, ':', (size_t)(nl - line));
		/* neither prefix holds a '\n': a match is within the line */
		if (v2 ? !strncmp(line, "0::", 3) : c1 && !strncmp(c1 + 1, "name=systemd:", 13)) {
			*path = v2 ? line + 3 : c1 + 14;
			return nl - *path;
		}
		if (!*nl)
			break;
	}
	return -1;
}

/* The length of the unit part of cgroup path p[0..n): up to the end of its
 * last component ending in ".service" ("/system.slice/app.service" of
 * ".../app.service/.control", where a delegated unit runs ExecStop=), or
 * 0 when no component does (a login session's scope, "/", a container's
 * own cgroup). */
static size_t
cg_unit(const char *p, size_t n)
{
	size_t i, end = 0;

	for (i = 8; i <= n; i++)
		if ((i == n || p[i] == '/') && !memcmp(p + i - 8, ".service", 8))
			end = i;
	return end;
}

int
proc_cg_self(struct proc_cg *cg)
{
	char buf[4096];

	if (file_read("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return errno == ENOENT ? 0 : -1;	/* no cgroups in this kernel */
	return proc_cg_parse(buf, cg);
}

int
proc_cg_parse(const char *buf, struct proc_cg *cg)
{
	const char *path;
	ssize_t n;
	size_t unit;

	cg->v2 = 1;
	n = cg_find(buf, 1, &path);
	if (n < 0 || (n == 1 && path[0] == '/')) {
		cg->v2 = 0;
		n = cg_find(buf, 0, &path);
	}
	unit = n > 0 ? cg_unit(path, (size_t)n) : 0;
	if (!unit)
		return 0;
	if (unit >= sizeof(cg->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(cg->path, path, unit);
	cg->path[unit] = 0;
	cg->len = unit;
	return 1;
}

int
proc_in_cg(pid_t pid, const struct proc_cg *cg)
{
	char buf[4096];
	const char *p;
	ssize_t n;

	if (proc_read(pid, "cgroup", buf, sizeof(buf)) < 0 ||
	    (n = cg_find(buf, cg->v2, &p)) < 0)
		return 0;
	return (size_t)n >= cg->len && !memcmp(p, cg->path, cg->len) &&
	       ((size_t)n == cg->len || p[cg->len] == '/');
}
