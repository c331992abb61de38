# config.mk - drainbox build configuration; override on the command line:
#   make CONFIG_TLS=n CONFIG_DRAIN=n
# Comments go on their own line: make keeps the blanks before a trailing "# ...".
VERSION = 0.1.0

# applets built in: y or n
CONFIG_DEPOOL   = y
CONFIG_REPOOL   = y
CONFIG_WAITLOAD = y
CONFIG_PIDKILL  = y
CONFIG_DRAIN    = y

# https:// through BearSSL; n = https URLs are a clear error
CONFIG_TLS = y

# drain/repool --fleet-lock (etcd slots, lib/fleet.c), drain --min-up and
# --confirm-haproxy: about 9 KB (README, "A fleet"); n leaves them out
CONFIG_FLEET = y

PREFIX  = /usr/local
BINDIR  = $(PREFIX)/bin
DESTDIR =

# CC, BEARSSL_INC and BEARSSL_LIB come from toolchain/out/*.mk (written by
# toolchain/*.sh); CC=... on the command line must be a musl compiler.
CPPFLAGS = -D_GNU_SOURCE -I. -DNDEBUG
# -fno-pie: a static binary loads at a fixed address, and position-independent
# code costs bytes for nothing (aarch64 -2 KB, i386 -11 KB); -flto: one
# optimisation over all our files (-3 to -6 KB); -fomit-frame-pointer:
# Debian's gcc keeps the frame pointer on aarch64 and i386 (-1.4 and -4 KB;
# x86_64 already omits it); three passes -Os runs that cost bytes on this
# code (measured together: x86_64 -0.5 KB, aarch64 -0.3 KB):
# -fno-move-loop-invariants -fno-tree-tail-merge -fno-caller-saves
CFLAGS   = -std=c99 -Os -fno-pie -flto=auto -fomit-frame-pointer -pipe -Wall -Wextra -Wshadow -Wmissing-prototypes \
           -Wstrict-prototypes -ffunction-sections -fdata-sections \
           -fno-asynchronous-unwind-tables -fno-unwind-tables \
           -fno-move-loop-invariants -fno-tree-tail-merge -fno-caller-saves
# common-page-size=64: ld may otherwise pad the file up to 4 KB to save a
# page of memory at the start of the data segment
LDFLAGS  = -static -no-pie -Wl,--gc-sections -Wl,-z,noseparate-code \
           -Wl,-z,common-page-size=64 -Wl,--build-id=none -Wl,-z,norelro
# warnings are errors; `make WERROR=` for a compiler newer than ours
WERROR   = -Werror
STRIP    = strip

# host builds of unit tests (sanitizers) and fuzzers
HOSTCC   = cc
SANFLAGS = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZCC   = clang
