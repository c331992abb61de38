/* SPDX-License-Identifier: 0BSD */
/* f_hapstate.c - fuzz target for the reader of HAProxy's `show servers
 * state` answer (net/haproxy.c). The input is the answer, read in place so
 * that a read past it leaves the buffer. Checks: every server slice lies
 * inside the input, is non-empty and holds no blank or newline; the states
 * are in range; no more servers than newlines; the walk ends for good; and
 * hap_state_find finds the first server by its names and by "#ID"s with
 * the same states as the walk saw. The input is also given, up to its
 * first NUL, to hap_target_parse: a success must put back together into
 * the input, within the bounds, with names of HAProxy's characters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_slice(const char *buf, size_t len, const char *s, size_t n)
{
	size_t i;

	if (!n || s < buf || s + n > buf + len)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			abort();
}

/* s[0..n) as a C string into out; 0 when it holds a NUL or is too long. */
static int
cstr(char *out, size_t size, const char *s, size_t n)
{
	if (n >= size || memchr(s, 0, n))
		return 0;
	memcpy(out, s, n);
	out[n] = 0;
	return 1;
}

static void
check_find(const char *buf, size_t len, const struct hap_server *first)
{
	char be[256], srv[256];
	struct hap_server s;

	if (cstr(be, sizeof(be), first->be, first->belen) && be[0] != '#' &&
	    cstr(srv, sizeof(srv), first->name, first->namelen) && srv[0] != '#') {
		if (hap_state_find(buf, len, be, srv, &s) != 1 || s.admin != first->admin ||
		    s.op_state != first->op_state)
			abort();
	}
	snprintf(be, sizeof(be), "#%ld", first->be_id);
	snprintf(srv, sizeof(srv), "#%ld", first->srv_id);
	if (hap_state_find(buf, len, be, srv, &s) != 1 || s.be_id != first->be_id ||
	    s.srv_id != first->srv_id)
		abort();
}

static void
check_target(const char *buf, size_t len)
{
	char arg[HAP_MAX_SPEC + HAP_MAX_NAME + 8], back[sizeof(arg)];
	struct hap_target t;
	const char *p;

	if (!cstr(arg, sizeof(arg), buf, strnlen(buf, len)) || hap_target_parse(&t, arg))
		return;
	snprintf(back, sizeof(back), "%s,%s", t.spec, t.server);
	if (strcmp(back, arg) || strlen(t.spec) > HAP_MAX_SPEC ||
	    strlen(t.server) > HAP_MAX_NAME || !*t.be || !*t.srv)
		abort();
	snprintf(back, sizeof(back), "%s/%s", t.be, t.srv);
	if (strcmp(back, t.server))
		abort();
	for (p = t.server; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:#/",
			    *p))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct hap_state it;
	struct hap_server s, first;
	size_t nl = 0, i;
	int r, n = 0;

	check_target(buf, size);
	for (i = 0; i < size; i++)
		nl += buf[i] == '\n';
	if (hap_state_begin(&it, buf, size) < 0)
		return 0;
	while ((r = hap_state_next(&it, &s)) > 0) {
		check_slice(buf, size, s.be, s.belen);
		check_slice(buf, size, s.name, s.namelen);
		if (s.op_state < 0 || s.op_state > 3 || s.admin > 0xffff || s.be_id < 0 ||
		    s.srv_id < 0)
			abort();
		if (!n++)
			first = s;
		if ((size_t)n > nl)
			abort();
	}
	if (r < -1 || hap_state_next(&it, &s) > 0)
		abort();
	if (n)
		check_find(buf, size, &first);
	return 0;
}
