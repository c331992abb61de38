/* SPDX-License-Identifier: 0BSD */
/* netopt.c - the options every HTTP-speaking applet shares (TLS trust,
 * client certificate, pin, request timeout, body cap), the one response
 * buffer mapped at start-up, and net_http(): one request bounded by both
 * the request timeout and the caller's overall deadline. */
#include <errno.h>
#include <sys/mman.h>

#include "lib/lib.h"

enum {
	OPT_CACERT = OPTID_TLS,
	OPT_INSECURE,
	OPT_PIN,
	OPT_CERT,
	OPT_KEY,
	OPT_REQTIMEOUT,
	OPT_MAXBODY
};

#define MAX_BODY_LIMIT (64LL * 1024 * 1024)

const struct opt net_opts[] = {
	{ "cacert", OPT_CACERT, ARG_STR, "FILE",
	  "trust the CAs in FILE (PEM) (default: the system bundle)" },
	{ "insecure", OPT_INSECURE, ARG_NONE, 0,
	  "do not verify the server's certificate (default: verify)" },
	{ "pin", OPT_PIN, ARG_STR, "sha256//BASE64",
	  "also require this server public key; the pin alone is the trust "
	  "when no --cacert is given (self-signed servers) (default: none)" },
	{ "cert", OPT_CERT, ARG_STR, "FILE",
	  "client certificate chain (PEM) for mutual TLS (default: none)" },
	{ "key", OPT_KEY, ARG_STR, "FILE",
	  "key of --cert (PEM, RSA or EC) (default: none)" },
	{ "request-timeout", OPT_REQTIMEOUT, ARG_DUR, "DUR",
	  "give one HTTP request at most DUR (default 5s)" },
	{ "max-body", OPT_MAXBODY, ARG_NUM, "BYTES",
	  "refuse response bodies over BYTES (default 1048576)" },
	{ 0, 0, 0, 0, 0 }
};

int
net_opt(struct net_cfg *c, const struct optstate *o, int id)
{
	switch (id) {
	case OPT_CACERT: c->tls.cacert = o->arg; return 1;
	case OPT_INSECURE: c->tls.insecure = 1; return 1;
	case OPT_PIN: c->tls.pin = o->arg; return 1;
	case OPT_CERT: c->tls.cert = o->arg; return 1;
	case OPT_KEY: c->tls.key = o->arg; return 1;
	case OPT_REQTIMEOUT:
		if (o->ms <= 0)
			die(EX_USAGE, "--request-timeout: must be more than 0");
		c->request_ms = o->ms;
		return 1;
	case OPT_MAXBODY:
		if (o->num < 1 || o->num > MAX_BODY_LIMIT)
			die(EX_USAGE, "--max-body: must be 1 to %lld", MAX_BODY_LIMIT);
		c->body_cap = (size_t)o->num;
		return 1;
	}
	return 0;
}

/* Tells which anchors of the bundle were left out and why: warnings for
 * a --cacert file (given), -v lines for the system bundle, whose expired
 * roots are the distribution's business. */
static void
net_ca_notes(int given)
{
	void (*say)(const char *, ...) = given ? log_warn : log_debug;
	const char *why, *cn;
	unsigned i, obj;

	for (i = 0; (why = tls_ca_note(i, &obj, &cn)); i++)
		say("%s: certificate %u%s%s%s: %s", tls_ca_file(), obj,
		    *cn ? " (" : "", cn, *cn ? ")" : "", why);
	if (tls_ca_notes() > i)
		say("%s: %u more certificates left out", tls_ca_file(),
		    tls_ca_notes() - i);
}

void
net_start(struct net_cfg *c, int tls)
{
	static int tls_done;
	void *p;
	int e;

	http_user_agent = "drainbox/" VERSION;
	if (!c->buf) {
		/* mmap, not malloc: that would link musl's malloc for this one
		 * buffer; its pages cost nothing until a response fills them */
		c->bufsize = HTTP_MAX_HEAD + c->body_cap + 1;
		p = mmap(0, c->bufsize, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die(EX_FAIL, "response buffer: %s", net_strerror(ENOMEM));
		c->buf = p;
	}
	if (!tls || tls_done)
		return;
	if (!CFG_TLS)	/* before any step is taken, not at the first request */
		die(EX_FAIL, "https: %s", net_strerror(NET_ENOTLS));
	e = tls_init(&c->tls);
	net_ca_notes(c->tls.cacert != NULL);
	if (e < 0)
		die(EX_FAIL, "%s: %s", net_tls_object(&c->tls, e), net_strerror(e));
	tls_done = 1;
	if (tls_notes() & TLS_NOTE_INSECURE)
		log_warn("--insecure: TLS certificates are not verified");
	else if (tls_notes() & TLS_NOTE_PINONLY)
		log_debug("TLS trust: the --pin key only (no CA, host name or date check)");
	else
		log_debug("TLS trust: the CAs of %s, the host name, the dates%s",
			  tls_ca_file(),
			  tls_notes() & TLS_NOTE_PIN ? " and the --pin key" : "");
	if (tls_notes() & TLS_NOTE_CLOCK)
		log_warn("the clock is before this build's date: certificates are "
			 "checked against the build date instead");
}

int
net_http(struct net_cfg *c, const struct http_req *rq, struct http_resp *r,
	 const struct deadline *until)
{
	struct deadline dl = deadline_in(c->request_ms);

	if (until)
		dl = deadline_min(dl, *until);
	return http_request(rq, r, c->buf, c->bufsize, &dl);
}

const char *
net_tls_object(const struct tls_cfg *t, int code)
{
	switch (code) {
	case NET_ETLS_CERT: return t->cert ? t->cert : "--cert";
	case NET_ETLS_KEY: return t->key ? t->key : "--key";
	case NET_ETLS_PIN: return "--pin";
	default:
		if (t->cacert || tls_ca_file())
			return t->cacert ? t->cacert : tls_ca_file();
		return "no system CA bundle (give --cacert FILE)";
	}
}

const char *
net_action(int code)
{
	if (code >= NET_ETLS_END && code <= NET_ETLS_BASE)
		return "tls";
	switch (code) {
	case -ECONNREFUSED: case -ENOENT: case -EHOSTUNREACH:
	case -ENETUNREACH: case -EADDRNOTAVAIL: case -ETIMEDOUT:
	case -EACCES: case -ENOTSOCK: case -ECONNABORTED:
	case NET_ETIMEDOUT_CONNECT:
		return "connect";
	case NET_EDNS: case NET_EDNSTEMP: case NET_EDNSFAIL: case NET_ETIMEDOUT_DNS:
		return "resolve";
	case NET_ETIMEDOUT_SEND: case -EPIPE:
		return "send";
	case NET_ETIMEDOUT_RECV: case -ECONNRESET: case NET_ETRUNC:
	case NET_EHAEMPTY:
		return "receive";
	case NET_ETIMEDOUT_TLS: case NET_ENOTLS:
		return "tls";
	case NET_EURL: case NET_EURLSCHEME: case NET_EURLPORT:
	case NET_EURLHOST: case NET_EURLSOCK: case NET_EREQBIG:
		return "request";
	}
	if (code >= NET_ETLS_CA && code <= NET_ETLS_BIGCERT)
		return "tls";
	if (code >= NET_ESTATUS && code <= NET_ETOOMANY1XX)
		return "response";
	return "request";
}
