/* SPDX-License-Identifier: 0BSD */
/* fleet.c - at most N nodes of a fleet out of the pool at once, through
 * etcd v3's JSON gateway (POST /v3/..., keys base64, int64 as strings).
 * A node's slot is the key PREFIX/ID, bound to a lease of --fleet-ttl and
 * created only when absent (a txn comparing its create_revision with 0);
 * it holds a slot while the key is among the --fleet-max oldest under
 * PREFIX/ (a range sorted by create revision). The lease is kept alive
 * from the caller's poll loops (fleet_keep), so no thread is needed; when
 * drain has ended, the key outlives it until repool deletes it or the TTL
 * runs out: the node is out of the pool until its service is back. */
#include <poll.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/lib.h"

#if CFG_FLEET	/* the whole file: see config.mk */

enum { OPT_LOCK = OPTID_FLEET, OPT_ID };

const struct opt fleet_opts[] = {
	{ "fleet-lock", OPT_LOCK, ARG_STR, "URL",
	  "etcd URL/PREFIX of the fleet's slots (default: none)" },
	{ "fleet-id", OPT_ID, ARG_STR, "ID", "key PREFIX/ID (default: the host name)" },
	{ 0, 0, 0, 0, 0 }
};

#define FLEET_POLL_MS 500	/* a waiting drain looks at the queue this often */
#define FLEET_BODY 1200		/* a request body: two base64 keys and change */

int
fleet_opt(struct fleet *f, const struct optstate *o, int id)
{
	if (id == OPT_LOCK)
		f->lock = o->arg;
	else if (id == OPT_ID)
		f->id = o->arg;
	else
		return 0;
	return 1;
}

void
fleet_start(struct fleet *f)
{
	static struct utsname un;
	size_t pl;
	int e;

	if (!f->lock) {
		if (f->id)
			usage_fail("--fleet-id goes with --fleet-lock");
		return;
	}
	if ((e = url_parse(f->lock, &f->u)) < 0)
		usage_fail("--fleet-lock: %s: %s", f->lock, net_strerror(e));
	pl = f->u.pathlen;
	while (pl && f->u.path[pl - 1] == '/')
		pl--;
	if (!pl || memchr(f->u.path, '?', pl))
		usage_fail("--fleet-lock: %s: want a key prefix as the path, no query", f->lock);
	if (!f->id) {
		uname(&un);
		f->id = un.nodename;
	}
	if (!*f->id || strchr(f->id, '/'))
		usage_fail("--fleet-id: '%s': want a name without '/'", f->id);
	if (fmt_sn(f->key, sizeof(f->key), "%.*s/%s", (int)pl, f->u.path, f->id) < 0)
		usage_fail("--fleet-lock: prefix and id over %d bytes", (int)sizeof(f->key) - 1);
	f->plen = pl;
}

/* One POST to the gateway. Returns the JSON body of a 200 answer (in
 * nc->buf), or NULL after logging why not. */
static const char *
etcd(struct fleet *f, struct net_cfg *nc, const char *path, const char *body, size_t *len)
{
	struct url u = f->u;
	struct http_req rq = { "POST", &u, 0, body, strlen(body) };
	struct http_resp r;
	struct json_val v;
	int e;

	u.path = path;
	u.pathlen = strlen(path);
	if ((e = net_http(nc, &rq, &r, 0)) < 0) {
		log_err("fleet lock %s: %s: %s", f->lock, net_action(e), net_strerror(e));
		return 0;
	}
	if (json_get(r.body, r.bodylen, "", &v) < 0) {
		log_err("fleet lock %s: %s: HTTP %d, an answer that is not JSON", f->lock,
			path, r.status);
		return 0;
	}
	if (r.status != 200) {
		/* a JSON string holds no control byte: shown as it is */
		json_get(r.body, r.bodylen, "message", &v);
		log_err("fleet lock %s: %s: HTTP %d %.*s", f->lock, path, r.status,
			v.n > 160 ? 160 : (int)v.n, v.p ? v.p : "");
		return 0;
	}
	*len = r.bodylen;
	return r.body;
}

/* The integer at path in an answer; -1 (logged) when missing or bad. */
static long long
etcd_int(struct fleet *f, const char *s, size_t n, const char *path)
{
	struct json_val v;
	long long x;

	if (json_get(s, n, path, &v) == 1 && json_int(&v, &x) == 0 && x >= 0)
		return x;
	log_err("fleet lock %s: the answer has no %s", f->lock, path);
	return -1;
}

/* The key as base64, for request bodies. */
static void
key64(const char *k, size_t n, char *out, size_t size)
{
	b64_encode(k, n, out, size);	/* sizes fixed: FLEET_MAX_KEY fits */
}

/* Creates PREFIX/ID with a new lease unless it is there; takes over the
 * lease of the one there (a re-run with the same ID). 0 or -1. */
static int
fleet_join(struct fleet *f, struct net_cfg *nc)
{
	char body[FLEET_BODY], k[FLEET_MAX_KEY * 4 / 3 + 4];
	const char *s;
	struct json_val v;
	long long lease;
	size_t n;

	fmt_sn(body, sizeof(body), "{\"TTL\":%lld}", (long long)(f->ttl_ms + 999) / 1000);
	if (!(s = etcd(f, nc, "/v3/lease/grant", body, &n)) ||
	    (lease = etcd_int(f, s, n, "ID")) < 0)
		return -1;
	key64(f->key, strlen(f->key), k, sizeof(k));
	fmt_sn(body, sizeof(body),
	       "{\"compare\":[{\"key\":\"%s\",\"target\":\"CREATE\",\"create_revision\":\"0\"}],"
	       "\"success\":[{\"request_put\":{\"key\":\"%s\",\"lease\":\"%lld\"}}],"
	       "\"failure\":[{\"request_range\":{\"key\":\"%s\"}}]}", k, k, lease, k);
	if (!(s = etcd(f, nc, "/v3/kv/txn", body, &n)))
		return -1;
	if (json_get(s, n, "succeeded", &v) == 1 && v.n == 4) {
		log_info("fleet: key %s made, lease TTL %llds", f->key,
			 (long long)(f->ttl_ms + 999) / 1000);
	} else {
		/* ours from an earlier run: its lease, and the new one expires unused */
		lease = etcd_int(f, s, n, "responses.0.response_range.kvs.0.lease");
		if (lease < 0)
			return -1;
		log_info("fleet: key %s already there: holding it again", f->key);
	}
	f->lease = lease;
	f->keep_at = mono_ms() + f->ttl_ms / 3;
	return 0;
}

void
fleet_keep(struct fleet *f, struct net_cfg *nc, int now)
{
	char body[64];
	const char *s;
	struct json_val v;
	long long ttl = -1;
	size_t n;

	if (!f->lease || (!now && mono_ms() < f->keep_at))
		return;
	f->keep_at = mono_ms() + 1000;	/* a failure: try again soon */
	fmt_sn(body, sizeof(body), "{\"ID\":\"%lld\"}", f->lease);
	if (!(s = etcd(f, nc, "/v3/lease/keepalive", body, &n)))
		return;
	if (json_get(s, n, "result.TTL", &v) != 1 || json_int(&v, &ttl) < 0 || ttl <= 0) {
		log_warn("fleet: the lease of %s ran out: the slot is lost", f->key);
		f->lease = 0;
		return;
	}
	f->keep_at = mono_ms() + f->ttl_ms / 3;
}

/* Appends the name of a slot's holder (the key past PREFIX/) to buf. */
static void
add_holder(char *buf, size_t size, const char *k, size_t n, size_t plen)
{
	size_t o = strlen(buf), i;

	if (o && o + 2 < size) {
		buf[o++] = ',';
		buf[o++] = ' ';
	}
	for (i = plen + 1; i < n && o + 1 < size; i++)
		buf[o++] = k[i] < 0x21 || k[i] > 0x7e ? '?' : k[i];
	buf[o] = 0;
}

/* Looks at the --fleet-max oldest keys: 1 ours is one of them, 0 not yet
 * (who holds them in `who`), -1 failed. */
static int
fleet_look(struct fleet *f, struct net_cfg *nc, char *who, size_t size)
{
	char body[FLEET_BODY], lo[FLEET_MAX_KEY * 4 / 3 + 4], hi[sizeof(lo)];
	char path[24], k[FLEET_MAX_KEY];
	struct json_val v;
	const char *s;
	size_t n;
	int i, kn;

	memcpy(k, f->key, f->plen);
	k[f->plen] = '/';
	key64(k, f->plen + 1, lo, sizeof(lo));
	k[f->plen] = '/' + 1;	/* the range end: every key under PREFIX/ */
	key64(k, f->plen + 1, hi, sizeof(hi));
	fmt_sn(body, sizeof(body),
	       "{\"key\":\"%s\",\"range_end\":\"%s\",\"sort_order\":\"ASCEND\","
	       "\"sort_target\":\"CREATE\",\"limit\":\"%lld\",\"keys_only\":true}",
	       lo, hi, f->max);
	if (!(s = etcd(f, nc, "/v3/kv/range", body, &n)))
		return -1;
	who[0] = 0;
	for (i = 0; i < f->max; i++) {
		fmt_sn(path, sizeof(path), "kvs.%d.key", i);
		if (json_get(s, n, path, &v) == 0)
			break;
		if (v.n < 2 || (kn = b64_decode(v.p + 1, v.n - 2, k, sizeof(k))) < 0) {
			log_err("fleet lock %s: /v3/kv/range: a key that is not base64", f->lock);
			return -1;
		}
		if ((size_t)kn == strlen(f->key) && !memcmp(k, f->key, (size_t)kn))
			return 1;
		add_holder(who, size, k, (size_t)kn, f->plen);
	}
	return 0;
}

int
fleet_take(struct fleet *f, struct net_cfg *nc)
{
	char who[200], last[200] = "", a[32];
	int64_t t0 = mono_ms(), end = t0 + f->wait_ms, t;
	int r;

	if (fleet_join(f, nc) < 0)
		return EX_FAIL;
	for (;;) {
		fleet_keep(f, nc, 0);
		if ((r = fleet_look(f, nc, who, sizeof(who))) < 0)
			return EX_FAIL;
		if (r) {
			log_info("fleet: holding one of the %lld slots (waited %s)", f->max,
				 dur_fmt(a, sizeof(a), mono_ms() - t0, 2));
			return EX_OK;
		}
		if (strcmp(who, last)) {
			log_info("fleet: waiting for a slot: the %lld oldest keys are %s",
				 f->max, who);
			notify_status("waiting for a fleet slot: held by %s", who);
			strcpy(last, who);
		}
		t = end - mono_ms();
		if (t <= 0) {
			log_warn("fleet: no slot after %s: held by %s", dur_fmt(a, sizeof(a),
				 f->wait_ms, 0), who);
			return EX_TIMEOUT;
		}
		notify_extend(t + 5000);
		poll(0, 0, t < FLEET_POLL_MS ? (int)t : FLEET_POLL_MS);
		if (stop_signal)
			return EX_FAIL;
	}
}

int
fleet_release(struct fleet *f, struct net_cfg *nc)
{
	char body[FLEET_BODY], k[FLEET_MAX_KEY * 4 / 3 + 4];
	const char *s;
	long long del;
	size_t n;

	key64(f->key, strlen(f->key), k, sizeof(k));
	fmt_sn(body, sizeof(body), "{\"key\":\"%s\"}", k);
	if (!(s = etcd(f, nc, "/v3/kv/deleterange", body, &n)))
		return EX_FAIL;
	del = etcd_int(f, s, n, "deleted");
	f->lease = 0;
	log_info("fleet: %s %s", del > 0 ? "slot freed: deleted" : "no slot to free: no key",
		 f->key);
	return EX_OK;
}

/* ---- HAProxy's own view: --min-up, --confirm-haproxy ------------------------ */

struct hap_view {
	const char *be, *srv;
	int up, out, found;
};

static int
view_fn(void *arg, const struct hap_server *s)
{
	struct hap_view *v = arg;
	int out = s->op_state == HAP_OP_STOPPED ||
		  (s->admin & (HAP_ADMIN_MAINT | HAP_ADMIN_DRAIN));

	if (hap_server_is(s, v->be, v->srv)) {
		v->found = 1;
		v->out = out;
	} else if (!out && s->op_state == HAP_OP_RUNNING) {
		v->up++;
	}
	return 0;
}

int
fleet_hap_view(const struct hap_target *t, struct net_cfg *nc, int *up, int *out)
{
	char buf[512];
	struct hap_view v = { t->be, t->srv, 0, 0, 0 };
	struct deadline dl = deadline_in(nc->request_ms);
	int r;

	r = haproxy_state_walk(t->spec, t->be, buf, sizeof(buf), &dl, view_fn, &v);
	if (r < 0 || !v.found) {
		log_warn("haproxy %s: show servers state: %s", t->server,
			 r < 0 ? net_strerror(r) : "no such server");
		return -1;
	}
	*up = v.up;
	*out = v.out;
	return 0;
}
#endif
