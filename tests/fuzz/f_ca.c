/* SPDX-License-Identifier: 0BSD */
/* f_ca.c - fuzz target for ca.c, the PEM and DER parsers behind TLS. The
 * input is parsed as a CA bundle, a client chain and a client key, each on
 * its own copy (the PEM layer decodes in place); every certificate of the
 * chain then goes through the ca_ee_* walkers. An input that is not PEM is
 * also taken as DER: given to the ca_ee_* walkers as it is, and, wrapped in
 * base64 under each label the loaders take, to the anchors, chain and key
 * parsers (and as a TRUSTED CERTIFICATE, whose bytes after the first
 * element are OpenSSL's trust settings). Last, the input is a --pin value.
 * Every pointer a parse returns must lie in its input, counts within their
 * caps, key fields as BearSSL needs them, the notes on anchors left out
 * name real objects with printable names; the anchors' mappings are
 * released, so nothing grows. */
#include <bearssl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether p[0..n) lies within b[0..len). */
static int
inside(const void *p, size_t n, const void *b, size_t len)
{
	uintptr_t x = (uintptr_t)p, y = (uintptr_t)b;

	return p && x >= y && n <= len && x - y <= len - n;
}

/* Bits in the big-endian number v[0..n). */
static unsigned
bitlen(const unsigned char *v, size_t n)
{
	unsigned b = 0, top;

	while (n > 0 && *v == 0) {
		v++;
		n--;
	}
	if (n == 0)
		return 0;
	for (top = v[0], b = (unsigned)(n - 1) * 8; top; top >>= 1)
		b++;
	return b;
}

static int
curve_ok(int curve)
{
	return curve == BR_EC_secp256r1 || curve == BR_EC_secp384r1
	       || curve == BR_EC_secp521r1;
}

/* The number of "-----BEGIN " in s[0..n): a cap on the objects found. */
static size_t
begins(const unsigned char *s, size_t n)
{
	const unsigned char *p = s, *q;
	size_t c = 0;

	while ((q = memmem(p, n - (size_t)(p - s), "-----BEGIN ", 11))) {
		c++;
		p = q + 11;
	}
	return c;
}

static unsigned char *
copy(const uint8_t *data, size_t size)
{
	unsigned char *b = malloc(size ? size : 1);

	if (!b)
		abort();
	memcpy(b, data, size);
	return b;
}

/* ---- DER certificates: the ca_ee_* walkers ---------------------------------------- */

static void
check_pkey(const br_x509_pkey *pk, const void *b, size_t len)
{
	if (pk->key_type == BR_KEYTYPE_RSA) {
		if (pk->key.rsa.nlen == 0 || pk->key.rsa.elen == 0 ||
		    !inside(pk->key.rsa.n, pk->key.rsa.nlen, b, len) ||
		    !inside(pk->key.rsa.e, pk->key.rsa.elen, b, len))
			abort();
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		if (!curve_ok(pk->key.ec.curve) || pk->key.ec.qlen == 0 ||
		    !inside(pk->key.ec.q, pk->key.ec.qlen, b, len))
			abort();
	} else {
		abort();
	}
}

static void
check_ee(const unsigned char *der, size_t len)
{
	static const unsigned char ip4[4] = { 127, 0, 0, 1 };
	static const unsigned char ip6[16] = { [15] = 1 };
	const unsigned char *spki = 0;
	size_t spkilen = 0;
	br_x509_pkey pk;
	int s, k, h4, h6, u;

	s = ca_ee_spki(der, len, &spki, &spkilen);
	if (s == 0 && (spkilen < 2 || spki[0] != 0x30 || !inside(spki, spkilen, der, len)))
		abort();
	k = ca_ee_pkey(der, len, &pk);
	if (k == 0)
		check_pkey(&pk, der, len);
	h4 = ca_ee_has_ip(der, len, ip4, sizeof ip4);
	h6 = ca_ee_has_ip(der, len, ip6, sizeof ip6);
	u = ca_ee_server_eku(der, len);
	/* all read the same certificate: one fails, so do the others */
	if ((s != 0 && s != -1) || (k != 0 && k != -1) || (k == 0 && s != 0) ||
	    h4 < -1 || h4 > 1 || h6 < -1 || h6 > 1 || u < -1 || u > 1 ||
	    (s != 0 && (h4 != -1 || h6 != -1 || u != -1)))
		abort();
}

/* ---- PEM: anchors, chain, key ------------------------------------------------------ */

/* The notes on anchors left out: real objects, in order, printable names. */
static void
check_notes(const struct ca_notes *no, size_t objects)
{
	const struct ca_note *o;
	size_t i, j;

	for (i = 0; i < no->n && i < CA_NOTES_MAX; i++) {
		o = &no->note[i];
		if (o->obj < 1 || o->obj > objects || (i > 0 && o->obj <= o[-1].obj)
		    || o->why < CA_NOTE_WEAKRSA || o->why > CA_NOTE_AUX
		    || !ca_note_str(o->why) || !memchr(o->cn, 0, sizeof o->cn))
			abort();
		for (j = 0; o->cn[j]; j++)
			if (o->cn[j] < 0x20 || o->cn[j] > 0x7e)
				abort();
	}
	if (no->n > objects)
		abort();
}

/* 2026-12-06: within the dates of most certificates made today */
#define FUZZ_NOW 1796515200LL

static void
fuzz_anchors(const uint8_t *data, size_t size)
{
	unsigned char *b = copy(data, size);
	const unsigned char *area;
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;
	struct ca_notes notes;
	size_t n, i;
	int e;

	e = ca_parse_anchors(b, size, FUZZ_NOW, &notes, &ta, &n);
	free(b);
	check_notes(&notes, begins(data, size));
	if (e != 0) {
		if (e != NET_ETLS_CA && e != -ENOMEM)
			abort();
		return;
	}
	if (n == 0 || n > begins(data, size))
		abort();
	area = ta[0].dn.data;	/* the copies: at most size bytes in all */
	for (i = 0; i < n; i++) {
		pk = &ta[i].pkey;
		if (ta[i].dn.len < 2 || ta[i].dn.data[0] != 0x30 ||
		    !inside(ta[i].dn.data, ta[i].dn.len, area, size) ||
		    (ta[i].flags != 0 && ta[i].flags != BR_X509_TA_CA))
			abort();
		check_pkey(pk, area, size);
	}
	ca_free_anchors(ta, n, size);
}

static void
fuzz_chain(const uint8_t *data, size_t size)
{
	unsigned char *b = copy(data, size);
	br_x509_certificate *ch;
	size_t n, i;
	int e, issuer = -1;

	e = ca_parse_chain(b, size, &ch, &n, &issuer);
	if (e == 0) {
		if (n == 0 || n > CA_CHAIN_MAX || n > begins(data, size) ||
		    (issuer != BR_KEYTYPE_RSA && issuer != BR_KEYTYPE_EC))
			abort();
		for (i = 0; i < n; i++) {
			if (ch[i].data_len < 2 || !inside(ch[i].data, ch[i].data_len, b, size) ||
			    (i > 0 && ch[i].data < ch[i - 1].data + ch[i - 1].data_len))
				abort();
			check_ee(ch[i].data, ch[i].data_len);
		}
	} else if (e != NET_ETLS_CERT) {
		abort();
	}
	free(b);
}

static void
check_rsa(const br_rsa_private_key *k, const void *b, size_t len)
{
	unsigned pq;

	if (!k->plen || !k->qlen || !k->dplen || !k->dqlen || !k->iqlen ||
	    !inside(k->p, k->plen, b, len) || !inside(k->q, k->qlen, b, len) ||
	    !inside(k->dp, k->dplen, b, len) || !inside(k->dq, k->dqlen, b, len) ||
	    !inside(k->iq, k->iqlen, b, len))
		abort();
	/* n = pq: BearSSL's private operation relies on it */
	pq = bitlen(k->p, k->plen) + bitlen(k->q, k->qlen);
	if (k->n_bitlen == 0 || k->n_bitlen > pq || k->n_bitlen + 1 < pq)
		abort();
}

static void
fuzz_key(const uint8_t *data, size_t size)
{
	unsigned char *b = copy(data, size);
	struct ca_key k;
	int e;

	memset(&k, 0, sizeof k);
	e = ca_parse_key(b, size, &k);
	if (e == 0 && k.type == BR_KEYTYPE_RSA) {
		check_rsa(&k.rsa, b, size);
	} else if (e == 0 && k.type == BR_KEYTYPE_EC) {
		if (!curve_ok(k.ec.curve) || k.ec.xlen == 0 ||
		    !inside(k.ec.x, k.ec.xlen, b, size))
			abort();
	} else if (e != NET_ETLS_KEY) {
		abort();
	}
	free(b);
}

static void
fuzz_pem(const uint8_t *data, size_t size)
{
	fuzz_anchors(data, size);
	fuzz_chain(data, size);
	fuzz_key(data, size);
}

/* ---- DER wrapped in PEM --------------------------------------------------------- */

/* data in base64 lines of 64 under label; a new buffer, its length in *n. */
static unsigned char *
wrap(const char *label, const uint8_t *data, size_t size, size_t *n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t cap = 2 * strlen(label) + 40 + (size + 2) / 3 * 4 + size / 48 + 1;
	unsigned char *o = malloc(cap), *p = o;
	size_t i;
	uint32_t v;

	if (!o)
		abort();
	p += sprintf((char *)p, "-----BEGIN %s-----\n", label);
	for (i = 0; i < size; i += 3) {
		v = (uint32_t)data[i] << 16;
		if (i + 1 < size)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < size)
			v |= data[i + 2];
		*p++ = (unsigned char)b64[v >> 18];
		*p++ = (unsigned char)b64[v >> 12 & 63];
		*p++ = i + 1 < size ? (unsigned char)b64[v >> 6 & 63] : '=';
		*p++ = i + 2 < size ? (unsigned char)b64[v & 63] : '=';
		if (i % 48 == 45 || i + 3 >= size)
			*p++ = '\n';
	}
	p += sprintf((char *)p, "-----END %s-----\n", label);
	*n = (size_t)(p - o);
	if (*n > cap)
		abort();
	return o;
}

static void
fuzz_der(const uint8_t *data, size_t size)
{
	static const char *keys[] = { "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY" };
	unsigned char *w, *b;
	size_t n, i;

	b = copy(data, size);	/* exactly size bytes: ASan sees an over-read */
	check_ee(b, size);
	free(b);
	w = wrap("CERTIFICATE", data, size, &n);
	fuzz_anchors(w, n);
	fuzz_chain(w, n);
	free(w);
	w = wrap("TRUSTED CERTIFICATE", data, size, &n);
	fuzz_anchors(w, n);
	free(w);
	for (i = 0; i < sizeof keys / sizeof *keys; i++) {
		w = wrap(keys[i], data, size, &n);
		fuzz_key(w, n);
		free(w);
	}
}

/* ---- --pin ---------------------------------------------------------------------- */

static void
fuzz_pin(const uint8_t *data, size_t size)
{
	unsigned char pins[8][32];
	char *s = malloc(size + 1);
	int r;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	r = ca_pin_parse(s, pins, 8);
	if (r != NET_ETLS_PIN && (r < 1 || r > 8))
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_pem(data, size);
	if (!begins(data, size))
		fuzz_der(data, size);
	if (size < 512)
		fuzz_pin(data, size);
	return 0;
}
