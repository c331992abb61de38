/* SPDX-License-Identifier: 0BSD */
/* err.c - net_strerror(): every code net/ returns, in words. System errors
 * (-errno, or a plain positive errno) come from our own table of the errno
 * values a drainbox can meet, in musl's words (musl's strerror() holds all
 * 130 and costs 2 KB of the binary; another value reads "error N"); the TLS
 * range goes to tlserr_str() (tlserr.c); our own NET_E* codes come from the
 * table below, which follows the order of the enum in net.h. */
#include <errno.h>
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
	W(NET_EHAEMPTY,		"closed without an answer (HAProxy always sends at least a newline)"),
	W(NET_EHASTATE,		"malformed or truncated answer"),
	W(NET_ENOTIFY,		"NOTIFY_SOCKET is malformed"),
	W(NET_ETLS_CA,		"CA bundle: no usable certificate"),
	W(NET_ETLS_CERT,	"client certificate: unreadable or malformed"),
	W(NET_ETLS_KEY,		"client key: unreadable, malformed or unsupported"),
	W(NET_ETLS_PIN,		"malformed pin (want sha256//BASE64)"),
	W(NET_ETLS_PINFAIL,	"server key does not match the pin"),
	W(NET_ETLS_IP,		"certificate does not name this IP address"),
	W(NET_ETLS_TRUNC,	"TLS connection closed without close_notify (truncated)"),
	W(NET_ETLS_ENTROPY,	"no entropy: getrandom failed"),
	W(NET_ETLS_EKU,		"certificate not for a TLS server (extendedKeyUsage)"),
	W(NET_ETLS_BIGCERT,	"certificate over 16 KiB"),
};

/* The errno values, and their words in the same order, NUL-separated. */
static const unsigned char sys_codes[] = {
	EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, EBADF, ECHILD, EAGAIN, ENOMEM,
	EACCES, EFAULT, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL,
	ENFILE, EMFILE, ETXTBSY, EFBIG, ENOSPC, EROFS, EMLINK, EPIPE, ERANGE,
	ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, EOVERFLOW, ENOTSOCK, EMSGSIZE,
	EPROTONOSUPPORT, EOPNOTSUPP, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL,
	ENETDOWN, ENETUNREACH, ECONNABORTED, ECONNRESET, ENOBUFS, ENOTCONN,
	ETIMEDOUT, ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EALREADY, EINPROGRESS,
	ESTALE, EDQUOT, EPROTO
};
static const char sys_words[] =
	"Operation not permitted\0No such file or directory\0No such process\0"
	"Interrupted system call\0I/O error\0No such device or address\0"
	"Bad file descriptor\0No child process\0"
	"Resource temporarily unavailable\0Out of memory\0Permission denied\0"
	"Bad address\0Resource busy\0File exists\0Cross-device link\0"
	"No such device\0Not a directory\0Is a directory\0Invalid argument\0"
	"Too many open files in system\0No file descriptors available\0"
	"Text file busy\0File too large\0No space left on device\0"
	"Read-only file system\0Too many links\0Broken pipe\0"
	"Result not representable\0Filename too long\0"
	"Function not implemented\0Directory not empty\0Symbolic link loop\0"
	"Value too large for data type\0Not a socket\0Message too large\0"
	"Protocol not supported\0Not supported\0"
	"Address family not supported by protocol\0Address in use\0"
	"Address not available\0Network is down\0Network unreachable\0"
	"Connection aborted\0Connection reset by peer\0"
	"No buffer space available\0Socket not connected\0"
	"Operation timed out\0Connection refused\0Host is down\0"
	"Host is unreachable\0Operation already in progress\0"
	"Operation in progress\0Stale file handle\0Quota exceeded\0"
	"Protocol error";

/* An errno value in words; "error N" for one not in the table. */
static const char *
sys_strerror(int e)
{
	static char other[16];
	const char *w = sys_words;
	char *p = other + sizeof(other);
	size_t i;

	for (i = 0; i < sizeof(sys_codes); i++, w += strlen(w) + 1)
		if (sys_codes[i] == e)
			return w;
	*--p = 0;
	do
		*--p = (char)('0' + e % 10);
	while (e /= 10);
	p -= 6;
	memcpy(p, "error ", 6);
	return p;
}

const char *
net_strerror(int code)
{
	size_t i;

	if (code == 0)
		return "success";
	if (code > 0 && code < 4096)
		return sys_strerror(code);
	if (code < 0 && code > -4096)
		return sys_strerror(-code);
	if (CFG_TLS && code >= NET_ETLS_END && code <= NET_ETLS_BASE)
		return tlserr_str(code);
	i = (size_t)((long)code - NET_EAGAIN);
	if (code >= NET_EAGAIN && i < sizeof net_words / sizeof *net_words
	    && net_words[i])
		return net_words[i];
	return "unknown error";
}
