/* drainbox - tls.h: the TLS backend behind struct conn.
 *
 * Two implementations, chosen by the Makefile (never by #if): tls_bearssl.c
 * (+ ca.c) and tls_none.c, which refuses https with NET_ENOTLS. drainbox has
 * at most one TLS connection open at a time; the backend keeps its one
 * engine context in static storage (no allocation after tls_init()). */
#ifndef TLS_H
#define TLS_H

#include "net.h"

struct tls_cfg {
	const char *cacert;	/* PEM bundle; NULL: the usual system paths */
	int insecure;		/* skip certificate verification */
	const char *pin;	/* "sha256//BASE64" of the server's SPKI, or NULL */
	const char *cert;	/* client certificate chain (PEM) for mutual TLS */
	const char *key;	/* its key (PEM, RSA or EC) */
};

/* Things the caller (netopt.c) should tell the user once. */
#define TLS_NOTE_INSECURE 1	/* verification is off (--insecure) */
#define TLS_NOTE_CLOCK    2	/* clock before the build date: used it instead */
#define TLS_NOTE_PIN      4	/* --pin on top of the CA, name and date checks */
#define TLS_NOTE_PINONLY  8	/* --pin is the whole trust (no --cacert) */

/* Start-up: reads the CA bundle, pin, client certificate and key. May
 * allocate; call once before any https request (later calls return 0 and
 * change nothing). Returns 0 or a negative code: -errno (--cacert file
 * unreadable), NET_ETLS_CA (no usable certificate in it, or no system
 * bundle), NET_ETLS_CERT / NET_ETLS_KEY (any failure reading --cert /
 * --key, or one given without the other), NET_ETLS_PIN.
 * Policy: the chain must lead to an anchor of the bundle, name the host,
 * be within its dates, allow a TLS server (extendedKeyUsage of each
 * certificate) and use RSA keys of at least 2048 bits. --pin with --cacert
 * adds a check of the server key to all that (TLS_NOTE_PIN); --pin alone
 * is all that is checked (no CA, name or date: self-signed appliances
 * work; no bundle is read; TLS_NOTE_PINONLY); --insecure checks nothing
 * but a --pin given with it. Raises TLS_NOTE_INSECURE, and TLS_NOTE_CLOCK
 * when time(2) is before BUILD_EPOCH. Anchors the bundle holds but which
 * cannot be used are left out with a note (tls_ca_note).
 * Calling it is optional: the first https connection calls it with an
 * all-zero cfg if nobody did. */
int tls_init(const struct tls_cfg *cfg);

/* TLS_NOTE_* flags raised so far (cumulative). */
unsigned tls_notes(void);

/* The name of the CA bundle tls_init() read (even if it held no usable
 * anchor), or NULL. */
const char *tls_ca_file(void);

/* How many anchors of that file were left out or restricted (may be more
 * than the tls_ca_note()s kept). */
unsigned tls_ca_notes(void);

/* The i-th (from 0) of those: words saying what was done and why ("left
 * out: expired"), with *obj its PEM object's number in the file (from 1)
 * and *cn its name (CN, else OU, else O) or "". NULL past the last one
 * kept. */
const char *tls_ca_note(unsigned i, unsigned *obj, const char **cn);

/* Runs the handshake on the connected c->fd for host (SNI, and the name or
 * IP checked against the certificate; an IP literal gets no SNI and its
 * iPAddress SANs are checked; one trailing dot is dropped for both).
 * Resumes the previous session when host is the same. Returns 0 with
 * c->tls = 1, or a negative code: NET_ETIMEDOUT_TLS, NET_EINTR, -errno,
 * NET_ETLS_ENTROPY, NET_ETLS_PINFAIL, NET_ETLS_IP, NET_ETLS_EKU,
 * NET_ETLS_BIGCERT, NET_ETLS_TRUNC (closed mid-handshake),
 * NET_ETLS_BASE - BR_ERR_* (which
 * includes the fatal alerts received/sent; tlserr_str() words them).
 * Blocks until done or dl. */
int tls_start(struct conn *c, const char *host, const struct deadline *dl);

/* As conn_read / conn_write_all, through the TLS engine: a timeout is
 * NET_ETIMEDOUT_RECV / NET_ETIMEDOUT_SEND, a close without close_notify is
 * NET_ETLS_TRUNC; tls_read returns 0 only after close_notify. After a
 * failure every later call returns the same code. Block until done or dl. */
ssize_t tls_read(struct conn *c, void *p, size_t n, const struct deadline *dl);
int tls_write_all(struct conn *c, const void *p, size_t n, const struct deadline *dl);

/* Sends close_notify if it can without blocking. The session is kept so
 * the next tls_start() to the same host may resume it (an abbreviated
 * handshake, no certificate exchange); a failed connection forgets it. */
void tls_close(struct conn *c);

/* ---- TLS error words (tlserr.c), used by net_strerror (err.c) ----------- */
/* Words for a code in [NET_ETLS_END, NET_ETLS_BASE]: a BearSSL error
 * (NET_ETLS_BASE - n) or a fatal alert received/sent. Returns a static
 * string; never NULL. (declaration added by the parsers engineer) */
const char *tlserr_str(int code);

/* conn.c: waits until fd is ready for events or dl passes. Returns 0 when
 * ready, timeout_code at the deadline, NET_EINTR when a signal interrupted
 * the wait, or -errno. */
int conn_wait(int fd, short events, const struct deadline *dl, int timeout_code);

/* ---- between tls_bearssl.c and ca.c (TLS engineer) ---------------------- */
/* Only the files that include <bearssl.h> first see these. All run at
 * start-up (tls_init) and may allocate, except the ca_ee_* walkers, which
 * read a DER certificate in place with bounded work and never allocate.
 * Each ca_load_* reads its file, then calls the ca_parse_* of the same
 * name, which works on memory (the fuzz target calls those): a parse
 * decodes the PEM text pem[0..len) in place (the text is changed) and
 * never reads outside it. */
#define CA_CHAIN_MAX	16	/* certificates in a client chain */

/* Why ca_load_anchors() left out (or restricted) an anchor. */
enum {
	CA_NOTE_WEAKRSA = 1,	/* RSA key under 2048 bits */
	CA_NOTE_NAMECONS,	/* name constraints: we cannot enforce them */
	CA_NOTE_CRITICAL,	/* another critical extension we do not enforce */
	CA_NOTE_EKU,		/* extendedKeyUsage without serverAuth */
	CA_NOTE_KU,		/* keyUsage without keyCertSign: kept, not as a CA */
	CA_NOTE_EXPIRED,
	CA_NOTE_NOTYET,
	CA_NOTE_DATES,		/* malformed validity */
	CA_NOTE_REJECT,		/* TRUSTED CERTIFICATE rejecting serverAuth */
	CA_NOTE_UNTRUSTED,	/* TRUSTED CERTIFICATE trusted, but not for serverAuth */
	CA_NOTE_AUX		/* TRUSTED CERTIFICATE with malformed trust settings */
};

struct ca_note {
	unsigned obj;		/* the PEM object's number in the file, from 1 */
	int why;		/* CA_NOTE_* */
	char cn[64];		/* its subject's CN, else OU, else O (printable), or "" */
};

#define CA_NOTES_MAX 8
struct ca_notes {
	unsigned n;		/* how many there were: may be over CA_NOTES_MAX */
	struct ca_note note[CA_NOTES_MAX];	/* the first ones */
};

/* Words for a CA_NOTE_*, "left out: expired"...; never NULL. */
const char *ca_note_str(int why);

/* Whether the certificate's extendedKeyUsage lets it serve TLS: 1 (none,
 * or one naming serverAuth or anyExtendedKeyUsage), 0 (it does not), -1
 * (malformed). Reads der in place; bounded work. */
int ca_ee_server_eku(const unsigned char *der, size_t len);

#ifdef BR_BEARSSL_H__
/* Trust anchors from every CERTIFICATE (or X509 CERTIFICATE, or TRUSTED
 * CERTIFICATE) in the PEM file path: subject DN and key copied; CA flag
 * from basicConstraints (a non-CA one is trusted directly, as the server's
 * own certificate). Certificates with keys other than RSA or EC
 * P-256/384/521, or malformed, are skipped. So is, with a note in *notes,
 * each one with an RSA key under 2048 bits, name constraints (critical or
 * not) or another critical extension we do not enforce, an
 * extendedKeyUsage without serverAuth, dates that do not hold now (seconds
 * since the epoch), or OpenSSL trust settings (TRUSTED CERTIFICATE) that
 * reject serverAuth or trust it for other uses only; a CA whose keyUsage
 * lacks keyCertSign is kept as a non-CA anchor, with a note. Returns 0,
 * -errno, or NET_ETLS_CA (malformed PEM, or no usable certificate). */
int ca_load_anchors(const char *path, long long now, struct ca_notes *notes,
		    br_x509_trust_anchor **ta, size_t *n);

/* As ca_load_anchors, from memory. The anchors are copies in two new
 * mappings (pem may go once it returns); after a success, and only then,
 * ca_free_anchors(ta, n, len) releases both (len as given here). Returns
 * 0, -ENOMEM or NET_ETLS_CA. */
int ca_parse_anchors(unsigned char *pem, size_t len, long long now,
		     struct ca_notes *notes, br_x509_trust_anchor **ta, size_t *n);
void ca_free_anchors(br_x509_trust_anchor *ta, size_t n, size_t len);

/* The certificate chain in path (end-entity first, at most CA_CHAIN_MAX;
 * a TRUSTED CERTIFICATE without its trust settings) and the key type
 * (BR_KEYTYPE_RSA/EC) of the first one's issuer. Returns
 * 0, -ENOMEM or NET_ETLS_CERT. */
int ca_load_chain(const char *path, br_x509_certificate **chain, size_t *n,
		  int *issuer_key_type);

/* As ca_load_chain, from memory; allocates nothing. *chain is a static
 * array (the next call overwrites it) whose certificates point into pem.
 * Returns 0 or NET_ETLS_CERT. */
int ca_parse_chain(unsigned char *pem, size_t len, br_x509_certificate **chain,
		   size_t *n, int *issuer_key_type);

/* A client's private key: type BR_KEYTYPE_RSA (rsa) or BR_KEYTYPE_EC (ec,
 * P-256/384/521). */
struct ca_key {
	int type;
	br_rsa_private_key rsa;
	br_ec_private_key ec;
};

/* The first "RSA PRIVATE KEY" (PKCS#1, two primes), "EC PRIVATE KEY"
 * (SEC1) or "PRIVATE KEY" (PKCS#8, unencrypted, RSA or EC) of path, decoded
 * by our own DER walk (BearSSL's br_skey_decoder costs 2.4 KB). k points
 * into the file's bytes, kept mapped for the process's life. Returns 0,
 * -ENOMEM or NET_ETLS_KEY (unreadable, malformed or unsupported). */
int ca_load_key(const char *path, struct ca_key *k);

/* As ca_load_key, from memory; allocates nothing, and k's pointers go into
 * pem. Returns 0 or NET_ETLS_KEY. */
int ca_parse_key(unsigned char *pem, size_t len, struct ca_key *k);

/* The RSA or EC (P-256/384/521) key of the DER certificate der[0..len);
 * pk's pointers go into der. Returns 0, or -1 (malformed, unsupported). */
int ca_ee_pkey(const unsigned char *der, size_t len, br_x509_pkey *pk);
#endif

/* "sha256//B64[;sha256//B64...]" into at most max 32-byte hashes. Returns
 * their count (>= 1) or NET_ETLS_PIN. */
int ca_pin_parse(const char *s, unsigned char (*pins)[32], int max);

/* The whole SubjectPublicKeyInfo element (tag and length included) inside
 * the DER certificate der[0..len). Returns 0 or -1 when malformed. */
int ca_ee_spki(const unsigned char *der, size_t len, const unsigned char **spki,
	       size_t *spkilen);

/* Whether the certificate's subjectAltName holds iPAddress ip (4 or 16
 * bytes). Returns 1 yes, 0 no, -1 malformed. */
int ca_ee_has_ip(const unsigned char *der, size_t len, const unsigned char *ip,
		 size_t iplen);

#endif
