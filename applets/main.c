/* SPDX-License-Identifier: 0BSD */
/* main.c - the multi-call dispatcher: runs the applet named by argv[0]'s
 * basename, or by the first argument when that basename is "drainbox".
 * Also: drainbox --list, --install [-s] DIR, --help [APPLET], --version.
 * Exit: the applet's own; 127 for an unknown applet; 2 for bad usage. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/lib.h"

#define X(n) extern const struct applet applet_##n;
APPLETS(X)
#undef X

#define X(n) &applet_##n,
static const struct applet *const applets[] = { APPLETS(X) 0 };
#undef X

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The applet called name; exits 127 when there is none. */
static const struct applet *
applet_find(const char *name)
{
	const struct applet *const *a;

	for (a = applets; *a; a++)
		if (!strcmp((*a)->name, name))
			return *a;
	die(EX_NOAPPLET, "applet not found: %s", name);
}

static void
drainbox_help(void)
{
	const struct applet *const *a;

	out("drainbox %s: graceful stops for servers behind a load balancer\n\n"
	       "Usage: drainbox APPLET [ARGS...]   or   APPLET [ARGS...] through a link\n"
	       "       drainbox --list | --install [-s] DIR | --help [APPLET] | --version\n\n"
	       "Applets:\n", VERSION);
	for (a = applets; *a; a++)
		out("  %-10s%s\n", (*a)->name, (*a)->summary);
	out("\nRun 'drainbox APPLET --help' for an applet's options.\n"
	       "Exit: the applet's; 127 no such applet, 2 usage.\n");
}

/* drainbox --options APPLET, for tests/options.test (not in --help): one
 * line per option of APPLET's tables, "LONG SHORT KIND METAVAR", '-' for
 * what it has not; KIND none, str, num, dur or any (as enum ARG_*). So
 * the test gives every option, a new one too, its hostile values. */
static void
options_dump(const struct applet *ap)
{
	static const char *const kind[] = { "none", "str", "num", "dur", "any" };
	const struct opt *g, *p;
	int i;

	for (i = 0; i < APPLET_GROUPS && (g = ap->opts[i]); i++)
		for (p = g; p->name || p->id; p++)
			out("%s %c %s %s\n", p->name ? p->name : "-",
			    p->id > ' ' && p->id < 127 ? p->id : '-', kind[p->arg],
			    p->metavar ? p->metavar : "-");
}

/* Links DIR/APPLET to this binary for every applet: hard links, or
 * symlinks with -s. An existing link to us is fine; anything else there is
 * left alone and reported. */
static int
drainbox_install(int symbolic, const char *dir)
{
	const struct applet *const *a;
	char self[PATH_MAX], path[PATH_MAX];
	struct stat me, st;
	ssize_t n;
	int rc = EX_OK;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		die(EX_FAIL, "--install: /proc/self/exe: %m");
	self[n] = 0;
	if (stat(self, &me))
		die(EX_FAIL, "--install: %s: %m", self);
	for (a = applets; *a; a++) {
		if ((size_t)fmt_sn(path, sizeof(path), "%s/%s", dir, (*a)->name) >= sizeof(path))
			die(EX_FAIL, "--install: %s: path too long", dir);
		if (stat(path, &st) == 0 && st.st_dev == me.st_dev && st.st_ino == me.st_ino)
			continue;
		if ((symbolic ? symlink(self, path) : link(self, path)) == 0)
			continue;
		log_err("--install: %s: %m", path);
		rc = EX_FAIL;
	}
	return rc;
}

static int
drainbox_main(int argc, char **argv)
{
	const struct applet *const *a;

	if (argc < 2) {
		drainbox_help();
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "--list")) {
		for (a = applets; *a; a++)
			out("%s\n", (*a)->name);
		return EX_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		out("drainbox %s (TLS: %s)\n", VERSION, CFG_TLS ? "BearSSL" : "none");
		return EX_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 3) {
			drainbox_help();
			return EX_OK;
		}
		help_print(applet_find(argv[2]));
		return EX_OK;
	}
	if (!strcmp(argv[1], "--options") && argc == 3) {
		options_dump(applet_find(argv[2]));
		return EX_OK;
	}
	if (!strcmp(argv[1], "--install")) {
		int s = argc > 2 && !strcmp(argv[2], "-s");

		if (argc != 3 + s)
			die(EX_USAGE, "usage: drainbox --install [-s] DIR");
		return drainbox_install(s, argv[2 + s]);
	}
	if (argv[1][0] == '-')
		die(EX_USAGE, "unknown option: %s (see 'drainbox --help')", argv[1]);
	return -1;	/* an applet name: the caller runs it */
}

/* Flushes stdout: output that could not be written is a failure. */
static int
finish(int rc)
{
	if (out_flush())
		die(EX_FAIL, "stdout: %m");
	return rc;
}

int
main(int argc, char **argv)
{
	const char *name = base_name(argc > 0 ? argv[0] : "drainbox");
	const struct applet *a;
	int rc;

	/* A stderr that is a closed pipe (a journal stream gone) must not end
	 * a stop midway: a log line that cannot be written is dropped, and a
	 * reader of stdout that went away is seen by out_write(). */
	signal(SIGPIPE, SIG_IGN);
	log_init("drainbox");
	if (!strcmp(name, "drainbox")) {
		if ((rc = drainbox_main(argc, argv)) >= 0)
			return finish(rc);
		argc--;
		argv++;
		name = argv[0];
	}
	a = applet_find(name);
	log_init(a->name);
	return finish(a->main(argc, argv));
}
