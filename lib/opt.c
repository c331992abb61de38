/* SPDX-License-Identifier: 0BSD */
/* opt.c - the table-driven option parser, and the --help it renders from
 * the same tables. Our own rather than getopt_long: the same behaviour and
 * wording on every libc, no prefix abbreviations, options and arguments in
 * any order, and ARG_NUM / ARG_DUR checked in one place. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

int dry_run;

const struct opt common_opts[] = {
	{ "quiet", 'q', ARG_NONE, 0, "log only warnings and errors" },
	{ "verbose", 'v', ARG_NONE, 0, "log more detail" },
	{ "help", 'h', ARG_NONE, 0, "show this help and exit" },
	{ 0, 0, 0, 0, 0 }
};

const struct opt dryrun_opts[] = {
	{ "dry-run", OPT_DRYRUN, ARG_NONE, 0, "say what would be done, change nothing" },
	{ 0, 0, 0, 0, 0 }
};

int
common_opt(const struct optstate *o, int id)
{
	(void)o;
	switch (id) {
	case 'q': log_level = 0; return 1;
	case 'v': log_level = 2; return 1;
	case OPT_DRYRUN: dry_run = 1; return 1;
	}
	return 0;
}

static void
usage_vlog(const char *name, const char *fmt, va_list ap)
{
	char msg[512];

	fmt_vsn(msg, sizeof(msg), fmt, ap);
	log_err("%s (see '%s --help')", msg, name);
}

void
usage_die(const struct applet *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vlog(a->name, fmt, ap);
	va_end(ap);
	exit(EX_USAGE);
}

void
usage_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_vlog(log_name, fmt, ap);
	va_end(ap);
	exit(EX_USAGE);
}

static int
is_short(int id)
{
	return id > ' ' && id < 127;
}

static const struct opt *
find_opt(const struct applet *a, const char *name, size_t len, int shortc)
{
	const struct opt *g, *p;
	int i;

	for (i = 0; i < APPLET_GROUPS && (g = a->opts[i]); i++)
		for (p = g; p->name || p->id; p++) {
			if (name && p->name && !strncmp(p->name, name, len) &&
			    !p->name[len])
				return p;
			if (!name && is_short(p->id) && p->id == shortc)
				return p;
		}
	return 0;
}

/* "--name" or "-c", for messages. */
static const char *
opt_label(const struct opt *p, char *buf, size_t size)
{
	if (p->name)
		fmt_sn(buf, size, "--%s", p->name);
	else
		fmt_sn(buf, size, "-%c", p->id);
	return buf;
}

/* Checks and converts the argument of p; returns its id. */
static int
opt_take(struct optstate *o, const struct applet *a, const struct opt *p)
{
	char label[64];

	o->opt = p;
	opt_label(p, label, sizeof(label));
	if (p->id == 'h') {
		help_print(a);
		if (out_flush())
			die(EX_FAIL, "stdout: %m");
		exit(EX_OK);
	}
	if (o->arg && !*o->arg && p->arg != ARG_ANY)
		usage_die(a, "%s: empty value", label);
	if (o->arg && strlen(o->arg) > OPT_MAX_ARG)
		usage_die(a, "%s: value longer than %d bytes", label, OPT_MAX_ARG);
	if (p->arg == ARG_NUM && num_parse(o->arg, 0, LLONG_MAX, &o->num))
		usage_die(a, "%s: not a whole number: '%s'", label, o->arg);
	if (p->arg == ARG_DUR && dur_parse(o->arg, &o->ms))
		usage_die(a, "%s: not a duration: '%s' (say 250ms, 2s, 1.5s or 1m)",
			  label, o->arg);
	return p->id;
}

static int
opt_long(struct optstate *o, int argc, char **argv, const struct applet *a,
	 const char *s)
{
	const char *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s) : strlen(s);
	const struct opt *p = find_opt(a, s, len, 0);

	if (!p)
		usage_die(a, "unknown option: --%.*s", (int)len, s);
	o->arg = 0;
	if (p->arg == ARG_NONE && eq)
		usage_die(a, "--%s takes no value", p->name);
	if (p->arg != ARG_NONE) {
		if (eq)
			o->arg = eq + 1;
		else if (o->ind < argc)
			o->arg = argv[o->ind++];
		else
			usage_die(a, "--%s needs a value (%s)", p->name, p->metavar);
	}
	return opt_take(o, a, p);
}

static int
opt_short(struct optstate *o, int argc, char **argv, const struct applet *a)
{
	int c = (unsigned char)*o->next++;
	const struct opt *p = find_opt(a, 0, 0, c);

	if (!p)
		usage_die(a, "unknown option: -%c", c);
	o->arg = 0;
	if (p->arg != ARG_NONE) {
		if (*o->next)
			o->arg = o->next;
		else if (o->ind < argc)
			o->arg = argv[o->ind++];
		else
			usage_die(a, "-%c needs a value (%s)", c, p->metavar);
		o->next = 0;
	}
	return opt_take(o, a, p);
}

int
opt_next(struct optstate *o, int argc, char **argv, const struct applet *a)
{
	const char *s;

	if (o->next && *o->next)
		return opt_short(o, argc, argv, a);
	o->next = 0;
	if (o->ind >= argc)
		return -1;
	s = argv[o->ind++];
	if (o->dashdash || s[0] != '-' || !s[1]) {
		o->arg = s;
		o->opt = 0;
		return OPT_ARG;
	}
	if (s[1] != '-') {
		o->next = s + 1;
		return opt_short(o, argc, argv, a);
	}
	if (!s[2]) {
		o->dashdash = 1;
		return opt_next(o, argc, argv, a);
	}
	return opt_long(o, argc, argv, a, s + 2);
}

#define HELP_COL 28
#define HELP_WIDTH 79

/* Prints t from column col (where the cursor is), wrapped at blanks to
 * HELP_WIDTH, each further line indented to col. */
static void
help_text(const char *t, int col)
{
	size_t room = (size_t)(HELP_WIDTH - col), n;

	for (;;) {
		n = strlen(t);
		if (n > room) {
			for (n = room; n > 0 && t[n] != ' '; n--)
				;
			if (!n)
				n = room;
		}
		out("%.*s\n", (int)n, t);
		t += n;
		while (*t == ' ')
			t++;
		if (!*t)
			return;
		out("%*s", col, "");
	}
}

static void
help_opt(const struct opt *p)
{
	char left[64];
	int n;

	n = fmt_sn(left, sizeof(left), "  %c%c%s%s%s%s%s",
		     is_short(p->id) ? '-' : ' ', is_short(p->id) ? p->id : ' ',
		     is_short(p->id) && p->name ? ", " : "  ",
		     p->name ? "--" : "", p->name ? p->name : "",
		     p->arg != ARG_NONE ? " " : "",
		     p->arg != ARG_NONE && p->metavar ? p->metavar : "");
	if (n < HELP_COL)
		out("%-*s", HELP_COL, left);
	else
		out("%s\n%*s", left, HELP_COL, "");
	help_text(p->help, HELP_COL);
}

/* Prints t line by line: out() takes 1023 bytes a call. */
static void
help_lines(const char *t)
{
	size_t n;

	for (; t && *t; t += n + (t[n] == '\n'))
		out("%.*s\n", (int)(n = strcspn(t, "\n")), t);
}

void
help_print(const struct applet *a)
{
	char exits[256];
	const struct opt *g, *p;
	int i;

	out("Usage: %s ", a->name);
	help_text(a->usage, (int)strlen(a->name) + 8);
	out("\n");
	help_lines(a->about);
	help_lines(a->more);
	out("\nOptions:\n");
	for (i = 0; i < APPLET_GROUPS && (g = a->opts[i]); i++)
		for (p = g; p->name || p->id; p++)
			help_opt(p);
	fmt_sn(exits, sizeof(exits), "%s.", a->exits);
	out("\nExit: ");
	help_text(exits, 6);
}
