/* SPDX-License-Identifier: 0BSD */
/* loadgen.c - the end-to-end scenarios' clients: N concurrent connections
 * sending `GET /work?ms=M` (through HAProxy) and counting, at the client
 * side, every request that did not get its answer. Host cc, single file,
 * no lib/ linkage; runs on the build machine only.
 *
 * Usage: loadgen -p PORT [-c N] [-m MS|MIN-MAX] [-g GAP_MS] [-d SECONDS]
 *                [-s STOPFILE] [-T SECONDS] [-r SEED]
 *   -p PORT      send to 127.0.0.1:PORT
 *   -c N         N clients at once, 1..1000 (default 4)
 *   -m MS        each request asks for ms=MS; MIN-MAX picks one uniformly
 *                at random for each request (default 100)
 *   -g GAP_MS    a client idles GAP_MS/2..3*GAP_MS/2 (at random) between
 *                its requests: light load, with moments of no request in
 *                flight (default 0: a new request as soon as one ends)
 *   -d SECONDS   start new requests for at most SECONDS (default 10)
 *   -s STOPFILE  or until STOPFILE exists (looked at every 20 ms)
 *   -T SECONDS   a request not answered within SECONDS failed (default 10)
 *   -r SEED      random seed (default: the PID)
 * One request per connection (Connection: close). A request is ok when a
 * whole response with status 200 arrived (Content-Length honoured); it
 * failed on a connect error, a reset, an early close, a status other than
 * 200, a malformed answer or the timeout (then that client waits 10 ms
 * more before its next request, so a dead peer is not hammered). When it stops starting requests
 * it waits for those in flight, then prints on stdout
 *   sent N ok N failed N
 * and on stderr the first 20 failures (when, which client, why) and the
 * failures by kind. Exit: 0 (whatever the counts), 2 usage. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCLIENT 1000
#define RESP_MAX 4096
#define SHOW_MAX 20

enum { S_IDLE, S_CONNECT, S_SEND, S_READ, S_DONE };
enum { F_CONNECT, F_RESET, F_EOF, F_STATUS, F_BAD, F_TIMEOUT, F_KINDS };
static const char *const fail_words[F_KINDS] = {
	"connect", "reset", "closed early", "status", "malformed", "timeout"
};

struct client {
	int fd;
	int state;
	long long at;		/* S_IDLE: start then; else: request deadline */
	char req[128];
	size_t reqlen, off;
	char resp[RESP_MAX];
	size_t len;
	int failed;		/* the last request failed: back off 10 ms */
};

static struct client cl[MAXCLIENT];
static struct sockaddr_in dst;
static int nclient = 4, gap_ms, timeout_ms = 10000;
static long min_ms = 100, max_ms = 100;
static long long t0;
static unsigned long nsent, nok, nfail, nkind[F_KINDS];

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long
rnd(long lo, long hi)
{
	return hi <= lo ? lo : lo + (long)(random() % (hi - lo + 1));
}

static void
req_fail(struct client *c, int kind, const char *detail)
{
	nfail++;
	nkind[kind]++;
	c->failed = 1;
	if (nfail <= SHOW_MAX)
		fprintf(stderr, "loadgen: %.3fs client %d: %s%s%s\n",
		    (now_ms() - t0) / 1000.0, (int)(c - cl), fail_words[kind],
		    detail ? ": " : "", detail ? detail : "");
}

static void
client_end(struct client *c, int stopping)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = stopping ? S_DONE : S_IDLE;
	c->at = now_ms() + (gap_ms ? rnd(gap_ms / 2, gap_ms * 3 / 2) : 0);
	if (c->failed)
		c->at += 10;
	c->failed = 0;
}

static void
client_start(struct client *c)
{
	int one = 1;

	c->reqlen = (size_t)snprintf(c->req, sizeof c->req,
	    "GET /work?ms=%ld HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n", rnd(min_ms, max_ms));
	c->off = c->len = 0;
	c->at = now_ms() + timeout_ms;
	nsent++;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		req_fail(c, F_CONNECT, strerror(errno));
		client_end(c, 0);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) == 0 ||
	    errno == EINPROGRESS) {
		c->state = S_CONNECT;
		return;
	}
	req_fail(c, F_CONNECT, strerror(errno));
	client_end(c, 0);
}

/* The response so far: 1 complete and 200, 0 need more, -1 failed
 * (counted). */
static int
resp_check(struct client *c, int eof)
{
	char *end, *cl_hdr, detail[48];
	size_t head, want;
	int status;

	c->resp[c->len] = '\0';
	end = strstr(c->resp, "\r\n\r\n");
	if (!end) {
		if (!eof && c->len < sizeof c->resp - 1)
			return 0;
		req_fail(c, c->len ? F_BAD : F_EOF, c->len ? "no head end" : NULL);
		return -1;
	}
	if (sscanf(c->resp, "HTTP/1.%*1[01] %3d", &status) != 1) {
		req_fail(c, F_BAD, "status line");
		return -1;
	}
	if (status != 200) {
		snprintf(detail, sizeof detail, "%d", status);
		req_fail(c, F_STATUS, detail);
		return -1;
	}
	head = (size_t)(end + 4 - c->resp);
	cl_hdr = strcasestr(c->resp, "\r\ncontent-length:");
	if (!cl_hdr || cl_hdr > end) {
		if (eof)
			return 1;	/* close-delimited */
		if (c->len < sizeof c->resp - 1)
			return 0;
		req_fail(c, F_BAD, "too long");
		return -1;
	}
	want = (size_t)strtoul(cl_hdr + 17, NULL, 10);
	if (c->len - head >= want)
		return 1;
	if (!eof && c->len < sizeof c->resp - 1)
		return 0;
	req_fail(c, F_EOF, "body cut short");
	return -1;
}

static void
client_io(struct client *c, short rev, int stopping)
{
	ssize_t n;
	int err = 0, r;
	socklen_t el = sizeof err;

	if (c->state == S_CONNECT) {
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			req_fail(c, F_CONNECT, strerror(err));
			client_end(c, stopping);
			return;
		}
		c->state = S_SEND;
	}
	if (c->state == S_SEND) {
		n = send(c->fd, c->req + c->off, c->reqlen - c->off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			req_fail(c, errno == ECONNRESET || errno == EPIPE ?
			    F_RESET : F_CONNECT, strerror(errno));
			client_end(c, stopping);
			return;
		}
		if (n > 0 && (c->off += (size_t)n) == c->reqlen)
			c->state = S_READ;
		return;
	}
	if (c->state != S_READ || !(rev & (POLLIN | POLLERR | POLLHUP)))
		return;
	n = recv(c->fd, c->resp + c->len, sizeof c->resp - 1 - c->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		err = errno;
		r = resp_check(c, 0);
		if (r == 1)
			nok++;
		else if (r == 0)
			req_fail(c, F_RESET, strerror(err));
		client_end(c, stopping);
		return;
	}
	c->len += (size_t)n;
	r = resp_check(c, n == 0);
	if (r == 0)
		return;
	if (r == 1)
		nok++;
	client_end(c, stopping);
}

/* Runs until no new request may start and none is in flight. */
static void
run(long long end, const char *stopfile)
{
	static struct pollfd pfd[MAXCLIENT];
	static int idx[MAXCLIENT];
	long long now, next_stop_check = 0, wake;
	int stopping = 0, i, n, busy;

	for (;;) {
		now = now_ms();
		if (!stopping && (now >= end || (stopfile &&
		    now >= next_stop_check && access(stopfile, F_OK) == 0)))
			stopping = 1;
		if (now >= next_stop_check)
			next_stop_check = now + 20;
		wake = now + 20;
		for (n = 0, busy = 0, i = 0; i < nclient; i++) {
			struct client *c = &cl[i];

			if (c->state == S_IDLE && (stopping || c->at <= now)) {
				if (stopping) {
					c->state = S_DONE;
					continue;
				}
				client_start(c);
			}
			if (c->state != S_IDLE && c->state != S_DONE && c->at <= now) {
				req_fail(c, F_TIMEOUT, NULL);
				client_end(c, stopping);
			}
			if (c->state == S_IDLE && c->at < wake)
				wake = c->at;
			if (c->state == S_IDLE || c->state == S_DONE)
				continue;
			busy++;
			pfd[n].fd = c->fd;
			pfd[n].events = c->state == S_READ ? POLLIN : POLLOUT;
			idx[n++] = i;
		}
		if (stopping && !busy)
			return;
		if (poll(pfd, (nfds_t)n, wake > now ? (int)(wake - now) : 0) < 0 &&
		    errno != EINTR) {
			perror("loadgen: poll");
			return;
		}
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				client_io(&cl[idx[i]], pfd[i].revents, stopping);
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: loadgen -p PORT [-c N] [-m MS|MIN-MAX] [-g GAP_MS] "
	    "[-d SECONDS] [-s STOPFILE] [-T SECONDS] [-r SEED]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *stopfile = NULL;
	unsigned long port = 0, seed = (unsigned long)getpid();
	long secs = 10;
	char *e;
	int ch, i;

	while ((ch = getopt(argc, argv, "p:c:m:g:d:s:T:r:")) != -1) {
		switch (ch) {
		case 'p': port = strtoul(optarg, NULL, 10); break;
		case 'c': nclient = atoi(optarg); break;
		case 'm':
			min_ms = max_ms = strtol(optarg, &e, 10);
			if (*e == '-')
				max_ms = strtol(e + 1, NULL, 10);
			break;
		case 'g': gap_ms = atoi(optarg); break;
		case 'd': secs = strtol(optarg, NULL, 10); break;
		case 's': stopfile = optarg; break;
		case 'T': timeout_ms = atoi(optarg) * 1000; break;
		case 'r': seed = strtoul(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (port == 0 || port > 65535 || nclient < 1 || nclient > MAXCLIENT ||
	    min_ms < 0 || max_ms < min_ms || gap_ms < 0 || secs < 1 ||
	    timeout_ms < 1000)
		return usage();
	srandom((unsigned)seed);
	signal(SIGPIPE, SIG_IGN);
	memset(&dst, 0, sizeof dst);
	dst.sin_family = AF_INET;
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons((unsigned short)port);
	t0 = now_ms();
	for (i = 0; i < nclient; i++) {
		cl[i].fd = -1;
		cl[i].state = S_IDLE;
		cl[i].at = t0 + rnd(0, gap_ms + max_ms);	/* spread the starts */
	}
	run(t0 + secs * 1000, stopfile);
	printf("sent %lu ok %lu failed %lu\n", nsent, nok, nfail);
	if (nfail) {
		fprintf(stderr, "loadgen: failed by kind:");
		for (i = 0; i < F_KINDS; i++)
			if (nkind[i])
				fprintf(stderr, " %s %lu", fail_words[i], nkind[i]);
		fprintf(stderr, "\n");
	}
	return 0;
}
