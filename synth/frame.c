// SPDX-License-Identifier: MIT
/*
 * frame.c - the frame loop every game-like archetype runs: frames start on
 * a fixed period with jitter, the CPU may run at most two frames ahead of
 * the GPU (swapchain throttling: a CPU wait on the frame timeline), and each
 * frame issues a few graphics submits whose GPU time fills a share of the
 * frame. All of it [E]: typical, not measured.
 */
#include "synth.h"

/**
 * vmb_frame_loop_init() - create the frame timeline and set the period from
 * the generator's fps
 * @s: generator
 * @fl: loop state
 *
 * Return: 0 or -errno.
 */
int vmb_frame_loop_init(struct vmb_synth *s, struct vmb_frame_loop *fl)
{
	fl->in_flight = 2;
	fl->period = (uint64_t)(1e9 / (s->fps > 0 ? s->fps : 60));
	fl->start = s->t;
	return vmb_emit_syncobj_create(s, true, false, &fl->tl);
}

/**
 * vmb_frame_begin() - start frame @n: wait for its slot, mark it
 * @s: generator
 * @fl: loop
 * @n: frame number, from 0
 *
 * Return: 0 or -errno.
 */
int vmb_frame_begin(struct vmb_synth *s, struct vmb_frame_loop *fl, uint64_t n)
{
	uint64_t due = fl->start + n * fl->period;
	int ret;

	/* vsync-paced start up to 2 % late */
	vmb_synth_at_least(s, due + vmb_rng_below(&s->rng, fl->period / 50 + 1));
	s->frame = n;
	ret = vmb_emit_frame(s, n);
	if (!ret && n >= fl->in_flight) {
		struct vmb_sync y = vmb_sy(fl->tl, n - fl->in_flight + 1);

		ret = vmb_emit_wait(s, &y, 1);
	}
	return ret;
}

/**
 * vmb_frame_submits() - the frame's graphics submits
 * @s: generator
 * @fl: loop
 * @n: frame number
 * @n_submits: how many, >= 1
 * @gpu_util: share of the frame period the GPU is busy, 0..1
 * @bos: BOs the jobs use (amdgpu BO list)
 * @n_bos: count
 * @first_in: extra waits for the first submit (e.g. a sparse flush)
 * @n_first_in: count
 *
 * The last submit signals point n + 1 of the frame timeline. The CPU spends
 * about half the frame recording, spread between the submits.
 *
 * Return: 0 or -errno.
 */
int vmb_frame_submits(struct vmb_synth *s, struct vmb_frame_loop *fl, uint64_t n,
		      unsigned int n_submits, double gpu_util, const uint32_t *bos, size_t n_bos,
		      const struct vmb_sync *first_in, size_t n_first_in)
{
	uint64_t gpu_total = (uint64_t)((double)fl->period * gpu_util);
	uint64_t rec = fl->period / 2 / (n_submits + 1);
	int ret = 0;

	for (unsigned int i = 0; i < n_submits && !ret; i++) {
		struct vmb_sync out = vmb_sy(fl->tl, n + 1);
		bool last = i + 1 == n_submits;

		vmb_synth_advance(s, vmb_rng_jitter(&s->rng, rec, 0.5));
		ret = vmb_lower_submit(s, s->low.gfx, bos, n_bos, i ? NULL : first_in,
				       i ? 0 : n_first_in, last ? &out : NULL, last,
				       vmb_rng_jitter(&s->rng, gpu_total / n_submits, 0.3));
	}
	return ret;
}
