#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/fuzz/long.sh - `make fuzz-long`: runs every fuzz target built in
# $B/fuzz (libFuzzer) for a fixed number of executions, one after the other
# at low priority, each on a scratch copy of its committed corpus (the tree
# is not changed), and prints one summary line per target:
#   f_http: 10000000 runs in 212 s, corpus 57 -> 301 inputs, no finding
#   f_http: FINDING after 81234 runs: build/fuzz/long/f_http/crash-... (see LOG)
# Environment: B (build dir), RUNS (executions per target, default
# 10000000), FUZZ (the targets, default all built), FUZZ_NICE (nice level,
# default 10). Exit: 0 no finding, 1 a finding or a target that did not run.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
case ${B:=build} in /*) ;; *) B=$TOP/$B ;; esac
B=$(cd "$B" && pwd) || exit 1
RUNS=${RUNS:-10000000}
NICE=${FUZZ_NICE:-10}
TARGETS=${FUZZ:-$(cd "$TOP/tests/fuzz" && ls f_*.c | sed 's/\.c$//')}
rc=0
for t in $TARGETS; do
	bin=$B/fuzz/$t
	if [ ! -x "$bin" ]; then
		echo "$t: not built (make fuzz)"
		rc=1
		continue
	fi
	dir=$B/fuzz/long/$t
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	cp "$TOP/tests/fuzz/corpus/$t/"* "$dir/corpus/" 2>/dev/null
	before=$(ls "$dir/corpus" | wc -l)
	start=$(date +%s)
	nice -n "$NICE" "$bin" -runs="$RUNS" -max_len=20000 \
		-dict="$TOP/tests/fuzz/http.dict" -artifact_prefix="$dir/" \
		-print_final_stats=1 "$dir/corpus" >"$dir/log" 2>&1
	frc=$?
	secs=$(($(date +%s) - start))
	after=$(ls "$dir/corpus" | wc -l)
	done_runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -n 1)
	art=$(ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -n 1)
	if [ $frc -eq 0 ] && [ -n "$done_runs" ] && [ -z "$art" ]; then
		echo "$t: $done_runs runs in $secs s, corpus $before -> $after inputs, no finding"
	else
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
		echo "$t: FINDING after ${execs:-?} runs (exit $frc): ${art:+$dir/$art }(see $dir/log)"
		grep -m 3 -E 'ERROR|SUMMARY|runtime error' "$dir/log" | sed 's/^/  /'
		rc=1
	fi
done
exit $rc
