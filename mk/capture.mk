# capture.mk - the capturer: build/libvmcapture.so (LD_PRELOAD interposer),
# build/capture (the launcher), the helper programs its tests run
# (build/tests/progs/*) and its benchmark.
#
# The interposer is never built with sanitizers: it is preloaded into
# arbitrary programs, which do not carry a sanitizer runtime. Its objects
# have hidden visibility and a version script exports only the wrapped libc
# functions.

CAP_CFLAGS := $(filter-out -fsanitize=% -fno-omit-frame-pointer,$(ALL_CFLAGS)) -fvisibility=hidden

# Link-time optimisation: a recorded ioctl crosses the interposer, the
# recorder, a decoder and the record builder; inlined across those files it
# costs the program's thread about 10% less (bench/capture.sh, drm-pair).
# GCC only: clang's LTO needs a linker plugin Debian's binutils lack.
CAP_LTO := $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),,-flto=auto)
CAP_CFLAGS += $(CAP_LTO)

CAP_LIB_SRC := $(filter-out capture/launcher.c,$(wildcard capture/*.c))
CAP_LIB_OBJ := $(CAP_LIB_SRC:%.c=$(O)/%.o) $(O)/capture/trace_names.o
# what a unit test can link without the libc wrappers
CAP_DEC_OBJ := $(filter-out $(O)/capture/interposer.o $(O)/capture/recorder.o \
	$(O)/capture/fdtable.o $(O)/capture/trace_names.o,$(CAP_LIB_OBJ))

# Profile-guided layout (GCC, not with SAN; `make PGO=0` turns it off).
# The library is built twice: instrumented under $(O)/pgo-gen/, run by
# capture/pgo-train.sh on the shim, then for real with -fprofile-use. The
# hot path of a recorded ioctl keeps its instructions but lies on fewer
# cache lines (41 instead of 51 for a signal under callgrind), which the
# kernel call before it has mostly evicted: the program's thread pays about
# a quarter less per recorded ioctl (docs/capture.md, "Profile-guided
# layout"). -fprofile-partial-training keeps what the training never ran
# optimised as before, not for size. Both compiles of an object name the
# same -dumpdir/-dumpbase: GCC derives the identity of a static function's
# counts from it (from the object's path otherwise, and a profile written
# under another path then misses them: an error). A failed training run
# warns and the library is built without a profile.
PGO ?= 1
CAP_PGO_DIR := $(O)/pgo-gen
# compile an object of the interposer, and link the interposer from the
# objects among the prerequisites, each with the extra flags $(1)
cap_cc = $(Q)mkdir -p $(dir $@) && $(CC) $(CAP_CFLAGS) $(1) -MMD -MP -c -o $@ $<
cap_ld = $(Q)$(CC) $(CAP_LTO) $(1) $(CFLAGS) -shared -Wl,-Bsymbolic \
	-Wl,--version-script=capture/capture.map -o $@ $(filter %.o,$^) -ldl -lpthread
ifeq ($(PGO)$(SAN),1)
ifneq ($(CAP_LTO),)
CAP_PGO := y
endif
endif
ifeq ($(CAP_PGO),y)
CAP_GEN_OBJ := $(patsubst $(O)/%,$(CAP_PGO_DIR)/%,$(CAP_LIB_OBJ))
CAP_GEN_FLAGS := -fprofile-generate -fprofile-update=atomic
CAP_LINK_FLAGS := -fprofile-use -fprofile-partial-training
CAP_USE_FLAGS = $(CAP_LINK_FLAGS) -Wno-missing-profile $(call cap_aux,$@)
# where both compiles of an object keep its counts
cap_aux = -dumpdir $(CAP_PGO_DIR)/data/ -dumpbase $(basename $(notdir $(1)))

$(CAP_PGO_DIR)/capture/%.o: capture/%.c
	$(call say,CC,$@)
	$(call cap_cc,$(CAP_GEN_FLAGS) $(call cap_aux,$@))

$(CAP_PGO_DIR)/capture/trace_names.o: replay/trace_names.c
	$(call say,CC,$@)
	$(call cap_cc,$(CAP_GEN_FLAGS) $(call cap_aux,$@))

$(CAP_PGO_DIR)/libvmcapture.so: $(CAP_GEN_OBJ) capture/capture.map
	$(call say,LD,$@)
	$(call cap_ld,$(CAP_GEN_FLAGS))

# The counts are of the interposer's own branches: retrained when its code
# or the training changes. The programs that drive it are order-only (they
# must exist), or every commit would retrain and rebuild the interposer: the
# replayer and the shim relink at each one, for the version they print.
$(CAP_PGO_DIR)/trained: $(CAP_PGO_DIR)/libvmcapture.so capture/pgo-train.sh | $(B)/libvmshim.so \
		$(B)/replay $(B)/tests/progs/cap_loop
	$(call say,TRAIN,$<)
	$(Q)mkdir -p $(CAP_PGO_DIR)/data && rm -f $(CAP_PGO_DIR)/data/*.gcda
	$(Q)sh capture/pgo-train.sh $(abspath $<) $(B) || { \
		echo "warning: the interposer's training run failed: built without a profile" >&2; \
		rm -f $(CAP_PGO_DIR)/data/*.gcda; }
	$(Q)touch $@

# every library object waits for the training (and is rebuilt after it)
$(CAP_LIB_OBJ): $(CAP_PGO_DIR)/trained
endif

$(O)/capture/%.o: capture/%.c
	$(call say,CC,$<)
	$(call cap_cc,$(CAP_USE_FLAGS))

$(O)/capture/trace_names.o: replay/trace_names.c
	$(call say,CC,$<)
	$(call cap_cc,$(CAP_USE_FLAGS))

$(B)/libvmcapture.so: $(CAP_LIB_OBJ) capture/capture.map
	$(call say,LD,$@)
	$(call cap_ld,$(CAP_LINK_FLAGS))

$(O)/capture/outfile.o: replay/outfile.c
	$(call say,CC,$<)
	$(call cap_cc,)

$(B)/capture: $(O)/capture/launcher.o $(O)/capture/trace_names.o $(O)/capture/outfile.o
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $^ $(PKG_LIBS)

PROGS += $(B)/libvmcapture.so $(B)/capture

# helper programs for tests/capture*.sh and the benchmark; with SAN they are
# sanitized like the shim they run on (tests/capture.sh lets the
# interposer be preloaded ahead of the sanitizer runtime)
#
# The real-API clients (vk_*.c: Vulkan, egl_*.c: EGL + GLES) load Mesa's
# drivers, which carry no sanitizer runtime either: they are built like the
# interposer, unsanitized, and only when the loader's development files are
# installed (tests/real-clients.sh skips them otherwise).
CAP_PROG_SRC := $(wildcard tests/progs/*.c)
GPU_PROG_SRC := $(wildcard tests/progs/vk_*.c tests/progs/egl_*.c)
CAP_PROG_SRC := $(filter-out $(GPU_PROG_SRC),$(CAP_PROG_SRC))
CAP_PROGS := $(CAP_PROG_SRC:tests/progs/%.c=$(B)/tests/progs/%)
ifneq ($(shell pkg-config --exists vulkan && echo y),)
CAP_PROGS += $(patsubst tests/progs/%.c,$(B)/tests/progs/%,$(wildcard tests/progs/vk_*.c))
endif
ifneq ($(shell pkg-config --exists egl glesv2 && echo y),)
CAP_PROGS += $(patsubst tests/progs/%.c,$(B)/tests/progs/%,$(wildcard tests/progs/egl_*.c))
endif

$(B)/tests/progs/%: $(O)/tests/progs/%.o
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lpthread

$(O)/tests/progs/vk_%.o: tests/progs/vk_%.c
	$(call say,CC,$<)
	$(call cap_cc,)

$(O)/tests/progs/egl_%.o: tests/progs/egl_%.c
	$(call say,CC,$<)
	$(call cap_cc,)

$(B)/tests/progs/vk_%: $(O)/tests/progs/vk_%.o
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ -lvulkan

$(B)/tests/progs/egl_%: $(O)/tests/progs/egl_%.o
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ -lEGL -lGLESv2

TEST_PROGS += $(CAP_PROGS)

# the decoder unit test links the decoders, the builder and the renderer
$(B)/tests/test_capture_decode: $(CAP_DEC_OBJ)

BENCH_PROGS += $(CAP_PROGS)
