# results.mk - the result writer (replay/result.c, in LIBCORE) records
# "vmbench VERSION (GIT_SHA)" in every result's env.tool. Rebuild it when
# the version or the commit changes, not only when result.c does, so an
# incremental build never stamps results with a stale sha.

$(B)/.tool-version: vmb-results-always
	@mkdir -p $(B)
	@echo '$(VERSION) $(GIT_SHA)' | cmp -s - $@ || echo '$(VERSION) $(GIT_SHA)' > $@

$(O)/replay/result.o: $(B)/.tool-version

.PHONY: vmb-results-always
vmb-results-always:
