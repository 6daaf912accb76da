# gpuvm.mk - the VA manager's microbenchmark (replay/model/gpuvm.c is part
# of LIBCORE; its test tests/test_gpuvm.c is picked up automatically).
BENCH_PROGS += $(B)/bench/bench_gpuvm

# bench_gpuvm_kernel: the VA manager against the kernel's own drm_gpuvm.c,
# compiled in userspace from Debian's linux-source-6.12 package (installed
# by scripts/install-deps) with the header stubs of bench/kgpuvm/. Only
# `make bench` builds it; no kernel file is kept in the repository.
KSRC_TAR ?= $(firstword $(wildcard /usr/src/linux-source-6.12.tar.xz))
KG := $(B)/kgpuvm
KG_CFLAGS := -std=gnu11 -O2 -g -w -fPIC -Ibench/kgpuvm/include -I$(KG)/src/include
ifneq ($(KSRC_TAR),)
BENCH_PROGS += $(B)/bench/bench_gpuvm_kernel

$(KG)/src/.stamp: $(KSRC_TAR) bench/kgpuvm/extract.sh
	$(call say,UNTAR,$(KSRC_TAR))
	$(Q)bench/kgpuvm/extract.sh $(KSRC_TAR) $(KG)/src
	$(Q)touch $@

$(KG)/drm_gpuvm.o: $(KG)/src/.stamp bench/kgpuvm/kshim.h
	$(call say,CC,$@)
	$(Q)$(CC) $(KG_CFLAGS) -c -o $@ $(KG)/src/drivers/gpu/drm/drm_gpuvm.c

$(KG)/rbtree.o: $(KG)/src/.stamp bench/kgpuvm/kshim.h
	$(call say,CC,$@)
	$(Q)$(CC) $(KG_CFLAGS) -c -o $@ $(KG)/src/lib/rbtree.c

$(KG)/kdriver.o: bench/kgpuvm/kdriver.c bench/kgpuvm/kdriver.h bench/kgpuvm/kshim.h $(KG)/src/.stamp
	$(call say,CC,$@)
	$(Q)$(CC) $(KG_CFLAGS) -c -o $@ $<

$(B)/bench/bench_gpuvm_kernel: $(O)/bench/bench_gpuvm_kernel.o $(KG)/kdriver.o $(KG)/drm_gpuvm.o \
		$(KG)/rbtree.o $(LIBCORE)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
else ifneq ($(filter bench,$(MAKECMDGOALS)),)
$(info bench_gpuvm_kernel: /usr/src/linux-source-6.12.tar.xz missing (scripts/install-deps installs it); not comparing against the kernel)
endif
