# backends.mk - the real-kernel and null backends (part of LIBCORE), the
# shim render node build/libvmshim.so, and their tests/benchmarks.

BACKENDS_SRC := $(wildcard replay/backends/*.c)
CORE_OBJ += $(patsubst %.c,$(O)/%.o,$(BACKENDS_SRC))

SHIM_SRC := $(wildcard replay/shim/*.c)
SHIM_OBJ := $(patsubst %.c,$(O)/%.o,$(SHIM_SRC))

# The shim exports only the libc/libdrm entry points it interposes (version
# script) and binds its own references locally (-Bsymbolic), so the vmb_*
# copies inside it never mix with those of the program it is preloaded into.
$(B)/libvmshim.so: $(SHIM_OBJ) $(LIBCORE) replay/shim/shim.map
	$(call say,LD,$@)
	$(Q)$(CC) -shared $(LDFLAGS) -Wl,-Bsymbolic -Wl,--version-script=replay/shim/shim.map \
		-o $@ $(SHIM_OBJ) $(LIBCORE) $(LDLIBS)

ifneq ($(SHIM_SRC),)
PROGS += $(B)/libvmshim.so
endif
