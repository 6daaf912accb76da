# gpuvm.mk - the VA manager's microbenchmark (replay/model/gpuvm.c is part
# of LIBCORE; its test tests/test_gpuvm.c is picked up automatically).
BENCH_PROGS += $(B)/bench/bench_gpuvm
