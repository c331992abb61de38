/* SPDX-License-Identifier: 0BSD */
/* pidkill.c - stop processes with a signal schedule and wait until they
 * have really exited: PIDs, a pidfile, a name (as pidof matches it) or
 * systemd's $MAINPID. The work is kill_run() in lib/kill.c, which drain
 * shares; this file is the command line around it.
 * Exit: 0 stopped (or nothing to stop), 1 failure, 2 usage, 3 still running
 * after the schedule. */
#include <stdlib.h>

#include "lib/lib.h"

static int pidkill_main(int argc, char **argv);

#define OPT_STRICT OPTID_APPLET

static const struct opt pidkill_opts[] = {
	{ "strict", OPT_STRICT, ARG_NONE, 0, "nothing to stop exits 1 (default: exits 0)" },
	{ 0, 0, 0, 0, 0 }
};

const struct applet applet_pidkill = {
	.name = "pidkill",
	.main = pidkill_main,
	.usage = "[OPTIONS] [PID...]",
	.about = "Stop processes, waiting until they exit: PIDs, -p, -n, else $MAINPID.\n"
		 "SCHED is start-stop-daemon's --retry: signals (TERM, -15), timeouts\n"
		 "(10, 500ms), 'forever' repeating the rest; N is TERM/N/KILL/N. Exits\n"
		 "are seen through pidfds; without them (or DRAINBOX_NO_PIDFD=1) /proc\n"
		 "is polled. PID 1, pidkill, its parent, thread IDs and kernel threads\n"
		 "are never signalled. As root, a pidfile that others can write needs\n"
		 "--user or --exec. Within a systemd service's cgroup (ExecStop=), -p and\n"
		 "-n match only processes of that cgroup.",
	.exits = "0 stopped (or nothing to stop), 1 failure, 2 usage, 3 still running after the schedule",
	.summary = "Stop processes and wait until they are really gone.",
	.opts = { pidkill_opts, kill_opts, dryrun_opts, common_opts, 0 },
};

static int
pidkill_main(int argc, char **argv)
{
	struct kill_cfg kc = KILL_CFG_INIT;
	struct optstate o = OPTSTATE_INIT;
	int id, strict = 0;

	while ((id = opt_next(&o, argc, argv, &applet_pidkill)) != -1) {
		if (id == OPT_ARG)
			kill_add_pid(&kc, o.arg);
		else if (id == OPT_STRICT)
			strict = 1;
		else if (!kill_opt(&kc, &o, id) && !common_opt(&o, id))
			usage_die(&applet_pidkill, "unhandled option");
	}
	if (!kill_has_who(&kc) && !getenv("INVOCATION_ID"))
		usage_die(&applet_pidkill, "no one to stop: give PIDs, -p FILE or -n NAME "
			  "($MAINPID is not set)");
	return kill_run(&kc, strict);
}
