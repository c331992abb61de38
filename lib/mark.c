/* SPDX-License-Identifier: 0BSD */
/* mark.c - drain's markers: a small file in a root-owned directory (by
 * default /run/drainbox, DRAINBOX_RUN_DIR for tests) saying "drain renamed
 * PATH to PATH.disabled, and this (device, inode, ctime) is the file it
 * left there". `repool --if-drained` (the unit's ExecStartPre=, mending a
 * drain that was killed) renames back only a file with a marker that
 * matches, so an operator's own depool is never undone.
 *
 * Whoever owns the service user and the health directory must not be able
 * to steer root through this: the marker never names what to rename (the
 * command line does; the marker only says yes or no), its directory and
 * the marker itself are trusted only when owned by root (or by us) and not
 * writable by group or others, both are opened with O_NOFOLLOW (and the
 * marker O_NONBLOCK, O_NOCTTY: a FIFO or a tty is refused, never waited
 * on), and the file at PATH.disabled must still be the very one drain
 * renamed: a file put in its place, renamed back and forth, or written to
 * changes its ctime, inode or device. Markers are named from a hash of the
 * path (and, for a relative one, of the working directory), hold the path
 * as given, are written with O_EXCL (no rename, no fsync: /run is tmpfs),
 * at most MARK_MAX bytes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lib.h"

#define MARK_MAX (PATH_MAX + 128)	/* the header line and a path */
#define MARK_MAGIC "drainbox-mark 1 "

/* The directory markers live in. */
static const char *
mark_dirname(void)
{
	const char *d = getenv("DRAINBOX_RUN_DIR");

	return d && *d ? d : MARK_DIR;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

/* The marker's name for the file whose .disabled name is moved: "f-" and
 * a 64-bit FNV-1a of the path, and for a relative one of the working
 * directory's device and inode too (no getcwd: it would pull malloc in). */
static int
mark_name(const char *moved, char *name, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL, id[2];
	struct stat st;

	if (strlen(moved) >= PATH_MAX)
		return -1;
	if (moved[0] != '/') {
		if (stat(".", &st) < 0)
			return -1;
		id[0] = (uint64_t)st.st_dev;
		id[1] = (uint64_t)st.st_ino;
		h = fnv(h, id, sizeof(id));
	}
	h = fnv(h, moved, strlen(moved));
	fmt_sn(name, size, "f-%08lx%08lx", (unsigned long)(h >> 32),
	       (unsigned long)(h & 0xffffffffUL));
	return 0;
}

/* What a marker records of the file at moved: device, inode and ctime
 * (seconds, nanoseconds), in the order of the marker's numbers. */
static void
mark_id(const struct stat *st, unsigned long long id[4])
{
	id[0] = (unsigned long long)st->st_dev;
	id[1] = (unsigned long long)st->st_ino;
	id[2] = (unsigned long long)st->st_ctim.tv_sec;
	id[3] = (unsigned long long)st->st_ctim.tv_nsec;
}

/* Owned by root or by us, and not writable by group or others. */
static int
mark_trusted(const struct stat *st)
{
	return (st->st_uid == 0 || st->st_uid == geteuid()) && !(st->st_mode & 022);
}

/* Opens the marker directory, creating it (mode 0755) when create is set.
 * Returns the fd, -ENOENT when it does not exist, or another -errno; an
 * untrusted directory is -EPERM. */
static int
mark_dir_open(int create)
{
	const char *dir = mark_dirname();
	struct stat st;
	int fd;

	if (create && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !mark_trusted(&st)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static const char *
dir_why(int e)
{
	return e == -EPERM ? "not owned by root, or writable by others: not used" :
	       net_strerror(e);
}

/* mark_set() failed: "DIR[/NAME]: A: B: 'repool --if-drained' cannot mend
 * PATH...", a warning, or info when that is expected (info set). */
static void
mark_unmended(int info, const char *name, const char *a, const char *b,
	      const char *path)
{
	(info ? log_info : log_warn)("%s%s%s: %s: %s: 'repool --if-drained' cannot "
				     "mend %s if this stop is cut short", mark_dirname(),
				     *name ? "/" : "", name, a, b, path);
}

int
mark_set(const char *path, const char *moved)
{
	char name[32], buf[MARK_MAX];
	unsigned long long id[4];
	const char *act;
	struct stat st;
	int dfd, fd, n, w;

	if (mark_name(moved, name, sizeof(name)) < 0) {
		log_warn("%s: no marker for 'repool --if-drained': path too long", path);
		return -1;
	}
	if (lstat(moved, &st) < 0) {
		log_warn("%s: stat: %m: no marker for 'repool --if-drained'", moved);
		return -1;
	}
	if ((dfd = mark_dir_open(1)) < 0) {
		/* no /run, or a read-only one: a container or an initramfs,
		 * where no ExecStartPre= would read it anyway */
		mark_unmended(dfd == -ENOENT || dfd == -EROFS, "", dir_why(dfd),
			      "no marker", path);
		return -1;
	}
	mark_id(&st, id);
	n = fmt_sn(buf, sizeof(buf), MARK_MAGIC "%llu %llu %llu %llu\n%s\n",
		   id[0], id[1], id[2], id[3], moved);
	act = "unlink";
	fd = -1;
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT) {
		act = "create";
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_NOCTTY | O_CLOEXEC, 0644);
	}
	if (fd >= 0)
		act = "write";
	w = fd < 0 ? -1 : (int)write(fd, buf, (size_t)n);
	if (w != n) {
		mark_unmended(0, name, act, w < 0 ? net_strerror(errno) : "short write",
			      path);
		if (fd >= 0)
			unlinkat(dfd, name, 0);
	}
	if (fd >= 0)
		close(fd);
	close(dfd);
	return w == n ? 0 : -1;
}

/* Reads the marker name in dfd into buf (NUL-terminated); its length, or
 * -1 with why set. */
static int
mark_read(int dfd, const char *name, char *buf, size_t size, const char **why)
{
	struct stat st;
	ssize_t r;
	size_t len = 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
			O_CLOEXEC);

	if (fd < 0) {
		*why = errno == ELOOP ? "a symlink, not a marker" : net_strerror(errno);
		return errno == ENOENT ? -2 : -1;
	}
	*why = "not a regular file owned by root and writable only by it";
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !mark_trusted(&st) ||
	    st.st_nlink != 1 || st.st_size >= (off_t)size) {
		close(fd);
		return -1;
	}
	while (len < size - 1 && (r = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = 0;
	return (int)len;
}

/* A decimal number at *p followed by the byte stop, into *v; advances *p
 * past stop. -1 when empty, not digits or too large. */
static int
mark_num(const char **p, const char *end, char stop, unsigned long long *v)
{
	if (num_field(p, end, v) || *p == end || **p != stop)
		return -1;
	++*p;
	return 0;
}

/* Parses "drainbox-mark 1 DEV INO CSEC CNSEC\nPATH\n": 0 when PATH is
 * exactly moved and the file at moved is the one it describes, 1 when the
 * file changed since, -1 when malformed or for another file (why set). */
static int
mark_match(const char *buf, size_t len, const char *moved, const char **why)
{
	const char *p = buf + sizeof(MARK_MAGIC) - 1, *end = buf + len;
	unsigned long long v[4], now[4];
	size_t ml = strlen(moved);
	struct stat st;
	int i;

	*why = "malformed";
	if (len < sizeof(MARK_MAGIC) || memcmp(buf, MARK_MAGIC, sizeof(MARK_MAGIC) - 1))
		return -1;
	for (i = 0; i < 4; i++)
		if (mark_num(&p, end, i < 3 ? ' ' : '\n', &v[i]))
			return -1;
	*why = "names another file";
	if ((size_t)(end - p) != ml + 1 || memcmp(p, moved, ml) || end[-1] != '\n')
		return -1;
	*why = "changed since drain renamed it (replaced, renamed or written to)";
	if (lstat(moved, &st) < 0)
		return 1;
	mark_id(&st, now);
	return memcmp(v, now, sizeof(v)) != 0;
}

int
mark_check(const char *path, const char *moved)
{
	char name[32], buf[MARK_MAX];
	const char *why;
	int dfd, n, m;

	if (mark_name(moved, name, sizeof(name)) < 0) {
		log_err("%s: path too long for a marker", path);
		return MARK_BAD;
	}
	if ((dfd = mark_dir_open(0)) == -ENOENT)
		return MARK_NONE;
	if (dfd < 0) {
		log_err("%s: %s", mark_dirname(), dir_why(dfd));
		return MARK_BAD;
	}
	n = mark_read(dfd, name, buf, sizeof(buf), &why);
	close(dfd);
	if (n == -2)
		return MARK_NONE;
	if (n < 0 || (m = mark_match(buf, (size_t)n, moved, &why)) < 0) {
		log_err("%s/%s: %s", mark_dirname(), name, why);
		return MARK_BAD;
	}
	if (m > 0) {
		log_info("%s: %s", moved, why);
		return MARK_STALE;
	}
	return MARK_OK;
}

void
mark_drop(const char *path, const char *moved, int warn)
{
	char name[32];
	int dfd;

	if (mark_name(moved, name, sizeof(name)) < 0 ||
	    (dfd = mark_dir_open(0)) < 0)
		return;
	/* no marker (ENOENT) is nothing to drop */
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT && warn)
		log_warn("%s/%s: unlink: %s: drain's marker for %s stays, so 'repool "
			 "--if-drained' may put it back", mark_dirname(), name,
			 net_strerror(errno), path);
	close(dfd);
}
