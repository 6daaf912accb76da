# shim-lib.sh - helpers for the shim tests (sourced, not run).
# Needs build/replay and build/libvmshim.so.

SHIM=$PWD/build/libvmshim.so
REPLAY=$PWD/build/replay
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# a sanitizer build preloads the shim ahead of the ASan runtime
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

trace_driver() {
	head -c 400 "$1" | grep -o '"driver": *"[a-z]*"' | head -1 | sed 's/.*"\([a-z]*\)"$/\1/'
}

driver_has_userptr() {
	case $1 in xe|amdgpu) return 0 ;; *) return 1 ;; esac
}

# run_shim DRIVER TRACE [ENV...]: replay over the shim; stats in $TMP/s.json
run_shim() {
	local d=$1 t=$2
	shift 2
	rm -f "$TMP/s.json" "$TMP/r.json"
	env "$@" LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER="$d" VMB_SHIM_STATS="$TMP/s.json" \
		"$REPLAY" --backend="$d" --quiet -o "$TMP/r.json" "$t" >"$TMP/out.txt" 2>"$TMP/err.txt"
}

# shim_vs_model DRIVER TRACE: prints why when they differ
shim_vs_model() {
	local d=$1 t=$2 rc
	run_shim "$d" "$t"
	rc=$?
	"$REPLAY" --backend=model --quiet -o "$TMP/m.json" "$t" >/dev/null 2>&1 || {
		echo "model run failed"
		return 1
	}
	python3 - "$rc" "$TMP" <<'PY'
import json, sys
rc, tmp = sys.argv[1], sys.argv[2]
bad = []
if rc != "0":
    bad.append("replay over the shim exited %s: %s" % (rc, open(tmp + "/err.txt").read().strip()[-300:]))
try:
    s = json.load(open(tmp + "/s.json"))
except Exception as e:
    print("\n".join(bad + ["no shim stats: %s" % e]))
    sys.exit(1)
m = json.load(open(tmp + "/m.json"))["runs"][0]["metrics"]
for k in ("requests", "map", "remap", "unmap", "keep"):
    if s["gpuvm"][k] != m["gpuvm"][k]:
        bad.append("gpuvm.%s: shim %d, model %d" % (k, s["gpuvm"][k], m["gpuvm"][k]))
for k, v in s["refcount"].items():
    if v != m["refcount"][k]:
        bad.append("refcount.%s: shim %d, model %d" % (k, v, m["refcount"][k]))
# cpu_unmap reaches the shim as a real munmap of the replayer's userptr memory;
# the hardware backends replay fault-mode VMs as ordinary VMs, so what the
# model repopulates by GPU faults the shim revalidates at submit
if s["userptr"]["invalidations"] != m["userptr"]["invalidations"]:
    bad.append("userptr.invalidations: shim %d, model %d"
               % (s["userptr"]["invalidations"], m["userptr"]["invalidations"]))
sr = s["userptr"]["revalidations"] + s["userptr"].get("gpu_faults", 0)
mr = m["userptr"]["revalidations"] + m["userptr"].get("gpu_faults", 0)
if sr != mr:
    bad.append("userptr revalidations + gpu_faults: shim %d, model %d" % (sr, mr))
for k, v in s["live"].items():
    if v:
        bad.append("live.%s = %d at exit" % (k, v))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
}

# TAP-like bookkeeping: ok NAME / not_ok NAME WHY / skip NAME WHY; summary
n=0 passed=0 failed=0 skipped=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -n "$2" ] && echo "$2" | sed 's/^/# /'
	return 0
}
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
