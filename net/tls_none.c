/* SPDX-License-Identifier: 0BSD */
/* tls_none.c - the TLS backend of a CONFIG_TLS=n build: start-up succeeds
 * and does nothing, and an https connection is NET_ENOTLS, whose words are
 * "https is not supported by this build". No crypto is linked. */
#include "net/tls.h"

int
tls_init(const struct tls_cfg *cfg)
{
	(void)cfg;
	return 0;
}

unsigned
tls_notes(void)
{
	return 0;
}

const char *
tls_ca_file(void)
{
	return 0;
}

unsigned
tls_ca_notes(void)
{
	return 0;
}

const char *
tls_ca_note(unsigned i, unsigned *obj, const char **cn)
{
	(void)i;
	(void)obj;
	(void)cn;
	return 0;
}

int
tls_start(struct conn *c, const char *host, const struct deadline *dl)
{
	(void)c;
	(void)host;
	(void)dl;
	return NET_ENOTLS;
}

ssize_t
tls_read(struct conn *c, void *p, size_t n, const struct deadline *dl)
{
	(void)c;
	(void)p;
	(void)n;
	(void)dl;
	return NET_ENOTLS;
}

int
tls_write_all(struct conn *c, const void *p, size_t n, const struct deadline *dl)
{
	(void)c;
	(void)p;
	(void)n;
	(void)dl;
	return NET_ENOTLS;
}

void
tls_close(struct conn *c)
{
	c->tls = 0;
}
