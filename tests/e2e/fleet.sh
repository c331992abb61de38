# SPDX-License-Identifier: 0BSD
# tests/e2e/fleet.sh - shell functions for a fleet of three nodes behind
# one HAProxy with an etcd for drain --fleet-lock, shared by
# tests/e2e/fleet.test and tests/e2e/demo-fleet.sh. Sources lib.sh first
# (set E2E_DIR, TOP; call fleet_cleanup at the end). Needs etcd, curl,
# haproxy, python3, backend, loadgen.
#
#   fleet_etcd            etcd, one member on free loopback ports, its data
#                         in $E2E_DIR/etcd; sets ETCD_URL, ETCD_PID
#   fleet_haproxy         HAProxy in front of backends 1-3 (servers srv1-3,
#                         checks every 100 ms, fall 1 rise 1, retries 0);
#                         returns when all are UP
#   fleet_sampler_start   counts the UP servers every 50 ms (one python3
#                         process); fleet_sampler_stop sets UP_MIN, UP_N
#   fleet_node I ARGS     in the background: drain node I (its health file,
#                         its /load, its pid) with --fleet-lock and ARGS,
#                         then (unless $E2E_DIR/noreturnI exists) the
#                         restart: a new backend on the same port, seen UP
#                         by HAProxy, then repool --fleet-lock --when-ready;
#                         exit codes in nodeI.rc and nodeI.rrc
#   fleet_keys            how many keys are under the test's prefix
#   fleet_cleanup         e2e_cleanup plus the restarted backends

fleet_etcd() {
	for _try in 1 2 3; do
		_cp=$(e2e_free_port)
		_pp=$(e2e_free_port)
		rm -rf "$E2E_DIR/etcd"
		etcd --name n --data-dir "$E2E_DIR/etcd" \
			--listen-client-urls "http://127.0.0.1:$_cp" \
			--advertise-client-urls "http://127.0.0.1:$_cp" \
			--listen-peer-urls "http://127.0.0.1:$_pp" \
			--initial-advertise-peer-urls "http://127.0.0.1:$_pp" \
			--initial-cluster "n=http://127.0.0.1:$_pp" >"$E2E_DIR/etcd.log" 2>&1 &
		ETCD_PID=$!
		e2e_bg_add $ETCD_PID
		ETCD_URL=http://127.0.0.1:$_cp
		if e2e_wait 15 "curl -sf $ETCD_URL/health | grep -q true"; then
			FLEET_LOCK=$ETCD_URL/drainbox/e2e
			return 0
		fi
		kill $ETCD_PID 2>/dev/null
		wait $ETCD_PID 2>/dev/null
	done
	echo "# etcd did not start:" >&2
	sed 's/^/# /' "$E2E_DIR/etcd.log" | tail -5 >&2
	return 1
}

fleet_haproxy() {
	e2e_haproxy 100 1 1 3
}

# the number of servers of be that HAProxy has UP
fleet_up() {
	e2e_hap "show stat" | awk -F, '$1 == "be" && $2 ~ /^srv/ && $18 == "UP" { n++ }
		END { print n + 0 }'
}

fleet_sampler_start() {
	rm -f "$E2E_DIR/sampler.stop" "$E2E_DIR/sampler.out"
	python3 - "$HAP_SOCK" "$E2E_DIR/sampler.stop" >"$E2E_DIR/sampler.out" 2>&1 <<'EOF' &
import os, socket, sys, time
sock, stop = sys.argv[1], sys.argv[2]
low, n = 99, 0
while not os.path.exists(stop):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    try:
        s.connect(sock)
        s.sendall(b"show stat\n")
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except OSError:
        out = b""
    s.close()
    up = sum(1 for l in out.decode(errors="replace").splitlines()
             if l.startswith("be,srv") and l.split(",")[17] == "UP")
    if out:
        low, n = min(low, up), n + 1
    time.sleep(0.05)
print(low, n)
EOF
	SAMPLER_PID=$!
	e2e_bg_add $SAMPLER_PID
}

fleet_sampler_stop() {
	touch "$E2E_DIR/sampler.stop"
	e2e_wait 10 "e2e_gone $SAMPLER_PID"
	set -- $(cat "$E2E_DIR/sampler.out" 2>/dev/null)
	UP_MIN=${1:--1} UP_N=${2:-0}
}

fleet_node() {
	_i=$1
	shift
	eval "_port=\$BE${_i}_PORT _pid=\$BE${_i}_PID _h=\$BE${_i}_HEALTH"
	rm -f "$E2E_DIR/node$_i.rc" "$E2E_DIR/node$_i.rrc" "$E2E_DIR/node$_i.times"
	(
		# node$_i.times: when drain started, when it ended, when repool ended
		date +%s.%N >"$E2E_DIR/node$_i.times"
		timeout -k 5 120 drain -f "$_h" --grace 300ms \
			-u "http://127.0.0.1:$_port/load" -i 100ms -t 20s --pid "$_pid" \
			-s TERM/5/KILL/5 --fleet-lock "$FLEET_LOCK" --fleet-id "node$_i" \
			"$@" 2>"$E2E_DIR/node$_i.drain"
		echo $? >"$E2E_DIR/node$_i.rc"
		date +%s.%N >>"$E2E_DIR/node$_i.times"
		[ -e "$E2E_DIR/noreturn$_i" ] && exit 0
		backend -p "$_port" -f "$_h" -t 600 >/dev/null 2>>"$E2E_DIR/be$_i.err" &
		echo $! >"$E2E_DIR/be$_i.newpid"
		e2e_wait 10 "[ \"\$(e2e_stat srv$_i status)\" = UP ]"
		timeout -k 5 60 repool --fleet-lock "$FLEET_LOCK" --fleet-id "node$_i" \
			--when-ready "http://127.0.0.1:$_port/status" -t 20s \
			2>"$E2E_DIR/node$_i.repool"
		echo $? >"$E2E_DIR/node$_i.rrc"
		date +%s.%N >>"$E2E_DIR/node$_i.times"
	) &
	eval "NODE${_i}_PID=$!"
	e2e_bg_add $!
}

# fleet_turns: one line per node, in the order they got the slot: the
# node, when it got it (its start plus the wait drain logs), when its drain
# ended, when its repool ended (seconds)
fleet_turns() {
	for _i in 1 2 3; do
		_w=$(sed -n 's/.*holding one of the [0-9]* slots (waited \([0-9.]*\)s).*/\1/p' \
			"$E2E_DIR/node$_i.drain")
		set -- $(cat "$E2E_DIR/node$_i.times" 2>/dev/null)
		[ -n "$_w" ] && [ $# = 3 ] &&
			awk -v i=$_i -v a="$1" -v w="$_w" -v e="$2" -v r="$3" \
				'BEGIN { printf "%d %.3f %.3f %.3f\n", i, a + w, e, r }'
	done | sort -n -k2
}

fleet_keys() {
	_k=$(printf /drainbox/e2e/ | base64)
	_e=$(printf /drainbox/e2e0 | base64)
	curl -s -m 5 -X POST "$ETCD_URL/v3/kv/range" \
		-d "{\"key\":\"$_k\",\"range_end\":\"$_e\",\"count_only\":true}" |
		sed -n 's/.*"count":"\([0-9]*\)".*/\1/p;t;s/.*/0/p'
}

fleet_cleanup() {
	for _f in "$E2E_DIR"/be*.newpid; do
		[ -s "$_f" ] && kill -KILL "$(cat "$_f")" 2>/dev/null
		rm -f "$_f"
	done
	e2e_cleanup
}
