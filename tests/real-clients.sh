#!/bin/sh
# SPDX-License-Identifier: MIT
# real-clients.sh - real, unmodified Mesa 25 drivers on the shim, under the
# capturer: vulkaninfo on RADV (amdgpu) and anv (xe), eglinfo's surfaceless
# platform on radeonsi (amdgpu) and iris (xe), and two programs of ours:
# tests/progs/vk_dxvk_sparse (DXVK-style chunked pools, vkQueueBindSparse)
# on RADV and anv (and on RADV with --no-sparse: its pools, frames and
# vkDeviceWaitIdle), tests/progs/egl_frames (GLES frames into an FBO on EGL
# surfaceless) on radeonsi and iris. For each client: it exits
# cleanly, names the shim's device and Mesa's driver, its capture validates,
# the capture replays on the model with 0 unexpected results, and the
# replay's gpuvm counts equal what the shim served while capturing.
#
# Skipped (counted as skipped) when Mesa 25 or the client is not installed
# (scripts/install-deps installs them from bookworm-backports).

cd "$(dirname "$0")/.." || exit 1
B=${VMB_BUILD:-build}
case $B in /*) ;; *) B=$PWD/$B ;; esac
CAP=$B/capture
SHIM=$B/libvmshim.so
REPLAY=$B/replay
TMP=$(mktemp -d /tmp/vmb-real-clients.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
# LSan: what libLLVM (Mesa's shader compiler) leaves at exit is not ours
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/tests/lsan-mesa.supp"
# no display: the clients use their headless paths
unset DISPLAY WAYLAND_DISPLAY
export XDG_RUNTIME_DIR="$TMP"

n=0 pass=0 failc=0 skipc=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failc=$((failc + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); skipc=$((skipc + 1)); echo "ok $n - $1 # SKIP $2"; }
finish() { echo "$pass passed, $failc failed, $skipc skipped"; [ $failc -eq 0 ]; exit $?; }

mesa=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null)
case $mesa in
25.*) ;;
*)
	for t in radv-vulkaninfo anv-vulkaninfo radeonsi-eglinfo iris-eglinfo \
		radv-dxvk-pools radv-dxvk-sparse anv-dxvk-sparse radeonsi-egl-frames iris-egl-frames; do
		skip "$t" "Mesa 25 not installed (${mesa:-none}); run scripts/install-deps"
	done
	finish
	;;
esac
for p in "$CAP" "$SHIM" "$REPLAY"; do
	[ -e "$p" ] || { notok "build: $p missing (run make)"; finish; }
done

# A TSan shim inside an uninstrumented Mesa client: its runtime, a
# dependency of the preloaded shim, would come after libc in the lookup
# order, so its pthread_create() interceptor would never run, the threads
# Mesa starts would be unknown to TSan, and the shim's first instrumented
# call on one dies in __tsan_func_entry. Preloaded ahead of the shim, the
# runtime sees every thread; the clients then run with the shim under TSan
# (Mesa itself is not instrumented: races inside Mesa are not looked for).
# Races between Mesa's own threads cannot be told from false ones (its
# locks are invisible to TSan): tests/tsan-mesa-gl.supp says which calls are
# not checked, for the GL clients only.
PRELOAD=$SHIM TSAN_GL=""
if grep -q __tsan_init "$SHIM" 2>/dev/null; then
	tsan=$(ldd "$SHIM" | awk '/libtsan/ { print $3 }')
	[ -f "$tsan" ] || { notok "build: the TSan runtime of $SHIM not found by ldd"; finish; }
	PRELOAD="$tsan:$SHIM"
	TSAN_GL="suppressions=$PWD/tests/tsan-mesa-gl.supp"
fi

ICDS=/usr/share/vulkan/icd.d

# gpuvm map/unmap/remap counts of a shim stats file or a replay result
gpuvm() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = d["runs"][0]["metrics"]["gpuvm"] if "runs" in d else d["gpuvm"]
print(g["map"], g["remap"], g["unmap"])' "$1" 2>/dev/null
}

# client NAME DRIVER EXPECT_RE OK_STATUS CMD...: run CMD over the shim
# under the capturer and check everything; OK_STATUS is the exit status
# range the client may end with ("0", or "0-2" for eglinfo, which fails
# its display platforms when there is no display)
client() {
	name=$1 drv=$2 expect=$3 okst=$4
	shift 4
	if ! command -v "$1" >/dev/null 2>&1; then
		case $1 in
		*/tests/progs/*) skip "$name" "$1 not built (needs libvulkan-dev / libegl-dev, libgles-dev)" ;;
		*) skip "$name" "$1 not installed" ;;
		esac
		return
	fi
	t=$TMP/$name
	tsan_opts=${TSAN_OPTIONS:-}
	case $name in *egl*) [ -n "$TSAN_GL" ] && tsan_opts="${tsan_opts:+$tsan_opts:}$TSAN_GL" ;; esac
	VMB_SHIM_STATS=$t.stats.json LD_PRELOAD="$PRELOAD" VMB_SHIM_DRIVER=$drv TSAN_OPTIONS="$tsan_opts" \
		timeout -k 10 120 "$CAP" -o "$t.jsonl" -- "$@" >"$t.out" 2>"$t.err"
	rc=$?
	case $okst in
	0) [ $rc -eq 0 ] ;;
	*) [ $rc -le "${okst#0-}" ] ;;
	esac || { notok "$name: exit status $rc" "$(tail -n 5 "$t.err")"; return; }
	if grep -q '^vmshim: ' "$t.err"; then
		notok "$name: the shim failed ioctls" "$(grep '^vmshim: ' "$t.err" | head -n 5)"
		return
	fi
	grep -E -q "$expect" "$t.out" ||
		{ notok "$name: output lacks /$expect/" "$(tail -n 5 "$t.out")"; return; }
	"$REPLAY" --validate "$t.jsonl" >"$t.val" 2>&1 ||
		{ notok "$name: capture does not validate" "$(tail -n 3 "$t.val")"; return; }
	# syncobj fence moves are trace ops (transfer, syncobj_reset, sync_file_*), never raw
	rawsync=$(python3 -c '
import json, sys
raw = json.loads(open(sys.argv[1]).readline())["x_capture"]["raw"]
print(" ".join(r["ioctl"] for r in raw if int(r["ioctl"], 16) & 0xff in (0xc1, 0xc2, 0xc4, 0xcc)))' "$t.jsonl")
	[ -z "$rawsync" ] || { notok "$name: syncobj ioctls counted raw: $rawsync"; return; }
	"$REPLAY" -o "$t.result.json" "$t.jsonl" >"$t.rep" 2>&1 ||
		{ notok "$name: replay on the model failed" "$(tail -n 3 "$t.rep")"; return; }
	unexp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["metrics"]["errors"]["unexpected"])' "$t.result.json")
	[ "$unexp" = 0 ] || { notok "$name: $unexp unexpected results on the model"; return; }
	served=$(gpuvm "$t.stats.json") replayed=$(gpuvm "$t.result.json")
	[ -n "$served" ] && [ "$served" = "$replayed" ] ||
		{ notok "$name: gpuvm map/remap/unmap: shim served '$served', replay '$replayed'"; return; }
	ok "$name ($(grep -o '[0-9]* ops' "$t.err" | head -n 1), gpuvm $served)"
}

# has_ops NAME OP...: the capture of client NAME holds at least one of each OP
has_ops() {
	name=$1
	shift
	[ -f "$TMP/$name.result.json" ] || return 0 # the client failed: reported already
	python3 - "$TMP/$name.jsonl" "$@" <<'PY' >"$TMP/$name.ops" 2>&1 ||
import json, sys
ops = [json.loads(l)["op"] for l in open(sys.argv[1]).readlines()[1:] if l.strip()]
missing = [o for o in sys.argv[2:] if o not in ops]
assert not missing, "no %s op in the capture" % ", ".join(missing)
PY
		notok "$name: $(tail -n 1 "$TMP/$name.ops")"
}

# eglinfo prints every platform; the device must be named on surfaceless
surfaceless() {
	sed -n '/^Surfaceless platform:/,/^[A-Z][a-z]* platform:/p' "$1"
}

if [ -f $ICDS/radeon_icd.json ]; then
	VK_ICD_FILENAMES=$ICDS/radeon_icd.json \
		client radv-vulkaninfo amdgpu 'deviceName += AMD .*\(RADV VANGOGH\)' 0 vulkaninfo --summary
else
	skip radv-vulkaninfo "no $ICDS/radeon_icd.json"
fi
if [ -f $ICDS/intel_icd.json ]; then
	VK_ICD_FILENAMES=$ICDS/intel_icd.json \
		client anv-vulkaninfo xe 'deviceName += Intel\(R\) Graphics \(BMG G21\)' 0 vulkaninfo --summary
	grep -q -i experimental "$TMP/anv-vulkaninfo.err" 2>/dev/null &&
		notok "anv-vulkaninfo: anv calls the device experimental"
else
	skip anv-vulkaninfo "no $ICDS/intel_icd.json"
fi
EGLINFO=eglinfo.x86_64-linux-gnu
command -v $EGLINFO >/dev/null 2>&1 || EGLINFO=eglinfo
for c in radeonsi:amdgpu iris:xe; do
	gl=${c%%:*} drv=${c#*:}
	client "$gl-eglinfo" "$drv" "EGL driver name: $gl" 0-2 $EGLINFO
	[ -f "$TMP/$gl-eglinfo.out" ] &&
		! surfaceless "$TMP/$gl-eglinfo.out" | grep -q "EGL driver name: $gl" &&
		notok "$gl-eglinfo: the surfaceless platform does not use $gl"
done

# our own programs: the device on its first line, the driver on the next
# (tests/progs/vk_dxvk_sparse.c, tests/progs/egl_frames.c)
PROGS=$B/tests/progs
# line LOG NAME RE: the client's output has a line matching RE
line() { [ -f "$1" ] && ! grep -E -q "$3" "$1" && notok "$2: output lacks /$3/"; }
# The same program without its sparse part: vkDeviceWaitIdle (a
# SYNCOBJ_TRANSFER) and fence resets on RADV.
if [ -f $ICDS/radeon_icd.json ]; then
	VK_ICD_FILENAMES=$ICDS/radeon_icd.json \
		client radv-dxvk-pools amdgpu '^device: AMD .*\(RADV VANGOGH\)' 0 $PROGS/vk_dxvk_sparse --no-sparse
	line "$TMP/radv-dxvk-pools.out" radv-dxvk-pools '^ok: 4 frames'
	has_ops radv-dxvk-pools transfer syncobj_reset
else
	skip radv-dxvk-pools "no $ICDS/radeon_icd.json"
fi
# RADV issues its sparse binds from its submission thread while the main
# thread maps, unmaps, resets fences and waits on them (WAIT_FOR_SUBMIT):
# tests/shim-threads.sh covers what this needs of the shim and the capturer
if [ -f $ICDS/radeon_icd.json ]; then
	VK_ICD_FILENAMES=$ICDS/radeon_icd.json \
		client radv-dxvk-sparse amdgpu '^device: AMD .*\(RADV VANGOGH\)' 0 $PROGS/vk_dxvk_sparse
	line "$TMP/radv-dxvk-sparse.out" radv-dxvk-sparse '^driver: radv '
	line "$TMP/radv-dxvk-sparse.out" radv-dxvk-sparse '^sparse image: .* bound, unbound, rebound'
	# vkDeviceWaitIdle is a SYNCOBJ_TRANSFER on RADV; fences are reset for reuse
	has_ops radv-dxvk-sparse transfer syncobj_reset
else
	skip radv-dxvk-sparse "no $ICDS/radeon_icd.json"
fi
if [ -f $ICDS/intel_icd.json ]; then
	VK_ICD_FILENAMES=$ICDS/intel_icd.json \
		client anv-dxvk-sparse xe '^device: Intel\(R\) Graphics \(BMG G21\)' 0 $PROGS/vk_dxvk_sparse
	line "$TMP/anv-dxvk-sparse.out" anv-dxvk-sparse '^driver: Intel open-source Mesa driver '
	line "$TMP/anv-dxvk-sparse.out" anv-dxvk-sparse '^sparse image: .* bound, unbound, rebound'
	has_ops anv-dxvk-sparse syncobj_reset
else
	skip anv-dxvk-sparse "no $ICDS/intel_icd.json"
fi
client radeonsi-egl-frames amdgpu '^GL_RENDERER: AMD .*\(radeonsi, vangogh' 0 $PROGS/egl_frames
line "$TMP/radeonsi-egl-frames.out" radeonsi-egl-frames '^ok: 10 frames'
client iris-egl-frames xe '^GL_RENDERER: Mesa Intel\(R\) Graphics \(BMG G21\)' 0 $PROGS/egl_frames
line "$TMP/iris-egl-frames.out" iris-egl-frames '^ok: 10 frames'
# iris exports each batch's fence as a sync_file (implicit sync of shared BOs)
has_ops iris-egl-frames sync_file_export
finish
