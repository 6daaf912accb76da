# Trace I/O (replay/trace_*.c, in LIBCORE): SHA-256 of trace files comes from
# nettle (Debian nettle-dev). Its test and benchmark are built by the generic
# rules; the benchmark is listed here so that `make bench` builds it.
LDLIBS += -lnettle
BENCH_PROGS += $(B)/bench/bench_trace_load
