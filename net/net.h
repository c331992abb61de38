/* drainbox - net.h: URLs, sockets with deadlines, an HTTP/1.1 client, TLS,
 * the HAProxy runtime API and sd_notify.
 *
 * net/ is a small library in the BearSSL and picohttpparser manner: it never
 * prints, never exits and never includes lib/. Every function returns 0 (or a
 * count) on success and a negative code on failure: -errno for system errors,
 * or one of the NET_E* codes below. net_strerror() puts any code in words.
 * Nothing here allocates memory after start-up; callers own every buffer.
 * Each section names the file that implements it. */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* ---- time (conn.c) ------------------------------------------------------ */

/* An absolute point in CLOCK_MONOTONIC time, in milliseconds. Every wait in
 * drainbox runs against one of these, made once at the top of the wait. */
struct deadline {
	int64_t ms;
};

/* Current CLOCK_MONOTONIC time in ms. Never fails. */
int64_t mono_ms(void);

/* The deadline `ms` milliseconds from now (ms < 0 counts as 0). */
struct deadline deadline_in(int64_t ms);

/* The earlier of two deadlines. */
struct deadline deadline_min(struct deadline a, struct deadline b);

/* Milliseconds left before dl, clamped to [0, INT_MAX]: a poll(2) timeout. */
int deadline_left(const struct deadline *dl);

/* ---- errors (err.c) ----------------------------------------------------- */

/* System errors are -errno (-1 .. -4095). Our own codes start at -10000. */
enum {
	NET_EAGAIN = -10000,	/* parser: need more input (not an error) */
	NET_EURL,		/* malformed URL */
	NET_EURLSCHEME,		/* URL scheme is not http:// or https:// */
	NET_EURLPORT,		/* URL port is not 1-65535 */
	NET_EURLHOST,		/* URL host is empty, too long or malformed */
	NET_EURLSOCK,		/* UNIX socket path is empty or too long */
	NET_ENOTLS,		/* https is not supported by this build */
	NET_EDNS,		/* name lookup: no such host */
	NET_EDNSTEMP,		/* name lookup: every name server failed */
	NET_EDNSFAIL,		/* name lookup: bad name or malformed answer */
	NET_ETIMEDOUT_DNS,	/* timed out looking up the name */
	NET_ETIMEDOUT_CONNECT,	/* timed out connecting */
	NET_ETIMEDOUT_SEND,	/* timed out sending the request */
	NET_ETIMEDOUT_RECV,	/* timed out waiting for the response */
	NET_ETIMEDOUT_TLS,	/* timed out in the TLS handshake */
	NET_EINTR,		/* interrupted by a signal */
	NET_ESTATUS,		/* malformed status line */
	NET_EVERSION,		/* not an HTTP/1.x response */
	NET_EHEADER,		/* malformed header line */
	NET_EFOLD,		/* obsolete folded header line */
	NET_ECLEN,		/* bad or conflicting Content-Length */
	NET_ETE,		/* unsupported Transfer-Encoding */
	NET_ECHUNK,		/* malformed chunk size or framing */
	NET_ECHUNKBIG,		/* chunk size overflows */
	NET_ETRUNC,		/* connection closed before the end of the body */
	NET_EEOFHEAD,		/* connection closed before the end of the head */
	NET_EHEADBIG,		/* response head (or trailers) over HTTP_MAX_HEAD */
	NET_EHEADERS,		/* more than HTTP_MAX_HEADERS headers */
	NET_EBODYBIG,		/* response body over the body cap */
	NET_ETOOMANY1XX,	/* too many 1xx interim responses */
	NET_EREQBIG,		/* request does not fit the request buffer */
	NET_EHAPROXY,		/* HAProxy answer too long for the buffer */
	NET_EHAEMPTY,		/* HAProxy closed without a byte of answer */
	NET_EHASTATE,		/* not a `show servers state` dump, or a bad one */
	NET_ENOTIFY,		/* NOTIFY_SOCKET is malformed */
	NET_ETLS_CA,		/* CA bundle: no usable certificate */
	NET_ETLS_CERT,		/* client certificate: unreadable or malformed */
	NET_ETLS_KEY,		/* client key: unreadable, malformed or unsupported */
	NET_ETLS_PIN,		/* malformed --pin (want sha256//BASE64) */
	NET_ETLS_PINFAIL,	/* server key does not match the pin */
	NET_ETLS_IP,		/* certificate has no iPAddress SAN for this IP */
	NET_ETLS_TRUNC,		/* TLS closed without close_notify */
	NET_ETLS_ENTROPY,	/* getrandom(2) failed */
	NET_ETLS_EKU,		/* extendedKeyUsage of the chain excludes TLS servers */
	NET_ETLS_BIGCERT,	/* a certificate of the chain is over 16 KiB */
	NET_ETLS_BASE = -11000,	/* NET_ETLS_BASE - n: BearSSL error n (BR_ERR_*) */
	NET_ETLS_ALERT_RECV = -11256, /* - alert: fatal alert received */
	NET_ETLS_ALERT_SENT = -11512, /* - alert: fatal alert sent */
	NET_ETLS_END = -11800
};

/* Words for any code returned by net/ (negative) or a plain errno (positive).
 * Returns a static string; never NULL. */
const char *net_strerror(int code);
/* Writes the decimal n at p, without a NUL; returns the end. */
char *net_num(char *p, unsigned long long n);
/* The i-th string of w, NUL-separated strings packed in one array (a word
 * table without 8 bytes of pointer a word); w must hold more than i. */
const char *net_word(const char *w, size_t i);
/* url.c: the port [p, end) names, 1-65535 in decimal digits only, or
 * NET_EURLPORT (also when empty). */
int url_port_num(const char *p, const char *end);

/* ---- URLs (url.c) ------------------------------------------------------- */

#define URL_MAX_HOST 255
#define URL_MAX_SOCK 107	/* sun_path is 108 bytes with the NUL */

/* A parsed URL. host and sock are NUL-terminated copies; path and userinfo
 * are slices of the text given to url_parse(), which must outlive the url. */
struct url {
	const char *text;	/* the URL as given, for messages */
	int tls;		/* 1 for https:// */
	char host[URL_MAX_HOST + 1];	/* name or IP literal, no brackets */
	int ipv6;		/* host was a bracketed IPv6 literal */
	uint16_t port;		/* the default for the scheme when not given */
	int port_given;
	char sock[URL_MAX_SOCK + 1];	/* UNIX socket path, "" for TCP */
	const char *path;	/* "/path?query", "/" when the URL has none;
				 * the #fragment is not part of it */
	size_t pathlen;
	const char *userinfo;	/* "user:password" (still %-encoded) or NULL */
	size_t userinfolen;
};

/* Parses text: http://host[:port]/path?q, https://..., http://[v6]:port/,
 * http://user:pass@host/, and nginx's UNIX form
 * http://unix:/run/app.sock:/path (the socket path ends at the first ':';
 * no ':' after it means path "/"; Host is then "localhost"; no userinfo).
 * Strict: every byte must be printable ASCII (0x21-0x7e), else NET_EURL.
 * The scheme is case-insensitive (anything else: NET_EURLSCHEME). A host
 * is a name of letters, digits, '-', '.', '_' (kept as given), a dotted
 * IPv4 address (a name of only digits and dots must be one), or a bracketed
 * IPv6 address that inet_pton accepts (no zone); else NET_EURLHOST. An
 * empty port (host:) means the default; else 1-65535 or NET_EURLPORT. A
 * query needs a path (http://h?q is NET_EURL; write http://h/?q). When the
 * URL has no path, u->path is a static "/". u is zeroed first and is only
 * meaningful when 0 is returned. Returns 0 or NET_EURL*. Does not block. */
int url_parse(const char *text, struct url *u);

/* text, a URL as given (parsed or not, maybe "METHOD URL"), into buf with
 * any "user:password" before an '@' in its authority shown as "***":
 * "http://USER:PW@h/x" reads "http:// ***@h/x" without the blank. For messages
 * and STATUS=: a password never leaves the process. Cuts at size - 1 bytes
 * (size > 0). Returns buf. */
const char *url_mask(const char *text, char *buf, size_t size);

/* ---- name lookup (dns.c) ------------------------------------------------ */

/* A stub resolver of our own: musl's getaddrinfo(3) costs some 25 KB of a
 * static binary (with malloc and stdio) and cannot be bounded by a
 * deadline. Nothing here allocates; every buffer is fixed and checked. */

/* One address: family AF_INET (a[0..4)) or AF_INET6 (a[0..16)). */
struct dns_addr {
	int family;
	unsigned char a[16];
};
#define DNS_MAX_ADDRS	8
#define DNS_MAX_NS	3	/* nameservers used, as resolv(5) says */
#define DNS_MAX_SEARCH	6	/* search domains used */
#define DNS_PORT	53

/* What /etc/resolv.conf says (resolv(5)); what it omits has the defaults
 * below. search[] holds up to DNS_MAX_SEARCH domains, each NUL-terminated,
 * one after the other; nsearch counts them. */
struct dns_conf {
	struct dns_addr ns[DNS_MAX_NS];
	int nns;		/* 0 in the file: 127.0.0.1 is used */
	int ndots;		/* options ndots:N, default 1, at most 15 */
	int timeout;		/* options timeout:N seconds, default 5, 1-30 */
	int attempts;		/* options attempts:N, default 2, 1-5 */
	int nsearch;
	char search[256];
};

/* Looks up name as a stub resolver does:
 *   1. /etc/hosts (every address listed for name or an alias, in order;
 *      names compare case-insensitively);
 *   2. "localhost" and names ending in ".localhost" are 127.0.0.1 and ::1
 *      (RFC 6761), so a FROM-scratch image with no /etc/hosts still works;
 *   3. A and AAAA queries over UDP, sent together to every nameserver of
 *      /etc/resolv.conf, resent every `timeout` seconds, `attempts` times
 *      in all, for each name of the search list in turn (resolv(5): a name
 *      with fewer than ndots dots, and no trailing dot, is tried with each
 *      search domain first, then as given; otherwise as given only).
 * An answer counts only from the server it was sent to, with the query's
 * id and question. IPv4 addresses come before IPv6 ones. Never waits past
 * dl. Fills out[0..max) and returns how many (> 0), or:
 *   NET_EDNS	no such name (NXDOMAIN or no address, for every search name)
 *   NET_EDNSTEMP	every server failed (SERVFAIL, REFUSED, unreachable)
 *   NET_EDNSFAIL	name is not a valid host name, or the answers were
 *		malformed
 *   NET_ETIMEDOUT_DNS	no answer before dl or before the attempts ran out
 *   NET_EINTR	a signal interrupted the wait
 *   -errno	a socket could not be made */
int dns_lookup(const char *name, struct dns_addr *out, int max,
	       const struct deadline *dl);

/* Parses s[0..len) as an IPv4 or IPv6 address (no zone) into a. Returns 0,
 * or -1 when it is not one. */
int dns_addr_parse(const char *s, size_t len, struct dns_addr *a);

/* Fills *ss with a and port (host order); returns the length to pass to
 * connect(2). */
socklen_t dns_sockaddr(const struct dns_addr *a, unsigned port,
		       struct sockaddr_storage *ss);

/* The pieces of dns_lookup, pure functions on memory (unit tests and fuzz
 * targets call them directly). */

/* Parses resolv.conf text (len bytes, need not be NUL-terminated) into c,
 * defaults first. Unknown lines and options are skipped, and so are a bad
 * nameserver address (an IPv6 zone too) and a malformed number; numbers
 * are capped as resolv(5) says (ndots 15, timeout 30, attempts 5; 0 means
 * 1 for the last two). "search" and "domain" replace the list: the last
 * such line wins. Never fails. */
void dns_conf_parse(const char *text, size_t len, struct dns_conf *c);

/* Appends to out (*n of max already filled) the addresses that hosts-file
 * text (len bytes) gives for name. Returns how many it added. */
int dns_hosts_parse(const char *text, size_t len, const char *name,
		    struct dns_addr *out, int max, int *n);

/* Writes a recursive query for name (qtype 1 = A, 28 = AAAA; a trailing dot
 * is allowed) with the given id into buf[0..size). Returns its length, or
 * NET_EDNSFAIL when name is not a valid host name (empty, a label over 63
 * bytes, over 253 bytes in all) or buf is too small (512 is enough). */
int dns_query(unsigned char *buf, size_t size, const char *name, unsigned id,
	      int qtype);

/* Reads msg[0..len) as the answer to query q[0..qlen) (as dns_query made
 * it): a response with q's id and question. Appends its A and AAAA records
 * (of any owner name: a CNAME chain's target comes with the answer) to out
 * (*n of max filled; extra ones are dropped). Returns the answer's RCODE
 * (0 no error, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED...), or NET_EAGAIN when
 * msg is not the answer to q (ignore it, keep waiting), or NET_EDNSFAIL
 * when it is malformed: a record past the end, a compression loop or a
 * pointer forward, an A record not 4 bytes long... A truncated answer (TC)
 * gives the records it holds. */
int dns_answer(const unsigned char *msg, size_t len, const unsigned char *q,
	       size_t qlen, struct dns_addr *out, int max, int *n);

/* ---- connections (conn.c, io.c) ----------------------------------------- */

struct conn {
	int fd;		/* -1 when closed */
	int tls;	/* 1 when TLS runs on fd (tls_*.c) */
	int phase;	/* internal: which NET_ETIMEDOUT_* a timeout means */
};
#define CONN_INIT { -1, 0, 0 }

/* Connects to the URL's server: its UNIX socket, or each address that
 * dns_lookup gives for host:port in turn (non-blocking connect + poll,
 * TCP_NODELAY), then the TLS handshake for https. The addresses of the last
 * name are kept (up to 8), so repeated requests resolve it once and
 * allocate nothing; it is looked up again when none of them connects. IP
 * literals are never looked up. Returns 0 or a negative code; on failure c
 * is closed. Blocks until done or dl. */
int conn_open_url(struct conn *c, const struct url *u, const struct deadline *dl);

/* Connects (plain, no TLS) to spec: a UNIX socket path (starts with '/' or
 * '.', or contains no ':'), or host:port, or [v6]:port. Same contract. */
int conn_open_spec(struct conn *c, const char *spec, const struct deadline *dl);

/* Writes all n bytes. Returns 0 or a negative code. */
int conn_write_all(struct conn *c, const void *p, size_t n, const struct deadline *dl);

/* Reads up to n bytes: returns the count (> 0), 0 at a clean end of stream
 * (EOF; for TLS only after close_notify), or a negative code. */
ssize_t conn_read(struct conn *c, void *p, size_t n, const struct deadline *dl);

/* Closes c (sending close_notify for TLS, without waiting). Keeps errno. */
void conn_close(struct conn *c);

/* ---- HTTP/1.1 (http.c, httpc.c) ----------------------------------------- */

#define HTTP_MAX_HEAD    16384		/* status line + headers + blank line */
#define HTTP_MAX_HEADERS 64
#define HTTP_MAX_1XX     8		/* interim responses skipped at most */
#define HTTP_BODY_CAP    (1024 * 1024)	/* default cap on the body */
#define HTTP_MAX_REQ     8192		/* request line + headers we send */

struct http_header {
	const char *name, *value;	/* slices of the caller's buffer */
	size_t namelen, valuelen;	/* value has no leading/trailing blanks */
};

struct http_resp {
	int minor;		/* 0 or 1: HTTP/1.minor */
	int status;		/* 100-999 */
	const char *reason;
	size_t reasonlen;
	struct http_header h[HTTP_MAX_HEADERS];
	size_t nh;
	/* framing, filled by http_parse_head() */
	int64_t clen;		/* Content-Length, -1 when absent */
	int chunked;		/* Transfer-Encoding: chunked */
	/* filled by http_request(): the decoded body, NUL-terminated,
	 * inside the caller's buffer */
	char *body;
	size_t bodylen;
};

/* Parses a response head (status line + headers + CRLF CRLF; bare LF also
 * accepted) from buf[0..len), RFC 9112. Returns the head's length in bytes,
 * NET_EAGAIN when buf holds no complete head yet, or a NET_E* code when it
 * is malformed. Call it again with the same buf and a larger len as bytes
 * arrive: it re-reads from the start, and reports an error as soon as the
 * line holding it is complete (NET_EVERSION as soon as the first bytes
 * cannot begin "HTTP/1."), so every prefix gives NET_EAGAIN or the error
 * the whole input gives.
 * - Status line "HTTP/1.x NNN[ reason]": not HTTP/1.x is NET_EVERSION
 *   (1.2-1.9 read as 1.1); a status outside 100-999, a missing SP or a
 *   control byte in the reason is NET_ESTATUS.
 * - Fields "name: value": a name of tchars right before ':', a value of
 *   visible bytes, SP, HTAB and obs-text; else (a NUL, CR or other control
 *   byte, a space before ':') NET_EHEADER. A line starting with SP or HTAB
 *   (obs-fold) is NET_EFOLD. More than HTTP_MAX_HEADERS is NET_EHEADERS;
 *   no complete head in the first HTTP_MAX_HEAD bytes is NET_EHEADBIG.
 * - Content-Length: digits, or a list of equal ones ("5, 5"); all such
 *   fields must agree and fit int64_t, else NET_ECLEN.
 * - Transfer-Encoding: only "chunked" (case-insensitive), once, in all
 *   Transfer-Encoding fields together; anything else, or any
 *   Transfer-Encoding in an HTTP/1.0 response, is NET_ETE. With both
 *   Transfer-Encoding and a (well-formed) Content-Length, chunked wins and
 *   clen is -1 (RFC 9112 6.3; we close the connection after the response).
 * On success sets minor, status, reason, h[0..nh), clen and chunked (body
 * and bodylen are left alone); slices point into buf. On failure r holds
 * nothing useful. Never reads past len. Does not block. */
int http_parse_head(const char *buf, size_t len, struct http_resp *r);

/* Case-insensitive header lookup: the first header named name, or NULL. */
const struct http_header *http_header(const struct http_resp *r, const char *name);

/* The value of the hex digit c (0-15), or -1 when c is not one. */
int hex_digit(int c);

/* Chunked decoder, zero-initialised by the caller. */
struct http_chunked {
	int state;		/* internal; < 0: the error it stopped on */
	uint64_t left;		/* bytes left in the current chunk; in the
				 * trailers, the bytes of the section so far */
	size_t linelen;		/* bytes of the current size line */
};

/* Decodes chunked data in place: buf[0..*len) in, the data bytes moved to
 * the front, *len set to their count. Returns NET_EAGAIN when more input is
 * needed, a NET_E* code on bad framing, or the number (>= 0) of bytes that
 * followed the last chunk and its trailers; these are left at
 * buf[*len .. *len + n). Input may be cut anywhere (one byte per call
 * works). Chunk sizes are hex (2^64 or more: NET_ECHUNKBIG), extensions
 * (";name=value") are skipped, blanks before them allowed; a size line
 * over 4096 bytes, a missing line end after the data, or a control byte is
 * NET_ECHUNK. Line ends are CRLF or a bare LF. Trailer fields are checked
 * like header fields (NET_ECHUNK) and dropped; a trailer section (with its
 * final blank line) over HTTP_MAX_HEAD is NET_EHEADBIG. An error sticks:
 * later calls return it again. After the end every call returns all its
 * input as following bytes. *len must be at most INT_MAX. Bounded work per
 * byte; never reads past *len. */
int http_chunked_decode(struct http_chunked *d, char *buf, size_t *len);

struct http_req {
	const char *method;	/* "GET", "PUT", ... */
	const struct url *url;
	const char *headers;	/* extra lines, each ending "\r\n", or NULL */
	const char *body;	/* NULL: no body (and no Content-Length) */
	size_t bodylen;
};

/* 1 when s[0..n) is an RFC 9110 token (a METHOD): one or more letters,
 * digits or !#$%&'*+-.^_`|~; else 0. */
int http_token(const char *s, size_t n);

/* Sends rq with Host, User-Agent: drainbox/version, Connection: close,
 * Authorization: Basic when the URL has userinfo, and Content-Length when
 * there is a body; reads the response, skipping 1xx answers. The head and
 * the decoded body are read into buf[0..size); a body over
 * size - HTTP_MAX_HEAD - 1 bytes is NET_EBODYBIG. The body ends at
 * Content-Length, the last chunk, or EOF; a short one is NET_ETRUNC.
 * Redirects are not followed: a 3xx is returned like any status.
 * Returns 0 or a negative code; one deadline covers connect, send and
 * receive. Blocks. */
int http_request(const struct http_req *rq, struct http_resp *r,
		 char *buf, size_t size, const struct deadline *dl);

/* The version string sent in User-Agent ("drainbox/0.1.0"); set by lib/. */
extern const char *http_user_agent;

/* ---- HAProxy runtime API (haproxy.c) ------------------------------------ */

/* Sends one command line (no newline needed) to the runtime API at spec (as
 * conn_open_spec), reads the answer until the server closes, stores it
 * NUL-terminated in buf. Returns its length (at least 1: HAProxy always
 * answers at least a newline), NET_EHAEMPTY when the peer closed without a
 * byte, NET_EHAPROXY when the answer does not fit in size - 1 bytes, or a
 * negative code. Blocks until done or dl. */
int haproxy_cmd(const char *spec, const char *cmd, char *buf, size_t size,
		const struct deadline *dl);

/* ---- a server named on the command line --------------------------------- */
#define HAP_MAX_SPEC 272	/* SOCKET: a UNIX path or host:port */
#define HAP_MAX_NAME 128	/* BACKEND/SERVER */

/* SOCKET,BACKEND/SERVER, as --haproxy, --load-haproxy and --confirm-haproxy
 * take it. */
struct hap_target {
	char spec[HAP_MAX_SPEC + 1];	/* SOCKET, for haproxy_cmd() */
	char server[HAP_MAX_NAME + 1];	/* BACKEND/SERVER */
	char be[HAP_MAX_NAME + 1];	/* BACKEND alone */
	char srv[HAP_MAX_NAME + 1];	/* SERVER alone */
};

/* Fills t from arg, split at its last comma (HAProxy names have none).
 * The names may hold letters, digits and "-_.:#" only: HAProxy's own set
 * ('#' for "#ID"), and nothing a runtime API command line could read as
 * more. Returns NULL, or why arg is not one ("want SOCKET,BACKEND/SERVER",
 * "too long", "bad character in BACKEND/SERVER"). */
const char *hap_target_parse(struct hap_target *t, const char *arg);

/* The answer to `show servers state [BACKEND]` (format version 1): a line
 * "1", a "# be_id be_name srv_id srv_name ..." header naming the columns
 * (found by name, so columns HAProxy adds later do no harm), one line per
 * server, then an empty line. A reader that never allocates, never writes
 * to the answer, never reads past len, and copes with any bytes:
 *     struct hap_state it; struct hap_server s;
 *     if (hap_state_begin(&it, buf, len) < 0) -> not a state dump (an
 *         error text such as "Can't find backend.", or garbage)
 *     while ((r = hap_state_next(&it, &s)) > 0) -> use s
 *     r < 0 -> a malformed or truncated line (the walk cannot go on)
 * srv_admin_state is a mask: HAP_ADMIN_MAINT bits mean no traffic at all
 * (forced, inherited from a tracked server, or a resolution failure; the
 * configuration's `disabled` sets 0x04 with 0x01, and 0x04 alone is a
 * server `state ready` has brought back), HAP_ADMIN_DRAIN bits no new
 * traffic. */
#define HAP_ADMIN_MAINT 0x23	/* SRV_ADMF_FMAINT | IMAINT | RMAINT */
#define HAP_ADMIN_DRAIN 0x18	/* SRV_ADMF_FDRAIN | IDRAIN */
#define HAP_STATE_COLS 64	/* header columns looked at, at most */

enum { HAP_OP_STOPPED, HAP_OP_STARTING, HAP_OP_RUNNING, HAP_OP_STOPPING };

struct hap_server {
	const char *be, *name;	/* slices of the answer, not NUL-terminated */
	size_t belen, namelen;
	long be_id, srv_id;
	int op_state;		/* srv_op_state: HAP_OP_* (0-3) */
	unsigned admin;		/* srv_admin_state: a mask, see above */
};

/* The columns read, by their header names: be_id be_name srv_id srv_name
 * srv_op_state srv_admin_state. */
enum hap_col { HAP_COL_BE_ID, HAP_COL_BE, HAP_COL_SRV_ID, HAP_COL_SRV, HAP_COL_OP,
	       HAP_COL_ADMIN, HAP_COL_N };

struct hap_state {		/* an iterator over one answer */
	const char *p, *end;	/* the next line; NULL once the dump ended */
	int col[HAP_COL_N];	/* where each column is, 0-based */
	int ncols;		/* a server line needs this many fields */
};

/* Checks the version line and the header of buf[0..len); 0, or -1 when it
 * is not a version-1 dump with the columns above. */
int hap_state_begin(struct hap_state *it, const char *buf, size_t len);

/* The next server line into *s: 1, 0 at the end (the empty line, or the
 * end of the buffer), -1 for a line without its '\n', with too few fields,
 * or with a state or id that is not a small decimal number. */
int hap_state_next(struct hap_state *it, struct hap_server *s);

/* 1 when s is server srv of backend be (names, or "#ID" for a numeric id). */
int hap_server_is(const struct hap_server *s, const char *be, const char *srv);

/* Finds server srv of backend be in an answer held whole: 1 found (*s
 * set), 0 not there, -1 not a dump or malformed. */
int hap_state_find(const char *buf, size_t len, const char *be, const char *srv,
		   struct hap_server *s);

/* Called for each server; nonzero stops the walk (a negative value is
 * returned by haproxy_state_walk as its result, a positive one as 0). */
typedef int (*hap_state_fn)(void *arg, const struct hap_server *s);

/* Sends `show servers state BACKEND` to the runtime API at spec and calls
 * fn for each server as the answer comes in, so a backend of any size is
 * read with buf holding only a few lines (a line longer than size - 1 is
 * NET_EHAPROXY). Returns 0 when the dump was read to its end (or fn
 * stopped it), NET_EHAEMPTY for no byte of answer, NET_EHASTATE for an
 * answer that is not a dump (then buf holds its start, NUL-terminated:
 * HAProxy's error text, such as "Can't find backend.") or a dump with a
 * bad or missing line (buf empty), -EINVAL for a backend name unfit for a
 * command line, or another negative code. Blocks until done or dl. */
int haproxy_state_walk(const char *spec, const char *backend, char *buf, size_t size,
		       const struct deadline *dl, hap_state_fn fn, void *arg);

/* ---- systemd notification (sdnotify.c) ---------------------------------- */

/* Sends msg ("STATUS=...", "EXTEND_TIMEOUT_USEC=...") as one datagram to
 * $NOTIFY_SOCKET (a path, or '@' for the abstract namespace). Returns 1 when
 * sent, 0 when NOTIFY_SOCKET is unset, or a negative code. Does not block. */
int sd_notify_send(const char *msg);

/* ---- JSON and base64 (json.c) ------------------------------------------ */

#define JSON_MAX_DEPTH 32	/* nesting allowed in json_get()'s input */

/* One JSON value: a slice of the caller's text (a string with its quotes). */
struct json_val {
	const char *p;
	size_t n;
};

/* Checks that s[0..n) is one well-formed JSON value (RFC 8259, nested at
 * most JSON_MAX_DEPTH deep, blanks around it), then finds the value at
 * path: member names and array indexes separated by '.' ("kvs.0.key"; ""
 * is the whole text). A name matches a member's name as written (no
 * escapes decoded); the first such member wins. Returns 1 and sets *v,
 * 0 when the path leads nowhere (a missing member, an index past the end,
 * a step into a scalar), or -1 when the text is malformed. Never reads
 * past n; bounded recursion; does not block. */
int json_get(const char *s, size_t n, const char *path, struct json_val *v);

/* A non-negative integer, bare (12) or quoted ("12": etcd's int64
 * fields), at most 2^63 - 1. Returns 0 and sets *out, or -1. */
int json_int(const struct json_val *v, long long *out);

/* Standard base64 (RFC 4648, '=' padding) of in[0..n) into out,
 * NUL-terminated. Returns the length, or -1 when out is too small. */
int b64_encode(const void *in, size_t n, char *out, size_t size);

/* Decodes padded base64 in[0..n) into out[0..size). Returns the byte count,
 * or -1 when in is not canonical base64 (length not a multiple of 4, a
 * byte outside the alphabet, misplaced '=', nonzero spare bits) or out is
 * too small. */
int b64_decode(const char *in, size_t n, void *out, size_t size);

#endif
