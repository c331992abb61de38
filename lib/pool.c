/* SPDX-License-Identifier: 0BSD */
/* pool.c - the pool targets that depool, repool and drain share: a health
 * file renamed to PATH.disabled and back (renameat2 RENAME_NOREPLACE, then
 * an fsync of the directory unless the caller defers it; never a delete,
 * truncate or overwrite), an HAProxy server set to `state drain` / `state
 * ready` on the runtime API, and any HTTP control API called with 'METHOD
 * URL', a body and headers (from -H or a header file, so tokens need not
 * show in ps). Each step tries every target, logs one line per target and
 * returns EX_OK or EX_FAIL; --dry-run only says what each would do.
 * An operator's depool is never undone: an HAProxy server's state is read
 * first and one in MAINT is left as it is (a repool sets it ready only
 * with --force); drain's renames leave markers (mark.c) so that `repool
 * --if-drained` puts back only what a drain took out. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/lib.h"

#define POOL_RENAME_NOREPLACE 1	/* linux/fs.h RENAME_NOREPLACE */
#define POOL_SHOW 160		/* bytes of a peer's answer shown in a message */
#define POOL_HA_ANSWER 4096	/* room for HAProxy's answer */
#define POOL_READY_LOG_MS 5000	/* pool_wait_ready: repeat a state this often */

enum {
	POOL_OPT_SUFFIX = OPTID_POOL,
	POOL_OPT_HAPROXY,
	POOL_OPT_DEPOOL_URL,
	POOL_OPT_REPOOL_URL,
	POOL_OPT_HEADER_FILE
};

const struct opt pool_opts[] = {
	{ "health-file", 'f', ARG_STR, "PATH",
	  "rename PATH to PATH.disabled / back (repeatable)" },
	{ "disabled-suffix", POOL_OPT_SUFFIX, ARG_STR, "S",
	  "the suffix -f adds (default .disabled)" },
	{ "haproxy", POOL_OPT_HAPROXY, ARG_STR, "SOCKET,BACKEND/SERVER",
	  "drain / ready on HAProxy's runtime API (repeatable)" },
	{ "depool-url", POOL_OPT_DEPOOL_URL, ARG_STR, "'METHOD URL'",
	  "depool by this HTTP(S) request (repeatable)" },
	{ "repool-url", POOL_OPT_REPOOL_URL, ARG_STR, "'METHOD URL'",
	  "repool by this HTTP(S) request (repeatable)" },
	{ "data", 'd', ARG_ANY, "BODY", "body of the URL requests (default none)" },
	{ "header", 'H', ARG_STR, "'NAME: VALUE'",
	  "add a header to the URL requests (repeatable)" },
	{ "header-file", POOL_OPT_HEADER_FILE, ARG_STR, "FILE",
	  "add the header lines in FILE (default none)" },
	{ 0, 0, 0, 0, 0 }
};

const char pool_about[] =
	"HAProxy's SOCKET is a UNIX path or host:port (runtime API, level\n"
	"admin). A URL alone is a POST; -d gives a body (with Content-Length,\n"
	"and no Content-Type unless -H gives one). --header-file FILE holds one\n"
	"'Name: value' a line (# and blank lines skipped), for tokens that ps\n"
	"must not show. Every target is tried even when one fails. depool\n"
	"ignores --repool-url and repool --depool-url, so both can share one\n"
	"set of options.";

/* ---- option parsing ------------------------------------------------------- */

/* RFC 9110 tchar. */
static int
is_tchar(int ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch && strchr("!#$%&'*+-.^_`|~", ch) != 0;
}

/* Headers http_request() writes itself: a second copy would make the
 * request ambiguous (request smuggling, wrong framing). */
static int
hdr_reserved(const char *name, size_t len)
{
	static const char own[] =
		"Host\0Content-Length\0Transfer-Encoding\0Connection\0User-Agent\0";
	const char *h;

	for (h = own; *h; h += strlen(h) + 1)
		if (strlen(h) == len && !strncasecmp(h, name, len))
			return 1;
	return 0;
}

/* The length of the header name (token characters) at the start of s. */
static int
hdr_namelen(const char *s)
{
	int n = 0;

	while (n < 64 && is_tchar((unsigned char)s[n]))
		n++;
	return n;
}

/* Checks "Name: value" in s[0..n) and appends "Name: value\r\n" to
 * c->hdrs. Returns NULL, or why it was refused (without the value, which
 * may be a secret). */
static const char *
hdr_add(struct pool_cfg *c, const char *s, size_t n)
{
	size_t nl = 0, v, vl, i, need;

	while (nl < n && is_tchar((unsigned char)s[nl]))
		nl++;
	if (!nl || nl == n || s[nl] != ':')
		return "not a 'Name: value' header";
	if (hdr_reserved(s, nl))
		return "drainbox sets this header itself";
	for (v = nl + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
		;
	for (vl = n; vl > v && (s[vl - 1] == ' ' || s[vl - 1] == '\t'); vl--)
		;
	for (i = v; i < vl; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return "control character (CR, LF, NUL...) in the header";
	}
	need = nl + 2 + (vl - v) + 2;
	if (c->hdrlen + need > POOL_MAX_HDRS)
		return "headers longer than 4096 bytes in all";
	c->hdrlen += (size_t)fmt_sn(c->hdrs + c->hdrlen, need + 1, "%.*s: %.*s\r\n",
				    (int)nl, s, (int)(vl - v), s + v);
	return 0;
}

/* Reads the whole of a small file into buf (NUL-terminated); dies on
 * error (the fd goes with the process). Returns its length. */
static size_t
hdrfile_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		die(EX_FAIL, "%s: open: %m", path);
	while ((r = read(fd, buf + len, size - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EX_FAIL, "%s: read: %m", path);
		len += (size_t)r;
		if (len == size)
			die(EX_FAIL, "%s: larger than %zu bytes", path, size - 1);
	}
	close(fd);
	buf[len] = 0;
	return len;
}

/* --header-file: one header a line (LF or CRLF); blank lines and lines
 * starting with '#' are skipped. Read at start-up; dies on error. */
static void
hdrfile_load(struct pool_cfg *c, const char *path)
{
	char buf[POOL_MAX_HDRFILE + 1];
	size_t len = hdrfile_read(path, buf, sizeof(buf)), i = 0, e, n;
	const char *why;
	int line = 0;

	while (i < len) {
		line++;
		for (e = i; e < len && buf[e] != '\n'; e++)
			;
		n = e - i;
		if (n && buf[i + n - 1] == '\r')
			n--;
		while (n && (buf[i] == ' ' || buf[i] == '\t')) {
			i++;
			n--;
		}
		if (n && buf[i] != '#' && (why = hdr_add(c, buf + i, n)))
			die(EX_FAIL, "%s: line %d: %s", path, line, why);
		i = e + 1;
	}
	memset(buf, 0, sizeof(buf));
}

static struct pool_target *
target_new(struct pool_cfg *c, int kind, const char *arg)
{
	struct pool_target *t;

	if (c->n >= POOL_MAX_TARGETS)
		usage_fail("more than %d pool targets", POOL_MAX_TARGETS);
	t = &c->t[c->n++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->arg = arg;
	return t;
}

/* SOCKET,BACKEND/SERVER: hap_target_parse() checks the names, so nothing
 * can be slipped into the command line. */
static void
haproxy_parse(struct pool_cfg *c, const char *arg)
{
	struct hap_target ha;
	const char *why = hap_target_parse(&ha, arg);

	if (why)
		usage_fail("--haproxy: %s: '%s'", why, arg);
	target_new(c, POOL_HAPROXY, arg)->u.ha = ha;
}

/* 'METHOD URL' or 'URL' (POST). */
static void
url_target(struct pool_cfg *c, const char *arg, int depool)
{
	const char *opt = depool ? "--depool-url" : "--repool-url";
	const char *sp = strchr(arg, ' '), *url = arg;
	struct pool_target *t = target_new(c, POOL_URL, arg);
	char shown[512];	/* arg, its password masked */
	size_t ml;
	int e;

	t->depool = depool;
	strcpy(t->u.http.method, "POST");
	if (sp) {
		ml = (size_t)(sp - arg);
		url = "";	/* no METHOD, or too long: refused below */
		if (ml && ml <= POOL_MAX_METHOD) {
			if (!http_token(arg, ml))
				usage_fail("%s: METHOD must be a token (letters, digits, "
					   "!#$%%&'*+-.^_`|~): '%.*s'", opt, (int)ml, arg);
			memcpy(t->u.http.method, arg, ml);
			t->u.http.method[ml] = 0;
			for (url = sp; *url == ' '; url++)
				;
		}
	}
	if (!*url || strchr(url, ' '))
		usage_fail("%s: want 'METHOD URL': '%s'", opt,
			   url_mask(arg, shown, sizeof(shown)));
	if ((e = url_parse(url, &t->u.http.url)) < 0)
		usage_fail("%s: %s: %s", opt, url_mask(url, shown, sizeof(shown)),
			   net_strerror(e));
}

int
pool_opt(struct pool_cfg *c, const struct optstate *o, int id)
{
	const char *why;

	switch (id) {
	case 'f':
		if (!*o->arg)
			usage_fail("-f: empty path");
		if (o->arg[strlen(o->arg) - 1] == '/')
			usage_fail("-f: not a file name: '%s'", o->arg);
		target_new(c, POOL_FILE, o->arg);
		return 1;
	case POOL_OPT_SUFFIX:
		if (!*o->arg || strchr(o->arg, '/'))
			usage_fail("--disabled-suffix: want a non-empty suffix without '/': '%s'",
				   o->arg);
		c->suffix = o->arg;
		return 1;
	case POOL_OPT_HAPROXY:
		haproxy_parse(c, o->arg);
		return 1;
	case POOL_OPT_DEPOOL_URL:
	case POOL_OPT_REPOOL_URL:
		url_target(c, o->arg, id == POOL_OPT_DEPOOL_URL);
		return 1;
	case 'd':
		c->body = o->arg;
		return 1;
	case 'H':
		/* the message names the header but never shows its value */
		if ((why = hdr_add(c, o->arg, strlen(o->arg))))
			usage_fail("-H '%.*s': %s", hdr_namelen(o->arg), o->arg, why);
		return 1;
	case POOL_OPT_HEADER_FILE:
		hdrfile_load(c, o->arg);
		return 1;
	}
	return 0;
}

/* ---- which targets ----------------------------------------------------------- */

static int
target_applies(const struct pool_target *t, int depool, unsigned kinds)
{
	if (!(kinds & (unsigned)t->kind))
		return 0;
	return t->kind != POOL_URL || t->depool == !!depool;
}

int
pool_count(const struct pool_cfg *c, int depool, unsigned kinds)
{
	int i, n = 0;

	for (i = 0; i < c->n; i++)
		n += target_applies(&c->t[i], depool, kinds);
	return n;
}

int
pool_tls(const struct pool_cfg *c, int depool)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (target_applies(&c->t[i], depool, POOL_URL) &&
		    c->t[i].u.http.url.tls)
			return 1;
	return 0;
}

void
pool_start(struct pool_cfg *c, int depool)
{
	size_t sl = strlen(c->suffix);
	int i;

	if (!pool_count(c, depool, POOL_ALL))
		usage_fail("no target to %s: give -f, --haproxy or --%s-url",
			   depool ? "depool" : "repool", depool ? "depool" : "repool");
	for (i = 0; i < c->n; i++)
		if (c->t[i].kind == POOL_FILE && strlen(c->t[i].arg) + sl >= PATH_MAX)
			usage_fail("-f: name too long with its suffix: '%s'", c->t[i].arg);
}

/* ---- showing things ---------------------------------------------------------- */

char *
show_text(char *buf, size_t size, const char *s, size_t n)
{
	size_t i, o = 0;

	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	for (i = 0; i < n && o + 1 < size && o < POOL_SHOW; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r' || ch == '\n')
			break;
		buf[o++] = (ch < 0x20 || ch >= 0x7f) ? '?' : (char)ch;
	}
	while (o && buf[o - 1] == ' ')
		o--;
	buf[o] = 0;
	return buf;
}

/* The URL as given, with any user:password shown as "***". */
static const char *
url_show(const struct url *u, char *buf, size_t size)
{
	return url_mask(u->text, buf, size);
}

/* The target's name in messages: the path, "haproxy BE/SRV", "METHOD URL". */
static const char *
target_label(const struct pool_target *t, char *buf, size_t size)
{
	char u[512];

	switch (t->kind) {
	case POOL_FILE:
		return t->arg;
	case POOL_HAPROXY:
		fmt_sn(buf, size, "haproxy %s", t->u.ha.server);
		return buf;
	}
	fmt_sn(buf, size, "%s %s", t->u.http.method,
		 url_show(&t->u.http.url, u, sizeof(u)));
	return buf;
}

/* ---- files ------------------------------------------------------------------- */

/* 1 exists, 0 does not (ENOENT), -1 error (logged). lstat: a symlink is
 * itself the health file, renamed as it is. */
static int
file_exists(const char *path)
{
	struct stat st;

	if (!lstat(path, &st))
		return 1;
	if (errno == ENOENT)
		return 0;
	log_err("%s: stat: %m", path);
	return -1;
}

/* The directory part of path into buf ("." when there is none). */
static const char *
file_dir(const char *path, char *buf, size_t size)
{
	const char *sl = strrchr(path, '/');
	size_t n;

	if (!sl)
		return ".";
	n = sl == path ? 1 : (size_t)(sl - path);
	if (n >= size)
		n = size - 1;
	memcpy(buf, path, n);
	buf[n] = 0;
	return buf;
}

/* rename(2) that never replaces: renameat2 RENAME_NOREPLACE (Linux 3.15+).
 * Where the kernel or the filesystem lacks it (ENOSYS, EINVAL), plain
 * rename(2): the caller has just seen that `to` does not exist, so only a
 * file created in the instant between that check and the rename could be
 * replaced. */
static int
rename_noreplace(const char *from, const char *to)
{
	if (!syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to,
		     POOL_RENAME_NOREPLACE))
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
	return rename(from, to);
}

/* Makes the rename durable. A failure is a warning: the rename is done. */
static void
dir_sync(const char *path)
{
	char dbuf[PATH_MAX];
	const char *dir = file_dir(path, dbuf, sizeof(dbuf));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		log_warn("%s: fsync: %m", dir);
	if (fd >= 0)
		close(fd);
}

void
pool_sync(const struct pool_cfg *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->t[i].kind == POOL_FILE)
			dir_sync(c->t[i].arg);
}

/* Neither name exists: say whether the directory is the reason. */
static void
file_neither(const char *from, const char *to)
{
	char dbuf[PATH_MAX];
	const char *dir = file_dir(from, dbuf, sizeof(dbuf));
	struct stat st;

	if (stat(dir, &st) < 0)
		log_err("%s: directory %s: %m", from, dir);
	else
		log_err("%s, %s: neither exists; changed nothing", from, to);
}

/* The markers (mark.c) after a file target reached the wanted state: a
 * repool is done with it; drain's depool records what it renamed; a
 * depool by hand makes the depool the operator's, so a marker left by a
 * drain that was cut short must not put the file back. */
static void
file_marks(const struct pool_cfg *c, const char *path, const char *alt, int depool,
	   int renamed)
{
	if (dry_run)
		return;
	if (depool && c->marks) {
		if (renamed)
			mark_set(path, alt);
		return;
	}
	mark_drop(path, alt, depool);	/* a repool's file is back anyway */
}

/* repool --if-drained: 1 when alt holds the file a drain renamed, 0 when
 * it is to stay depooled, -1 when the marker cannot be trusted. */
static int
file_drained(const char *path, const char *alt)
{
	int m = mark_check(path, alt);

	if (m == MARK_OK)
		return 1;
	if (m == MARK_STALE && !dry_run)
		mark_drop(path, alt, 0);
	log_info("%s left depooled: %s", path, m == MARK_NONE ?
		 "no drain depooled it (no marker; an operator's depool stays)" :
		 "not the file a drain depooled");
	return m == MARK_BAD ? -1 : 0;
}

static int
file_set(const struct pool_cfg *c, const struct pool_target *t, int depool)
{
	char alt[PATH_MAX];
	const char *from, *to;
	int f, o;

	fmt_sn(alt, sizeof(alt), "%s%s", t->arg, c->suffix);
	from = depool ? t->arg : alt;
	to = depool ? alt : t->arg;
	if ((f = file_exists(from)) < 0 || (o = file_exists(to)) < 0)
		return -1;
	if (f && o) {
		log_err("%s, %s: both exist; changed nothing", t->arg, alt);
		return -1;
	}
	if (!f && !o) {
		file_neither(t->arg, alt);
		return -1;
	}
	if (!f) {
		log_info("%s already %s", t->arg, depool ? "depooled" : "pooled");
		file_marks(c, t->arg, alt, depool, 0);
		return 0;
	}
	if (!depool && c->if_drained && (f = file_drained(t->arg, alt)) <= 0)
		return f;
	if (dry_run) {
		log_info("would rename %s to %s", from, to);
		return 1;
	}
	if (rename_noreplace(from, to) < 0) {
		log_err("%s: rename to %s: %m", from, to);
		return -1;
	}
	if (!c->sync_later)
		dir_sync(t->arg);
	log_info("renamed %s to %s", from, to);
	file_marks(c, t->arg, alt, depool, 1);
	return 1;
}

/* ---- HAProxy ----------------------------------------------------------------- */

struct ha_find {
	const char *be, *srv;
	unsigned admin;		/* the server's admin state, ~0u until found */
};

static int
ha_found(void *arg, const struct hap_server *s)
{
	struct ha_find *f = arg;

	if (!hap_server_is(s, f->be, f->srv))
		return 0;
	f->admin = s->admin;
	return 1;
}

/* The server's admin state from `show servers state BACKEND` into *admin,
 * read as it comes (a backend of any size); 0, or -1 after an error naming
 * what failed. */
static int
haproxy_state(const struct pool_target *t, struct net_cfg *n, unsigned *admin)
{
	char buf[POOL_HA_ANSWER], show[POOL_SHOW + 1];
	const char *be = t->u.ha.be;
	struct ha_find f;
	struct deadline dl = deadline_in(n->request_ms);
	int r;

	f.srv = t->u.ha.srv;
	f.be = be;
	f.admin = ~0u;	/* found: a 16-bit mask */
	r = haproxy_state_walk(t->u.ha.spec, be, buf, sizeof(buf), &dl, ha_found, &f);
	*admin = f.admin;
	if (r == 0 && f.admin != ~0u)
		return 0;
	if (r == 0)
		log_err("haproxy %s: no such server in backend %s", t->u.ha.server, be);
	else if (r == NET_EHASTATE && *buf)
		log_err("haproxy %s: show servers state: %s", t->u.ha.server,
			show_text(show, sizeof(show), buf, strlen(buf)));
	else
		log_err("haproxy %s: %s: %s: %s", t->u.ha.server, t->u.ha.spec,
			r == -EINVAL ? "command" : r == NET_EHASTATE ? "show servers state" :
			net_action(r), net_strerror(r));
	return -1;
}

/* Reads the server's state first: MAINT (an operator's, or HAProxy's own)
 * is already out of the pool, so a depool leaves it, and so does a repool
 * unless --force (c->force); a server already in the wanted state is left
 * as it is. Then `set server BE/SRV state drain|ready`, whose success is an
 * empty answer (a newline); any text is the error. */
static int
haproxy_set(const struct pool_cfg *c, const struct pool_target *t,
	    struct net_cfg *n, int depool)
{
	const char *state = depool ? "drain" : "ready";
	char cmd[HAP_MAX_NAME + 40], ans[POOL_HA_ANSWER], show[POOL_SHOW + 1];
	struct deadline dl;
	unsigned admin;
	int r;

	if (haproxy_state(t, n, &admin) < 0)
		return -1;
	if ((admin & HAP_ADMIN_MAINT) && (depool || !c->force)) {
		log_info("haproxy %s: in MAINT (admin state %u), left as it is: %s",
			 t->u.ha.server, admin, depool ? "already out of the pool" :
			 "an operator's (--force sets it ready)");
		return 0;
	}
	if (!(admin & HAP_ADMIN_MAINT) && !(admin & HAP_ADMIN_DRAIN) == !depool) {
		log_info("haproxy %s: already %s", t->u.ha.server,
			 depool ? "draining" : "ready");
		return 0;
	}
	fmt_sn(cmd, sizeof(cmd), "set server %s state %s", t->u.ha.server, state);
	if (dry_run) {
		log_info("haproxy %s: would send '%s' to %s", t->u.ha.server, cmd,
			 t->u.ha.spec);
		return 1;
	}
	dl = deadline_in(n->request_ms);
	r = haproxy_cmd(t->u.ha.spec, cmd, ans, sizeof(ans), &dl);
	if (r < 0) {
		log_err("haproxy %s: %s: %s: %s", t->u.ha.server, t->u.ha.spec,
			r == -EINVAL ? "command" : net_action(r), net_strerror(r));
		return -1;
	}
	if (*show_text(show, sizeof(show), ans, (size_t)r)) {
		log_err("haproxy %s: state %s: %s", t->u.ha.server, state, show);
		return -1;
	}
	log_info("haproxy %s: state %s%s", t->u.ha.server, state,
		 admin & HAP_ADMIN_MAINT ? " (was in MAINT: --force)" : "");
	return 1;
}

/* ---- HTTP APIs --------------------------------------------------------------- */

const char *
http_why(const struct http_resp *r, char *buf, size_t size)
{
	const struct http_header *loc = http_header(r, "Location");
	char reason[POOL_SHOW + 1], more[POOL_SHOW + 1];

	show_text(reason, sizeof(reason), r->reason, r->reasonlen);
	if (r->status >= 300 && r->status < 400) {
		show_text(more, sizeof(more), loc ? loc->value : "",
			  loc ? loc->valuelen : 0);
		fmt_sn(buf, size, "HTTP %d %s: redirect to %s not followed",
			 r->status, reason, *more ? more : "(no Location)");
		return buf;
	}
	show_text(more, sizeof(more), r->body ? r->body : "", r->body ? r->bodylen : 0);
	fmt_sn(buf, size, "HTTP %d %s%s%s", r->status, reason, *more ? ": " : "", more);
	return buf;
}

static int
url_set(const struct pool_cfg *c, const struct pool_target *t, struct net_cfg *n)
{
	struct http_req rq;
	struct http_resp r;
	char label[600], why[600];
	int e;

	target_label(t, label, sizeof(label));
	if (dry_run) {
		log_info("would send %s%s%s", label, c->body ? " with a body" : "",
			 c->hdrlen ? " and headers" : "");
		return 1;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = t->u.http.method;
	rq.url = &t->u.http.url;
	rq.headers = c->hdrlen ? c->hdrs : 0;
	rq.body = c->body;
	rq.bodylen = c->body ? strlen(c->body) : 0;
	if ((e = net_http(n, &rq, &r, 0)) < 0) {
		log_err("%s: %s: %s", label, net_action(e), net_strerror(e));
		return -1;
	}
	if (r.status < 200 || r.status > 299) {
		log_err("%s: %s", label, http_why(&r, why, sizeof(why)));
		return -1;
	}
	log_info("%s: HTTP %d", label, r.status);
	return 1;
}

/* ---- the step ---------------------------------------------------------------- */

/* 1 changed (or, in a dry run, would change), 0 nothing to do (already
 * so), -1 failed. */
static int
target_set(const struct pool_cfg *c, const struct pool_target *t,
	   struct net_cfg *n, int depool)
{
	switch (t->kind) {
	case POOL_FILE:
		return file_set(c, t, depool);
	case POOL_HAPROXY:
		return haproxy_set(c, t, n, depool);
	}
	return url_set(c, t, n);
}

int
pool_set(struct pool_cfg *c, struct net_cfg *n, int depool, unsigned kinds)
{
	char failed[512], label[600];
	size_t fl = 0;
	int i, tried = 0, bad = 0, r;

	failed[0] = 0;
	for (i = 0; i < c->n; i++) {
		if (!target_applies(&c->t[i], depool, kinds))
			continue;
		tried++;
		r = target_set(c, &c->t[i], n, depool);
		c->t[i].changed = r > 0;
		if (r >= 0)
			continue;
		bad++;
		r = fmt_sn(failed + fl, sizeof(failed) - fl, "%s%s", fl ? ", " : "",
			     target_label(&c->t[i], label, sizeof(label)));
		/* r: the length fmt_sn wanted (never negative); a cut list ends full */
		fl = (size_t)r >= sizeof(failed) - fl ? sizeof(failed) - 1 :
		     fl + (size_t)r;
	}
	if (!bad)
		return EX_OK;
	if (tried > 1)
		log_err("%d of %d targets failed to %s: %s", bad, tried,
			depool ? "depool" : "repool", failed);
	return EX_FAIL;
}

/* ---- waiting until the service answers ---------------------------------------- */

/* What the last probe saw, into buf; 1 when it was a 2xx. */
static int
ready_probe(struct net_cfg *n, const struct url *u, const struct deadline *end,
	    char *buf, size_t size)
{
	struct http_req rq;
	struct http_resp r;
	int e;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = u;
	if ((e = net_http(n, &rq, &r, end)) < 0) {
		fmt_sn(buf, size, "%s: %s", net_action(e), net_strerror(e));
		return 0;
	}
	if (r.status >= 200 && r.status <= 299) {
		fmt_sn(buf, size, "HTTP %d", r.status);
		return 1;
	}
	http_why(&r, buf, size);
	return 0;
}

int
pool_wait_ready(struct net_cfg *n, const struct url *u, int64_t interval_ms,
		int64_t timeout_ms)
{
	struct deadline end = deadline_in(timeout_ms);
	char now[600], last[600], shown[512], dur[32];
	int64_t start, logged = 0;

	url_show(u, shown, sizeof(shown));
	last[0] = 0;
	for (;;) {
		start = mono_ms();
		if (ready_probe(n, u, &end, now, sizeof(now))) {
			log_info("%s: ready (%s)", shown, now);
			return EX_OK;
		}
		if (strcmp(now, last) || start - logged >= POOL_READY_LOG_MS) {
			log_info("%s: not ready yet: %s", shown, now);
			memcpy(last, now, sizeof(last));
			logged = start;
		}
		sleep_until(start + interval_ms < end.ms ? start + interval_ms : end.ms);
		if (stop_signal) {
			log_err("%s: stopped by signal %d while waiting", shown,
				(int)stop_signal);
			return EX_FAIL;
		}
		if (!deadline_left(&end)) {
			log_err("%s: not ready after %s: %s", shown,
				dur_fmt(dur, sizeof(dur), timeout_ms, DUR_EXACT),
				now);
			return EX_TIMEOUT;
		}
	}
}
