/* SPDX-License-Identifier: 0BSD */
/* waitload.c - wait until a server's load is at most --max: poll one load
 * source (an HTTP body or metric, ESTABLISHED TCP connections, HAProxy's
 * scur) every --interval until --stable consecutive reads are idle, for at
 * most --timeout. The work is load_wait() in lib/load.c, which drain shares.
 * Exit: 0 load <= max, 1 failure, 2 usage, 3 timed out. */
#include "lib/lib.h"

static int waitload_main(int argc, char **argv);

const struct applet applet_waitload = {
	.name = "waitload",
	.main = waitload_main,
	.usage = "[OPTIONS] -u URL | --tcp [ADDR:]PORT | --load-haproxy SOCKET,BACKEND/SERVER",
	.about = "Wait until the load of a server is at most --max. The load is the first\n"
		 "integer of a URL's body (HHVM /check-load style), a named metric in it\n"
		 "(--metric: Prometheus text, 'Name: N' lines as nginx stub_status or\n"
		 "Apache ?auto, JSON \"name\": N), the ESTABLISHED TCP connections to a\n"
		 "local port (--tcp), or HAProxy's current sessions of a server\n"
		 "(--load-haproxy). URLs: http://, https://, http://[::1]:8080/ and\n"
		 "http://unix:/run/app.sock:/path. A failed read is logged and retried.\n"
		 "Sources that count the request reading them (nginx Writing, Apache\n"
		 "BusyWorkers) are idle at 1: say --max 1.",
	.exits = "0 load <= max, 1 failure, 2 usage, 3 timed out",
	.summary = "Wait until a server's load (URL, TCP, HAProxy) is at most --max.",
	.opts = { load_opts, net_opts, common_opts, 0 },
};

static int
waitload_main(int argc, char **argv)
{
	struct load_cfg lc = LOAD_CFG_INIT;
	struct net_cfg nc = NET_CFG_INIT;
	struct optstate o = OPTSTATE_INIT;
	const char *err;
	int id;

	while ((id = opt_next(&o, argc, argv, &applet_waitload)) != -1) {
		if (id == OPT_ARG)
			usage_die(&applet_waitload, "unexpected argument: '%s'", o.arg);
		if (!load_opt(&lc, &o, id) && !net_opt(&nc, &o, id) &&
		    !common_opt(&o, id))
			usage_die(&applet_waitload, "unhandled option");
	}
	if ((err = load_check(&lc)) != 0)
		usage_die(&applet_waitload, "%s", err);
	stop_on_signals();
	net_start(&nc, lc.source == LOAD_URL && lc.url.tls);
	return load_wait(&lc, &nc);
}
