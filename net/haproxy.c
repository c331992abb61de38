/* SPDX-License-Identifier: 0BSD */
/* haproxy.c - one command on HAProxy's runtime API (the stats socket, UNIX
 * or TCP): send the line, read the answer until HAProxy closes (it does so
 * after one command in non-interactive mode). A command holding a control
 * character or ';' (HAProxy's command separator) is refused with -EINVAL,
 * so a backend name from the command line cannot smuggle in a second
 * command. Never prints, never allocates. */
#include <errno.h>
#include <string.h>

#include "net/net.h"

static int
haproxy_cmd_ok(const char *cmd)
{
	const unsigned char *p;

	for (p = (const unsigned char *)cmd; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ';')
			return 0;
	return p != (const unsigned char *)cmd;
}

static int
haproxy_talk(struct conn *c, const char *cmd, char *buf, size_t size,
	     const struct deadline *dl)
{
	size_t len = 0;
	ssize_t n;
	int e;

	if ((e = conn_write_all(c, cmd, strlen(cmd), dl)) < 0 ||
	    (e = conn_write_all(c, "\n", 1, dl)) < 0)
		return e;
	for (;;) {
		if (len == size - 1) {
			char extra;

			n = conn_read(c, &extra, 1, dl);
			if (n > 0)
				return NET_EHAPROXY;
			if (n < 0)
				return (int)n;
			break;
		}
		n = conn_read(c, buf + len, size - 1 - len, dl);
		if (n == 0)
			break;
		if (n < 0)
			return (int)n;
		len += (size_t)n;
	}
	buf[len] = 0;
	return (int)len;
}

int
haproxy_cmd(const char *spec, const char *cmd, char *buf, size_t size,
	    const struct deadline *dl)
{
	struct conn c = CONN_INIT;
	int e;

	if (size < 1 || size - 1 > 0x7fffffff)
		return -EINVAL;
	if (!haproxy_cmd_ok(cmd))
		return -EINVAL;
	if ((e = conn_open_spec(&c, spec, dl)) < 0)
		return e;
	e = haproxy_talk(&c, cmd, buf, size, dl);
	conn_close(&c);
	return e;
}
