# synth: the synthetic trace generator (synth/*.c), the trace library rule.
#
#   make            builds build/synth
#   make traces     regenerates the full-size trace set into build/traces/
#   make traces-small  regenerates the committed small set into traces/

SYNTH_SRC := $(wildcard synth/*.c)
SYNTH_OBJ := $(SYNTH_SRC:%.c=$(O)/%.o)
PROGS += $(B)/synth

$(B)/synth: $(SYNTH_OBJ) $(LIBCORE)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

traces: $(B)/synth
	$(Q)SYNTH=$(B)/synth synth/mktraces.sh full $(B)/traces

traces-small: $(B)/synth
	$(Q)SYNTH=$(B)/synth synth/mktraces.sh small traces

.PHONY: traces traces-small
