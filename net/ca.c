/* SPDX-License-Identifier: 0BSD */
/* ca.c - the files TLS needs, read at start-up: the CA bundle (PEM) turned
 * into BearSSL trust anchors, the client certificate chain and its RSA or EC
 * key, and the --pin value; and a small bounded DER walker over certificates
 * for what BearSSL's validator does not give us: the server certificate's
 * SubjectPublicKeyInfo (for --pin), its key (for --insecure and --pin) and
 * its iPAddress subjectAltNames (for https://IP/ URLs).
 * PEM and certificates are decoded here rather than by br_pem_decoder and
 * br_x509_decoder: those run byte by byte in BearSSL's T0 interpreter and
 * took 60-90 ms for the 144 certificates of Debian's bundle at every start;
 * this takes about 1 ms, in less code. Start-up code takes its memory
 * straight from mmap(2), not malloc(3) (which would add some 9 KB to the
 * static binary for these few blocks); the ca_ee_* walkers take none.
 * Every input is treated as hostile: each DER element is checked against
 * the bounds of the one that holds it. Each ca_load_* reads its file and
 * hands the text to the ca_parse_* of the same name, which works on memory
 * and is what tests/fuzz/f_ca.c drives. */
#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/tls.h"

#define CA_FILE_MAX	(8 << 20)	/* a PEM file larger than this is refused */

/* ---- memory and files ---------------------------------------------------------- */

/* A new zero-filled read-write anonymous mapping of len (> 0) bytes, or
 * NULL. Its pages cost nothing until touched, so a size may be an upper
 * bound. */
static void *
ca_map(size_t len)
{
	void *p;

	p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

/* A file read whole into a mapping of its own, len + 1 bytes (never 0).
 * A copy rather than a mapping of the file: the PEM is decoded in place,
 * and a file truncated under a MAP_SHARED or MAP_PRIVATE file mapping
 * would kill us with SIGBUS. */
struct ca_file {
	unsigned char *p;
	size_t len;
};

/* Reads path into f. Returns 0 or -errno. */
static int
ca_file_read(const char *path, struct ca_file *f)
{
	struct stat st;
	unsigned char *b = 0;
	size_t got = 0, size = 0;
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		e = -errno;
	else if (S_ISDIR(st.st_mode))
		e = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		e = -EINVAL;
	else if (st.st_size > CA_FILE_MAX)
		e = -EFBIG;
	else if (!(b = ca_map((size = (size_t)st.st_size) + 1)))
		e = -ENOMEM;
	else
		e = 0;
	if (e < 0) {
		close(fd);
		return e;
	}
	while (got < size) {
		n = read(fd, b + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = -errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got < size) {	/* a read error, or the file shrank */
		munmap(b, size + 1);
		return e < 0 ? e : -EIO;
	}
	f->p = b;
	f->len = got;
	return 0;
}

static void
ca_file_drop(struct ca_file *f)
{
	munmap(f->p, f->len + 1);
}

/* ---- PEM ---------------------------------------------------------------------- */

static int
ca_b64(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Whether the text at p (before end) starts with s. */
static int
ca_starts(const unsigned char *p, const unsigned char *end, const char *s)
{
	size_t l = strlen(s);

	return (size_t)(end - p) >= l && !memcmp(p, s, l);
}

/* The start of the line after the one at p, or end. */
static unsigned char *
ca_next_line(unsigned char *p, unsigned char *end)
{
	unsigned char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* Decodes in place the base64 body that starts at *pp, up to its
 * "-----END " line; *pp is then moved to the line after it. The DER is written from
 * the body's own start (output never overtakes input). Returns its length,
 * or -1 on a bad character, bad padding or no END line. */
static long
ca_pem_body(unsigned char **pp, unsigned char *end)
{
	unsigned char *start = *pp, *p = *pp, *o = *pp;
	uint32_t acc = 0;
	int bits = 0, v, pad = 0;

	while (p < end) {
		v = *p;
		if (v == '-') {
			if (!ca_starts(p, end, "-----END ") || (acc & ((1u << bits) - 1)))
				return -1;
			*pp = ca_next_line(p, end);
			return (long)(o - start);
		}
		p++;
		if (v == ' ' || v == '\t' || v == '\r' || v == '\n')
			continue;
		if (v == '=' && bits >= 2) {
			pad = 1;
			continue;
		}
		if (pad || (v = ca_b64(v)) < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(acc >> bits);
		}
	}
	return -1;
}

/* Calls each(ctx, name, der, len) for every PEM object of pem[0..len), in
 * order, decoding each in place (the text is changed); text outside objects
 * is skipped. each returns 0 to go on, anything else to stop with that
 * value. Returns 0, bad (a malformed object) or each's value. */
static int
ca_pem_each(unsigned char *pem, size_t len, int bad, void *ctx,
	    int (*each)(void *, const char *, const unsigned char *, size_t))
{
	unsigned char *p, *end = pem + len, *name, *e, *der;
	long n;
	int r = 0;

	for (p = pem; p < end && r == 0; ) {
		if (!ca_starts(p, end, "-----BEGIN ")) {
			p = ca_next_line(p, end);
			continue;
		}
		name = p + 11;
		der = p = ca_next_line(name, end);
		e = p;
		while (e > name && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
			e--;
		if (e - name < 5 || memcmp(e - 5, "-----", 5))
			return bad;
		e[-5] = 0;	/* the name, NUL-terminated in place */
		n = ca_pem_body(&p, end);
		r = n < 0 ? bad : each(ctx, (const char *)name, der, (size_t)n);
	}
	return r;
}

/* ---- DER ------------------------------------------------------------------------ */

/* A slice of DER. */
struct der {
	const unsigned char *p;
	size_t len;
};

/* Reads one element at *p (before end): its tag (low-tag-number form only)
 * and value; moves *p past it. Returns 0, or -1 when malformed. */
static int
der_get(const unsigned char **p, const unsigned char *end, unsigned *tag,
	struct der *val)
{
	const unsigned char *q = *p;
	size_t l;
	int k;

	if (end - q < 2 || (q[0] & 0x1f) == 0x1f)
		return -1;
	*tag = *q++;
	l = *q++;
	if (l & 0x80) {
		k = (int)(l & 0x7f);
		if (k == 0 || k > 3 || end - q < k)
			return -1;
		for (l = 0; k--; )
			l = l << 8 | *q++;
	}
	if ((size_t)(end - q) < l)
		return -1;
	val->p = q;
	val->len = l;
	*p = q + l;
	return 0;
}

/* Reads the element at *p, which must have tag want. */
static int
der_want(const unsigned char **p, const unsigned char *end, unsigned want,
	 struct der *val)
{
	unsigned tag;

	return der_get(p, end, &tag, val) < 0 || tag != want ? -1 : 0;
}

/* The element that makes up the value of v, which must have tag want. */
static int
der_in(const struct der *v, unsigned want, struct der *val)
{
	const unsigned char *p = v->p;

	return der_want(&p, v->p + v->len, want, val);
}

static int
der_is(const struct der *d, const unsigned char *oid, size_t len)
{
	return d->len == len && !memcmp(d->p, oid, len);
}

/* The parts of a certificate we use; whole elements (tag and length
 * included) for the names and the key, values for the rest. */
struct ca_cert {
	struct der issuer, validity, subject, spki;
	struct der ext;		/* the extensions' SEQUENCE value, or empty */
	struct der sigalg;	/* the signature algorithm's OID */
	size_t len;		/* the whole Certificate element's length */
};

static int
der_cert(const unsigned char *der, size_t len, struct ca_cert *c)
{
	const unsigned char *p = der, *end = der + len, *start;
	struct der v, *keep[7] = { 0 };
	unsigned tag;
	int i;

	keep[3] = &c->issuer;
	keep[4] = &c->validity;
	keep[5] = &c->subject;
	keep[6] = &c->spki;
	if (der_want(&p, end, 0x30, &v) < 0)
		return -1;
	c->len = (size_t)(p - der);
	p = v.p;
	end = v.p + v.len;
	if (der_want(&p, end, 0x30, &v) < 0)
		return -1;
	start = v.p + v.len;	/* signatureAlgorithm follows the TBS */
	if (der_want(&start, end, 0x30, &c->sigalg) < 0)
		return -1;
	if (der_in(&c->sigalg, 0x06, &c->sigalg) < 0)
		return -1;
	p = v.p;
	end = v.p + v.len;
	/* [0] version, serial, signature, issuer, validity, subject, spki */
	for (i = 0; i < 7; i++) {
		start = p;
		if (der_get(&p, end, &tag, &v) < 0)
			return -1;
		if (i == 0 && tag != 0xa0)
			i++;
		if (keep[i]) {
			if (tag != 0x30)
				return -1;
			keep[i]->p = start;
			keep[i]->len = (size_t)(p - start);
		}
	}
	c->ext.p = p;
	c->ext.len = 0;
	while (p < end) {
		if (der_get(&p, end, &tag, &v) < 0)
			return -1;
		if (tag == 0xa3) {
			if (der_in(&v, 0x30, &c->ext) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* The value of the extension oid, if present: inside its OCTET STRING, the
 * value of the element of tag want (each extension's value is one element).
 * Returns 1 found, 0 absent, -1 malformed. */
static int
der_ext(const struct der *ext, const unsigned char *oid, size_t oidlen,
	unsigned want, struct der *val)
{
	const unsigned char *p = ext->p, *end = ext->p + ext->len, *q;
	struct der e, id;
	unsigned tag;

	while (p < end) {
		if (der_want(&p, end, 0x30, &e) < 0)
			return -1;
		q = e.p;
		if (der_want(&q, e.p + e.len, 0x06, &id) < 0)
			return -1;
		if (!der_is(&id, oid, oidlen))
			continue;
		if (der_get(&q, e.p + e.len, &tag, val) < 0)
			return -1;
		if (tag == 0x01 && der_get(&q, e.p + e.len, &tag, val) < 0)
			return -1;
		return tag == 0x04 && der_in(val, want, val) == 0 ? 1 : -1;
	}
	return 0;
}

/* An unsigned big-endian INTEGER value without its leading zero bytes. */
static int
der_uint(const unsigned char **p, const unsigned char *end, struct der *v)
{
	if (der_want(p, end, 0x02, v) < 0 || v->len == 0 || (v->p[0] & 0x80))
		return -1;
	while (v->len > 1 && v->p[0] == 0) {
		v->p++;
		v->len--;
	}
	return 0;
}

static const unsigned char oid_rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const unsigned char oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const unsigned char oid_p256[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const unsigned char oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const unsigned char oid_p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
static const unsigned char oid_ecdsa_sig[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04 };
static const unsigned char oid_bc[] = { 0x55, 0x1d, 0x13 };
static const unsigned char oid_san[] = { 0x55, 0x1d, 0x11 };
static const unsigned char oid_ku[] = { 0x55, 0x1d, 0x0f };
static const unsigned char oid_eku[] = { 0x55, 0x1d, 0x25 };
static const unsigned char oid_any_eku[] = { 0x55, 0x1d, 0x25, 0x00 };
static const unsigned char oid_server_auth[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const unsigned char oid_cn[] = { 0x55, 0x04, 0x03 };

/* The BearSSL curve an OID names: P-256, P-384, P-521, else 0. */
static int
der_curve(const struct der *oid)
{
	if (der_is(oid, oid_p256, sizeof oid_p256))
		return BR_EC_secp256r1;
	if (der_is(oid, oid_p384, sizeof oid_p384))
		return BR_EC_secp384r1;
	if (der_is(oid, oid_p521, sizeof oid_p521))
		return BR_EC_secp521r1;
	return 0;
}

/* The RSA or EC (P-256/384/521) key of a SubjectPublicKeyInfo element; its
 * pointers go into spki. Returns 0, or -1 (malformed or unsupported). */
static int
der_spki_key(const struct der *spki, br_x509_pkey *pk)
{
	const unsigned char *p, *end, *q;
	struct der v, alg, param, bits;

	if (der_in(spki, 0x30, &v) < 0)
		return -1;
	p = v.p;
	end = v.p + v.len;
	if (der_want(&p, end, 0x30, &v) < 0 || der_want(&p, end, 0x03, &bits) < 0
	    || bits.len < 2 || bits.p[0] != 0)
		return -1;
	bits.p++;
	bits.len--;
	q = v.p;
	if (der_want(&q, v.p + v.len, 0x06, &alg) < 0)
		return -1;
	if (der_is(&alg, oid_rsa, sizeof oid_rsa)) {
		if (der_in(&bits, 0x30, &v) < 0)
			return -1;
		p = v.p;
		end = v.p + v.len;
		pk->key_type = BR_KEYTYPE_RSA;
		if (der_uint(&p, end, &v) < 0)
			return -1;
		pk->key.rsa.n = (unsigned char *)v.p;
		pk->key.rsa.nlen = v.len;
		if (der_uint(&p, end, &v) < 0)
			return -1;
		pk->key.rsa.e = (unsigned char *)v.p;
		pk->key.rsa.elen = v.len;
		return 0;
	}
	if (!der_is(&alg, oid_ec, sizeof oid_ec)
	    || der_want(&q, v.p + v.len, 0x06, &param) < 0)
		return -1;
	pk->key_type = BR_KEYTYPE_EC;
	if (!(pk->key.ec.curve = der_curve(&param)))
		return -1;
	pk->key.ec.q = (unsigned char *)bits.p;
	pk->key.ec.qlen = bits.len;
	return 0;
}

/* Whether basicConstraints says cA. */
static int
der_is_ca(const struct der *ext)
{
	struct der v, b;

	if (der_ext(ext, oid_bc, sizeof oid_bc, 0x30, &v) != 1)
		return 0;
	return v.len > 0 && der_in(&v, 0x01, &b) == 0
	       && b.len == 1 && b.p[0] != 0;
}

/* Whether the SEQUENCE OF OBJECT IDENTIFIER value v names serverAuth or
 * anyExtendedKeyUsage. Returns 1, 0, or -1 when malformed. */
static int
der_oids_server(const struct der *v)
{
	const unsigned char *p = v->p, *end = v->p + v->len;
	struct der id;
	int r = 0;

	while (p < end) {
		if (der_want(&p, end, 0x06, &id) < 0)
			return -1;
		if (der_is(&id, oid_server_auth, sizeof oid_server_auth)
		    || der_is(&id, oid_any_eku, sizeof oid_any_eku))
			r = 1;
	}
	return r;
}

/* Whether the extendedKeyUsage of ext, if any, lets the certificate serve
 * TLS (RFC 5280 4.2.1.12, as OpenSSL applies it to every certificate of a
 * chain). Returns 1 (no such extension, or it names serverAuth or
 * anyExtendedKeyUsage), 0 (it does not), -1 (malformed). */
static int
der_eku_server(const struct der *ext)
{
	struct der v;
	int r;

	if ((r = der_ext(ext, oid_eku, sizeof oid_eku, 0x30, &v)) != 1)
		return r == 0 ? 1 : -1;
	return der_oids_server(&v);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1). */
static long long
der_days(long long y, int m, int d)
{
	long long era, yoe, doy;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* A UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) element
 * at *p, as seconds since the epoch. Returns 0 or -1 when malformed. */
static int
der_time(const unsigned char **p, const unsigned char *end, long long *t)
{
	struct der v;
	unsigned tag;
	int f[7], i, n;
	long long y;

	if (der_get(p, end, &tag, &v) < 0)
		return -1;
	n = tag == 0x17 ? 6 : tag == 0x18 ? 7 : 0;
	if (!n || v.len != (size_t)n * 2 + 1 || v.p[n * 2] != 'Z')
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned)(v.p[2 * i] - '0') > 9 || (unsigned)(v.p[2 * i + 1] - '0') > 9)
			return -1;
		f[i] = (v.p[2 * i] - '0') * 10 + v.p[2 * i + 1] - '0';
	}
	if (n == 6)
		y = f[0] + (f[0] < 50 ? 2000 : 1900);	/* RFC 5280 4.1.2.5.1 */
	else
		y = f[0] * 100 + f[1];
	i = n - 5;	/* the month's field */
	if (y < 1 || f[i] < 1 || f[i] > 12 || f[i + 1] < 1 || f[i + 1] > 31
	    || f[i + 2] > 23 || f[i + 3] > 59 || f[i + 4] > 60)
		return -1;
	*t = der_days(y, f[i], f[i + 1]) * 86400 + f[i + 2] * 3600
	     + f[i + 3] * 60 + f[i + 4];
	return 0;
}

/* Whether now lies within the Validity element val: 0 yes, or a CA_NOTE_*
 * (EXPIRED, NOTYET, DATES when malformed). */
static int
der_dates(const struct der *val, long long now)
{
	const unsigned char *p, *end;
	struct der v;
	long long from, to;

	if (der_in(val, 0x30, &v) < 0)
		return CA_NOTE_DATES;
	p = v.p;
	end = v.p + v.len;
	if (der_time(&p, end, &from) < 0 || der_time(&p, end, &to) < 0)
		return CA_NOTE_DATES;
	return now < from ? CA_NOTE_NOTYET : now > to ? CA_NOTE_EXPIRED : 0;
}

/* What an anchor's extensions forbid: 0 nothing, CA_NOTE_NAMECONS (name
 * constraints, critical or not: we cannot enforce them, and an anchor
 * trusted without them would be trusted for every name), CA_NOTE_CRITICAL
 * (another critical extension we do not enforce: policies...), CA_NOTE_EKU
 * (not for TLS servers), CA_NOTE_KU (keyUsage without keyCertSign: not a
 * CA), or -1 when malformed. */
static int
der_ta_ext(const struct der *ext, int isca)
{
	/* subject and authority key ids, keyUsage, subjectAltName,
	 * basicConstraints, extendedKeyUsage: read here or harmless */
	static const unsigned char known[] = { 0x0e, 0x0f, 0x11, 0x13, 0x23, 0x25 };
	const unsigned char *p = ext->p, *end = ext->p + ext->len, *q;
	struct der e, id, v;
	unsigned tag, ce;
	int r;

	while (p < end) {
		if (der_want(&p, end, 0x30, &e) < 0)
			return -1;
		q = e.p;
		if (der_want(&q, e.p + e.len, 0x06, &id) < 0
		    || der_get(&q, e.p + e.len, &tag, &v) < 0)
			return -1;
		/* each id-ce: 2.5.29.N */
		ce = id.len == 3 && id.p[0] == 0x55 && id.p[1] == 0x1d ? id.p[2] : 0;
		if (ce == 0x1e)
			return CA_NOTE_NAMECONS;
		if (tag == 0x01 && v.len == 1 && v.p[0]
		    && !(ce && memchr(known, ce, sizeof known)))
			return CA_NOTE_CRITICAL;
	}
	if ((r = der_eku_server(ext)) <= 0)
		return r < 0 ? -1 : CA_NOTE_EKU;
	if (!isca || (r = der_ext(ext, oid_ku, sizeof oid_ku, 0x03, &v)) == 0)
		return 0;
	/* KeyUsage ::= BIT STRING; keyCertSign is bit 5: 0x04 of the first byte */
	if (r < 0 || v.len < 1)
		return -1;
	return v.len >= 2 && (v.p[1] & 0x04) ? 0 : CA_NOTE_KU;
}

/* A name for the Name element dn in cn[0..size): its commonName, else
 * its organizationalUnitName, else its organizationName (a root such as
 * "OU=Security Communication RootCA2" has no CN), printable ASCII (other
 * bytes become '?'); "" if it has none of them. */
static void
der_cn(const struct der *dn, char *cn, size_t size)
{
	const unsigned char *p, *end, *r;
	struct der name, set, atv, id, val, best = { 0, 0 };
	unsigned tag, rank, top = 0;
	size_t i;

	cn[0] = 0;
	if (der_in(dn, 0x30, &name) < 0)
		return;
	for (p = name.p, end = name.p + name.len; p < end; ) {
		if (der_want(&p, end, 0x31, &set) < 0)
			return;
		if (der_in(&set, 0x30, &atv) < 0)
			return;
		r = atv.p;
		if (der_want(&r, atv.p + atv.len, 0x06, &id) < 0
		    || der_get(&r, atv.p + atv.len, &tag, &val) < 0)
			return;
		/* id-at 2.5.4.N: CN 3 ranks over OU 11 over O 10 */
		if (id.len != 3 || memcmp(id.p, oid_cn, 2))
			continue;
		rank = id.p[2] == 3 ? 3 : id.p[2] == 11 ? 2 : id.p[2] == 10;
		if (rank > top) {
			top = rank;
			best = val;
		}
	}
	for (i = 0; i < best.len && i + 1 < size; i++)
		cn[i] = best.p[i] >= 0x20 && best.p[i] < 0x7f ? (char)best.p[i] : '?';
	cn[i] = 0;
}

/* The trust settings OpenSSL writes after the certificate of a TRUSTED
 * CERTIFICATE object (X509_CERT_AUX: SEQUENCE { trust SEQUENCE OF OID
 * OPTIONAL, reject [0] SEQUENCE OF OID OPTIONAL, ... }), in aux[0..len).
 * Returns 0 (trusted for TLS servers: no lists, or trust names serverAuth),
 * CA_NOTE_REJECT (reject names serverAuth or anyExtendedKeyUsage: it wins),
 * CA_NOTE_UNTRUSTED (a trust list without them) or CA_NOTE_AUX (malformed). */
static int
der_aux(const unsigned char *aux, size_t len)
{
	const unsigned char *p = aux, *end = aux + len;
	struct der v;
	unsigned tag;
	int trusted = -1, r;

	if (len == 0)
		return 0;
	if (der_want(&p, end, 0x30, &v) < 0 || p != end)
		return CA_NOTE_AUX;
	for (p = v.p, end = v.p + v.len; p < end; ) {
		if (der_get(&p, end, &tag, &v) < 0)
			return CA_NOTE_AUX;
		if (tag != 0x30 && tag != 0xa0)
			continue;	/* alias, keyid, other */
		if ((r = der_oids_server(&v)) < 0)
			return CA_NOTE_AUX;
		if (tag == 0xa0 && r)
			return CA_NOTE_REJECT;
		if (tag == 0x30)
			trusted = r;
	}
	return trusted == 0 ? CA_NOTE_UNTRUSTED : 0;
}

/* ---- trust anchors ---------------------------------------------------------- */

static int
ca_is_cert(const char *name)
{
	return !strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE")
	       || !strcmp(name, "TRUSTED CERTIFICATE");
}

/* The anchors, and the bytes they point to (each one's DN and key) in a
 * mapping of the bundle's length: an anchor's bytes are parts of its
 * certificate's DER, which, decoded in place, lies within the bundle's
 * text of that object, so the copies never need more. The array grows by
 * doubling, copied to a new mapping: nothing points into it. Pages never
 * touched cost nothing, so neither mapping is cut down to what it holds;
 * ca_free_anchors() finds both sizes again: the bundle's length, and the
 * first capacity of 64, 128, 256... to hold n. */
struct ca_tas {
	br_x509_trust_anchor *ta;
	size_t n, cap;
	unsigned char *bytes, *next, *end;	/* next: the free part */
	unsigned obj;		/* PEM objects seen so far */
	long long now;
	struct ca_notes *notes;
};

#define CA_TAS_SIZE(cap)	((cap) * sizeof(br_x509_trust_anchor))

/* Room in t->ta for one more anchor. Returns 0 or -ENOMEM. */
static int
ca_ta_room(struct ca_tas *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	void *p;

	if (t->n < t->cap)
		return 0;
	if (!(p = ca_map(CA_TAS_SIZE(cap))))
		return -ENOMEM;
	if (t->cap) {
		memcpy(p, t->ta, CA_TAS_SIZE(t->cap));
		munmap(t->ta, CA_TAS_SIZE(t->cap));
	}
	t->ta = p;
	t->cap = cap;
	return 0;
}

/* Copies the anchor's DN and key to the byte area. */
static int
ca_ta_fill(struct ca_tas *t, const struct der *dn, const br_x509_pkey *pk,
	   int isca)
{
	br_x509_trust_anchor *ta;
	unsigned char *m = t->next;
	size_t klen;
	int e;

	if (pk->key_type == BR_KEYTYPE_RSA)
		klen = pk->key.rsa.nlen + pk->key.rsa.elen;
	else
		klen = pk->key.ec.qlen;
	if (dn->len + klen > (size_t)(t->end - m))
		return -ENOMEM;	/* cannot happen: see struct ca_tas */
	if ((e = ca_ta_room(t)) < 0)
		return e;
	t->next = m + dn->len + klen;
	ta = &t->ta[t->n++];
	memcpy(m, dn->p, dn->len);
	ta->dn.data = m;
	ta->dn.len = dn->len;
	ta->flags = isca ? BR_X509_TA_CA : 0;
	ta->pkey = *pk;
	m += dn->len;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		memcpy(m, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.n = m;
		memcpy(m + pk->key.rsa.nlen, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.e = m + pk->key.rsa.nlen;
	} else {
		memcpy(m, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.q = m;
	}
	return 0;
}

/* Records why the certificate c of the current object was left out or
 * restricted. */
static void
ca_note(struct ca_tas *t, const struct ca_cert *c, int why)
{
	struct ca_note *o;

	if (t->notes->n++ >= CA_NOTES_MAX)
		return;
	o = &t->notes->note[t->notes->n - 1];
	o->obj = t->obj;
	o->why = why;
	der_cn(&c->subject, o->cn, sizeof o->cn);
}

/* Why the anchor c (key pk) of PEM object name cannot be used: 0 (it can),
 * CA_NOTE_KU (it can, but not as a CA: *isca is cleared), another
 * CA_NOTE_*, or -1 (malformed: skipped without a note). */
static int
ca_ta_check(const struct ca_tas *t, const char *name, const unsigned char *der,
	    size_t len, const struct ca_cert *c, const br_x509_pkey *pk, int *isca)
{
	int r, d;

	/* as BearSSL's br_x509_minimal_set_minrsa(256) for the chain */
	if (pk->key_type == BR_KEYTYPE_RSA && pk->key.rsa.nlen < 256)
		return CA_NOTE_WEAKRSA;
	if (!strcmp(name, "TRUSTED CERTIFICATE")
	    && (r = der_aux(der + c->len, len - c->len)) != 0)
		return r;
	if ((r = der_ta_ext(&c->ext, *isca)) == CA_NOTE_KU)
		*isca = 0;
	if (r != 0 && r != CA_NOTE_KU)
		return r;
	d = der_dates(&c->validity, t->now);
	return d ? d : r;
}

/* One PEM object of the bundle: a certificate becomes an anchor; other
 * objects, and certificates with keys we cannot use, are skipped; those
 * ca_ta_check() refuses are skipped with a note. */
static int
ca_add_anchor(void *ctx, const char *name, const unsigned char *der, size_t len)
{
	struct ca_tas *t = ctx;
	struct ca_cert c;
	br_x509_pkey pk;
	int isca, r;

	t->obj++;
	if (!ca_is_cert(name) || der_cert(der, len, &c) < 0
	    || der_spki_key(&c.spki, &pk) < 0)
		return 0;
	isca = der_is_ca(&c.ext);
	if ((r = ca_ta_check(t, name, der, len, &c, &pk, &isca)) < 0)
		return 0;
	if (r)
		ca_note(t, &c, r);
	if (r && r != CA_NOTE_KU)
		return 0;
	return ca_ta_fill(t, &c.subject, &pk, isca);
}

/* The words of CA_NOTE_WEAKRSA, CA_NOTE_WEAKRSA + 1, ... in the order of
 * the enum in tls.h. */
static const char ca_note_words[] =
	"left out: RSA key under 2048 bits\0"	/* WEAKRSA */
	"left out: name constraints, which drainbox cannot enforce\0"	/* NAMECONS */
	"left out: a critical extension drainbox cannot enforce\0"	/* CRITICAL */
	"left out: extendedKeyUsage excludes TLS servers\0"	/* EKU */
	"not used as a CA: keyUsage lacks keyCertSign\0"	/* KU */
	"left out: expired\0"	/* EXPIRED */
	"left out: not yet valid\0"	/* NOTYET */
	"left out: malformed validity dates\0"	/* DATES */
	"left out: its trust settings reject serverAuth\0"	/* REJECT */
	"left out: its trust settings do not include serverAuth\0"	/* UNTRUSTED */
	"left out: malformed trust settings";	/* AUX */

const char *
ca_note_str(int why)
{
	if (why < CA_NOTE_WEAKRSA || why > CA_NOTE_AUX)
		why = CA_NOTE_AUX;
	return net_word(ca_note_words, (size_t)(why - CA_NOTE_WEAKRSA));
}

int
ca_parse_anchors(unsigned char *pem, size_t len, long long now,
		 struct ca_notes *notes, br_x509_trust_anchor **ta, size_t *n)
{
	struct ca_tas t = { 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	int e;

	t.now = now;
	t.notes = notes;
	notes->n = 0;
	if (!(t.bytes = ca_map(len + 1)))
		return -ENOMEM;
	t.next = t.bytes;
	t.end = t.bytes + len;
	e = ca_pem_each(pem, len, NET_ETLS_CA, &t, ca_add_anchor);
	if (e == 0 && t.n == 0)
		e = NET_ETLS_CA;
	if (e < 0) {
		munmap(t.bytes, len + 1);
		if (t.cap)
			munmap(t.ta, CA_TAS_SIZE(t.cap));
		return e;
	}
	*ta = t.ta;
	*n = t.n;
	return 0;
}

void
ca_free_anchors(br_x509_trust_anchor *ta, size_t n, size_t len)
{
	size_t cap = 64;

	munmap(ta[0].dn.data, len + 1);
	while (cap < n)
		cap *= 2;
	munmap(ta, CA_TAS_SIZE(cap));
}

int
ca_load_anchors(const char *path, long long now, struct ca_notes *notes,
		br_x509_trust_anchor **ta, size_t *n)
{
	struct ca_file f;
	int e;

	notes->n = 0;
	if ((e = ca_file_read(path, &f)) < 0)
		return e;
	e = ca_parse_anchors(f.p, f.len, now, notes, ta, n);
	ca_file_drop(&f);
	return e;
}

/* ---- client certificate chain and key ------------------------------------------ */

/* The chain points into the text ca_parse_chain() was given (for
 * ca_load_chain, its file's mapping, which is kept); the array is static,
 * as tls_init() loads one chain per process. */
static br_x509_certificate ca_chain[CA_CHAIN_MAX];

static int
ca_add_cert(void *ctx, const char *name, const unsigned char *der, size_t len)
{
	size_t *n = ctx;
	struct ca_cert c;

	if (!ca_is_cert(name))
		return 0;
	if (*n >= CA_CHAIN_MAX || der_cert(der, len, &c) < 0)
		return NET_ETLS_CERT;
	ca_chain[*n].data = (unsigned char *)der;	/* in our mapping */
	ca_chain[*n].data_len = c.len;	/* without a TRUSTED CERTIFICATE's aux */
	++*n;
	return 0;
}

int
ca_parse_chain(unsigned char *pem, size_t len, br_x509_certificate **chain,
	       size_t *n, int *issuer_key_type)
{
	struct ca_cert c;
	size_t nc = 0;
	int e;

	e = ca_pem_each(pem, len, NET_ETLS_CERT, &nc, ca_add_cert);
	if (e < 0 || nc == 0)
		return NET_ETLS_CERT;
	/* the issuer's key type, from the algorithm that signed the first */
	der_cert(ca_chain[0].data, ca_chain[0].data_len, &c);
	*issuer_key_type = c.sigalg.len > sizeof oid_ecdsa_sig
		&& !memcmp(c.sigalg.p, oid_ecdsa_sig, sizeof oid_ecdsa_sig)
		? BR_KEYTYPE_EC : BR_KEYTYPE_RSA;
	*chain = ca_chain;
	*n = nc;
	return 0;
}

int
ca_load_chain(const char *path, br_x509_certificate **chain, size_t *n,
	      int *issuer_key_type)
{
	struct ca_file f;
	int e;

	if ((e = ca_file_read(path, &f)) < 0)
		return e == -ENOMEM ? e : NET_ETLS_CERT;
	e = ca_parse_chain(f.p, f.len, chain, n, issuer_key_type);
	if (e < 0)
		ca_file_drop(&f);	/* else kept: the chain points into it */
	return e;
}

/* Bits in the big-endian number v (no leading zero bytes). */
static uint32_t
der_bitlen(const struct der *v)
{
	uint32_t n = (uint32_t)(v->len - 1) * 8;
	unsigned top = v->p[0];

	for (; top; top >>= 1)
		n++;
	return n;
}

/* RSAPrivateKey (RFC 8017 A.1.2), two primes: version 0, n, e, d, p, q,
 * dp, dq, qinv. n = pq must be as long as p and q say: BearSSL's
 * br_rsa_i31_private() writes n_bitlen bits of p * q into a stack buffer
 * sized by p and q, so a longer n from a bad file would overflow it. */
static int
key_rsa(const struct der *seq, struct ca_key *k)
{
	const unsigned char *p = seq->p, *end = seq->p + seq->len;
	struct der v[9];
	uint32_t nbits, pqbits;
	int i;

	for (i = 0; i < 9; i++)
		if (der_uint(&p, end, &v[i]) < 0)
			return -1;
	if (v[0].len != 1 || v[0].p[0] != 0 || v[1].p[0] == 0)
		return -1;
	nbits = der_bitlen(&v[1]);
	pqbits = der_bitlen(&v[4]) + der_bitlen(&v[5]);
	if (nbits > pqbits || nbits + 1 < pqbits)
		return -1;
	k->type = BR_KEYTYPE_RSA;
	k->rsa.n_bitlen = nbits;
	k->rsa.p = (unsigned char *)v[4].p;
	k->rsa.plen = v[4].len;
	k->rsa.q = (unsigned char *)v[5].p;
	k->rsa.qlen = v[5].len;
	k->rsa.dp = (unsigned char *)v[6].p;
	k->rsa.dplen = v[6].len;
	k->rsa.dq = (unsigned char *)v[7].p;
	k->rsa.dqlen = v[7].len;
	k->rsa.iq = (unsigned char *)v[8].p;
	k->rsa.iqlen = v[8].len;
	return 0;
}

/* ECPrivateKey (RFC 5915): version 1, the secret, then [0] the curve,
 * which PKCS#8 may leave out (it names the curve itself: curve). */
static int
key_ec(const struct der *seq, int curve, struct ca_key *k)
{
	const unsigned char *p = seq->p, *end = seq->p + seq->len;
	struct der ver, x, ctx, oid;
	unsigned tag;

	if (der_uint(&p, end, &ver) < 0 || ver.len != 1 || ver.p[0] != 1 ||
	    der_want(&p, end, 0x04, &x) < 0 || x.len == 0)
		return -1;
	if (p < end && der_get(&p, end, &tag, &ctx) == 0 && tag == 0xa0) {
		if (der_in(&ctx, 0x06, &oid) < 0)
			return -1;
		curve = der_curve(&oid);
	}
	if (!curve)
		return -1;
	k->type = BR_KEYTYPE_EC;
	k->ec.curve = curve;
	k->ec.x = (unsigned char *)x.p;
	k->ec.xlen = x.len;
	return 0;
}

/* PrivateKeyInfo (RFC 5208): version, the algorithm, the key (PKCS#1 or
 * SEC1) in an OCTET STRING. */
static int
key_pkcs8(const struct der *seq, struct ca_key *k)
{
	const unsigned char *p = seq->p, *end = seq->p + seq->len, *q;
	struct der ver, alg, oid, param, inner, key;

	if (der_uint(&p, end, &ver) < 0 || ver.len != 1 || ver.p[0] > 1 ||
	    der_want(&p, end, 0x30, &alg) < 0 || der_want(&p, end, 0x04, &inner) < 0)
		return -1;
	q = alg.p;
	if (der_want(&q, alg.p + alg.len, 0x06, &oid) < 0 ||
	    der_in(&inner, 0x30, &key) < 0)
		return -1;
	if (der_is(&oid, oid_rsa, sizeof oid_rsa))
		return key_rsa(&key, k);
	if (!der_is(&oid, oid_ec, sizeof oid_ec) ||
	    der_want(&q, alg.p + alg.len, 0x06, &param) < 0)
		return -1;
	return key_ec(&key, der_curve(&param), k);
}

static int
ca_add_key(void *ctx, const char *name, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	struct der seq;
	int r;

	if (strcmp(name, "RSA PRIVATE KEY") && strcmp(name, "EC PRIVATE KEY")
	    && strcmp(name, "PRIVATE KEY"))
		return 0;	/* another object (EC PARAMETERS...): skipped */
	/* the name first: EC PARAMETERS, an OID, is no SEQUENCE */
	if (der_want(&p, der + len, 0x30, &seq) < 0 || p != der + len)
		r = -1;
	else if (name[0] == 'R')
		r = key_rsa(&seq, ctx);
	else if (name[0] == 'E')
		r = key_ec(&seq, 0, ctx);
	else
		r = key_pkcs8(&seq, ctx);
	return r < 0 ? NET_ETLS_KEY : 1;	/* the first key wins */
}

int
ca_parse_key(unsigned char *pem, size_t len, struct ca_key *k)
{
	return ca_pem_each(pem, len, NET_ETLS_KEY, k, ca_add_key) == 1
	       ? 0 : NET_ETLS_KEY;
}

int
ca_load_key(const char *path, struct ca_key *k)
{
	struct ca_file f;
	int e;

	if ((e = ca_file_read(path, &f)) < 0)
		return e == -ENOMEM ? e : NET_ETLS_KEY;
	if ((e = ca_parse_key(f.p, f.len, k)) < 0)
		ca_file_drop(&f);	/* else kept: k points into it */
	return e;
}

/* ---- --pin ------------------------------------------------------------------ */

/* Decodes the 44 characters of one padded base64 SHA-256 into out. */
static int
ca_pin_one(const char *s, size_t len, unsigned char *out)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int v;

	if (len != 44 || s[43] != '=')
		return -1;
	for (i = 0; i < 43; i++) {
		if ((v = ca_b64((unsigned char)s[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	/* 43 = 10 * 4 + 3: the last group carries 18 bits, 16 of data */
	if (acc & 3)
		return -1;
	out[o++] = (unsigned char)(acc >> 10);
	out[o++] = (unsigned char)(acc >> 2);
	return 0;
}

int
ca_pin_parse(const char *s, unsigned char (*pins)[32], int max)
{
	const char *end;
	int n = 0;

	for (;;) {
		if (n == max || strncmp(s, "sha256//", 8))
			return NET_ETLS_PIN;
		s += 8;
		end = strchr(s, ';');
		if (!end)
			end = s + strlen(s);
		if (ca_pin_one(s, (size_t)(end - s), pins[n++]) < 0)
			return NET_ETLS_PIN;
		if (!*end)
			return n;
		s = end + 1;
	}
}

/* ---- the server's end-entity certificate --------------------------------------- */

int
ca_ee_spki(const unsigned char *der, size_t len, const unsigned char **spki,
	   size_t *spkilen)
{
	struct ca_cert c;

	if (der_cert(der, len, &c) < 0)
		return -1;
	*spki = c.spki.p;
	*spkilen = c.spki.len;
	return 0;
}

int
ca_ee_pkey(const unsigned char *der, size_t len, br_x509_pkey *pk)
{
	struct ca_cert c;

	return der_cert(der, len, &c) < 0 ? -1 : der_spki_key(&c.spki, pk);
}

int
ca_ee_server_eku(const unsigned char *der, size_t len)
{
	struct ca_cert c;

	return der_cert(der, len, &c) < 0 ? -1 : der_eku_server(&c.ext);
}

int
ca_ee_has_ip(const unsigned char *der, size_t len, const unsigned char *ip,
	     size_t iplen)
{
	const unsigned char *p, *end;
	struct ca_cert c;
	struct der v;
	unsigned tag;
	int r;

	if (der_cert(der, len, &c) < 0)
		return -1;
	r = der_ext(&c.ext, oid_san, sizeof oid_san, 0x30, &v);
	if (r <= 0)
		return r;
	p = v.p;
	end = v.p + v.len;
	while (p < end) {
		if (der_get(&p, end, &tag, &v) < 0)
			return -1;
		if (tag == 0x87 && v.len == iplen && !memcmp(v.p, ip, iplen))
			return 1;
	}
	return 0;
}
