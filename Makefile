# vmbench - GPU VM bind/unbind/submit trace replay benchmark.
#
#   make            build everything into build/
#   make check      build and run the test suite
#   make bench      build and run the benchmarks (figures, not pass/fail)
#   make install    install commands under $(DESTDIR)$(PREFIX)
#   make SAN=address,undefined check    with sanitizers (also SAN=thread)
#   make fuzz [FUZZ_SECONDS=N]          libFuzzer targets (clang), see mk/fuzz.mk
#   make V=1        show the commands
#
# Each component adds its own programs in a mk/*.mk fragment.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share/vmbench
EXECDIR ?= $(LIBDIR)/vmbench
B := build
# objects live under build/obj/ so that build/replay can be a program
O := $(B)/obj

CC ?= cc
PKGS := jansson libdrm
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

VERSION := 0.1
GIT_SHA := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ifneq ($(WERROR),0)
WARN += -Werror
endif
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) -fPIC -D_GNU_SOURCE -Ireplay -Ireplay/model \
	-DVMB_VERSION='"$(VERSION)"' -DVMB_GIT_SHA='"$(GIT_SHA)"' $(PKG_CFLAGS)
LDLIBS := $(PKG_LIBS) -lm -lpthread -ldl
ifneq ($(SAN),)
ALL_CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SAN)
endif

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

# The core library: everything under replay/ except programs and the shim.
CORE_SRC := $(filter-out replay/main.c,$(wildcard replay/*.c replay/model/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o)
LIBCORE := $(B)/libvmbcore.a

PROGS := $(B)/replay
TEST_PROGS :=
BENCH_PROGS :=

all: progs

# link rules in mk/*.mk write straight into these
$(shell mkdir -p $(B)/tests $(B)/bench)

# fuzz.mk last: it mirrors the objects the other fragments add
-include $(filter-out mk/fuzz.mk,$(wildcard mk/*.mk)) mk/fuzz.mk

TEST_SRC := $(wildcard tests/test_*.c)
TEST_PROGS += $(TEST_SRC:tests/%.c=$(B)/tests/%)

progs: $(PROGS)

$(O)/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/replay: $(O)/replay/main.o $(LIBCORE)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(O)/tests/%.o $(LIBCORE)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/bench/%: $(O)/bench/%.o $(LIBCORE)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check: progs $(TEST_PROGS)
	@tests/run

bench: progs $(BENCH_PROGS)
	@bench/run

# `vmbench` is the only command in BINDIR (git/perf style); the programs it
# runs live in EXECDIR, beside the preload libraries they load
install: progs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/vmbench $(DESTDIR)$(EXECDIR) \
		$(DESTDIR)$(DATADIR)/traces
	for p in $(PROGS); do case $$p in *.so) install -m 644 $$p $(DESTDIR)$(LIBDIR)/vmbench/ ;; \
		*) install -m 755 $$p $(DESTDIR)$(EXECDIR)/ ;; esac; done
	install -m 644 traces/*.json* $(DESTDIR)$(DATADIR)/traces/
	sed 's|^installed_execdir=""|installed_execdir="$(EXECDIR)"|' scripts/vmbench \
		>$(DESTDIR)$(BINDIR)/vmbench && chmod 755 $(DESTDIR)$(BINDIR)/vmbench

format-check:
	@clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

.PHONY: all progs check bench install clean format-check
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
