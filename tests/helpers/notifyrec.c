/* SPDX-License-Identifier: 0BSD */
/* notifyrec.c - a stand-in for systemd's notification socket, for the
 * tests of drain's sd_notify messages. Host cc, single file.
 *
 * Usage: notifyrec SOCKET OUTFILE [SECONDS]
 *   binds an AF_UNIX datagram socket at the path SOCKET (removed first),
 *   prints SOCKET and a newline on stdout, then appends every datagram it
 *   receives to OUTFILE followed by a line "--" (a message may hold several
 *   lines). Exits 0 after SECONDS (default 60) without a datagram, 1 on an
 *   error, 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
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
	fprintf(stderr, "notifyrec: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
bind_at(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "notifyrec: %s: path too long\n", path);
		exit(2);
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		die("bind");
	return fd;
}

int
main(int argc, char **argv)
{
	char buf[4096 + 4];
	struct pollfd p;
	int fd, out, secs = 60;
	ssize_t n;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: notifyrec SOCKET OUTFILE [SECONDS]\n");
		return 2;
	}
	if (argc == 4)
		secs = atoi(argv[3]);
	fd = bind_at(argv[1]);
	if ((out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
		die(argv[2]);
	printf("%s\n", argv[1]);
	fflush(stdout);
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		int r = poll(&p, 1, secs * 1000);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll");
		if (r == 0)
			return 0;
		if ((n = recv(fd, buf, sizeof(buf) - 4, 0)) < 0)
			die("recv");
		memcpy(buf + n, "\n--\n", 4);
		if (write(out, buf, (size_t)n + 4) < 0)
			die("write");
	}
}
