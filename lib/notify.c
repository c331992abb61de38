/* SPDX-License-Identifier: 0BSD */
/* notify.c - what drain tells systemd while it works: STATUS= lines for
 * `systemctl status`, and EXTEND_TIMEOUT_USEC= so that a long stop is not
 * cut short by TimeoutStopSec. A thin layer over net/sdnotify.c's
 * sd_notify_send(): one datagram a message, nothing at all when
 * NOTIFY_SOCKET is unset, and a failure said once, as a warning, never an
 * error (systemd's bookkeeping must not make a stop fail). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/lib.h"

static int notify_warned;

int
notify_on(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && *s;
}

static void
notify_send(const char *msg)
{
	int e = sd_notify_send(msg);

	if (e < 0 && !notify_warned) {
		notify_warned = 1;
		log_warn("$NOTIFY_SOCKET: send: %s", net_strerror(e));
	}
}

void
notify_status(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (!notify_on())
		return;
	n = fmt_sn(msg, sizeof(msg), "STATUS=%s: ", log_name);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;
	va_start(ap, fmt);
	fmt_vsn(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	notify_send(msg);
}

void
notify_extend(int64_t ms)
{
	char msg[64];

	if (!notify_on())
		return;
	if (ms < 1000)
		ms = 1000;
	fmt_sn(msg, sizeof(msg), "EXTEND_TIMEOUT_USEC=%" PRId64, ms * 1000);
	notify_send(msg);
}
