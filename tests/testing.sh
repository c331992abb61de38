# SPDX-License-Identifier: 0BSD
# testing.sh - the shell tests' harness, sourced by tests/run for each *.test.
#
#   testing NAME COMMAND EXPECTED INFILE STDIN
#       runs COMMAND (eval'd) in the test's directory with INFILE written to
#       ./input and STDIN on its standard input, compares its stdout with
#       EXPECTED. EXPECTED, INFILE and STDIN take printf %b escapes (\n).
#   testcmd NAME ARGS EXPECTED INFILE STDIN
#       the same for "$CMDNAME ARGS", CMDNAME being the applet under test.
#   optional TOOL...   the tests that follow need TOOL: without it they are
#       skipped, except under CI=true, where a missing tool is a failure.
#   optional_root      the same, for tests that need root.
#   optional_binfmt    adds binfmt_misc, for a foreign binary run by its path.
#   spawn CMD...       starts CMD in the background; test_cleanup kills it.
#   wait_for SECONDS COMMAND   polls COMMAND every 50 ms until it succeeds;
#       returns 1 after SECONDS.
#   pass NAME / fail NAME [WHY]   record a result computed by the test itself.
#   check NAME CONDITION...   pass or fail on the eval'd CONDITION.
#   gone PID           true when PID has exited (no /proc entry, or a zombie).
#   free_port          a TCP port on 127.0.0.1 that was free a moment ago
#       (for peers such as nginx and haproxy that cannot take port 0;
#       needs python3).
# Each result is one line: "PASS: name", "FAIL: name" or "SKIP: name".

SKIP=
SPAWNED=

pass() { echo "PASS: $CMDNAME $1"; }
fail() { echo "FAIL: $CMDNAME $1${2:+ ($2)}"; }

check() {
	_n=$1
	shift
	if eval "$@"; then pass "$_n"; else fail "$_n" "$*"; fi
}

# One read of the stat file: the shell may reap a zombie at any moment.
gone() {
	_s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	case ${_s##*) } in [ZX]*) return 0 ;; esac
	return 1
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

skipped() {
	[ -n "$SKIP" ] || return 1
	if [ "${CI:-}" = true ]; then
		fail "$1" "$SKIP missing under CI"
	else
		echo "SKIP: $CMDNAME $1 ($SKIP missing)"
	fi
	return 0
}

optional() {
	SKIP=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || SKIP="${SKIP:+$SKIP }$t"
	done
}

optional_root() {
	SKIP=
	[ "$(id -u)" = 0 ] || SKIP=root
}

# optional_binfmt: the test that follows runs the binary by its own path (a
# link, a chroot); a foreign binary then needs binfmt_misc, which tests/run
# does without (RUN_EMU set) when it is not root. Adds to SKIP.
optional_binfmt() {
	[ -z "${RUN_EMU:-}" ] || SKIP="${SKIP:+$SKIP }binfmt_misc"
}

testing() {
	skipped "$1" && return 0
	printf '%b' "$4" >input
	printf '%b' "$3" >expected
	printf '%b' "$5" | eval "$2" >actual
	if cmp -s expected actual; then
		pass "$1"
	else
		fail "$1"
		echo "# command: $2"
		diff -u expected actual | sed 's/^/# /' | head -20
	fi
}

testcmd() {
	testing "$1" "$CMDNAME $2" "$3" "$4" "$5"
}

spawn() {
	"$@" &
	SPAWNED="$SPAWNED $!"
}

wait_for() {
	_n=$(($1 * 20))
	shift
	while [ $_n -gt 0 ]; do
		eval "$@" >/dev/null 2>&1 && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

test_cleanup() {
	for p in $SPAWNED; do
		kill -KILL "$p" 2>/dev/null
	done
	SPAWNED=
}

# drain's markers (lib/mark.c) go to the test's own directory, never /run
DRAINBOX_RUN_DIR=$PWD/.drainbox-run
export DRAINBOX_RUN_DIR
