/* SPDX-License-Identifier: 0BSD */
/* fakehap.c - a fake HAProxy runtime API socket for the tests: answers
 * each connection with canned bytes, including none at all. Host cc,
 * single file, no lib/ linkage; runs on the build machine only.
 *
 * Usage: fakehap [-u PATH] [-t SECONDS] [-r FILE] [ANSWER...]
 *   (default)   listen on 127.0.0.1, port chosen by the kernel
 *   -u PATH     listen on the UNIX socket PATH instead (removed first)
 *   -t SECONDS  exit after SECONDS without a connection (default 60)
 *   -r FILE     append each command line received to FILE
 *   ANSWER      what the Nth connection gets, the last one repeating: the
 *               bytes of a file, "-" for nothing (accept, read the
 *               command, close), or "=TEXT" for TEXT and a newline;
 *               with no ANSWER, every connection gets nothing
 * Prints the port (for -u: the path) and a newline on stdout, flushes,
 * then serves one connection at a time: reads the command line (2 s at
 * most), writes the answer, closes. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void
die(const char *what)
{
	fprintf(stderr, "fakehap: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
listen_on(const char *path)
{
	struct sockaddr_in in;
	struct sockaddr_un un;
	socklen_t len = sizeof(in);
	int fd = socket(path ? AF_UNIX : AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (path) {
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(un.sun_path))
			die("path too long");
		strcpy(un.sun_path, path);
		unlink(path);
		if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0)
			die("bind");
	} else {
		memset(&in, 0, sizeof(in));
		in.sin_family = AF_INET;
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *)&in, sizeof(in)) < 0)
			die("bind");
	}
	if (listen(fd, 16) < 0)
		die("listen");
	if (path) {
		printf("%s\n", path);
	} else {
		if (getsockname(fd, (struct sockaddr *)&in, &len) < 0)
			die("getsockname");
		printf("%u\n", ntohs(in.sin_port));
	}
	fflush(stdout);
	return fd;
}

/* Reads the command line (up to a newline, 2 s) and records it. */
static void
read_command(int c, const char *record)
{
	char buf[4096];
	size_t len = 0;
	struct pollfd p = { .fd = c, .events = POLLIN };
	ssize_t r;
	FILE *f;

	while (len < sizeof(buf) - 1 && poll(&p, 1, 2000) > 0) {
		if ((r = read(c, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += (size_t)r;
		if (memchr(buf, '\n', len))
			break;
	}
	if (record && (f = fopen(record, "a"))) {
		fwrite(buf, 1, len, f);
		if (!len || buf[len - 1] != '\n')
			fputc('\n', f);
		fclose(f);
	}
}

static void
answer(int c, const char *a)
{
	char buf[65536];
	size_t n;
	FILE *f;

	if (!a || !strcmp(a, "-"))
		return;
	if (a[0] == '=') {
		if (write(c, a + 1, strlen(a + 1)) < 0 || write(c, "\n", 1) < 0)
			return;
		return;
	}
	if (!(f = fopen(a, "rb")))
		die(a);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (write(c, buf, n) != (ssize_t)n)
			break;
	fclose(f);
}

int
main(int argc, char **argv)
{
	const char *path = 0, *record = 0;
	int timeout = 60, opt, fd, c, k = 0;
	struct pollfd p;

	while ((opt = getopt(argc, argv, "u:t:r:")) != -1) {
		switch (opt) {
		case 'u': path = optarg; break;
		case 't': timeout = atoi(optarg); break;
		case 'r': record = optarg; break;
		default:
			fprintf(stderr, "usage: fakehap [-u PATH] [-t SECONDS] [-r FILE] [ANSWER...]\n");
			return 2;
		}
	}
	fd = listen_on(path);
	p.fd = fd;
	p.events = POLLIN;
	while (poll(&p, 1, timeout * 1000) > 0) {
		if ((c = accept(fd, 0, 0)) < 0)
			continue;
		read_command(c, record);
		answer(c, optind + k < argc ? argv[optind + k] : optind < argc ?
		       argv[argc - 1] : 0);
		if (optind + k < argc)
			k++;
		close(c);
	}
	return 0;
}
