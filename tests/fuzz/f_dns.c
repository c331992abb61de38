/* SPDX-License-Identifier: 0BSD */
/* f_dns.c - fuzz target for the resolver's parsers (net/dns.c). The input,
 * in a buffer of exactly its size, is read (a) by dns_answer() as the
 * answer to fixed queries for app.test (A and AAAA, id 0x1234, built by
 * dns_query), (b) by dns_conf_parse() as a resolv.conf, (c) by
 * dns_hosts_parse() as a hosts file, and (d) cut at its first NUL, by
 * dns_query() as a name. Each result must keep its contract: codes in
 * range, counts within max, nothing written outside out[*n..max), valid
 * families, conf fields in range with the search domains inside search[],
 * and a query that dns_answer() reads back as its own question. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ID 0x1234
#define MAX 4		/* out[] has room for more, to see writes past max */
#define POISON 0x5a5a5a5a

static int
family_ok(int f)
{
	return f == AF_INET || f == AF_INET6;
}

/* out[0..before) (filled before the call) and out[max..] must still hold
 * the poison; out[before..n) the addresses added (out[n..max) is the
 * callee's to use) */
static void
check_out(const struct dns_addr *out, int before, int n, int max)
{
	int i;

	if (n < before || n > max)
		abort();
	for (i = 0; i < before; i++)
		if (out[i].family != POISON)
			abort();
	for (i = before; i < n; i++)
		if (!family_ok(out[i].family))
			abort();
	for (i = max; i < DNS_MAX_ADDRS; i++)
		if (out[i].family != POISON)
			abort();
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* (a) msg as the answer to q */
static void
fuzz_answer(const unsigned char *msg, size_t len, const unsigned char *q, size_t qlen)
{
	struct dns_addr out[DNS_MAX_ADDRS];
	int n = 1, rc, again, n2 = 0;
	size_t i;

	memset(out, 0x5a, sizeof out);
	rc = dns_answer(msg, len, q, qlen, out, MAX, &n);
	if (rc != NET_EAGAIN && rc != NET_EDNSFAIL && (rc < 0 || rc > 15))
		abort();
	check_out(out, 1, n, MAX);
	if (rc == NET_EAGAIN && n != 1)
		abort();	/* not our answer: nothing taken from it */
	if (rc >= 0) {	/* our answer: our id, a response, our question */
		if (len < qlen || msg[0] != q[0] || msg[1] != q[1] || !(msg[2] & 0x80))
			abort();
		for (i = 12; i < qlen; i++)
			if (lower(msg[i]) != lower(q[i]))
				abort();
	}
	again = dns_answer(msg, len, q, qlen, out, DNS_MAX_ADDRS, &n2);
	if (again != rc)
		abort();	/* the same answer every time */
}

/* the i-th search domain must end inside search[] and not be empty */
static void
check_search(const struct dns_conf *c)
{
	size_t off = 0;
	const char *e;
	int i;

	for (i = 0; i < c->nsearch; i++) {
		if (off >= sizeof c->search || c->search[off] == 0)
			abort();
		e = memchr(c->search + off, 0, sizeof c->search - off);
		if (!e)
			abort();
		off = (size_t)(e - c->search) + 1;
	}
}

/* (b) text as a resolv.conf */
static void
fuzz_conf(const char *text, size_t len)
{
	struct dns_conf c;
	int i;

	memset(&c, 0x5a, sizeof c);
	dns_conf_parse(text, len, &c);
	if (c.nns < 0 || c.nns > DNS_MAX_NS || c.ndots < 0 || c.ndots > 15 ||
	    c.timeout < 1 || c.timeout > 30 || c.attempts < 1 || c.attempts > 5 ||
	    c.nsearch < 0 || c.nsearch > DNS_MAX_SEARCH)
		abort();
	for (i = 0; i < c.nns; i++)
		if (!family_ok(c.ns[i].family))
			abort();
	check_search(&c);
}

/* (c) text as a hosts file, for name */
static void
fuzz_hosts_name(const char *text, size_t len, const char *name)
{
	struct dns_addr out[DNS_MAX_ADDRS];
	int n = 1, rc;

	memset(out, 0x5a, sizeof out);
	rc = dns_hosts_parse(text, len, name, out, MAX, &n);
	if (rc != n - 1)
		abort();
	check_out(out, 1, n, MAX);
}

/* names to look up: fixed ones, and the second word of the input (so
 * that lines of the input match) */
static void
fuzz_hosts(const char *text, size_t len)
{
	char name[256];
	size_t i = 0, k = 0;

	fuzz_hosts_name(text, len, "app");
	fuzz_hosts_name(text, len, "localhost");
	while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
		i++;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	while (i < len && k < sizeof name - 1 && text[i] && text[i] != ' ' &&
	       text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
		name[k++] = text[i++];
	name[k] = 0;
	if (k)
		fuzz_hosts_name(text, len, name);
}

/* (d) the input up to its first NUL as a name to query */
static void
fuzz_query(const char *data, size_t size)
{
	unsigned char q[512], r[512];
	struct dns_addr out[DNS_MAX_ADDRS];
	char name[300];
	size_t n = strnlen(data, size);
	int rc, k = 0;

	if (n >= sizeof name)
		return;
	memcpy(name, data, n);
	name[n] = 0;
	rc = dns_query(q, sizeof q, name, ID, 28);
	if (rc < 0) {
		if (rc != NET_EDNSFAIL)
			abort();
		return;
	}
	/* header, the name (253 bytes at most, as 255 on the wire), type, class */
	if (rc < 12 + 2 + 4 || rc > 12 + 255 + 4 || n > 254 || q[0] != 0x12 || q[1] != 0x34)
		abort();
	if (dns_answer(q, (size_t)rc, q, (size_t)rc, out, DNS_MAX_ADDRS, &k) != NET_EAGAIN)
		abort();	/* a query is no answer */
	memcpy(r, q, (size_t)rc);
	r[2] |= 0x80;
	if (dns_answer(r, (size_t)rc, q, (size_t)rc, out, DNS_MAX_ADDRS, &k) != 0 || k != 0)
		abort();	/* the empty answer to it */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char qa[512], qaaaa[512];
	static int qalen, qaaaalen;
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	if (!qalen) {
		qalen = dns_query(qa, sizeof qa, "app.test", ID, 1);
		qaaaalen = dns_query(qaaaa, sizeof qaaaa, "app.test", ID, 28);
		if (qalen <= 0 || qaaaalen <= 0)
			abort();
	}
	memcpy(buf, data, size);
	fuzz_answer((unsigned char *)buf, size, qa, (size_t)qalen);
	fuzz_answer((unsigned char *)buf, size, qaaaa, (size_t)qaaaalen);
	fuzz_conf(buf, size);
	fuzz_hosts(buf, size);
	fuzz_query(buf, size);
	free(buf);
	return 0;
}
