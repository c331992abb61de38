#!/bin/sh
# toolchain/test-deps.sh - install the programs the tests talk to
#
# Usage: sh toolchain/test-deps.sh [--bench] [--qemu ARCH]
# Test peers: haproxy, nginx, openssl, curl, wget, clang with its runtime
# (libFuzzer, ASan, UBSan), procps, file, python3 (+ yaml), systemd (for
# systemd-analyze) and systemd-container (systemd-nspawn boots it for
# tests/e2e/systemd.test; Debian only), e2fsprogs (chattr), util-linux
# (setpriv: a package of its own on Alpine), and for tests/dns.test
# dnsmasq (Debian dnsmasq-base: the binary, no service) and iproute2 (ip,
# ss), strace (drain.test counts fsyncs); for tests/e2e/container.test podman
# and runc, for tests/e2e/initramfs.test qemu-system-x86, qemu-system-arm
# (its aarch64 boot), busybox-static (also the bench's busybox) and cpio.
# --bench adds hyperfine (and busybox where busybox-static is not packaged).
# etcd (Debian etcd-server) for tests/e2e/fleet.test.
# --qemu ARCH (make check ARCH=... for a foreign CPU) adds qemu-user-static
# and, as root, registers it with binfmt_misc for ARCH (mounted if need be),
# so ARCH binaries run directly, in a chroot too (flags OPF).
# When root on Debian or Alpine the missing ones are installed (apt-get or
# apk); anything already there is skipped. The nginx and haproxy services a
# fresh install may start are stopped again: the tests run their own
# instances on 127.0.0.1 with their own configurations.
# Not root, or another system: prints what to install and exits 0 (the tests
# that need a missing tool then SKIP, or FAIL when CI=true).
# Exit: 0 ok, 1 an install failed, 2 usage.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$here/out

say() { printf 'toolchain: %s\n' "$*" >&2; }
die() { printf 'toolchain: error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

bench=n
qemu=
while [ $# -gt 0 ]; do
	case $1 in
	--bench) bench=y ;;
	--qemu) [ $# -ge 2 ] || { echo "toolchain: test-deps.sh: --qemu needs an ARCH" >&2; exit 2; }
		qemu=$2; shift ;;
	-h | --help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) printf 'toolchain: test-deps.sh: unknown option %s\nusage: sh toolchain/test-deps.sh [--bench] [--qemu ARCH]\n' "$1" >&2; exit 2 ;;
	esac
	shift
done

# binfmt ARCH: as root, make the kernel run ARCH binaries through
# qemu-user-static. Debian's qemu-user-static ships the registrations in
# /usr/lib/binfmt.d, but a container starts no systemd-binfmt, and there
# is none for i386 on an x86_64 machine (whose kernel may still lack IA-32
# emulation). F: the kernel opens qemu now, so it works inside a chroot;
# P: qemu gets argv[0] as given, which picks the applet.
binfmt() {
	case $1 in
	aarch64) q=aarch64 ;; armhf) q=arm ;; riscv64) q=riscv64 ;; i386) q=i386 ;;
	*) return 0 ;;
	esac
	d=/proc/sys/fs/binfmt_misc
	[ -e "$d/qemu-$q" ] && return 0
	if ! is_root; then
		say "not root: $1 binaries run through an explicit qemu-$q-static (binfmt_misc needs root)"
		return 0
	fi
	[ -e "$d/register" ] || mount -t binfmt_misc binfmt_misc "$d" 2>/dev/null ||
		{ say "cannot mount binfmt_misc: $1 binaries run through an explicit qemu-$q-static"; return 0; }
	if [ -f "/usr/lib/binfmt.d/qemu-$q.conf" ]; then
		line=$(cat "/usr/lib/binfmt.d/qemu-$q.conf")
	elif [ "$q" = i386 ]; then
		# qemu's own magic for 32-bit x86 ELF executables; the -binfmt-P
		# name tells qemu the P flag is set
		mkdir -p "$out/qemu"
		ln -sf "$(command -v qemu-i386-static)" "$out/qemu/i386-binfmt-P"
		line=':qemu-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$out/qemu/i386-binfmt-P"':OPF'
	else
		say "no binfmt registration for qemu-$q found: $1 binaries run through an explicit qemu-$q-static"
		return 0
	fi
	if printf '%s\n' "$line" >"$d/register" 2>/dev/null; then
		say "binfmt_misc: $1 binaries now run through qemu-$q-static"
	else
		say "binfmt_misc registration of qemu-$q failed: $1 binaries run through an explicit qemu-$q-static"
	fi
}

# ---- package names per system ----
if [ -f /etc/alpine-release ] && command -v apk >/dev/null 2>&1; then
	sys=alpine
	want="haproxy nginx openssl curl wget clang compiler-rt procps file python3 py3-yaml e2fsprogs util-linux setpriv dnsmasq iproute2 strace podman runc qemu-system-x86_64 qemu-system-aarch64 busybox-static cpio etcd"
	[ $bench = n ] || want="$want busybox hyperfine"
	installed() { apk info -e "$1" >/dev/null 2>&1; }
	install_cmd="apk add --no-cache"
elif [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
	sys=debian
	# clang's runtime (libclang_rt.fuzzer, asan, ubsan) is versioned.
	if command -v clang >/dev/null 2>&1; then
		llvm=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
	else
		llvm=$(apt-cache depends clang 2>/dev/null |
			sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -n 1)
	fi
	# busybox-static replaces the busybox package and gives the bench its
	# busybox too; runc named so that podman does not bring crun, which
	# cannot run on a hybrid cgroup host
	want="haproxy nginx openssl curl wget clang libclang-rt-${llvm:-14}-dev procps file python3 python3-yaml systemd systemd-container e2fsprogs util-linux dnsmasq-base iproute2 strace podman runc qemu-system-x86 qemu-system-arm busybox-static cpio etcd-server"
	[ $bench = n ] || want="$want hyperfine"
	[ -z "$qemu" ] || want="$want qemu-user-static"
	installed() {
		case $1 in
		busybox) command -v busybox >/dev/null 2>&1 && return 0 ;;
		esac
		[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
	}
	install_cmd="apt-get install -y --no-install-recommends"
else
	say "unknown system: install haproxy nginx openssl curl wget clang (with libFuzzer) procps file dnsmasq iproute2 yourself"
	exit 0
fi

missing=
for p in $want; do
	installed "$p" || missing="$missing $p"
done
missing=${missing# }
if [ -z "$missing" ]; then
	say "test dependencies present: $want"
	[ -z "$qemu" ] || binfmt "$qemu"
	exit 0
fi
if ! is_root; then
	say "not root; missing test dependencies: $missing"
	say "to install them run as root: $install_cmd $missing"
	say "(tests needing them will SKIP)"
	exit 0
fi

mkdir -p "$out"
log=$out/test-deps.log
say "installing test dependencies ($sys): $missing (log: toolchain/out/test-deps.log)"
if [ $sys = alpine ]; then
	# shellcheck disable=SC2086
	apk add --no-cache $missing >"$log" 2>&1 || {
		tail -n 15 "$log" >&2
		die "apk add $missing failed"
	}
else
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get install -y -q --no-install-recommends $missing >"$log" 2>&1; then
		say "apt-get install failed; running apt-get update and retrying"
		if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } \
		    >"$log" 2>&1; then
			tail -n 15 "$log" >&2
			die "apt-get install $missing failed (log: toolchain/out/test-deps.log)"
		fi
	fi
fi

# Stop the system instances a fresh install started; leave them disabled.
for s in nginx haproxy; do
	case " $missing " in
	*" $s "*) ;;
	*) continue ;;
	esac
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl disable --now "$s" >/dev/null 2>&1 || true
	elif command -v rc-service >/dev/null 2>&1; then
		rc-service "$s" stop >/dev/null 2>&1 || true
	elif [ -x "/etc/init.d/$s" ]; then
		"/etc/init.d/$s" stop >/dev/null 2>&1 || true
	fi
	if command -v pidof >/dev/null 2>&1 && pidof "$s" >/dev/null 2>&1; then
		say "warning: a system $s is still running (tests use their own instances on 127.0.0.1)"
	else
		say "system $s service stopped; tests run their own"
	fi
done
say "installed: $missing"
[ -z "$qemu" ] || binfmt "$qemu"
