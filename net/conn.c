/* SPDX-License-Identifier: 0BSD */
/* conn.c - monotonic deadlines and the plain transport under struct conn:
 * UNIX and TCP sockets, non-blocking connect with poll(2) against one
 * deadline, every address of a name tried in turn, TCP_NODELAY, reads and
 * writes that poll against the deadline. When c->tls is set, reads, writes
 * and close go through net/tls.h; an https URL gets tls_start() once
 * connected. Each timeout names its phase (NET_ETIMEDOUT_DNS, _CONNECT,
 * _SEND, _RECV); a poll(2) interrupted by a signal is NET_EINTR, so the
 * caller can decide whether to stop. Never prints, never allocates. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "net/net.h"
#include "net/tls.h"

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct deadline
deadline_in(int64_t ms)
{
	struct deadline dl;

	dl.ms = mono_ms() + (ms < 0 ? 0 : ms);
	return dl;
}

struct deadline
deadline_min(struct deadline a, struct deadline b)
{
	return a.ms < b.ms ? a : b;
}

int
deadline_left(const struct deadline *dl)
{
	int64_t left = dl->ms - mono_ms();

	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

int
conn_wait(int fd, short events, const struct deadline *dl, int timeout_code)
{
	struct pollfd p;
	int n;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	n = poll(&p, 1, deadline_left(dl));
	if (n < 0)
		return errno == EINTR ? NET_EINTR : -errno;
	if (n == 0)
		return timeout_code;
	return 0;
}

/* Connects the non-blocking socket fd to sa and waits for the outcome. */
static int
conn_connect(int fd, const struct sockaddr *sa, socklen_t salen,
	     const struct deadline *dl)
{
	int e, err;
	socklen_t len = sizeof(err);

	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN && errno != EINTR)
		return -errno;
	e = conn_wait(fd, POLLOUT, dl, NET_ETIMEDOUT_CONNECT);
	if (e < 0)
		return e;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return err ? -err : 0;
}

/* One attempt: a socket of the given family, connected to sa. */
static int
conn_try(struct conn *c, int family, const struct sockaddr *sa, socklen_t salen,
	 const struct deadline *dl)
{
	int one = 1, e;

	c->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (family != AF_UNIX)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->phase = NET_ETIMEDOUT_CONNECT;
	e = conn_connect(c->fd, sa, salen, dl);
	if (e < 0) {
		close(c->fd);
		c->fd = -1;
	}
	return e;
}

static int
conn_open_unix(struct conn *c, const char *path, const struct deadline *dl)
{
	struct sockaddr_un sun;
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(sun.sun_path))
		return NET_EURLSOCK;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	return conn_try(c, AF_UNIX, (struct sockaddr *)&sun, sizeof(sun), dl);
}

/* One attempt at address a, port port. */
static int
conn_try_addr(struct conn *c, const struct dns_addr *a, unsigned port,
	      const struct deadline *dl)
{
	struct sockaddr_storage ss;
	socklen_t len = dns_sockaddr(a, port, &ss);

	return conn_try(c, a->family, (struct sockaddr *)&ss, len, dl);
}

/* The addresses of the last name looked up. A poll loop against a host
 * name then resolves it once; it is looked up again only when no cached
 * address could be connected to (the name may have moved). */
static struct {
	char host[URL_MAX_HOST + 1];
	int n;
	struct dns_addr a[DNS_MAX_ADDRS];
} dns;

/* Tries each cached address in turn; the last error wins. */
static int
conn_try_cached(struct conn *c, unsigned port, const struct deadline *dl)
{
	int i, e = NET_EDNS;

	for (i = 0; i < dns.n; i++) {
		e = conn_try_addr(c, &dns.a[i], port, dl);
		if (e == 0 || e == NET_EINTR || e == NET_ETIMEDOUT_CONNECT)
			break;
	}
	return e;
}

/* Looks host up into the cache (dns.c). Returns 0 or a negative code. */
static int
conn_resolve(struct conn *c, const char *host, const struct deadline *dl)
{
	c->phase = NET_ETIMEDOUT_DNS;
	dns.n = dns_lookup(host, dns.a, DNS_MAX_ADDRS, dl);
	if (dns.n < 0) {
		int e = dns.n;

		dns.n = 0;
		return e;
	}
	memcpy(dns.host, host, strlen(host) + 1);	/* url.c bounds it */
	return 0;
}

static int
conn_open_tcp(struct conn *c, const char *host, unsigned port,
	      const struct deadline *dl)
{
	struct dns_addr lit;
	int e, cached;

	/* host fits URL_MAX_HOST: a struct url's, or conn_split_spec()'s */
	if (dns_addr_parse(host, strlen(host), &lit) == 0)
		return conn_try_addr(c, &lit, port, dl);	/* no lookup */
	cached = dns.n && !strcmp(dns.host, host);
	if (!cached && (e = conn_resolve(c, host, dl)) < 0)
		return e;
	e = conn_try_cached(c, port, dl);
	if (e < 0 && cached && e != NET_EINTR && deadline_left(dl) > 0) {
		if ((e = conn_resolve(c, host, dl)) < 0)
			return e;
		e = conn_try_cached(c, port, dl);
	}
	return e;
}

int
conn_open_url(struct conn *c, const struct url *u, const struct deadline *dl)
{
	int e;

	c->fd = -1;
	c->tls = 0;
	if (u->tls && !CFG_TLS)
		return NET_ENOTLS;
	if (u->sock[0])
		e = conn_open_unix(c, u->sock, dl);
	else
		e = conn_open_tcp(c, u->host, u->port, dl);
	if (e < 0)
		return e;
	if (u->tls) {
		c->phase = NET_ETIMEDOUT_TLS;
		e = tls_start(c, u->host, dl);
		if (e < 0) {
			conn_close(c);
			return e;
		}
	}
	return 0;
}

/* Splits "host:port" or "[v6]:port" into host and port. */
static int
conn_split_spec(const char *spec, char *host, size_t hostsize, unsigned *port)
{
	const char *colon, *h = spec;
	size_t hl;
	int v;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || end[1] != ':')
			return NET_EURLHOST;
		h = spec + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		hl = (size_t)(colon - spec);
	}
	if (hl == 0 || hl >= hostsize)
		return NET_EURLHOST;
	memcpy(host, h, hl);
	host[hl] = 0;
	if ((v = url_port_num(colon + 1, colon + 1 + strlen(colon + 1))) < 0)
		return v;
	*port = (unsigned)v;
	return 0;
}

int
conn_open_spec(struct conn *c, const char *spec, const struct deadline *dl)
{
	char host[URL_MAX_HOST + 1];
	unsigned port;
	int e;

	c->fd = -1;
	c->tls = 0;
	if (spec[0] == '/' || spec[0] == '.' || !strchr(spec, ':'))
		return conn_open_unix(c, spec, dl);
	e = conn_split_spec(spec, host, sizeof(host), &port);
	if (e < 0)
		return e;
	return conn_open_tcp(c, host, port, dl);
}

int
conn_write_all(struct conn *c, const void *p, size_t n, const struct deadline *dl)
{
	const char *s = p;
	ssize_t w;
	int e;

	if (c->tls)
		return tls_write_all(c, p, n, dl);
	c->phase = NET_ETIMEDOUT_SEND;
	while (n > 0) {
		w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		e = conn_wait(c->fd, POLLOUT, dl, NET_ETIMEDOUT_SEND);
		if (e < 0)
			return e;
	}
	return 0;
}

ssize_t
conn_read(struct conn *c, void *p, size_t n, const struct deadline *dl)
{
	ssize_t r;
	int e;

	if (c->tls)
		return tls_read(c, p, n, dl);
	c->phase = NET_ETIMEDOUT_RECV;
	for (;;) {
		r = recv(c->fd, p, n, 0);
		if (r >= 0)
			return r;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		e = conn_wait(c->fd, POLLIN, dl, NET_ETIMEDOUT_RECV);
		if (e < 0)
			return e;
	}
}

void
conn_close(struct conn *c)
{
	int saved = errno;

	if (c->tls) {
		tls_close(c);
		c->tls = 0;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	errno = saved;
}
