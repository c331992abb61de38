/* SPDX-License-Identifier: 0BSD */
/* tls_bearssl.c - the TLS backend: one BearSSL client engine in static
 * storage, driven over the connected socket with poll(2) against the
 * caller's deadline. A trimmed profile keeps the binary small: TLS 1.2 only,
 * ECDHE with ECDSA or RSA certificates, AES-GCM (128 and 256; not
 * ChaCha20-Poly1305: 2.6 KB, and every server that offers it offers
 * AES-GCM too), P-256/P-384/P-521, SHA-256/384/512, RSA keys of 2048 bits
 * or more. An X.509 wrapper around BearSSL's minimal validator adds what
 * it lacks: the extendedKeyUsage of every certificate of the path,
 * iPAddress names for https://IP/, --pin (SHA-256 of the server's
 * SubjectPublicKeyInfo: one more check on top of the CA, name and dates
 * with --cacert; without it, a match is the whole trust, so self-signed
 * appliances work), and --insecure (the key is taken unchecked). Entropy
 * comes from getrandom(2); a clock before the build date is replaced by
 * the build date. */
#include <bearssl.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"	/* build/config.h, made by the Makefile */
#include "net/tls.h"

#define TLS_EE_MAX	16384	/* the end-entity certificate we keep */
#define TLS_PINS_MAX	8
#define TLS_DAY0	719528	/* 1970-01-01 in days since 0000-01-01 */

/* tlserr.c has the BR_ERR_* numbers without <bearssl.h>: keep them equal */
#define TLS_SAME(a, b) typedef char tls_same_##a[(BR_ERR_##a) == (b) ? 1 : -1]
TLS_SAME(IO, 31);
TLS_SAME(X509_NOT_TRUSTED, 62);
TLS_SAME(X509_EXPIRED, 54);
TLS_SAME(X509_BAD_SERVER_NAME, 56);
TLS_SAME(RECV_FATAL_ALERT, 256);
TLS_SAME(SEND_FATAL_ALERT, 512);

/* The curves for ECDHE and ECDSA: P-256, P-384 and P-521 through BearSSL's
 * generic code: 3 KB. Measured against nginx with an RSA-2048 key, a full
 * handshake costs us 30.7 M instructions, 87% of them in the two P-256
 * multiplications of ECDHE. br_ec_p256_m31 would halve that (17.6 M; the
 * GET from 7 to 5.4 ms) for 7.9 KB more. x25519 would not help: BearSSL
 * 0.6 lists it last among the curves it offers, and servers take the
 * client's first (P-256). BearSSL 0.6 has no 64-bit EC code. */
#define TLS_EC (&br_ec_prime_i31)

/* Each certificate of the chain BearSSL validates is kept whole (the
 * end-entity one in ee, for --pin and IP names, each CA one in turn in ca)
 * and its extendedKeyUsage read at its end; a certificate over
 * TLS_EE_MAX fails the chain in words rather than go unchecked. */
struct tls_x509 {
	const br_x509_class *vtable;
	int depth;		/* index of the certificate being received */
	int check;		/* it is part of the path BearSSL validates */
	int bad;		/* our verdict on the chain so far: 0 or NET_ETLS_* */
	size_t eelen, calen;
	int eebig, cabig;	/* the certificate did not fit */
	unsigned char ee[TLS_EE_MAX];
	unsigned char ca[TLS_EE_MAX];
};

static struct {
	br_ssl_client_context sc;
	br_x509_minimal_context xc;
	struct ca_key key;	/* client key */
	struct tls_x509 xw;
	br_x509_pkey eekey;	/* end-entity key when not verifying */
	unsigned char iobuf[BR_SSL_BUFSIZE_MONO];
	int ready;
	int fd;
	const struct deadline *dl;
	int ioerr;		/* our I/O failure, once the engine stopped */
	int eof;		/* peer gone after its close_notify: clean */
	int verr;		/* our own certificate verdict (PINFAIL, IP, EKU) */
	int noverify;		/* --insecure, or --pin without --cacert */
	unsigned notes;
	unsigned char pins[TLS_PINS_MAX][32];
	int npins;
	unsigned char ip[16];
	size_t iplen;
	char host[256];		/* the last handshake's host, for resumption */
	br_x509_trust_anchor *ta;
	size_t nta;
	const char *cafile;
	struct ca_notes canotes;	/* anchors left out */
} T;

static const uint16_t tls_suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
};

static const char *const tls_ca_paths[] = {
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/cert.pem"
};

/* ---- the X.509 wrapper --------------------------------------------------------- */

#define XW_INNER ((const br_x509_class **)&T.xc.vtable)

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	(void)ctx;
	T.xw.depth = 0;
	T.xw.eelen = 0;
	T.xw.eebig = 0;
	T.xw.bad = 0;
	if (!T.noverify)
		(*XW_INNER)->start_chain(XW_INNER, server_name);
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	(void)ctx;
	/* once a certificate chained to an anchor (err BR_ERR_X509_OK), or
	 * the chain failed, BearSSL ignores the rest: so do we */
	T.xw.check = !T.noverify && T.xc.err == 0;
	T.xw.calen = 0;
	T.xw.cabig = 0;
	if (!T.noverify)
		(*XW_INNER)->start_cert(XW_INNER, length);
}

/* Appends buf[0..len) to the certificate in b[0..*blen), or sets *big. */
static void
xw_keep(unsigned char *b, size_t *blen, int *big, const unsigned char *buf,
	size_t len)
{
	if (len > TLS_EE_MAX - *blen) {
		*big = 1;
	} else {
		memcpy(b + *blen, buf, len);
		*blen += len;
	}
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	(void)ctx;
	if (T.xw.depth == 0)
		xw_keep(T.xw.ee, &T.xw.eelen, &T.xw.eebig, buf, len);
	else if (T.xw.check)
		xw_keep(T.xw.ca, &T.xw.calen, &T.xw.cabig, buf, len);
	if (!T.noverify)
		(*XW_INNER)->append(XW_INNER, buf, len);
}

/* The certificate just received, when BearSSL validates it: whole, and
 * its extendedKeyUsage allows a TLS server (OpenSSL and curl ask this of
 * the end-entity certificate and of every CA of the path). */
static void
xw_check_cert(void)
{
	const unsigned char *der = T.xw.depth ? T.xw.ca : T.xw.ee;
	size_t len = T.xw.depth ? T.xw.calen : T.xw.eelen;
	int r;

	if (!T.xw.check || T.xw.bad)
		return;
	if (T.xw.depth ? T.xw.cabig : T.xw.eebig)
		T.xw.bad = NET_ETLS_BIGCERT;
	else if ((r = ca_ee_server_eku(der, len)) == 0)
		T.xw.bad = NET_ETLS_EKU;
	else if (r < 0)
		T.xw.bad = NET_ETLS_BASE - BR_ERR_X509_INVALID_VALUE;
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	(void)ctx;
	if (!T.noverify)
		(*XW_INNER)->end_cert(XW_INNER);
	xw_check_cert();
	T.xw.depth++;
}

/* Whether the captured end-entity key matches one of the pins. */
static int
xw_pin_ok(void)
{
	br_sha256_context h;
	unsigned char sum[32];
	const unsigned char *spki;
	size_t len;
	int i;

	if (ca_ee_spki(T.xw.ee, T.xw.eelen, &spki, &len) < 0)
		return 0;
	br_sha256_init(&h);
	br_sha256_update(&h, spki, len);
	br_sha256_out(&h, sum);
	for (i = 0; i < T.npins; i++)
		if (!memcmp(sum, T.pins[i], sizeof sum))
			return 1;
	return 0;
}

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	unsigned err;

	(void)ctx;
	if (!T.noverify) {
		err = (*XW_INNER)->end_chain(XW_INNER);
		if (err != BR_ERR_X509_OK && err != 0)
			return err;
		if (T.xw.bad) {
			T.verr = T.xw.bad;
			return BR_ERR_X509_NOT_TRUSTED;
		}
	} else {
		if (T.xw.depth == 0)
			return BR_ERR_X509_EMPTY_CHAIN;
		if (T.xw.eebig)
			return BR_ERR_X509_LIMIT_EXCEEDED;
		if (ca_ee_pkey(T.xw.ee, T.xw.eelen, &T.eekey) < 0)
			return BR_ERR_X509_UNSUPPORTED;
	}
	if (T.iplen && T.xw.eebig)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (T.npins && !xw_pin_ok()) {
		T.verr = NET_ETLS_PINFAIL;
		return BR_ERR_X509_NOT_TRUSTED;
	}
	if (!T.noverify && T.iplen
	    && ca_ee_has_ip(T.xw.ee, T.xw.eelen, T.ip, T.iplen) != 1) {
		T.verr = NET_ETLS_IP;
		return BR_ERR_X509_BAD_SERVER_NAME;
	}
	return 0;
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	(void)ctx;
	if (!T.noverify)
		return (*XW_INNER)->get_pkey(XW_INNER, usages);
	if (usages)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return &T.eekey;
}

static const br_x509_class xw_vtable = {
	sizeof(struct tls_x509),
	xw_start_chain, xw_start_cert, xw_append, xw_end_cert,
	xw_end_chain, xw_get_pkey
};

/* ---- start-up ------------------------------------------------------------------ */

/* The engine with the trimmed profile, the validator and the client key. */
static void
tls_profile(int keytype, const br_x509_certificate *chain, size_t nchain,
	    int issuer)
{
	static const struct {
		int id;
		const br_hash_class *vt;
	} hashes[] = {
		{ br_sha256_ID, &br_sha256_vtable },
		{ br_sha384_ID, &br_sha384_vtable },
		{ br_sha512_ID, &br_sha512_vtable }
	};
	br_ssl_engine_context *e = &T.sc.eng;
	size_t i;

	br_ssl_client_zero(&T.sc);
	br_ssl_engine_set_versions(e, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(e, tls_suites, sizeof tls_suites / sizeof *tls_suites);
	br_ssl_engine_set_ec(e, TLS_EC);
	br_ssl_engine_set_rsavrfy(e, &br_rsa_i31_pkcs1_vrfy);
	br_ssl_engine_set_ecdsa(e, &br_ecdsa_i31_vrfy_asn1);
	br_x509_minimal_init(&T.xc, &br_sha256_vtable, T.ta, T.nta);
	br_x509_minimal_set_rsa(&T.xc, &br_rsa_i31_pkcs1_vrfy);
	br_x509_minimal_set_ecdsa(&T.xc, TLS_EC, &br_ecdsa_i31_vrfy_asn1);
	br_x509_minimal_set_minrsa(&T.xc, 256);	/* 2048 bits, as curl's default */
	for (i = 0; i < sizeof hashes / sizeof *hashes; i++) {
		br_ssl_engine_set_hash(e, hashes[i].id, hashes[i].vt);
		br_x509_minimal_set_hash(&T.xc, hashes[i].id, hashes[i].vt);
	}
	br_ssl_engine_set_prf_sha256(e, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(e, &br_tls12_sha384_prf);
	br_ssl_engine_set_gcm(e, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(e, &br_aes_ct_ctr_vtable);
	br_ssl_engine_set_ghash(e, &br_ghash_ctmul64);
	br_ssl_engine_add_flags(e, BR_OPT_NO_RENEGOTIATION);
	br_ssl_engine_set_buffer(e, T.iobuf, sizeof T.iobuf, 0);
	T.xw.vtable = &xw_vtable;
	br_ssl_engine_set_x509(e, &T.xw.vtable);
	if (keytype == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(&T.sc, chain, nchain,
			&T.key.rsa, &br_rsa_i31_pkcs1_sign);
	else if (keytype == BR_KEYTYPE_EC)
		br_ssl_client_set_single_ec(&T.sc, chain, nchain,
			&T.key.ec, BR_KEYTYPE_SIGN,
			(unsigned)issuer, TLS_EC, &br_ecdsa_i31_sign_asn1);
}

static void tls_clock(void);

/* The time certificates are checked against: the clock, or the build date
 * when the clock is before it. */
static long long
tls_now(void)
{
	long long now = (long long)time(NULL), built = (long long)BUILD_EPOCH;

	return now < built ? built : now;
}

/* The CA bundle: file, or the first system one that exists. With file
 * (--cacert) the loop runs once and its own error is the answer; a
 * system bundle that is missing (-ENOENT) passes to the next one. */
static int
tls_load_ca(const char *file)
{
	const char *path;
	size_t i;
	int e;

	for (i = 0; i < sizeof tls_ca_paths / sizeof *tls_ca_paths; i++) {
		path = file ? file : tls_ca_paths[i];
		e = ca_load_anchors(path, tls_now(), &T.canotes, &T.ta, &T.nta);
		if (file || e != -ENOENT) {
			T.cafile = path;
			return file || e == 0 ? e : NET_ETLS_CA;
		}
	}
	return NET_ETLS_CA;
}

int
tls_init(const struct tls_cfg *cfg)
{
	static const struct tls_cfg none;
	br_x509_certificate *chain = 0;
	size_t nchain = 0;
	int e, keytype = 0, issuer = 0;

	if (T.ready)
		return 0;
	if (!cfg)
		cfg = &none;
	if (cfg->pin && (e = T.npins = ca_pin_parse(cfg->pin, T.pins, TLS_PINS_MAX)) < 0) {
		T.npins = 0;
		return e;
	}
	/* --pin with --cacert is one more check, as curl's --pinnedpubkey;
	 * alone (or with --insecure) it is the whole trust */
	T.noverify = cfg->insecure || (T.npins && !cfg->cacert);
	if (cfg->insecure)
		T.notes |= TLS_NOTE_INSECURE;
	if (T.npins)
		T.notes |= T.noverify ? TLS_NOTE_PINONLY : TLS_NOTE_PIN;
	if (!T.noverify && (e = tls_load_ca(cfg->cacert)) < 0)
		return e;
	if (cfg->cert || cfg->key) {
		if (!cfg->cert)
			return NET_ETLS_CERT;
		if (!cfg->key)
			return NET_ETLS_KEY;
		if ((e = ca_load_chain(cfg->cert, &chain, &nchain, &issuer)) < 0)
			return e;
		if ((e = ca_load_key(cfg->key, &T.key)) < 0)
			return e;
		keytype = T.key.type;
	}
	tls_profile(keytype, chain, nchain, issuer);
	tls_clock();	/* raises TLS_NOTE_CLOCK early, for the caller */
	T.fd = -1;
	T.ready = 1;
	return 0;
}

unsigned
tls_notes(void)
{
	return T.notes;
}

const char *
tls_ca_file(void)
{
	return T.cafile;
}

unsigned
tls_ca_notes(void)
{
	return T.canotes.n;
}

const char *
tls_ca_note(unsigned i, unsigned *obj, const char **cn)
{
	if (i >= T.canotes.n || i >= CA_NOTES_MAX)
		return NULL;
	*obj = T.canotes.note[i].obj;
	*cn = T.canotes.note[i].cn;
	return ca_note_str(T.canotes.note[i].why);
}

/* ---- the engine over the socket -------------------------------------------------- */

/* The code for an engine that stopped: 0 after a clean close_notify. */
static int
tls_closed(void)
{
	int err = br_ssl_engine_last_error(&T.sc.eng);

	if (T.verr)
		return T.verr;
	if (err == BR_ERR_IO && T.ioerr)
		return T.ioerr;
	if (err == BR_ERR_OK)
		return 0;
	return NET_ETLS_BASE - err;
}

/* Remembers an I/O failure: later calls return it again. */
static int
tls_fail(int code)
{
	T.ioerr = code;
	br_ssl_client_forget_session(&T.sc);
	return code;
}

/* Sends what the engine has ready. Returns 0 or a negative code. A peer
 * that sent close_notify and closed before our own close_notify went out
 * ended cleanly: that sets T.eof. */
static int
tls_sendrec(int timeout_code)
{
	unsigned char *buf;
	size_t len;
	ssize_t n;
	int e;

	buf = br_ssl_engine_sendrec_buf(&T.sc.eng, &len);
	n = send(T.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n > 0) {
		br_ssl_engine_sendrec_ack(&T.sc.eng, (size_t)n);
		return 0;
	}
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		if (T.sc.eng.close_received) {
			T.eof = 1;
			return 0;
		}
		return tls_fail(-errno);
	}
	if ((e = conn_wait(T.fd, POLLOUT, T.dl, timeout_code)) < 0)
		return tls_fail(e);
	return 0;
}

/* Feeds the engine what the socket has. Returns 0 or a negative code; an
 * EOF here (before close_notify) is NET_ETLS_TRUNC. */
static int
tls_recvrec(int timeout_code)
{
	unsigned char *buf;
	size_t len;
	ssize_t n;
	int e;

	buf = br_ssl_engine_recvrec_buf(&T.sc.eng, &len);
	n = recv(T.fd, buf, len, MSG_DONTWAIT);
	if (n > 0) {
		br_ssl_engine_recvrec_ack(&T.sc.eng, (size_t)n);
		return 0;
	}
	if (n == 0)
		return tls_fail(NET_ETLS_TRUNC);
	if (errno == EINTR)
		return 0;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return tls_fail(-errno);
	if ((e = conn_wait(T.fd, POLLIN, T.dl, timeout_code)) < 0)
		return tls_fail(e);
	return 0;
}

/* Runs the engine until its state has a bit of want (want 0: until all
 * records are sent). Returns 1 then, 0 when the peer closed cleanly, or a
 * negative code. */
static int
tls_pump(unsigned want, int timeout_code)
{
	unsigned st;
	int e;

	if (T.ioerr)
		return T.ioerr;
	for (;;) {
		if (T.eof)
			return 0;
		st = br_ssl_engine_current_state(&T.sc.eng);
		if (st & BR_SSL_CLOSED) {
			if ((e = tls_closed()) != 0)
				br_ssl_client_forget_session(&T.sc);
			return e;
		}
		if (st & BR_SSL_SENDREC)
			e = tls_sendrec(timeout_code);
		else if (want ? (st & want) : 1)
			return 1;
		else if (st & BR_SSL_RECVREC)
			e = tls_recvrec(timeout_code);
		else	/* e.g. the server talks while we still send */
			e = tls_fail(NET_ETLS_BASE - BR_ERR_BAD_STATE);
		if (e < 0)
			return e;
	}
}

static int
tls_entropy(void)
{
	unsigned char seed[32];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof seed) {
		n = getrandom(seed + got, sizeof seed - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NET_ETLS_ENTROPY;
		got += (size_t)n;
	}
	br_ssl_engine_inject_entropy(&T.sc.eng, seed, sizeof seed);
	explicit_bzero(seed, sizeof seed);
	return 0;
}

/* Validity dates are checked against the build date when the clock is
 * before it (a rescue system that booted in 1970). */
static void
tls_clock(void)
{
	long long now = (long long)time(NULL), built = (long long)BUILD_EPOCH;

	if (now < built) {
		br_x509_minimal_set_time(&T.xc, (uint32_t)(built / 86400 + TLS_DAY0),
			(uint32_t)(built % 86400));
		T.notes |= TLS_NOTE_CLOCK;
	} else {
		br_x509_minimal_set_time(&T.xc, 0, 0);	/* time(NULL) */
	}
}

/* host without one trailing dot ("localhost." is the same name, fully
 * qualified: SNI and certificates never carry the dot), in name[256].
 * Returns its length, or 0 when it does not fit. */
static size_t
tls_name(const char *host, char *name)
{
	size_t len = strlen(host);

	if (len > 1 && host[len - 1] == '.')
		len--;
	if (len >= 256)
		return 0;
	memcpy(name, host, len);
	name[len] = 0;
	return len;
}

int
tls_start(struct conn *c, const char *host, const struct deadline *dl)
{
	char name[256];
	size_t hlen;
	int e, resume;

	if (!T.ready && (e = tls_init(NULL)) < 0)
		return e;
	T.fd = c->fd;
	T.dl = dl;
	T.ioerr = 0;
	T.eof = 0;
	T.verr = 0;
	T.iplen = 0;
	if ((hlen = tls_name(host, name)) == 0)
		return NET_ETLS_BASE - BR_ERR_BAD_PARAM;
	host = name;
	if (inet_pton(AF_INET, host, T.ip) == 1)
		T.iplen = 4;
	else if (inet_pton(AF_INET6, host, T.ip) == 1)
		T.iplen = 16;
	tls_clock();
	if ((e = tls_entropy()) < 0)
		return e;
	resume = !strcmp(host, T.host);
	memcpy(T.host, host, hlen + 1);
	if (!br_ssl_client_reset(&T.sc, T.iplen ? NULL : host, resume)) {
		e = tls_closed();
		return e ? e : NET_ETLS_BASE - BR_ERR_BAD_PARAM;
	}
	e = tls_pump(BR_SSL_SENDAPP, NET_ETIMEDOUT_TLS);
	if (e <= 0) {
		T.host[0] = 0;
		T.fd = -1;
		return e ? e : NET_ETLS_TRUNC;
	}
	c->tls = 1;
	return 0;
}

ssize_t
tls_read(struct conn *c, void *p, size_t n, const struct deadline *dl)
{
	unsigned char *buf;
	size_t len;
	int e;

	(void)c;
	T.dl = dl;
	e = tls_pump(BR_SSL_RECVAPP, NET_ETIMEDOUT_RECV);
	if (e <= 0)
		return e;
	buf = br_ssl_engine_recvapp_buf(&T.sc.eng, &len);
	if (len > n)
		len = n;
	memcpy(p, buf, len);
	br_ssl_engine_recvapp_ack(&T.sc.eng, len);
	return (ssize_t)len;
}

int
tls_write_all(struct conn *c, const void *p, size_t n, const struct deadline *dl)
{
	const unsigned char *src = p;
	unsigned char *buf;
	size_t len;
	int e;

	(void)c;
	T.dl = dl;
	while (n > 0) {
		e = tls_pump(BR_SSL_SENDAPP, NET_ETIMEDOUT_SEND);
		if (e <= 0)
			return e ? e : NET_ETLS_TRUNC;
		buf = br_ssl_engine_sendapp_buf(&T.sc.eng, &len);
		if (len > n)
			len = n;
		memcpy(buf, src, len);
		br_ssl_engine_sendapp_ack(&T.sc.eng, len);
		src += len;
		n -= len;
	}
	br_ssl_engine_flush(&T.sc.eng, 0);
	e = tls_pump(0, NET_ETIMEDOUT_SEND);
	return e < 0 ? e : e == 0 ? NET_ETLS_TRUNC : 0;
}

void
tls_close(struct conn *c)
{
	int saved = errno;
	unsigned char *buf;
	size_t len;

	if (T.fd >= 0 && !T.ioerr
	    && !(br_ssl_engine_current_state(&T.sc.eng) & BR_SSL_CLOSED)) {
		br_ssl_engine_close(&T.sc.eng);
		buf = br_ssl_engine_sendrec_buf(&T.sc.eng, &len);
		if (buf)
			(void)send(T.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	T.fd = -1;
	c->tls = 0;
	errno = saved;
}
