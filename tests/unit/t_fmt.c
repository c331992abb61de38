/* SPDX-License-Identifier: 0BSD */
/* t_fmt.c - fmt_sn() gives what libc's snprintf gives for every conversion
 * drainbox uses, truncates like it, and always terminates. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "lib/lib.h"
#include "tests/unit/tap.h"

#define SAME(...) do {							\
	char want[128], got[128];					\
	int nw = snprintf(want, sizeof(want), __VA_ARGS__);		\
	int ng = fmt_sn(got, sizeof(got), __VA_ARGS__);			\
	ok(nw == ng && !strcmp(want, got), "%s -> \"%s\"", #__VA_ARGS__, want); \
} while (0)

int
main(void)
{
	char small[5];
	int n;

	tap_prog = "t_fmt";
	SAME("plain text");
	SAME("%s: %s", "a", "bc");
	SAME("[%5s|%-5s|%.2s|%.*s|%*s|%-*s]", "ab", "ab", "abc", 1, "xyz", 4, "q", 3, "r");
	SAME("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	SAME("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
	SAME("%u %x %zu %c%c", 4294967295u, 0xbeefu, (size_t)12345, 'o', 'k');
	SAME("%05d %05d %-5d| %0*lld %3d", 42, -42, 7, 3, 5LL, 1234);
	SAME("%lld.%02llds", 1LL, 5LL);
	/* %zu then %s: on a 32-bit CPU a 64-bit read of the size_t would
	 * also eat the pointer after it */
	SAME("%zu bytes of %s, %zd", (size_t)65536, "header", (ssize_t)-3);
	SAME("%zu|%s|%zx|%d", SIZE_MAX, "x", (size_t)0xabc, 7);
	SAME("100%% %s", "done");
	{
		char got[128], want[128];

		errno = ENOENT;
		fmt_sn(want, sizeof(want), "open: %s|%-5.3s|", net_strerror(ENOENT),
		       net_strerror(ENOENT));
		errno = ENOENT;
		fmt_sn(got, sizeof(got), "open: %m|%-5.3m|");
		is_str(got, want, "%m is errno in words, with width and precision");
	}
	n = fmt_sn(small, sizeof(small), "%s", "abcdefgh");
	ok(n == 8 && !strcmp(small, "abcd"), "truncates to size - 1, returns the full length");
	n = fmt_sn(small, 1, "%d", 12345);
	ok(n == 5 && small[0] == 0, "size 1: an empty string");
	n = fmt_sn(small, 0, "%d", 7);
	ok(n == 1, "size 0: writes nothing, returns the length");
	return tap_done();
}
