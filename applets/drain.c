/* SPDX-License-Identifier: 0BSD */
/* drain.c - the whole graceful stop in one process, for ExecStop= and
 * preStop: depool every pool target, give the balancer --grace to notice,
 * wait until the load source reads idle, stop the service with the kill
 * schedule, and repool the health files (API targets stay depooled: the
 * service is down, and `repool --when-ready` puts them back when it is up).
 * It composes the lib/ steps the single applets use (pool_set, load_wait,
 * kill_run), never their mains. Under systemd it reports each step with
 * STATUS= and keeps TimeoutStopSec away with EXTEND_TIMEOUT_USEC=.
 * In a stop that happens whatever drain does (ExecStop=, --in-stop), a
 * failed depool does not make it refuse: see stop_context().
 * Exit: 0 the stop went to plan, 1 a step failed (or a signal cut a wait
 * short), 2 usage, 3 the load wait timed out and --strict was given. */
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/lib.h"

static int drain_main(int argc, char **argv);
static void guards_check(void);

enum {
	OPT_GRACE = OPTID_APPLET,
	OPT_NO_KILL,
	OPT_NO_REPOOL,
	OPT_FORCE,
	OPT_STRICT,
	OPT_IN_STOP,
	OPT_FLEET_MAX,
	OPT_FLEET_TTL,
	OPT_FLEET_WAIT,
	OPT_MIN_UP,
	OPT_CONFIRM
};

#define DRAIN_SLACK_MS 5000	/* EXTEND_TIMEOUT_USEC past the next message due */
#define DRAIN_NAP_MS 1000	/* the grace sleeps in naps this long */

static const struct opt drain_opts[] = {
	{ "grace", OPT_GRACE, ARG_DUR, "DUR",
	  "after the depool, no idle read counts before DUR; --timeout counts from its end (default 0)" },
	{ "no-kill", OPT_NO_KILL, ARG_NONE, 0,
	  "do not stop the service; health files then stay depooled (default: stop it)" },
	{ "no-repool", OPT_NO_REPOOL, ARG_NONE, 0,
	  "leave health files depooled after the kill (default: rename them back)" },
	{ "force", OPT_FORCE, ARG_NONE, 0,
	  "stop the service even when a depool failed (default: do not, exit 1)" },
	{ "in-stop", OPT_IN_STOP, ARG_NONE, 0,
	  "run as part of a stop that happens anyway (a Kubernetes preStop hook): "
	  "a failed depool does not stop the drain (default: only under ExecStop=)" },
	{ "strict", OPT_STRICT, ARG_NONE, 0,
	  "a load wait that timed out makes the exit 3 (default: a warning, exit 0)" },
#if CFG_FLEET
	{ "fleet-max", OPT_FLEET_MAX, ARG_NUM, "N", "N slots in all (default 1)" },
	{ "fleet-ttl", OPT_FLEET_TTL, ARG_DUR, "DUR",
	  "a slot not freed ends DUR after drain (default 120s)" },
	{ "fleet-wait", OPT_FLEET_WAIT, ARG_DUR, "DUR",
	  "then stop anyway, exit 1 (--strict: exit 3, no stop) (default 60s)" },
	{ "min-up", OPT_MIN_UP, ARG_NUM, "N",
	  "first wait (--fleet-wait) until N other servers are UP in HAProxy; racy "
	  "between nodes: --fleet-lock is not (default 0)" },
	{ "confirm-haproxy", OPT_CONFIRM, ARG_STR, "SOCK,BE/SRV",
	  "end the grace once HAProxy shows the server DOWN, DRAIN or MAINT (default: "
	  "the whole grace)" },
#endif
	{ 0, 0, 0, 0, 0 }
};

const struct applet applet_drain = {
	.name = "drain",
	.main = drain_main,
	.usage = "[OPTIONS] TARGET-OPTION... [LOAD-SOURCE] [PID...]",
	.about = "The graceful stop in one process, each step logged:\n"
		 "  1. depool every target (-f, --haproxy, --depool-url), as depool does;\n"
		 "     if one fails, put back what was depooled, stop nothing, exit 1\n"
		 "     (--force stops anyway). Run by hand, it refuses; but under\n"
		 "     systemd's ExecStop= (INVOCATION_ID with $MAINPID or $SERVICE_RESULT)\n"
		 "     or with --in-stop (a preStop hook) the stop happens whatever\n"
		 "     drain does: it depools what it can, does steps 2-5 all the same\n"
		 "     and exits 1 naming what failed;\n"
		 "  2. grace: the balancer needs its check interval x fall count to see\n"
		 "     the node gone; no idle read counts before --grace has passed;\n"
		 "  3. wait until the load source (-u, --tcp, --load-haproxy; optional)\n"
		 "     reads at most --max, as waitload does; a timeout is a warning;\n"
		 "  4. stop the service as pidkill does (PIDs, -p, -n, else $MAINPID);\n"
		 "  5. repool the health files (-f) it depooled (an operator's stay). API\n"
		 "     targets (--haproxy, --depool-url) stay depooled: the service is down;\n"
		 "     'repool --when-ready URL ...' in ExecStartPost= puts them back.\n"
		 "A signal that would end drain (TERM, INT, HUP, QUIT, USR1...) cuts a\n"
		 "wait short; the kill and the repool still run, then the exit is 1.\n"
		 "PIPE, TSTP, TTIN, TTOU and XFSZ are ignored. With NOTIFY_SOCKET set\n"
		 "(systemd, NotifyAccess=all) each step is sent as STATUS=, and\n"
		 "EXTEND_TIMEOUT_USEC= while it waits."
#if CFG_FLEET
		 "\nWith --fleet-lock: first a slot in etcd; 'repool --fleet-lock' frees it."
#endif
		 ,
	.exits = "0 to plan, 1 a step failed or a signal, 2 usage, 3 timed out (--strict)",
	.summary = "The whole graceful stop: depool, wait for the load, kill, repool.",
	.opts = { drain_opts, pool_opts, load_opts, kill_opts, net_opts, dryrun_opts,
		  common_opts, fleet_opts },
};

static struct {
	struct pool_cfg pc;
	struct load_cfg lc;
	struct net_cfg nc;
	struct kill_cfg kc;
	struct pool_cfg one;		/* one target at a time (depool_one) */
	int64_t grace_ms;
	int no_kill, no_repool, force, strict, in_stop;
	int wait_opts;			/* -m -i -t --stable --metric --gone-is-idle seen */
	int kill_opts;			/* --pid -p -n -a -s or a PID seen */
	char changed[POOL_MAX_TARGETS];	/* depooled by this run */
	char why[64];			/* what failed, for the last line */
	long long last_load;		/* for STATUS= while waiting */
	int64_t t0;
	struct fleet fl;		/* --fleet-lock */
	int fleet_set;			/* --fleet-max, -ttl or -wait seen */
	long long min_up;		/* --min-up */
	int confirm;			/* --confirm-haproxy given, not yet seen */
	struct hap_target confirm_t;	/* its server */
	const struct hap_target *view;	/* --min-up's server */
} d;

/* ---- options ------------------------------------------------------------- */

static int
is_wait_opt(int id)
{
	return id == 'm' || id == 'i' || id == 't' ||
	       (id >= OPTID_LOAD && id < OPTID_POOL);
}

static void
drain_opt(const struct optstate *o, int id)
{
	switch (id) {
	case OPT_GRACE: d.grace_ms = o->ms; return;
	case OPT_NO_KILL: d.no_kill = 1; return;
	case OPT_NO_REPOOL: d.no_repool = 1; return;
	case OPT_FORCE: d.force = 1; return;
	case OPT_STRICT: d.strict = 1; return;
	case OPT_IN_STOP: d.in_stop = 1; return;
#if CFG_FLEET
	case OPT_FLEET_MAX:
		if (o->num < 1)
			usage_die(&applet_drain, "--fleet-max: must be at least 1");
		d.fl.max = o->num;
		d.fleet_set = 1;
		return;
	case OPT_FLEET_TTL:
		if (o->ms < 1000)
			usage_die(&applet_drain, "--fleet-ttl: must be at least 1s");
		d.fl.ttl_ms = o->ms;
		d.fleet_set = 1;
		return;
	case OPT_FLEET_WAIT: d.fl.wait_ms = o->ms; return;
	case OPT_MIN_UP: d.min_up = o->num; return;
	case OPT_CONFIRM: {
		const char *why = hap_target_parse(&d.confirm_t, o->arg);

		if (why)
			usage_die(&applet_drain, "--confirm-haproxy: %s: '%s'", why, o->arg);
		d.confirm = 1;
		return;
	}
#endif
	}
	if (fleet_opt(&d.fl, o, id))
		return;
	if (load_opt(&d.lc, o, id)) {
		d.wait_opts |= is_wait_opt(id);
		return;
	}
	if (kill_opt(&d.kc, o, id)) {
		d.kill_opts = 1;
		return;
	}
	if (!pool_opt(&d.pc, o, id) && !net_opt(&d.nc, o, id) && !common_opt(o, id))
		usage_die(&applet_drain, "unhandled option");
}

static void
drain_parse(int argc, char **argv)
{
	struct optstate o = OPTSTATE_INIT;
	int id;

	while ((id = opt_next(&o, argc, argv, &applet_drain)) != -1) {
		if (id == OPT_ARG) {
			kill_add_pid(&d.kc, o.arg);
			d.kill_opts = 1;
		} else {
			drain_opt(&o, id);
		}
	}
}

static void
drain_check(void)
{
	const char *err;

	pool_start(&d.pc, 1);
	if (CFG_FLEET && d.fleet_set && !d.fl.lock)
		usage_die(&applet_drain, "--fleet-max, --fleet-ttl and --fleet-wait go with "
			  "--fleet-lock");
	fleet_start(&d.fl);
	if (CFG_FLEET)
		guards_check();
	if (d.lc.nsources && (err = load_check(&d.lc)) != 0)
		usage_die(&applet_drain, "%s", err);
	if (!d.lc.nsources && d.lc.err)
		usage_die(&applet_drain, "%s", d.lc.err);
	if (!d.lc.nsources && d.wait_opts)
		usage_die(&applet_drain, "-m, -i, -t, --stable, --metric and --gone-is-idle "
			  "go with a load source (-u, --tcp or --load-haproxy)");
	if (d.no_kill && d.kill_opts)
		usage_die(&applet_drain, "--no-kill and a kill option (PIDs, --pid, -p, -n, "
			  "-a, -s) contradict each other");
	if (!d.no_kill && !kill_has_who(&d.kc) && !getenv("INVOCATION_ID"))
		usage_die(&applet_drain, "no one to stop: give PIDs, -p FILE or -n NAME "
			  "($MAINPID is not set), or --no-kill");
}

/* ---- small helpers -------------------------------------------------------- */

static const char *
plural(int n)
{
	return n == 1 ? "" : "s";
}

/* "6s", "1.5s", "0.25s". */
static char *
secs(char *buf, size_t size, int64_t ms)
{
	return dur_fmt(buf, size, ms, DUR_EXACT);
}

static const char *
sig_text(void)
{
	static char buf[16];

	return kill_sig_name(stop_signal, buf, sizeof(buf));
}

/* The load source, for messages. */
static char *
source_text(char *buf, size_t size)
{
	if (d.lc.source == LOAD_URL)
		fmt_sn(buf, size, "%s%s%s", d.lc.url_text, d.lc.metric ? " metric " : "",
			 d.lc.metric ? d.lc.metric : "");
	else if (d.lc.source == LOAD_TCP)
		fmt_sn(buf, size, "ESTABLISHED connections to port %s", d.lc.tcp_spec);
	else
		fmt_sn(buf, size, "haproxy %s sessions", d.lc.hap.server);
	return buf;
}

/* --min-up: the server it looks at. */
static void
guards_check(void)
{
	int i;

	if (!d.min_up)
		return;
	for (i = 0; i < d.pc.n && d.pc.t[i].kind != POOL_HAPROXY; i++)
		;
	if (d.confirm)
		d.view = &d.confirm_t;
	else if (i < d.pc.n)
		d.view = &d.pc.t[i].u.ha;
	else if (d.lc.source == LOAD_HAPROXY)
		d.view = &d.lc.hap;
	else
		usage_die(&applet_drain, "--min-up needs this node's HAProxy server: "
			  "--haproxy, --load-haproxy or --confirm-haproxy");
}

/* 1 when HAProxy shows the --confirm-haproxy server out of the pool
 * (logged: it ends the grace). */
static int
confirmed(void)
{
	int up, out;

	if (fleet_hap_view(&d.confirm_t, &d.nc, &up, &out) < 0 || !out)
		return 0;
	log_info("grace ended: haproxy shows %s out of the pool", d.confirm_t.server);
	d.confirm = 0;
	return 1;
}

/* Waits ms, in naps that keep systemd's timeout extended; returns -1 when a
 * stop signal cut it short. */
static int
nap(int64_t ms)
{
	int64_t end = mono_ms() + ms, left;

	for (;;) {
		if (stop_signal)
			return -1;
		left = end - mono_ms();
		if (left <= 0)
			return 0;
		if (left > DRAIN_NAP_MS)
			left = DRAIN_NAP_MS;
		if (CFG_FLEET && d.confirm && confirmed())
			return 0;
		if (CFG_FLEET && d.confirm && left > 100)
			left = 100;
		fleet_keep(&d.fl, &d.nc, 0);
		notify_extend(left + DRAIN_SLACK_MS);
		poll(0, 0, (int)left);
	}
}

/* ---- step 0: a fleet slot, enough servers UP --------------------------------- */

/* No slot or too few servers UP: --strict (or a signal) stops nothing and
 * frees the slot; else the stop goes on, exit 1 at the end. */
static int
no_go(int *rc, const char *what)
{
	if (stop_signal || d.strict) {
		log_warn("%s: not stopping anything (%s)", what, stop_signal ? sig_text() :
			 "exit 3: --strict");
		if (d.fl.lease)
			fleet_release(&d.fl, &d.nc);
		return stop_signal ? EX_FAIL : EX_TIMEOUT;
	}
	log_warn("%s: going on with the stop (exit 1 at the end)", what);
	*rc = EX_FAIL;
	return 0;
}

/* Returns 0 to go on, or the exit code to stop drain with before the
 * depool (the node stays in the pool, so its key goes). */
static int
step_fleet(int *rc)
{
	int r;

	if (!CFG_FLEET || !d.fl.lock)
		return 0;
	if (dry_run) {
		log_info("would take a slot at %s", d.fl.lock);
		return 0;
	}
	notify_status("waiting for a fleet slot");
	notify_extend(d.fl.wait_ms + 2 * d.nc.request_ms + DRAIN_SLACK_MS);
	r = fleet_take(&d.fl, &d.nc);
	if (r == EX_OK && !stop_signal)
		return 0;
	return no_go(rc, "fleet: no slot");
}

/* --min-up: HAProxy's own count of the other servers UP and READY. */
static int
step_min_up(int *rc)
{
	int64_t end = mono_ms() + d.fl.wait_ms;
	int up = -1, out, said = -2;

	if (!CFG_FLEET || !d.min_up || dry_run)
		return 0;
	for (;;) {
		if (fleet_hap_view(d.view, &d.nc, &up, &out) == 0 && up >= d.min_up) {
			log_info("haproxy: %d other server%s UP (--min-up %lld)", up, plural(up),
				 d.min_up);
			return 0;
		}
		if (up != said)
			log_info("waiting until %lld other servers are UP in haproxy (%d now)",
				 d.min_up, up);
		said = up;
		if (mono_ms() >= end || stop_signal)
			return no_go(rc, "--min-up not met");
		fleet_keep(&d.fl, &d.nc, 0);
		notify_extend(DRAIN_SLACK_MS + d.nc.request_ms);
		poll(0, 0, 250);
	}
}

/* ---- step 1: depool ------------------------------------------------------- */

/* pool_set() on target i alone, so drain knows which ones it changed.
 * The renames of a stop are not fsynced, but for a file that stays
 * depooled (step_repool), which is fsynced as depool does. A file put back
 * ends where it began. A crash in the middle of a stop (the grace and the
 * wait are most of it) can leave the file depooled on disk whatever drain
 * syncs, and the unit's ExecStartPre=-repool -f FILE (examples/) is what
 * mends that; an fsync after the repool would only close the window of the
 * filesystem's commit interval (5 s on ext4) after it, for a disk flush in
 * every stop (0.35 ms median, 2.8 ms p99 on this VM's disk). */
static int
target_set(int i, int depool)
{
	d.one.sync_later = depool || d.pc.sync_later;
	d.one.marks = 1;	/* what this run renames out, repool --if-drained may mend */
	d.one.suffix = d.pc.suffix;
	d.one.body = d.pc.body;
	memcpy(d.one.hdrs, d.pc.hdrs, sizeof(d.one.hdrs));
	d.one.hdrlen = d.pc.hdrlen;
	d.one.t[0] = d.pc.t[i];
	d.one.n = 1;
	return pool_set(&d.one, &d.nc, depool, POOL_ALL);
}

/* Puts back what this run depooled: the node is not being stopped, so it
 * must keep serving. A URL target comes back through every --repool-url. */
static int
depool_undo(void)
{
	int i, n = 0, rc = EX_OK, url = 0;

	for (i = 0; i < d.pc.n; i++) {
		if (!d.changed[i])
			continue;
		n++;
		if (d.pc.t[i].kind == POOL_URL)
			url = 1;
		else if (target_set(i, 0) != EX_OK)
			rc = EX_FAIL;
	}
	if (url && pool_count(&d.pc, 0, POOL_URL) == 0)
		log_warn("no --repool-url given: what --depool-url did stays done");
	else if (url && pool_set(&d.pc, &d.nc, 0, POOL_URL) != EX_OK)
		rc = EX_FAIL;
	if (rc != EX_OK)
		log_err("could not put back all of the %d target%s depooled: check the pool",
			n, plural(n));
	return rc;
}

/* Why a failed depool must not stop the drain, or 0 when drain should
 * refuse. Under ExecStop= systemd kills the service when drain exits,
 * whatever its exit (KillMode=), and the kubelet sends SIGTERM when a
 * preStop hook ends: refusing would only skip the grace and the load wait
 * (measured: systemctl stop took 46 ms, a request in flight failed). systemd
 * sets INVOCATION_ID in every process of a unit, and $SERVICE_RESULT only in
 * ExecStop= and ExecStopPost= ($MAINPID too when the main process lives); a
 * login session may have INVOCATION_ID alone, and a preStop hook cannot be
 * told from `kubectl exec`, hence --in-stop. */
static const char *
stop_context(void)
{
	if (d.in_stop)
		return "--in-stop";
	if (getenv("INVOCATION_ID") && (getenv("SERVICE_RESULT") || getenv("MAINPID")))
		return "under ExecStop=";
	return 0;
}

/* Returns 0 to go on with the stop, or the exit code to stop drain with. */
static int
step_depool(int *rc)
{
	const char *ctx = stop_context();
	int i, n = 0, bad = 0;

	notify_status("depooling");
	notify_extend(d.nc.request_ms * d.pc.n + DRAIN_SLACK_MS);
	for (i = 0; i < d.pc.n; i++) {
		if (d.pc.t[i].kind == POOL_URL && !d.pc.t[i].depool)
			continue;
		n++;
		/* changed: what this run depooled, the only targets it may put
		 * back (an operator's depool or MAINT is left as found) */
		if (target_set(i, 1) == EX_OK)
			d.changed[i] = (char)d.one.t[0].changed;
		else
			bad++;
	}
	if (!bad) {
		log_info("%s %d target%s", dry_run ? "would have depooled" : "depooled",
			 n, plural(n));
		return 0;
	}
	fmt_sn(d.why, sizeof(d.why), "%d of %d target%s failed to depool", bad, n, plural(n));
	if (d.force) {
		log_err("%s; stopping anyway (--force)", d.why);
		*rc = EX_FAIL;
		return 0;
	}
	if (ctx) {
		log_err("%s; going on with the stop (%s: it happens whatever drain does)",
			d.why, ctx);
		notify_status("depool failed; going on with the stop");
		*rc = EX_FAIL;
		return 0;
	}
	log_err("%s: not stopping a node still in the pool (--force stops it anyway); "
		"putting back what was depooled", d.why);
	notify_status("depool failed; not stopping");
	depool_undo();
	return EX_FAIL;
}

/* ---- steps 2 and 3: grace and load wait ------------------------------------- */

static void
drain_tick(void *arg, long long load, int64_t waited_ms)
{
	char a[32];

	(void)arg;
	fleet_keep(&d.fl, &d.nc, 0);
	if (CFG_FLEET && d.confirm && mono_ms() < d.lc.idle_not_before && confirmed())
		d.lc.idle_not_before = mono_ms();
	notify_extend(d.lc.interval_ms + d.nc.request_ms + DRAIN_SLACK_MS);
	if (load == d.last_load)
		return;
	d.last_load = load;
	if (load < 0)
		notify_status("waiting for the load: the last read failed (waited %s)",
			      dur_fmt(a, sizeof(a), waited_ms, 0));
	else
		notify_status("waiting for the load: %lld (waited %s)", load,
			      dur_fmt(a, sizeof(a), waited_ms, 0));
}

static void
step_grace_only(int *rc)
{
	char g[32];

	if (!d.grace_ms) {
		log_info("no load source: not waiting for the load");
		return;
	}
	secs(g, sizeof(g), d.grace_ms);
	notify_status("grace %s for the balancer to notice", g);
	if (dry_run) {
		log_info("would wait the grace %s for the balancer to notice", g);
		return;
	}
	log_info("grace %s for the balancer to notice", g);
	if (nap(d.grace_ms) < 0) {
		log_warn("grace cut short by %s", sig_text());
		*rc = EX_FAIL;
	}
}

/* Returns 1 when the wait timed out. */
static int
step_wait(int *rc)
{
	char src[600], g[32], t[32], iv[32];
	int r;

	if (stop_signal)
		return 0;
	if (!d.lc.nsources) {
		step_grace_only(rc);
		return 0;
	}
	source_text(src, sizeof(src));
	secs(g, sizeof(g), d.grace_ms);
	secs(t, sizeof(t), d.lc.timeout_ms);
	secs(iv, sizeof(iv), d.lc.interval_ms);
	if (dry_run) {
		log_info("would wait until the load (%s) is at most %lld, every %s, timeout %s, "
			 "no idle read counting in the first %s", src, d.lc.max, iv, t, g);
		return 0;
	}
	if (d.grace_ms)
		log_info("grace %s for the balancer to notice (no idle read counts before its end)", g);
	log_info("waiting until the load (%s) is at most %lld, every %s, timeout %s%s",
		 src, d.lc.max, iv, t, d.grace_ms ? " after the grace" : "");
	notify_status("waiting for the load (%s)", src);
	notify_extend(d.lc.interval_ms + d.nc.request_ms + DRAIN_SLACK_MS);
	if (d.grace_ms)
		d.lc.idle_not_before = mono_ms() + d.grace_ms;
	d.lc.timeout_ms += d.grace_ms;
	d.lc.tick = drain_tick;
	r = load_wait(&d.lc, &d.nc);
	if (r == EX_TIMEOUT) {
		log_warn("going on with the stop although the load is not idle%s",
			 d.strict ? " (exit 3: --strict)" : "");
		return 1;
	}
	if (r != EX_OK) {
		log_warn("load wait cut short: going on with the stop");
		*rc = EX_FAIL;
	}
	return 0;
}

/* ---- step 4: kill ---------------------------------------------------------- */

/* How long the kill schedule may take, one pass. */
static int64_t
sched_ms(void)
{
	struct kill_sched s;
	const char *why;
	int64_t ms = 0;
	int i;

	if (kill_sched_parse(&s, d.kc.schedule ? d.kc.schedule : KILL_SCHED_DEFAULT, &why))
		return 0;
	for (i = 0; i < s.n; i++)
		ms += s.step[i].sig ? 0 : s.step[i].ms;
	return ms;
}

static const char *
who_text(char *buf, size_t size)
{
	const char *m = getenv("MAINPID");

	if (d.kc.npid == 1)
		fmt_sn(buf, size, "pid %d", (int)d.kc.pid[0]);
	else if (d.kc.npid)
		fmt_sn(buf, size, "%d pids", d.kc.npid);
	else if (d.kc.pidfile)
		fmt_sn(buf, size, "the pid in %s", d.kc.pidfile);
	else if (d.kc.name)
		fmt_sn(buf, size, "%s %s", d.kc.all ? "every process called" : "the process",
			 d.kc.name);
	else
		fmt_sn(buf, size, "$MAINPID %s", m && *m ? m : "(not set)");
	if (d.kc.npid && (d.kc.pidfile || d.kc.name))
		fmt_sn(buf + strlen(buf), size - strlen(buf), " and more");
	return buf;
}

/* The kill's tick: a schedule longer than a third of --fleet-ttl must not
 * lose the slot while the service is still stopping. */
static void
kill_tick(void)
{
	fleet_keep(&d.fl, &d.nc, 0);
}

static void
step_kill(int *rc)
{
	char who[300];
	int r;

	if (d.no_kill) {
		log_info("not stopping the service (--no-kill)");
		return;
	}
	if (CFG_FLEET && d.fl.lease) {
		/* renewed now, a default schedule (15s) needs no request to etcd */
		fleet_keep(&d.fl, &d.nc, 1);
		d.kc.tick = kill_tick;
	}
	who_text(who, sizeof(who));
	notify_status("stopping %s", who);
	notify_extend(sched_ms() + DRAIN_SLACK_MS);
	log_info("%s %s with %s", dry_run ? "would stop" : "stopping", who,
		 d.kc.schedule ? d.kc.schedule : KILL_SCHED_DEFAULT);
	r = kill_run(&d.kc, 0);
	if (r != EX_OK) {
		log_err("the service did not stop as planned");
		*rc = EX_FAIL;
	}
}

/* ---- step 5: repool --------------------------------------------------------- */

static void
api_stays(void)
{
	int n = pool_count(&d.pc, 1, POOL_HAPROXY | POOL_URL);

	if (!n)
		return;
	log_info("%d API target%s (--haproxy, --depool-url) stay%s depooled: the service is "
		 "down; 'repool --when-ready URL ...' (ExecStartPost=) puts %s back",
		 n, plural(n), n == 1 ? "s" : "", n == 1 ? "it" : "them");
}

/* How many health files this run depooled; says which it left as found. */
static int
files_changed(void)
{
	int i, n = 0;

	for (i = 0; i < d.pc.n; i++) {
		if (d.pc.t[i].kind != POOL_FILE)
			continue;
		if (d.changed[i])
			n++;
		else
			log_info("%s: left as drain found it (this run did not depool it)",
				 d.pc.t[i].arg);
	}
	return n;
}

static void
step_repool(int *rc)
{
	int n = files_changed(), i, bad = 0;

	if (n && (d.no_repool || d.no_kill)) {
		if (!dry_run)
			pool_sync(&d.pc);
		log_info("health file%s stay%s depooled (%s)", plural(n), n == 1 ? "s" : "",
			 d.no_repool ? "--no-repool" : "--no-kill: the service still runs");
	} else if (n && dry_run) {
		for (i = 0; i < d.pc.n; i++)
			if (d.pc.t[i].kind == POOL_FILE && d.changed[i])
				log_info("would rename %s%s back to %s", d.pc.t[i].arg,
					 d.pc.suffix, d.pc.t[i].arg);
	} else if (n) {
		notify_status("repooling %d health file%s", n, plural(n));
		d.pc.sync_later = 1;	/* back where it began: see target_set */
		for (i = 0; i < d.pc.n; i++)
			if (d.pc.t[i].kind == POOL_FILE && d.changed[i] &&
			    target_set(i, 0) != EX_OK)
				bad++;
		if (!bad)
			log_info("repooled %d health file%s", n, plural(n));
		else
			*rc = EX_FAIL;
	}
	api_stays();
}

/* ---- main --------------------------------------------------------------------- */

static void
net_setup(void)
{
	int tls = pool_tls(&d.pc, 1) || (d.lc.source == LOAD_URL && d.lc.url.tls);

	if (dry_run)
		return;
	if (pool_count(&d.pc, 1, POOL_URL) || pool_count(&d.pc, 0, POOL_URL) ||
	    d.lc.nsources || (CFG_FLEET && d.fl.lock))
		net_start(&d.nc, tls || pool_tls(&d.pc, 0) || (d.fl.lock && d.fl.u.tls));
}

static int
drain_finish(int rc, int timed_out)
{
	char a[32];

	if (rc == EX_OK && timed_out && d.strict)
		rc = EX_TIMEOUT;
	if (stop_signal && rc == EX_OK)
		rc = EX_FAIL;
	dur_fmt(a, sizeof(a), mono_ms() - d.t0, 1);
	if (rc == EX_OK)
		log_info("%s in %s", dry_run ? "dry run done" : "done", a);
	else
		log_warn("finished in %s, exit %d%s%s", a, rc, *d.why ? ": " : "", d.why);
	notify_status(rc == EX_OK ? "done" : "finished, exit %d", rc);
	return rc;
}

static int
drain_main(int argc, char **argv)
{
	int rc = EX_OK, r, timed_out;

	d.lc = (struct load_cfg)LOAD_CFG_INIT;
	d.pc = (struct pool_cfg)POOL_CFG_INIT;
	d.nc = (struct net_cfg)NET_CFG_INIT;
	d.kc = (struct kill_cfg)KILL_CFG_INIT;
	d.one = (struct pool_cfg)POOL_CFG_INIT;
	d.last_load = LLONG_MIN;
	d.fl = (struct fleet)FLEET_INIT;
	drain_parse(argc, argv);
	drain_check();
	stop_on_all_signals();	/* no signal may end a stop midway */
	d.t0 = mono_ms();
	net_setup();
	if ((r = step_fleet(&rc)) != 0 || (r = step_min_up(&rc)) != 0)
		return drain_finish(r, 0);
	if ((r = step_depool(&rc)) != 0) {
		if (CFG_FLEET && d.fl.lease)
			fleet_release(&d.fl, &d.nc);
		return drain_finish(r, 0);
	}
	timed_out = step_wait(&rc);
	step_kill(&rc);
	step_repool(&rc);
	fleet_keep(&d.fl, &d.nc, 1);	/* the TTL counts from the end of the stop */
	return drain_finish(rc, timed_out);
}
