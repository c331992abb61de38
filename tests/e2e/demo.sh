#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/e2e/demo.sh - `make demo`: drain one backend of a live HAProxy while
# clients send requests, and show that none of them failed.
#
# Starts, on 127.0.0.1 with ports chosen at run time: two app backends
# (build/helpers/backend, a naive server that drops its in-flight requests
# on SIGTERM) behind HAProxy (health check GET /status every 500 ms, fall
# 2, retries 0), and 8 clients (build/helpers/loadgen) sending requests
# that take 100-1500 ms. Then runs
#   drain -f HEALTHFILE --grace 1500ms -u http://127.0.0.1:PORT/load --pid PID
# on backend 1, prints drain's log and a verdict:
#   demo: 1234 requests sent, 0 failed, drain took 3.4s
# Needs haproxy and python3: when missing and root, installs them
# (toolchain/test-deps.sh; apt-get/apk for python3). Kills all it started.
# Exit: 0 no request failed, 1 some failed or the demo could not run.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$TOP/${B:-build}" && pwd) || exit 1
PATH="$B/helpers:$PATH"
export PATH

say() { printf 'demo: %s\n' "$*"; }

if ! command -v haproxy >/dev/null 2>&1; then
	say "haproxy is missing: sh toolchain/test-deps.sh"
	sh "$TOP/toolchain/test-deps.sh" || exit 1
	PATH="$PATH:/usr/sbin:/sbin"
fi
if ! command -v python3 >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	say "python3 is missing: installing it"
	if command -v apt-get >/dev/null 2>&1; then
		apt-get install -y --no-install-recommends python3-minimal >/dev/null ||
			{ apt-get update >/dev/null && apt-get install -y --no-install-recommends python3-minimal >/dev/null; }
	elif command -v apk >/dev/null 2>&1; then
		apk add --no-cache python3 >/dev/null
	fi
fi
for t in haproxy python3 backend loadgen timeout; do
	command -v $t >/dev/null 2>&1 || { say "needs $t; install it and run 'make demo' again"; exit 1; }
done
[ -x "$B/drainbox" ] || { say "no $B/drainbox: run make"; exit 1; }

. "$TOP/tests/e2e/lib.sh"
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/drainbox-demo.XXXXXX") || exit 1
trap 'e2e_cleanup; rm -rf "$E2E_DIR"' EXIT
trap 'exit 1' INT TERM HUP

e2e_backend 1 && e2e_backend 2 || exit 1
say "backends on 127.0.0.1:$BE1_PORT (pid $BE1_PID) and 127.0.0.1:$BE2_PORT (pid $BE2_PID)"
e2e_haproxy 500 2 2 || exit 1
say "haproxy $(haproxy -v 2>/dev/null | sed -n '1s/^HAProxy version \([^ ]*\).*/\1/p') on 127.0.0.1:$HAP_FE: health check GET /status every 500ms, fall 2 (detection 1s), retries 0"
e2e_loadgen -c 8 -m 100-1500 -T 20
say "8 clients sending GET /work?ms=100..1500 through haproxy"
e2e_wait 10 "[ \"\$(e2e_stat srv1 scur)\" -ge 1 ]"
sleep 2
set -- -f "$BE1_HEALTH" --grace 1500ms -u "http://127.0.0.1:$BE1_PORT/load" \
	-i 250ms -t 30s --pid "$BE1_PID"
say "in flight on backend 1: $(e2e_stat srv1 scur); draining it:"
echo "\$ drain $*" | sed "s|$E2E_DIR/||g"
t0=$(e2e_now_ms)
timeout -k 5 90 "$B/drainbox" drain "$@" 2>&1 | sed "s|$E2E_DIR/||g"
ms=$(($(e2e_now_ms) - t0))
say "haproxy sees srv1 $(e2e_stat srv1 status), srv2 $(e2e_stat srv2 status); clients carry on for 2s"
sleep 2
e2e_loadgen_stop
[ "$LG_FAILED" = 0 ] || sed 's/^/  /' "$E2E_DIR/loadgen.err"
gone=stopped
e2e_gone "$BE1_PID" || gone="STILL RUNNING"
[ -e "$BE1_HEALTH" ] && hf="health file back" || hf="health file NOT back"
say "backend 1 $gone, $hf"
say "$LG_SENT requests sent, $LG_FAILED failed, drain took $(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }')s"
[ "$LG_FAILED" = 0 ] && [ "$gone" = stopped ]
