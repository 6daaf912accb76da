#!/usr/bin/env bash
# shim.sh - every committed trace replayed through each real-kernel backend
# over the shim render node (LD_PRELOAD=build/libvmshim.so): replay must
# exit 0, the shim's own model must report the same gpuvm and refcount
# figures as `replay --backend=model` on the same trace (so the ioctls
# really carried the trace), and nothing may be left alive at exit.
# A trace of driver D runs on backend D; a trace of driver "any" on all
# five. Combinations the driver's uAPI cannot express (userptr binds on
# nouveau, panthor, msm) are skipped with the reason.
cd "$(dirname "$0")/.." || exit 2
. tests/shim-lib.sh

for t in traces/*.json traces/*.jsonl; do
	[ -e "$t" ] || continue
	drv=$(trace_driver "$t")
	if [ "$drv" = any ]; then
		drivers="xe amdgpu nouveau panthor msm"
	else
		drivers=$drv
	fi
	for d in $drivers; do
		name="$d-$(basename "$t")"
		if ! driver_has_userptr "$d" && grep -q '"map_userptr"' "$t"; then
			skip "$name" "trace has userptr binds; the $d uAPI has none"
			continue
		fi
		if why=$(shim_vs_model "$d" "$t"); then
			ok "$name"
		else
			not_ok "$name" "$why"
		fi
	done
done
summary
