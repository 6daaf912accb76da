# fuzz.mk - libFuzzer targets (tests/fuzz/*.c), built with clang into
# build/fuzz/ with their own objects (-fsanitize=fuzzer-no-link plus
# FUZZ_SAN, ASan+UBSan by default), apart from the normal build. The
# simdjson .jsonl path (replay/trace_simd.cc) is built with clang++ and
# instrumented like the rest; the targets link with clang++ (UBSan's C++
# runtime).
#
#   make fuzz-build                 build the targets
#   make fuzz [FUZZ_SECONDS=600]    build, then run each target that long
#                                   (the shim target once per driver)
#   make fuzz-ci                    the same for 10 s each (about 2 minutes)
#
# Seeds: tests/fuzz/corpus/<target>/ (never written); the growing corpus is
# build/fuzz/work/<target>/, crashes land in build/fuzz/artifacts/.

FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
FUZZ_SAN ?= address,undefined
FUZZ_SECONDS ?= 60
FZ := $(B)/fuzz
FZ_CFLAGS := -std=gnu11 $(filter-out -Werror,$(WARN)) -O1 -g -fPIC -D_GNU_SOURCE -Ireplay \
	-Ireplay/model -DVMB_VERSION='"$(VERSION)"' -DVMB_GIT_SHA='"$(GIT_SHA)"' $(PKG_CFLAGS) \
	-fsanitize=fuzzer-no-link,$(FUZZ_SAN) -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FZ_CXXFLAGS = $(filter-out -Werror -Wstrict-prototypes -Wmissing-prototypes,$(patsubst -std=gnu11,-std=c++17,$(FZ_CFLAGS))) \
	$(shell pkg-config --cflags simdjson 2>/dev/null)
FZ_LDFLAGS := -fsanitize=fuzzer,$(FUZZ_SAN)

# the Makefile reads this fragment after all the others, so CORE_OBJ and
# SHIM_OBJ are complete here (trace.mk adds the simdjson .jsonl path)
FZ_CORE_OBJ := $(patsubst $(O)/%,$(FZ)/obj/%,$(CORE_OBJ))
FZ_SHIM_OBJ := $(patsubst $(O)/%,$(FZ)/obj/%,$(SHIM_OBJ))
FZ_CAP_OBJ := $(patsubst %.c,$(FZ)/obj/%.o,$(filter-out capture/launcher.c capture/interposer.c \
	capture/recorder.c capture/fdtable.c,$(wildcard capture/*.c)))
FZ_LIBCORE := $(FZ)/libvmbcore.a

FUZZ_TARGETS := fuzz_json fuzz_jsonl fuzz_replay fuzz_shim fuzz_capture
FUZZ_PROGS := $(FUZZ_TARGETS:%=$(FZ)/%)

$(FZ)/obj/%.o: %.c
	$(call say,FUZZCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FZ)/obj/%.o: %.cc
	$(call say,FUZZCXX,$<)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CXX) $(FZ_CXXFLAGS) -MMD -MP -c -o $@ $<

$(FZ)/obj/fuzz_jsonl.o: tests/fuzz/fuzz_load.c
	$(call say,FUZZCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FZ_CFLAGS) -DFUZZ_SUFFIX='".jsonl"' -MMD -MP -c -o $@ $<

$(FZ)/obj/fuzz_json.o: $(FZ)/obj/tests/fuzz/fuzz_load.o
	@cp $< $@

$(FZ)/obj/fuzz_%.o: $(FZ)/obj/tests/fuzz/fuzz_%.o
	@cp $< $@

$(FZ_LIBCORE): $(FZ_CORE_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FZ)/fuzz_json $(FZ)/fuzz_jsonl $(FZ)/fuzz_replay: $(FZ)/%: $(FZ)/obj/%.o $(FZ_LIBCORE)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CXX) $(FZ_LDFLAGS) -o $@ $^ $(LDLIBS)

$(FZ)/fuzz_shim: $(FZ)/obj/fuzz_shim.o $(FZ_SHIM_OBJ) $(FZ_LIBCORE)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CXX) $(FZ_LDFLAGS) -o $@ $^ $(LDLIBS)

$(FZ)/fuzz_capture: $(FZ)/obj/fuzz_capture.o $(FZ_CAP_OBJ) $(FZ_LIBCORE)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CXX) $(FZ_LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_PROGS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FZ)

fuzz-ci: fuzz-build
	@FUZZ_SECONDS=10 tests/fuzz/run $(FZ)

.PHONY: fuzz fuzz-build fuzz-ci
