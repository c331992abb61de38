/* SPDX-License-Identifier: 0BSD */
/* tap.h - the unit tests' tiny harness, header-only.
 *
 * Each check prints "PASS: prog: what" or "FAIL: prog: what" (the lines
 * tests/run counts); tap_done() returns the exit status. guard_copy() puts
 * input right before an unmapped page, so a parser that reads one byte past
 * its length faults at once, sanitizers or not. */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TAP_UNUSED __attribute__((unused))

static const char *tap_prog = "unit";
static int tap_fails, tap_passes;

TAP_UNUSED __attribute__((format(printf, 2, 3))) static int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s: ", cond ? "PASS" : "FAIL", tap_prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (cond)
		tap_passes++;
	else
		tap_fails++;
	return cond;
}

/* The qemu-user program this test runs under (tests/run exports EMU for
 * make check ARCH=X on a foreign CPU), or 0 on a real CPU. */
TAP_UNUSED static const char *
tap_emulator(void)
{
	const char *e = getenv("EMU");

	return e && *e ? e : 0;
}

/* A "SKIP: prog: what (why)" line, for a check that cannot run here. */
TAP_UNUSED __attribute__((format(printf, 2, 3))) static int
tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: %s: ", tap_prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\n", why);
	fflush(stdout);
	return 1;
}

/* ok(), but under qemu-user the check is skipped, saying why: for what
 * qemu-user cannot show as a real CPU does. */
#define ok_real(why, cond, ...) \
	(tap_emulator() ? tap_skip(why, __VA_ARGS__) : ok(cond, __VA_ARGS__))

TAP_UNUSED static int
is_int(long long got, long long want, const char *what)
{
	if (!ok(got == want, "%s", what))
		printf("#   got %lld, want %lld\n", got, want);
	return got == want;
}

TAP_UNUSED static int
is_str(const char *got, const char *want, const char *what)
{
	int same = got && want ? strcmp(got, want) == 0 : got == want;

	if (!ok(same, "%s", what ? what : "?"))
		printf("#   got \"%s\", want \"%s\"\n", got ? got : "(null)",
		       want ? want : "(null)");
	return same;
}

TAP_UNUSED static int
tap_done(void)
{
	return tap_fails ? 1 : 0;
}

/* A copy of s[0..n) that ends exactly at an unmapped page. Each call frees
 * the previous copy. Returns NULL only when mmap fails. */
TAP_UNUSED static char *
guard_copy(const void *s, size_t n)
{
	static char *map;
	static size_t maplen;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (n + pg - 1) / pg * pg + pg;
	char *p;

	if (map)
		munmap(map, maplen);
	map = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return map = 0;
	maplen = len;
	mprotect(map + len - pg, pg, PROT_NONE);
	p = map + len - pg - n;
	memcpy(p, s, n);
	return p;
}

#endif
