# SPDX-License-Identifier: 0BSD
# tests/e2e/lib.sh - shell functions shared by the end-to-end test
# (tests/e2e/haproxy.test), the demo (tests/e2e/demo.sh) and the bench
# (tests/bench/bench.sh), and the waits of tests/e2e/systemd-driver.sh:
# app backends (build/helpers/backend) behind a real HAProxy with health
# checks and an admin socket, clients (build/helpers/loadgen), all on
# 127.0.0.1 with ports chosen at run time.
# Needs haproxy, python3 (free ports, the runtime API), backend and loadgen
# on PATH. Does not depend on tests/testing.sh; when it is there, every
# process started is also added to its SPAWNED list.
#
# Set E2E_DIR (a scratch directory) first; call e2e_cleanup at the end (or
# trap it on EXIT): it kills every process these functions started.
# Sources tests/helpers/pool.sh for its HAProxy query (needs $TOP).
#
#   e2e_now_ms                    the monotonic-enough wall clock in ms
#   e2e_wait SECONDS CMD          runs CMD (eval'd) every 50 ms until it
#                                 succeeds; returns 1 after SECONDS
#   e2e_free_port                 a loopback TCP port free a moment ago
#   e2e_backend N                 starts backend N (health file
#                                 $E2E_DIR/beN.health, created); sets BEn_PORT,
#                                 BEn_PID, BEn_HEALTH
#   e2e_haproxy [INTER_MS FALL RISE [N]]   HAProxy in front of backends 1
#                                 to N (default 500 2 2 2): frontend
#                                 127.0.0.1:$HAP_FE, backend "be", servers
#                                 srv1 to srvN, `retries 0`, `option
#                                 httpchk GET /status`, admin socket
#                                 $HAP_SOCK; returns when all are UP
#   e2e_hap CMD                   sends CMD to the admin socket, prints the answer
#   e2e_stat SERVER FIELD         FIELD (status, scur, stot, ...) of be/SERVER
#                                 from `show stat`
#   e2e_admin_state SERVER        srv_admin_state of be/SERVER (0 ready, 8 drain)
#   e2e_loadgen ARGS...           starts loadgen -p $HAP_FE -s STOPFILE ARGS
#                                 in the background
#   e2e_loadgen_stop              stops it, waits (30 s at most), sets
#                                 LG_SENT LG_OK LG_FAILED (LG_FAILED=-1 when
#                                 it printed no result); its stderr is in
#                                 $E2E_DIR/loadgen.err
#   e2e_gone PID                  true when PID has exited (gone or zombie);
#                                 reaps it when it is our child
#   e2e_cleanup                   kills all of the above

. "$TOP/tests/helpers/pool.sh"

E2E_PIDS=

e2e_now_ms() {
	_t=$(date +%s%N)
	echo $((_t / 1000000))
}

e2e_wait() {
	_n=$(($1 * 20))
	shift
	while [ $_n -gt 0 ]; do
		eval "$@" >/dev/null 2>&1 && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

e2e_bg_add() {
	E2E_PIDS="$E2E_PIDS $1"
	SPAWNED="${SPAWNED:-} $1"
}

e2e_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

e2e_backend() {
	_h=$E2E_DIR/be$1.health
	echo ok >"$_h"
	rm -f "$E2E_DIR/be$1.port"
	backend -f "$_h" -t 600 >"$E2E_DIR/be$1.port" 2>"$E2E_DIR/be$1.err" &
	_p=$!
	e2e_bg_add $_p
	if ! e2e_wait 5 "[ -s '$E2E_DIR/be$1.port' ]"; then
		echo "# backend $1 did not start" >&2
		return 1
	fi
	eval "BE$1_PORT=\$(cat '$E2E_DIR/be$1.port') BE$1_PID=$_p BE$1_HEALTH='$_h'"
}

e2e_hap() {
	hap_query "$HAP_SOCK" "$1"
}

e2e_stat() {
	e2e_hap "show stat" | awk -F, -v s="$1" -v f="$2" '
		/^# / { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == "be" && $2 == s { print $col[f]; exit }'
}

e2e_admin_state() {
	e2e_hap "show servers state be" | awk -v s="$1" '$4 == s { print $7 }'
}

# e2e_hap_servers N: the server lines of srv1 to srvN, on backends 1 to N
e2e_hap_servers() {
	_hs=1
	while [ $_hs -le "$1" ]; do
		eval "echo \"    server srv$_hs 127.0.0.1:\$BE${_hs}_PORT\""
		_hs=$((_hs + 1))
	done
}

# e2e_hap_ready N: srv1 to srvN are UP after a passed check (L7OK), in one
# `show stat`
e2e_hap_ready() {
	e2e_hap "show stat" | awk -F, -v n="$1" '
		/^# / { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == "be" && $2 ~ /^srv[0-9]+$/ && substr($2, 4) + 0 <= n &&
		    $col["status"] == "UP" && $col["check_status"] == "L7OK" { k++ }
		END { exit k != n }'
}

e2e_haproxy() {
	HAP_DIR=$E2E_DIR/hap
	HAP_SOCK=$HAP_DIR/admin.sock
	mkdir -p "$HAP_DIR"
	for _try in 1 2 3 4 5; do
		HAP_FE=$(e2e_free_port)
		cat >"$HAP_DIR/haproxy.cfg" <<EOF
global
    stats socket $HAP_SOCK level admin
    maxconn 4000
defaults
    mode http
    retries 0
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 1s
frontend fe
    bind 127.0.0.1:$HAP_FE
    default_backend be
backend be
    balance roundrobin
    option httpchk GET /status
    default-server check inter ${1:-500}ms fall ${2:-2} rise ${3:-2}
$(e2e_hap_servers "${4:-2}")
EOF
		rm -f "$HAP_SOCK"
		haproxy -db -f "$HAP_DIR/haproxy.cfg" >"$HAP_DIR/log" 2>&1 &
		HAP_PID=$!
		e2e_bg_add $HAP_PID
		if e2e_wait 10 "e2e_hap_ready ${4:-2}" && kill -0 $HAP_PID; then
			return 0
		fi
		kill $HAP_PID 2>/dev/null
		wait $HAP_PID 2>/dev/null
	done
	echo "# haproxy did not start or its servers did not come up:" >&2
	sed 's/^/# /' "$HAP_DIR/log" >&2
	return 1
}

e2e_loadgen() {
	rm -f "$E2E_DIR/loadgen.stop" "$E2E_DIR/loadgen.out"
	loadgen -p "$HAP_FE" -s "$E2E_DIR/loadgen.stop" -d 120 "$@" \
		>"$E2E_DIR/loadgen.out" 2>"$E2E_DIR/loadgen.err" &
	LG_PID=$!
	e2e_bg_add $LG_PID
}

e2e_loadgen_stop() {
	touch "$E2E_DIR/loadgen.stop"
	e2e_wait 30 "e2e_gone $LG_PID"
	LG_SENT=0 LG_OK=0 LG_FAILED=-1
	set -- $(cat "$E2E_DIR/loadgen.out" 2>/dev/null)
	[ "${1:-}" = sent ] && [ $# -eq 6 ] && LG_SENT=$2 LG_OK=$4 LG_FAILED=$6
	return 0
}

e2e_gone() {
	if [ -r "/proc/$1/stat" ]; then
		_s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		case $_s in Z | X) ;; '') return 0 ;; *) return 1 ;; esac
	fi
	wait "$1" 2>/dev/null
	return 0
}

e2e_cleanup() {
	for _p in $E2E_PIDS; do
		kill -KILL "$_p" 2>/dev/null
	done
	for _p in $E2E_PIDS; do
		wait "$_p" 2>/dev/null
	done
	E2E_PIDS=
	return 0
}
