# drainbox - GNU make, one flat file. See config.mk for the knobs.
include config.mk

# ---- which CPU: ARCH, CROSS_COMPILE or a user's CC (toolchain/cross.sh) -------
# make ARCH=aarch64 (armhf, riscv64, i386, x86_64) builds build/ARCH/drainbox
# with the compiler and BearSSL of toolchain/out/ARCH/. CROSS_COMPILE=PREFIX or
# CC=a-musl-cross-gcc on the command line build for that compiler's CPU, with
# toolchain/out/ARCH-N/ (N: a checksum of the compiler's name). Plain make,
# and a CC for this machine, build build/drainbox as before.
ARCHES    = x86_64 aarch64 armhf riscv64 i386
HOST_ARCH := $(patsubst i%86,i386,$(patsubst armv7%,armhf,$(patsubst arm64,aarch64,$(patsubst amd64,x86_64,$(shell uname -m)))))
XCC := $(or $(if $(CROSS_COMPILE),$(CROSS_COMPILE)gcc),$(if $(filter command line,$(origin CC)),$(CC)))
ifeq ($(ARCH),)
ifneq ($(XCC),)
XARCH := $(shell $(XCC) -dumpmachine 2>/dev/null | sed 's/^\(i.86\|x86_64\|aarch64\|riscv64\).*/\1/; s/^i.86$$/i386/; s/^arm.*hf$$/armhf/')
ifneq ($(or $(CROSS_COMPILE),$(filter-out $(HOST_ARCH),$(XARCH))),)
ARCH := $(XARCH)
endif
endif
endif
ifneq ($(ARCH),)
ifeq ($(filter $(ARCHES),$(ARCH)),)
$(error ARCH=$(ARCH): not one of $(ARCHES) (from CC/CROSS_COMPILE: $(XCC) -dumpmachine))
endif
TC = toolchain/out/$(ARCH)$(if $(XCC),-$(shell printf %s '$(XCC)' | cksum | cut -d' ' -f1))
endif

B = build$(if $(ARCH),/$(ARCH))
# host-only pieces (helpers, sanitizer unit tests, fuzz replays) stay in the
# native build directory whatever ARCH is
HB = $(if $(ARCH),build,$(B))
CPPFLAGS += -I$(B)
# make V=1 shows each compiler command
Q = $(if $(V),,@echo '  CC   $<';)

all:

# ---- toolchain: musl cc and BearSSL, obtained by toolchain/*.sh ---------------
# Goals that need no compiler do not trigger it.
NOTOOL = clean help uninstall dist check-all-arches size-arches
ifneq ($(filter-out $(NOTOOL),$(or $(MAKECMDGOALS),all)),)
ifeq ($(TC),)
ifneq ($(filter command line environment,$(origin CC)),)
export CC
endif
include toolchain/out/musl.mk
ifeq ($(CONFIG_TLS),y)
include toolchain/out/bearssl.mk
endif
else
# CC, STRIP and EMU (the qemu-user program for a foreign CPU, else empty)
include $(TC)/cc.mk
ifeq ($(CONFIG_TLS),y)
include $(TC)/bearssl.mk
endif
endif
endif

toolchain/out/musl.mk: toolchain/musl.sh toolchain/versions
	sh toolchain/musl.sh
toolchain/out/bearssl.mk: toolchain/bearssl.sh toolchain/versions toolchain/out/musl.mk
	sh toolchain/bearssl.sh
# a user's CC or CROSS_COMPILE reaches cross.sh only from the command line
$(TC)/cc.mk: toolchain/cross.sh toolchain/versions
	CC='$(if $(filter command line,$(origin CC)),$(CC))' CROSS_COMPILE='$(CROSS_COMPILE)' \
	  CONFIG_TLS=n sh toolchain/cross.sh $(ARCH) $(TC)
$(TC)/bearssl.mk: toolchain/bearssl.sh toolchain/versions $(TC)/cc.mk
	BEARSSL_OUT=$(TC) sh toolchain/bearssl.sh

# ---- what goes in --------------------------------------------------------------
APPLETS-$(CONFIG_DEPOOL)   += depool
APPLETS-$(CONFIG_REPOOL)   += repool
APPLETS-$(CONFIG_WAITLOAD) += waitload
APPLETS-$(CONFIG_PIDKILL)  += pidkill
APPLETS-$(CONFIG_DRAIN)    += drain
APPLETS = $(sort $(APPLETS-y))

TLS_SRC-y = net/tls_bearssl.c net/ca.c
TLS_SRC-n = net/tls_none.c
NET_SRC   = $(filter-out net/tls_% net/ca.c,$(wildcard net/*.c))
LIB_SRC   = $(wildcard lib/*.c)
SRC       = applets/main.c $(APPLETS:%=applets/%.c) $(LIB_SRC) $(NET_SRC) \
            $(TLS_SRC-$(CONFIG_TLS))
OBJ       = $(SRC:%.c=$(B)/%.o)
TLSLIB-y  = $(BEARSSL_LIB)
LIBS      = $(TLSLIB-$(CONFIG_TLS))

$(B)/net/tls_bearssl.o $(B)/net/ca.o: CPPFLAGS += -I$(BEARSSL_INC)

all: $(B)/drainbox $(B)/drainbox.links

# rewritten only when its text changes, so `make CONFIG_TLS=n` rebuilds
# exactly what it must
$(B)/config.h: FORCE
	@mkdir -p $(B); { echo '#define VERSION "$(VERSION)"'; \
	 echo '#define CFG_TLS $(if $(filter y,$(CONFIG_TLS)),1,0)'; \
	 echo '#define CFG_FLEET $(if $(filter y,$(CONFIG_FLEET)),1,0)'; \
	 echo '#define BUILD_EPOCH $(BUILD_EPOCH)'; \
	 echo '/* cc: $(CC) */'; \
	 printf '#define APPLETS(X)'; printf ' X(%s)' $(APPLETS); echo; } >$@.new; \
	 cmp -s $@.new $@ && rm $@.new || mv $@.new $@
FORCE:

# the date validity checks fall back to when the clock is wrong (tls_bearssl.c):
# the last commit's date, so a rebuild of the same tree gives the same binary
# (in a tarball from make dist: toolchain/epoch, filled in by git archive)
BUILD_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell sed -n '/^[0-9][0-9]*$$/p' toolchain/epoch 2>/dev/null),$(shell git log -1 --format=%ct 2>/dev/null),0)
# no build directory in the objects (a rebuild elsewhere is the same binary)
CFLAGS += -ffile-prefix-map=$(CURDIR)/=
# Per-CPU size flags, for our code (BearSSL keeps -Os, as its speed is the
# handshake's; toolchain/bearssl.sh gives it the tiny model too). aarch64: the program is well under 1 MB, so each address
# is one adr (the tiny code model) instead of adrp+add, -4.5 KB; one grown
# past 1 MB fails to link ("relocation truncated"), never at run time. Our
# code has no floating point, so a varargs function (log_*, fmt_sn...) need
# not save the FP argument registers: -mgeneral-regs-only, -0.3 KB (a float
# would be a compile error).
# x86: -Oz (gcc 12+, clang) picks shorter encodings, -1.3 KB on x86_64 and
# -0.9 KB on i386 (the same bytes on the other CPUs); probed, so an older
# compiler keeps -Os.
CC_ARCH := $(or $(ARCH),$(HOST_ARCH))
ifneq ($(filter x86_64 i386,$(CC_ARCH)),)
CFLAGS += $(shell $(CC) -Oz -x c -c -o /dev/null /dev/null 2>/dev/null && echo -Oz)
endif
ifeq ($(CC_ARCH),aarch64)
CFLAGS += -mcmodel=tiny -mgeneral-regs-only
endif
# a pointer cast to a type of stricter alignment is an error on every CPU,
# not only on one that faults on an unaligned load (armhf ldrd, riscv64)
CFLAGS += -Wcast-align=strict

$(B)/%.o: %.c $(B)/config.h lib/lib.h net/net.h net/tls.h config.mk
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WERROR) -c -o $@ $<

$(B)/drainbox.unstripped: $(OBJ) $(LIBS) config.mk
	$(if $(V),,@echo '  LD   $@';)$(CC) $(CFLAGS) $(WERROR) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

$(B)/drainbox: $(B)/drainbox.unstripped
	$(if $(V),,@echo '  STRIP $@';)$(STRIP) -s -R .comment -o $@ $<

$(B)/drainbox.links: $(B)/config.h
	@printf '%s\n' $(APPLETS) >$@

# ---- unit tests: each tests/unit/t_*.c linked with lib/ and net/ -----------------
UNIT     = $(basename $(notdir $(wildcard tests/unit/t_*.c)))
LIBOBJ   = $(filter $(B)/lib/% $(B)/net/%,$(OBJ))
HOST_SRC = $(LIB_SRC) $(NET_SRC) net/tls_none.c
HOST_OBJ = $(HOST_SRC:%.c=$(B)/host/%.o)

$(B)/host/%.o: %.c $(B)/config.h lib/lib.h net/net.h net/tls.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(CPPFLAGS) -std=c99 -Wall -Wextra $(WERROR) $(SANFLAGS) -c -o $@ $<

$(B)/unit/host/%: tests/unit/%.c tests/unit/tap.h $(HOST_OBJ)
	@mkdir -p $(@D)
	$(HOSTCC) $(CPPFLAGS) -std=c99 -Wall -Wextra $(WERROR) $(SANFLAGS) -o $@ $< $(HOST_OBJ)

$(B)/unit/musl/%: tests/unit/%.c tests/unit/tap.h $(LIBOBJ) $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WERROR) -static -o $@ $< $(LIBOBJ) $(LIBS)

# t_ca tests ca.c, which needs BearSSL's headers; its host build links ca.c
# itself (ca.c calls no BearSSL function); a CONFIG_TLS=n build leaves it out
UNIT-n = t_ca
UNIT := $(filter-out $(UNIT-$(CONFIG_TLS)),$(UNIT))
$(B)/unit/musl/t_ca: CPPFLAGS += -I$(BEARSSL_INC)
$(B)/unit/host/t_ca: tests/unit/t_ca.c tests/unit/tap.h net/ca.c $(HOST_OBJ)
	@mkdir -p $(@D)
	$(HOSTCC) $(CPPFLAGS) -I$(BEARSSL_INC) -std=c99 -Wall -Wextra $(WERROR) $(SANFLAGS) -o $@ $< net/ca.c $(HOST_OBJ)

# ---- fuzz targets: libFuzzer with clang; a replay main for make check ------------
# f_ca (ca.c) needs BearSSL's headers, so a CONFIG_TLS=n build leaves it out
FUZZ-n = f_ca
FUZZ = $(filter-out $(FUZZ-$(CONFIG_TLS)),$(basename $(notdir $(wildcard tests/fuzz/f_*.c))))

$(B)/fuzz/replay-%: tests/fuzz/%.c tests/fuzz/replay.c $(HOST_OBJ)
	@mkdir -p $(@D)
	$(HOSTCC) $(CPPFLAGS) -std=c99 -Wall -Wextra $(WERROR) $(SANFLAGS) -o $@ $< tests/fuzz/replay.c $(HOST_OBJ)

$(B)/fuzz/%: tests/fuzz/%.c $(HOST_SRC) $(B)/config.h
	@mkdir -p $(@D)
	$(FUZZCC) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(HOST_SRC)

# f_ca: ca.c as well, with BearSSL's headers but not its library (ca.c
# calls no BearSSL function); explicit rules win over the patterns above
$(B)/fuzz/replay-f_ca: tests/fuzz/f_ca.c tests/fuzz/replay.c net/ca.c $(HOST_OBJ)
	@mkdir -p $(@D)
	$(HOSTCC) $(CPPFLAGS) -I$(BEARSSL_INC) -std=c99 -Wall -Wextra $(WERROR) $(SANFLAGS) -o $@ $< tests/fuzz/replay.c net/ca.c $(HOST_OBJ)

$(B)/fuzz/f_ca: tests/fuzz/f_ca.c net/ca.c $(HOST_SRC) $(B)/config.h
	@mkdir -p $(@D)
	$(FUZZCC) $(CPPFLAGS) -I$(BEARSSL_INC) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< net/ca.c $(HOST_SRC)

# make fuzz               builds every target
# make fuzz RUN=f_http T=60   runs one for T seconds on a copy of its corpus
fuzz: $(FUZZ:%=$(B)/fuzz/%)
ifneq ($(RUN),)
	@mkdir -p $(B)/fuzz/corpus-$(RUN); cp tests/fuzz/corpus/$(RUN)/* $(B)/fuzz/corpus-$(RUN)/ 2>/dev/null || true
	$(B)/fuzz/$(RUN) -max_total_time=$(or $(T),60) -max_len=20000 -dict=tests/fuzz/http.dict $(B)/fuzz/corpus-$(RUN) tests/fuzz/corpus/$(RUN)
endif

# make fuzz-long          every target for RUNS executions (default 10000000)
#                         at low priority, one summary line each (tests/fuzz/long.sh)
fuzz-long: $(FUZZ:%=$(B)/fuzz/%)
	@B=$(B) RUNS=$(or $(RUNS),10000000) FUZZ="$(FUZZ)" sh tests/fuzz/long.sh

# ---- test helpers (host cc; they run on the build machine only) ------------------
HELPERS = $(basename $(notdir $(wildcard tests/helpers/*.c)))
$(HB)/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(HOSTCC) -std=c99 -D_GNU_SOURCE -O1 -g -Wall -Wextra $(WERROR) -o $@ $<

# the backend, static (musl): PID 1 of tests/e2e/container.test's app image
$(B)/static/backend: tests/helpers/backend.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -D_GNU_SOURCE -Os -static -Wall -Wextra $(WERROR) -o $@ $<

# ---- check ----------------------------------------------------------------------
TESTBINS = $(UNIT:%=$(B)/unit/host/%) $(UNIT:%=$(B)/unit/musl/%) \
           $(FUZZ:%=$(B)/fuzz/replay-%) $(HELPERS:%=$(B)/helpers/%) \
           $(B)/static/backend $(B)/bench/brun
ifneq ($(TC),)
# make check ARCH=X: the musl unit tests and the shell tests run the X
# binaries (under qemu-user for a foreign CPU); the sanitizer unit tests and
# the fuzz replays are host builds, run by the native make check
TESTBINS = $(UNIT:%=$(B)/unit/musl/%) $(HELPERS:%=$(HB)/helpers/%)
endif

check: all $(TESTBINS)
	@sh toolchain/test-deps.sh $(if $(EMU),--qemu $(ARCH))
	@B=$(B) H=$(HB)/helpers ARCH=$(ARCH) EMU=$(EMU) sh tests/run

# ---- install --------------------------------------------------------------------
install: all
	install -D -m 755 $(B)/drainbox $(DESTDIR)$(BINDIR)/drainbox
	while read a; do ln -sf drainbox $(DESTDIR)$(BINDIR)/$$a; done <$(B)/drainbox.links

uninstall:
	for a in $(APPLETS); do \
	  [ -L $(DESTDIR)$(BINDIR)/$$a ] && rm -f $(DESTDIR)$(BINDIR)/$$a; done; \
	rm -f $(DESTDIR)$(BINDIR)/drainbox

# ---- size, lint ------------------------------------------------------------------
# binutils for the target CPU: aarch64-linux-gnu-size with that strip
BINPFX = $(patsubst %strip,%,$(STRIP))
size: all
	@$(BINPFX)size $(B)/drainbox $(B)/drainbox.unstripped
	@echo "stripped: $$(stat -c %s $(B)/drainbox) bytes ($(APPLETS); TLS=$(CONFIG_TLS))"
	@echo "biggest symbols:"
	@$(BINPFX)nm --size-sort -S -r $(B)/drainbox.unstripped | head -25
	@file $(B)/drainbox | grep -q 'statically linked' && echo "static: yes" || { echo "static: NO"; exit 1; }
	@B=$(B) MAKE="$(MAKE)" sh tests/bench/size.sh
	@$(MAKE) --no-print-directory size-arches

# the stripped size of every arch built in build/ARCH (and build/drainbox),
# against its budget with TLS; over budget is an error
SIZE_BUDGET = 160000
SIZE_BUDGET_i386 = 180000
size-arches:
	@echo "stripped size per arch (all applets; budget with TLS):"; fail=0; \
	for a in native $(ARCHES); do \
	  d=build/$$a; [ $$a = native ] && d=build; f=$$d/drainbox; [ -f $$f ] || continue; \
	  n=$$(wc -c <$$f); tls=$$(sed -n 's/^#define CFG_TLS //p' $$d/config.h); \
	  max=$$([ $$a = i386 ] && echo $(SIZE_BUDGET_i386) || echo $(SIZE_BUDGET)); \
	  v=ok; [ "$$tls" = 1 ] || v="no TLS"; \
	  [ "$$tls" = 1 ] && [ $$n -gt $$max ] && { v="OVER BUDGET"; fail=1; }; \
	  printf '  %-8s %7d B  (budget %d)  %s\n' $$a $$n $$max "$$v"; \
	done; exit $$fail

lint: all
	@fail=0; for a in $(APPLETS); do \
	  s=$$(nm -g --defined-only $(B)/applets/$$a.o | awk '{print $$3}'); \
	  [ "$$s" = "applet_$$a" ] || { echo "lint: applets/$$a.o exports: $$s"; fail=1; }; done; \
	grep -l '^#include "lib/' net/*.c net/*.h && { echo "lint: net/ includes lib/"; fail=1; }; \
	for f in $$(grep -l '^#include <bearssl' --include='*.c' --include='*.h' -r applets lib net); do \
	  case $$f in net/tls_bearssl.c|net/ca.c|net/tls.h) ;; *) echo "lint: $$f uses bearssl"; fail=1;; esac; done; \
	[ $$fail = 0 ] && echo "lint: ok"; exit $$fail

toolchain:
	sh toolchain/detect.sh

clean:
	rm -rf $(B) $(if $(ARCH),,$(DIST))

.PHONY: all check install uninstall size size-arches lint toolchain clean fuzz fuzz-long FORCE

# ---- every arch: check-all-arches, dist --------------------------------------------
# make check-all-arches   make check here, then make check ARCH=X for the
#                         other four (under qemu-user); one tally at the end
check-all-arches:
	@sh tests/arches.sh check native aarch64 armhf riscv64 i386

# make dist   dist/drainbox-VERSION-linux-ARCH for every arch (static,
# stripped), drainbox-VERSION.tar.gz (git archive of HEAD) and SHA256SUMS.
# The same commit gives the same bytes: dates come from BUILD_EPOCH (a tarball
# carries it in toolchain/epoch), build paths are mapped out, modes are set.
DIST = dist
dist:
	@set -e; umask 022; \
	git diff --quiet HEAD -- 2>/dev/null || echo "dist: warning: uncommitted changes are in the binaries, not in the tarball"; \
	rm -rf $(DIST); mkdir -p $(DIST); \
	for a in $(ARCHES); do \
	  $(MAKE) --no-print-directory ARCH=$$a B=build/$$a all; \
	  cp build/$$a/drainbox $(DIST)/drainbox-$(VERSION)-linux-$$a; \
	  chmod 755 $(DIST)/drainbox-$(VERSION)-linux-$$a; \
	done; \
	git archive --format=tar.gz --prefix=drainbox-$(VERSION)/ \
	  -o $(DIST)/drainbox-$(VERSION).tar.gz HEAD; \
	chmod 644 $(DIST)/drainbox-$(VERSION).tar.gz; \
	cd $(DIST) && LC_ALL=C sha256sum drainbox-* >SHA256SUMS && cat SHA256SUMS

.PHONY: check-all-arches dist
.DELETE_ON_ERROR:
# keep the objects the unit-test and fuzz pattern rules build
.SECONDARY:

# ---- demo and bench (tests/e2e, tests/bench) ---------------------------------------
# make demo    drains one backend of a live HAProxy demo, prints the verdict
# make bench   speed, memory and size against curl, busybox wget and bash
#              (N=200 runs per command; N=50 for a quicker look; PARTS=3
#              for part 3 alone: the parts are listed in tests/bench/bench.sh)
$(B)/bench/brun: tests/bench/brun.c
	@mkdir -p $(@D)
	$(CC) -std=c99 -D_GNU_SOURCE -Os -static -Wall -Wextra $(WERROR) -o $@ $<

demo: all $(HELPERS:%=$(HB)/helpers/%)
	@B=$(B) sh tests/e2e/demo.sh

# make demo-fleet   three nodes restart at once with drain --fleet-lock
#                   (a real etcd): prints requests, failed, fewest servers UP
demo-fleet: all $(HELPERS:%=$(HB)/helpers/%)
	@B=$(B) sh tests/e2e/demo-fleet.sh

bench: all $(HELPERS:%=$(HB)/helpers/%) $(B)/bench/brun
	@B=$(B) sh tests/bench/bench.sh

.PHONY: demo bench demo-fleet

# make image   the FROM scratch image of examples/Dockerfile's final stage,
#              built offline from build/drainbox by podman (or buildah),
#              named drainbox (NAME=...); prints its ID (tests/e2e/image.sh)
image: all
	@B=$(B) sh tests/e2e/image.sh $(NAME)

.PHONY: image
