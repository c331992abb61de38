/* drainbox - lib.h: what the applets share.
 *
 * Layering: applets -> lib -> net -> libc/BearSSL. lib/ may log and exit;
 * net/ may not. Each section names the file that implements it. */
#ifndef LIB_H
#define LIB_H

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"	/* build/config.h, made by the Makefile */
#include "net/net.h"
#include "net/tls.h"

/* ---- exit codes ---------------------------------------------------------- */
enum {
	EX_OK = 0,		/* done as planned */
	EX_FAIL = 1,		/* a step failed */
	EX_USAGE = 2,		/* bad command line */
	EX_TIMEOUT = 3,		/* a wait timed out */
	EX_NOAPPLET = 127	/* drainbox: no such applet */
};

/* ---- applets and options (opt.c) ------------------------------------------ */

enum { ARG_NONE, ARG_STR, ARG_NUM, ARG_DUR, ARG_ANY };
#define OPT_MAX_ARG 4096	/* the longest option value (PATH_MAX) */

/* One option. id is the short letter when there is one, else a value from
 * the group's range below; arg says what it takes: ARG_NUM and ARG_DUR are
 * checked by the parser, which stores them in optstate.num / optstate.ms.
 * Every value is at most OPT_MAX_ARG bytes, and only an ARG_ANY one (-d
 * BODY) may be empty: the parser refuses the rest (exit 2). */
struct opt {
	const char *name;	/* long name without "--", or NULL */
	int id;
	int arg;
	const char *metavar;	/* "DUR", "FILE"... shown in --help */
	const char *help;	/* one line; ends with its default if it has one */
};

/* Ranges of ids for options without a short letter, one per group. */
enum {
	OPTID_COMMON = 0x100,	/* common_opts, dryrun_opts */
	OPTID_TLS = 0x120,	/* tls_opts (netopt.c) */
	OPTID_LOAD = 0x140,	/* load_opts (load.c) */
	OPTID_POOL = 0x160,	/* pool_opts (pool.c) */
	OPTID_KILL = 0x180,	/* kill_opts (kill.c) */
	OPTID_FLEET = 0x1a0,	/* fleet_opts (fleet.c) */
	OPTID_APPLET = 0x200	/* the applet's own table */
};

#define APPLET_GROUPS 8

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;	/* "[OPTIONS] SOURCE" */
	const char *about;	/* one paragraph, may hold '\n' */
	const char *exits;	/* "0 load <= max, 1 failure, 2 usage, 3 timed out" */
	const struct opt *opts[APPLET_GROUPS];	/* NULL-terminated list */
	const char *summary;	/* one sentence for `drainbox` (<= 66 columns) */
	const char *more;	/* or NULL: text after about that applets share */
};

struct optstate {
	int ind;		/* next argv index */
	const char *next;	/* rest of a cluster of short options */
	int dashdash;		/* "--" seen: the rest are arguments */
	const char *arg;	/* the option's argument, or the positional one */
	long long num;		/* ARG_NUM value */
	int64_t ms;		/* ARG_DUR value */
	const struct opt *opt;	/* the option matched */
};
#define OPTSTATE_INIT { 1, 0, 0, 0, 0, 0, 0 }
#define OPT_ARG 1		/* opt_next: a positional argument in o->arg */

/* The next option: its id, OPT_ARG for a positional argument (options and
 * arguments may be mixed; after "--" all are arguments), or -1 at the end.
 * Short options cluster (-qv), take "-t5" or "-t 5"; long ones "--t=5" or
 * "--t 5". -h/--help prints the help and exits 0. An unknown option, a
 * missing or bad argument is a usage error: exits 2. */
int opt_next(struct optstate *o, int argc, char **argv, const struct applet *a);

/* Prints the full help (usage, about, every option, exit codes) to stdout. */
void help_print(const struct applet *a);

/* "name: MESSAGE (see 'name --help')" on stderr, then exit 2. */
_Noreturn void usage_die(const struct applet *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same for the option groups of lib/, which know the applet only by
 * log_name (set by log_init()). */
_Noreturn void usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -q, -v, -h: the group every applet has. */
extern const struct opt common_opts[];
/* --dry-run: for applets that change something. */
extern const struct opt dryrun_opts[];
extern int dry_run;
#define OPT_DRYRUN (OPTID_COMMON + 1)

/* Handles common_opts and dryrun_opts: returns 1 when id was one of them. */
int common_opt(const struct optstate *o, int id);

/* ---- logging (log.c) ------------------------------------------------------ */

/* 0 quiet (warnings and errors only), 1 normal, 2 verbose. */
extern int log_level;
extern const char *log_name;	/* the applet's name, the prefix of each line */

/* Sets the prefix and decides whether lines get a "<N>" syslog priority
 * (when JOURNAL_STREAM names stderr's device:inode). */
void log_init(const char *name);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- formatting and stdout (fmt.c) --------------------------------------- */

/* As vsnprintf/snprintf, for %s %c %d %u %x %% with l/ll/z sizes, the '-'
 * and '0' flags, width and precision (also '*'), and %m: errno in words
 * (net_strerror(errno), as errno is when the text is formatted; the log
 * functions keep it from their caller); no floating point. The
 * result is always NUL-terminated when size > 0; returns the length the
 * whole text needs. */
int fmt_vsn(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_sn(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formatted text (up to 1023 bytes a call) to stdout through a 4 KiB
 * buffer; out_flush() writes it out and returns 0, or -1 with errno when
 * any write failed. */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int out_flush(void);

/* ---- numbers and durations (num.c, dur.c) --------------------------------- */

/* Strict decimal: digits only (no sign, blanks or suffix), value in
 * [min, max]. Returns 0, or -1 with *out untouched. */
int num_parse(const char *s, long long min, long long max, long long *out);

/* The unsigned decimal at *p (< end), as many digits as there are; moves
 * *p past them. Returns 0, or -1 when there is no digit or it overflows. */
int num_field(const char **p, const char *end, unsigned long long *v);

#define DUR_MAX_MS (INT64_C(1) << 40)	/* ~35 years: anything above is a typo */

/* "250ms", "2s", "1.5s", "1m", "1h"; a bare number is seconds. Returns 0
 * with *ms set, or -1 for garbage, a sign, a fraction finer than 1 ms, or
 * more than DUR_MAX_MS. */
int dur_parse(const char *s, int64_t *ms);

/* Formats ms as seconds with `decimals` digits after the point ("1.84s",
 * "30s" when decimals is 0; DUR_EXACT: as few as show ms exactly, "30s",
 * "1.5s", "0.25s"). Returns buf. */
#define DUR_EXACT -1
char *dur_fmt(char *buf, size_t size, int64_t ms, int decimals);

/* Sleeps until the monotonic time t (mono_ms()) or a stop signal. Returns
 * -1 when stop_signal is set, else 0. */
int sleep_until(int64_t t);

/* ---- network options and requests (netopt.c) ------------------------------ */

struct net_cfg {
	struct tls_cfg tls;	/* --cacert --insecure --pin --cert --key */
	int64_t request_ms;	/* --request-timeout, default 5000 */
	size_t body_cap;	/* --max-body, default HTTP_BODY_CAP */
	char *buf;		/* HTTP_MAX_HEAD + body_cap + 1 bytes, from net_start() */
	size_t bufsize;
};
#define NET_CFG_INIT { { 0, 0, 0, 0, 0 }, 5000, HTTP_BODY_CAP, 0, 0 }

/* --cacert, --insecure, --pin, --cert, --key, --request-timeout, --max-body */
extern const struct opt net_opts[];

/* Handles net_opts: returns 1 when id was one of them. */
int net_opt(struct net_cfg *c, const struct optstate *o, int id);

/* Once, after the options: allocates the response buffer and, when tls is
 * set, loads the trust anchors and keys (tls_init); a failure dies with a
 * clear error (exit 1). Says once when --insecure is on. */
void net_start(struct net_cfg *c, int tls);

/* One request into c->buf, its deadline the earlier of now + request_ms and
 * *until (NULL: no overall deadline). Returns 0 or a negative net code;
 * logs nothing. */
int net_http(struct net_cfg *c, const struct http_req *rq, struct http_resp *r,
	     const struct deadline *until);

/* (netopt.c, added by the net/waitload engineer) The action word for a
 * message "object: ACTION: net_strerror(code)": "resolve", "connect",
 * "tls", "send", "receive", "response" or "request". Never NULL. */
const char *net_action(int code);

/* (netopt.c) The object a tls_init() error is about: the --cacert, --cert
 * or --key file name, "--pin", the system CA bundle's path, or words saying
 * none was found. */
const char *net_tls_object(const struct tls_cfg *t, int code);

/* ---- load sources (load.c) -------------------------------------------------
 * The load sources and the wait shared by waitload and drain. The caller
 * parses its options with load_opts (next to net_opts and its own), feeds
 * each id to load_opt(), validates with load_check(), then runs load_wait().
 * drain may set idle_not_before (its --grace) and tick (sd_notify) between
 * load_check() and load_wait(). */

enum { LOAD_NONE, LOAD_URL, LOAD_TCP, LOAD_HAPROXY };

struct load_cfg {
	/* the source: exactly one (load_check) */
	int source;		/* LOAD_* */
	int nsources;		/* how many source options were given */
	const char *url_text;	/* -u: the URL for messages, its password
				 * masked (url_mask) into url_shown */
	char url_shown[512];
	struct url url;		/* -u, parsed by load_opt() */
	const char *metric;	/* --metric NAME, or NULL: the first integer */
	char tcp_addr[64];	/* --tcp ADDR (no brackets), "" for any */
	unsigned tcp_port;	/* --tcp PORT */
	const char *tcp_spec;	/* --tcp as given, for messages */
	struct hap_target hap;			/* --load-haproxy */
	const char *proc_net_dir;	/* NULL: /proc/net (tests may change) */
	/* the wait */
	long long max;		/* -m/--max, default 0 */
	long long stable;	/* --stable, consecutive idle reads, default 1 */
	int64_t interval_ms;	/* -i/--interval, default 1000 */
	int64_t timeout_ms;	/* -t/--timeout, default 30000 (> 0) */
	int gone_is_idle;	/* --gone-is-idle */
	/* for drain (waitload leaves them alone) */
	int64_t idle_not_before;	/* absolute mono_ms(); an idle read
					 * before it does not count; 0: none */
	void (*tick)(void *arg, long long load, int64_t waited_ms);
				/* called after each read, load -1 when the
				 * read failed; may be NULL */
	void *tick_arg;
	/* set by load_opt() on a bad value; reported by load_check() */
	const char *err;
	char errbuf[160];
};
#define LOAD_CFG_INIT { .max = 0, .stable = 1, .interval_ms = 1000, \
			.timeout_ms = 30000 }

/* -u/--load-url, --metric, --tcp, --load-haproxy, -m/--max, --stable,
 * -i/--interval, -t/--timeout, --gone-is-idle. The request and TLS options
 * are net_opts. */
extern const struct opt load_opts[];

/* Handles load_opts: returns 1 when id was one of them, else 0. A bad
 * value (malformed URL, port, SOCKET,BACKEND/SERVER, --stable 0...) is not
 * fatal here: the first one is kept in cfg->err for load_check(). */
int load_opt(struct load_cfg *cfg, const struct optstate *o, int id);

/* Usage validation after all options: NULL when cfg is usable, else the
 * message for usage_die(applet, "%s", msg) (a bad value, no source, more
 * than one source, --metric without -u). Does not exit: the caller owns
 * the applet for usage_die(). */
const char *load_check(const struct load_cfg *cfg);

/* Polls the source every interval_ms until stable consecutive reads are at
 * most max (reads before idle_not_before do not count), for at most
 * timeout_ms from the call. Calls net_start(net, https) itself when
 * net->buf is still NULL. A failed read is logged (warning) and retried;
 * the load is logged when it changes and at least every 5 s. Returns EX_OK,
 * EX_TIMEOUT (logged "timed out after 30s, load still 16"), or EX_FAIL
 * when stop_signal became non-zero ("interrupted by SIGTERM"). Blocks; no
 * allocation, fork or exec per poll. */
int load_wait(struct load_cfg *cfg, struct net_cfg *net);

/* ---- load readers (metric.c): strict parsers of hostile text --------------- */

/* Every reader returns 0 with *val set, or a negative METRIC_E* code; none
 * reads past n, allocates, or overflows (values beyond LLONG_MAX are
 * METRIC_EOVERFLOW). The codes sit far from -errno (tcp_count returns
 * both) and from NET_E*. None blocks except tcp_count (reads local files). */
enum {
	METRIC_ENONE = -20000,	/* no number in the text */
	METRIC_ENOTFOUND,	/* no such metric / row */
	METRIC_EOVERFLOW,	/* the number does not fit */
	METRIC_EBAD		/* a malformed value (NaN, negative, garbage) */
};

/* Words for a METRIC_E* code, or strerror(-code) for a -errno. Static. */
const char *metric_strerror(int code);

/* The body as one integer, HHVM /check-load style: optional whitespace,
 * decimal digits, optional whitespace, nothing else ("16\n", " 0 ").
 * Errors: METRIC_ENONE empty or not starting with a digit ("Unauthorized");
 * METRIC_EBAD a sign ("-1", "+1"), or anything after the digits other than
 * whitespace ("12abc", "1.5", "3 4"); METRIC_EOVERFLOW above LLONG_MAX. */
int metric_first_int(const char *s, size_t n, long long *val);

/* The value of the metric `name` (a C string, matched byte for byte,
 * case-sensitive) in s[0..n). When the first non-blank byte is '{' or '[',
 * s is JSON: the first string "name" at any depth that is followed by ':'
 * is the key, its value must be a JSON number. Otherwise s is lines ('#'
 * lines are comments, '\r' is a blank):
 *  - Prometheus text: a line starting with name then '{labels}' or blanks,
 *    then a float value (any timestamp/exemplar after it is ignored). All
 *    such lines (series) are summed. A name holding a label block
 *    ("x{a=\"b\"}") selects that one series when written exactly.
 *  - pairs: "Key: N" or "Key = N", several on a line ("Reading: 0
 *    Writing: 1 Waiting: 0"); a key runs from the line start or the end of
 *    the previous pair's value to the ':' or '=' (blanks trimmed), so it
 *    may hold spaces ("active processes:    1"). The first match counts.
 *    Pairs are not looked at once a Prometheus line matched.
 * Values: [+-]digits[.digits][e[+-]digits] (JSON: its own stricter
 * grammar); a fraction rounds UP (0.2 reads 1: a little load is never
 * idle), a Prometheus sum is exact to 1e-9 before rounding; -0 is 0.
 * Errors: METRIC_ENOTFOUND name absent or empty; METRIC_EBAD the matching
 * value is NaN, Inf, negative, not a number or missing (a bad series
 * fails the whole sum); METRIC_EOVERFLOW the value or sum > LLONG_MAX. */
int metric_named(const char *s, size_t n, const char *name, long long *val);

/* Established sockets (state 01) on local port `port` (1-65535) in
 * DIR/tcp and DIR/tcp6, DIR = proc_net_dir or "/proc/net" when NULL.
 * addr: NULL, or a local address to match: IPv4 dotted, IPv6 text (with
 * or without [brackets]); an IPv4 address also matches its v4-mapped form
 * in tcp6; 0.0.0.0 and :: mean any address. Reads each file through a
 * 4 KiB buffer (no allocation); lines after the "sl" header must parse.
 * Returns 0 with *count set; METRIC_EBAD for a bad addr or port, a
 * malformed line, a line over 4 KiB; -errno when DIR/tcp cannot be read
 * (a missing DIR/tcp6, no IPv6, is fine). Blocks only on local reads. */
int tcp_count(const char *addr, unsigned port, const char *proc_net_dir, long long *count);

/* One line of /proc/net/tcp or tcp6 (without or with its '\n'), its hex
 * words in host byte order as the kernel prints them. addr16: NULL for any
 * local address, else 16 bytes in network order, an IPv4 address in its
 * v4-mapped form ::ffff:a.b.c.d (which also matches tcp6 v4-mapped lines).
 * Returns 1 when the socket is ESTABLISHED on that local address and
 * port, 0 when not, -1 for a malformed line (the header line is one). */
int tcp_line_match(const char *line, size_t n, const unsigned char *addr16, unsigned port);

/* scur of the row pxname == backend, svname == server (exact) in HAProxy
 * "show stat" CSV. The columns come from a "# pxname,svname,..." header
 * line when there is one (the latest header counts), else the fixed order
 * (0 pxname, 1 svname, 4 scur). Fields may be empty or "quoted". The first
 * matching row counts. Errors: METRIC_ENOTFOUND no such row;
 * METRIC_ENONE its scur is empty; METRIC_EBAD a header without those
 * columns, a row too short, or scur not digits; METRIC_EOVERFLOW. */
int haproxy_stat_scur(const char *csv, size_t n, const char *backend, const char *server,
		      long long *val);

/* ---- pool targets (pool.c) ----------------------------------------------- */

/* The targets that depool, repool and drain act on, in command-line order:
 *   -f PATH           file: depool renames PATH to PATH+suffix, repool back;
 *   --haproxy SOCK,BE/SRV   `set server BE/SRV state drain` / `state ready`;
 *   --depool-url 'METHOD URL', --repool-url 'METHOD URL': one URL target
 *                     each, used only by that step (depool and drain use the
 *                     --depool-url ones, repool the --repool-url ones), so
 *                     one set of options can serve both ExecStop= and
 *                     ExecStartPost=. A URL alone means POST.
 * -d BODY, -H 'Name: value' and --header-file FILE go with every URL
 * target. With -d, Content-Length is sent but no Content-Type unless -H
 * gives one. */
#define POOL_MAX_TARGETS 16
#define POOL_MAX_HDRS 4096	/* all -H / --header-file lines, CRLFs included */
#define POOL_MAX_HDRFILE 8192	/* --header-file size cap */
#define POOL_MAX_METHOD 16

enum { POOL_FILE = 1, POOL_HAPROXY = 2, POOL_URL = 4, POOL_ALL = 7 };

struct pool_target {
	int kind;		/* POOL_FILE, POOL_HAPROXY or POOL_URL */
	int depool;		/* POOL_URL: 1 from --depool-url, 0 --repool-url */
	int changed;		/* set by pool_set(): 1 when it changed this target
				 * (renamed; HAProxy or the API said yes) or, with
				 * --dry-run, would have; 0 when it was already
				 * so, was left (MAINT, --if-drained), or failed */
	const char *arg;	/* the option's argument (argv, not copied);
				 * POOL_FILE: the path */
	union {
		struct hap_target ha;
		struct {
			char method[POOL_MAX_METHOD + 1];
			struct url url;	/* slices of arg */
		} http;
	} u;
};

struct pool_cfg {
	struct pool_target t[POOL_MAX_TARGETS];
	int n;
	const char *suffix;	/* --disabled-suffix, default ".disabled" */
	const char *body;	/* -d, or NULL */
	char hdrs[POOL_MAX_HDRS + 1];	/* "Name: value\r\n"..., validated */
	size_t hdrlen;
	int sync_later;		/* renames are not fsynced: pool_sync() does it,
				 * if the caller wants them to last */
	int marks;		/* drain: a file it renames out gets a marker
				 * (mark.c); else a depool drops the marker */
	int if_drained;		/* repool --if-drained: only files with a
				 * marker that matches (mark_check) */
	int force;		/* repool --force: a server in MAINT too */
};
#define POOL_CFG_INIT { .suffix = ".disabled" }

/* -f --disabled-suffix --haproxy --depool-url --repool-url -d -H --header-file */
extern const struct opt pool_opts[];
/* The help text depool and repool share (their applet's .more). */
extern const char pool_about[];

/* Handles pool_opts: returns 1 when id was one of them. A malformed value
 * or a 17th target is a usage error (exit 2, "(see 'APPLET --help')" with
 * log_name as the applet); --header-file is read here
 * (start-up), an unreadable or malformed file dies with exit 1, naming the
 * line but never showing its text. */
int pool_opt(struct pool_cfg *c, const struct optstate *o, int id);

/* How many targets of the kinds in mask pool_set(c, .., depool, mask)
 * would act on. */
int pool_count(const struct pool_cfg *c, int depool, unsigned kinds);

/* 1 when a URL target of that step is https (for net_start()). */
int pool_tls(const struct pool_cfg *c, int depool);

/* Once, after the options: a usage error (exit 2) when no target acts on
 * this step, or a path + suffix is too long. */
void pool_start(struct pool_cfg *c, int depool);

/* Depools (depool = 1) or repools (0) every target of the kinds in mask,
 * in order; tries them all even when one fails, logging one line each
 * (what was done, or `object: action: reason`), then a summary naming the
 * failed ones, and sets each acted-on target's `changed`. Honours dry_run
 * (says what each would do, changes nothing; files are still looked at). URL targets need net_start() first; the
 * request timeout is n->request_ms. Returns EX_OK or EX_FAIL. Blocks. */
int pool_set(struct pool_cfg *c, struct net_cfg *n, int depool, unsigned kinds);

/* fsyncs the directory of every health-file target, so the renames in it
 * last through a crash (pool_set does it at once unless c->sync_later).
 * A failure is a warning. */
void pool_sync(const struct pool_cfg *c);

/* ---- drain's markers (mark.c) --------------------------------------------- */

/* Where drain records the health files it depooled, so that `repool
 * --if-drained` puts back only those; the environment variable
 * DRAINBOX_RUN_DIR overrides it (tests). Trusted only when owned by root
 * (or the caller) and not writable by group or others. */
#define MARK_DIR "/run/drainbox"

enum { MARK_BAD = -2, MARK_STALE = -1, MARK_NONE = 0, MARK_OK = 1 };

/* After drain renamed path to moved: records the file now at moved
 * (device, inode, ctime) in a marker, creating the directory (0755) if need
 * be. 0, or -1 after a line saying what failed (the stop goes on): a
 * warning, or info when there is no such directory's parent or it is
 * read-only (a container, an initramfs). */
int mark_set(const char *path, const char *moved);

/* Is moved still the file drain renamed from path? MARK_OK yes; MARK_NONE
 * no marker; MARK_STALE a marker whose file has changed since (logged:
 * drop it); MARK_BAD an untrusted or unreadable marker or directory
 * (logged as an error; left as it is). Never follows a symlink, never
 * blocks on a FIFO. */
int mark_check(const char *path, const char *moved);

/* Removes the marker for moved, if there is one. One that cannot be
 * removed (not root) is a warning when warn is set: after a depool that
 * renamed nothing it may still let `repool --if-drained` repool. */
void mark_drop(const char *path, const char *moved, int warn);

/* GETs u (url_parse()d by the caller) every interval_ms until it answers
 * 2xx (EX_OK), until timeout_ms (EX_TIMEOUT), or until stop_signal
 * (EX_FAIL). Failures are logged when they change and every few seconds,
 * not at every poll. Needs net_start(). Blocks. */
/* Up to 160 bytes of hostile text s[0..n), first line only, blanks
 * around it dropped, anything not printable ASCII shown as '?'. Returns buf. */
char *show_text(char *buf, size_t size, const char *s, size_t n);

/* Describes a non-2xx answer into buf: status, reason, then where a
 * redirect points or the first line of the body (hostile text: at most
 * 160 printable bytes of each). Returns buf. */
const char *http_why(const struct http_resp *r, char *buf, size_t size);

int pool_wait_ready(struct net_cfg *n, const struct url *u, int64_t interval_ms,
		    int64_t timeout_ms);

/* ---- signals (sig.c) ------------------------------------------------------ */

/* Set by the SIGTERM/SIGINT handler installed by stop_on_signals(): the
 * signal number, or 0. Waits in lib/ check it and stop early. */
extern volatile sig_atomic_t stop_signal;

/* Installs that handler (without SA_RESTART, so poll() returns EINTR). */
void stop_on_signals(void);

/* drain's set, so no signal leaves a node half-drained: the handler for
 * every signal whose default action would end the process (HUP INT QUIT
 * USR1 USR2 ALRM TERM STKFLT VTALRM PROF XCPU IO PWR, and the real-time
 * ones), and SIG_IGN for PIPE XFSZ TSTP TTIN TTOU. Left alone: KILL and
 * STOP (they cannot be caught) and the fault signals (SEGV BUS FPE ILL
 * TRAP SYS ABRT: a bug, for a core dump). */
void stop_on_all_signals(void);

/* ---- pidkill steps (proc.c, pidfd.c, kill.c) ------------------------------ */

#define PROC_PID_MAX 4194304	/* the kernel's PID_MAX_LIMIT: no PID is higher */
#define PROC_COMM_MAX 64	/* a comm is 15 bytes; room for hostile text */

/* What /proc/PID/stat says about a process (proc.c). */
struct proc_stat {
	char comm[PROC_COMM_MAX];	/* made printable: other bytes become '?' */
	char state;			/* 'R', 'S', 'T', 'Z' (zombie), 'X'... */
	pid_t ppid;
	unsigned long flags;		/* PF_*: 0x00200000 is a kernel thread */
	unsigned long long start;	/* field 22: start time, ticks since boot */
};

/* Parses the text of /proc/PID/stat, buf[0..len) (no NUL needed). The comm
 * runs from the first '(' to the LAST ')', so one holding spaces, '(' or
 * ')' ("a) b (c") is read right. Returns 0, or -1 when a field up to the
 * 22nd is missing or malformed. Never reads past len; no allocation. */
int proc_stat_parse(const char *buf, size_t len, struct proc_stat *st);

/* Reads and parses /proc/PID/stat. Returns 0, or -1 with errno: ENOENT or
 * ESRCH for no such process, EINVAL for text that does not parse, else the
 * open/read error. Does not block (beyond /proc itself). */
int proc_stat_read(pid_t pid, struct proc_stat *st);

/* 1 when st is a process that has exited but is not yet reaped ('Z', 'X'). */
int proc_exited(const struct proc_stat *st);

/* A PID in text such as a pidfile's, buf[0..len): digits, with blanks and
 * newlines allowed around them, value 1..PROC_PID_MAX. Returns 0 with *pid
 * set, or -1 (empty, garbage, a sign, too big). */
int proc_pid_parse(const char *buf, size_t len, pid_t *pid);

/* 1 when process pid is called name as pidof(8) matches: its executable's
 * path or basename (a " (deleted)" suffix dropped from the basename), its
 * comm, or its argv[0] or argv[0]'s basename; and it is neither a kernel
 * thread nor exited. 0 otherwise, for the empty name, or when it cannot be
 * read. */
int proc_called(pid_t pid, const char *name);

struct proc_found {
	pid_t pid;
	unsigned long long start;	/* start time, seen at the match */
};

/* Scans /proc for processes called name (proc_called), skipping this
 * process, zombies and kernel threads (and the user-mode helpers kthreadd
 * starts: those listed as its children at the first call), and those keep
 * (when not NULL) returns 0 for: it is called for name matches only.
 * Stores the first max in out[].
 * Returns how many matched (may exceed max), or -1 with errno when /proc
 * cannot be read. Allocates nothing. */
int proc_find(const char *name, int (*keep)(pid_t pid), struct proc_found *out, int max);

/* 0 when /proc is a procfs mount; -1 with errno: the statfs(2) error
 * (ENOENT: no /proc), or EMEDIUMTYPE for something else (an empty
 * directory, as in an initramfs before `mount -t proc`). */
int proc_mounted(void);

/* From /proc/PID/status: the thread-group ID (the process a thread ID
 * belongs to; the PID itself for a process) and the effective UID. */
struct proc_ids {
	pid_t tgid;
	uid_t euid;
};

/* Reads them. Returns 0, or -1 with errno (ENOENT: no such PID). */
int proc_ids_read(pid_t pid, struct proc_ids *ids);

/* 1 when pid is a kernel thread (PF_KTHREAD in its stat line, read into
 * *st), 0 when not or when it cannot be read. */
int proc_kthread(pid_t pid, struct proc_stat *st);

struct stat;
/* 1 when pid runs the executable path, want being stat(path): the same
 * device and inode as /proc/PID/exe, or a deleted file on that device
 * whose link reads "PATH (deleted)" (the binary was replaced since the
 * process started). 0 otherwise, also when its exe cannot be read (another
 * user's process, unless we are root). */
int proc_exe_is(pid_t pid, const char *path, const struct stat *want);

/* A systemd service's cgroup, as /proc/PID/cgroup names it. */
#define PROC_CG_MAX 512
struct proc_cg {
	int v2;			/* 1: the cgroup v2 ("0::") line; 0: the v1 name=systemd one */
	size_t len;
	char path[PROC_CG_MAX];	/* "/system.slice/app.service" */
};

/* The service this process runs in: from /proc/self/cgroup, the cgroup v2
 * path unless it is the root "/" (then systemd's v1 hierarchy,
 * name=systemd, as on a legacy or hybrid host), cut after its last
 * component ending in ".service". Returns 1 with *cg set, 0 when there is
 * none (no such component: a login session, a container's root, no
 * cgroups), -1 with errno (ENAMETOOLONG: longer than PROC_CG_MAX - 1). */
int proc_cg_self(struct proc_cg *cg);

/* The same from text (NUL-terminated) in the form of /proc/PID/cgroup. */
int proc_cg_parse(const char *text, struct proc_cg *cg);

/* 1 when process pid is in cg or below it (on the same hierarchy), 0 when
 * not or when its cgroup cannot be read. */
int proc_in_cg(pid_t pid, const struct proc_cg *cg);

/* One process being stopped (pidfd.c). Through a pidfd where the kernel
 * has pidfd_open(2) (Linux 5.3): no PID-reuse race, exit seen by poll(2).
 * Elsewhere (ENOSYS, or EPERM from a seccomp filter), or when the
 * environment has DRAINBOX_NO_PIDFD=1 (used by the tests to cover that
 * path): kill(2) after checking the start time is unchanged, and /proc
 * polled every 25 ms, a changed start time or a zombie counting as exited. */
struct pidfd_proc {
	pid_t pid;
	int fd;				/* the pidfd, or -1: the /proc fallback */
	unsigned long long start;	/* start time when attached (0: unknown) */
	char comm[PROC_COMM_MAX];	/* its name for messages ("?" unknown) */
	int gone;	/* 0 running; pidfd_* set 1 when they see it exit; the
			 * caller may set other non-zero values (reported,
			 * given up): entries with gone != 0 are skipped */
};

enum { PIDFD_NONE = 1, PIDFD_ZOMBIE = 2 };

/* Attaches p to pid. want_start: 0, or the start time the caller saw
 * earlier (proc_find): another one means the PID was reused, PIDFD_NONE.
 * Returns 0 attached, PIDFD_NONE no such process, PIDFD_ZOMBIE it has
 * already exited (comm set), or -1 with errno (EINVAL: not a process, e.g.
 * a thread ID; ENOENT: it runs but /proc has no entry for it and there is
 * no pidfd). Holds no fd unless it returns 0. Does not block. */
int pidfd_attach(struct pidfd_proc *p, pid_t pid, unsigned long long want_start);

/* 1 while the process p is attached to runs (its pidfd has not seen it
 * exit; or, without one, /proc shows the same start time and no zombie).
 * What /proc said of the PID before a 1 was said of this process. */
int pidfd_alive(const struct pidfd_proc *p);

/* Sends sig to p (pidfd_send_signal(2), or kill(2) once the start time is
 * checked). Returns 0 sent, 1 it is gone (p->gone set to 1), or -1 with
 * errno (EPERM...). */
int pidfd_kill(struct pidfd_proc *p, int sig);

/* Blocks until at least one of p[0..n) with gone == 0 exits, or dl passes
 * (n <= PIDFD_MAX). Sets gone = 1 on each exit seen. Returns how many it
 * saw exit (0: dl passed, or none left running), or -1 with errno. EINTR
 * does not end the wait: stop_signal is not looked at. */
#define PIDFD_MAX 256
int pidfd_wait(struct pidfd_proc *p, int n, const struct deadline *dl);

/* Closes p's pidfd, if any. Keeps errno. */
void pidfd_detach(struct pidfd_proc *p);

/* The kill schedule (kill.c), start-stop-daemon --retry syntax: items split
 * by '/': a signal ("TERM", "SIGTERM", "-TERM", "-15"; in capitals, as
 * kill -l lists them), a timeout (digits first: "10" seconds, or any duration such as
 * "500ms"), or "forever" (at most once: the items after it repeat until
 * the processes are gone). A bare timeout N means TERM/N/KILL/N. Unlike
 * start-stop-daemon, a schedule may not end with a signal (it would fail
 * at once: nothing waits for it to work). */
#define KILL_SCHED_MAX 16
struct kill_step {
	int sig;		/* > 0: send it; 0: wait up to ms */
	int64_t ms;
};
struct kill_sched {
	struct kill_step step[KILL_SCHED_MAX];
	int n;
	int repeat;		/* the step "forever" goes back to, or -1 */
	char text[64];		/* for messages: the schedule as given */
};
#define KILL_SCHED_DEFAULT "TERM/10/KILL/5"

/* Parses text into s. Returns 0, or -1 with *why set to a static reason
 * ("'x' is not a signal, a timeout or 'forever'"). */
int kill_sched_parse(struct kill_sched *s, const char *text, const char **why);

/* "TERM", "SIGTERM" or "15" -> 15; -1 when not a signal 1..64. */
int kill_sig_parse(const char *s);

/* "SIGTERM", or "signal 40" for one without a name; in buf. */
const char *kill_sig_name(int sig, char *buf, size_t size);

/* Who to stop and how: the kill option group, shared by pidkill and drain. */
#define KILL_MAX PIDFD_MAX	/* processes one kill step handles */
struct kill_cfg {
	const char *pidfile;	/* -p/--pidfile */
	const char *name;	/* -n/--name */
	const char *schedule;	/* -s/--schedule; NULL: KILL_SCHED_DEFAULT */
	int all;		/* -a/--all */
	int npid;
	pid_t pid[KILL_MAX];	/* --pid and kill_add_pid() */
	int has_user;		/* --user given: only processes of euid uid */
	uid_t uid;
	const char *exec;	/* --exec PATH, or NULL */
	dev_t exec_dev;		/* stat(exec) at the option */
	ino_t exec_ino;
	int any_cgroup;		/* --any-cgroup */
	void (*tick)(void);	/* called every KILL_TICK_MS while the schedule
				 * waits (drain: its fleet lease), or NULL */
};
#define KILL_CFG_INIT { 0, 0, 0, 0, 0, { 0 }, 0, 0, 0, 0, 0, 0, 0 }
#define KILL_TICK_MS 1000

/* --pid PID, -p/--pidfile FILE, -n/--name NAME, -a/--all, -s/--schedule
 * SCHED, --user USER|UID, --exec PATH, --any-cgroup. Not --strict
 * (pidkill's own) nor --dry-run (dryrun_opts). */
extern const struct opt kill_opts[];
#define OPT_KILL_PID (OPTID_KILL + 0)
#define OPT_KILL_USER (OPTID_KILL + 1)
#define OPT_KILL_EXEC (OPTID_KILL + 2)
#define OPT_KILL_ANYCG (OPTID_KILL + 3)

/* Handles kill_opts: returns 1 when id was one of them. A bad PID or
 * schedule, -p/-n given twice, a --user not in /etc/passwd (read by us:
 * no NSS) or an --exec PATH that stat(2) fails on is a usage error: exits
 * 2. Positional
 * arguments (OPT_ARG) are not taken: an applet whose arguments are PIDs
 * passes them to kill_add_pid(). */
int kill_opt(struct kill_cfg *c, const struct optstate *o, int id);

/* Adds the PID in text arg (strict: digits, 1..PROC_PID_MAX); a bad one or
 * more than KILL_MAX is a usage error: exits 2. */
void kill_add_pid(struct kill_cfg *c, const char *arg);

/* 1 when c names someone to stop: a PID, a pidfile, a name, or (none of
 * them) a non-empty $MAINPID. pidkill uses it to call an empty command
 * line outside systemd (no INVOCATION_ID) a usage error. */
int kill_has_who(const struct kill_cfg *c);

/* The kill step. Who: the PIDs, the pidfile's PID, the processes named
 * name (more than one needs all), or $MAINPID when none is given (no
 * $MAINPID either: nothing to do, as systemd unsets it once the main
 * process is gone; a garbage one is EX_FAIL). Each, however named, must
 * also be --user's and run --exec, when given; when this process runs in
 * a systemd service's cgroup (proc_cg_self), the pidfile's and the name's
 * must be in it too, unless any_cgroup; the others are left alone, and
 * said so. /proc must be procfs (EX_FAIL). Refuses PID 1, this process,
 * its parent, a thread ID and a kernel thread (exit 1, nothing
 * signalled). Nothing to stop (no such process, a zombie, a missing or
 * stale pidfile, no process by that name, all left alone) logs why and
 * returns EX_OK, or EX_FAIL when strict. A bad pidfile is EX_FAIL: not a
 * regular file (opened O_NOFOLLOW, O_NONBLOCK, O_NOCTTY: a FIFO or a tty
 * cannot block or become our terminal), 64 bytes or more, not one PID,
 * or, when we are root and neither --user nor --exec is given, one owned
 * by another user or writable by others (they could name any process).
 * With dry_run it says what it would signal and signals nothing. Runs the
 * schedule on all at once and waits for each to really exit (a zombie
 * counts as exited). Logs "sent SIGTERM to 1234 (hhvm)", "1234 (hhvm)
 * exited after 1.84s", "1234 (hhvm) still running after TERM/10/KILL/5".
 * Returns EX_OK all gone, EX_FAIL a failure (e.g. EPERM), EX_TIMEOUT some
 * survived the schedule. Blocks for up to the schedule's length; a signal
 * to this process (stop_signal) does not cut it short, so drain leaves the
 * node sane. Never exits except for usage errors. */
int kill_run(struct kill_cfg *c, int strict);

/* ---- systemd notify (notify.c) ----------------------------------------------
 * Messages to systemd over sd_notify_send(); each does nothing when
 * NOTIFY_SOCKET is unset. A failed send is a warning, logged once; none
 * blocks, allocates or exits. The unit needs NotifyAccess=all for systemd
 * to take them from an ExecStop= process. */

/* 1 when $NOTIFY_SOCKET is set and not empty. */
int notify_on(void);

/* Sends "STATUS=NAME: TEXT" (NAME is log_name; TEXT from fmt, cut at
 * about 500 bytes) for `systemctl status`. */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sends "EXTEND_TIMEOUT_USEC=" ms * 1000 (ms below 1000 counts as 1000):
 * systemd's current timeout (TimeoutStopSec during a stop) may not fire
 * within ms from now; send it again before ms have passed to keep going. */
void notify_extend(int64_t ms);


/* ---- a fleet's slots in etcd (fleet.c) ---------------------------------------- */

#define FLEET_MAX_KEY 256	/* PREFIX/ID, bytes */

struct fleet {
	const char *lock, *id;	/* --fleet-lock URL, --fleet-id (host name) */
	long long max;		/* --fleet-max, default 1 */
	int64_t ttl_ms, wait_ms;	/* --fleet-ttl (120s), --fleet-wait (60s) */
	struct url u;		/* the lock URL; its path is the prefix */
	char key[FLEET_MAX_KEY];	/* PREFIX/ID */
	size_t plen;		/* PREFIX is key[0..plen) */
	long long lease;	/* the key's lease, 0 when none is held */
	int64_t keep_at;	/* when the next keepalive is due (mono_ms) */
};
#define FLEET_INIT { 0, 0, 1, 120000, 60000, { 0 }, { 0 }, 0, 0, 0 }

#if CFG_FLEET
/* --fleet-lock URL, --fleet-id ID (drain and repool) */
extern const struct opt fleet_opts[];

/* Handles fleet_opts: returns 1 when id was one of them. */
int fleet_opt(struct fleet *f, const struct optstate *o, int id);

/* Once, after the options, when f->lock is set: parses the URL (its path,
 * without trailing '/', is the prefix), defaults the ID to the host name,
 * builds the key. A bad value is a usage error (exit 2). */
void fleet_start(struct fleet *f);

/* Makes this node's key (or finds the one an earlier run made and keeps
 * its lease), then waits until it is among the f->max oldest keys under
 * the prefix, for at most f->wait_ms, saying who holds the slots and
 * keeping the lease alive. Needs net_start(). Every request is bounded by
 * nc->request_ms. Returns EX_OK (held), EX_TIMEOUT (the wait ran out; the
 * key stays, in the queue), or EX_FAIL (etcd failed or answered garbage,
 * logged; or stop_signal). */
int fleet_take(struct fleet *f, struct net_cfg *nc);

/* Keeps the lease alive when a third of the TTL has passed since the last
 * time (now: at once). Cheap when not due; call it from every poll loop
 * while the slot is held. A failure is logged; a lease found gone too. */
void fleet_keep(struct fleet *f, struct net_cfg *nc, int now);

/* Deletes the key PREFIX/ID: the slot is free. EX_OK (also when there was
 * no key) or EX_FAIL (logged). */
int fleet_release(struct fleet *f, struct net_cfg *nc);

/* Reads `show servers state BACKEND` at t's socket: *up counts the other
 * servers UP and READY (not DRAIN, not MAINT), *out is 1 when the server
 * itself is DOWN or in DRAIN or MAINT. 0, or -1 after a warning. */
int fleet_hap_view(const struct hap_target *t, struct net_cfg *nc, int *up, int *out);
#else
/* CONFIG_FLEET=n: no options, and drain and repool call these no-ops, so
 * --gc-sections drops fleet.c and json.c */
#define fleet_opts ((const struct opt *)0)
static inline int fleet_opt(struct fleet *f, const struct optstate *o, int id)
{ (void)f; (void)o; (void)id; return 0; }
static inline void fleet_start(struct fleet *f) { (void)f; }
static inline int fleet_take(struct fleet *f, struct net_cfg *nc)
{ (void)f; (void)nc; return EX_OK; }
static inline void fleet_keep(struct fleet *f, struct net_cfg *nc, int now)
{ (void)f; (void)nc; (void)now; }
static inline int fleet_release(struct fleet *f, struct net_cfg *nc)
{ (void)f; (void)nc; return EX_OK; }
static inline int fleet_hap_view(const struct hap_target *t, struct net_cfg *nc, int *up,
				 int *out)
{ (void)t; (void)nc; *up = *out = 0; return -1; }
#endif

#endif
