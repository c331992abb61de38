/* SPDX-License-Identifier: 0BSD */
/* t_opt.c - the option parser: forms, mixing, "--", and usage errors (in a
 * child, since they exit 2). */
#include <stdlib.h>
#include <sys/wait.h>

#include "lib/lib.h"
#include "tests/unit/tap.h"

enum { O_LONGONLY = OPTID_APPLET, O_DUR };

static const struct opt test_opts[] = {
	{ "max", 'm', ARG_NUM, "N", "the most (default 0)" },
	{ "name", 'n', ARG_STR, "NAME", "a name" },
	{ "all", 'a', ARG_NONE, 0, "all of them" },
	{ "long-only", O_LONGONLY, ARG_NONE, 0, "no short form" },
	{ "timeout", O_DUR, ARG_DUR, "DUR", "how long (default 30s)" },
	{ 0, 0, 0, 0, 0 }
};

static int test_main(int argc, char **argv) { (void)argc; (void)argv; return 0; }

static const struct applet applet_test = {
	.name = "test", .main = test_main, .usage = "[OPTIONS] ARG...",
	.about = "A test.", .exits = "0 ok",
	.opts = { test_opts, common_opts, 0 },
};

/* Parses argv; writes a trace such as "m5 n:x a A:p L T1500" into out. */
static void
trace(int argc, char **argv, char *out, size_t size)
{
	struct optstate o = OPTSTATE_INIT;
	size_t n = 0;
	int id;

	out[0] = 0;
	while ((id = opt_next(&o, argc, argv, &applet_test)) != -1 && n < size - 40) {
		switch (id) {
		case 'm': n += snprintf(out + n, size - n, "m%lld ", o.num); break;
		case 'n': n += snprintf(out + n, size - n, "n:%s ", o.arg); break;
		case 'a': n += snprintf(out + n, size - n, "a "); break;
		case O_LONGONLY: n += snprintf(out + n, size - n, "L "); break;
		case O_DUR: n += snprintf(out + n, size - n, "T%lld ", (long long)o.ms); break;
		case OPT_ARG: n += snprintf(out + n, size - n, "A:%s ", o.arg); break;
		default: n += snprintf(out + n, size - n, "?%d ", id);
		}
	}
}

static void
parses(const char *want, int argc, char **argv)
{
	char got[256];

	trace(argc, argv, got, sizeof(got));
	is_str(got, want, want);
}

/* The exit status of parsing argv in a child, its stderr to /dev/null. */
static int
child_status(int argc, char **argv)
{
	char got[256];
	int st;
	pid_t p = fork();

	if (p == 0) {
		freopen("/dev/null", "w", stderr);
		freopen("/dev/null", "w", stdout);
		trace(argc, argv, got, sizeof(got));
		_exit(99);
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define ARGV(...) (int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)), (char *[]){ __VA_ARGS__ }

int
main(void)
{
	tap_prog = "t_opt";
	parses("m5 n:x a ", ARGV("test", "-m5", "-n", "x", "-a"));
	parses("m7 n:y ", ARGV("test", "--max=7", "--name", "y"));
	parses("a m3 ", ARGV("test", "-am3"));
	parses("a m3 ", ARGV("test", "-am", "3"));
	parses("A:p a A:q ", ARGV("test", "p", "-a", "q"));
	parses("L T1500 ", ARGV("test", "--long-only", "--timeout=1.5s"));
	parses("a A:-m A:--x ", ARGV("test", "-a", "--", "-m", "--x"));
	parses("A:- ", ARGV("test", "-"));
	parses("n:=x ", ARGV("test", "--name==x"));
	is_int(child_status(ARGV("test", "--name=")), 2, "an empty value exits 2");
	is_int(child_status(ARGV("test", "-n", "")), 2, "an empty value exits 2 (short)");
	{
		static char huge[OPT_MAX_ARG + 2];

		memset(huge, 'x', OPT_MAX_ARG);
		is_int(child_status(ARGV("test", "-n", huge)), 99, "a value of OPT_MAX_ARG bytes is taken");
		huge[OPT_MAX_ARG] = 'x';
		is_int(child_status(ARGV("test", "-n", huge)), 2, "a value over OPT_MAX_ARG exits 2");
	}
	is_int(child_status(ARGV("test", "--bogus")), 2, "unknown long option exits 2");
	is_int(child_status(ARGV("test", "-z")), 2, "unknown short option exits 2");
	is_int(child_status(ARGV("test", "--max")), 2, "missing value exits 2");
	is_int(child_status(ARGV("test", "--max=x")), 2, "bad number exits 2");
	is_int(child_status(ARGV("test", "--max=-1")), 2, "negative number exits 2");
	is_int(child_status(ARGV("test", "--timeout=1y")), 2, "bad duration exits 2");
	is_int(child_status(ARGV("test", "--all=1")), 2, "value for a flag exits 2");
	is_int(child_status(ARGV("test", "--ma", "1")), 2, "no prefix abbreviation");
	is_int(child_status(ARGV("test", "--help")), 0, "--help exits 0");
	is_int(child_status(ARGV("test", "-ah")), 0, "-h in a cluster exits 0");
	is_int(child_status(ARGV("test", "a")), 99, "plain arguments parse");
	return tap_done();
}
