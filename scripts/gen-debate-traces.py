#!/usr/bin/env python3
"""Generate the debate traces in traces/ (d1-... .json): small hand-designed
workloads, each built so that one dri-devel debate (../shared/seeds/) shows
in the numbers. traces/README.md gives each side's figures.

  d1-close-without-unbind-amdgpu.json   seed 000/003 refcount: a streaming
      renderer closes per-frame BOs while still mapped and while the frame's
      job runs (radv relies on the kernel to unmap).
  d2-free-without-wait-xe.json          seed 002 sync: per-frame staging BOs
      unmapped after the copy that reads them (declared), and closed without
      waiting for the unmap; a render queue keeps submitting.
  d3-undeclared-bind-deps-amdgpu.json   seed 002 rule 1: binds with no
      out-fence followed by submits with no in-fence, as radv does under
      implicit sync.
  d4-shared-bo-8-vms-xe.json            seed 001 lookup: a compositor VM and
      8 client VMs sharing their window buffers; memory pressure evicts
      shared buffers.
  d5-legacy-msm-implicit-va.json        seed 003: freedreno without VM_BIND:
      the kernel maps each submit's BO table; transient BOs are closed right
      after their last submit.
  d6-userptr-numa-fault-xe.json         seed 004 userptr: host-pointer
      imports on a normal and a fault-mode (LR) VM, munmaps under running
      jobs and NUMA-balancing migrations.

Deterministic: no randomness. Usage: scripts/gen-debate-traces.py [DIR]
"""
import json
import os
import sys

KiB, MiB = 1 << 10, 1 << 20
MS = 1_000_000
FRAME = 16_666_667


def hx(v):
    return "0x%x" % v


def write(path, driver, desc, ops):
    src = {"kind": "synthetic", "generator": "scripts/gen-debate-traces.py",
           "description": desc}
    with open(path, "w") as f:
        f.write("{\"format\": \"vmbench-trace\", \"version\": 1, \"driver\": %s,\n"
                % json.dumps(driver))
        f.write(" \"page_size\": 4096,\n \"source\": %s,\n \"ops\": [\n" % json.dumps(src))
        f.write(",\n".join("  " + json.dumps(o) for o in ops))
        f.write("\n ]}\n")


def m(va, size, bo, off=0):
    return {"kind": "map", "va": hx(va), "range": hx(size), "bo": bo, "offset": off}


def um(va, size):
    return {"kind": "unmap", "va": hx(va), "range": hx(size)}


def d1(d):
    """amdgpu: per frame 4 transient 2 MiB BOs, mapped, used by a 12 ms frame
    job, closed still mapped while the job runs; long-lived textures."""
    ops = [{"op": "vm_create", "vm": 1}, {"op": "queue_create", "queue": 1, "vm": 1}]
    ops.append({"op": "bo_create", "bo": 1, "size": 64 * MiB})
    ops.append({"op": "bind", "vm": 1, "binds": [m(0x100000000, 64 * MiB, 1)]})
    bo = 2
    for f in range(60):
        t = f * FRAME
        live = []
        for k in range(4):
            va = 0x200000000 + (k << 22)
            ops.append({"op": "bo_create", "bo": bo, "size": 2 * MiB, "t": t})
            ops.append({"op": "bind", "vm": 1, "binds": [m(va, 2 * MiB, bo)], "t": t})
            live.append(bo)
            bo += 1
        ops.append({"op": "submit", "queue": 1, "bos": [1] + live, "gpu_ns": 12 * MS,
                    "t": t + 100_000})
        for b in live:
            ops.append({"op": "bo_close", "bo": b, "t": t + 200_000})
        ops.append({"op": "frame", "n": f, "t": t + 300_000})
    ops.append({"op": "bind", "vm": 1, "binds": [um(0x100000000, 64 * MiB)]})
    ops.append({"op": "bo_close", "bo": 1})
    ops.append({"op": "vm_destroy", "vm": 1})
    write(os.path.join(d, "d1-close-without-unbind-amdgpu.json"), "amdgpu",
          "seed 000/003: per-frame BOs closed while mapped and in use (radv style)", ops)


def d2(d):
    """xe: a staging BO per frame: bind (timeline out), a copy waiting on it,
    an unmap declared after the copy, and the close at once, without waiting
    for the unmap; the frame's render job on another queue."""
    ops = [{"op": "vm_create", "vm": 1},
           {"op": "queue_create", "queue": 1, "vm": 1},
           {"op": "queue_create", "queue": 2, "vm": 1, "engine": "copy"},
           {"op": "syncobj_create", "syncobj": 1, "timeline": True},
           {"op": "bo_create", "bo": 1, "size": 32 * MiB, "vm": 1},
           {"op": "bind", "vm": 1, "binds": [m(0x100000000, 32 * MiB, 1)],
            "out": [{"syncobj": 1, "point": 1}]}]
    point, bo = 1, 2
    for f in range(60):
        t = f * FRAME
        va = 0x400000000 + (f % 8) * 8 * MiB
        point += 1
        ops.append({"op": "bo_create", "bo": bo, "size": 8 * MiB, "t": t})
        ops.append({"op": "bind", "vm": 1, "binds": [m(va, 8 * MiB, bo)], "t": t,
                    "out": [{"syncobj": 1, "point": point}]})
        ops.append({"op": "submit", "queue": 2, "bos": [bo], "gpu_ns": 4 * MS, "t": t + 50_000,
                    "in": [{"syncobj": 1, "point": point}],
                    "out": [{"syncobj": 1, "point": point + 1}]})
        point += 1
        # the unmap declares the copy it must follow; the BO is closed at once
        ops.append({"op": "bind", "vm": 1, "binds": [um(va, 8 * MiB)], "t": t + 60_000,
                    "in": [{"syncobj": 1, "point": point}],
                    "out": [{"syncobj": 1, "point": point + 1}]})
        point += 1
        ops.append({"op": "bo_close", "bo": bo, "t": t + 70_000})
        ops.append({"op": "submit", "queue": 1, "bos": [1], "gpu_ns": 10 * MS, "t": t + 80_000,
                    "in": [{"syncobj": 1, "point": point - 2}]})
        ops.append({"op": "frame", "n": f, "t": t + 90_000})
        bo += 1
    ops.append({"op": "wait", "syncs": [{"syncobj": 1, "point": point}]})
    ops.append({"op": "bind", "vm": 1, "binds": [um(0x100000000, 32 * MiB)]})
    ops.append({"op": "bo_close", "bo": 1})
    ops.append({"op": "syncobj_destroy", "syncobj": 1})
    ops.append({"op": "vm_destroy", "vm": 1})
    write(os.path.join(d, "d2-free-without-wait-xe.json"), "xe",
          "seed 002: staging BOs unmapped and closed right after the submit that uses them", ops)


def d3(d):
    """amdgpu: resource creation interleaved with draws: GEM_VA with no
    fence, then a CS listing the BO, no dependency declared."""
    ops = [{"op": "vm_create", "vm": 1}, {"op": "queue_create", "queue": 1, "vm": 1}]
    bo = 1
    for f in range(40):
        t = f * FRAME
        new = []
        for k in range(3):
            va = 0x100000000 + bo * 4 * MiB
            ops.append({"op": "bo_create", "bo": bo, "size": 4 * MiB, "t": t})
            ops.append({"op": "bind", "vm": 1, "binds": [m(va, 4 * MiB, bo)], "t": t})
            new.append(bo)
            bo += 1
        ops.append({"op": "submit", "queue": 1, "bos": new, "gpu_ns": 8 * MS, "t": t + 20_000})
        ops.append({"op": "frame", "n": f, "t": t + 30_000})
    for b in range(1, bo):
        ops.append({"op": "bind", "vm": 1,
                    "binds": [um(0x100000000 + b * 4 * MiB, 4 * MiB)]})
        ops.append({"op": "bo_close", "bo": b})
    ops.append({"op": "vm_destroy", "vm": 1})
    write(os.path.join(d, "d3-undeclared-bind-deps-amdgpu.json"), "amdgpu",
          "seed 002 rule 1: binds with no out-fence, then submits with no in-fence", ops)


def d4(d):
    """xe: a compositor (VM 1) and 8 clients (VMs 2-9); each client has 3
    window buffers mapped in its own VM and in the compositor's; per frame
    every client submits listing its buffers, the compositor lists all 24;
    every 10 frames one shared buffer is evicted."""
    n = 8
    ops = [{"op": "vm_create", "vm": v} for v in range(1, n + 2)]
    ops += [{"op": "queue_create", "queue": v, "vm": v} for v in range(1, n + 2)]
    bufs = {}
    bo = 1
    for c in range(2, n + 2):
        bufs[c] = []
        for k in range(3):
            ops.append({"op": "bo_create", "bo": bo, "size": 8 * MiB})
            ops.append({"op": "bind", "vm": c, "binds": [m(0x100000000 + k * 8 * MiB, 8 * MiB, bo)]})
            ops.append({"op": "bind", "vm": 1,
                        "binds": [m(0x200000000 + (bo - 1) * 8 * MiB, 8 * MiB, bo)]})
            bufs[c].append(bo)
            bo += 1
    allb = [b for c in bufs for b in bufs[c]]
    ops.append({"op": "syncobj_create", "syncobj": 1})
    for v in range(1, n + 2):
        ops.append({"op": "bind", "vm": v, "binds": [], "out": [{"syncobj": 1}]})
        ops.append({"op": "wait", "syncs": [{"syncobj": 1}]})
    for f in range(60):
        t = f * FRAME
        for c in range(2, n + 2):
            ops.append({"op": "submit", "queue": c, "bos": bufs[c], "gpu_ns": 1 * MS, "t": t})
        ops.append({"op": "submit", "queue": 1, "bos": allb, "gpu_ns": 2 * MS, "t": t + 2 * MS})
        if f % 10 == 9:
            ops.append({"op": "evict", "bo": allb[(f // 10) % len(allb)], "t": t + 3 * MS})
        ops.append({"op": "frame", "n": f, "t": t + 3 * MS})
    for c in range(2, n + 2):
        for k, b in enumerate(bufs[c]):
            ops.append({"op": "bind", "vm": c, "binds": [um(0x100000000 + k * 8 * MiB, 8 * MiB)]})
            ops.append({"op": "bind", "vm": 1, "binds": [um(0x200000000 + (b - 1) * 8 * MiB, 8 * MiB)]})
            ops.append({"op": "bo_close", "bo": b})
    ops.append({"op": "syncobj_destroy", "syncobj": 1})
    ops += [{"op": "vm_destroy", "vm": v} for v in range(1, n + 2)]
    write(os.path.join(d, "d4-shared-bo-8-vms-xe.json"), "xe",
          "seed 001: a compositor and 8 clients sharing window buffers across VMs", ops)


def d5(d):
    """msm legacy: 16 long-lived BOs and 3 transient ones per frame in each
    submit's BO table; transient BOs closed right after their last submit."""
    ops = [{"op": "vm_create", "vm": 1, "flags": ["implicit_va"]},
           {"op": "queue_create", "queue": 1, "vm": 1}]
    for b in range(1, 17):
        ops.append({"op": "bo_create", "bo": b, "size": 1 * MiB})
    bo = 17
    for f in range(60):
        t = f * FRAME
        tmp = []
        for k in range(3):
            ops.append({"op": "bo_create", "bo": bo, "size": 256 * KiB, "t": t})
            tmp.append(bo)
            bo += 1
        ops.append({"op": "submit", "queue": 1, "bos": list(range(1, 17)) + tmp,
                    "gpu_ns": 6 * MS, "t": t + 100_000})
        for b in tmp:
            ops.append({"op": "bo_close", "bo": b, "t": t + 200_000})
        ops.append({"op": "frame", "n": f, "t": t + 300_000})
    for b in range(1, 17):
        ops.append({"op": "bo_close", "bo": b})
    ops.append({"op": "queue_destroy", "queue": 1})
    ops.append({"op": "vm_destroy", "vm": 1})
    write(os.path.join(d, "d5-legacy-msm-implicit-va.json"), "msm",
          "seed 003: freedreno without VM_BIND, kernel-made mappings, transient BOs", ops)


def d6(d):
    """xe: 4 MiB host-pointer imports on a normal VM (graphics, 8 ms jobs)
    and on a fault-mode VM (compute, 20 ms jobs); munmap of a live import
    every 5 frames under a running job; NUMA migrations every 3 frames."""
    cpu = 0x7f0000000000
    ops = [{"op": "vm_create", "vm": 1}, {"op": "vm_create", "vm": 2, "flags": ["fault"]},
           {"op": "queue_create", "queue": 1, "vm": 1},
           {"op": "queue_create", "queue": 2, "vm": 2, "engine": "compute"},
           {"op": "syncobj_create", "syncobj": 1, "timeline": True}]
    live = {1: [], 2: []}
    slot = 0
    point = 0

    def imp(vm, t):
        nonlocal slot
        a = cpu + slot * 4 * MiB
        va = 0x100000000 + slot * 4 * MiB
        slot += 1
        live[vm].append((a, va))
        return {"op": "bind", "vm": vm, "t": t,
                "binds": [{"kind": "map_userptr", "va": hx(va), "range": hx(4 * MiB),
                           "addr": hx(a)}]}
    for vm in (1, 2):
        for _ in range(4):
            ops.append(imp(vm, 0))
    for f in range(45):
        t = f * FRAME
        ops.append({"op": "submit", "queue": 1, "gpu_ns": 8 * MS, "t": t})
        point += 1
        ops.append({"op": "submit", "queue": 2, "gpu_ns": 20 * MS, "t": t,
                    "out": [{"syncobj": 1, "point": point}]})
        if f % 5 == 4:
            vm = 1 + (f // 5) % 2
            a, va = live[vm].pop(0)
            ops.append({"op": "cpu_unmap", "addr": hx(a), "size": hx(4 * MiB), "t": t + MS})
            ops.append({"op": "bind", "vm": vm, "binds": [um(va, 4 * MiB)], "t": t + MS})
            ops.append(imp(vm, t + MS))
        if f % 3 == 2:
            vm = 1 + (f // 3) % 2
            a, _ = live[vm][f % len(live[vm])]
            ops.append({"op": "cpu_migrate", "addr": hx(a), "size": hx(2 * MiB), "t": t + 2 * MS})
        ops.append({"op": "frame", "n": f, "t": t + 3 * MS})
    ops.append({"op": "wait", "syncs": [{"syncobj": 1, "point": point}]})
    for vm in (1, 2):
        for a, va in live[vm]:
            ops.append({"op": "bind", "vm": vm, "binds": [um(va, 4 * MiB)]})
    ops.append({"op": "syncobj_destroy", "syncobj": 1})
    ops += [{"op": "vm_destroy", "vm": 1}, {"op": "vm_destroy", "vm": 2}]
    write(os.path.join(d, "d6-userptr-numa-fault-xe.json"), "xe",
          "seed 004: userptr imports with munmaps under running jobs, NUMA migrations, a fault-mode VM",
          ops)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "traces")
    for gen in (d1, d2, d3, d4, d5, d6):
        gen(d)


if __name__ == "__main__":
    main()
