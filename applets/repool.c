/* SPDX-License-Identifier: 0BSD */
/* repool.c - put this node back into its load balancer's pool: rename
 * PATH.disabled back to PATH, set an HAProxy server to state ready, or call
 * a balancer's HTTP API (--repool-url); with --when-ready URL only once the
 * service answers 2xx there (the form for ExecStartPost=). The work is
 * pool_set() and pool_wait_ready() in lib/pool.c. --if-drained repools only
 * the files a drain depooled (its markers, lib/mark.c); an HAProxy server
 * in MAINT is left so unless --force.
 * Exit: 0 every target repooled (or already was), 1 a target failed,
 * 2 usage, 3 --when-ready timed out (nothing repooled). */
#include "lib/lib.h"

static int repool_main(int argc, char **argv);

enum { REPOOL_WHEN_READY = OPTID_APPLET, REPOOL_IF_DRAINED, REPOOL_FORCE };

static const struct opt repool_opts[] = {
	{ "when-ready", REPOOL_WHEN_READY, ARG_STR, "URL",
	  "first wait until GET URL is 2xx (default: no wait)" },
	{ "interval", 'i', ARG_DUR, "DUR", "try --when-ready every DUR (default 1s)" },
	{ "timeout", 't', ARG_DUR, "DUR",
	  "give up, exit 3, after DUR (default 30s)" },
	{ "if-drained", REPOOL_IF_DRAINED, ARG_NONE, 0,
	  "only files a drain depooled and left so, by its marker in /run/drainbox "
	  "(ExecStartPre=; default: every -f)" },
	{ "force", REPOOL_FORCE, ARG_NONE, 0,
	  "set an HAProxy server in MAINT ready too (default: leave it)" },
	{ 0, 0, 0, 0, 0 }
};

const struct applet applet_repool = {
	.name = "repool",
	.main = repool_main,
	.usage = "[OPTIONS] TARGET-OPTION...",
	.about = "Put this node back into its load balancer's pool, by every target given:\n"
		 "  -f PATH     rename PATH.disabled back to PATH (never overwrites)\n"
		 "  --haproxy SOCKET,BACKEND/SERVER   set server state ready on HAProxy\n"
		 "  --repool-url 'METHOD URL'   send this request; 2xx is success\n"
		 "Already pooled is success.\n"
		 "Warning: repooling an API target (--haproxy, --repool-url) while the\n"
		 "service is down sends clients to a dead server. --when-ready URL waits\n"
		 "until the service answers there first (for ExecStartPost=).\n"
		 "A server in MAINT is an operator's: left so unless --force."
#if CFG_FLEET
		 "\nWith --fleet-lock: then free drain's slot (no target needed)."
#endif
		 ,
	.exits = "0 all repooled, 1 a target failed, 2 usage, 3 not ready in time",
	.summary = "Put this node back into the pool, once it answers if asked.",
	.more = pool_about,
	.opts = { repool_opts, pool_opts, net_opts, dryrun_opts, common_opts, fleet_opts, 0 },
};

static int
repool_main(int argc, char **argv)
{
	struct pool_cfg pc = POOL_CFG_INIT;
	struct net_cfg nc = NET_CFG_INIT;
	struct optstate o = OPTSTATE_INIT;
	struct fleet fl = FLEET_INIT;
	int64_t interval = 1000, timeout = 30000;
	const char *ready = 0;
	struct url u;		/* --when-ready's URL, parsed (slices of argv) */
	char shown[512];	/* --when-ready's URL, its password masked */
	int id, e, timing = 0, ready_tls = 0, tls, rc;

	while ((id = opt_next(&o, argc, argv, &applet_repool)) != -1) {
		switch (id) {
		case OPT_ARG:
			usage_die(&applet_repool, "unexpected argument: '%s'", o.arg);
		case REPOOL_WHEN_READY:
			if ((e = url_parse(o.arg, &u)) < 0)
				usage_die(&applet_repool, "--when-ready: %s: %s",
					  url_mask(o.arg, shown, sizeof(shown)), net_strerror(e));
			ready = o.arg;
			ready_tls = u.tls;
			break;
		case 'i':
		case 't':
			/* as waitload: a wait of 0 always times out, and an
			 * interval of 0 would poll without a pause */
			if (o.ms <= 0)
				usage_die(&applet_repool, "--%s: %s: want more than 0",
					  id == 'i' ? "interval" : "timeout", o.arg);
			if (id == 'i')
				interval = o.ms;
			else
				timeout = o.ms;
			timing = 1;
			break;
		case REPOOL_IF_DRAINED:
			pc.if_drained = 1;
			break;
		case REPOOL_FORCE:
			pc.force = 1;
			break;
		default:
			if (!pool_opt(&pc, &o, id) && !net_opt(&nc, &o, id) &&
			    !fleet_opt(&fl, &o, id) &&
			    !common_opt(&o, id))
				usage_die(&applet_repool, "unhandled option");
		}
	}
	if (timing && !ready)
		usage_die(&applet_repool, "--interval and --timeout go with --when-ready");
	if (pc.if_drained && pool_count(&pc, 0, POOL_HAPROXY | POOL_URL))
		usage_die(&applet_repool, "--if-drained mends health files (-f) only: an API "
			  "target comes back with --when-ready");
	if (!fl.lock || pool_count(&pc, 0, POOL_ALL))
		pool_start(&pc, 0);
	fleet_start(&fl);
	tls = ready_tls || pool_tls(&pc, 0) || (fl.lock && fl.u.tls);
	if (!dry_run && (ready || pool_count(&pc, 0, POOL_URL) || fl.lock))
		net_start(&nc, tls);
	if (ready && dry_run) {
		log_info("would wait until %s answers 2xx",
			 url_mask(ready, shown, sizeof(shown)));
	} else if (ready) {
		stop_on_signals();
		if ((rc = pool_wait_ready(&nc, &u, interval, timeout)) != EX_OK)
			return rc;
	}
	rc = pool_count(&pc, 0, POOL_ALL) ? pool_set(&pc, &nc, 0, POOL_ALL) : EX_OK;
	if (!CFG_FLEET || !fl.lock)
		;
	else if (dry_run)
		log_info("would free the fleet slot %s", fl.key);
	else if (rc == EX_OK)
		rc = fleet_release(&fl, &nc);
	return rc;
}
