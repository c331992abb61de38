/* SPDX-License-Identifier: 0BSD */
/* t_ca.c - ca.c's checks of trust anchors and of the server's chain, on
 * certificates built here byte by byte (no crypto: ca.c reads structure,
 * never signatures): extendedKeyUsage, name constraints and other critical
 * extensions, keyUsage, validity dates in both time forms, RSA key sizes,
 * the commonName a note shows, and the trust settings after a TRUSTED
 * CERTIFICATE. Each DER walker also reads every prefix of a certificate
 * from a guard-paged copy: a truncated one is malformed, never an
 * over-read. */
#include <bearssl.h>
#include <stdlib.h>

#include "net/tls.h"
#include "tap.h"

/* 2026-12-06 00:00:00 UTC */
#define NOW 1796515200LL

struct buf {
	unsigned char b[8192];
	size_t n;
};

static void
put(struct buf *o, const void *p, size_t n)
{
	if (n > sizeof o->b - o->n)
		abort();
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/* Appends the element tag { v[0..n) } to o (short or long length form). */
static void
el(struct buf *o, unsigned tag, const void *v, size_t n)
{
	unsigned char h[4] = { (unsigned char)tag };
	size_t hl = 2;

	if (n < 128) {
		h[1] = (unsigned char)n;
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	}
	put(o, h, hl);
	put(o, v, n);
}

/* Wraps o whole in tag. */
static void
wrap(struct buf *o, unsigned tag)
{
	struct buf t = *o;

	o->n = 0;
	el(o, tag, t.b, t.n);
}

static const unsigned char OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const unsigned char OID_P256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const unsigned char OID_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const unsigned char OID_SIG[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const unsigned char OID_CN[] = { 0x55, 0x04, 0x03 };
static const unsigned char OID_O[] = { 0x55, 0x04, 0x0a };
static const unsigned char SERVER[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const unsigned char CLIENT[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
static const unsigned char ANY[] = { 0x55, 0x1d, 0x25, 0x00 };

/* What a test certificate holds. Strings of extension values are DER. */
struct spec {
	const char *cn;		/* NULL: a Name with O only */
	int isca;
	int rsabits;		/* 0: an EC P-256 key */
	unsigned from_tag, to_tag;	/* 0x17 UTCTime, 0x18 GeneralizedTime */
	const char *from, *to;
	int ku;			/* -1: none; else its first byte */
	const unsigned char *eku[3];	/* OIDs of the extendedKeyUsage, or none */
	size_t ekulen[3];
	int eku_on;
	int nc;			/* 0 none, 1 non-critical, 2 critical */
	int crit;		/* an unknown extension: 1 non-critical, 2 critical */
};

static void
ext(struct buf *o, unsigned last, int critical, const struct buf *val)
{
	static const unsigned char yes[] = { 0x01, 0x01, 0xff };
	unsigned char id[3] = { 0x55, 0x1d, (unsigned char)last };
	struct buf e = { .n = 0 };

	el(&e, 0x06, id, 3);
	if (critical)
		put(&e, yes, sizeof yes);
	el(&e, 0x04, val->b, val->n);
	el(o, 0x30, e.b, e.n);
}

static void
name(struct buf *o, const char *cn)
{
	struct buf atv = { .n = 0 };

	el(&atv, 0x06, cn ? OID_CN : OID_O, 3);
	el(&atv, 0x0c, cn ? cn : "org", strlen(cn ? cn : "org"));
	wrap(&atv, 0x30);
	wrap(&atv, 0x31);
	wrap(&atv, 0x30);
	put(o, atv.b, atv.n);
}

static void
spki(struct buf *o, int rsabits)
{
	struct buf alg = { .n = 0 }, key = { .n = 0 }, bits = { .n = 0 };
	unsigned char n[513], e[3] = { 1, 0, 1 };
	size_t nlen = (size_t)(rsabits + 7) / 8;

	if (!rsabits) {
		el(&alg, 0x06, OID_EC, sizeof OID_EC);
		el(&alg, 0x06, OID_P256, sizeof OID_P256);
		memset(n, 0x11, 66);
		n[0] = 0;
		n[1] = 4;
		el(&bits, 0x03, n, 66);
	} else {
		el(&alg, 0x06, OID_RSA, sizeof OID_RSA);
		el(&alg, 0x05, "", 0);
		memset(n, 0x5a, sizeof n);
		n[0] = 0;	/* positive */
		n[1] = (unsigned char)(0xff >> ((8 - rsabits % 8) % 8));
		el(&key, 0x02, n, nlen + 1);
		el(&key, 0x02, e, 3);
		wrap(&key, 0x30);
		bits.b[0] = 0;
		bits.n = 1;
		put(&bits, key.b, key.n);
		wrap(&bits, 0x03);
	}
	wrap(&alg, 0x30);
	put(&alg, bits.b, bits.n);
	el(o, 0x30, alg.b, alg.n);
}

/* The DER certificate s describes, in o. */
static void
cert(struct buf *o, const struct spec *s)
{
	static const unsigned char ver[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };
	static const unsigned char serial[] = { 0x02, 0x01, 0x07 };
	struct buf tbs = { .n = 0 }, v = { .n = 0 }, exts = { .n = 0 }, sig = { .n = 0 };
	unsigned char zero[9] = { 0 };
	int i;

	el(&sig, 0x06, OID_SIG, sizeof OID_SIG);
	wrap(&sig, 0x30);
	put(&tbs, ver, sizeof ver);
	put(&tbs, serial, sizeof serial);
	put(&tbs, sig.b, sig.n);
	name(&tbs, s->cn);
	el(&v, s->from_tag ? s->from_tag : 0x17, s->from ? s->from : "200101000000Z",
	   strlen(s->from ? s->from : "200101000000Z"));
	el(&v, s->to_tag ? s->to_tag : 0x17, s->to ? s->to : "400101000000Z",
	   strlen(s->to ? s->to : "400101000000Z"));
	el(&tbs, 0x30, v.b, v.n);
	name(&tbs, s->cn);
	spki(&tbs, s->rsabits);
	if (s->isca) {
		v.n = 0;
		el(&v, 0x01, "\xff", 1);
		wrap(&v, 0x30);
		ext(&exts, 0x13, 1, &v);
	}
	if (s->ku >= 0) {
		unsigned char bs[2] = { 1, (unsigned char)s->ku };

		v.n = 0;
		el(&v, 0x03, bs, 2);
		ext(&exts, 0x0f, 1, &v);
	}
	if (s->eku_on) {
		v.n = 0;
		for (i = 0; i < 3 && s->eku[i]; i++)
			el(&v, 0x06, s->eku[i], s->ekulen[i]);
		wrap(&v, 0x30);
		ext(&exts, 0x25, 0, &v);
	}
	if (s->nc) {
		v.n = 0;
		el(&v, 0x82, "example.com", 11);
		wrap(&v, 0x30);
		wrap(&v, 0xa0);
		wrap(&v, 0x30);
		ext(&exts, 0x1e, s->nc == 2, &v);
	}
	if (s->crit) {
		v.n = 0;
		el(&v, 0x30, "", 0);
		ext(&exts, 0x24, s->crit == 2, &v);	/* policyConstraints */
	}
	if (exts.n) {
		wrap(&exts, 0x30);
		wrap(&exts, 0xa3);
		put(&tbs, exts.b, exts.n);
	}
	wrap(&tbs, 0x30);
	o->n = 0;
	put(o, tbs.b, tbs.n);
	put(o, sig.b, sig.n);
	el(o, 0x03, zero, sizeof zero);
	wrap(o, 0x30);
}

/* Appends der[0..n) in PEM under label to o. */
static void
pem(struct buf *o, const char *label, const unsigned char *der, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[8];
	size_t i;
	unsigned long v;

	put(o, "-----BEGIN ", 11);
	put(o, label, strlen(label));
	put(o, "-----\n", 6);
	for (i = 0; i < n; i += 3) {
		v = (unsigned long)der[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)der[i + 1] << 8;
		if (i + 2 < n)
			v |= der[i + 2];
		line[0] = b64[v >> 18];
		line[1] = b64[v >> 12 & 63];
		line[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		line[3] = i + 2 < n ? b64[v & 63] : '=';
		put(o, line, 4);
		if (i % 48 == 45)
			put(o, "\n", 1);
	}
	put(o, "\n-----END ", 10);
	put(o, label, strlen(label));
	put(o, "-----\n", 6);
}

/* Loads text as a bundle: returns ca_parse_anchors' code; *n anchors,
 * flags of the first in *flags, notes in *no. */
static int
load(const struct buf *text, size_t *n, unsigned *flags, struct ca_notes *no)
{
	static struct buf copy;
	br_x509_trust_anchor *ta;
	int e;

	copy = *text;
	*n = 0;
	*flags = 99;
	e = ca_parse_anchors(copy.b, copy.n, NOW, no, &ta, n);
	if (e == 0) {
		*flags = ta[0].flags;
		ca_free_anchors(ta, *n, copy.n);
	}
	return e;
}

/* s as a lone anchor: want is the note (0: none), usable whether an
 * anchor results, ca its CA flag then. */
static void
anchor(const char *what, const struct spec *s, int want, int usable, int ca)
{
	struct buf der, text = { .n = 0 };
	struct ca_notes no;
	unsigned flags;
	size_t n;
	int e;

	cert(&der, s);
	pem(&text, "CERTIFICATE", der.b, der.n);
	e = load(&text, &n, &flags, &no);
	if (!ok(e == (usable ? 0 : NET_ETLS_CA) && n == (usable ? 1u : 0u)
		&& no.n == (want ? 1u : 0u) && (!want || no.note[0].why == want)
		&& (!usable || flags == (ca ? BR_X509_TA_CA : 0u)), "%s", what))
		printf("#   code %d, %zu anchors, flags %u, %u notes, first %d\n",
		       e, n, flags, no.n, no.n ? no.note[0].why : 0);
}

static struct spec
base(void)
{
	struct spec s = { .cn = "Test CA", .isca = 1, .ku = -1 };

	return s;
}

static void
run_anchors(void)
{
	struct spec s = base();

	anchor("a plain EC CA", &s, 0, 1, 1);
	s.ku = 0x06;	/* keyCertSign, cRLSign */
	anchor("keyUsage keyCertSign: a CA", &s, 0, 1, 1);
	s.ku = 0x80;	/* digitalSignature */
	anchor("keyUsage without keyCertSign: kept, not as a CA", &s, CA_NOTE_KU, 1, 0);
	s.isca = 0;
	anchor("... no note for a certificate that is no CA", &s, 0, 1, 0);
	s = base();
	s.eku_on = 1;
	s.eku[0] = SERVER, s.ekulen[0] = sizeof SERVER;
	anchor("extendedKeyUsage serverAuth", &s, 0, 1, 1);
	s.eku[0] = CLIENT, s.ekulen[0] = sizeof CLIENT;
	anchor("extendedKeyUsage clientAuth only: left out", &s, CA_NOTE_EKU, 0, 0);
	s.eku[1] = ANY, s.ekulen[1] = sizeof ANY;
	anchor("extendedKeyUsage clientAuth and anyExtendedKeyUsage", &s, 0, 1, 1);
	s.eku[0] = 0;
	anchor("extendedKeyUsage empty: left out", &s, CA_NOTE_EKU, 0, 0);
	s = base();
	s.nc = 2;
	anchor("critical name constraints: left out", &s, CA_NOTE_NAMECONS, 0, 0);
	s.nc = 1;
	anchor("non-critical name constraints: left out too", &s, CA_NOTE_NAMECONS, 0, 0);
	s = base();
	s.crit = 2;
	anchor("a critical policyConstraints: left out", &s, CA_NOTE_CRITICAL, 0, 0);
	s.crit = 1;
	anchor("a non-critical one is ignored", &s, 0, 1, 1);
	s = base();
	s.rsabits = 2048;
	anchor("RSA 2048", &s, 0, 1, 1);
	s.rsabits = 4096;
	anchor("RSA 4096", &s, 0, 1, 1);
	s.rsabits = 2040;
	anchor("RSA 2040 bits: left out", &s, CA_NOTE_WEAKRSA, 0, 0);
	s.rsabits = 1024;
	anchor("RSA 1024: left out", &s, CA_NOTE_WEAKRSA, 0, 0);
}

static void
dates(const char *what, unsigned ft, const char *from, unsigned tt, const char *to,
      int want)
{
	struct spec s = base();

	s.from_tag = ft, s.from = from, s.to_tag = tt, s.to = to;
	anchor(what, &s, want, want == 0, 1);
}

static void
run_dates(void)
{
	/* a notBefore that is malformed, with a good notAfter */
	static const struct {
		const char *what;
		unsigned tag;
		const char *from;
	} bad[] = {
		{ "no Z: malformed", 0x17, "200101000000" },
		{ "fractional seconds: malformed", 0x18, "20200101000000.5Z" },
		{ "month 13: malformed", 0x17, "201301000000Z" },
		{ "a letter: malformed", 0x17, "2001O1000000Z" },
		{ "UTCTime tag with 4-digit year: malformed", 0x17, "20200101000000Z" },
		{ "hour 24: malformed", 0x17, "200101240000Z" }
	};
	size_t i;

	dates("UTCTime, valid now", 0x17, "250101000000Z", 0x17, "271231235959Z", 0);
	dates("expired", 0x17, "200101000000Z", 0x17, "261205235959Z", CA_NOTE_EXPIRED);
	dates("ends at NOW: still valid", 0x17, "200101000000Z", 0x17, "261206000000Z", 0);
	dates("starts one second after NOW", 0x17, "261206000001Z", 0x17, "301231000000Z",
	      CA_NOTE_NOTYET);
	dates("UTCTime 50 is 1950, 49 is 2049", 0x17, "500101000000Z", 0x17,
	      "491231235959Z", 0);
	dates("UTCTime 99 is 1999: expired", 0x17, "900101000000Z", 0x17,
	      "991231235959Z", CA_NOTE_EXPIRED);
	dates("GeneralizedTime", 0x18, "19990101000000Z", 0x18, "20600229000000Z", 0);
	dates("GeneralizedTime 2026-12-07: not yet", 0x18, "20261207000000Z", 0x18,
	      "20301231000000Z", CA_NOTE_NOTYET);
	dates("leap day 2024-02-29 23:59:59 then expired", 0x18, "20000101000000Z", 0x18,
	      "20240229235959Z", CA_NOTE_EXPIRED);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		dates(bad[i].what, bad[i].tag, bad[i].from, 0x17, "400101000000Z",
		      CA_NOTE_DATES);
}

/* A TRUSTED CERTIFICATE: the certificate, then aux[0..n) (n 0: none). */
static void
trusted(const char *what, const unsigned char *aux, size_t n, int want)
{
	struct spec s = base();
	struct buf der, text = { .n = 0 };
	struct ca_notes no;
	unsigned flags;
	size_t cnt;
	int e;

	cert(&der, &s);
	put(&der, aux, n);
	pem(&text, "TRUSTED CERTIFICATE", der.b, der.n);
	e = load(&text, &cnt, &flags, &no);
	if (!ok(want ? e == NET_ETLS_CA && no.n == 1 && no.note[0].why == want
		     : e == 0 && cnt == 1 && no.n == 0, "%s", what))
		printf("#   code %d, %u notes, first %d\n", e, no.n, no.n ? no.note[0].why : 0);
}

static void
run_trusted(void)
{
	/* 30 LEN { [30 trust-OIDs] [a0 reject-OIDs] [0c alias] } */
	static const unsigned char empty[] = { 0x30, 0x00 };
	static const unsigned char srv[] = { 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08,
		0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
	static const unsigned char cli[] = { 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08,
		0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
	static const unsigned char rej[] = { 0x30, 0x0c, 0xa0, 0x0a, 0x06, 0x08,
		0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
	static const unsigned char rejany[] = { 0x30, 0x08, 0xa0, 0x06, 0x06, 0x04,
		0x55, 0x1d, 0x25, 0x00 };
	static const unsigned char both[] = { 0x30, 0x18, 0x30, 0x0a, 0x06, 0x08,
		0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0xa0, 0x0a, 0x06, 0x08,
		0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
	static const unsigned char rejcli_alias[] = { 0x30, 0x11, 0xa0, 0x0a, 0x06,
		0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02, 0x0c, 0x03, 'a',
		'b', 'c' };
	static const unsigned char emptytrust[] = { 0x30, 0x02, 0x30, 0x00 };
	static const unsigned char trunc[] = { 0x30, 0x0c, 0xa0, 0x0a, 0x06, 0x08 };
	static const unsigned char notoid[] = { 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01,
		0x01 };
	static const unsigned char twice[] = { 0x30, 0x00, 0x30, 0x00 };

	trusted("TRUSTED CERTIFICATE with no trust settings", empty, 0, 0);
	trusted("empty trust settings", empty, sizeof empty, 0);
	trusted("trusted for serverAuth", srv, sizeof srv, 0);
	trusted("trusted for clientAuth only: left out", cli, sizeof cli,
		CA_NOTE_UNTRUSTED);
	trusted("an empty trust list: left out", emptytrust, sizeof emptytrust,
		CA_NOTE_UNTRUSTED);
	trusted("rejected for serverAuth: left out", rej, sizeof rej, CA_NOTE_REJECT);
	trusted("rejected for anyExtendedKeyUsage: left out", rejany, sizeof rejany,
		CA_NOTE_REJECT);
	trusted("trusted and rejected for serverAuth: the reject wins", both,
		sizeof both, CA_NOTE_REJECT);
	trusted("rejected for clientAuth, with an alias", rejcli_alias,
		sizeof rejcli_alias, 0);
	trusted("truncated trust settings: left out", trunc, sizeof trunc, CA_NOTE_AUX);
	trusted("a reject list of non-OIDs: left out", notoid, sizeof notoid,
		CA_NOTE_AUX);
	trusted("bytes after the trust settings: left out", twice, sizeof twice,
		CA_NOTE_AUX);
}

static void
run_notes(void)
{
	struct spec s = base();
	struct buf der, text = { .n = 0 };
	struct ca_notes no;
	unsigned flags;
	size_t n;
	int i;

	s.cn = "Bad\001CA \xc3\xa9 with a very long name that goes on and on past sixty-three";
	s.nc = 2;
	cert(&der, &s);
	put(&text, "junk line\n", 10);
	pem(&text, "EC PARAMETERS", der.b, 4);
	for (i = 0; i < 10; i++)
		pem(&text, "CERTIFICATE", der.b, der.n);
	s = base();
	cert(&der, &s);
	pem(&text, "CERTIFICATE", der.b, der.n);
	is_int(load(&text, &n, &flags, &no), 0, "10 anchors left out, 1 kept");
	is_int((long long)n, 1, "... one anchor");
	is_int(no.n, 10, "... 10 notes counted");
	is_int(no.note[0].obj, 2, "... the first is PEM object 2");
	is_int(no.note[7].obj, 9, "... the 8th kept is object 9");
	is_str(no.note[0].cn,
	       "Bad?CA ?? with a very long name that goes on and on past sixty-",
	       "... its commonName, printable, cut at 63");
	is_str(ca_note_str(no.note[0].why),
	       "left out: name constraints, which drainbox cannot enforce", "... words");
	s.cn = 0;
	s.rsabits = 1024;
	cert(&der, &s);
	text.n = 0;
	pem(&text, "CERTIFICATE", der.b, der.n);
	load(&text, &n, &flags, &no);
	is_str(no.note[0].cn, "org", "no commonName: the organizationName");
	is_str(net_strerror(NET_ETLS_EKU),
	       "certificate not for a TLS server (extendedKeyUsage)", "NET_ETLS_EKU words");
	is_str(net_strerror(NET_ETLS_BIGCERT), "certificate over 16 KiB",
	       "NET_ETLS_BIGCERT words");
}

/* ca_ee_server_eku on der, then on each of its prefixes (malformed). */
static void
eku(const char *what, const struct spec *s, int want)
{
	struct buf der;
	size_t i;
	int bad = 0;

	cert(&der, s);
	is_int(ca_ee_server_eku((unsigned char *)guard_copy(der.b, der.n), der.n), want,
	       what);
	for (i = 0; i < der.n; i++)
		if (ca_ee_server_eku((unsigned char *)guard_copy(der.b, i), i) != -1)
			bad++;
	ok(!bad, "%s: every prefix is malformed", what);
}

static void
run_eku(void)
{
	struct spec s = base();

	s.isca = 0;
	eku("server certificate without extendedKeyUsage", &s, 1);
	s.eku_on = 1;
	s.eku[0] = SERVER, s.ekulen[0] = sizeof SERVER;
	eku("serverAuth", &s, 1);
	s.eku[0] = CLIENT, s.ekulen[0] = sizeof CLIENT;
	eku("clientAuth only", &s, 0);
	s.eku[1] = SERVER, s.ekulen[1] = sizeof SERVER;
	eku("clientAuth and serverAuth", &s, 1);
	s.eku[1] = ANY, s.ekulen[1] = sizeof ANY;
	eku("clientAuth and anyExtendedKeyUsage", &s, 1);
	s.eku[0] = SERVER, s.ekulen[0] = sizeof SERVER - 1;	/* a prefix of it */
	s.eku[1] = 0;
	eku("an OID that starts as serverAuth is not it", &s, 0);
}

/* A TRUSTED CERTIFICATE as a client certificate: its trust settings are
 * not sent to the server. */
static void
run_chain(void)
{
	static const unsigned char aux[] = { 0x30, 0x00 };
	struct spec s = base();
	struct buf der, text = { .n = 0 };
	br_x509_certificate *ch;
	size_t n = 0, len;
	int issuer;

	cert(&der, &s);
	len = der.n;
	put(&der, aux, sizeof aux);
	pem(&text, "TRUSTED CERTIFICATE", der.b, der.n);
	is_int(ca_parse_chain(text.b, text.n, &ch, &n, &issuer), 0,
	       "a TRUSTED CERTIFICATE as --cert");
	ok(n == 1 && ch[0].data_len == len, "... sent without its trust settings");
}

int
main(void)
{
	tap_prog = "t_ca";
	run_anchors();
	run_dates();
	run_trusted();
	run_notes();
	run_eku();
	run_chain();
	return tap_done();
}
