#!/usr/bin/env bash
# semantics.sh - one test per kernel behaviour the model follows (SEMANTICS.md,
# docs/model.md "Behaviours"): each replays the trace of the same name in
# tests/semantics/ under the strategies that matter and checks the direction
# and, where the cost parameters decide it, the value of the metrics.
cd "$(dirname "$0")/.." || exit 2
R=build/replay
S=tests/semantics
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# check NAME TRACE 'replay options' 'python assertions on runs[...]'
# The assertions see `runs`, a dict keyed by "refcount/sync/userptr/bo_lookup"
# of each run's metrics, `M` (1 ms in ns) and `MiB`.
check() {
	local name=$1 trace=$2 opts=$3 code=$4 why
	n=$((n + 1))
	# shellcheck disable=SC2086
	if ! $R -q -o "$tmp/r.json" $opts "$S/$trace.json" >"$tmp/out" 2>&1; then
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/out"
		failed=$((failed + 1))
		return
	fi
	if why=$(python3 - "$tmp/r.json" "$code" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
runs = {}
for x in r["runs"]:
    s = x["strategy"]
    runs["/".join((s["refcount"], s["sync"], s["userptr"], s["bo_lookup"]))] = x["metrics"]
M, MiB = 1000000, 1 << 20
def run(prefix):
    hits = [v for k, v in runs.items() if k.startswith(prefix)]
    assert len(hits) == 1, "no single run %s in %s" % (prefix, list(runs))
    return hits[0]
def near(a, b, tol=0.05):
    return abs(a - b) <= tol * max(abs(b), 1)
exec(sys.argv[2])
PY
	); then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "$why" | tail -3 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

# --- references and lifetime ------------------------------------------------
check weak-close-amdgpu_vm_clear_freed-waits-vm-submits weak-close-clear-job-waits-vm-submits \
	"--refcount=hard,weak --sync=implicit" '
w, h = run("weak/implicit"), run("hard/implicit")
assert w["close_latency_ns"]["max"] < 10000, "the close ioctl must not block"
assert near(w["stall_by_cause"]["close"], 10 * M), w["stall_by_cause"]
assert w["refcount"]["implicit_unmaps"] == 1 and w["refcount"]["peak_fence_held_bytes"] == MiB
assert h["refcount"]["peak_zombie_bytes"] == MiB and h["refcount"]["implicit_unmaps"] == 0
assert w["makespan_ns"] > 10 * M'

check weak-close-amdgpu_gem_object_close-per-file weak-close-other-vm-keeps-mapping \
	"--refcount=weak" '
w = run("weak/")
assert w["refcount"]["implicit_unmaps"] == 1, w["refcount"]
assert w["gpuvm"]["unmap"] == 1, "the other VM unmaps its own mapping"
assert w["refcount"]["peak_zombie_bytes"] == MiB'

check msm_gem_close-legacy-blocks-until-idle msm-legacy-close-blocks-until-idle \
	"--refcount=hard,weak,weak-free" '
w, h, f = run("weak/"), run("hard/"), run("weak-free/")
assert near(w["close_latency_ns"]["max"], 5 * M), w["close_latency_ns"]
assert near(w["stall_by_cause"]["close"], 5 * M)
assert w["refcount"]["implicit_maps"] == 2 and w["refcount"]["cycles"] == 0
assert h["refcount"]["cycles"] == 1, "hard refs on implicit mappings: seed 003 loop"
assert f["close_latency_ns"]["max"] < 10000 and f["refcount"]["peak_fence_held_bytes"] == MiB'

check msm-native-legacy-is-weak-implicit msm-legacy-close-blocks-until-idle "" '
assert list(runs) == ["weak/implicit/hmm/vmbo"], list(runs)'

check submit-vmbo-maps-again-each-submit msm-legacy-submit-vmbo-remaps-each-submit \
	"--refcount=weak-free,submit-vmbo" '
assert run("submit-vmbo/")["refcount"]["implicit_maps"] == 2
assert run("weak-free/")["refcount"]["implicit_maps"] == 1'

check submit-holds-bo-until-job-completes submit-holds-bo-until-job-completes "" '
x = run("hard/async")
assert x["refcount"]["peak_fence_held_bytes"] == MiB and x["refcount"]["peak_held_bytes"] == MiB
assert x["refcount"]["leaked_bos"] == 0'

check drm_gpuvm-private-bo-cycle private-bo-closed-while-mapped-cycle "--refcount=hard,weak" '
assert run("hard/")["refcount"]["cycles"] == 1 and run("weak/")["refcount"]["cycles"] == 0'

# --- sync ---------------------------------------------------------------------
check amdgpu_vm_bo_update-map-waits-only-move-fences implicit-map-waits-only-move-fences "" '
x = run("weak/implicit")
assert x["bind_latency_ns"]["max"] < 100000, x["bind_latency_ns"]
assert x["bind_stall_ns"]["total"] == 0'

check amdgpu_vm_clear_freed-unmap-waits-vm-submissions implicit-unmap-waits-vm-submissions \
	"--sync=implicit,async" '
i, a = run("weak/implicit"), run("weak/async")
assert near(i["bind_stall_ns"]["max"], 10 * M), i["bind_stall_ns"]
assert i["stall_by_cause"]["implicit"] >= 10 * M
assert a["bind_stall_ns"]["total"] == 0'

check evict-move-waited-by-binds-and-submits evict-move-waited-by-map "--sync=async" '
x = run("weak/async")
assert x["bind_stall_ns"]["total"] > 0 and x["submit_stall_ns"]["total"] > 0
assert x["stall_by_cause"]["evict"] == x["bind_stall_ns"]["total"] + x["submit_stall_ns"]["total"]'

check xe_pt-op_prepare-remap-waits-vm-bookkeep xe-remap-hole-in-2m-pages-waits-vm-jobs "" '
x = run("hard/async")
assert near(x["bind_stall_ns"]["max"], 10 * M), x["bind_stall_ns"]
assert x["submit_stall_ns"]["max"] > 0, "xe_exec waits behind the KERNEL-usage bind"
assert x["stall_by_cause"]["vm_bookkeep"] >= 10 * M'

check xe_vm-skip_prev-aligned-cut-no-wait xe-remap-aligned-cut-skips "" '
x = run("hard/async")
assert x["bind_stall_ns"]["total"] == 0 and x["gpuvm"]["remap"] == 1'

check xe_pt-whole-unmap-no-wait xe-whole-unmap-does-not-wait "" '
assert run("hard/async")["bind_stall_ns"]["total"] == 0'

check seed002-explicit-free-without-wait-stalls explicit-free-without-wait-stalls-next-submit \
	"--sync=explicit,async" '
e, a = run("weak/explicit"), run("weak/async")
assert near(e["stall_by_cause"]["explicit_free"], 10 * M, 0.01), e["stall_by_cause"]
assert a["submit_stall_ns"]["total"] == 0
assert e["submit_latency_ns"]["max"] > a["submit_latency_ns"]["max"]'

check seed002-unsafe-submits-structural unsafe-submit-undeclared-bind \
	"--sync=implicit,explicit,async,sync" '
assert run("hard/async")["sync"]["unsafe_submits"] == 1
assert run("hard/explicit")["sync"]["unsafe_submits"] == 1
assert run("hard/implicit")["sync"]["unsafe_submits"] == 0
assert run("hard/sync")["sync"]["unsafe_submits"] == 0'

for cost in 1 1000000000; do
	check "seed002-unsafe-submits-bind_job-$cost" unsafe-submit-undeclared-bind \
		"--sync=async --model-param=bind_job=$cost" '
assert run("hard/async")["sync"]["unsafe_submits"] == 1'
done

check makespan-overlapping-queues makespan-two-queues-overlap "" '
x = run("hard/async")
assert 40 * M <= x["makespan_ns"] < 41 * M, x["makespan_ns"]'

# --- lookup -------------------------------------------------------------------
check drm_gpuvm_validate-vs-gem-list-ratio-grows lookup-validate-shared-bo-2-vms \
	"--bo-lookup=vmbo,gem-list" '
r2 = run("hard/async/hmm/gem-list")["lookup"]["validate_nodes"] / run("hard/async/hmm/vmbo")["lookup"]["validate_nodes"]
open("'"$tmp"'/r2", "w").write(str(r2))
assert run("hard/async/hmm/gem-list")["lookup"]["ns"] > 0'
check drm_gpuvm_validate-vs-gem-list-8-vms lookup-validate-shared-bo-8-vms \
	"--bo-lookup=vmbo,gem-list" '
r8 = run("hard/async/hmm/gem-list")["lookup"]["validate_nodes"] / run("hard/async/hmm/vmbo")["lookup"]["validate_nodes"]
r2 = float(open("'"$tmp"'/r2").read())
assert r8 > 2 * r2, (r2, r8)
g, v = run("hard/async/hmm/gem-list"), run("hard/async/hmm/vmbo")
assert g["submit_latency_ns"]["max"] > v["submit_latency_ns"]["max"], "lookups cost time"'

# --- userptr ------------------------------------------------------------------
check hmm_range_fault-per-page-at-bind hmm-bind-faults-every-page \
	"--userptr=hmm,pin --model-param=fault_page=400 --model-param=pin_page=250" '
h, p = run("hard/async/hmm"), run("hard/async/pin")
assert h["userptr"]["fault_pages"] == 256 and p["userptr"]["pinned_pages"] == 256
assert h["bind_latency_ns"]["max"] - p["bind_latency_ns"]["max"] == 256 * (400 - 250)'

check pin-notifier-blocks-for-running-job userptr-notifier-waits-for-running-job \
	"--userptr=hmm,pin" '
for k in ("hard/async/hmm", "hard/async/pin"):
    u = run(k)["userptr"]
    assert near(u["notifier_block_ns"], 10 * M), (k, u)
    assert u["revalidations"] == 1'

check xe_userptr-fault-mode-zaps-and-faults userptr-fault-mode-zaps-without-waiting \
	"--userptr=hmm" '
u = run("hard/async/hmm")["userptr"]
assert u["notifier_block_ns"] == 0 and u["gpu_faults"] == 1 and u["revalidations"] == 0, u
assert run("hard/async/hmm")["stall_by_cause"]["userptr"] > 0'

check cpu_migrate-blocked-under-pin cpu-migrate-blocked-by-pins "--userptr=hmm,pin" '
h, p = run("hard/async/hmm")["userptr"], run("hard/async/pin")["userptr"]
assert p["migrations_blocked"] == 1 and p["migrations"] == 0 and p["invalidations"] == 0
assert h["migrations"] == 1 and h["invalidations"] == 1 and h["revalidations"] == 1'

# --- TLB ----------------------------------------------------------------------
for d in xe:4 amdgpu:1 msm:4 panthor:8 nouveau:4; do
	check "tlb-policy-${d%%:*}" "tlb-four-maps-four-unmaps-${d%%:*}" "" "
x = list(runs.values())[0]
assert x['tlb_flushes'] == ${d##*:}, x['tlb_flushes']"
done
check xe-tlb-per-gt tlb-four-maps-four-unmaps-xe "--model-param=gts=2" '
assert list(runs.values())[0]["tlb_flushes"] == 8'

# --- syncobj fence moves (drm_syncobj.c) --------------------------------------
job_start='
def start(r, op):
    j = r["jobs"]
    return j["start_ns"][j["op"].index(op)]
'
check transfer-drm_syncobj_transfer_to_timeline-and-binary transfer-moves-fence-to-timeline-point "" "$job_start"'
r = list(runs.values())[0]
assert r["errors"] == {"expected": 2, "unexpected": 0, "unsupported": 0}, r["errors"]
assert start(r, 8) >= 10 * M, "the job waiting on timeline point 1 starts after the 10 ms job"
assert start(r, 10) >= 11 * M, "the job waiting on the binary transfer target, after both"
assert r["sync"]["transfers"] == 2'
check transfer-drm_syncobj_find_fence-wait-for-submit transfer-wait-for-submit-times-out "" '
r = list(runs.values())[0]
assert r["errors"] == {"expected": 2, "unexpected": 0, "unsupported": 0}, r["errors"]
assert r["makespan_ns"] >= 5000 * M, "WAIT_FOR_SUBMIT waits 5 s before -ETIME"
assert r["sync"]["transfers"] == 0'
check syncobj-reset-drm_syncobj_reset_ioctl-drops-fence syncobj-reset-drops-fence "" '
r = list(runs.values())[0]
assert r["errors"] == {"expected": 4, "unexpected": 0, "unsupported": 0}, r["errors"]
assert r["sync"]["resets"] == 1'
check sync-file-drm_syncobj_export_sync_file-snapshots sync-file-export-snapshots-fence "" "$job_start"'
r = list(runs.values())[0]
assert r["errors"] == {"expected": 1, "unexpected": 0, "unsupported": 0}, r["errors"]
assert 10 * M <= start(r, 9) < 20 * M, "the import carries the fence of the export, not the later job"
assert r["sync"]["sync_file_exports"] == 1 and r["sync"]["sync_file_imports"] == 2'
check timeline-drm_syncobj_add_point-chains-onto-held-fence timeline-point-chains-onto-transferred-fence "" "$job_start"'
r = list(runs.values())[0]
assert r["errors"]["unexpected"] == 0, r["errors"]
assert start(r, 8) >= 20 * M, "point 1 chains onto the 20 ms job the transfer put in the timeline"'

# the committed traces are what their generators write
for gen in tests/semantics/gen.py scripts/gen-debate-traces.py; do
	n=$((n + 1))
	mkdir -p "$tmp/gen"
	rm -f "$tmp/gen"/*
	if [ "$gen" = tests/semantics/gen.py ]; then
		cp tests/semantics/gen.py "$tmp/gen/" && python3 "$tmp/gen/gen.py" && rm "$tmp/gen/gen.py"
		dir=tests/semantics
	else
		python3 "$gen" "$tmp/gen"
		dir=traces
	fi
	bad=
	for f in "$tmp/gen"/*.json; do
		cmp -s "$f" "$dir/$(basename "$f")" || bad="$bad $(basename "$f")"
	done
	if [ -z "$bad" ]; then
		echo "ok $n - $gen output committed"
	else
		echo "not ok $n - $gen output committed"
		echo "# differs:$bad"
		failed=$((failed + 1))
	fi
done

echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
