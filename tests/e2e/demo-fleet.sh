#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/e2e/demo-fleet.sh - `make demo-fleet`: three nodes behind one
# HAProxy restart at the same moment, each with
#   drain --fleet-lock ETCD/drainbox/e2e --fleet-max 1 --min-up 2
#         --confirm-haproxy SOCK,be/srvN -f HEALTHFILE ...
# then (the restart, simulated) a new backend on the same port and
#   repool --fleet-lock ETCD/drainbox/e2e --when-ready http://.../status
# while clients send requests; prints the drains' logs and the verdict:
#   demo-fleet: 612 requests, 0 failed, fewest servers UP: 2 (of 3), 7.1s
# Starts, on 127.0.0.1 with ports chosen at run time: etcd (Debian
# etcd-server; a temporary data dir), three backends, HAProxy (checks every
# 100 ms, fall 1 rise 1, retries 0), 6 clients, and a sampler counting the
# UP servers every 50 ms. Kills all it started.
# Exit: 0 no request failed and never fewer than 2 UP, 1 otherwise.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$TOP/${B:-build}" && pwd) || exit 1
mkdir -p "$B/testbin"
ln -sf "$B/drainbox" "$B/testbin/drain"
ln -sf "$B/drainbox" "$B/testbin/repool"
PATH="$B/testbin:$B/helpers:$PATH:/usr/sbin:/sbin"
export PATH TOP

say() { printf 'demo-fleet: %s\n' "$*"; }

for t in etcd haproxy python3 curl base64 backend loadgen timeout; do
	command -v $t >/dev/null 2>&1 ||
		{ say "needs $t (sh toolchain/test-deps.sh installs etcd-server and haproxy)"; exit 1; }
done

"$B/drainbox" drain --help | grep -q -- --fleet-lock ||
	{ say "this build has no --fleet-lock (built with CONFIG_FLEET=n)"; exit 1; }

. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/fleet.sh"
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/drainbox-demo-fleet.XXXXXX") || exit 1
trap 'fleet_cleanup; rm -rf "$E2E_DIR"' EXIT
trap 'exit 1' INT TERM HUP

fleet_etcd || exit 1
say "etcd $(etcd --version 2>/dev/null | sed -n '1s/^etcd Version: //p') on $ETCD_URL"
e2e_backend 1 && e2e_backend 2 && e2e_backend 3 || exit 1
fleet_haproxy || exit 1
say "haproxy on 127.0.0.1:$HAP_FE in front of 3 backends; checks every 100ms, fall 1 rise 1, retries 0"
e2e_loadgen -c 6 -m 50-200
e2e_wait 10 "[ \"\$(e2e_stat srv3 stot)\" -ge 3 ]"
fleet_sampler_start
sleep 1
say "all three nodes restart now: drain --fleet-lock $FLEET_LOCK --fleet-max 1 --min-up 2 --confirm-haproxy ..."
t0=$(e2e_now_ms)
for n in 1 2 3; do
	fleet_node $n --fleet-max 1 --min-up 2 --confirm-haproxy "$HAP_SOCK,be/srv$n"
done
for n in 1 2 3; do
	eval "e2e_wait 150 \"e2e_gone \$NODE${n}_PID\""
done
ms=$(($(e2e_now_ms) - t0))
sleep 0.5
e2e_loadgen_stop
fleet_sampler_stop
for n in 1 2 3; do
	sed "s|$E2E_DIR/||g; s|^|  node$n: |" "$E2E_DIR/node$n.drain" "$E2E_DIR/node$n.repool" 2>/dev/null |
		grep -v ': load [0-9]* (waited'
done
[ "$LG_FAILED" = 0 ] || sed 's/^/  /' "$E2E_DIR/loadgen.err" | head -10
say "servers UP now: $(fleet_up) of 3; keys left in etcd: $(fleet_keys)"
say "$LG_SENT requests, $LG_FAILED failed, fewest servers UP: $UP_MIN (of 3, $UP_N samples), $(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }')s"
[ "$LG_FAILED" = 0 ] && [ "$UP_MIN" -ge 2 ]
