/* SPDX-License-Identifier: 0BSD */
/* dnsd.c - the tests' DNS server over UDP, honest and hostile, for the
 * resolver (net/dns.c). Host cc, single file, no lib/ linkage; runs on the
 * build machine only (tests/dns.test runs it on 127.0.0.1:53 or [::1]:53
 * inside a private network namespace).
 *
 * Usage: dnsd [-d MS] [-l FILE] [-t SECONDS] LISTEN MODE [NAME=VALUE...]
 *   LISTEN      ADDR:PORT or [V6ADDR]:PORT, e.g. 127.0.0.1:53, [::1]:53;
 *               port 0 lets the kernel choose
 *   -d MS       wait MS milliseconds before each answer (a slow server)
 *   -l FILE     append "NAME TYPE" for each query received to FILE
 *               (TYPE: A, AAAA or the number), as it arrives
 *   -t SECONDS  exit after SECONDS without a query (default 60)
 * The table NAME=VALUE (names compare case-insensitively, a trailing dot
 * ignored; a name may appear several times):
 *   NAME=1.2.3.4        an A record
 *   NAME=2001:db8::1    an AAAA record
 *   NAME=cname:TARGET   a CNAME record; the answer then holds the CNAME and
 *                       TARGET's records (chains up to 8 long)
 * Prints the port and a newline on stdout, flushes, then answers each
 * query (QR=0, one question) according to MODE:
 *   ok        from the table: the CNAME chain, then the A or AAAA records
 *             asked for; owner names are compression pointers (to the
 *             question, then to each CNAME's target). A name not in the
 *             table is NXDOMAIN; one without records of the type asked is
 *             NOERROR with no answer (NODATA)
 *   nxdomain  RCODE 3 (NXDOMAIN), no records
 *   servfail  RCODE 2 (SERVFAIL)
 *   refused   RCODE 5 (REFUSED)
 *   silent    reads every query, never answers
 *   wrongid   first a decoy answer with another id, then the ok answer
 *   wrongq    first a decoy answer (same id) for the question
 *             "decoy.invalid", then the ok answer
 *   wrongsrc  first a decoy answer from another socket (another port),
 *             then the ok answer
 *   trunc     TC set, NOERROR, no records
 *   loop      the right id and question, one answer record whose owner
 *             name is a compression pointer loop
 *   garbage   a 1-byte datagram, 40 bytes of noise, then a header with the
 *             right id and question claiming 2 answers, followed by junk
 * A decoy answer holds A 127.0.0.66 / AAAA 100::66 (nothing listens there:
 * a resolver that takes it fails to connect).
 * Exit: 0 after -t, 1 on an error, 2 on bad usage. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENTRIES 64
#define MAX_MSG 512
#define MAX_CHAIN 8

enum { T_A = 1, T_CNAME = 5, T_AAAA = 28 };

static struct entry {
	char name[256];
	int type;			/* T_A, T_AAAA or T_CNAME */
	unsigned char addr[16];
	char target[256];
} table[MAX_ENTRIES];
static int nentries;

/* One query as received. */
struct query {
	unsigned char buf[MAX_MSG];
	size_t len;
	size_t qend;		/* offset just past the question */
	unsigned id;
	int qtype;
	char name[256];		/* dotted, no trailing dot */
	struct sockaddr_storage from;
	socklen_t fromlen;
};

/* An answer being built. */
struct msg {
	unsigned char b[MAX_MSG];
	size_t len;
};

static void
die(const char *what)
{
	fprintf(stderr, "dnsd: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: dnsd [-d MS] [-l FILE] [-t SECONDS] LISTEN MODE [NAME=VALUE...]\n");
	exit(2);
}

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* name without its trailing dot, lower case, into d[256] */
static void
name_norm(char *d, const char *s)
{
	size_t n = strlen(s), i;

	if (n && s[n - 1] == '.')
		n--;
	if (n > 255)
		n = 255;
	for (i = 0; i < n; i++)
		d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	d[n] = 0;
}

static void
table_add(const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct entry *e = &table[nentries];
	char name[256];

	if (!eq || eq == spec || (size_t)(eq - spec) > 255 || nentries == MAX_ENTRIES)
		usage();
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = 0;
	name_norm(e->name, name);
	eq++;
	if (!strncmp(eq, "cname:", 6) && strlen(eq + 6) < 256) {
		e->type = T_CNAME;
		name_norm(e->target, eq + 6);
	} else if (inet_pton(AF_INET, eq, e->addr) == 1) {
		e->type = T_A;
	} else if (inet_pton(AF_INET6, eq, e->addr) == 1) {
		e->type = T_AAAA;
	} else {
		fprintf(stderr, "dnsd: %s: not NAME=IPv4, NAME=IPv6 or NAME=cname:TARGET\n", spec);
		exit(2);
	}
	nentries++;
}

/* ---- reading a query ------------------------------------------------------- */

/* Reads the question of q->buf (uncompressed labels). Returns 0 or -1. */
static int
query_parse(struct query *q)
{
	size_t i = 12, o = 0;
	unsigned l;

	if (q->len < 17 || (q->buf[2] & 0x80) || q->buf[4] != 0 || q->buf[5] != 1)
		return -1;
	q->id = (unsigned)q->buf[0] << 8 | q->buf[1];
	while (i < q->len && (l = q->buf[i]) != 0) {
		if (l > 63 || i + 1 + l >= q->len || o + l + 1 > 255)
			return -1;
		if (o)
			q->name[o++] = '.';
		memcpy(q->name + o, q->buf + i + 1, l);
		o += l;
		i += 1 + l;
	}
	if (i + 5 > q->len)
		return -1;
	q->name[o] = 0;
	name_norm(q->name, q->name);
	q->qtype = q->buf[i + 1] << 8 | q->buf[i + 2];
	q->qend = i + 5;
	return 0;
}

static void
query_log(const char *file, const struct query *q)
{
	char line[300];
	int fd, n;

	if (!file)
		return;
	if (q->qtype == T_A || q->qtype == T_AAAA)
		n = snprintf(line, sizeof(line), "%s %s\n", q->name, q->qtype == T_A ? "A" : "AAAA");
	else
		n = snprintf(line, sizeof(line), "%s %d\n", q->name, q->qtype);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
		die(file);
	if (write(fd, line, (size_t)n) != n)
		die(file);
	close(fd);
}

/* ---- building an answer ---------------------------------------------------- */

static void
put(struct msg *m, const void *p, size_t n)
{
	if (m->len + n > sizeof(m->b)) {
		fprintf(stderr, "dnsd: answer over %d bytes\n", MAX_MSG);
		exit(1);
	}
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
put16(struct msg *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(m, b, 2);
}

/* Writes name as uncompressed labels; returns its offset. */
static size_t
put_name(struct msg *m, const char *name)
{
	size_t at = m->len, l;
	unsigned char c;

	while (*name) {
		l = strcspn(name, ".");
		c = (unsigned char)(l > 63 ? 63 : l);
		put(m, &c, 1);
		put(m, name, c);
		name += l + (name[l] == '.');
	}
	put(m, "", 1);
	return at;
}

/* The header and q's question, with flags and counts given. */
static void
put_head(struct msg *m, const struct query *q, unsigned id, unsigned flags,
	 unsigned ancount)
{
	m->len = 0;
	put16(m, id);
	put16(m, flags | (q->buf[2] & 0x01) << 8);	/* RD copied */
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	put(m, q->buf + 12, q->qend - 12);
}

/* A record header: owner (a pointer to off), type, class IN, TTL 60. */
static void
put_rr(struct msg *m, size_t off, int type, unsigned rdlength)
{
	put16(m, 0xc000 | (unsigned)off);
	put16(m, (unsigned)type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 60);
	put16(m, rdlength);
}

#define F_ANSWER 0x8480		/* QR, AA, RA */

/* The ok answer of q: CNAME chain, then its records of the type asked. */
static void
answer_ok(struct msg *m, const struct query *q)
{
	char cur[256];
	size_t owner = 12;
	int i, an = 0, hops, known = 0, cnamed;

	put_head(m, q, q->id, F_ANSWER, 0);
	snprintf(cur, sizeof(cur), "%s", q->name);
	for (hops = 0; hops <= MAX_CHAIN; hops++) {
		cnamed = 0;
		for (i = 0; i < nentries; i++) {
			if (strcmp(table[i].name, cur))
				continue;
			known = 1;
			if (table[i].type == T_CNAME && !cnamed) {
				size_t len0;

				put_rr(m, owner, T_CNAME, 0);
				len0 = m->len;
				owner = put_name(m, table[i].target);
				m->b[len0 - 2] = (unsigned char)((m->len - len0) >> 8);
				m->b[len0 - 1] = (unsigned char)(m->len - len0);
				snprintf(cur, sizeof(cur), "%s", table[i].target);
				an++;
				cnamed = 1;
			}
		}
		if (!cnamed)
			break;
	}
	for (i = 0; i < nentries; i++) {
		if (strcmp(table[i].name, cur) || table[i].type != q->qtype)
			continue;
		put_rr(m, owner, q->qtype, q->qtype == T_A ? 4 : 16);
		put(m, table[i].addr, q->qtype == T_A ? 4 : 16);
		an++;
	}
	m->b[6] = (unsigned char)(an >> 8);
	m->b[7] = (unsigned char)an;
	if (!known)
		m->b[3] |= 3;	/* NXDOMAIN */
}

/* A decoy: the decoy address for q's type, with id and question given. */
static void
answer_decoy(struct msg *m, const struct query *q, unsigned id, int wrongq)
{
	static const unsigned char a4[4] = { 127, 0, 0, 66 };
	static const unsigned char a6[16] = { 1, 0, [15] = 0x66 };
	struct query other = *q;

	if (wrongq) {
		struct msg t = { .len = 0 };

		put_name(&t, "decoy.invalid");
		put16(&t, (unsigned)q->qtype);
		put16(&t, 1);
		memcpy(other.buf + 12, t.b, t.len);
		other.qend = 12 + t.len;
	}
	put_head(m, &other, id, F_ANSWER, q->qtype == T_A || q->qtype == T_AAAA);
	if (q->qtype == T_A) {
		put_rr(m, 12, T_A, 4);
		put(m, a4, 4);
	} else if (q->qtype == T_AAAA) {
		put_rr(m, 12, T_AAAA, 16);
		put(m, a6, 16);
	}
}

/* ---- modes ------------------------------------------------------------------ */

static int fd, fd2 = -1;	/* the socket; another one for wrongsrc */

static void
send_to(int s, const struct query *q, const void *p, size_t n)
{
	if (sendto(s, p, n, 0, (const struct sockaddr *)&q->from, q->fromlen) < 0)
		fprintf(stderr, "dnsd: sendto: %s\n", strerror(errno));
}

static void
send_msg(int s, const struct query *q, const struct msg *m)
{
	send_to(s, q, m->b, m->len);
}

static void
send_rcode(const struct query *q, unsigned rcode, unsigned flags)
{
	struct msg m;

	put_head(&m, q, q->id, F_ANSWER | flags | rcode, 0);
	send_msg(fd, q, &m);
}

static void
send_loop(const struct query *q)
{
	struct msg m;
	size_t at;

	put_head(&m, q, q->id, F_ANSWER, 1);
	at = m.len;
	put(&m, "\001a", 2);	/* "a" then a pointer back to itself */
	put16(&m, 0xc000 | (unsigned)at);
	put16(&m, (unsigned)q->qtype);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 60);
	put16(&m, 4);
	put(&m, "\177\0\0\1", 4);
	send_msg(fd, q, &m);
}

static void
send_garbage(const struct query *q)
{
	static const char junk[] = "\xde\xad\xbe\xef\xc0\xff\xee";
	unsigned char noise[40];
	struct msg m;
	size_t i;

	send_to(fd, q, "\x42", 1);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)(i * 73 + 11);
	send_to(fd, q, noise, sizeof(noise));
	put_head(&m, q, q->id, F_ANSWER, 2);
	put(&m, junk, sizeof(junk) - 1);
	send_msg(fd, q, &m);
}

static void
serve(const char *mode, const struct query *q)
{
	struct msg m;

	if (!strcmp(mode, "silent"))
		return;
	if (!strcmp(mode, "nxdomain")) {
		send_rcode(q, 3, 0);
	} else if (!strcmp(mode, "servfail")) {
		send_rcode(q, 2, 0);
	} else if (!strcmp(mode, "refused")) {
		send_rcode(q, 5, 0);
	} else if (!strcmp(mode, "trunc")) {
		send_rcode(q, 0, 0x0200);
	} else if (!strcmp(mode, "loop")) {
		send_loop(q);
	} else if (!strcmp(mode, "garbage")) {
		send_garbage(q);
	} else {
		if (!strcmp(mode, "wrongid")) {
			answer_decoy(&m, q, q->id ^ 0x5a5a, 0);
			send_msg(fd, q, &m);
		} else if (!strcmp(mode, "wrongq")) {
			answer_decoy(&m, q, q->id, 1);
			send_msg(fd, q, &m);
		} else if (!strcmp(mode, "wrongsrc")) {
			answer_decoy(&m, q, q->id, 0);
			send_msg(fd2, q, &m);
		}
		answer_ok(&m, q);
		send_msg(fd, q, &m);
	}
}

static int
mode_known(const char *mode)
{
	static const char *const modes[] = { "ok", "nxdomain", "servfail",
		"refused", "silent", "wrongid", "wrongq", "wrongsrc", "trunc",
		"loop", "garbage", 0 };
	int i;

	for (i = 0; modes[i]; i++)
		if (!strcmp(mode, modes[i]))
			return 1;
	return 0;
}

/* ---- the socket -------------------------------------------------------------- */

/* Parses ADDR:PORT or [V6]:PORT into ss. Returns its length, 0 when bad. */
static socklen_t
listen_addr(const char *spec, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(spec, ':');
	char host[64];
	size_t hl;
	long port;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (!colon || !colon[1])
		return 0;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return 0;
	hl = (size_t)(colon - spec);
	if (spec[0] == '[') {
		if (hl < 3 || spec[hl - 1] != ']' || hl - 2 >= sizeof(host))
			return 0;
		memcpy(host, spec + 1, hl - 2);
		host[hl - 2] = 0;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 ? sizeof(*s6) : 0;
	}
	if (hl >= sizeof(host))
		return 0;
	memcpy(host, spec, hl);
	host[hl] = 0;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? sizeof(*s4) : 0;
}

static int
bind_udp(struct sockaddr_storage *ss, socklen_t len)
{
	int s, one = 1;

	if ((s = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		die("socket");
	if (ss->ss_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)ss, len) < 0)
		die("bind");
	return s;
}

int
main(int argc, char **argv)
{
	static struct query q;
	struct sockaddr_storage ss;
	const char *log = 0, *mode;
	long delay = 0;
	int c, idle = 60;
	socklen_t len;
	struct pollfd pf;
	ssize_t n;

	while ((c = getopt(argc, argv, "d:l:t:")) != -1) {
		switch (c) {
		case 'd': delay = atol(optarg); break;
		case 'l': log = optarg; break;
		case 't': idle = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind < 2 || !(len = listen_addr(argv[optind], &ss)) ||
	    !mode_known(argv[optind + 1]))
		usage();
	mode = argv[optind + 1];
	for (c = optind + 2; c < argc; c++)
		table_add(argv[c]);
	fd = bind_udp(&ss, len);
	if (!strcmp(mode, "wrongsrc")) {
		struct sockaddr_storage s2 = ss;

		((struct sockaddr_in *)&s2)->sin_port = 0;	/* same offset in v6 */
		fd2 = bind_udp(&s2, len);
	}
	getsockname(fd, (struct sockaddr *)&ss, &len);
	printf("%u\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
	fflush(stdout);
	pf.fd = fd;
	pf.events = POLLIN;
	while ((c = poll(&pf, 1, idle * 1000)) != 0) {
		if (c < 0)
			continue;
		q.fromlen = sizeof(q.from);
		n = recvfrom(fd, q.buf, sizeof(q.buf), 0, (struct sockaddr *)&q.from, &q.fromlen);
		if (n < 0)
			continue;
		q.len = (size_t)n;
		if (query_parse(&q) < 0)
			continue;
		query_log(log, &q);
		if (delay > 0)
			msleep(delay);
		serve(mode, &q);
	}
	return 0;
}
