/* SPDX-License-Identifier: 0BSD */
/* dns.c - a stub resolver: /etc/hosts, the loopback names of RFC 6761, then
 * A and AAAA queries over UDP to the nameservers of /etc/resolv.conf, with
 * its search list, ndots, timeout and attempts. It replaces getaddrinfo(3),
 * which in a static musl binary brings some 25 KB (malloc, stdio, sorting)
 * and cannot be bounded by our deadline.
 *
 * Answers are hostile input: every length is checked against the end of the
 * message, a compression pointer must point backwards (so following one
 * always ends), and an answer counts only when it comes from the server the
 * query went to (connected sockets) with the query's random id and its
 * question. Fixed buffers only; nothing is allocated. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

#define DNS_HOSTS	"/etc/hosts"
#define DNS_RESOLV	"/etc/resolv.conf"
#define DNS_HDR		12
#define DNS_QMAX	(DNS_HDR + 255 + 4)	/* header, name, type, class */
#define DNS_MSGMAX	1232	/* answers are 512 without EDNS; room to spare */
#define DNS_T_A		1
#define DNS_T_AAAA	28
#define DNS_RC_NXDOMAIN	3

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* a[0..alen) is the name b, without regard to case. */
static int
same_name(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && !strncasecmp(a, b, alen);
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated word of line[*i..len): its length (0 at the end
 * of the line), with *w at its start. */
static size_t
word(const char *line, size_t len, size_t *i, const char **w)
{
	size_t start;

	while (*i < len && blank(line[*i]))
		(*i)++;
	start = *i;
	while (*i < len && !blank(line[*i]))
		(*i)++;
	*w = line + start;
	return *i - start;
}

int
dns_addr_parse(const char *s, size_t len, struct dns_addr *a)
{
	char tmp[INET6_ADDRSTRLEN];
	struct dns_addr got;

	if (len == 0 || len >= sizeof(tmp) || memchr(s, 0, len))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	memset(&got, 0, sizeof(got));
	if (inet_pton(AF_INET, tmp, got.a) == 1)
		got.family = AF_INET;
	else if (inet_pton(AF_INET6, tmp, got.a) == 1)
		got.family = AF_INET6;
	else
		return -1;
	*a = got;
	return 0;
}

/* Calls fn for each whole line of buf[0..len); returns the bytes used. A
 * line that began before buf (*skip: it was too long) is dropped. */
static size_t
whole_lines(const char *buf, size_t len, int *skip,
	    void (*fn)(const char *, size_t, void *), void *arg)
{
	const char *p = buf, *nl;

	while ((nl = memchr(p, '\n', len - (size_t)(p - buf))) != NULL) {
		if (!*skip)
			fn(p, (size_t)(nl - p), arg);
		*skip = 0;
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

/* Calls fn for each line of text (without its newline). */
static void
each_line(const char *text, size_t len,
	  void (*fn)(const char *line, size_t len, void *arg), void *arg)
{
	int skip = 0;
	size_t used = whole_lines(text, len, &skip, fn, arg);

	if (used < len)		/* the last line, with no newline */
		fn(text + used, len - used, arg);
}

/* ---- resolv.conf ---------------------------------------------------------- */

/* A small decimal option value, capped at max (resolv(5)); -1 if none. */
static int
opt_num(const char *s, size_t len, int max)
{
	int v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v < 1000)
			v = v * 10 + (s[i] - '0');
	}
	return v > max ? max : v;
}

/* ndots:N (0-15), timeout:N (1-30) and attempts:N (1-5; 0 reads as 1) */
static void
conf_option(struct dns_conf *c, const char *w, size_t n)
{
	static const struct {
		char name[10];
		unsigned char len, max;
	} o[3] = { { "ndots:", 6, 15 }, { "timeout:", 8, 30 }, { "attempts:", 9, 5 } };
	int *field[3] = { &c->ndots, &c->timeout, &c->attempts };
	int i, v;

	for (i = 0; i < 3; i++)
		if (n > o[i].len && !memcmp(w, o[i].name, o[i].len) &&
		    (v = opt_num(w + o[i].len, n - o[i].len, o[i].max)) >= 0)
			*field[i] = v || i == 0 ? v : 1;
}

/* "search a b c" or "domain a": the list starts again (the last line
 * wins); domains that do not fit are left out. */
static void
conf_search(struct dns_conf *c, const char *line, size_t len, size_t i, int many)
{
	size_t used = 0, n;
	const char *w;

	c->nsearch = 0;
	while (c->nsearch < DNS_MAX_SEARCH && (n = word(line, len, &i, &w)) > 0) {
		if (w[n - 1] == '.')
			n--;
		if (n > 0 && n <= 253 && used + n + 1 <= sizeof(c->search) &&
		    !memchr(w, 0, n)) {
			memcpy(c->search + used, w, n);
			c->search[used + n] = 0;
			used += n + 1;
			c->nsearch++;
		}
		if (!many)
			break;
	}
}

static void
conf_line(const char *line, size_t len, void *arg)
{
	struct dns_conf *c = arg;
	size_t i = 0, n;
	const char *w, *kw;

	n = word(line, len, &i, &kw);
	if (n == 0 || kw[0] == '#' || kw[0] == ';')
		return;
	if (n == 10 && !memcmp(kw, "nameserver", 10)) {
		n = word(line, len, &i, &w);
		if (c->nns < DNS_MAX_NS && dns_addr_parse(w, n, &c->ns[c->nns]) == 0)
			c->nns++;
	} else if (n == 7 && !memcmp(kw, "options", 7)) {
		while ((n = word(line, len, &i, &w)) > 0)
			conf_option(c, w, n);
	} else if (n == 6 && !memcmp(kw, "search", 6)) {
		conf_search(c, line, len, i, 1);
	} else if (n == 6 && !memcmp(kw, "domain", 6)) {
		conf_search(c, line, len, i, 0);
	}
}

static void
conf_defaults(struct dns_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->ndots = 1;
	c->timeout = 5;
	c->attempts = 2;
}

void
dns_conf_parse(const char *text, size_t len, struct dns_conf *c)
{
	conf_defaults(c);
	each_line(text, len, conf_line, c);
}

/* ---- hosts ------------------------------------------------------------------ */

struct hosts_walk {
	const char *name;
	struct dns_addr *out;
	int max, *n, added;
	int family;		/* only addresses of this family; 0: any */
};

static void
hosts_line(const char *line, size_t len, void *arg)
{
	struct hosts_walk *h = arg;
	const char *hash = memchr(line, '#', len), *w, *a;
	size_t i = 0, n, alen;

	if (hash)
		len = (size_t)(hash - line);
	alen = word(line, len, &i, &a);
	while ((n = word(line, len, &i, &w)) > 0) {
		if (!same_name(w, n, h->name))
			continue;
		if (*h->n < h->max && dns_addr_parse(a, alen, &h->out[*h->n]) == 0 &&
		    (!h->family || h->out[*h->n].family == h->family)) {
			(*h->n)++;
			h->added++;
		}
		return;
	}
}

int
dns_hosts_parse(const char *text, size_t len, const char *name,
		struct dns_addr *out, int max, int *n)
{
	struct hosts_walk h = { name, out, max, n, 0, 0 };

	each_line(text, len, hosts_line, &h);
	return h.added;
}

/* Calls fn for each line of the file at path, read in pieces; a line
 * longer than the buffer is dropped. A missing or unreadable file has no
 * lines. */
static void
file_lines(const char *path, void (*fn)(const char *, size_t, void *), void *arg)
{
	char buf[4096];
	size_t have = 0, used;
	ssize_t got;
	int skip = 0, fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while ((got = read(fd, buf + have, sizeof(buf) - have)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		have += (size_t)got;
		used = whole_lines(buf, have, &skip, fn, arg);
		memmove(buf, buf + used, have - used);
		have -= used;
		if (have == sizeof(buf)) {
			have = 0;
			skip = 1;
		}
	}
	if (have && !skip)
		fn(buf, have, arg);
	close(fd);
}

/* ---- messages --------------------------------------------------------------- */

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int
dns_query(unsigned char *buf, size_t size, const char *name, unsigned id, int qtype)
{
	size_t len = strlen(name), p = DNS_HDR, label;
	const char *s = name, *dot;

	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || name[len - 1] == '.' ||
	    size < DNS_HDR + len + 2 + 4)
		return NET_EDNSFAIL;
	memset(buf, 0, DNS_HDR);
	buf[0] = (unsigned char)(id >> 8);
	buf[1] = (unsigned char)id;
	buf[2] = 0x01;		/* RD: recursion desired */
	buf[5] = 1;		/* one question */
	while (s < name + len) {
		dot = memchr(s, '.', (size_t)(name + len - s));
		label = (size_t)((dot ? dot : name + len) - s);
		if (label == 0 || label > 63)
			return NET_EDNSFAIL;
		buf[p++] = (unsigned char)label;
		memcpy(buf + p, s, label);
		p += label;
		s += label + 1;
	}
	buf[p++] = 0;
	buf[p++] = 0;
	buf[p++] = (unsigned char)qtype;
	buf[p++] = 0;
	buf[p++] = 1;		/* class IN */
	return (int)p;
}

/* Checks the name at msg[*p]: labels, then a zero or a pointer that leads
 * strictly backwards (so following it ends), 255 bytes at most in all.
 * Moves *p past the name as it is written at *p. */
static int
name_skip(const unsigned char *msg, size_t len, size_t *p)
{
	size_t at = *p, total = 0, after = 0;
	int jumped = 0;

	for (;;) {
		if (at >= len)
			return -1;
		if ((msg[at] & 0xc0) == 0xc0) {
			size_t to;

			if (at + 1 >= len)
				return -1;
			to = (size_t)(msg[at] & 0x3f) << 8 | msg[at + 1];
			if (!jumped)
				after = at + 2;
			if (to >= at || to < DNS_HDR)
				return -1;
			jumped = 1;
			at = to;
			continue;
		}
		if (msg[at] & 0xc0)
			return -1;
		total += (size_t)msg[at] + 1;
		if (total > 255)
			return -1;
		if (msg[at] == 0)
			break;
		at += (size_t)msg[at] + 1;
	}
	*p = jumped ? after : at + 1;
	return 0;
}

/* The question of msg is q's: same bytes, names compared without case. */
static int
same_question(const unsigned char *msg, size_t len, const unsigned char *q,
	      size_t qlen)
{
	size_t i;

	if (len < qlen || get16(msg + 4) != 1)
		return 0;
	for (i = DNS_HDR; i < qlen; i++)
		if (lower(msg[i]) != lower(q[i]))
			return 0;
	return 1;
}

/* One resource record at msg[*p]: appends it to out when it is an address. */
static int
record(const unsigned char *msg, size_t len, size_t *p, struct dns_addr *out,
       int max, int *n)
{
	unsigned type, class, rdlen;
	size_t at = *p;

	if (name_skip(msg, len, &at) || len - at < 10)
		return -1;
	type = get16(msg + at);
	class = get16(msg + at + 2);
	rdlen = get16(msg + at + 8);
	at += 10;
	if (len - at < rdlen)
		return -1;
	if (class == 1 && (type == DNS_T_A || type == DNS_T_AAAA)) {
		if (rdlen != (type == DNS_T_A ? 4u : 16u))
			return -1;
		if (*n < max) {
			memset(&out[*n], 0, sizeof(out[*n]));
			out[*n].family = type == DNS_T_A ? AF_INET : AF_INET6;
			memcpy(out[*n].a, msg + at, rdlen);
			(*n)++;
		}
	}
	*p = at + rdlen;
	return 0;
}

int
dns_answer(const unsigned char *msg, size_t len, const unsigned char *q,
	   size_t qlen, struct dns_addr *out, int max, int *n)
{
	unsigned count, i, rcode;
	int tc;
	size_t p = qlen;

	if (len < DNS_HDR || qlen < DNS_HDR || get16(msg) != get16(q) ||
	    !(msg[2] & 0x80) || (msg[2] & 0x78) || !same_question(msg, len, q, qlen))
		return NET_EAGAIN;
	rcode = msg[3] & 0x0f;
	if (rcode)
		return (int)rcode;
	tc = msg[2] & 0x02;
	count = get16(msg + 6);
	for (i = 0; i < count; i++)
		if (record(msg, len, &p, out, max, n))
			return tc ? 0 : NET_EDNSFAIL;
	return 0;
}

/* ---- asking the servers ----------------------------------------------------- */

/* One question (A or AAAA) to every server. */
struct dns_q {
	unsigned char q[DNS_QMAX];
	size_t qlen;
	int done;		/* 1: answered (rcode 0 or NXDOMAIN) */
	int nx;			/* the name does not exist */
	unsigned failed;	/* bit per server: it failed this question */
	int n;
	struct dns_addr got[DNS_MAX_ADDRS];
};

struct dns_ask {
	int fd[DNS_MAX_NS];	/* connected UDP sockets, -1: none */
	int nfd;
	int malformed;		/* a server sent something malformed */
	struct dns_q qs[2];	/* A, AAAA */
};

static unsigned
random_id(void)
{
	unsigned char b[2];

	if (getrandom(b, sizeof(b), GRND_NONBLOCK) != (ssize_t)sizeof(b))
		return (unsigned)(mono_ms() ^ getpid()) & 0xffff;
	return get16(b);
}

socklen_t
dns_sockaddr(const struct dns_addr *a, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, a->a, 4);
		return sizeof(*s4);
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons((uint16_t)port);
	memcpy(&s6->sin6_addr, a->a, 16);
	return sizeof(*s6);
}

static int
server_socket(const struct dns_addr *ns)
{
	struct sockaddr_storage ss;
	socklen_t len = dns_sockaddr(ns, DNS_PORT, &ss);
	int fd = socket(ns->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int
all_failed(const struct dns_ask *k, const struct dns_q *q)
{
	int i;

	for (i = 0; i < k->nfd; i++)
		if (k->fd[i] >= 0 && !(q->failed & 1u << i))
			return 0;
	return 1;
}

/* Every question is answered, or no server is left to answer it. */
static int
settled(const struct dns_ask *k)
{
	int i;

	if (k->qs[0].nx || k->qs[1].nx)
		return 1;	/* no such name: the other answer cannot change that */
	for (i = 0; i < 2; i++)
		if (!k->qs[i].done && !all_failed(k, &k->qs[i]))
			return 0;
	return 1;
}

/* Server i is gone (ICMP unreachable, a socket error): it fails everything. */
static void
server_gone(struct dns_ask *k, int i)
{
	close(k->fd[i]);
	k->fd[i] = -1;
	k->qs[0].failed |= 1u << i;
	k->qs[1].failed |= 1u << i;
}

/* Sends each unanswered question to each server that has not failed it. A
 * send that fails for good (an ICMP error came back) drops the server. */
static void
send_pending(struct dns_ask *k)
{
	int i, j;

	for (i = 0; i < k->nfd; i++)
		for (j = 0; j < 2 && k->fd[i] >= 0; j++)
			if (!k->qs[j].done && !(k->qs[j].failed & 1u << i) &&
			    send(k->fd[i], k->qs[j].q, k->qs[j].qlen, MSG_NOSIGNAL) < 0 &&
			    errno != EAGAIN && errno != EINTR)
				server_gone(k, i);
}

/* A message from server i: the answer to one of the questions, or noise. */
static void
take(struct dns_ask *k, int i, const unsigned char *msg, size_t len)
{
	int j, rc;

	for (j = 0; j < 2; j++) {
		struct dns_q *q = &k->qs[j];

		if (q->done)
			continue;
		q->n = 0;
		rc = dns_answer(msg, len, q->q, q->qlen, q->got, DNS_MAX_ADDRS, &q->n);
		if (rc == NET_EAGAIN)
			continue;
		if (rc == 0 && (q->n || !(msg[2] & 0x02))) {	/* not TC, empty */
			q->done = 1;
			return;
		}
		q->n = 0;
		if (rc == DNS_RC_NXDOMAIN) {
			q->nx = q->done = 1;
		} else {
			/* SERVFAIL, REFUSED, malformed, truncated to nothing */
			k->malformed |= rc < 0;
			q->failed |= 1u << i;
		}
		return;
	}
}

static void
receive(struct dns_ask *k, int i)
{
	unsigned char msg[DNS_MSGMAX];
	ssize_t got;

	while ((got = recv(k->fd[i], msg, sizeof(msg), 0)) >= 0 || errno == EINTR)
		if (got >= 0)
			take(k, i, msg, (size_t)got);
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		server_gone(k, i);
}

/* Waits for answers until settled, dl, or the end of this round. */
static int
wait_round(struct dns_ask *k, int64_t round_end, const struct deadline *dl)
{
	struct pollfd p[DNS_MAX_NS];
	int i, r, left;

	while (!settled(k)) {
		left = deadline_left(dl);
		if (round_end - mono_ms() < left)
			left = (int)(round_end - mono_ms());
		if (left <= 0)
			return 0;
		for (i = 0; i < k->nfd; i++) {
			p[i].fd = k->fd[i];
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		r = poll(p, (nfds_t)k->nfd, left);
		if (r < 0 && errno == EINTR)
			return NET_EINTR;
		if (r < 0)
			return -errno;
		for (i = 0; i < k->nfd; i++)
			if (k->fd[i] >= 0 && p[i].revents)
				receive(k, i);
	}
	return 0;
}

/* A and AAAA for one name, the v4 addresses first. */
static int
ask(const char *name, const struct dns_conf *c, struct dns_addr *out, int max,
    const struct deadline *dl)
{
	struct dns_ask k;
	int i, j, n = 0, e = 0, round, len;

	memset(&k, 0, sizeof(k));
	for (j = 0; j < 2; j++) {
		len = dns_query(k.qs[j].q, sizeof(k.qs[j].q), name, random_id(),
				j ? DNS_T_AAAA : DNS_T_A);
		if (len < 0)
			return len;
		k.qs[j].qlen = (size_t)len;
	}
	for (i = 0; i < c->nns; i++)
		k.fd[i] = server_socket(&c->ns[i]);	/* -1: it fails all */
	k.nfd = c->nns;
	for (round = 0; round < c->attempts && !settled(&k) && !e; round++) {
		send_pending(&k);
		e = wait_round(&k, mono_ms() + (int64_t)c->timeout * 1000, dl);
		if (deadline_left(dl) == 0)
			break;
	}
	for (i = 0; i < k.nfd; i++)
		if (k.fd[i] >= 0)
			close(k.fd[i]);
	for (j = 0; j < 2; j++)
		for (i = 0; i < k.qs[j].n && n < max; i++)
			out[n++] = k.qs[j].got[i];
	if (n)
		return n;
	if (e)
		return e;
	if (k.qs[0].nx || k.qs[1].nx || (k.qs[0].done && k.qs[1].done))
		return NET_EDNS;
	if (all_failed(&k, &k.qs[0]) || all_failed(&k, &k.qs[1]))
		return k.malformed ? NET_EDNSFAIL : NET_EDNSTEMP;
	return NET_ETIMEDOUT_DNS;
}

/* ---- the lookup ------------------------------------------------------------- */

static int
loopback(const char *name, struct dns_addr *out, int max)
{
	size_t len = strlen(name);
	int n = 0;

	if (!same_name(name, len, "localhost") &&
	    (len < 10 || !same_name(name + len - 10, 10, ".localhost")))
		return 0;
	if (n < max) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = AF_INET;
		memcpy(out[n++].a, "\177\0\0\1", 4);
	}
	if (n < max) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = AF_INET6;
		out[n++].a[15] = 1;
	}
	return n;
}

static void
conf_file(struct dns_conf *c)
{
	conf_defaults(c);
	file_lines(DNS_RESOLV, conf_line, c);
	if (c->nns == 0) {
		c->ns[0].family = AF_INET;
		memcpy(c->ns[0].a, "\177\0\0\1", 4);
		c->nns = 1;
	}
}

/* The names to ask for, in order: with each search domain first when name
 * has fewer than ndots dots, then name itself. Returns 0 when there are no
 * more, else writes the i-th into buf. */
static int
search_name(const char *name, const struct dns_conf *c, int i, char *buf,
	    size_t size)
{
	const char *d = c->search;
	size_t len = strlen(name), dl;
	int dots = 0, k;

	for (k = 0; name[k]; k++)
		dots += name[k] == '.';
	if (dots < c->ndots && i < c->nsearch) {
		for (k = 0; k < i; k++)
			d += strlen(d) + 1;
		dl = strlen(d);
		if (len + 1 + dl > 253 || len + 1 + dl >= size)
			return -1;	/* too long a name: skipped */
		memcpy(buf, name, len);
		buf[len] = '.';
		memcpy(buf + len + 1, d, dl + 1);
		return 1;
	}
	if (i != (dots < c->ndots ? c->nsearch : 0))
		return 0;
	memcpy(buf, name, len + 1);
	return 1;
}

int
dns_lookup(const char *name, struct dns_addr *out, int max,
	   const struct deadline *dl)
{
	struct dns_conf c;
	struct hosts_walk h;
	char nm[256], full[512];
	size_t len = strlen(name);
	int n = 0, i, r, e = NET_EDNS, rooted = len && name[len - 1] == '.';

	if (max > DNS_MAX_ADDRS)
		max = DNS_MAX_ADDRS;
	len -= (size_t)rooted;
	if (len == 0 || len > 253 || name[len - 1] == '.')
		return NET_EDNSFAIL;
	memcpy(nm, name, len);
	nm[len] = 0;
	h.name = nm, h.out = out, h.max = max, h.n = &n, h.added = 0;
	h.family = AF_INET;	/* the IPv4 addresses first, as ask() gives them */
	file_lines(DNS_HOSTS, hosts_line, &h);
	h.family = AF_INET6;
	file_lines(DNS_HOSTS, hosts_line, &h);
	if (n)
		return n;
	if ((n = loopback(nm, out, max)))
		return n;
	conf_file(&c);
	if (rooted)	/* "name.": as given, never with a search domain */
		c.nsearch = 0;
	for (i = 0; (r = search_name(nm, &c, i, full, sizeof(full))) != 0; i++) {
		if (r < 0)
			continue;
		e = ask(full, &c, out, max, dl);	/* v4 first already */
		if (e != NET_EDNS)
			break;
	}
	return e;
}
