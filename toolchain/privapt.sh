# SPDX-License-Identifier: 0BSD
# shellcheck shell=sh disable=SC2154  # out and debarch come from the caller
# toolchain/privapt.sh - sourced: Debian packages of another architecture
# without dpkg --add-architecture. The caller sets out (a directory it owns)
# and debarch (arm64, armhf...) and defines say and die. private_apt TYPES
# then sets apt ($out/apt: lists, cache, dl/ for downloads) and aptopts (the
# apt-get options that use only that private state and the system's Debian
# suite for $debarch), after an apt-get update with them (log: $out/apt.log).
# Used by cross.sh (musl for ARCH) and tests/e2e/initramfs.test (a kernel
# and busybox-static for ARCH); nothing is installed, the .debs are unpacked
# with dpkg -x. bearssl.sh uses its deb822_entry alone (which needs none of
# the above).

# deb822_entry FILE SUITE WANT TYPES [ARCH]: prints a deb822 stanza with
# Types: TYPES, Suites: SUITE, Components: main (and Architectures: ARCH
# when given), and the URIs and Signed-By of the first stanza of FILE that
# lists SUITE and, unless WANT is empty, the type WANT; prints nothing when
# no stanza does.
deb822_entry() {
	awk -v suite="$2" -v want="$3" -v types="$4" -v a="${5:-}" '
	function flush() {
		if (!done && uris != "" && (" " suites " ") ~ (" " suite " ") &&
		    (want == "" || (" " have " ") ~ (" " want " "))) {
			print "Types: " types; print "URIs: " uris; print "Suites: " suite
			print "Components: main"
			if (a != "") print "Architectures: " a
			if (signed != "") print "Signed-By: " signed
			done = 1
		}
		have = suites = uris = signed = ""; cur = ""
	}
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^[ \t]/ { if (cur == "signed-by") signed = signed "\n" $0; next }
	{
		i = index($0, ":"); if (i == 0) next
		cur = tolower(substr($0, 1, i - 1))
		v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
		if (cur == "types") have = v
		else if (cur == "suites") suites = v
		else if (cur == "uris") uris = v
		else if (cur == "signed-by") signed = v
	}
	END { flush() }' "$1"
}

# private_apt TYPES: a sources file of the system's Debian suite for
# $debarch, and the options that make apt-get use only private state.
private_apt() {
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
	apt=$out/apt
	rm -rf "$apt"; mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
	src=/etc/apt/sources.list.d/debian.sources
	[ -f "$src" ] || die "no $src: cannot find the Debian mirror for $debarch packages"
	# the stanza holding $codename (of any type): its URIs and Signed-By
	deb822_entry "$src" "$codename" "" "$1" "$debarch" >"$apt/private.sources"
	[ -s "$apt/private.sources" ] || die "no entry for suite $codename in $src"
	aptopts="-o Dir::Etc::SourceList=$apt/private.sources -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache
		-o Dir::State::status=/dev/null -o APT::Architecture=$debarch
		-o APT::Architectures::=$debarch"
	say "fetching the $codename package index for $debarch (private apt state; log: $out/apt.log)"
	# shellcheck disable=SC2086
	apt-get -q $aptopts update >"$out/apt.log" 2>&1 ||
		{ tail -n 10 "$out/apt.log" >&2; die "apt-get update with the private $debarch list failed"; }
}
