# Trace I/O (replay/trace_*.c, in LIBCORE): SHA-256 of trace files comes from
# nettle (Debian nettle-dev). Its test and benchmark are built by the generic
# rules; the benchmark is listed here so that `make bench` builds it.
LDLIBS += -lnettle
BENCH_PROGS += $(B)/bench/bench_trace_load

# The .jsonl fast path (replay/trace_simd.cc, in LIBCORE): simdjson through
# a small C-callable wrapper (Debian libsimdjson-dev; scripts/install-deps).
CXX ?= c++
ALL_CXXFLAGS := -std=c++17 $(WARN) $(CFLAGS) -fPIC -D_GNU_SOURCE -Ireplay $(PKG_CFLAGS) \
	$(shell pkg-config --cflags simdjson 2>/dev/null)
ifneq ($(SAN),)
ALL_CXXFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer
endif
ALL_CXXFLAGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(ALL_CXXFLAGS))
CORE_OBJ += $(O)/replay/trace_simd.o
LDLIBS += -lsimdjson -lstdc++

$(O)/%.o: %.cc
	$(call say,CXX,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c -o $@ $<
