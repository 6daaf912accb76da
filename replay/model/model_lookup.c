// SPDX-License-Identifier: MIT
/*
 * model_lookup.c - finding a BO's mappings, the two ways of seed 001
 * (--bo-lookup), with the list nodes each visits counted per purpose and
 * charged on the timeline (lookup_node ns each, an estimate):
 *
 *   vmbo      drm_gpuvm_bo: per BO a list of vm_bos (one per VM), per vm_bo
 *             its mappings; per VM an extobj list and an evict list.
 *             One VM: walk the BO's vm_bos to the VM's, then its mappings.
 *             Evict: one node per VM mapping the BO (drm_gpuvm_bo_gem_evict
 *             marks vm_bos). Submit: lock the extobj list
 *             (drm_gpuvm_prepare_objects) and walk the evict list
 *             (drm_gpuvm_validate).
 *   gem-list  the first design: one list per BO of its mappings in every
 *             VM. All VMs (evict): one pass. One VM (UNMAP_ALL, weak close,
 *             submit validation of each BO the submit lists, or of every
 *             shared BO when it lists none): walk and filter by VM.
 */
#include "model_priv.h"

static void count(struct vmb_model *m, enum mlookup purpose, uint64_t nodes)
{
	switch (purpose) {
	case MLOOKUP_EVICT:
		m->c.lookup_evict_nodes += nodes;
		break;
	case MLOOKUP_VALIDATE:
		m->c.lookup_validate_nodes += nodes;
		break;
	case MLOOKUP_UNMAP_ALL:
		m->c.lookup_unmap_all_nodes += nodes;
		break;
	case MLOOKUP_CLOSE:
		m->c.lookup_close_nodes += nodes;
		break;
	case MLOOKUP_NONE:
		return;
	}
	m->c.bo_lookup_nodes += nodes;
	m->c.lookup_ns += nodes * m->cfg.params.lookup_node_ns;
}

/**
 * model_lookup_cost() - count @nodes visited for @purpose
 *
 * Return: their simulated cost (ns).
 */
uint64_t model_lookup_cost(struct vmb_model *m, enum mlookup purpose, uint64_t nodes)
{
	count(m, purpose, nodes);
	return purpose == MLOOKUP_NONE ? 0 : nodes * m->cfg.params.lookup_node_ns;
}

/**
 * model_lookup_bo() - the mappings of @bo in @vm (every VM when @vm is NULL)
 * @list: receives them (room for @bo->n_vas)
 * @cpu_ns: the lookup's cost is added here (may be NULL)
 *
 * Return: how many were found.
 */
uint64_t model_lookup_bo(struct vmb_model *m, struct mbo *bo, struct mvm *vm, enum mlookup purpose,
			 struct vmb_gpuva **list, uint64_t *cpu_ns)
{
	uint64_t n = 0, nodes = 0;

	if (m->cfg.strat.bo_lookup == VMB_LOOKUP_VMBO) {
		for (struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next) {
			nodes++;
			if (vm && vb->vm != vm)
				continue;
			for (struct mva *mv = vb->vas; mv; mv = mv->vmbo_next) {
				nodes++;
				list[n++] = mv->va;
			}
			if (vm)
				break;
		}
	} else {
		for (struct mva *mv = bo->gem_vas; mv; mv = mv->gem_next) {
			nodes++;
			if (!vm || mv->vm == vm)
				list[n++] = mv->va;
		}
	}
	nodes = model_lookup_cost(m, purpose, nodes);
	if (cpu_ns)
		*cpu_ns += nodes;
	return n;
}

/**
 * model_lookup_validate() - what a submit on @vm walks to make sure the
 * BOs it uses are resident and mapped
 * @bos, @n_bos: the BOs the submit lists
 *
 * Return: the simulated CPU time of the walk (ns).
 */
uint64_t model_lookup_validate(struct vmb_model *m, struct mvm *vm, const uint32_t *bos,
			       uint32_t n_bos)
{
	uint64_t nodes = 0;

	if (m->cfg.strat.bo_lookup == VMB_LOOKUP_VMBO) {
		nodes = vm->n_extobj + vm->n_invalid;
	} else if (n_bos) {
		for (uint32_t i = 0; i < n_bos; i++) {
			struct mbo *bo = mbo_find(m, bos[i]);

			nodes += bo ? bo->n_vas : 0;
		}
	} else {
		for (struct mvmbo *vb = vm->vmbos; vb; vb = vb->vm_next)
			if (vb->extobj)
				nodes += vb->bo->n_vas;
	}
	return model_lookup_cost(m, MLOOKUP_VALIDATE, nodes);
}
