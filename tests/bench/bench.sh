#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/bench/bench.sh - `make bench`: speed, memory and size figures, as
# ratios against the tools drainbox replaces, measured in the same run.
# A benchmark, not a test: it prints each figure and whether its goal is
# met, and never fails on a goal (exit 1 only when it could not run).
#
#  1. (issue 3) a loopback GET of a body "0" from nginx (started here on
#     127.0.0.1, HTTPS with a self-signed certificate made for this run):
#     `drainbox waitload -u URL -t 5s` against `curl -s URL` and (HTTP)
#     `busybox wget -q -O- URL`, N runs each (median, mean); peak RSS
#     (VmHWM at exit); goals: >= 12x faster than curl over HTTP, >= 5x over
#     HTTPS, <= 1/30 of curl's peak RSS.
#  2. (issue 3) stripped size with TLS (build/drainbox) and without
#     (make B=SCRATCH CONFIG_TLS=n); goal: with TLS <= 140 KB (140,000 bytes).
#  3. (issue 5) drain's own overhead: depool (health file) + one load read
#     (already 0) + kill of a process that exits at once + repool, against
#     the classic bash script of mv/curl/pidof/kill/mv; goal <= 1/10 of
#     its time. Beside it: drain --pid against the script given the PID
#     too.
#  4. (issue 5) HAProxy scenario (tests/e2e/lib.sh): the stop time of drain
#     (health file, --grace = the detection time inter x fall = 1s, -i 100ms)
#     under steady load with 400 ms requests, against detection + longest
#     request; goal: within one poll interval. Then, for contrast, the same
#     without the grace and a plain kill: requests fail.
#  soak. (issue 12) SOAK drains in a row (default 2000) of a real backend
#     (tests/helpers/backend, started anew for each, a health file, its
#     /load as the load source), each traced by brun -m: the descriptors
#     drain still has open at its exit and its peak RSS (VmHWM), first vs
#     last run and the range over all; then what is left behind: a health
#     file not back in place, new entries under /run. Traced without
#     address randomisation (brun -R), so runs compare page for page. Not in the default
#     PARTS; `make bench PARTS=soak`. Last line "soak: ... same: yes|NO".
# Environment: N (runs per command, default 200), B (build dir), PARTS
# (the parts to run, default "1 2 3 4": `make bench PARTS=3`), SOAK.
# Needs nginx, openssl, curl, busybox, haproxy, python3, bash, pidof;
# when one is missing and root, runs toolchain/test-deps.sh --bench; a
# part whose tools are still missing is skipped and says so.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case ${B:=build} in /*) ;; *) B=$TOP/$B ;; esac
B=$(cd "$B" && pwd) || exit 1
N=${N:-200}
PARTS=${PARTS:-1 2 3 4}
PATH="$B/helpers:$PATH:/usr/sbin:/sbin"
export PATH
DB=$B/drainbox
BRUN=$B/bench/brun
[ -x "$DB" ] && [ -x "$BRUN" ] || { echo "bench: run it with 'make bench'" >&2; exit 1; }

say() { printf '%s\n' "$*"; }
have() { for _h; do command -v "$_h" >/dev/null 2>&1 || return 1; done; }

if [ "$PARTS" != soak ] && ! have nginx openssl curl busybox haproxy python3 bash pidof &&
    [ "$(id -u)" = 0 ]; then
	say "bench: installing what is missing: sh toolchain/test-deps.sh --bench"
	sh "$TOP/toolchain/test-deps.sh" --bench >&2
fi

. "$TOP/tests/e2e/lib.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/drainbox-bench.XXXXXX") || exit 1
E2E_DIR=$WORK
NGINX_PID=
cleanup() {
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	e2e_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# field LINE NAME: the number after NAME in a brun line
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
# ms US: microseconds as milliseconds with 2 decimals
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
# sec MS: milliseconds as seconds with 2 decimals
sec() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }
# ratio A B: A / B with 1 decimal ("-" when B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "-" }'; }
# goal TEXT OK: a goal line
GOALS=
goal() {
	if [ "$2" = 1 ]; then _g=met; else _g="NOT met"; fi
	say "  goal: $1: $_g"
	GOALS="$GOALS
  $1: $_g"
}
# ge A B: 1 when A >= B (decimals)
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "-" && a + 0 >= b + 0) ? 1 : 0 }'; }

# nth TEXT K: line K of TEXT
nth() { echo "$1" | sed -n "${2}p"; }
# show LABEL TIMELINE [MEMLINE]: a row of the table; sets T_MED T_MEAN M_HWM
show() {
	T_MED=$(field "$2" median_us) T_MEAN=$(field "$2" mean_us)
	M_HWM=$(field "${3:-}" vmhwm_kb)
	_f=$(field "$2" failed)
	printf '  %-24s %8s ms %8s ms %9s%s\n' "$1" "$(ms "$T_MED")" "$(ms "$T_MEAN")" \
		"${M_HWM:+$M_HWM KiB}" "$([ "$_f" = 0 ] || echo "  ($_f of $N runs FAILED)")"
}

# ---- nginx on loopback, HTTP and HTTPS ------------------------------------------
nginx_start() {
	_d=$WORK/nginx
	mkdir -p "$_d/tmp"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$_d/key.pem" \
		-out "$_d/cert.pem" -subj /CN=127.0.0.1 -days 2 \
		-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || return 1
	for _try in 1 2 3 4 5; do
		NG_HTTP=$(e2e_free_port) NG_HTTPS=$(e2e_free_port)
		cat >"$_d/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $_d/nginx.pid;
error_log $_d/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $_d/tmp;
    proxy_temp_path $_d/tmp;
    fastcgi_temp_path $_d/tmp;
    uwsgi_temp_path $_d/tmp;
    scgi_temp_path $_d/tmp;
    server {
        listen 127.0.0.1:$NG_HTTP;
        listen 127.0.0.1:$NG_HTTPS ssl;
        ssl_certificate $_d/cert.pem;
        ssl_certificate_key $_d/key.pem;
        location = /load { default_type text/plain; return 200 "0"; }
    }
}
EOF
		nginx -e "$_d/error.log" -p "$_d" -c "$_d/nginx.conf" >/dev/null 2>&1 &
		NGINX_PID=$!
		if e2e_wait 5 "curl -sf http://127.0.0.1:$NG_HTTP/load" &&
		    e2e_wait 5 "curl -sf --cacert $_d/cert.pem https://127.0.0.1:$NG_HTTPS/load"; then
			CERT=$_d/cert.pem
			return 0
		fi
		kill "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=
	done
	return 1
}

bench_get() {
	say "== 1. loopback GET of a body \"0\" from nginx: $N runs each (issue 3)"
	if ! have nginx openssl curl; then
		say "  skipped: needs nginx, openssl and curl"
		return
	fi
	nginx_start || { say "  skipped: nginx did not start"; return; }
	_curl=$(command -v curl)
	_http=http://127.0.0.1:$NG_HTTP/load
	_https=https://127.0.0.1:$NG_HTTPS/load
	set -- "$DB" waitload -u "$_http" -t 5s ::: "$_curl" -s "$_http" \
		::: "$DB" waitload -u "$_https" --cacert "$CERT" -t 5s \
		::: "$_curl" -s --cacert "$CERT" "$_https"
	have busybox && set -- "$@" ::: "$(command -v busybox)" wget -q -O- "$_http"
	say "  (the commands run in turn, run 1 of each, then run 2 of each...)"
	_t=$("$BRUN" -n "$N" -w 5 "$@")
	_m=$("$BRUN" -m -n 3 "$@")
	say "  $(printf '%-24s %11s %11s %13s' '' median mean 'peak RSS')"
	show "drainbox waitload http" "$(nth "$_t" 1)" "$(nth "$_m" 1)"
	_dbh=$T_MED _dbhm=$T_MEAN _dbr=$M_HWM
	show "curl http" "$(nth "$_t" 2)" "$(nth "$_m" 2)"
	_ch=$T_MED _chm=$T_MEAN _cr=$M_HWM
	_bh=
	if have busybox; then
		show "busybox wget http" "$(nth "$_t" 5)" "$(nth "$_m" 5)"
		_bh=$T_MED _bhm=$T_MEAN
	fi
	show "drainbox waitload https" "$(nth "$_t" 3)" "$(nth "$_m" 3)"
	_dbs=$T_MED _dbsm=$T_MEAN _dbsr=$M_HWM
	show "curl https" "$(nth "$_t" 4)" "$(nth "$_m" 4)"
	_cs=$T_MED _csm=$T_MEAN _csr=$M_HWM
	say "  (commands: $DB waitload -u URL [--cacert CERT] -t 5s; curl -s [--cacert CERT] URL;"
	say "   busybox wget -q -O- URL; a self-signed RSA-2048 certificate for IP 127.0.0.1)"
	_r=$(ratio "$_ch" "$_dbh")
	say "  HTTP:  drainbox is $_r x faster than curl (median; mean: $(ratio "$_chm" "$_dbhm") x)"
	[ -n "$_bh" ] && say "         and $(ratio "$_bh" "$_dbh") x faster than busybox wget (mean: $(ratio "$_bhm" "$_dbhm") x)"
	goal ">= 12x faster than curl over HTTP ($_r x)" "$(ge "$_r" 12)"
	_r=$(ratio "$_cs" "$_dbs")
	say "  HTTPS: drainbox is $_r x faster than curl (median; mean: $(ratio "$_csm" "$_dbsm") x)"
	goal ">= 5x faster than curl over HTTPS ($_r x)" "$(ge "$_r" 5)"
	_r=$(ratio "$_cr" "$_dbr") _r2=$(ratio "$_csr" "$_dbsr")
	say "  peak RSS: drainbox $_dbr KiB (HTTPS $_dbsr KiB), curl $_cr KiB (HTTPS $_csr KiB): 1/$_r (HTTPS 1/$_r2)"
	_ok=$(ge "$_r" 30)
	[ "$(ge "$_r2" 30)" = 1 ] || _ok=0
	goal "<= 1/30 of curl's peak RSS (HTTP 1/$_r, HTTPS 1/$_r2)" "$_ok"
}

# ---- sizes ------------------------------------------------------------------------
bench_size() {
	say "== 2. stripped size (issue 3)"
	_tls=$(sed -n 's/^#define CFG_TLS //p' "$B/config.h")
	_s=$(stat -c %s "$DB")
	say "  $B/drainbox: $_s bytes ($(ratio "$_s" 1024) KiB), TLS $([ "$_tls" = 1 ] && echo on || echo off)"
	_c=$WORK/notls
	if make -C "$TOP" B="$_c" CONFIG_TLS=n all >"$WORK/notls.log" 2>&1; then
		_n=$(stat -c %s "$_c/drainbox")
		say "  CONFIG_TLS=n:  $_n bytes ($(ratio "$_n" 1024) KiB); TLS adds $((_s - _n)) bytes"
		say "  (make B=$_c CONFIG_TLS=n, a scratch build directory)"
	else
		say "  CONFIG_TLS=n build failed:"
		tail -n 5 "$WORK/notls.log" | sed 's/^/    /'
	fi
	if [ "$_tls" = 1 ]; then
		goal "size with TLS <= 140 KB ($_s bytes)" "$([ "$_s" -le 140000 ] && echo 1 || echo 0)"
	else
		say "  (build/ is CONFIG_TLS=n: no figure with TLS)"
	fi
}

# ---- drain's overhead against the classic bash script ----------------------------
bench_overhead() {
	say "== 3. drain's own overhead against the classic bash script: $N runs each (issue 5)"
	if ! have bash curl pidof nginx openssl; then
		say "  skipped: needs bash, curl, pidof and nginx"
		return
	fi
	[ -n "$NGINX_PID" ] || nginx_start || { say "  skipped: nginx did not start"; return; }
	_d=$WORK/overhead
	mkdir -p "$_d"
	cp "$(command -v sleep)" "$_d/dbvictim"
	echo ok >"$_d/health"
	cat >"$_d/classic.sh" <<'EOF'
#!/bin/bash
# the ExecStop= script drain replaces: depool, wait for load 0, kill, repool
mv "$1" "$1.disabled"
load=$(curl -s "$2")
while [ "$load" != 0 ]; do
	echo "Waiting another second because the load is still $load"
	sleep 1
	load=$(curl -s "$2")
done
kill $(pidof dbvictim)
mv "$1.disabled" "$1"
EOF
	# the same given the PID, as an ExecStop= script may use $MAINPID
	sed 's/kill $(pidof dbvictim)/kill "$3"/' "$_d/classic.sh" >"$_d/classic-pid.sh"
	_url=http://127.0.0.1:$NG_HTTP/load
	say "  each run: rename $_d/health away, read $_url (0), stop dbvictim (sleep 600, exits on TERM), rename back"
	say "  (the commands run in turn, each with a fresh dbvictim)"
	set -- "$(command -v bash)" "$_d/classic.sh" "$_d/health" "$_url" \
		::: "$DB" drain -f "$_d/health" -u "$_url" -n dbvictim -s TERM/5/KILL/5 \
		::: "$DB" drain -f "$_d/health" -u "$_url" --pid %PID -s TERM/5/KILL/5 \
		::: "$(command -v bash)" "$_d/classic-pid.sh" "$_d/health" "$_url" %PID
	_t=$("$BRUN" -n "$N" -w 5 -V "$_d/dbvictim" "$@")
	say "  $(printf '%-24s %11s %11s' '' median mean)"
	show "bash mv/curl/pidof/kill" "$(nth "$_t" 1)"
	_bm=$T_MED _bmean=$T_MEAN
	show "drain -n dbvictim" "$(nth "$_t" 2)"
	_dm=$T_MED _dmean=$T_MEAN
	show "drain --pid PID" "$(nth "$_t" 3)"
	_pm=$T_MED _pmean=$T_MEAN
	show "bash mv/curl/kill PID" "$(nth "$_t" 4)"
	_km=$T_MED _kmean=$T_MEAN
	[ -e "$_d/health" ] || say "  (the health file is not back: a run went wrong)"
	say "  (drain waits for the process to exit, through a pidfd; the script does not wait)"
	say "  (-n and pidof scan /proc: $(proc_census) now; -n skips the kernel threads from one list, pidof reads each)"
	_r=$(ratio "$_bm" "$_dm")
	say "  drain -n (finds the process as pidof does) takes 1/$_r of the script's time (median; mean 1/$(ratio "$_bmean" "$_dmean"))"
	say "  drain --pid (\$MAINPID under systemd) takes 1/$(ratio "$_km" "$_pm") of the script given the PID too (median; mean 1/$(ratio "$_kmean" "$_pmean"))"
	goal "drain <= 1/10 of the bash script's time (drain -n: 1/$_r)" "$(ge "$_r" 10)"
}

# proc_census: "N processes, K of them kernel threads" (an empty cmdline)
proc_census() {
	_all=0 _kt=0
	for _p in /proc/[0-9]*; do
		_all=$((_all + 1))
		[ -n "$(cat "$_p/cmdline" 2>/dev/null | head -c 1)" ] || _kt=$((_kt + 1))
	done
	echo "$_all processes, $_kt of them kernel threads"
}

# ---- the HAProxy scenario: stop time ------------------------------------------------
# hap_run NAME LOADGEN-ARGS DRAIN-ARGS...: one scenario; "PID", "HEALTH"
# and "URL" in DRAIN-ARGS stand for backend 1's; DRAIN-ARGS "kill" sends
# a plain SIGTERM instead of running drain. Sets R_MS R_RC and LG_*.
hap_run() {
	_name=$1 _lg=$2
	shift 2
	E2E_DIR=$WORK/hap-$_name
	mkdir -p "$E2E_DIR"
	R_MS=- R_RC=- LG_SENT=0 LG_FAILED=-1
	if ! e2e_backend 1 || ! e2e_backend 2 || ! e2e_haproxy 500 2 2; then
		e2e_cleanup
		return 1
	fi
	e2e_loadgen $_lg
	e2e_wait 10 "[ \"\$(e2e_stat srv1 stot)\" -ge 5 ] && [ \"\$(e2e_stat srv2 stot)\" -ge 5 ]"
	sleep 1
	_args=
	for _a; do
		case $_a in
		PID) _a=$BE1_PID ;;
		HEALTH) _a=$BE1_HEALTH ;;
		URL) _a=http://127.0.0.1:$BE1_PORT/load ;;
		esac
		_args="$_args $_a"
	done
	_t0=$(e2e_now_ms)
	if [ "$1" = kill ]; then
		kill "$BE1_PID"
		R_RC=0
	else
		timeout -k 5 60 "$DB" drain $_args 2>"$E2E_DIR/drain.log"
		R_RC=$?
	fi
	R_MS=$(($(e2e_now_ms) - _t0))
	sleep 1.5
	e2e_loadgen_stop
	e2e_cleanup
}

bench_haproxy() {
	say "== 4. drain's stop time under a real HAProxy (issue 5)"
	if ! have haproxy python3 timeout; then
		say "  skipped: needs haproxy and python3"
		return
	fi
	say "  health check every 500ms, fall 2: detection time 1.0s; 8 clients, requests of 400ms back to back"
	say "  drain -f HEALTH --grace 1000ms -u URL -i 100ms --pid PID"
	_worst=0
	for _i in 1 2 3; do
		if ! hap_run "stop$_i" "-c 8 -m 400" -f HEALTH --grace 1000ms -u URL -i 100ms -t 20s --pid PID; then
			say "  run $_i: haproxy did not start"
			continue
		fi
		say "  run $_i: stop time $(sec "$R_MS")s (exit $R_RC), clients: $LG_SENT sent, $LG_FAILED failed"
		[ "$R_MS" -gt "$_worst" ] && _worst=$R_MS
	done
	say "  detection (1.0s) + longest request (0.4s) = 1.40s; worst stop time $(sec "$_worst")s"
	goal "stop time within one poll interval (0.1s) of detection + longest request ($(sec "$_worst")s <= 1.50s)" \
		"$([ "$_worst" -gt 0 ] && [ "$_worst" -le 1500 ] && echo 1 || echo 0)"
	say "  for contrast, light load (3 clients, 20-100ms requests, idle gaps; not a goal, may vary):"
	if hap_run nograce "-c 3 -m 20-100 -g 300" -f HEALTH --grace 0 -u URL -i 100ms -t 20s --pid PID; then
		say "    drain with --grace 0: $LG_FAILED of $LG_SENT requests failed (stop time $(sec "$R_MS")s)"
	fi
	if hap_run grace "-c 3 -m 20-100 -g 300" -f HEALTH --grace 1500ms -u URL -i 100ms -t 20s --pid PID; then
		say "    drain with --grace 1500ms: $LG_FAILED of $LG_SENT requests failed (stop time $(sec "$R_MS")s)"
	fi
	if hap_run kill "-c 8 -m 400" kill; then
		say "    plain kill under steady load: $LG_FAILED of $LG_SENT requests failed"
	fi
}

# soak_one I: one drain of a fresh backend, traced; sets S_LINE, S_OK
soak_one() {
	: >"$SOAK_DIR/www/status"
	rm -f "$SOAK_DIR/port"
	backend -f "$SOAK_DIR/www/status" -t 120 >"$SOAK_DIR/port" &
	_bp=$!
	_n=0
	while [ ! -s "$SOAK_DIR/port" ] && [ $_n -lt 500 ]; do sleep 0.01; _n=$((_n + 1)); done
	S_LINE=$("$BRUN" -m -R -n 1 -w 0 "$DB" drain -f "$SOAK_DIR/www/status" \
		-u "http://127.0.0.1:$(cat "$SOAK_DIR/port")/load" -i 100ms -t 5s "$_bp")
	kill "$_bp" 2>/dev/null
	wait "$_bp" 2>/dev/null
	S_OK=1
	[ -e "$SOAK_DIR/www/status" ] && [ "$(ls "$SOAK_DIR/www")" = status ] || S_OK=0
}

bench_soak() {
	_runs=${SOAK:-2000}
	say "== soak: $_runs drains in a row of a real backend, each traced (issue 12)"
	if ! have backend; then
		say "  skipped: needs build/helpers/backend (make bench builds it)"
		return
	fi
	SOAK_DIR=$WORK/soak
	mkdir -p "$SOAK_DIR/www"
	find /run -xdev 2>/dev/null | sort >"$WORK/run.before"
	_i=0 _bad=0 _failed=0 _fmin= _fmax=0 _hmin= _hmax=0
	while [ $_i -lt "$_runs" ]; do
		_i=$((_i + 1))
		soak_one
		_f=$(field "$S_LINE" fds) _h=$(field "$S_LINE" vmhwm_kb)
		[ "$(field "$S_LINE" failed)" = 0 ] || _failed=$((_failed + 1))
		[ "$S_OK" = 1 ] || _bad=$((_bad + 1))
		[ $_i = 1 ] && _first="$_f $_h"
		[ -z "$_fmin" ] || [ "$_f" -lt "$_fmin" ] && _fmin=$_f
		[ "$_f" -gt "$_fmax" ] && _fmax=$_f
		[ -z "$_hmin" ] || [ "$_h" -lt "$_hmin" ] && _hmin=$_h
		[ "$_h" -gt "$_hmax" ] && _hmax=$_h
	done
	_last="$_f $_h"
	find /run -xdev 2>/dev/null | sort >"$WORK/run.after"
	_new=$(comm -13 "$WORK/run.before" "$WORK/run.after" | grep -i drain | tr '\n' ' ')
	say "  first run: ${_first% *} descriptors open at exit, VmHWM ${_first#* } KiB"
	say "  last run:  ${_last% *} descriptors open at exit, VmHWM ${_last#* } KiB"
	say "  all $_runs: descriptors $_fmin..$_fmax, VmHWM $_hmin..$_hmax KiB, $_failed exit non-zero"
	say "  left behind: ${_new:-nothing} under /run (entries naming drain), $_bad health files not back"
	# peak RSS moves by a page or so from run to run (where the stack and
	# the heap land); a leak grows with the runs: allow 2 pages, no more
	if [ "${_first% *}" = "${_last% *}" ] && [ "$_fmin" = "$_fmax" ] &&
	    [ $((_hmax - _hmin)) -le 8 ] && [ $_failed = 0 ] &&
	    [ $_bad = 0 ] && [ -z "$_new" ]; then
		_same=yes
	else
		_same=NO
	fi
	say "soak: $_runs drains, first and last the same (peak RSS within 8 KiB), nothing left: $_same"
	goal "soak: descriptors and peak RSS the same from the first to the last drain" \
		"$([ $_same = yes ] && echo 1 || echo 0)"
}

say "drainbox bench: $("$DB" --version 2>&1 | head -n 1), $(uname -sr), $(nproc) CPUs"
for _part in $PARTS; do
	case $_part in
	1) bench_get ;;
	2) bench_size ;;
	3) bench_overhead ;;
	4) bench_haproxy ;;
	soak) bench_soak ;;
	*) say "bench: no part $_part (PARTS: 1 2 3 4 soak)"; exit 1 ;;
	esac
done
say "== goals (figures above; a goal not met is reported, never a failure):$GOALS"
exit 0
