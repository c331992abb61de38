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

/* The words of NET_EAGAIN, NET_EAGAIN + 1, ... in the order of the enum in
 * net.h, NUL-separated (a blob, not 8 bytes of pointer an entry). */
static const char net_words[] =
	"need more input\0"	/* EAGAIN */
	"malformed URL\0"	/* EURL */
	"URL scheme is not http:// or https://\0"	/* EURLSCHEME */
	"URL port is not 1-65535\0"	/* EURLPORT */
	"URL host is empty, too long or malformed\0"	/* EURLHOST */
	"UNIX socket path is empty or too long\0"	/* EURLSOCK */
	"https is not supported by this build\0"	/* ENOTLS */
	"no such host\0"	/* EDNS */
	"the name servers failed or are unreachable\0"	/* EDNSTEMP */
	"bad name, or a malformed answer from the name server\0"	/* EDNSFAIL */
	"timed out looking up the name\0"	/* ETIMEDOUT_DNS */
	"timed out connecting\0"	/* ETIMEDOUT_CONNECT */
	"timed out sending the request\0"	/* ETIMEDOUT_SEND */
	"timed out waiting for the response\0"	/* ETIMEDOUT_RECV */
	"timed out in the TLS handshake\0"	/* ETIMEDOUT_TLS */
	"interrupted by a signal\0"	/* EINTR */
	"malformed status line\0"	/* ESTATUS */
	"not an HTTP/1.x response\0"	/* EVERSION */
	"malformed header line\0"	/* EHEADER */
	"obsolete folded header line\0"	/* EFOLD */
	"bad or conflicting Content-Length\0"	/* ECLEN */
	"unsupported Transfer-Encoding\0"	/* ETE */
	"malformed chunk size or framing\0"	/* ECHUNK */
	"chunk size overflows\0"	/* ECHUNKBIG */
	"connection closed before the end of the body\0"	/* ETRUNC */
	"connection closed before the end of the response head\0"	/* EEOFHEAD */
	"response head or trailers over 16 KiB\0"	/* EHEADBIG */
	"more than 64 header lines\0"	/* EHEADERS */
	"response body over the size cap\0"	/* EBODYBIG */
	"too many 1xx interim responses\0"	/* ETOOMANY1XX */
	"request too long\0"	/* EREQBIG */
	"HAProxy answer too long\0"	/* EHAPROXY */
	"closed without an answer (HAProxy always sends at least a newline)\0"	/* EHAEMPTY */
	"malformed or truncated answer\0"	/* EHASTATE */
	"NOTIFY_SOCKET is malformed\0"	/* ENOTIFY */
	"CA bundle: no usable certificate\0"	/* ETLS_CA */
	"client certificate: unreadable or malformed\0"	/* ETLS_CERT */
	"client key: unreadable, malformed or unsupported\0"	/* ETLS_KEY */
	"malformed pin (want sha256//BASE64)\0"	/* ETLS_PIN */
	"server key does not match the pin\0"	/* ETLS_PINFAIL */
	"certificate does not name this IP address\0"	/* ETLS_IP */
	"TLS connection closed without close_notify (truncated)\0"	/* ETLS_TRUNC */
	"no entropy: getrandom failed\0"	/* ETLS_ENTROPY */
	"certificate not for a TLS server (extendedKeyUsage)\0"	/* ETLS_EKU */
	"certificate over 16 KiB";	/* ETLS_BIGCERT */
#define NET_NWORDS (NET_ETLS_BIGCERT - NET_EAGAIN + 1)

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

char *
net_num(char *p, unsigned long long n)
{
	char d[20];
	int i = 0;

	do
		d[i++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (i > 0)
		*p++ = d[--i];
	return p;
}

const char *
net_word(const char *w, size_t i)
{
	while (i-- > 0)
		w += strlen(w) + 1;
	return w;
}

/* An errno value in words; "error N" for one not in the table. */
static const char *
sys_strerror(int e)
{
	static char other[16] = "error ";
	size_t i;

	for (i = 0; i < sizeof(sys_codes); i++)
		if (sys_codes[i] == e)
			return net_word(sys_words, i);
	*net_num(other + 6, (unsigned)e) = 0;
	return other;
}

const char *
net_strerror(int code)
{
	if (code == 0)
		return "success";
	if (code > -4096 && code < 4096)	/* -errno, or a plain errno */
		return sys_strerror(code < 0 ? -code : code);
	if (CFG_TLS && code >= NET_ETLS_END && code <= NET_ETLS_BASE)
		return tlserr_str(code);
	if (code >= NET_EAGAIN && code < NET_EAGAIN + NET_NWORDS)
		return net_word(net_words, (size_t)((long)code - NET_EAGAIN));
	return "unknown error";
}
