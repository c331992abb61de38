/* SPDX-License-Identifier: 0BSD */
/* backend.c - the end-to-end scenarios' application server: a naive app
 * behind HAProxy that drain must stop without dropping a request. Host cc,
 * single file, no lib/ linkage; runs on the build machine only.
 *
 * Usage: backend [-p PORT] [-f HEALTHFILE] [-t SECONDS] [-n] [-w MS]
 *   -p PORT        listen on 127.0.0.1:PORT (default 0: the kernel picks)
 *   -f HEALTHFILE  GET /status answers 200 while this file exists, else 503
 *                  (without -f: always 200)
 *   -t SECONDS     exit (0) after SECONDS whatever happens (default 300)
 *   -n             send READY=1 to $NOTIFY_SOCKET first (a Type=notify
 *                  unit under a real systemd, tests/e2e/systemd.test)
 *   -w MS          then wait MS before listening: an app that says it is
 *                  ready before it answers (default 0)
 * Prints the port and a newline on stdout, flushes, then serves, in one
 * process with one poll(2) loop (up to 1000 connections at once):
 *   GET /work?ms=N   200 "done" after N milliseconds (0..600000); counts
 *                    as in flight until answered
 *   GET /load        200, the number of /work requests in flight as a bare
 *   GET /check-load  integer (HHVM /check-load style)
 *   GET /health      200 "ok" (an app's liveness URL)
 *   GET /status      200 "ok" or 503 "down", by HEALTHFILE (for HAProxy's
 *                    `option httpchk GET /status`)
 *   anything else    404
 * Every answer has Content-Length and Connection: close, then the
 * connection is closed (one request per connection). SIGTERM ends it at
 * once, dropping whatever is in flight, as a naive server does: making
 * that safe is drain's job. As PID 1 of a container (tests/e2e/container.test)
 * it exits 143 on SIGTERM through a handler: the kernel drops a signal
 * that PID 1 of a namespace leaves at its default action. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 1000
#define REQ_MAX 4096
#define RESP_MAX 256
#define WORK_MAX_MS 600000

enum { C_FREE, C_READ, C_WORK, C_WRITE };

struct conn {
	int fd;
	int state;
	long long due;		/* C_WORK: when to answer (mono ms) */
	size_t len;		/* bytes in req, or in resp */
	size_t off;		/* resp bytes written */
	long long deadline;	/* C_READ/C_WRITE: give up (mono ms) */
	char req[REQ_MAX];
	char resp[RESP_MAX];
};

static struct conn conns[MAXCONN];
static int inflight;
static const char *health;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
die(const char *what)
{
	fprintf(stderr, "backend: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
listen_on(unsigned port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind");
	if (listen(fd, 1024) < 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		die("getsockname");
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static void
conn_close(struct conn *c)
{
	if (c->state == C_WORK)
		inflight--;
	close(c->fd);
	c->fd = -1;
	c->state = C_FREE;
}

static void
conn_answer(struct conn *c, int status, const char *body)
{
	const char *reason = status == 200 ? "OK" : status == 503 ?
	    "Service Unavailable" : status == 404 ? "Not Found" : "Bad Request";
	int n;

	if (c->state == C_WORK)
		inflight--;
	n = snprintf(c->resp, sizeof c->resp, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", status, reason, strlen(body), body);
	c->len = n > 0 && (size_t)n < sizeof c->resp ? (size_t)n : 0;
	c->off = 0;
	c->state = C_WRITE;
	c->deadline = now_ms() + 10000;
}

/* /work?ms=N: the N, or -1. */
static long long
work_ms(const char *q)
{
	long long v = 0;

	if (strncmp(q, "ms=", 3) != 0)
		return -1;
	for (q += 3; *q >= '0' && *q <= '9'; q++) {
		v = v * 10 + (*q - '0');
		if (v > WORK_MAX_MS)
			return -1;
	}
	return *q == '\0' ? v : -1;
}

/* A whole request head is in c->req: routes it. */
static void
conn_route(struct conn *c)
{
	char path[256], body[32];
	char *q;
	long long ms;

	if (sscanf(c->req, "GET %255s HTTP/1.", path) != 1) {
		conn_answer(c, 400, "bad request\n");
		return;
	}
	q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	if (strcmp(path, "/work") == 0) {
		ms = q ? work_ms(q) : -1;
		if (ms < 0) {
			conn_answer(c, 400, "ms=N, N in 0..600000\n");
			return;
		}
		c->state = C_WORK;
		c->due = now_ms() + ms;
		inflight++;
	} else if (strcmp(path, "/load") == 0 || strcmp(path, "/check-load") == 0) {
		snprintf(body, sizeof body, "%d\n", inflight);
		conn_answer(c, 200, body);
	} else if (strcmp(path, "/health") == 0) {
		conn_answer(c, 200, "ok\n");
	} else if (strcmp(path, "/status") == 0) {
		if (!health || access(health, F_OK) == 0)
			conn_answer(c, 200, "ok\n");
		else
			conn_answer(c, 503, "down\n");
	} else {
		conn_answer(c, 404, "not found\n");
	}
}

static void
conn_read(struct conn *c)
{
	ssize_t n;

	n = recv(c->fd, c->req + c->len, sizeof c->req - 1 - c->len, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(c);
		return;
	}
	if (n < 0)
		return;
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
		conn_route(c);
	else if (c->len == sizeof c->req - 1)
		conn_answer(c, 400, "head too long\n");
}

static void
conn_write(struct conn *c)
{
	ssize_t n;

	n = send(c->fd, c->resp + c->off, c->len - c->off, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->off += (size_t)n;
	if (c->off == c->len)
		conn_close(c);
}

static void
accept_all(int lfd)
{
	int fd, i, one = 1;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		for (i = 0; i < MAXCONN && conns[i].state != C_FREE; i++)
			;
		if (i == MAXCONN) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		conns[i].fd = fd;
		conns[i].state = C_READ;
		conns[i].len = 0;
		conns[i].deadline = now_ms() + 10000;
	}
}

/* The poll timeout: until the earliest due answer or give-up, or end. */
static int
next_timeout(long long now, long long end)
{
	long long t = end;
	int i;

	for (i = 0; i < MAXCONN; i++) {
		if (conns[i].state == C_WORK && conns[i].due < t)
			t = conns[i].due;
		else if ((conns[i].state == C_READ || conns[i].state == C_WRITE) &&
		    conns[i].deadline < t)
			t = conns[i].deadline;
	}
	return t <= now ? 0 : (int)(t - now);
}

static void
serve(int lfd, long long end)
{
	static struct pollfd pfd[MAXCONN + 1];
	static int idx[MAXCONN + 1];
	long long now;
	int i, n, r;

	while ((now = now_ms()) < end) {
		for (i = 0; i < MAXCONN; i++) {
			if (conns[i].state == C_WORK && conns[i].due <= now)
				conn_answer(&conns[i], 200, "done\n");
			else if ((conns[i].state == C_READ ||
			    conns[i].state == C_WRITE) && conns[i].deadline <= now)
				conn_close(&conns[i]);
		}
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		for (n = 1, i = 0; i < MAXCONN; i++) {
			if (conns[i].state == C_FREE)
				continue;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = conns[i].state == C_READ ? POLLIN :
			    conns[i].state == C_WRITE ? POLLOUT : 0;
			idx[n++] = i;
		}
		r = poll(pfd, n, next_timeout(now, end));
		if (r < 0 && errno != EINTR)
			die("poll");
		for (i = 1; r > 0 && i < n; i++) {
			struct conn *c = &conns[idx[i]];

			if (!pfd[i].revents)
				continue;
			if (c->state == C_READ)
				conn_read(c);
			else if (c->state == C_WRITE)
				conn_write(c);
			else if (pfd[i].revents & (POLLERR | POLLHUP))
				conn_close(c);
		}
		if (r > 0 && pfd[0].revents)
			accept_all(lfd);
	}
}

static void
on_term(int sig)
{
	_exit(128 + sig);
}

/* READY=1 to systemd's notification socket (a path, or @ for the
 * abstract namespace). */
static void
notify_ready(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t sl;
	int fd;

	if (!p || !*p || strlen(p) >= sizeof sa.sun_path) {
		fprintf(stderr, "backend: -n: no usable NOTIFY_SOCKET\n");
		exit(1);
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, p, strlen(p));
	if (p[0] == '@')
		sa.sun_path[0] = '\0';
	sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(p));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sa, sl) != 7)
		die("NOTIFY_SOCKET");
	close(fd);
}

int
main(int argc, char **argv)
{
	unsigned port = 0;
	long secs = 300, wait_ms = 0;
	int ch, i, ready = 0;

	while ((ch = getopt(argc, argv, "p:f:t:nw:")) != -1) {
		switch (ch) {
		case 'p': port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'f': health = optarg; break;
		case 't': secs = strtol(optarg, NULL, 10); break;
		case 'n': ready = 1; break;
		case 'w': wait_ms = strtol(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: backend [-p PORT] [-f HEALTHFILE] [-t SECONDS] [-n] [-w MS]\n");
			return 2;
		}
	}
	if (port > 65535 || secs <= 0 || wait_ms < 0 || wait_ms > 600000) {
		fprintf(stderr, "backend: bad -p, -t or -w\n");
		return 2;
	}
	if (ready)
		notify_ready();
	if (wait_ms)
		poll(NULL, 0, (int)wait_ms);
	signal(SIGTERM, getpid() == 1 ? on_term : SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;
	serve(listen_on(port), now_ms() + secs * 1000);
	return 0;
}
