# SPDX-License-Identifier: 0BSD
# systemd-driver.sh - the checks of tests/e2e/systemd.test, run inside the
# container it boots, as test-driver.service (the only unit the boot target
# wants). Writes PASS:/FAIL: lines and notes into /t/results, the
# container's journal into /t/journal.txt, then powers the container off.
# Ports are fixed: the container has a network namespace of its own.
#
# The units (see systemd.test), each with its backend's port:
#   app           app-healthfile.service, TimeoutStopSec=2s (9001)
#   app-cut       the same with NotifyAccess=main (9002)
#   app-warn      the same with -t 1s (9003)
#   app-norefuse  the same, its health directory missing (9004)
#   app-fork      the same as Type=forking with PIDFile=, TimeoutStopSec=2s (9005)
#   app-op        the same, depooled by an operator (9007)
#   app-api       app-haproxy.service (Type=notify), TimeoutStopSec=1s (8080)
#   app-name      not an example: ExecStop=drain -n backend (9006)
#   app-pk        not an example: ExecStop=pidkill (9008)
#   other-node    a backend outside them all (9101)
# HAProxy: frontend 8001 -> app, other-node (health file checks); 8002 ->
# be/srv1 (app-api), be/srv2 (other-node); 8003 -> be/srv1 alone.
set -u
R=/t/results
H=/opt/drainbox-helpers
W=/run/dbt
: >"$R"
mkdir -p "$W"
# e2e_wait and e2e_now_ms (and pool.sh's hap_query): lib.sh, which
# systemd.test copies into /t as it is in the tree
TOP=/t
. "$TOP/tests/e2e/lib.sh"

pass() { echo "PASS: systemd $1" >>"$R"; }
fail() { echo "FAIL: systemd $1${2:+ ($2)}" | tr '\n\t' '  ' >>"$R"; echo >>"$R"; }
note() { echo "# $*" >>"$R"; }
check() {
	_n=$1
	shift
	if eval "$@"; then pass "$_n"; else fail "$_n" "$*"; fi
}
prop() { systemctl show -p "$2" --value "$1"; }
alive() { kill -0 "$1" 2>/dev/null; }
# the unit's journal, messages only (drain's own lines and systemd's)
jrnl() { journalctl -q --no-pager -o cat "$@"; }
hap() { hap_query /run/haproxy/admin.sock "$1"; }
hap_stat() {
	hap "show stat" | awk -F, -v b="$1" -v s="$2" -v f="$3" '
		/^# / { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == b && $2 == s { print $col[f]; exit }'
}
hap_admin() { hap "show servers state $1" | awk -v s="$2" '$4 == s { print $7 }'; }
http_code() { curl -s -o /dev/null -m "${2:-2}" -w '%{http_code}' "$1"; }
# lg_result FILE: "SENT OK FAILED" from loadgen's output
lg_result() { sed -n 's/^sent \([0-9]*\) ok \([0-9]*\) failed \([0-9]*\)$/\1 \2 \3/p' "$1"; }

finish() {
	touch "$W/lg.stop"
	journalctl -q --no-pager -o short-monotonic >/t/journal.txt 2>&1
	note "driver done"
	systemctl --force poweroff
	exit 0
}

# ---- start everything ------------------------------------------------------------

for d in /var/www /var/www/cut /var/www/warn /var/www/fork /var/www/name /var/www/op; do
	mkdir -p "$d" && echo ok >"$d/status.php"
done
systemd-run -q --unit=other-node "$H/backend" -p 9101 -t 600
_t=$(e2e_now_ms)
if ! systemctl start haproxy app app-cut app-warn app-norefuse app-fork app-api app-name app-op app-pk \
    2>"$W/start.err"; then
	fail "every unit starts" "$(cat "$W/start.err")"
	finish
fi
note "the units started in $(($(e2e_now_ms) - _t))ms (app-api: ExecStartPost=repool --when-ready)"
pass "every unit starts"
# linked UNIT EXAMPLE: /etc/systemd/system/UNIT.service is examples/EXAMPLE
linked() { [ "$(readlink "/etc/systemd/system/$1.service")" = "/opt/drainbox-examples/$2" ]; }
check "the units are examples/ files themselves (linked), changed by drop-ins only" \
	'linked app app-healthfile.service && linked app-cut app-healthfile.service &&
	linked app-warn app-healthfile.service && linked app-norefuse app-healthfile.service &&
	linked app-fork app-healthfile.service && linked app-op app-healthfile.service &&
	linked app-api app-haproxy.service'

# ---- load, long requests, then every stop at once --------------------------------

"$H/loadgen" -p 8001 -c 6 -m 100-400 -d 120 -s "$W/lg.stop" >"$W/lg-web.out" 2>"$W/lg-web.err" &
LG1=$!
"$H/loadgen" -p 8002 -c 2 -m 50-200 -g 100 -d 120 -s "$W/lg.stop" >"$W/lg-api.out" 2>"$W/lg-api.err" &
LG2=$!
# in flight while their unit stops: 10 s on app-cut, 20 s on app-warn, 3 s
# on app-norefuse (the case that issue found)
curl -s -m 40 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:9002/work?ms=10000' >"$W/cut.code" &
C1=$!
curl -s -m 40 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:9003/work?ms=20000' >"$W/warn.code" &
C2=$!
curl -s -m 40 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:9004/work?ms=3000' >"$W/norefuse.code" &
C3=$!
e2e_wait 10 '[ "$(hap_stat web w1 stot)" -ge 5 ] && [ "$(hap_stat be srv1 stot)" -ge 5 ] &&
	[ "$(curl -s http://127.0.0.1:9002/check-load)" = 1 ] &&
	[ "$(curl -s http://127.0.0.1:9003/check-load)" = 1 ] &&
	[ "$(curl -s http://127.0.0.1:9004/check-load)" = 1 ]' ||
	fail "load on app and app-api, a request in flight on app-cut, app-warn, app-norefuse"

# and 3 s through HAProxy to be/srv1 (frontend pin), so that app-api's drain
# (--load-haproxy) outlasts its TimeoutStopSec=1s
curl -s -m 40 -o /dev/null -w '%{http_code}' 'http://127.0.0.1:8003/work?ms=3000' >"$W/api-long.code" &
C4=$!
e2e_wait 5 '[ "$(hap_stat pin FRONTEND scur)" = 1 ]' || fail "a request in flight through HAProxy to be/srv1"
# An operator's depool stays across a restart once ExecStartPre= is
# "repool --if-drained": app-op is depooled by hand, then restarted.
OP=
if grep -q '^ExecStartPre=-.*/repool --if-drained ' /opt/drainbox-examples/app-healthfile.service; then
	OP=app-op
	/usr/local/bin/depool -f /var/www/op/status.php 2>>"$W/op.log"
else
	note "the example's ExecStartPre= has no repool --if-drained: an operator's depool is not checked"
fi

APP_PID=$(prop app MainPID)
FORK_PID=$(prop app-fork MainPID)
FORK_FILE=$(cat /run/app-fork.pid)
API_PID=$(prop app-api MainPID)
NAME_PID=$(prop app-name MainPID)
PK_PID=$(prop app-pk MainPID)
OTHER_PID=$(prop other-node MainPID)

# stop_bg UNIT [VERB]: systemctl VERB (stop) UNIT in the background; its
# exit and time in $W/UNIT.stop
stop_bg() {
	(
		_s=$(e2e_now_ms)
		systemctl "${2:-stop}" "$1" 2>"$W/$1.stop.err"
		echo "$? $(($(e2e_now_ms) - _s))" >"$W/$1.stop"
	) &
}
_t=$(e2e_now_ms)
for u in app app-cut app-warn app-norefuse app-fork app-name app-pk; do stop_bg $u; done
stop_bg app-api restart
[ -z "$OP" ] || stop_bg app-op restart

# while they stop: app's STATUS= as systemctl status shows it, and for the
# restart of app-api, samples of "answers? state-of-srv1 answers?"
: >"$W/status" >"$W/status-cut" >"$W/api.samples"
while [ ! -s "$W/app-api.stop" ] || [ ! -s "$W/app.stop" ]; do
	[ $(($(e2e_now_ms) - _t)) -lt 30000 ] || break
	systemctl status app --no-pager 2>/dev/null | grep 'Status: "drain: ' >>"$W/status"
	[ "$(prop app-cut ActiveState)" != deactivating ] ||
		systemctl status app-cut --no-pager 2>/dev/null | grep 'Active: \|Status: ' >>"$W/status-cut"
	_a=$(http_code http://127.0.0.1:8080/health)
	_s=$(hap_admin be srv1)
	_b=$(http_code http://127.0.0.1:8080/health)
	echo "$_a $_s $_b" >>"$W/api.samples"
	sleep 0.1
done
for u in app app-cut app-warn app-norefuse app-fork app-name app-pk app-api $OP; do
	e2e_wait 30 "[ -s '$W/$u.stop' ]" || fail "$u: the stop ends"
done
wait $C1 $C2 $C3 $C4
note "stops (exit ms): $(for u in app app-cut app-warn app-norefuse app-fork app-name app-pk app-api $OP; do
	printf '%s %s; ' $u "$(cat "$W/$u.stop")"; done)"

# ---- app: systemctl stop under load, longer than TimeoutStopSec=2s ----------------

check "app: systemctl stop exits 0, Result=success, inactive" \
	'[ "$(cut -d" " -f1 "$W/app.stop")" = 0 ] && [ "$(prop app Result)" = success ] &&
	[ "$(prop app ActiveState)" = inactive ]'
check "app: the health file is back" '[ -e /var/www/status.php ] && [ ! -e /var/www/status.php.disabled ]'
check "app: the main process is gone, the other node still runs" "! alive $APP_PID && alive $OTHER_PID"
e2e_wait 5 "jrnl -u app | grep -q '^drain: done in '"
_done=$(jrnl -u app | sed -n 's/^drain: done in \([0-9]*\)\..*/\1/p' | tail -n 1)
check "app: EXTEND_TIMEOUT_USEC= kept the stop alive: drain done in ${_done:-?}s > TimeoutStopSec=2s, not cut" \
	'[ "${_done:-0}" -ge 3 ] && ! jrnl -u app | grep -qi "timed out"'
_st=$(head -n 1 "$W/status" | sed 's/^ *//')
note "app: systemctl status while drain waited: $_st"
check "app: STATUS= from drain shows in systemctl status while it waits" \
	"grep -q 'Status: \"drain: \(grace\|waiting for the load\)' '$W/status'"

# ---- app-cut: the same without NotifyAccess=all: cut at TimeoutStopSec -------------

e2e_wait 5 "jrnl -u app-cut | grep -q '^drain: finished in '"
jrnl -u app-cut | grep -v '^drain: \(renamed\|depooled\|grace\|waiting\|load \)' |
	sed 's/^/app-cut: /' | while read -r l; do note "$l"; done
check "app-cut: NotifyAccess=main: no STATUS= from drain in systemctl status (ExecStop= gets no NOTIFY_SOCKET)" \
	"[ -s '$W/status-cut' ] && ! grep -q 'Status: \"drain: ' '$W/status-cut'"
check "app-cut: without NotifyAccess=all systemd cuts the stop at TimeoutStopSec: Result=timeout" \
	'[ "$(prop app-cut Result)" = timeout ] && jrnl -u app-cut | grep -q "Stopping timed out. Terminating."'
check "app-cut: drain gets SIGTERM, stops waiting, still stops and repools, exits 1" \
	"jrnl -u app-cut | grep -q '^drain: .*by SIGTERM' &&
	jrnl -u app-cut | grep -q '^drain: finished in .*, exit 1' &&
	[ -e /var/www/cut/status.php ] && [ ! -e /var/www/cut/status.php.disabled ]"
check "app-cut: systemd SIGTERMs the main process at the same time: the request in flight fails" \
	"[ \"\$(cat $W/cut.code)\" != 200 ]"

# ---- app-warn: the journal's priorities ---------------------------------------------

e2e_wait 5 "jrnl -u app-warn | grep -q '^drain: done in '"
jrnl -u app-warn -p warning | sed 's/^/app-warn -p warning: /' | while read -r l; do note "$l"; done
check "app-warn: journalctl -p warning shows drain's timed-out load wait" \
	"jrnl -u app-warn -p warning | grep -q '^drain: timed out after [0-9.]*s, load still 1$' &&
	jrnl -u app-warn -p warning | grep -q '^drain: going on with the stop although the load is not idle$'"
check "app-warn: journalctl -p warning shows none of drain's info lines (they are in the journal)" \
	"jrnl -u app-warn | grep -q '^drain: depooled 1 target$' &&
	jrnl -u app-warn | grep -q '^drain: done in ' &&
	! jrnl -u app-warn -p warning | grep -q '^drain: \(renamed\|depooled\|grace\|waiting\|load \|stopping\|sent\|repooled\|done\)'"
check "app-warn: a timed-out wait is not a failed stop: Result=success" '[ "$(prop app-warn Result)" = success ]'

# ---- app-norefuse: a depool that fails does not refuse the stop ---------------------

e2e_wait 5 "jrnl -u app-norefuse | grep -q '^drain: finished in '"
check "app-norefuse: the request in flight completes (200)" "[ \"\$(cat $W/norefuse.code)\" = 200 ]"
check "app-norefuse: drain goes on, waits for the load, stops, exits 1 naming the failure" \
	"jrnl -u app-norefuse | grep -q '^drain: 1 of 1 target failed to depool; going on with the stop (under ExecStop=' &&
	jrnl -u app-norefuse | grep -q '^drain: load 0 after ' &&
	jrnl -u app-norefuse | grep -q '^drain: finished in .*, exit 1: 1 of 1 target failed to depool$'"
check "app-norefuse: the unit ends Result=exit-code (ExecStop= exited 1)" \
	'[ "$(prop app-norefuse Result)" = exit-code ]'
check "app-norefuse: ExecStartPre=-repool failed (no directory) and the unit started all the same" \
	"jrnl -u app-norefuse | grep -q '^repool: /nonexistent/status.php: directory /nonexistent: ' &&
	jrnl -u app-norefuse | grep -q '^Started app-norefuse.service'"

# ---- app-fork, app-api, app-name: the right process ---------------------------------

check "app-fork (Type=forking, PIDFile=): drain stopped \$MAINPID, the pidfile's process" \
	"[ '$FORK_PID' = '$FORK_FILE' ] && ! alive $FORK_PID && alive $OTHER_PID &&
	jrnl -u app-fork | grep -q '^drain: stopping \\\$MAINPID $FORK_PID ' &&
	[ \"\$(prop app-fork Result)\" = success ]"
check "app-fork: a 6 s drain with TimeoutStopSec=2s is not cut (EXTEND_TIMEOUT_USEC=, Type=forking)" \
	"jrnl -u app-fork | grep -q '^drain: done in [6-9]' && ! jrnl -u app-fork | grep -qi 'timed out'"
check "app-name (ExecStop=drain -n backend): only the unit's own backend stopped" \
	"! alive $NAME_PID && alive $OTHER_PID && [ \"\$(prop app-name Result)\" = success ]"
check "app-pk (ExecStop=pidkill, no arguments): \$MAINPID stopped, Result=success" \
	"! alive $PK_PID && alive $OTHER_PID && [ \"\$(prop app-pk Result)\" = success ] &&
	jrnl -u app-pk | grep -q '^pidkill: sent SIGTERM to $PK_PID (backend)$'"
check "ExecStop= has INVOCATION_ID, \$MAINPID and \$SERVICE_RESULT; ExecStartPost= no \$SERVICE_RESULT" \
	"grep -q '^INVOCATION_ID=' /run/app-name.stop.env && grep -q '^MAINPID=$NAME_PID$' /run/app-name.stop.env &&
	grep -q '^SERVICE_RESULT=success$' /run/app-name.stop.env &&
	grep -q '^MAINPID=$NAME_PID$' /run/app-name.post.env && ! grep -q '^SERVICE_RESULT=' /run/app-name.post.env"
check "NotifyAccess=main: ExecStop= gets no NOTIFY_SOCKET (ExecStartPost= neither)" \
	"grep -q '^INVOCATION_ID=' /run/app-name.post.env && ! grep -q '^NOTIFY_SOCKET=' /run/app-name.stop.env &&
	! grep -q '^NOTIFY_SOCKET=' /run/app-name.post.env"
_new=$(prop app-api MainPID)
check "app-api (Type=notify): restart exits 0, drain stopped the old \$MAINPID, a new one runs" \
	"[ \"\$(cut -d' ' -f1 $W/app-api.stop)\" = 0 ] && ! alive $API_PID && alive $_new &&
	[ $_new != $API_PID ] && alive $OTHER_PID &&
	jrnl -u app-api | grep -q '^drain: stopping \\\$MAINPID $API_PID '"
jrnl -u app-api | grep '^drain: ' | sed 's/^/app-api: /' | while read -r l; do note "$l"; done
check "app-api: a 3 s request through HAProxy completes; drain (Type=notify, TimeoutStopSec=1s) is not cut" \
	"[ \"\$(cat $W/api-long.code)\" = 200 ] && jrnl -u app-api | grep -q '^drain: load 0 after [2-9]' &&
	! jrnl -u app-api | grep -qi 'timed out'"
check "app-api: drain says be/srv1 stays depooled" \
	"jrnl -u app-api | grep -q '^drain: 1 API target .* stays depooled'"
# a sample "A S B": the app answered A, then srv1's admin state was S, then
# the app answered B. S=0 (ready) with A and B not 200 would be srv1 back in
# the pool before the new process answered (the old one answers until
# drain set S=8, and the new one once it answers keeps answering).
note "app-api restart samples (answered, srv1 admin state, answered): $(sort "$W/api.samples" | uniq -c | tr -s ' \n' ' ')"
check "app-api: repool --when-ready kept be/srv1 out while the new process did not answer" \
	"grep -q '^000 8 000$' '$W/api.samples' && ! grep -q '^000 0 000$' '$W/api.samples'"
check "app-api: be/srv1 back in the pool (state ready) and answering" \
	"[ \"\$(hap_admin be srv1)\" = 0 ] && [ \"\$(http_code http://127.0.0.1:8080/health)\" = 200 ]"

# ---- app-op: an operator's depool stays ----------------------------------------------

if [ -n "$OP" ]; then
	jrnl -u app-op | grep '^\(drain\|repool\): ' | sed 's/^/app-op: /' | while read -r l; do note "$l"; done
	check "app-op: a file the operator depooled by hand stays depooled across systemctl restart" \
		"[ \"\$(cut -d' ' -f1 $W/app-op.stop)\" = 0 ] && [ \"\$(prop app-op ActiveState)\" = active ] &&
		[ ! -e /var/www/op/status.php ] && [ -e /var/www/op/status.php.disabled ]"
fi

# ---- no client request failed ---------------------------------------------------------

touch "$W/lg.stop"
wait $LG1 $LG2
for lg in web api; do
	set -- $(lg_result "$W/lg-$lg.out")
	note "loadgen through frontend $lg: sent ${1:-?} ok ${2:-?} failed ${3:-?}"
	if [ "${3:-x}" = 0 ] && [ "${2:-0}" -ge 10 ]; then
		pass "no request through HAProxy failed ($lg: $2 ok) while app stopped and app-api restarted"
	else
		fail "no request through HAProxy failed ($lg)" "$(head -n 5 "$W/lg-$lg.err" | tr '\n' ' ')"
	fi
done

# ---- drain SIGKILLed in the middle of a stop ----------------------------------------

systemctl start app
systemctl stop --no-block app
if e2e_wait 10 '[ -e /var/www/status.php.disabled ]'; then
	_c=$(prop app ControlPID)
	kill -KILL "$_c"
	e2e_wait 20 '[ "$(prop app ActiveState)" != deactivating ]'
	note "app after drain was SIGKILLed: $(prop app ActiveState), Result=$(prop app Result)"
	check "a drain SIGKILLed mid-stop leaves the health file depooled" \
		'[ ! -e /var/www/status.php ] && [ -e /var/www/status.php.disabled ]'
	check "the next systemctl start repools it through ExecStartPre=-repool" \
		"systemctl start app && [ -e /var/www/status.php ] && [ ! -e /var/www/status.php.disabled ] &&
		jrnl -u app | grep -q '^repool: renamed /var/www/status.php.disabled to /var/www/status.php$'"
else
	fail "a drain SIGKILLed mid-stop" "app's stop never depooled"
fi

finish
