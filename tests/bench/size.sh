#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/bench/size.sh - the stripped size of drainbox per configuration
# (make size). Each configuration is built in its own $B/size/NAME.
# Environment: B (build dir, default build), MAKE.
set -eu
B=${B:-build}
MAKE=${MAKE:-make}

row() {
	_dir=$1 _what=$2
	shift 2
	if ! $MAKE -s B="$B/size/$_dir" "$@" all >"$B/size.log" 2>&1; then
		cat "$B/size.log" >&2
		echo "size: $_what: the build failed" >&2
		exit 1
	fi
	_n=$(wc -c <"$B/size/$_dir/drainbox")
	printf '  %-40s %7d B  %6s KiB\n' "$_what" "$_n" \
		"$(awk -v n="$_n" 'BEGIN { printf "%.1f", n / 1024 }')"
}

mkdir -p "$B/size"
echo "stripped size per configuration (static, musl):"
row all-tls "all applets, TLS"
row all-notls "all applets, no TLS" CONFIG_TLS=n
row waitload-pidkill-tls "waitload + pidkill, TLS" \
	CONFIG_DEPOOL=n CONFIG_REPOOL=n CONFIG_DRAIN=n
row drain-tls "drain alone, TLS" \
	CONFIG_DEPOOL=n CONFIG_REPOOL=n CONFIG_WAITLOAD=n CONFIG_PIDKILL=n
row pidkill-notls "pidkill alone, no TLS" \
	CONFIG_DEPOOL=n CONFIG_REPOOL=n CONFIG_WAITLOAD=n CONFIG_DRAIN=n CONFIG_TLS=n
rm -f "$B/size.log"
