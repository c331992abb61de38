/* SPDX-License-Identifier: 0BSD */
/* pkproc.c - processes for pidkill's tests to stop. Once set up, it writes
 * a PID to PIDFILE (atomically: PIDFILE.tmp, then rename), so a test knows
 * the signal handling is in place before it sends anything.
 *   pkproc term PIDFILE      exits on SIGTERM (the default action)
 *   pkproc ignore PIDFILE    ignores SIGTERM: only SIGKILL stops it
 *   pkproc slow PIDFILE MS   on SIGTERM, sleeps MS ms, then exits 0
 *   pkproc count PIDFILE N   exits on the Nth SIGTERM
 *   pkproc zombie PIDFILE    forks a child that exits at once and never
 *                            reaps it; writes the (zombie) child's PID
 *   pkproc zparent PIDFILE   forks a child that exits on SIGTERM and never
 *                            reaps it; writes the child's PID
 *   pkproc thread PIDFILE    starts a second thread and writes its thread
 *                            ID (not a PID); exits on SIGTERM
 * Children die with their parent (PR_SET_PDEATHSIG), so a test's cleanup
 * of what it spawned leaves nothing behind. Exit 2 on bad usage. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t terms;

static void
on_term(int sig)
{
	(void)sig;
	terms++;
}

static void
write_pid(const char *path, pid_t pid)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) || rename(tmp, path)) {
		perror(path);
		exit(1);
	}
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

static void
catch_term(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, 0);
}

/* Forks a child; the child exits at once (zombie) or waits for SIGTERM. */
static void
fork_child(const char *path, int exit_now)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (exit_now)
			_exit(0);
		for (;;)
			pause();
	}
	/* wait for the zombie without reaping it */
	if (exit_now && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT)) {
		perror("waitid");
		exit(1);
	}
	write_pid(path, pid);
	for (;;)
		pause();
}

static void *
thread_main(void *path)
{
	write_pid(path, (pid_t)syscall(SYS_gettid));
	for (;;)
		pause();
	return 0;
}

int
main(int argc, char **argv)
{
	long n = argc > 3 ? atol(argv[3]) : 0;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "zombie") || !strcmp(argv[1], "zparent"))
		fork_child(argv[2], argv[1][1] == 'o');
	if (!strcmp(argv[1], "thread")) {
		pthread_t t;

		if (pthread_create(&t, 0, thread_main, argv[2]))
			return 1;
		for (;;)
			pause();
	}
	if (!strcmp(argv[1], "ignore"))
		signal(SIGTERM, SIG_IGN);
	else if (!strcmp(argv[1], "slow") || !strcmp(argv[1], "count"))
		catch_term();
	else if (strcmp(argv[1], "term"))
		return 2;
	write_pid(argv[2], getpid());
	for (;;) {
		pause();
		if (argv[1][0] == 's' && terms) {
			sleep_ms(n);
			return 0;
		}
		if (argv[1][0] == 'c' && terms >= n)
			return 0;
	}
}
