#!/bin/sh
# SPDX-License-Identifier: 0BSD
# tests/e2e/image.sh - builds the image examples/Dockerfile describes,
# offline, from the binary `make` built: the Dockerfile's final stage
# (FROM scratch, one COPY of the build stage's /src/build/drainbox), read
# from the Dockerfile itself, with that COPY taking build/drainbox from a
# context holding only it. Everything else of the stage (ENTRYPOINT,
# CMD...) is kept as written, so the image is the one the multi-stage
# build makes, without the registry its build stage needs. A final stage
# of another shape (a RUN, a second COPY, a COPY of something else) is an
# error: the image must not drift from what the Dockerfile says.
# Used by `make image` and tests/e2e/container.test.
#
# Usage: sh tests/e2e/image.sh [NAME]   (default: drainbox, which podman
#        calls localhost/drainbox:latest; B= the build directory)
# Uses podman, else buildah. Prints the image ID on stdout.
# Exit: 0 built, 1 failed.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$TOP/build}
name=${1:-drainbox}
df=$TOP/examples/Dockerfile

die() { printf 'image: %s\n' "$*" >&2; exit 1; }

[ -x "$B/drainbox" ] || die "$B/drainbox: not built (run make)"
if command -v podman >/dev/null 2>&1; then
	build="podman build"
elif command -v buildah >/dev/null 2>&1; then
	build="buildah bud"
else
	die "neither podman nor buildah is installed"
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT

# the final stage: from the last FROM line to the end, comments dropped
awk '/^FROM /{ n = NR } { l[NR] = $0 }
	END { for (i = n; i <= NR; i++) if (l[i] !~ /^#/ && l[i] != "") print l[i] }' \
	"$df" >"$ctx/stage"
[ "$(sed -n 1p "$ctx/stage")" = "FROM scratch" ] ||
	die "$df: the final stage is not FROM scratch"
[ "$(grep -c '^COPY ' "$ctx/stage")" = 1 ] ||
	die "$df: the final stage has not exactly one COPY"
grep -q '^COPY --from=[^ ]* /src/build/drainbox /drainbox$' "$ctx/stage" ||
	die "$df: the final stage's COPY is not the build stage's /src/build/drainbox"
! grep -q '^\(RUN\|ADD\) ' "$ctx/stage" ||
	die "$df: the final stage runs or adds something"

sed 's|^COPY --from=[^ ]* /src/build/drainbox /drainbox$|COPY drainbox /drainbox|' \
	"$ctx/stage" >"$ctx/Containerfile"
cp "$B/drainbox" "$ctx/drainbox"
# --pull=never: FROM scratch needs no registry, and none is asked
$build --pull=never -q --iidfile "$ctx/iid" -t "$name" -f "$ctx/Containerfile" "$ctx" \
	>"$ctx/log" 2>&1 || { sed 's/^/image: /' "$ctx/log" >&2; die "$build failed"; }
id=$(cat "$ctx/iid")
echo "${id#sha256:}"
