// SPDX-License-Identifier: MIT
/*
 * progress.c - the progress line of load, validate and replay (progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "progress.h"

bool vmb_progress_enabled;

#define SHOW_AFTER_NS 500000000ull /* phases shorter than this stay silent */
#define REDRAW_NS 200000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/**
 * vmb_progress_begin() - start a phase
 * @p: state
 * @what: phase name
 * @total_bytes: input size, 0 when unknown
 */
void vmb_progress_begin(struct vmb_progress *p, const char *what, uint64_t total_bytes)
{
	*p = (struct vmb_progress){.what = what, .total_bytes = total_bytes};
	if (vmb_progress_enabled) {
		p->now = getenv("VMB_PROGRESS_NOW") != NULL;
		p->t0 = now_ns();
		p->next = p->now ? p->t0 : p->t0 + SHOW_AFTER_NS;
	}
}

/**
 * vmb_progress_update() - redraw the line when it is time
 * @p: state
 * @ops_done: ops done
 * @ops_total: ops in all, 0 when unknown
 * @bytes_done: input bytes done
 */
void vmb_progress_update(struct vmb_progress *p, uint64_t ops_done, uint64_t ops_total,
			 uint64_t bytes_done)
{
	double el, frac = -1, rate;
	uint64_t now;
	char eta[32] = "";

	if (!vmb_progress_enabled || (!p->now && (++p->calls & 63)))
		return;
	now = now_ns();
	if (now < p->next)
		return;
	p->next = p->now ? now : now + REDRAW_NS;
	el = (double)(now - p->t0) / 1e9;
	if (p->total_bytes)
		frac = (double)bytes_done / (double)p->total_bytes;
	else if (ops_total)
		frac = (double)ops_done / (double)ops_total;
	if (frac > 0.001 && frac < 1) {
		unsigned long s = (unsigned long)(el / frac - el + 0.5);

		snprintf(eta, sizeof(eta), ", ETA %lu:%02lu", s / 60, s % 60);
	}
	rate = el > 0 ? (double)bytes_done / 1e6 / el : 0;
	fprintf(stderr, "\r%s: %llu", p->what, (unsigned long long)ops_done);
	if (ops_total)
		fprintf(stderr, "/%llu", (unsigned long long)ops_total);
	fprintf(stderr, " ops");
	if (frac >= 0)
		fprintf(stderr, " (%.0f%%)", frac * 100);
	if (bytes_done)
		fprintf(stderr, ", %.1f MB/s", rate);
	fprintf(stderr, "%s\033[K", eta);
	fflush(stderr);
	p->shown = true;
}

/**
 * vmb_progress_end() - erase the line
 * @p: state
 */
void vmb_progress_end(struct vmb_progress *p)
{
	if (p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->shown = false;
}
