# reports/: compare, report (plots + HTML dashboard), vmbench-igt, and the
# library they share (result loading, statistics, verdicts, exports).
# replay/perfetto.c is part of LIBCORE like every replay/*.c.

REPORTS_LIB_SRC := reports/stats.c reports/resultset.c reports/verdict.c reports/export.c reports/html.c \
	replay/outfile.c
REPORTS_LIB_OBJ := $(REPORTS_LIB_SRC:%.c=$(O)/%.o)
REPORTS_LIB := $(B)/libvmbreports.a

PROGS += $(B)/compare $(B)/report $(B)/vmbench-igt

$(REPORTS_LIB): $(REPORTS_LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/compare: $(O)/reports/compare.o $(REPORTS_LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/report: $(O)/reports/report.o $(O)/reports/plots.o $(REPORTS_LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/vmbench-igt: $(O)/reports/igt.o $(REPORTS_LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# test_compare needs only the reports library (and build/compare to run)
$(B)/tests/test_compare: $(O)/tests/test_compare.o $(REPORTS_LIB) | $(B)/compare
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)
$(O)/tests/test_compare.o: ALL_CFLAGS += -Ireports

reports: $(B)/compare $(B)/report $(B)/vmbench-igt
.PHONY: reports

# the scripts go beside the programs in EXECDIR; `vmbench bisect-run` and
# `vmbench nightly` run them with EXECDIR first on PATH
install: install-reports
install-reports: progs
	install -d $(DESTDIR)$(EXECDIR)
	install -m 755 scripts/bisect-run $(DESTDIR)$(EXECDIR)/bisect-run
	install -m 755 scripts/nightly $(DESTDIR)$(EXECDIR)/nightly
	install -m 755 scripts/vmbench-lab-run $(DESTDIR)$(EXECDIR)/vmbench-lab-run
	install -d $(DESTDIR)$(DATADIR)/baselines $(DESTDIR)$(DATADIR)/lava $(DESTDIR)$(DATADIR)/ci
	cp -R baselines/. $(DESTDIR)$(DATADIR)/baselines/
	install -m 644 lava/*.yaml $(DESTDIR)$(DATADIR)/lava/
	install -m 644 ci/gitlab-ci.yml $(DESTDIR)$(DATADIR)/ci/
.PHONY: install-reports
