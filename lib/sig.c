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

/* Installs fn for sig, without SA_RESTART. */
static void
handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

void
stop_on_signals(void)
{
	handle(SIGTERM, on_stop);
	handle(SIGINT, on_stop);
}

/* Signals whose default would end drain midway, and that mean "stop": a
 * person's ^C or ^\, `systemctl kill -s HUP` (which reaches ExecStop= as
 * well), a stray USR1 or timer signal. The real-time ones are added by
 * number (musl keeps the first few for itself: sigaction refuses them). */
static const unsigned char as_stop[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGSTKFLT,
	SIGVTALRM, SIGPROF, SIGXCPU, SIGIO, SIGPWR
};
/* Signals about our own output or terminal: a stderr that is a closed
 * pipe (the write just fails), a file size limit (the same), and the
 * terminal's stop signals (a stopped drain holds the node depooled). */
static const unsigned char ignored[] = { SIGPIPE, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU };

void
stop_on_all_signals(void)
{
	size_t i;
	int s;

	for (i = 0; i < sizeof(as_stop); i++)
		handle(as_stop[i], on_stop);
	for (s = SIGRTMIN; s <= SIGRTMAX; s++)
		handle(s, on_stop);
	for (i = 0; i < sizeof(ignored); i++)
		handle(ignored[i], SIG_IGN);
}
