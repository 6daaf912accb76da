/* SPDX-License-Identifier: MIT */
/*
 * progress.h - a one-line progress report on stderr for the long phases of
 * replay (loading and validating a trace, replaying it): ops done, MB/s and
 * an ETA, redrawn at most five times a second, shown only on a terminal and
 * only once a phase has taken half a second, erased when the phase ends.
 */
#ifndef VMB_PROGRESS_H
#define VMB_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Set by a program's main() when progress may be shown (stderr is a
 * terminal and the user did not ask for quiet); false by default, so
 * library users and tests stay silent.
 */
extern bool vmb_progress_enabled;

/**
 * struct vmb_progress - state of one phase
 * @what: phase name printed first ("load", "validate", "replay")
 * @total_bytes: size of the input the phase walks (0 when unknown)
 * @t0: start, CLOCK_MONOTONIC ns
 * @next: earliest time of the next redraw
 * @calls: calls since the last clock read
 * @now: draw at every call from the start ($VMB_PROGRESS_NOW, for tests)
 * @shown: a line is on the screen
 */
struct vmb_progress {
	const char *what;
	uint64_t total_bytes;
	uint64_t t0, next;
	unsigned int calls;
	bool now, shown;
};

/** vmb_progress_begin() - start a phase of @total_bytes bytes */
void vmb_progress_begin(struct vmb_progress *p, const char *what, uint64_t total_bytes);

/**
 * vmb_progress_update() - report how far the phase is; cheap enough to call
 * for every op (the clock is read every 64th call)
 * @p: the phase
 * @ops_done: ops done so far
 * @ops_total: ops in the phase, 0 when not known yet
 * @bytes_done: input bytes done so far (the ETA is taken from these when
 *     @total_bytes is known, else from the ops)
 */
void vmb_progress_update(struct vmb_progress *p, uint64_t ops_done, uint64_t ops_total,
			 uint64_t bytes_done);

/** vmb_progress_end() - end the phase and erase its line */
void vmb_progress_end(struct vmb_progress *p);

#endif /* VMB_PROGRESS_H */
