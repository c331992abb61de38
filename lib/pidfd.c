/* SPDX-License-Identifier: 0BSD */
/* pidfd.c - holding on to a process until it is gone. Where the kernel has
 * pidfd_open(2) (5.3) and pidfd_send_signal(2) (5.1), a pidfd names the
 * process itself, not its PID: a signal can never reach a process that
 * reused the PID, and poll(2) on the pidfd wakes the moment it exits (a
 * zombie counts: it has exited, its parent just has not reaped it). On
 * older kernels, when a seccomp filter answers EPERM, when out of file
 * descriptors, or with
 * DRAINBOX_NO_PIDFD=1 in the environment (the tests use it to cover this
 * path), it falls back to kill(2) after checking that /proc/PID/stat still
 * shows the start time seen at attach, and to polling /proc every 25 ms.
 * Both syscalls go through syscall(2): musl has no wrappers for them. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/lib.h"

/* the generic syscall table's numbers (x86_64, arm64, ...: all but alpha
 * and ia64, whose headers have them) */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define FALLBACK_POLL_MS 25

static int
no_pidfd(void)
{
	const char *e = getenv("DRAINBOX_NO_PIDFD");

	return e && !strcmp(e, "1");
}

/* 1 when the pidfd says its process has exited. */
static int
fd_exited(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

/* 1 when the fallback sees p gone: no /proc entry, another start time, or
 * a zombie. */
static int
proc_gone(const struct pidfd_proc *p)
{
	struct proc_stat st;

	if (proc_stat_read(p->pid, &st))
		return errno == ENOENT || errno == ESRCH;
	return st.start != p->start || proc_exited(&st);
}

static int
attach_fail(struct pidfd_proc *p, int rc)
{
	pidfd_detach(p);
	return rc;
}

int
pidfd_attach(struct pidfd_proc *p, pid_t pid, unsigned long long want_start)
{
	struct proc_stat st;
	long fd = -1;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->fd = -1;
	p->comm[0] = '?';	/* until /proc names it */
	if (!no_pidfd()) {
		fd = syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0 && errno == ESRCH)
			return PIDFD_NONE;
		/* a thread ID: EINVAL before Linux 6.9, ENOENT since */
		if (fd < 0 && (errno == EINVAL || errno == ENOENT)) {
			errno = EINVAL;
			return -1;
		}
		if (fd < 0 && errno != ENOSYS && errno != EPERM &&
		    errno != EMFILE && errno != ENFILE && errno != ENOMEM)
			return -1;
		p->fd = (int)fd;
	}
	if (proc_stat_read(pid, &st)) {
		if (errno != ENOENT && errno != ESRCH)
			return attach_fail(p, -1);
		/* no /proc entry: gone, unless /proc is not mounted (an empty
		 * chroot): a pidfd then does without it, the fallback cannot */
		if (p->fd >= 0 && !fd_exited(p->fd))
			return want_start ? attach_fail(p, PIDFD_NONE) : 0;
		if (p->fd < 0 && (kill(pid, 0) == 0 || errno == EPERM)) {
			errno = ENOENT;
			return -1;
		}
		return attach_fail(p, PIDFD_NONE);
	}
	if (want_start && st.start != want_start)
		return attach_fail(p, PIDFD_NONE);
	memcpy(p->comm, st.comm, sizeof(p->comm));
	p->start = st.start;
	if (proc_exited(&st))
		return attach_fail(p, PIDFD_ZOMBIE);
	/* alive now means /proc spoke of the process the pidfd holds */
	if (p->fd >= 0 && fd_exited(p->fd))
		return attach_fail(p, PIDFD_ZOMBIE);
	return 0;
}

int
pidfd_alive(const struct pidfd_proc *p)
{
	return p->fd >= 0 ? !fd_exited(p->fd) : !proc_gone(p);
}

int
pidfd_kill(struct pidfd_proc *p, int sig)
{
	long r;

	if (p->fd >= 0) {
		r = syscall(SYS_pidfd_send_signal, p->fd, sig, (void *)0, 0);
	} else if (proc_gone(p)) {
		r = -1;
		errno = ESRCH;
	} else {
		r = kill(p->pid, sig);
	}
	if (r == 0)
		return 0;
	if (errno != ESRCH)
		return -1;
	p->gone = 1;
	return 1;
}

int
pidfd_wait(struct pidfd_proc *p, int n, const struct deadline *dl)
{
	static struct pollfd pfd[PIDFD_MAX];
	static int idx[PIDFD_MAX];
	int i, nfd, seen, polling, left, r;

	if (n > PIDFD_MAX)
		n = PIDFD_MAX;
	for (;;) {
		/* pidfds go to poll(2); the fallback's entries are checked in /proc */
		seen = polling = nfd = 0;
		for (i = 0; i < n; i++) {
			if (p[i].gone)
				continue;
			if (p[i].fd >= 0) {
				pfd[nfd].fd = p[i].fd;
				pfd[nfd].events = POLLIN;
				pfd[nfd].revents = 0;
				idx[nfd++] = i;
			} else if (proc_gone(&p[i])) {
				p[i].gone = 1;
				seen++;
			} else {
				polling = 1;
			}
		}
		left = deadline_left(dl);
		if (seen || (!nfd && !polling))
			return seen;
		r = poll(pfd, (nfds_t)nfd, polling && left > FALLBACK_POLL_MS ?
			 FALLBACK_POLL_MS : left);
		if (r < 0 && errno != EINTR)
			return -1;
		for (i = 0; r > 0 && i < nfd; i++) {
			if (pfd[i].revents & POLLNVAL)
				p[idx[i]].fd = -1;	/* cannot happen; poll /proc */
			else if (pfd[i].revents)
				p[idx[i]].gone = 1, seen++;
		}
		if (seen)
			return seen;
		if (!left)
			return 0;
	}
}

void
pidfd_detach(struct pidfd_proc *p)
{
	int e = errno;

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	errno = e;
}
