/* SPDX-License-Identifier: MIT */
/*
 * perfetto.h - timeline export of a replay run as Chrome trace-event JSON,
 * which ui.perfetto.dev and chrome://tracing load: a CPU issue track, one
 * track per bind queue and exec queue, bind/submit slices, flows from a
 * bind to the first submit that waits on it, stall slices and counters.
 *
 * The replay engine calls vmb_perfetto_call() once per backend call, in
 * issue order, with the timing the backend reported, and
 * vmb_perfetto_counter() for sampled values ("live mappings", "zombie
 * bytes"). Times are the backend's clock in ns (simulated on the model).
 */
#ifndef VMB_PERFETTO_H
#define VMB_PERFETTO_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct vmb_perfetto;

/**
 * vmb_perfetto_open() - start a trace-event file
 * @path: output file (truncated)
 * @err: message on failure
 * @errlen: size of @err
 *
 * Return: the exporter, or NULL with a message in @err.
 */
struct vmb_perfetto *vmb_perfetto_open(const char *path, char *err, size_t errlen);

/**
 * vmb_perfetto_call() - record one call
 * @p: exporter (NULL: nothing happens, so callers need no check)
 * @call: the call as issued (op, binds, syncs)
 * @tm: its timing; @tm->done_ns == 0 means no GPU-side slice
 * @ret: its result (0 or -errno), shown in the slice's args
 *
 * Writes an ioctl slice [issue, return] on the CPU track; for a bind a
 * slice [start or issue, done] on its bind queue's track (queue 0 = the
 * VM's default bind queue); for a submit a slice [start, done] on its exec
 * queue's track, preceded by a "stall" slice [start - stall, start] when
 * the kernel added a stall; and a flow arrow from a bind to the first later
 * submit whose in-syncs include a syncobj (and point) the bind signals.
 */
void vmb_perfetto_call(struct vmb_perfetto *p, const struct vmb_call *call,
		       const struct vmb_timing *tm, int ret);

/**
 * vmb_perfetto_counter() - record a counter sample
 * @p: exporter (NULL is fine)
 * @ts_ns: time on the backend's clock
 * @name: counter track name ("live mappings", "zombie bytes")
 * @value: the value from @ts_ns on
 */
void vmb_perfetto_counter(struct vmb_perfetto *p, uint64_t ts_ns, const char *name, double value);

/**
 * vmb_perfetto_close() - finish the JSON document, close the file and free
 * @p (NULL is fine)
 *
 * The file is written as outfile.h says: a regular file appears only when
 * complete, a device or FIFO is written through.
 *
 * Return: 0, or -errno of the first failed write (ENOSPC stays ENOSPC).
 */
int vmb_perfetto_close(struct vmb_perfetto *p);

/**
 * vmb_perfetto_abort() - free @p without finishing the file: a temporary
 * file is removed, the target is left as it was (NULL is fine)
 */
void vmb_perfetto_abort(struct vmb_perfetto *p);

#endif /* VMB_PERFETTO_H */
