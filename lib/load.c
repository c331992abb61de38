/* SPDX-License-Identifier: 0BSD */
/* load.c - the load sources (an HTTP body or metric, ESTABLISHED TCP
 * connections to a local port, HAProxy's scur of one server), their shared
 * option group, and load_wait(): poll one source against one absolute
 * deadline until enough consecutive reads are idle. A failed read is
 * logged and retried; progress is logged when the load changes and at
 * least every 5 s. The polling path allocates nothing: the HTTP and HAProxy
 * answers go into the net_cfg buffer allocated once by net_start(). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"

enum {
	OPT_METRIC = OPTID_LOAD,
	OPT_TCP,
	OPT_HAPROXY,
	OPT_STABLE,
	OPT_GONE
};

#define LOG_EVERY_MS 5000	/* progress at least this often */
#define LOG_GAP_MS 1000		/* and a change at most once a second */

const struct opt load_opts[] = {
	{ "load-url", 'u', ARG_STR, "URL",
	  "load source: the first integer of URL's body (http, https, unix:)" },
	{ "metric", OPT_METRIC, ARG_STR, "NAME",
	  "with -u: the value of NAME (Prometheus, 'Name: N', JSON) (default: first integer)" },
	{ "tcp", OPT_TCP, ARG_STR, "[ADDR:]PORT",
	  "load source: ESTABLISHED TCP connections to this local port" },
	{ "load-haproxy", OPT_HAPROXY, ARG_STR, "SOCKET,BACKEND/SERVER",
	  "load source: HAProxy's current sessions (scur) of SERVER" },
	{ "max", 'm', ARG_NUM, "N", "wait until the load is at most N (default 0)" },
	{ "stable", OPT_STABLE, ARG_NUM, "N",
	  "need N consecutive idle reads (default 1)" },
	{ "interval", 'i', ARG_DUR, "DUR", "read the load every DUR (default 1s)" },
	{ "timeout", 't', ARG_DUR, "DUR", "stop waiting after DUR (default 30s)" },
	{ "gone-is-idle", OPT_GONE, ARG_NONE, 0,
	  "a refused connection or missing socket counts as idle (default: a failed read)" },
	{ 0, 0, 0, 0, 0 }
};

/* ---- options ------------------------------------------------------------- */

/* Keeps the first bad value's "OPTION: VALUE: WHY" for load_check(). */
static int
load_bad(struct load_cfg *cfg, const char *opt, const char *arg, const char *why)
{
	if (!cfg->err) {
		fmt_sn(cfg->errbuf, sizeof(cfg->errbuf), "%s: %s: %s", opt, arg, why);
		cfg->err = cfg->errbuf;
	}
	return 1;
}

static int
load_opt_url(struct load_cfg *cfg, const char *arg)
{
	int e;

	cfg->source = LOAD_URL;
	cfg->nsources++;
	cfg->url_text = url_mask(arg, cfg->url_shown, sizeof(cfg->url_shown));
	if ((e = url_parse(arg, &cfg->url)) < 0)
		return load_bad(cfg, "-u", cfg->url_text, net_strerror(e));
	return 1;
}

/* [ADDR:]PORT, [v6]:PORT; ADDR an IP literal. */
static int
load_opt_tcp(struct load_cfg *cfg, const char *arg)
{
	const char *colon = strrchr(arg, ':'), *p = colon ? colon + 1 : arg;
	unsigned char ip[16];
	long long port;
	size_t n;

	cfg->source = LOAD_TCP;
	cfg->nsources++;
	cfg->tcp_spec = arg;
	if (num_parse(p, 1, 65535, &port))
		return load_bad(cfg, "--tcp", arg, "bad port (want [ADDR:]PORT)");
	cfg->tcp_port = (unsigned)port;
	cfg->tcp_addr[0] = 0;
	if (!colon)
		return 1;
	n = (size_t)(colon - arg);
	if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']')
		arg++, n -= 2;
	if (n == 0 || n >= sizeof(cfg->tcp_addr))
		return load_bad(cfg, "--tcp", cfg->tcp_spec, "bad address");
	memcpy(cfg->tcp_addr, arg, n);
	cfg->tcp_addr[n] = 0;
	if (inet_pton(AF_INET, cfg->tcp_addr, ip) != 1 &&
	    inet_pton(AF_INET6, cfg->tcp_addr, ip) != 1)
		return load_bad(cfg, "--tcp", cfg->tcp_spec,
				"not an IP address");
	return 1;
}

static int
load_opt_haproxy(struct load_cfg *cfg, const char *arg)
{
	const char *why = hap_target_parse(&cfg->hap, arg);

	cfg->source = LOAD_HAPROXY;
	cfg->nsources++;
	return why ? load_bad(cfg, "--load-haproxy", arg, why) : 1;
}

int
load_opt(struct load_cfg *cfg, const struct optstate *o, int id)
{
	switch (id) {
	case 'u': return load_opt_url(cfg, o->arg);
	case OPT_TCP: return load_opt_tcp(cfg, o->arg);
	case OPT_HAPROXY: return load_opt_haproxy(cfg, o->arg);
	case OPT_METRIC:
		cfg->metric = o->arg;	/* not empty: opt_take() refuses that */
		return 1;
	case 'm': cfg->max = o->num; return 1;
	case OPT_STABLE:
		cfg->stable = o->num;
		if (o->num < 1 || o->num > 1000000)
			return load_bad(cfg, "--stable", o->arg, "want 1 or more");
		return 1;
	case 'i':
		cfg->interval_ms = o->ms;
		if (o->ms <= 0)
			return load_bad(cfg, "--interval", o->arg, "want more than 0");
		return 1;
	case 't':
		cfg->timeout_ms = o->ms;
		if (o->ms <= 0)
			return load_bad(cfg, "--timeout", o->arg, "want more than 0");
		return 1;
	case OPT_GONE: cfg->gone_is_idle = 1; return 1;
	}
	return 0;
}

const char *
load_check(const struct load_cfg *cfg)
{
	if (cfg->err)
		return cfg->err;
	if (cfg->nsources == 0)
		return "no load source (give -u URL, --tcp PORT or --load-haproxy)";
	if (cfg->nsources > 1)
		return "give exactly one load source (-u, --tcp or --load-haproxy)";
	if (cfg->metric && cfg->source != LOAD_URL)
		return "--metric goes with -u/--load-url";
	return 0;
}

/* ---- reading one value ------------------------------------------------- */

enum { READ_OK, READ_GONE, READ_FAIL, READ_INTR };

static int
load_gone(const struct load_cfg *cfg, int e)
{
	return cfg->gone_is_idle && (e == -ECONNREFUSED || e == -ENOENT);
}

static int
read_net_fail(const struct load_cfg *cfg, int e, const char *obj, char *why,
	      size_t whysize)
{
	fmt_sn(why, whysize, "%s: %s: %s", obj, net_action(e), net_strerror(e));
	if (e == NET_EINTR)
		return READ_INTR;
	return load_gone(cfg, e) ? READ_GONE : READ_FAIL;
}

static int
read_url(const struct load_cfg *cfg, struct net_cfg *net,
	 const struct deadline *until, long long *load, char *why, size_t whysize)
{
	struct http_req rq = { "GET", &cfg->url, 0, 0, 0 };
	struct http_resp r;
	int e;

	if ((e = net_http(net, &rq, &r, until)) < 0)
		return read_net_fail(cfg, e, cfg->url_text, why, whysize);
	if (r.status < 200 || r.status > 299) {
		char what[400];

		fmt_sn(why, whysize, "%s: %s", cfg->url_text, http_why(&r, what, sizeof(what)));
		return READ_FAIL;
	}
	if (cfg->metric)
		e = metric_named(r.body, r.bodylen, cfg->metric, load);
	else
		e = metric_first_int(r.body, r.bodylen, load);
	if (e < 0) {
		if (cfg->metric)
			fmt_sn(why, whysize, "%s: metric %s: %s", cfg->url_text,
				 cfg->metric, metric_strerror(e));
		else
			fmt_sn(why, whysize, "%s: body: %s", cfg->url_text,
				 metric_strerror(e));
		return READ_FAIL;
	}
	return READ_OK;
}

static int
read_tcp(const struct load_cfg *cfg, long long *load, char *why, size_t whysize)
{
	int e = tcp_count(cfg->tcp_addr[0] ? cfg->tcp_addr : 0, cfg->tcp_port,
			  cfg->proc_net_dir, load);

	if (e == 0)
		return READ_OK;
	fmt_sn(why, whysize, "%s/tcp: read: %s",
		 cfg->proc_net_dir ? cfg->proc_net_dir : "/proc/net",
		 metric_strerror(e));
	return READ_FAIL;
}

static int
read_haproxy(const struct load_cfg *cfg, struct net_cfg *net,
	     const struct deadline *until, long long *load, char *why,
	     size_t whysize)
{
	struct deadline dl = deadline_min(deadline_in(net->request_ms), *until);
	char cmd[HAP_MAX_NAME + 32], line[168];
	int n, e;

	fmt_sn(cmd, sizeof(cmd), "show stat %s 4 -1", cfg->hap.be);
	n = haproxy_cmd(cfg->hap.spec, cmd, net->buf, net->bufsize, &dl);
	if (n < 0)
		return read_net_fail(cfg, n, cfg->hap.spec, why, whysize);
	e = haproxy_stat_scur(net->buf, (size_t)n, cfg->hap.be,
			      cfg->hap.srv, load);
	if (e == 0)
		return READ_OK;
	if (n > 0 && net->buf[0] != '#') {
		show_text(line, sizeof(line), net->buf, (size_t)n);
		fmt_sn(why, whysize, "%s: show stat: %s", cfg->hap.spec, line);
	} else {
		fmt_sn(why, whysize, "%s: %s/%s: %s", cfg->hap.spec,
			 cfg->hap.be, cfg->hap.srv, metric_strerror(e));
	}
	return READ_FAIL;
}

static int
load_read(const struct load_cfg *cfg, struct net_cfg *net,
	  const struct deadline *until, long long *load, char *why, size_t whysize)
{
	int rc;

	why[0] = 0;
	*load = -1;
	switch (cfg->source) {
	case LOAD_URL:
		rc = read_url(cfg, net, until, load, why, whysize);
		break;
	case LOAD_TCP:
		rc = read_tcp(cfg, load, why, whysize);
		break;
	default:
		rc = read_haproxy(cfg, net, until, load, why, whysize);
		break;
	}
	if (rc == READ_GONE)
		*load = 0;
	else if (rc != READ_OK)
		*load = -1;
	return rc;
}

/* ---- the wait ------------------------------------------------------------ */

struct waitstate {
	int64_t start, end;
	long long logged_load;	/* last load logged; LLONG_MIN: none yet */
	int64_t logged_at;	/* when it was logged */
	char failed[1024];	/* last failure logged */
	int64_t failed_at;
	long long idle_run;
	int last_ok;		/* the last read succeeded */
	long long last_load;
};

/* Seconds for messages: "30s", "1.5s", "0.25s". */
#define secs(buf, size, ms) dur_fmt(buf, size, ms, DUR_EXACT)

static int
load_interrupted(void)
{
	char name[16];

	log_warn("interrupted by %s", kill_sig_name(stop_signal, name, sizeof(name)));
	return EX_FAIL;
}

static void
log_progress(const struct load_cfg *cfg, struct waitstate *w, long long load,
	     int64_t now)
{
	int64_t gap = cfg->interval_ms < LOG_GAP_MS ? LOG_GAP_MS : 0;
	char a[32], b[32], idle[64] = "";

	if (w->logged_load != LLONG_MIN && now - w->logged_at < LOG_EVERY_MS &&
	    (load == w->logged_load || now - w->logged_at < gap))
		return;
	if (w->idle_run > 0 && cfg->stable > 1)
		fmt_sn(idle, sizeof(idle), ", idle read %lld of %lld",
			 w->idle_run, cfg->stable);
	else if (load <= cfg->max && now < cfg->idle_not_before)
		fmt_sn(idle, sizeof(idle), ", in grace for %s",
			 secs(b, sizeof(b), cfg->idle_not_before - now));
	log_info("load %lld (waited %s of %s%s)", load,
		 dur_fmt(a, sizeof(a), now - w->start, 1),
		 secs(b, sizeof(b), cfg->timeout_ms), idle);
	w->logged_load = load;
	w->logged_at = now;
}

static void
log_failure(struct waitstate *w, const char *why, int gone, int64_t now)
{
	if (strcmp(why, w->failed) == 0 && now - w->failed_at < LOG_EVERY_MS)
		return;
	if (gone)
		log_info("%s: counted as idle (--gone-is-idle)", why);
	else
		log_warn("%s", why);
	fmt_sn(w->failed, sizeof(w->failed), "%s", why);
	w->failed_at = now;
}

static int
load_timed_out(const struct load_cfg *cfg, const struct waitstate *w)
{
	char a[32];

	secs(a, sizeof(a), cfg->timeout_ms);
	if (w->last_ok)
		log_warn("timed out after %s, load still %lld", a, w->last_load);
	else
		log_warn("timed out after %s, load unknown (the last read failed)", a);
	return EX_TIMEOUT;
}

/* Accounts one read; returns 1 when the wait is over. */
static int
load_account(const struct load_cfg *cfg, struct waitstate *w, int rc,
	     long long load, const char *why, int64_t now)
{
	char a[32];

	if (cfg->tick)
		cfg->tick(cfg->tick_arg, rc == READ_FAIL ? -1 : load, now - w->start);
	if (rc == READ_FAIL) {
		w->idle_run = 0;
		w->last_ok = 0;
		log_failure(w, why, 0, now);
		return 0;
	}
	if (rc == READ_GONE)
		log_failure(w, why, 1, now);
	w->last_ok = 1;
	w->last_load = load;
	if (load <= cfg->max && now >= cfg->idle_not_before)
		w->idle_run++;
	else
		w->idle_run = 0;
	if (w->idle_run >= cfg->stable) {
		log_info("load %lld after %s", load, dur_fmt(a, sizeof(a), now - w->start, 1));
		return 1;
	}
	log_progress(cfg, w, load, now);
	return 0;
}

int
load_wait(struct load_cfg *cfg, struct net_cfg *net)
{
	struct waitstate w;
	struct deadline until;
	char why[1024];
	long long load;
	int64_t now;
	int rc;

	if (!net->buf)
		net_start(net, cfg->source == LOAD_URL && cfg->url.tls);
	memset(&w, 0, sizeof(w));
	w.start = mono_ms();
	w.end = w.start + cfg->timeout_ms;
	w.logged_load = LLONG_MIN;
	until.ms = w.end;
	for (;;) {
		if (stop_signal)
			return load_interrupted();
		rc = load_read(cfg, net, &until, &load, why, sizeof(why));
		if (rc == READ_INTR || stop_signal)
			return load_interrupted();
		now = mono_ms();
		if (load_account(cfg, &w, rc, load, why, now))
			return EX_OK;
		if (now >= w.end)
			return load_timed_out(cfg, &w);
		if (sleep_until(now + cfg->interval_ms < w.end ?
			       now + cfg->interval_ms : w.end) < 0)
			return load_interrupted();
		if (mono_ms() >= w.end)
			return load_timed_out(cfg, &w);
	}
}
