# SPDX-License-Identifier: 0BSD
# pool.sh - shell functions shared by tests/depool.test and tests/repool.test:
# a real HAProxy with runtime sockets, its servers' admin state, a free
# loopback port, and a directory made read-only even for root.
# Sourced by the tests (after testing.sh) and by tests/e2e/lib.sh (its
# hap_query); needs haproxy and python3.

# hap_query SOCKET CMD: sends CMD to HAProxy's runtime API at SOCKET (a UNIX
# path or 127.0.0.1:PORT) and prints the answer.
hap_query() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys
spec, cmd = sys.argv[1], sys.argv[2]
if spec.startswith("/"):
    s = socket.socket(socket.AF_UNIX)
    s.connect(spec)
else:
    host, port = spec.rsplit(":", 1)
    s = socket.create_connection((host, int(port)))
s.settimeout(5)
s.sendall(cmd.encode() + b"\n")
out = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    out += d
sys.stdout.write(out.decode(errors="replace"))
EOF
}

# hap_state BACKEND SERVER: the server's srv_admin_state (0 ready, 8 drain,
# 1 maint) from `show servers state`, through the admin socket.
hap_state() {
	hap_query "$HAP_DIR/admin.sock" "show servers state $1" |
		awk -v s="$2" '$4 == s { print $7 }'
}

# hap_start: starts haproxy in the foreground (killed by test_cleanup) with
# a UNIX admin socket $HAP_DIR/admin.sock, a UNIX user-level socket
# $HAP_DIR/user.sock, a TCP admin socket 127.0.0.1:$HAP_PORT, backend
# "be" with servers srv1 and srv2 (on unused local ports; no checks), and
# backend "big" with servers s1 to s1000 (a state dump of about 60 KB).
# Retries with another port when the one picked was taken meanwhile.
hap_start() {
	HAP_DIR=$PWD/hap
	mkdir -p "$HAP_DIR"
	for _try in 1 2 3 4 5; do
		HAP_PORT=$(free_port)
		cat >"$HAP_DIR/haproxy.cfg" <<EOF
global
    stats socket $HAP_DIR/admin.sock level admin
    stats socket $HAP_DIR/user.sock level user
    stats socket ipv4@127.0.0.1:$HAP_PORT level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
backend be
    server srv1 127.0.0.1:$(free_port)
    server srv2 127.0.0.1:$(free_port)
backend big
    server-template s 1-1000 127.0.0.1:1
EOF
		rm -f "$HAP_DIR"/*.sock
		haproxy -db -f "$HAP_DIR/haproxy.cfg" >"$HAP_DIR/log" 2>&1 &
		_pid=$!
		SPAWNED="$SPAWNED $_pid"
		if wait_for 5 "hap_query 127.0.0.1:$HAP_PORT 'show info' | grep -q Name &&
		    hap_state be srv1 | grep -q ." && kill -0 "$_pid"; then
			HAP_PID=$_pid
			return 0
		fi
		kill "$_pid" 2>/dev/null
	done
	echo "# haproxy did not start:"
	sed 's/^/# /' "$HAP_DIR/log"
	return 1
}

# ro_dir DIR CMD...: runs CMD with DIR read-only, even for root: chattr +i
# (ext4 and the like), else a read-only bind mount in a private mount
# namespace, else CMD as user nobody with DIR at mode 555 (setpriv); not
# root: mode 555. Returns CMD's exit status, or 125 when no way worked.
ro_dir() {
	_d=$1
	shift
	if [ "$(id -u)" != 0 ]; then
		ro_chmod "$_d" "$@"
		return
	fi
	if chattr +i "$_d" 2>/dev/null; then
		"$@"
		_rc=$?
		chattr -i "$_d"
		return $_rc
	fi
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" ||
	    exit 125; shift; exec "$@"' sh "$_d" "$@" 2>/dev/null
	_rc=$?
	[ $_rc != 125 ] && return $_rc
	command -v setpriv >/dev/null || return 125
	chmod a+rx . "$_d"
	ro_chmod "$_d" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# ro_chmod DIR CMD...: CMD with DIR at mode 555.
ro_chmod() {
	_d=$1
	shift
	chmod 555 "$_d" || return 125
	"$@"
	_rc=$?
	chmod 755 "$_d"
	return $_rc
}
