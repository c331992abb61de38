/* SPDX-License-Identifier: 0BSD */
/* depool.c - take this node out of its load balancer's pool: rename a
 * health file to PATH.disabled, set an HAProxy server to state drain, or
 * call a balancer's HTTP API (--depool-url). Every target is tried even
 * when one fails; the work is pool_set() in lib/pool.c, which drain shares.
 * Exit: 0 every target depooled (or already was), 1 a target failed,
 * 2 usage. */
#include "lib/lib.h"

static int depool_main(int argc, char **argv);

const struct applet applet_depool = {
	.name = "depool",
	.main = depool_main,
	.usage = "[OPTIONS] TARGET-OPTION...",
	.about = "Take this node out of its load balancer's pool, by every target given:\n"
		 "  -f PATH     rename PATH to PATH.disabled (atomic, never overwrites)\n"
		 "  --haproxy SOCKET,BACKEND/SERVER   set server state drain on HAProxy\n"
		 "  --depool-url 'METHOD URL'   send this request; 2xx is success\n"
		 "Already depooled is success; an HAProxy server in MAINT (already out)\n"
		 "is left so, and said so.",
	.more = pool_about,
	.exits = "0 every target depooled, 1 a target failed, 2 usage",
	.summary = "Take this node out of the pool: health file, HAProxy, HTTP API.",
	.opts = { pool_opts, net_opts, dryrun_opts, common_opts, 0 },
};

static int
depool_main(int argc, char **argv)
{
	struct pool_cfg pc = POOL_CFG_INIT;
	struct net_cfg nc = NET_CFG_INIT;
	struct optstate o = OPTSTATE_INIT;
	int id;

	while ((id = opt_next(&o, argc, argv, &applet_depool)) != -1) {
		if (id == OPT_ARG)
			usage_die(&applet_depool, "unexpected argument: '%s'", o.arg);
		if (!pool_opt(&pc, &o, id) && !net_opt(&nc, &o, id) &&
		    !common_opt(&o, id))
			usage_die(&applet_depool, "unhandled option");
	}
	pool_start(&pc, 1);
	if (pool_count(&pc, 1, POOL_URL) && !dry_run)
		net_start(&nc, pool_tls(&pc, 1));
	return pool_set(&pc, &nc, 1, POOL_ALL);
}
