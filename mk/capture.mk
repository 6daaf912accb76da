# capture.mk - the capturer: build/libvmcapture.so (LD_PRELOAD interposer),
# build/capture (the launcher), the helper programs its tests run
# (build/tests/progs/*) and its benchmark.
#
# The interposer is never built with sanitizers: it is preloaded into
# arbitrary programs, which do not carry a sanitizer runtime. Its objects
# have hidden visibility and a version script exports only the wrapped libc
# functions.

CAP_CFLAGS := $(filter-out -fsanitize=% -fno-omit-frame-pointer,$(ALL_CFLAGS)) -fvisibility=hidden

CAP_LIB_SRC := $(filter-out capture/launcher.c,$(wildcard capture/*.c))
CAP_LIB_OBJ := $(CAP_LIB_SRC:%.c=$(O)/%.o) $(O)/capture/trace_names.o
# what a unit test can link without the libc wrappers
CAP_DEC_OBJ := $(filter-out $(O)/capture/interposer.o $(O)/capture/recorder.o \
	$(O)/capture/fdtable.o $(O)/capture/trace_names.o,$(CAP_LIB_OBJ))

$(O)/capture/%.o: capture/%.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CAP_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/capture/trace_names.o: replay/trace_names.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CAP_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libvmcapture.so: $(CAP_LIB_OBJ) capture/capture.map
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-Bsymbolic -Wl,--version-script=capture/capture.map \
		-o $@ $(CAP_LIB_OBJ) -ldl -lpthread

$(O)/capture/outfile.o: replay/outfile.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CAP_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/capture: $(O)/capture/launcher.o $(O)/capture/trace_names.o $(O)/capture/outfile.o
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $^ $(PKG_LIBS)

PROGS += $(B)/libvmcapture.so $(B)/capture

# helper programs for tests/capture*.sh and the benchmark; with SAN they are
# sanitized like the shim they run on (tests/capture.sh lets the
# interposer be preloaded ahead of the sanitizer runtime)
CAP_PROG_SRC := $(wildcard tests/progs/*.c)
CAP_PROGS := $(CAP_PROG_SRC:tests/progs/%.c=$(B)/tests/progs/%)

$(B)/tests/progs/%: $(O)/tests/progs/%.o
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lpthread

TEST_PROGS += $(CAP_PROGS)

# the decoder unit test links the decoders, the builder and the renderer
$(B)/tests/test_capture_decode: $(CAP_DEC_OBJ)

BENCH_PROGS += $(CAP_PROGS)
