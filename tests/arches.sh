#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/arches.sh - one make goal for several CPUs, with one tally
# Usage: sh tests/arches.sh GOAL ARCH...
#   GOAL: check (make check ARCH=X: unit and shell tests, under qemu-user for
#   a foreign CPU) or all (build only); ARCH: native (plain make), nofleet
#   (native, CONFIG_FLEET=n, in build/nofleet) or a name of make ARCH=. Each
#   run is shown as it goes and kept in build/GOAL-ARCH.log with its time; the last line adds up the runs' "N passed, N failed".
# Exit: 0 all passed, 1 a build or a test failed.
set -u
[ $# -ge 2 ] || { echo "usage: sh tests/arches.sh check|all ARCH..." >&2; exit 2; }
goal=$1
shift
MAKE=${MAKE:-make}
mkdir -p build
passed=0 failed=0 rc=0 summary=
for a in "$@"; do
	log=build/$goal-$a.log
	t0=$(date +%s)
	case $a in
	native) arg= ;;
	# the native build without the parts a user may leave out
	nofleet) arg="CONFIG_FLEET=n B=build/nofleet" ;;
	*) arg=ARCH=$a ;;
	esac
	# shellcheck disable=SC2086
	$MAKE --no-print-directory $arg "$goal" >"$log" 2>&1 &
	mpid=$!
	tail -n +1 -f --pid=$mpid "$log" 2>/dev/null
	wait $mpid
	r=$?
	t=$(($(date +%s) - t0))
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		passed=$((passed + ${line%% passed*}))
		f=${line#*, }
		failed=$((failed + ${f%% failed}))
	elif [ "$goal" = check ]; then
		failed=$((failed + 1))
		line="no tally (make exited $r)"
	fi
	[ $r -eq 0 ] || rc=1
	summary="$summary$(printf '  %-8s %-5s %4ds  %s' "$a" "$goal" "$t" "${line:-exit $r}")
"
done
echo
echo "per arch:"
printf '%s' "$summary"
[ "$goal" = check ] && echo "$passed passed, $failed failed"
exit $rc
