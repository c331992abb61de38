/* SPDX-License-Identifier: 0BSD */
/* brun.c - the bench's command timer: runs a command N times and reports
 * its wall time (median, mean, min) and peak RSS. Built static with the
 * musl compiler by `make bench`, so that the RSS it passes on to each child
 * (Linux counts the pre-exec image in ru_maxrss) is a few KiB, not the
 * megabyte of a glibc program: the peak RSS figures are the command's own.
 *
 * Usage: brun [-m] [-n RUNS] [-w WARMUP] [-V VICTIM] [--] COMMAND [ARG...]
 *   -m          measure memory instead of time: each run is traced
 *               (ptrace, stopped at its exit) and its VmHWM read from
 *               /proc/PID/status and its Rss from /proc/PID/smaps_rollup
 *               while its memory still exists; prints
 *                 runs N failed N vmhwm_kb N rss_kb N   (the largest)
 *               (ru_maxrss is a cheaper figure, but the kernel's batched
 *               per-CPU RSS counters make it undercount a small process
 *               by up to a few hundred KiB)
 *   -n RUNS     measured runs (default 200)
 *   -w WARMUP   runs before those, not measured (default 5)
 *   -V VICTIM   before each run, start VICTIM (a program path, run with
 *               the argument 600: /bin/sleep under another name), and put
 *               its PID in place of every argument "%PID"; after the run it
 *               is killed (if still there) and reaped
 * Each run: posix_spawn (stdin, stdout and stderr on /dev/null), wait4;
 * the time is taken around both. Prints one line on stdout:
 *   runs N failed N median_us N mean_us N min_us N maxrss_kb N
 * (failed: runs that did not exit 0; maxrss_kb: the largest ru_maxrss).
 * Exit: 0, 1 a run could not be started, 2 usage. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS_MAX 10000
#define ARGS_MAX 64

extern char **environ;

static long long samples[RUNS_MAX];

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static pid_t
spawn(char **argv, posix_spawn_file_actions_t *fa)
{
	pid_t pid;

	if (posix_spawn(&pid, argv[0], fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "brun: %s: cannot run it\n", argv[0]);
		exit(1);
	}
	return pid;
}

/* The first "KEY N kB" number of /proc/PID/FILE, or 0. */
static long
proc_kb(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, kl) == 0) {
			v = atol(line + kl);
			break;
		}
	fclose(f);
	return v;
}

/* One traced run of args: its exit status in *st, its VmHWM and Rss at
 * the exit stop in hwm and rss (kB). */
static void
run_traced(char **args, int *st, long *hwm, long *rss)
{
	pid_t pid;
	int s, sig, j, fd;

	*hwm = *rss = 0;
	if ((pid = fork()) < 0) {
		perror("brun: fork");
		exit(1);
	}
	if (pid == 0) {
		for (j = 0; j < 3; j++)
			if ((fd = open("/dev/null", j ? O_WRONLY : O_RDONLY)) >= 0 && fd != j) {
				dup2(fd, j);
				close(fd);
			}
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execv(args[0], args);
		_exit(127);
	}
	for (;;) {
		if (waitpid(pid, &s, 0) < 0) {
			perror("brun: waitpid");
			exit(1);
		}
		if (WIFEXITED(s) || WIFSIGNALED(s))
			break;
		sig = WSTOPSIG(s);
		if (sig == SIGTRAP && (s >> 16) == PTRACE_EVENT_EXIT) {
			*hwm = proc_kb(pid, "status", "VmHWM:");
			*rss = proc_kb(pid, "smaps_rollup", "Rss:");
			sig = 0;
		} else if (sig == SIGTRAP) {
			/* the stop after execve */
			ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(long)PTRACE_O_TRACEEXIT);
			sig = 0;
		}
		ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
	}
	*st = s;
}

static int
main_mem(char **args, long runs)
{
	long i, failed = 0, hwm, rss, maxhwm = 0, maxrss = 0;
	int st;

	for (i = 0; i < runs; i++) {
		run_traced(args, &st, &hwm, &rss);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
		if (hwm > maxhwm)
			maxhwm = hwm;
		if (rss > maxrss)
			maxrss = rss;
	}
	printf("runs %ld failed %ld vmhwm_kb %ld rss_kb %ld\n", runs, failed, maxhwm, maxrss);
	return 0;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *args[ARGS_MAX + 1], *vargv[3], pidtext[16];
	const char *victim = NULL;
	long runs = 200, warm = 5, i, failed = 0, maxrss = 0;
	long long sum = 0, t;
	struct rusage ru;
	pid_t pid, vpid = 0;
	int ch, st, n, j, mem = 0;

	while ((ch = getopt(argc, argv, "+mn:w:V:")) != -1) {
		switch (ch) {
		case 'm': mem = 1; break;
		case 'n': runs = atol(optarg); break;
		case 'w': warm = atol(optarg); break;
		case 'V': victim = optarg; break;
		default: goto usage;
		}
	}
	n = argc - optind;
	if (n < 1 || n > ARGS_MAX || runs < 1 || runs > RUNS_MAX || warm < 0)
		goto usage;
	if (mem) {
		if (victim)
			goto usage;
		return main_mem(argv + optind, runs);
	}
	posix_spawn_file_actions_init(&fa);
	for (j = 0; j < 3; j++)
		posix_spawn_file_actions_addopen(&fa, j, "/dev/null", j ? O_WRONLY : O_RDONLY, 0);
	vargv[0] = (char *)victim;
	vargv[1] = "600";
	vargv[2] = NULL;
	for (i = -warm; i < runs; i++) {
		if (victim) {
			vpid = spawn(vargv, &fa);
			snprintf(pidtext, sizeof pidtext, "%d", (int)vpid);
			usleep(2000);	/* let it exec, so it has its name */
		}
		for (j = 0; j < n; j++)
			args[j] = strcmp(argv[optind + j], "%PID") ? argv[optind + j] : pidtext;
		args[n] = NULL;
		t = now_us();
		pid = spawn(args, &fa);
		if (wait4(pid, &st, 0, &ru) < 0) {
			perror("brun: wait4");
			return 1;
		}
		t = now_us() - t;
		if (victim) {
			kill(vpid, SIGKILL);
			waitpid(vpid, NULL, 0);
		}
		if (i < 0)
			continue;
		samples[i] = t;
		sum += t;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	qsort(samples, (size_t)runs, sizeof samples[0], cmp_ll);
	printf("runs %ld failed %ld median_us %lld mean_us %lld min_us %lld maxrss_kb %ld\n",
	    runs, failed, runs % 2 ? samples[runs / 2] :
	    (samples[runs / 2 - 1] + samples[runs / 2]) / 2,
	    sum / runs, samples[0], maxrss);
	return 0;
usage:
	fprintf(stderr, "usage: brun [-m] [-n RUNS] [-w WARMUP] [-V VICTIM] [--] COMMAND [ARG...]\n");
	return 2;
}
