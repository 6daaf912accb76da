// SPDX-License-Identifier: MIT
/*
 * clock.c - the capturer's timestamps. A program's thread stamps a
 * recorded ioctl with cap_stamp(): the CPU's time-stamp counter where the
 * kernel itself keeps CLOCK_MONOTONIC on it, CLOCK_MONOTONIC nanoseconds
 * elsewhere. Reading the counter costs about 15 ns on the development VM,
 * clock_gettime() 35 ns, and every recorded ioctl takes two.
 *
 * The writer thread turns stamps into CLOCK_MONOTONIC nanoseconds when it
 * takes records out of the rings (cap_clock_ns()). It notes a pair of
 * readings (counter, CLOCK_MONOTONIC) after it has seen a ring's head and
 * before it converts what the ring held, so every stamp it converts lies
 * between two noted pairs and is interpolated between them: NTP's slewing
 * of CLOCK_MONOTONIC is followed, and the conversion never extrapolates a
 * rate over long spans. A pair is kept in the history at most once a
 * millisecond; the history holds the last few seconds at the highest
 * drain rate (a long wait's entry stamp may be older than that: it is then
 * extrapolated from the oldest segment, microseconds off at worst).
 *
 * The counter is used only when the kernel's clocksource is "tsc" when the
 * process starts: the kernel then has checked that it is constant-rate,
 * does not stop in idle states, and agrees across CPUs. (Should the kernel
 * later find it unstable and switch clocksources, the pairs still follow
 * CLOCK_MONOTONIC; only a counter that disagrees between CPUs would put
 * a thread's stamps off by that disagreement.) VMB_CAPTURE_CLOCK=monotonic
 * turns it off.
 *
 * Everything but cap_stamp(), cap_clock_tsc and cap_clock_span_ns() runs
 * under the recorder's writer lock (the writer thread, or a thread
 * flushing at exit or exec).
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

bool cap_clock_tsc;

/** cap_now() - CLOCK_MONOTONIC in ns */
uint64_t cap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct pair {
	uint64_t stamp, ns;
};

#define HIST 4096		   /* pairs kept */
#define HIST_GAP_NS 1000000ull	   /* at most one kept pair per ms */
static struct pair hist[HIST + 1]; /* + the newest pair, kept or not */
static unsigned int n_hist;	   /* kept pairs */
static unsigned int n_pts;	   /* pairs to convert with: n_hist, + newest when later */
static struct pair newest;	   /* the last pair noted */

#if defined(__x86_64__) || defined(__i386__)
/* the counter, not read before the loads above it have completed */
static uint64_t stamp_ordered(void)
{
	__builtin_ia32_lfence();
	return __builtin_ia32_rdtsc();
}
#else
static uint64_t stamp_ordered(void)
{
	return cap_now();
}
#endif

/* a pair read now: the counter between two clock reads, the closest of 3 */
static struct pair pair_read(void)
{
	struct pair best = {0, 0};
	uint64_t best_gap = UINT64_MAX;

	for (int i = 0; i < 3; i++) {
		uint64_t a = cap_now(), s = stamp_ordered(), b = cap_now();

		if (b - a < best_gap) {
			best_gap = b - a;
			best = (struct pair){s, a + (b - a) / 2};
		}
	}
	return best;
}

static bool clocksource_is_tsc(void)
{
	char buf[32] = "";
	int fd = cap_real_open("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			       O_RDONLY | O_CLOEXEC, 0);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	cap_real_close(fd);
	return n >= 3 && !strncmp(buf, "tsc", 3) && (n == 3 || buf[3] == '\n');
}

/**
 * cap_clock_init() - choose the stamp (at library start, before any
 * record) and note the first pair
 */
void cap_clock_init(void)
{
	const char *e = getenv("VMB_CAPTURE_CLOCK");

#if defined(__x86_64__) || defined(__i386__)
	cap_clock_tsc = !(e && !strcmp(e, "monotonic")) && clocksource_is_tsc();
#else
	(void)e;
	cap_clock_tsc = false;
#endif
	n_hist = 0;
	if (cap_clock_tsc) {
		hist[0] = newest = pair_read();
		n_hist = 1;
	}
	n_pts = n_hist;
}

/** cap_clock_name() - what the stamps are, for the trace header */
const char *cap_clock_name(void)
{
	return cap_clock_tsc ? "tsc" : "monotonic";
}

/* ns per stamp unit, 32.32 fixed point; 0 until the writer knows it */
static _Atomic uint64_t rate32;

/* @x * @y / @z without overflowing 64 bits on the way (@z > 0) */
static uint64_t mul_div(uint64_t x, uint64_t y, uint64_t z)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)((unsigned __int128)x * y / z);
#else /* 32-bit targets: x86 long double keeps 64 bits of mantissa */
	return (uint64_t)((long double)x * y / z);
#endif
}

static void rate_update(void)
{
	struct pair a = hist[0], b = newest;

	if (b.stamp > a.stamp && b.ns > a.ns)
		atomic_store_explicit(&rate32, mul_div(b.ns - a.ns, 1ull << 32, b.stamp - a.stamp),
				      memory_order_relaxed);
}

/* hist[0..n_pts): the kept pairs, then the newest when it is later */
static void points_update(void)
{
	n_pts = n_hist;
	if (newest.stamp > hist[n_hist - 1].stamp)
		hist[n_pts++] = newest;
}

/**
 * cap_clock_sync() - note a pair now; the writer calls it after reading a
 * ring's head and before converting the records below it
 */
void cap_clock_sync(void)
{
	if (!cap_clock_tsc)
		return;
	newest = pair_read();
	rate_update();
	if (newest.ns - hist[n_hist - 1].ns >= HIST_GAP_NS &&
	    newest.stamp > hist[n_hist - 1].stamp) {
		if (n_hist == HIST) {
			memmove(hist, hist + HIST / 2, (HIST / 2) * sizeof(*hist));
			n_hist = HIST / 2;
		}
		hist[n_hist++] = newest;
	}
	points_update();
}

/* ns at @s on the line through @a and @b (a.stamp < b.stamp) */
static uint64_t on_line(struct pair a, struct pair b, uint64_t s)
{
	uint64_t ds = b.stamp - a.stamp, dn = b.ns - a.ns, back;

	if (s >= a.stamp)
		return a.ns + mul_div(s - a.stamp, dn, ds);
	back = mul_div(a.stamp - s, dn, ds);

	return back < a.ns ? a.ns - back : 0;
}

/**
 * cap_clock_ns() - the CLOCK_MONOTONIC ns of stamp @s
 *
 * Interpolated between the two noted pairs around @s; before the oldest
 * kept pair or after the newest one, on the line through the two nearest.
 */
uint64_t cap_clock_ns(uint64_t s)
{
	unsigned int lo, hi, n = n_pts;

	if (!cap_clock_tsc)
		return s;
	if (n < 2)
		return newest.ns; /* one pair, and no time between: the best guess */
	if (s >= hist[n - 2].stamp) {
		lo = n - 2; /* nearly every stamp: the last segment */
	} else if (s < hist[1].stamp) {
		lo = 0;
	} else { /* hist[lo].stamp <= s < hist[hi].stamp */
		lo = 0;
		hi = n - 2;
		while (hi - lo > 1) {
			unsigned int mid = lo + (hi - lo) / 2;

			if (hist[mid].stamp <= s)
				lo = mid;
			else
				hi = mid;
		}
	}
	return on_line(hist[lo], hist[lo + 1], s);
}

/**
 * cap_clock_span_ns() - about how many ns @d stamp units are, for
 * statistics such as the recording cost (the rate over the whole history;
 * any thread may ask)
 * @d: a difference of two stamps
 * @ns: the answer
 *
 * Return: false while the rate is not known yet (no pair after the first).
 */
bool cap_clock_span_ns(uint64_t d, uint64_t *ns)
{
	uint64_t r = atomic_load_explicit(&rate32, memory_order_relaxed);

	if (!cap_clock_tsc) {
		*ns = d;
		return true;
	}
	*ns = mul_div(d, r, 1ull << 32);
	return r != 0;
}
