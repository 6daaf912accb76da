#!/usr/bin/env bash
# shim-args.sh - the shim's argument checks for nouveau, panthor and msm:
# build/tests/progs/shim_args runs one ioctl per check of the kernel's
# (nouveau_uvmm.c / nouveau_exec.c, panthor_drv.c / panthor_mmu.c,
# msm_gem_vma.c / msm_syncobj.c; the tables are in docs/backends.md) over
# the shim with VMB_SHIM_DRIVER set to each driver, and its own checks must
# all pass; afterwards the shim's accounting must show nothing alive.
cd "$(dirname "$0")/.." || exit 2
. tests/shim-lib.sh
n=0 passed=0 failed=0 skipped=0

prog=build/tests/progs/shim_args
for d in nouveau panthor msm; do
	if [ ! -x "$prog" ]; then
		skip "shim_args ($d)" "$prog not built"
		continue
	fi
	rm -f "$TMP/s.json"
	out=$(env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=$d VMB_SHIM_STATS="$TMP/s.json" \
		VMB_SHIM_QUIET=1 "$prog" 2>&1)
	if [ $? -eq 0 ]; then
		ok "shim_args ($d): $(echo "$out" | tail -1)"
	else
		not_ok "shim_args ($d) exits 0" "$(echo "$out" | grep -v '^ok')"
	fi
	if python3 -c "import json,sys; s=json.load(open('$TMP/s.json')); sys.exit(any(s['live'].values()))" \
		2>/dev/null; then
		ok "shim_args ($d): nothing alive at exit"
	else
		not_ok "shim_args ($d): nothing alive at exit" "$(cat "$TMP/s.json" 2>/dev/null)"
	fi
done
summary
