/* SPDX-License-Identifier: 0BSD */
/* haproxy.c - one command on HAProxy's runtime API (the stats socket, UNIX
 * or TCP): send the line, read the answer until HAProxy closes (it does so
 * after one command in non-interactive mode). A command holding a control
 * character or ';' (HAProxy's command separator) is refused with -EINVAL,
 * so a backend name from the command line cannot smuggle in a second
 * command. Also a reader of the answer to `show servers state`. Never
 * prints, never allocates. */
#include <errno.h>
#include <string.h>

#include "net/net.h"

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-_.:#", c));
}

const char *
hap_target_parse(struct hap_target *t, const char *arg)
{
	const char *comma = strrchr(arg, ','), *name, *slash = 0;
	size_t sl, n, i;

	if (!comma || comma == arg)
		return "want SOCKET,BACKEND/SERVER";
	name = comma + 1;
	sl = (size_t)(comma - arg);
	n = strlen(name);
	if (sl > HAP_MAX_SPEC || n > HAP_MAX_NAME)
		return "too long";
	for (i = 0; i < n; i++) {
		if (name[i] != '/' && !name_char(name[i]))
			return "bad character in BACKEND/SERVER";
		if (name[i] == '/' && slash)
			return "want SOCKET,BACKEND/SERVER";
		if (name[i] == '/')
			slash = name + i;
	}
	if (!slash || slash == name || !slash[1])
		return "want SOCKET,BACKEND/SERVER";
	memcpy(t->spec, arg, sl);
	t->spec[sl] = 0;
	memcpy(t->server, name, n + 1);
	memcpy(t->be, name, (size_t)(slash - name));
	t->be[slash - name] = 0;
	memcpy(t->srv, slash + 1, n - (size_t)(slash - name));
	return 0;
}

static int
haproxy_cmd_ok(const char *cmd)
{
	const unsigned char *p;

	for (p = (const unsigned char *)cmd; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ';')
			return 0;
	return p != (const unsigned char *)cmd;
}

/* Checks cmd, connects to spec and sends cmd and its newline: 0, or a
 * negative error with c closed. */
static int
haproxy_send(struct conn *c, const char *spec, const char *cmd,
	     const struct deadline *dl)
{
	int e;

	if (!haproxy_cmd_ok(cmd))
		return -EINVAL;
	if ((e = conn_open_spec(c, spec, dl)) < 0)
		return e;
	if ((e = conn_write_all(c, cmd, strlen(cmd), dl)) < 0 ||
	    (e = conn_write_all(c, "\n", 1, dl)) < 0) {
		conn_close(c);
		return e;
	}
	return 0;
}

static int
haproxy_talk(struct conn *c, char *buf, size_t size, const struct deadline *dl)
{
	size_t len = 0;
	ssize_t n;

	/* buf's last byte is for the NUL: an answer that fills it too is one
	 * byte longer than size - 1 (and buf is not used) */
	while ((n = conn_read(c, buf + len, size - len, dl)) > 0)
		if ((len += (size_t)n) == size)
			return NET_EHAPROXY;
	if (n < 0)
		return (int)n;
	buf[len] = 0;
	/* HAProxy answers every command with at least a newline (an empty
	 * line ends each answer): no byte at all is a relay to nothing, a
	 * crashed peer, or not HAProxy, never a success */
	return len ? (int)len : NET_EHAEMPTY;
}

int
haproxy_cmd(const char *spec, const char *cmd, char *buf, size_t size,
	    const struct deadline *dl)
{
	struct conn c = CONN_INIT;
	int e;

	if (size < 1 || size - 1 > 0x7fffffff)
		return -EINVAL;
	if ((e = haproxy_send(&c, spec, cmd, dl)) < 0)
		return e;
	e = haproxy_talk(&c, buf, size, dl);
	conn_close(&c);
	return e;
}

/* ---- show servers state ---------------------------------------------------- */

/* The next line of [p, end): its length without the '\n' in *len; returns
 * the start of the line after it, or NULL when no '\n' ends this one. */
static const char *
line_next(const char *p, const char *end, size_t *len)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl)
		return 0;
	*len = (size_t)(nl - p);
	return nl + 1;
}

/* Splits line[0..n) at runs of blanks into at most max fields; returns how
 * many (a line with more keeps the first max). */
static int
fields(const char *line, size_t n, const char **f, size_t *fl, int max)
{
	size_t i = 0, s;
	int k = 0;

	while (k < max) {
		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i == n)
			break;
		s = i;
		while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		f[k] = line + s;
		fl[k++] = i - s;
	}
	return k;
}

static int
field_is(const char *f, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(f, name, n);
}

/* Decimal digits only, at most 9 of them; -1 otherwise. */
static long
field_num(const char *f, size_t n)
{
	long v = 0;
	size_t i;

	if (!n || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (f[i] < '0' || f[i] > '9')
			return -1;
		v = v * 10 + (f[i] - '0');
	}
	return v;
}

/* The header names of the columns read, in the order of enum hap_col. */
static const char col_names[] =
	"be_id\0be_name\0srv_id\0srv_name\0srv_op_state\0srv_admin_state\0";

int
hap_state_begin(struct hap_state *it, const char *buf, size_t len)
{
	const char *f[HAP_STATE_COLS], *p, *end = buf + len, *name;
	size_t fl[HAP_STATE_COLS], n;
	int k, i, c;

	memset(it, 0, sizeof(*it));
	if (!(p = line_next(buf, end, &n)) || fields(buf, n, f, fl, 2) != 1 ||
	    !field_is(f[0], fl[0], "1"))
		return -1;
	buf = p;
	if (!(p = line_next(buf, end, &n)) || n < 2 || buf[0] != '#')
		return -1;
	k = fields(buf + 1, n - 1, f, fl, HAP_STATE_COLS);
	for (c = 0, name = col_names; c < HAP_COL_N; c++, name += strlen(name) + 1) {
		for (i = 0; i < k && !field_is(f[i], fl[i], name); i++)
			;
		if (i == k)
			return -1;
		it->col[c] = i;
		if (i >= it->ncols)
			it->ncols = i + 1;
	}
	it->p = p;
	it->end = end;
	return 0;
}

int
hap_state_next(struct hap_state *it, struct hap_server *s)
{
	const char *f[HAP_STATE_COLS], *line, *p;
	size_t fl[HAP_STATE_COLS], n;
	long op, admin;
	int k;

	for (;;) {
		if (!it->p || it->p == it->end)
			return 0;
		line = it->p;
		if (!(p = line_next(line, it->end, &n))) {
			it->p = 0;	/* a last line cut short */
			return -1;
		}
		if ((k = fields(line, n, f, fl, it->ncols)) == 0) {
			it->p = 0;	/* the blank line that ends the dump */
			return 0;
		}
		it->p = p;
		if (line[0] != '#')
			break;
	}
	it->p = 0;		/* a bad line ends the walk for good */
	if (k < it->ncols)
		return -1;
	op = field_num(f[it->col[HAP_COL_OP]], fl[it->col[HAP_COL_OP]]);
	admin = field_num(f[it->col[HAP_COL_ADMIN]], fl[it->col[HAP_COL_ADMIN]]);
	s->be_id = field_num(f[it->col[HAP_COL_BE_ID]], fl[it->col[HAP_COL_BE_ID]]);
	s->srv_id = field_num(f[it->col[HAP_COL_SRV_ID]], fl[it->col[HAP_COL_SRV_ID]]);
	if (op < 0 || op > 3 || admin < 0 || admin > 0xffff || s->be_id < 0 ||
	    s->srv_id < 0)
		return -1;
	it->p = p;
	s->op_state = (int)op;
	s->admin = (unsigned)admin;
	s->be = f[it->col[HAP_COL_BE]];
	s->belen = fl[it->col[HAP_COL_BE]];
	s->name = f[it->col[HAP_COL_SRV]];
	s->namelen = fl[it->col[HAP_COL_SRV]];
	return 1;
}

/* name matches the slice s[0..n), or "#ID" matches id (HAProxy's way of
 * naming a backend or a server by its number). */
static int
name_match(const char *name, const char *s, size_t n, long id)
{
	if (name[0] == '#' && name[1])
		return field_num(name + 1, strlen(name + 1)) == id;
	return strlen(name) == n && !memcmp(name, s, n);
}

int
hap_server_is(const struct hap_server *s, const char *be, const char *srv)
{
	return name_match(be, s->be, s->belen, s->be_id) &&
	       name_match(srv, s->name, s->namelen, s->srv_id);
}

int
hap_state_find(const char *buf, size_t len, const char *be, const char *srv,
	       struct hap_server *s)
{
	struct hap_state it;
	int r;

	if (hap_state_begin(&it, buf, len) < 0)
		return -1;
	while ((r = hap_state_next(&it, s)) > 0)
		if (hap_server_is(s, be, srv))
			return 1;
	return r;
}

/* ---- reading the dump as it comes ------------------------------------------ */

struct walk {
	struct hap_state it;
	int begun;		/* the header has been read */
	int done;		/* the blank line was read, or fn stopped the walk */
	int rc;			/* what fn returned when it stopped the walk */
	hap_state_fn fn;
	void *arg;
};

/* Feeds the whole lines at the start of buf[0..len) to the walk; eof: no
 * more will come. Returns the bytes used (a line cut by the end of what
 * was read so far waits for the next read), or NET_EHASTATE: not a dump,
 * or a bad line. */
static long
walk_feed(struct walk *w, const char *buf, size_t len, int eof)
{
	const char *last = memrchr(buf, '\n', len), *nl;
	struct hap_server s;
	int r;

	if (!w->begun) {
		/* the version line and the header, whole */
		nl = memchr(buf, '\n', len);
		if (!nl || !memchr(nl + 1, '\n', len - (size_t)(nl + 1 - buf)))
			return eof ? NET_EHASTATE : 0;
		if (hap_state_begin(&w->it, buf, len) < 0)
			return NET_EHASTATE;
		w->begun = 1;
	} else if (!last) {
		return 0;
	} else {
		w->it.p = buf;
	}
	w->it.end = last + 1;
	while ((r = hap_state_next(&w->it, &s)) > 0) {
		if ((w->rc = w->fn(w->arg, &s)) != 0) {
			w->done = 1;
			return (long)len;
		}
	}
	if (r < 0)
		return NET_EHASTATE;
	if (!w->it.p)
		w->done = 1;	/* the blank line that ends the dump */
	return w->it.p ? (long)(w->it.p - buf) : (long)len;
}

/* Reads the answer into buf, feeding whole lines to the walk as they
 * come, until the dump ends (or fn stops it). On NET_EHASTATE buf holds
 * the start of an answer that is not a dump (HAProxy's error text),
 * NUL-terminated, or is empty when a line of a dump was bad. */
static int
walk_read(struct conn *c, struct walk *w, char *buf, size_t size,
	  const struct deadline *dl)
{
	size_t len = 0, total = 0;
	ssize_t n;
	long used;

	for (;;) {
		if (len == size - 1)
			return NET_EHAPROXY;	/* one line longer than buf */
		n = conn_read(c, buf + len, size - 1 - len, dl);
		if (n < 0)
			return (int)n;
		len += (size_t)n;
		total += (size_t)n;
		buf[len] = 0;
		if (!total)
			return NET_EHAEMPTY;
		used = walk_feed(w, buf, len, !n);
		if (used < 0) {
			if (w->begun)
				buf[0] = 0;
			return (int)used;
		}
		if (w->done)
			return w->rc < 0 ? w->rc : 0;
		memmove(buf, buf + used, len - (size_t)used);
		len -= (size_t)used;
		buf[len] = 0;
		if (!n) {
			buf[0] = 0;
			return NET_EHASTATE;	/* cut short: no blank line */
		}
	}
}

int
haproxy_state_walk(const char *spec, const char *backend, char *buf, size_t size,
		   const struct deadline *dl, hap_state_fn fn, void *arg)
{
	struct conn c = CONN_INIT;
	struct walk w;
	char cmd[320];
	size_t bl = strlen(backend);
	int e;

	if (size < 2 || bl > sizeof(cmd) - 32)
		return -EINVAL;
	memcpy(cmd, "show servers state ", 19);
	memcpy(cmd + 19, backend, bl + 1);
	memset(&w, 0, sizeof(w));
	w.fn = fn;
	w.arg = arg;
	buf[0] = 0;
	if ((e = haproxy_send(&c, spec, cmd, dl)) < 0)
		return e;
	e = walk_read(&c, &w, buf, size, dl);
	conn_close(&c);
	return e;
}
