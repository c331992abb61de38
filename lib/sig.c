/* SPDX-License-Identifier: 0BSD */
/* sig.c - SIGTERM/SIGINT become a flag that waits check. The handler is
 * installed without SA_RESTART, so a poll(2) in progress returns EINTR and
 * the wait notices at once instead of at its next timeout. */
#include <string.h>

#include "lib/lib.h"

volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

void
stop_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, 0);
	sigaction(SIGINT, &sa, 0);
}
