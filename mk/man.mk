# man pages: docs/man/NAME.scd -> build/man/NAME with scdoc (Debian package
# scdoc, in scripts/install-deps); skipped with a note when scdoc is missing
MANDIR ?= $(PREFIX)/share/man
MAN_SRC := $(wildcard docs/man/*.scd)
MAN_OUT := $(MAN_SRC:docs/man/%.scd=$(B)/man/%)
SCDOC := $(shell command -v scdoc 2>/dev/null)

all: man
ifneq ($(SCDOC),)
$(B)/man/%: docs/man/%.scd
	$(call say,SCDOC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(SCDOC) <$< >$@.tmp && mv $@.tmp $@

man: $(MAN_OUT)

install: install-man
install-man: man
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN_OUT) $(DESTDIR)$(MANDIR)/man1/
else
man:
	@echo "  SKIP    man pages (scdoc not installed)"
install-man:
endif
.PHONY: man install-man
