#!/usr/bin/env bash
# shim.sh - every committed trace replayed through each real-kernel backend
# over the shim render node (LD_PRELOAD=build/libvmshim.so): replay must
# exit 0, the shim's own model must report the same gpuvm, refcount and
# userptr invalidation figures as `replay --backend=model` on the same trace
# (so the ioctls really carried the trace), and nothing may be left alive at
# exit.
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
		if grep -q '"cpu_migrate"' "$t"; then
			skip "$name" "trace has cpu_migrate: userspace cannot make the kernel migrate pages"
			continue
		fi
		if why=$(shim_vs_model "$d" "$t"); then
			ok "$name"
		else
			not_ok "$name" "$why"
		fi
	done
done

# the hardware submit path (a calibrated no-op batch/IB mapped per VM),
# forced over the shim: the one extra mapping per VM, and the one of the
# private VM the batch is calibrated on before the run, are all that may differ
batch_path() {
	local d=$1 t=$2 mmap=$3 rc why
	run_shim "$d" "$t" VMB_HW_BATCH=1
	rc=$?
	"$REPLAY" --backend=model --quiet -o "$TMP/m.json" "$t" >/dev/null 2>&1
	if why=$(python3 - "$rc" "$TMP" "$mmap" <<'PY'
import json, sys
rc, tmp, mmap = sys.argv[1], sys.argv[2], sys.argv[3]
s = json.load(open(tmp + "/s.json"))
m = json.load(open(tmp + "/m.json"))["runs"][0]["metrics"]
r = json.load(open(tmp + "/r.json"))["runs"][0]["metrics"]
bad = []
if rc != "0":
    bad.append("exit %s" % rc)
for k, extra in (("map", 2), ("requests", 2), ("unmap", 0), ("remap", 0)):
    if s["gpuvm"][k] != m["gpuvm"][k] + extra:
        bad.append("gpuvm.%s: shim %d, model %d + %d" % (k, s["gpuvm"][k], m["gpuvm"][k], extra))
if s["ioctls"].get(mmap) != 2:
    bad.append("batch not mapped once for the run, once for calibration: %s" % s["ioctls"])
if any(s["live"].values()):
    bad.append("live at exit: %s" % s["live"])
if r["errors"]["unexpected"] or r["errors"]["unsupported"] > 1:
    bad.append("errors: %s" % r["errors"])
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
	); then
		ok "$d-batch-path"
	else
		not_ok "$d-batch-path" "$why"
	fi
}
batch_path xe traces/steady-xe.json GEM_MMAP_OFFSET
batch_path amdgpu traces/sparse-amdgpu.json GEM_MMAP
batch_path msm traces/a9-tiler-per-bo-msm.jsonl GEM_INFO
summary
