#!/usr/bin/env python3
# gen.py - writes the small traces of tests/semantics/, one per kernel
# behaviour (tests/semantics.sh checks them). Run it after editing a trace here.
import json, os
D=os.path.dirname(os.path.abspath(__file__))
MiB=1<<20; KiB=1<<10
def w(name, driver, ops, desc, vm_flags=None):
    t={"format":"vmbench-trace","version":1,"driver":driver,"page_size":4096,
       "source":{"kind":"hand-written","description":desc},"ops":ops}
    with open(os.path.join(D,name+'.json'),'w') as f:
        f.write('{"format": "vmbench-trace", "version": 1, "driver": "%s", "page_size": 4096,\n' % driver)
        f.write(' "source": %s,\n "ops": [\n' % json.dumps(t["source"]))
        f.write(',\n'.join('  '+json.dumps(o) for o in ops))
        f.write('\n ]}\n')
def vm(i, flags=None):
    o={"op":"vm_create","vm":i}
    if flags: o["flags"]=flags
    return o
def q(i,v,engine=None):
    o={"op":"queue_create","queue":i,"vm":v}
    if engine: o["engine"]=engine
    return o
def bo(i,size,vmid=None,flags=None):
    o={"op":"bo_create","bo":i,"size":size}
    if vmid: o["vm"]=vmid
    if flags: o["flags"]=flags
    return o
def mp(va,rng,b,off=0): return {"kind":"map","va":hex(va),"range":hex(rng),"bo":b,"offset":off}
def up(va,rng,addr): return {"kind":"map_userptr","va":hex(va),"range":hex(rng),"addr":hex(addr)}
def um(va,rng): return {"kind":"unmap","va":hex(va),"range":hex(rng)}
def bind(v,*entries,**kw):
    o={"op":"bind","vm":v,"binds":list(entries)}; o.update(kw); return o
def sub(queue,bos,gpu,**kw):
    o={"op":"submit","queue":queue,"bos":bos,"gpu_ns":gpu}; o.update(kw); return o
def so(i,timeline=False): return {"op":"syncobj_create","syncobj":i,"timeline":timeline}
def wait(*s): return {"op":"wait","syncs":[{"syncobj":x} for x in s]}
close=lambda b: {"op":"bo_close","bo":b}
ms=1000000

# --- lifetime -------------------------------------------------------------
w("weak-close-clear-job-waits-vm-submits","amdgpu",[
  vm(1), q(1,1), bo(1,MiB), bo(2,MiB),
  bind(1, mp(0x100000,MiB,1)), bind(1, mp(0x400000,MiB,2)),
  sub(1,[2],10*ms), close(1)],
  "amdgpu_gem_object_close/amdgpu_vm_clear_freed: closing a mapped BO queues a page-table clear job that waits for the VM's submissions (here a 10 ms job using another BO); the ioctl does not block")
w("weak-close-other-vm-keeps-mapping","amdgpu",[
  vm(1), vm(2), bo(1,MiB),
  bind(1, mp(0x100000,MiB,1)), bind(2, mp(0x100000,MiB,1)),
  close(1), bind(2, um(0x100000,MiB))],
  "amdgpu_gem_object_close is per drm_file: the closing file's VM (the first to map the BO) loses its mapping, another VM keeps its own until it unmaps")
w("msm-legacy-close-blocks-until-idle","msm",[
  vm(1,["implicit_va"]), q(1,1), bo(1,MiB), bo(2,MiB),
  sub(1,[1,2],5*ms), close(1), sub(1,[2],1*ms)],
  "msm_gem_close on a legacy VM (v6.17+): waits for every fence of the BO, then unmaps it from the file's VM; the kernel mapped the BOs itself at submit (submit_pin_objects)")
w("msm-legacy-submit-vmbo-remaps-each-submit","msm",[
  vm(1,["implicit_va"]), q(1,1), so(1), bo(1,MiB),
  sub(1,[1],1*ms, out=[{"syncobj":1}]), wait(1), sub(1,[1],1*ms, out=[{"syncobj":1}]), wait(1), close(1)],
  "seed 003: under submit-vmbo an implicit mapping lives as long as the submit using it; two waited submits map the BO twice")
w("submit-holds-bo-until-job-completes","xe",[
  vm(1), q(1,1), bo(1,MiB),
  bind(1, mp(0x100000,MiB,1)), sub(1,[1],10*ms), bind(1, um(0x100000,MiB)), close(1)],
  "a submit holds its BOs until its job completes: a BO unmapped and closed under a running job is fence-held, not free")
w("private-bo-closed-while-mapped-cycle","xe",[
  vm(1), bo(1,64*KiB,1), bind(1, mp(0x100000,64*KiB,1)), close(1)],
  "drm_gpuvm hard references: a VM-private BO closed while mapped in its own VM is kept by that mapping until the VM is destroyed")

# --- sync -----------------------------------------------------------------
w("implicit-map-waits-only-move-fences","amdgpu",[
  vm(1), q(1,1), bo(1,4*MiB),
  bind(1, mp(0x100000,MiB,1)), sub(1,[1],10*ms), bind(1, mp(0x800000,MiB,1,MiB))],
  "amdgpu_vm_bo_update: a map syncs to the BO's move fences only (AMDGPU_SYNC_EXPLICIT), not to the 10 ms job using the BO")
w("implicit-unmap-waits-vm-submissions","amdgpu",[
  vm(1), q(1,1), bo(1,MiB), bo(2,MiB),
  bind(1, mp(0x100000,MiB,1)), bind(1, mp(0x400000,MiB,2)), sub(1,[2],10*ms), bind(1, um(0x100000,MiB))],
  "amdgpu_vm_bo_update / amdgpu_vm_clear_freed: an unmap syncs to the VM's command submissions (AMDGPU_SYNC_EQ_OWNER), even those not using the BO")
w("evict-move-waited-by-map","amdgpu",[
  vm(1), q(1,1), bo(1,4*MiB), bind(1, mp(0x100000,MiB,1)), {"op":"evict","bo":1},
  bind(1, mp(0x800000,MiB,1,MiB)), sub(1,[1],1*ms)],
  "every bind waits for the BO's kernel move fences, and the next submit waits for the move and the rebind (kernel-added, cause evict)")
w("xe-remap-hole-in-2m-pages-waits-vm-jobs","xe",[
  vm(1), q(1,1), bo(1,2*MiB), bo(2,MiB),
  bind(1, mp(0x200000,2*MiB,1)), bind(1, mp(0x800000,MiB,2)), sub(1,[2],10*ms),
  bind(1, um(0x300000,64*KiB)), sub(1,[2],1*ms)],
  "xe_pt.c op_prepare: a REMAP whose kept piece is cut inside a 2 MiB page rewrites it and waits for every job of the VM (wait_vm_bookkeep); the next exec waits behind that bind (xe_exec.c)")
w("xe-remap-aligned-cut-skips","xe",[
  vm(1), q(1,1), bo(1,4*MiB), bo(2,MiB),
  bind(1, mp(0x200000,4*MiB,1)), bind(1, mp(0x800000,MiB,2)), sub(1,[2],10*ms),
  bind(1, um(0x400000,2*MiB)), sub(1,[2],1*ms)],
  "xe_vm.c vm_bind_ioctl_ops_parse: a cut aligned to the old mapping's largest page size skips the rewrite (skip_prev/skip_next): no wait")
w("xe-whole-unmap-does-not-wait","xe",[
  vm(1), q(1,1), bo(1,MiB), bo(2,MiB),
  bind(1, mp(0x200000,MiB,1)), bind(1, mp(0x800000,MiB,2)), sub(1,[2],10*ms),
  bind(1, um(0x200000,MiB))],
  "xe_pt.c op_prepare: unbinding a whole VMA adds no reservation dependency")
w("explicit-free-without-wait-stalls-next-submit","amdgpu",[
  vm(1), q(1,1), q(2,1), bo(1,MiB), bo(2,MiB),
  bind(1, mp(0x100000,MiB,1)), bind(1, mp(0x400000,MiB,2)),
  sub(1,[1],10*ms), close(1), sub(2,[2],1*ms)],
  "seed 002 rule 2: closing a still-mapped BO is unmap+free; under explicit sync the kernel keeps the BO's submit fences and the VM's next submit (here on another queue) waits for the clear and for the 10 ms job that used the BO")
w("unsafe-submit-undeclared-bind","xe",[
  vm(1), q(1,1), so(1), so(2), bo(1,MiB), bo(2,MiB),
  bind(1, mp(0x100000,MiB,1)), sub(1,[1],1*ms),
  bind(1, mp(0x400000,MiB,2), out=[{"syncobj":1}]), sub(1,[2],1*ms, **{"in":[{"syncobj":1}]}),
  bind(1, mp(0x800000,MiB,2,0), out=[{"syncobj":2}]), wait(2), sub(1,[2],1*ms)],
  "sync.unsafe_submits: the first submit uses a mapping no fence orders before it (unsafe); the second declares the bind's out-fence, the third follows a CPU wait (both safe)")
w("makespan-two-queues-overlap","xe",[
  vm(1), q(1,1), q(2,1), bo(1,MiB), bind(1, mp(0x100000,MiB,1)),
  sub(1,[1],20*ms), sub(2,[1],20*ms), sub(1,[1],20*ms), sub(2,[1],20*ms)],
  "makespan_ns: two queues of 20 ms jobs overlap: about 40 ms, not 80")

# --- lookup ----------------------------------------------------------------
def shared(n):
    ops=[vm(i) for i in range(1,n+1)]+[q(1,1), so(1), bo(1,MiB)]
    for i in range(1,n+1): ops.append(bind(i, mp(0x100000,MiB,1)))
    for _ in range(10):
        ops += [sub(1,[1],1*ms, out=[{"syncobj":1}]), wait(1)]
    return ops
w("lookup-validate-shared-bo-2-vms","xe",shared(2),"submit-time validation of a BO shared by 2 VMs: gem-list walks the BO's list of mappings in every VM and filters, vmbo walks the VM's extobj list")
w("lookup-validate-shared-bo-8-vms","xe",shared(8),"the same with 8 VMs sharing the BO")

# --- userptr ---------------------------------------------------------------
U=0x7f0000000000
w("hmm-bind-faults-every-page","xe",[
  vm(1), bind(1, up(0x100000,MiB,U))],
  "xe_userptr.c xe_vma_userptr_pin_pages: hmm_range_fault of every page at bind (256 pages); pin: GUP of every page")
w("userptr-notifier-waits-for-running-job","xe",[
  vm(1), q(1,1), bind(1, up(0x100000,MiB,U)), sub(1,[],10*ms), {"op":"cpu_unmap","addr":hex(U),"size":hex(MiB)}, sub(1,[],1*ms)],
  "xe_vma_userptr_invalidate: the notifier waits for the VM's BOOKKEEP fences (a running 10 ms job) before zapping; pin sleeps the same; the next submit revalidates")
w("userptr-fault-mode-zaps-without-waiting","xe",[
  vm(1,["fault"]), q(1,1,"compute"), bind(1, up(0x100000,MiB,U)), sub(1,[],10*ms), {"op":"cpu_unmap","addr":hex(U),"size":hex(MiB)}, sub(1,[],1*ms)],
  "fault-mode VM: exec jobs are not in the reservation, the notifier zaps at once and the next job faults the pages back in")
w("cpu-migrate-blocked-by-pins","xe",[
  vm(1), q(1,1), bind(1, up(0x100000,MiB,U)), sub(1,[],1*ms), {"op":"cpu_migrate","addr":hex(U),"size":hex(64*KiB)}, sub(1,[],1*ms)],
  "seed 004: NUMA balancing moves userptr pages: refused for pinned pages (pin), carried out with an invalidation and a refault (hmm)")

# --- TLB -------------------------------------------------------------------
def tlb(driver):
    ops=[vm(1), q(1,1), bo(1,8*MiB)]
    for i in range(4): ops.append(bind(1, mp(0x1000000+i*MiB,MiB,1,i*MiB)))
    for i in range(4): ops.append(bind(1, um(0x1000000+i*MiB,MiB)))
    ops.append(sub(1,[],1*ms))
    return ops
for d in ("xe","amdgpu","msm","panthor","nouveau"):
    w("tlb-four-maps-four-unmaps-"+d, d, tlb(d), "TLB invalidations of 4 maps, 4 unmaps and a submit on "+d)

# --- syncobj fence moves (drm_syncobj.c) ----------------------------------
S=lambda i,p=None: {"syncobj":i,"point":p} if p else {"syncobj":i}
w("transfer-moves-fence-to-timeline-point","amdgpu",[
  vm(1), q(1,1), q(2,1), so(1), so(2,True), so(3),
  sub(1,[],10*ms, out=[S(1)]),
  {"op":"transfer","src":1,"dst":2,"dst_point":1},
  sub(2,[],1*ms, **{"in":[S(2,1)]}),
  {"op":"transfer","src":2,"src_point":1,"dst":3},
  sub(2,[],1*ms, **{"in":[S(3)]}),
  {"op":"wait","syncs":[S(2,2)],"ret":-22},
  {"op":"transfer","src":2,"src_point":2,"dst":3,"ret":-22}],
  "drm_syncobj_transfer_to_timeline/_to_binary: the 10 ms job's fence becomes point 1 of a timeline, then a binary syncobj's fence; jobs waiting on them start after it; point 2 was never submitted (-EINVAL)")
w("transfer-wait-for-submit-times-out","amdgpu",[
  so(1), so(2),
  {"op":"transfer","src":1,"dst":2,"flags":["wait_for_submit"],"ret":-62},
  {"op":"transfer","src":1,"dst":2,"ret":-22}],
  "drm_syncobj_find_fence: a source without a fence is -EINVAL, with WAIT_FOR_SUBMIT -ETIME after 5 s")
w("syncobj-reset-drops-fence","amdgpu",[
  vm(1), q(1,1), {"op":"syncobj_create","syncobj":1,"signaled":True}, so(2,True),
  {"op":"signal","syncs":[S(2,3)]},
  wait(1), {"op":"wait","syncs":[S(2,3)]},
  {"op":"syncobj_reset","syncobjs":[1,2]},
  {"op":"wait","syncs":[S(1)],"ret":-22}, {"op":"wait","syncs":[S(2,3)],"ret":-22},
  sub(1,[],1*ms, **{"in":[S(1)],"ret":-22}),
  {"op":"syncobj_reset","syncobjs":[1,9],"ret":-2}],
  "drm_syncobj_reset_ioctl: a reset syncobj (binary or timeline) has no fence: waits and submits on it fail with -EINVAL; an unknown handle fails the whole call")
w("sync-file-export-snapshots-fence","amdgpu",[
  vm(1), q(1,1), q(2,1), so(1), so(2),
  sub(1,[],10*ms, out=[S(1)]),
  {"op":"sync_file_export","syncobj":1,"sync_file":1},
  sub(1,[],30*ms, out=[S(1)]),
  {"op":"sync_file_import","syncobj":2,"sync_file":1},
  sub(2,[],1*ms, **{"in":[S(2)]}),
  {"op":"sync_file_import","syncobj":1},
  sub(2,[],1*ms, **{"in":[S(1)]}),
  {"op":"sync_file_export","syncobj":3,"sync_file":2,"ret":-2}],
  "drm_syncobj_export_sync_file wraps the fence of the moment: the job waiting on the import starts after the 10 ms job, not the later 30 ms one; import replaces the fence (one from outside the trace is signaled)")
w("timeline-point-chains-onto-transferred-fence","amdgpu",[
  vm(1), q(1,1), q(2,1), so(1), so(2,True),
  sub(1,[],20*ms, out=[S(1)]),
  {"op":"transfer","src":1,"dst":2},
  {"op":"signal","syncs":[S(2,1)]},
  sub(2,[],1*ms, **{"in":[S(2,1)]})],
  "drm_syncobj_add_point: a new timeline point is a dma_fence_chain onto the fence the syncobj held (here a 20 ms job's, put there by a transfer to point 0), so a CPU signal of point 1 completes only with that job")
