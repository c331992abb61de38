/* SPDX-License-Identifier: 0BSD */
/* brun.c - the bench's command timer: runs commands N times each, in turn,
 * and reports their wall time (median, mean, min) or their peak memory.
 * Built static with the musl compiler by `make bench` (a few KiB of its
 * own, so it disturbs the figures little).
 *
 * Usage: brun [-m [-R]] [-n RUNS] [-w WARMUP] [-V VICTIM] [--]
 *             COMMAND [ARG...] [::: COMMAND [ARG...]]...
 *   COMMAND     a path (no PATH search); up to 8 commands split by ":::",
 *               run round robin (run 1 of each, run 2 of each...), so a
 *               busy machine slows them all alike and the ratios hold
 *   -n RUNS     measured runs of each (default 200)
 *   -w WARMUP   rounds before those, not measured (default 5)
 *   -V VICTIM   before each run, start VICTIM (a program path, run with
 *               the argument 600: /bin/sleep under another name), and put
 *               its PID in place of every argument "%PID"; after the run it
 *               is killed (if still there) and reaped
 *   -m          measure memory instead of time: each run is traced
 *               (ptrace, stopped at its exit) and its VmHWM read from
 *               /proc/PID/status and its Rss from /proc/PID/smaps_rollup
 *               while its memory still exists. (getrusage's ru_maxrss is
 *               cheaper, but it also counts the pre-exec image and the
 *               kernel's batched per-CPU RSS counters make it undercount a
 *               small process by up to a few hundred KiB.) Also the
 *               descriptors it still has open at that stop (0, 1 and 2
 *               included: the kernel closes them after it).
 *   -R          with -m: runs without address-space randomisation, so
 *               runs of the same command compare page for page (the
 *               stack's random offset moves VmHWM by a page)
 * Each timed run: posix_spawn (stdin, stdout and stderr on /dev/null),
 * waitpid; the time is taken around both. Prints one line per command:
 *   runs N failed N median_us N mean_us N min_us N
 *   runs N failed N vmhwm_kb N rss_kb N fds N        (-m; the largest)
 * (failed: runs that did not exit 0).
 * Exit: 0, 1 a run could not be started, 2 usage. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS_MAX 10000
#define ARGS_MAX 64
#define CMDS_MAX 8

extern char **environ;

static int norandom;	/* -R */

static long long samples[CMDS_MAX][RUNS_MAX];

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

/* How many entries /proc/PID/fd has (open descriptors), or -1. */
static long
proc_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* One traced run of args: its exit status in *st, its VmHWM and Rss at
 * the exit stop in hwm and rss (kB), its open descriptors then in fds. */
static void
run_traced(char **args, int *st, long *hwm, long *rss, long *fds)
{
	pid_t pid;
	int s, sig, j, fd;

	*hwm = *rss = *fds = 0;
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
		for (fd = 3; fd < 1024; fd++)	/* count only its own */
			close(fd);
		if (norandom)
			personality(ADDR_NO_RANDOMIZE);
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
			*fds = proc_fds(pid);
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
	long i, failed = 0, hwm, rss, fds, maxhwm = 0, maxrss = 0, maxfds = 0;
	int st;

	for (i = 0; i < runs; i++) {
		run_traced(args, &st, &hwm, &rss, &fds);
		if (fds > maxfds)
			maxfds = fds;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
		if (hwm > maxhwm)
			maxhwm = hwm;
		if (rss > maxrss)
			maxrss = rss;
	}
	printf("runs %ld failed %ld vmhwm_kb %ld rss_kb %ld fds %ld\n", runs, failed, maxhwm,
	    maxrss, maxfds);
	return 0;
}

/* One timed run of args; returns its wall time in us, *st its status. */
static long long
run_timed(char **args, posix_spawn_file_actions_t *fa, int *st)
{
	long long t = now_us();
	pid_t pid = spawn(args, fa);

	if (waitpid(pid, st, 0) < 0) {
		perror("brun: waitpid");
		exit(1);
	}
	return now_us() - t;
}

static void
report(long runs, long failed, long long *v)
{
	long long sum = 0;
	long i;

	for (i = 0; i < runs; i++)
		sum += v[i];
	qsort(v, (size_t)runs, sizeof v[0], cmp_ll);
	printf("runs %ld failed %ld median_us %lld mean_us %lld min_us %lld\n",
	    runs, failed, runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2,
	    sum / runs, v[0]);
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char *args[ARGS_MAX + 1], *vargv[3], pidtext[16];
	char **cmd[CMDS_MAX];
	int ncmd = 0, clen[CMDS_MAX];
	const char *victim = NULL;
	long runs = 200, warm = 5, i, failed[CMDS_MAX] = { 0 };
	long long t;
	pid_t vpid = 0;
	int ch, st, j, c, mem = 0;

	while ((ch = getopt(argc, argv, "+mRn:w:V:")) != -1) {
		switch (ch) {
		case 'm': mem = 1; break;
		case 'R': norandom = 1; break;
		case 'n': runs = atol(optarg); break;
		case 'w': warm = atol(optarg); break;
		case 'V': victim = optarg; break;
		default: goto usage;
		}
	}
	/* split the commands at ":::" */
	for (j = optind; j <= argc; j++) {
		if (j < argc && strcmp(argv[j], ":::") != 0)
			continue;
		if (ncmd == CMDS_MAX || j - optind < 1 || j - optind > ARGS_MAX)
			goto usage;
		cmd[ncmd] = argv + optind;
		clen[ncmd++] = j - optind;
		optind = j + 1;
	}
	if (runs < 1 || runs > RUNS_MAX || warm < 0)
		goto usage;
	if (mem) {
		if (victim)
			goto usage;
		for (c = 0; c < ncmd; c++) {
			memcpy(args, cmd[c], (size_t)clen[c] * sizeof args[0]);
			args[clen[c]] = NULL;
			main_mem(args, runs);
		}
		return 0;
	}
	posix_spawn_file_actions_init(&fa);
	for (j = 0; j < 3; j++)
		posix_spawn_file_actions_addopen(&fa, j, "/dev/null", j ? O_WRONLY : O_RDONLY, 0);
	vargv[0] = (char *)victim;
	vargv[1] = "600";
	vargv[2] = NULL;
	/* round robin: each run of every command sees the same conditions */
	for (i = -warm; i < runs; i++) {
		for (c = 0; c < ncmd; c++) {
			if (victim) {
				vpid = spawn(vargv, &fa);
				snprintf(pidtext, sizeof pidtext, "%d", (int)vpid);
				usleep(2000);	/* let it exec, so it has its name */
			}
			for (j = 0; j < clen[c]; j++)
				args[j] = strcmp(cmd[c][j], "%PID") ? cmd[c][j] : pidtext;
			args[clen[c]] = NULL;
			t = run_timed(args, &fa, &st);
			if (victim) {
				kill(vpid, SIGKILL);
				waitpid(vpid, NULL, 0);
			}
			if (i < 0)
				continue;
			samples[c][i] = t;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				failed[c]++;
		}
	}
	for (c = 0; c < ncmd; c++)
		report(runs, failed[c], samples[c]);
	return 0;
usage:
	fprintf(stderr, "usage: brun [-m [-R]] [-n RUNS] [-w WARMUP] [-V VICTIM] [--] "
	    "COMMAND [ARG...] [::: COMMAND [ARG...]]...\n");
	return 2;
}
