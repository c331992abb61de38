/* SPDX-License-Identifier: 0BSD */
/* tlserr.c - words for the TLS engine's error codes, as net/ returns them:
 * NET_ETLS_BASE - n for the engine's error n, which includes a fatal alert
 * received (256 + alert) or sent (512 + alert). The numbers are those of
 * BearSSL 0.6's BR_ERR_* (the BearSSL backend checks the ones it relies on at
 * compile time); this file is always built, without BearSSL's headers, so
 * net_strerror() works in every build. */
#include <string.h>

#include "net/tls.h"

/* Words by the engine's error number, packed as "\NNN" "words" pairs: one
 * byte of code, then the NUL-terminated words (no pointer table: small).
 * Malformed certificates (33-48) share one entry. */
static const char tlserr_words[] =
	"\001bad parameter (internal error)\0"
	"\002bad state (internal error)\0"
	"\003server wants a TLS version other than 1.2\0"
	"\004bad TLS version in a record\0"
	"\005bad record length\0"
	"\006record too large\0"
	"\007bad record MAC (data corrupted)\0"
	"\010no entropy for the random generator\0"
	"\011unknown record type\0"
	"\012unexpected message\0"
	"\014bad ChangeCipherSpec\0"
	"\015bad alert message\0"
	"\016malformed handshake message\0"
	"\020no common cipher suite\0"
	"\023bad secure renegotiation\0"
	"\024unexpected extension\0"
	"\027handshake limit exceeded\0"
	"\030bad Finished message\0"
	"\031session resumption mismatch\0"
	"\032unsupported or invalid algorithm\0"
	"\033bad signature on the key exchange\0"
	"\034server key not usable for this cipher suite\0"
	"\035server requires a client certificate\0"
	"\037I/O error\0"
	"\041malformed certificate\0"
	"\043server sent no certificate\0"
	"\061certificate uses an unsupported algorithm or key\0"
	"\062certificate too large or chain too long\0"
	"\063certificate has the wrong key type\0"
	"\064bad signature in the certificate chain\0"
	"\065certificate validity: current time unknown\0"
	"\066certificate expired or not yet valid\0"
	"\067certificate chain: issuer name mismatch\0"
	"\070certificate does not match the host name\0"
	"\071certificate has an unsupported critical extension\0"
	"\072certificate chain: issuer is not a CA\0"
	"\073certificate key usage forbids this use\0"
	"\074certificate public key too weak\0"
	"\076certificate not trusted (unknown CA)\0";

/* Alert names (RFC 5246 7.2, RFC 8446 6), packed the same way. */
static const char tlserr_alerts[] =
	"\012unexpected_message\0" "\024bad_record_mac\0"
	"\026record_overflow\0" "\050handshake_failure\0"
	"\052bad_certificate\0" "\053unsupported_certificate\0"
	"\054certificate_revoked\0" "\055certificate_expired\0"
	"\056certificate_unknown\0" "\057illegal_parameter\0"
	"\060unknown_ca\0" "\061access_denied\0" "\062decode_error\0"
	"\063decrypt_error\0" "\106protocol_version\0"
	"\107insufficient_security\0" "\120internal_error\0"
	"\126inappropriate_fallback\0" "\132user_canceled\0"
	"\144no_renegotiation\0" "\155missing_extension\0"
	"\156unsupported_extension\0" "\160unrecognized_name\0"
	"\164certificate_required\0" "\170no_application_protocol\0";

/* The words for code n in a packed table of size bytes, or NULL. */
static const char *
tlserr_find(const char *t, size_t size, unsigned n)
{
	const char *end = t + size - 1;

	while (t < end) {
		if ((unsigned char)*t == n)
			return t + 1;
		t += strlen(t + 1) + 2;
	}
	return 0;
}

/* "received fatal alert: handshake_failure", in a static buffer. */
static const char *
tlserr_alert(const char *what, unsigned alert)
{
	static char buf[80];
	const char *name = tlserr_find(tlserr_alerts, sizeof tlserr_alerts, alert);
	size_t l = strlen(what);
	char *p;

	memcpy(buf, what, l);
	p = buf + l;
	if (name) {
		*p++ = ':';
		*p++ = ' ';
		l = strlen(name);
		memcpy(p, name, l);
		p += l;
	} else {
		*p++ = ' ';
		p = net_num(p, alert);
	}
	*p = 0;
	return buf;
}

const char *
tlserr_str(int code)
{
	static char buf[40];
	int n = NET_ETLS_BASE - code;
	const char *w;
	char *p;

	if (code > NET_ETLS_BASE || code < NET_ETLS_END)
		return "unknown TLS error";
	if (n >= 512)
		return tlserr_alert("sent fatal alert", (unsigned)(n - 512));
	if (n >= 256)
		return tlserr_alert("received fatal alert", (unsigned)(n - 256));
	if (n >= 33 && n <= 48 && n != 35)
		n = 33;
	if (n > 0 && (w = tlserr_find(tlserr_words, sizeof tlserr_words, (unsigned)n)))
		return w;
	memcpy(buf, "TLS engine error ", 17);
	p = net_num(buf + 17, (unsigned)n);
	*p = 0;
	return buf;
}
