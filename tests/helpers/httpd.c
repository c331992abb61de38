/* SPDX-License-Identifier: 0BSD */
/* httpd.c - the tests' loopback HTTP server, honest and hostile. Host cc,
 * single file, no lib/ linkage; runs on the build machine only.
 *
 * Usage: httpd [-6] [-u PATH] [-t SECONDS] [-r FILE]
 *   (default)   listen on 127.0.0.1, port chosen by the kernel
 *   -6          listen on [::1] instead
 *   -u PATH     listen on the UNIX socket PATH instead (removed first)
 *   -t SECONDS  exit after SECONDS without a connection (default 60); each
 *               answer is also cut off after 120 s
 *   -r FILE     /echo requests are appended to FILE as the raw bytes
 *               received (request line, headers, blank line, body)
 * Prints the port (for -u: the path) and a newline on stdout, flushes, then
 * serves. The parent reads each request (5 s at most), then forks a child
 * per connection to answer, so slow answers never block the next client.
 *
 * The request path chooses the answer:
 *   /load/N            200, body N (Content-Length)
 *   /text/TEXT         200, body TEXT %-decoded
 *   /seq/A,B,C         the 1st request to this exact path gets A, the 2nd B,
 *                      then C for ever; an item is a number (200, that
 *                      body), "e" (500) or "x" (close without answering)
 *   /chunked/N         200, body N in two chunks, with a trailer
 *   /1xx/N             100 Continue, 102 Processing, then 200 with body N
 *   /many1xx           20 x 100 Continue, then 200 "0"
 *   /http10/N          HTTP/1.0 200, body N delimited by the close
 *   /sleep/MS/N        waits MS milliseconds, then 200 with body N
 *   /echo              records the request (-r), 200 with body "0"
 *   /status/NNN        status NNN, body "backend exploded\nsecond line"
 *   /redirect          302 Location: http://127.0.0.1:1/moved
 *   /overflow          200, body 99999999999999999999999
 *   /nonumber          200, body "hello"
 *   /slowhead          a status line, a byte a second, never ending
 *   /endless-headers   header lines as fast as the client takes them
 *   /manyheaders       100 headers, then 200 "0"
 *   /bigbody           Content-Length 2 MiB, and the bytes
 *   /bigbody-close     2 MiB delimited by the close
 *   /bigchunked        2 MiB in 4 KiB chunks
 *   /badchunk          chunked with a chunk size "zz"
 *   /chunkoverflow     chunked with a chunk size of 22 hex digits
 *   /chunk-trunc       chunked, closed in the middle of a chunk
 *   /clen-lie          Content-Length 100, 10 bytes, close
 *   /reset             Content-Length 100, 10 bytes, then a TCP RST
 *   /garbage           "SSH-2.0-OpenSSH_9.2" instead of HTTP
 *   /close             closes without answering
 *   anything else      404 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX 65536
#define SEQ_MAX 64
#define BIG (2 * 1024 * 1024)

static const char *record_file;
static struct {
	char path[2048];
	int count;
} seq[SEQ_MAX];
static int nseq;

static void
die(const char *what)
{
	fprintf(stderr, "httpd: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
put(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			_exit(0);	/* the client went away */
		}
		s += w;
		n -= (size_t)w;
	}
}

static void __attribute__((format(printf, 2, 3)))
putf(int fd, const char *fmt, ...)
{
	char b[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	put(fd, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static const char *
reason(int st)
{
	switch (st) {
	case 200: return "OK";
	case 302: return "Found";
	case 404: return "Not Found";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Whatever";
	}
}

static void
answer(int fd, int st, const char *body)
{
	putf(fd, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	     st, reason(st), strlen(body), body);
}

static void
big(int fd, const char *head, int chunked)
{
	static char blk[4096];
	int i;

	memset(blk, '7', sizeof(blk));
	putf(fd, "%s", head);
	for (i = 0; i < BIG / (int)sizeof(blk); i++) {
		if (chunked)
			putf(fd, "%zx\r\n", sizeof(blk));
		put(fd, blk, sizeof(blk));
		if (chunked)
			put(fd, "\r\n", 2);
	}
	if (chunked)
		put(fd, "0\r\n\r\n", 5);
}

static void
pct_decode(char *s)
{
	char *d = s, hex[3] = { 0, 0, 0 };

	for (; *s; s++) {
		if (*s == '%' && s[1] && s[2]) {
			hex[0] = s[1];
			hex[1] = s[2];
			*d++ = (char)strtol(hex, 0, 16);
			s += 2;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

/* The item of a /seq/ list this request gets, copied to item. */
static void
seq_pick(const char *path, char *item, size_t size)
{
	const char *list = path + 5, *p;
	int i, k;
	size_t n;

	for (i = 0; i < nseq && strcmp(seq[i].path, path); i++)
		;
	if (i == nseq && nseq < SEQ_MAX) {
		snprintf(seq[nseq].path, sizeof(seq[nseq].path), "%s", path);
		seq[nseq++].count = 0;
	}
	k = i < SEQ_MAX ? seq[i].count++ : 0;
	for (p = list; k > 0 && strchr(p, ','); k--)
		p = strchr(p, ',') + 1;
	n = strcspn(p, ",");
	if (n >= size)
		n = size - 1;
	memcpy(item, p, n);
	item[n] = 0;
}

static void
serve_item(int fd, const char *item)
{
	if (strcmp(item, "x") == 0)
		return;
	if (strcmp(item, "e") == 0)
		answer(fd, 500, "busy\n");
	else
		answer(fd, 200, item);
}

static void
serve_hostile(int fd, const char *p)
{
	int i;

	if (!strcmp(p, "/slowhead")) {
		const char *s = "HTTP/1.1 200 OK\r\nX-Slow: ";

		put(fd, s, strlen(s));
		for (;;) {
			put(fd, "a", 1);
			msleep(1000);
		}
	} else if (!strcmp(p, "/endless-headers")) {
		putf(fd, "HTTP/1.1 200 OK\r\n");
		for (i = 0;; i++)
			putf(fd, "X-Filler-%d: %s\r\n", i, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	} else if (!strcmp(p, "/manyheaders")) {
		putf(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n");
		for (i = 0; i < 100; i++)
			putf(fd, "X-H%d: v\r\n", i);
		putf(fd, "\r\n0");
	} else if (!strcmp(p, "/bigbody")) {
		char h[128];

		snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BIG);
		big(fd, h, 0);
	} else if (!strcmp(p, "/bigbody-close")) {
		big(fd, "HTTP/1.1 200 OK\r\n\r\n", 0);
	} else if (!strcmp(p, "/bigchunked")) {
		big(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 1);
	} else if (!strcmp(p, "/badchunk")) {
		putf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n0\r\n\r\n");
	} else if (!strcmp(p, "/chunkoverflow")) {
		putf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			 "ffffffffffffffffffffff\r\n0\r\n\r\n");
	} else if (!strcmp(p, "/chunk-trunc")) {
		putf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
	} else if (!strcmp(p, "/clen-lie")) {
		putf(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
	} else if (!strcmp(p, "/reset")) {
		struct linger lg = { 1, 0 };

		putf(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
		msleep(100);
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	} else if (!strcmp(p, "/garbage")) {
		putf(fd, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
	} else if (!strcmp(p, "/close")) {
		return;
	} else {
		answer(fd, 404, "not found\n");
	}
}

static void
serve(int fd, const char *p, const char *item)
{
	char arg[2048];
	long ms;

	if (item) {
		serve_item(fd, item);
	} else if (!strncmp(p, "/load/", 6)) {
		answer(fd, 200, p + 6);
	} else if (!strncmp(p, "/text/", 6)) {
		snprintf(arg, sizeof(arg), "%s", p + 6);
		pct_decode(arg);
		answer(fd, 200, arg);
	} else if (!strncmp(p, "/chunked/", 9)) {
		size_t n = strlen(p + 9), h = n > 1 ? n / 2 : n;

		putf(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			 "%zx\r\n%.*s\r\n", h, (int)h, p + 9);
		if (n > h)
			putf(fd, "%zx;ext=1\r\n%s\r\n", n - h, p + 9 + h);
		putf(fd, "0\r\nX-Trailer: t\r\n\r\n");
	} else if (!strncmp(p, "/1xx/", 5)) {
		putf(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n");
		answer(fd, 200, p + 5);
	} else if (!strcmp(p, "/many1xx")) {
		for (ms = 0; ms < 20; ms++)
			putf(fd, "HTTP/1.1 100 Continue\r\n\r\n");
		answer(fd, 200, "0");
	} else if (!strncmp(p, "/http10/", 8)) {
		putf(fd, "HTTP/1.0 200 OK\r\n\r\n%s", p + 8);
	} else if (!strncmp(p, "/sleep/", 7)) {
		ms = strtol(p + 7, 0, 10);
		msleep(ms);
		answer(fd, 200, strchr(p + 7, '/') ? strchr(p + 7, '/') + 1 : "0");
	} else if (!strcmp(p, "/echo")) {
		answer(fd, 200, "0");
	} else if (!strncmp(p, "/status/", 8)) {
		answer(fd, atoi(p + 8), "backend exploded\nsecond line\n");
	} else if (!strcmp(p, "/redirect")) {
		putf(fd, "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/moved\r\n"
			 "Content-Length: 0\r\n\r\n");
	} else if (!strcmp(p, "/overflow")) {
		answer(fd, 200, "99999999999999999999999");
	} else if (!strcmp(p, "/nonumber")) {
		answer(fd, 200, "hello");
	} else {
		serve_hostile(fd, p);
	}
}

/* Reads the request head and its Content-Length body into req. Returns the
 * byte count, or -1 when the client sent nothing useful within 5 s. */
static ssize_t
read_request(int fd, char *req, size_t size)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	size_t len = 0, want = 0;
	ssize_t n;
	char *end, *cl;

	while (len < size - 1) {
		if (poll(&pf, 1, 5000) <= 0)
			return -1;
		n = read(fd, req + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = 0;
		end = strstr(req, "\r\n\r\n");
		if (!end)
			continue;
		if (!want) {
			cl = strcasestr(req, "\r\nContent-Length:");
			want = (size_t)(end + 4 - req);
			if (cl && cl < end)
				want += (size_t)strtoul(cl + 17, 0, 10);
		}
		if (len >= want)
			break;
	}
	req[len] = 0;
	return len ? (ssize_t)len : -1;
}

static void
record(const char *req, size_t n)
{
	int fd;

	if (!record_file)
		return;
	fd = open(record_file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		die(record_file);
	if (write(fd, req, n) != (ssize_t)n)
		die(record_file);
	close(fd);
}

static void
handle(int fd)
{
	static char req[REQ_MAX];
	char path[2048], item[256];
	ssize_t n = read_request(fd, req, sizeof(req));
	const char *sp;
	size_t pl;

	if (n < 0)
		return;
	sp = strchr(req, ' ');
	pl = sp ? strcspn(sp + 1, " \r\n") : 0;
	if (!sp || pl >= sizeof(path))
		return;
	memcpy(path, sp + 1, pl);
	path[pl] = 0;
	if (!strcmp(path, "/echo"))
		record(req, (size_t)n);
	if (!strncmp(path, "/seq/", 5))
		seq_pick(path, item, sizeof(item));
	if (fork() == 0) {
		alarm(120);
		serve(fd, path, strncmp(path, "/seq/", 5) ? 0 : item);
		_exit(0);
	}
}

static int
listen_on(int v6, const char *upath)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *su = (struct sockaddr_un *)&ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (upath) {
		su->sun_family = AF_UNIX;
		snprintf(su->sun_path, sizeof(su->sun_path), "%s", upath);
		unlink(upath);
		len = sizeof(*su);
	} else if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(fd, 64) < 0)
		die("listen");
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (upath)
		printf("%s\n", upath);
	else
		printf("%u\n", ntohs(v6 ? s6->sin6_port : s4->sin_port));
	fflush(stdout);
	return fd;
}

int
main(int argc, char **argv)
{
	const char *upath = 0;
	int c, v6 = 0, idle = 60, lfd, fd;
	struct pollfd pf;

	while ((c = getopt(argc, argv, "6u:t:r:")) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'u': upath = optarg; break;
		case 't': idle = atoi(optarg); break;
		case 'r': record_file = optarg; break;
		default:
			fprintf(stderr, "usage: httpd [-6] [-u PATH] [-t SECONDS] [-r FILE]\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);
	lfd = listen_on(v6, upath);
	pf.fd = lfd;
	pf.events = POLLIN;
	for (;;) {
		c = poll(&pf, 1, idle * 1000);
		if (c == 0)
			break;
		if (c < 0)
			continue;
		fd = accept(lfd, 0, 0);
		if (fd < 0)
			continue;
		handle(fd);
		close(fd);
	}
	if (upath)
		unlink(upath);
	return 0;
}
