/* SPDX-License-Identifier: 0BSD */
/* t_err.c - net_strerror(): our errno table against the C library's words
 * (exactly musl's in the musl build; in the host build only the values
 * glibc words the same way), "error N" for the rest, and every NET_E* code
 * in words. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/net.h"
#include "tests/unit/tap.h"

/* Values where glibc and musl agree, so the host build checks them too. */
static const int same_everywhere[] = {
	EPERM, ENOENT, ESRCH, EACCES, EEXIST, ENOTDIR, EISDIR, EINVAL,
	ENOSPC, EROFS, ECONNREFUSED, ECONNRESET, ENOTEMPTY
};

static void
check_table(void)
{
	char want[32];
	int e, known = 0;

	for (e = 1; e < 134; e++) {
		const char *got = net_strerror(-e);

		snprintf(want, sizeof(want), "error %d", e);
		if (!strcmp(got, want))
			continue;
		known++;
#ifndef __GLIBC__
		if (!is_str(got, strerror(e), "errno in musl's words"))
			printf("#   errno %d\n", e);
#endif
		if (!is_str(net_strerror(e), got, "a positive errno reads the same"))
			printf("#   errno %d\n", e);
	}
	ok(known == 55, "55 errno values have words (%d)", known);
}

int
main(void)
{
	size_t i;
	char want[32];

	tap_prog = "t_err";
	check_table();
	for (i = 0; i < sizeof(same_everywhere) / sizeof(*same_everywhere); i++)
		is_str(net_strerror(-same_everywhere[i]),
		       strerror(same_everywhere[i]), "errno words");
	snprintf(want, sizeof(want), "error %d", ENOKEY);
	is_str(net_strerror(-ENOKEY), want, "an errno not in the table");
	is_str(net_strerror(4095), "error 4095", "the largest errno");
	is_str(net_strerror(0), "success", "zero");
	is_str(net_strerror(NET_EDNS), "no such host", "a NET_E code");
	is_str(net_strerror(NET_ETIMEDOUT_DNS), "timed out looking up the name",
	       "the DNS timeout");
	is_str(net_strerror(-20000), "unknown error", "below every range");
	for (i = (size_t)-(NET_EAGAIN); i > 0 && (int)-i <= NET_ETLS_ENTROPY; i--)
		ok(strcmp(net_strerror((int)-i), "unknown error") != 0,
		   "NET code %d has words", (int)-i);
	return tap_done();
}
