#!/usr/bin/env python3
"""Generate the three hand-designed core traces in traces/:

  steady-xe.json      DXVK-like steady state on xe: chunk BOs bound on a bind
                      queue whose timeline every submit waits on, per-frame
                      submits, a chunk freed with UNMAP_ALL, a partial unbind
                      (split), a rebind over an existing mapping (keep), a
                      prefetch and an eviction.
  sparse-amdgpu.json  radv-like sparse residency on amdgpu: a PRT (NULL)
                      range, 64 KiB tiles bound and unbound per frame with one
                      ioctl per tile, CPU waits, BO closed while still mapped.
  userptr-any.json    compute-style userptr churn: host-pointer mappings,
                      CPU munmap (mmu notifier), revalidation on submit, CPU
                      signals and waits, timelines, VM and queue teardown.

Deterministic: no randomness, no time. Usage: scripts/gen-core-traces.py [DIR]
"""
import json
import os
import sys

KiB, MiB = 1 << 10, 1 << 20
FRAME_NS = 16_666_667


def hx(v):
    return "0x%x" % v


def write(path, driver, desc, ops):
    doc = {"format": "vmbench-trace", "version": 1, "driver": driver,
           "page_size": 4096,
           "source": {"kind": "synthetic", "generator": "scripts/gen-core-traces.py",
                      "description": desc},
           "ops": ops}
    with open(path, "w") as f:
        f.write("{\"format\": \"vmbench-trace\", \"version\": 1, \"driver\": %s,\n"
                % json.dumps(driver))
        f.write(" \"page_size\": 4096,\n \"source\": %s,\n \"ops\": [\n"
                % json.dumps(doc["source"]))
        f.write(",\n".join("  " + json.dumps(op) for op in ops))
        f.write("\n]}\n")


def steady_xe():
    ops, t = [], 0
    va0 = 0x100000000
    ops += [{"op": "vm_create", "vm": 1, "t": t},
            {"op": "queue_create", "queue": 1, "vm": 1, "engine": "bind"},
            {"op": "queue_create", "queue": 2, "vm": 1, "engine": "render"},
            {"op": "syncobj_create", "syncobj": 1, "timeline": True},
            {"op": "syncobj_create", "syncobj": 2},
            {"op": "syncobj_create", "syncobj": 3}]
    point = 0
    chunks = {}
    # eight 4 MiB chunks, VM-private except one external (shared) BO
    for i in range(8):
        bo = 1 + i
        op = {"op": "bo_create", "bo": bo, "size": 4 * MiB, "placement": "vram"}
        if i != 7:
            op["vm"] = 1
        ops.append(op)
        point += 1
        va = va0 + i * 4 * MiB
        chunks[bo] = va
        ops.append({"op": "bind", "vm": 1, "queue": 1, "t": t + 1000 * i,
                    "binds": [{"kind": "map", "va": hx(va), "range": hx(4 * MiB), "bo": bo,
                               "offset": 0, "hw": 3}],
                    "out": [{"syncobj": 1, "point": point}]})
    next_bo = 9
    for frame in range(24):
        t = (frame + 1) * FRAME_NS
        ops.append({"op": "frame", "n": frame, "t": t})
        if frame == 5:
            # a buffer suballocated inside chunk 2 gets its own view: partial unbind
            point += 1
            ops.append({"op": "bind", "vm": 1, "queue": 1, "t": t + 10,
                        "binds": [{"kind": "unmap", "va": hx(chunks[2] + MiB),
                                   "range": hx(256 * KiB)}],
                        "out": [{"syncobj": 1, "point": point}]})
        if frame == 6:
            # rebind the whole chunk over its pieces: same BO, same offsets -> keep
            point += 1
            ops.append({"op": "bind", "vm": 1, "queue": 1, "t": t + 10,
                        "binds": [{"kind": "map", "va": hx(chunks[2]), "range": hx(4 * MiB),
                                   "bo": 2, "offset": 0, "flags": ["dumpable"]}],
                        "out": [{"syncobj": 1, "point": point}]})
        if frame == 8:
            point += 1
            ops.append({"op": "bind", "vm": 1, "queue": 1, "t": t + 10,
                        "binds": [{"kind": "prefetch", "va": hx(chunks[3]),
                                   "range": hx(4 * MiB), "region": 1}],
                        "out": [{"syncobj": 1, "point": point}]})
        if frame == 10:
            ops.append({"op": "evict", "bo": 8, "t": t + 20})
        if frame in (12, 18):
            # a new chunk replaces an idle one: map new, UNMAP_ALL old, close old
            old = 4 if frame == 12 else 5
            bo = next_bo
            next_bo += 1
            ops.append({"op": "bo_create", "bo": bo, "size": 4 * MiB, "vm": 1, "t": t + 30})
            point += 1
            va = va0 + (8 + bo) * 4 * MiB
            chunks[bo] = va
            ops.append({"op": "bind", "vm": 1, "queue": 1, "t": t + 40,
                        "binds": [{"kind": "map", "va": hx(va), "range": hx(4 * MiB),
                                   "bo": bo, "offset": 0},
                                  {"kind": "unmap_all", "bo": old}],
                        "out": [{"syncobj": 1, "point": point}]})
            ops.append({"op": "bo_close", "bo": old, "t": t + 50})
        sync = 2 + frame % 2
        ops.append({"op": "submit", "queue": 2, "t": t + 100, "bos": [8],
                    "in": [{"syncobj": 1, "point": point}], "out": [{"syncobj": sync}],
                    "gpu_ns": 9_000_000 + (frame % 5) * 400_000})
        if frame >= 1:
            ops.append({"op": "wait", "syncs": [{"syncobj": 2 + (frame - 1) % 2}],
                        "t": t + 200, "timeout_ns": 1_000_000_000})
    t += FRAME_NS
    ops.append({"op": "wait", "syncs": [{"syncobj": 2}, {"syncobj": 3}], "t": t})
    for bo in sorted(chunks):
        if bo not in (4, 5):
            ops.append({"op": "bo_close", "bo": bo, "t": t})
    ops += [{"op": "queue_destroy", "queue": 2, "t": t},
            {"op": "queue_destroy", "queue": 1, "t": t},
            {"op": "vm_destroy", "vm": 1, "t": t}]
    return ops


def sparse_amdgpu():
    ops = []
    base, size, tile = 0x200000000, 64 * MiB, 64 * KiB
    ops += [{"op": "vm_create", "vm": 1, "va_start": hx(0x100000),
             "va_range": hx((1 << 47) - 0x100000), "kernel_start": hx(0x800000000000 - (1 << 30)),
             "kernel_range": hx(1 << 30)},
            {"op": "queue_create", "queue": 1, "vm": 1, "engine": "render"},
            {"op": "syncobj_create", "syncobj": 1},
            {"op": "syncobj_create", "syncobj": 2, "signaled": True},
            # tile pool: one 8 MiB BO, external; a render target BO used by every frame
            {"op": "bo_create", "bo": 1, "size": 8 * MiB, "placement": "vram"},
            {"op": "bo_create", "bo": 2, "size": 16 * MiB, "placement": "vram"},
            {"op": "bind", "vm": 1, "binds": [{"kind": "map", "va": hx(0x100000000),
                                               "range": hx(16 * MiB), "bo": 2, "offset": 0}]},
            # sparse residency: the whole virtual texture is PRT (NULL) first
            {"op": "bind", "vm": 1, "binds": [{"kind": "map_null", "va": hx(base),
                                               "range": hx(size)}]}]
    resident = []
    slot = 0
    for frame in range(20):
        t = frame * FRAME_NS
        ops.append({"op": "frame", "n": frame, "t": t})
        # render: uses the render target and the tile pool
        ops.append({"op": "submit", "queue": 1, "bos": [1, 2], "t": t + 1000,
                    "in": [{"syncobj": 2}], "out": [{"syncobj": 1}], "gpu_ns": 6_000_000})
        # stream 6 tiles in (one GEM_VA REPLACE per tile) and 4 out (back to PRT)
        for k in range(6):
            ti = (frame * 7 + k * 13) % (size // tile)
            va = base + ti * tile
            ops.append({"op": "bind", "vm": 1, "t": t + 2000 + k * 10,
                        "binds": [{"kind": "map", "va": hx(va), "range": hx(tile), "bo": 1,
                                   "offset": hx((slot % 128) * tile)}]})
            slot += 1
            resident.append(va)
        for k in range(4 if len(resident) > 8 else 0):
            va = resident.pop(0)
            ops.append({"op": "bind", "vm": 1, "t": t + 3000 + k * 10,
                        "binds": [{"kind": "map_null", "va": hx(va), "range": hx(tile)}]})
        # radv's sparse queue: CPU waits for the frame before signalling
        ops.append({"op": "wait", "syncs": [{"syncobj": 1}], "t": t + 4000})
        ops.append({"op": "signal", "syncs": [{"syncobj": 2}], "t": t + 4010})
    t = 20 * FRAME_NS
    # teardown: destroy the sparse range, close the pool while still mapped
    ops += [{"op": "bo_close", "bo": 1, "t": t},
            {"op": "bind", "vm": 1, "t": t + 10, "binds": [{"kind": "unmap", "va": hx(base),
                                                           "range": hx(size)}]},
            {"op": "bind", "vm": 1, "t": t + 20, "binds": [{"kind": "unmap", "va": hx(0x100000000),
                                                           "range": hx(16 * MiB)}]},
            {"op": "bo_close", "bo": 2, "t": t + 30},
            {"op": "syncobj_destroy", "syncobj": 1, "t": t + 40},
            {"op": "syncobj_destroy", "syncobj": 2, "t": t + 40},
            {"op": "queue_destroy", "queue": 1, "t": t + 50},
            {"op": "vm_destroy", "vm": 1, "t": t + 60}]
    return ops


def userptr_any():
    ops = []
    host = 0x7f0000000000
    ops += [{"op": "vm_create", "vm": 1, "flags": ["fault"]},
            {"op": "queue_create", "queue": 1, "vm": 1, "engine": "compute"},
            {"op": "queue_create", "queue": 2, "vm": 1, "engine": "copy"},
            {"op": "syncobj_create", "syncobj": 1, "timeline": True},
            {"op": "syncobj_create", "syncobj": 2, "timeline": True},
            {"op": "bo_create", "bo": 1, "size": 2 * MiB, "placement": "system"}]
    point = 0
    gva = 0x400000000
    ops.append({"op": "bind", "vm": 1, "binds": [{"kind": "map", "va": hx(0x300000000),
                                                  "range": hx(2 * MiB), "bo": 1, "offset": 0,
                                                  "flags": ["readonly", "noexec"]}]})
    for it in range(16):
        t = it * 2_000_000
        a = host + (it % 4) * 8 * MiB
        va = gva + (it % 4) * 8 * MiB
        point += 1
        ops.append({"op": "bind", "vm": 1, "t": t, "tid": 2,
                    "binds": [{"kind": "map_userptr", "va": hx(va), "range": hx(4 * MiB),
                               "addr": hx(a), "flags": ["immediate"]}],
                    "out": [{"syncobj": 1, "point": point}]})
        ops.append({"op": "submit", "queue": 1, "t": t + 100, "tid": 2, "bos": [1],
                    "in": [{"syncobj": 1, "point": point}],
                    "out": [{"syncobj": 2, "point": point}], "gpu_ns": 400_000})
        if it % 3 == 2:
            # the application frees part of a host buffer the GPU has mapped
            ops.append({"op": "cpu_unmap", "addr": hx(a + MiB), "size": hx(MiB),
                        "t": t + 200, "tid": 1})
            ops.append({"op": "submit", "queue": 2, "t": t + 300, "tid": 2, "bos": [],
                        "in": [{"syncobj": 2, "point": point}], "gpu_ns": 50_000})
        if it % 4 == 3:
            ops.append({"op": "evict", "bo": 1, "t": t + 400, "tid": 1})
        if it % 2 == 1:
            ops.append({"op": "wait", "syncs": [{"syncobj": 2, "point": point}],
                        "t": t + 500, "tid": 1})
            ops.append({"op": "bind", "vm": 1, "t": t + 600, "tid": 1,
                        "binds": [{"kind": "unmap", "va": hx(va), "range": hx(4 * MiB)}]})
    t = 16 * 2_000_000
    ops += [{"op": "signal", "syncs": [{"syncobj": 1, "point": point + 1}], "t": t, "tid": 1},
            {"op": "wait", "syncs": [{"syncobj": 1, "point": point + 1},
                                     {"syncobj": 2, "point": point}], "all": False,
             "t": t + 10, "tid": 1},
            {"op": "queue_destroy", "queue": 1, "t": t + 20, "tid": 1},
            {"op": "queue_destroy", "queue": 2, "t": t + 20, "tid": 1},
            {"op": "vm_destroy", "vm": 1, "t": t + 30, "tid": 1},
            {"op": "bo_close", "bo": 1, "t": t + 40, "tid": 1},
            {"op": "syncobj_destroy", "syncobj": 1, "t": t + 50, "tid": 1},
            {"op": "syncobj_destroy", "syncobj": 2, "t": t + 50, "tid": 1}]
    return ops


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "traces")
    write(os.path.join(d, "steady-xe.json"), "xe",
          "DXVK-like steady state on xe (hand-designed)", steady_xe())
    write(os.path.join(d, "sparse-amdgpu.json"), "amdgpu",
          "radv-like sparse residency on amdgpu (hand-designed)", sparse_amdgpu())
    write(os.path.join(d, "userptr-any.json"), "any",
          "compute userptr churn (hand-designed)", userptr_any())


if __name__ == "__main__":
    main()
