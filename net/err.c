/* SPDX-License-Identifier: 0BSD */
/* err.c - net_strerror(): every code net/ returns, in words. System errors
 * (-errno, or a plain positive errno) go through strerror(); the TLS range
 * goes to tlserr_str() (tlserr.c); our own NET_E* codes come from the table
 * below, which follows the order of the enum in net.h. */
#include <string.h>

#include "config.h"
#include "net.h"
#include "tls.h"

#define W(code, words) [(code) - NET_EAGAIN] = words

static const char *const net_words[] = {
	W(NET_EAGAIN,		"need more input"),
	W(NET_EURL,		"malformed URL"),
	W(NET_EURLSCHEME,	"URL scheme is not http:// or https://"),
	W(NET_EURLPORT,		"URL port is not 1-65535"),
	W(NET_EURLHOST,		"URL host is empty, too long or malformed"),
	W(NET_EURLSOCK,		"UNIX socket path is empty or too long"),
	W(NET_ENOTLS,		"https is not supported by this build"),
	W(NET_EDNS,		"no such host"),
	W(NET_EDNSTEMP,		"the name servers failed or are unreachable"),
	W(NET_EDNSFAIL,		"bad name, or a malformed answer from the name server"),
	W(NET_ETIMEDOUT_DNS,	"timed out looking up the name"),
	W(NET_ETIMEDOUT_CONNECT, "timed out connecting"),
	W(NET_ETIMEDOUT_SEND,	"timed out sending the request"),
	W(NET_ETIMEDOUT_RECV,	"timed out waiting for the response"),
	W(NET_ETIMEDOUT_TLS,	"timed out in the TLS handshake"),
	W(NET_EINTR,		"interrupted by a signal"),
	W(NET_ESTATUS,		"malformed status line"),
	W(NET_EVERSION,		"not an HTTP/1.x response"),
	W(NET_EHEADER,		"malformed header line"),
	W(NET_EFOLD,		"obsolete folded header line"),
	W(NET_ECLEN,		"bad or conflicting Content-Length"),
	W(NET_ETE,		"unsupported Transfer-Encoding"),
	W(NET_ECHUNK,		"malformed chunk size or framing"),
	W(NET_ECHUNKBIG,	"chunk size overflows"),
	W(NET_ETRUNC,		"connection closed before the end of the body"),
	W(NET_EEOFHEAD,		"connection closed before the end of the response head"),
	W(NET_EHEADBIG,		"response head or trailers over 16 KiB"),
	W(NET_EHEADERS,		"more than 64 header lines"),
	W(NET_EBODYBIG,		"response body over the size cap"),
	W(NET_ETOOMANY1XX,	"too many 1xx interim responses"),
	W(NET_EREQBIG,		"request too long"),
	W(NET_EHAPROXY,		"HAProxy answer too long"),
	W(NET_ENOTIFY,		"NOTIFY_SOCKET is malformed"),
	W(NET_ETLS_CA,		"CA bundle: no usable certificate"),
	W(NET_ETLS_CERT,	"client certificate: unreadable or malformed"),
	W(NET_ETLS_KEY,		"client key: unreadable, malformed or unsupported"),
	W(NET_ETLS_PIN,		"malformed pin (want sha256//BASE64)"),
	W(NET_ETLS_PINFAIL,	"server key does not match the pin"),
	W(NET_ETLS_IP,		"certificate does not name this IP address"),
	W(NET_ETLS_TRUNC,	"TLS connection closed without close_notify (truncated)"),
	W(NET_ETLS_ENTROPY,	"no entropy: getrandom failed"),
};

const char *
net_strerror(int code)
{
	size_t i;

	if (code == 0)
		return "success";
	if (code > 0 && code < 4096)
		return strerror(code);
	if (code < 0 && code > -4096)
		return strerror(-code);
	if (CFG_TLS && code >= NET_ETLS_END && code <= NET_ETLS_BASE)
		return tlserr_str(code);
	i = (size_t)((long)code - NET_EAGAIN);
	if (code >= NET_EAGAIN && i < sizeof net_words / sizeof *net_words
	    && net_words[i])
		return net_words[i];
	return "unknown error";
}
