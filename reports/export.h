/* SPDX-License-Identifier: MIT */
/*
 * export.h - result sets in other CI tools' formats: hyperfine's
 * --export-json shape (whole-run wall times) and KCIDB v5 test nodes with
 * numeric "number" values.
 */
#ifndef VMB_EXPORT_H
#define VMB_EXPORT_H

#include <stdio.h>

#include "resultset.h"

/**
 * vmb_export_hyperfine() - write {"results":[...]} in hyperfine's JSON shape
 * @f: output
 * @g, @n: run groups; one hyperfine result per group, its "times" the wall
 *     times of the group's runs in seconds
 * @prefix: prepended to each command name ("base: ", "new: ") or NULL
 *
 * Return: 0 or -errno.
 */
int vmb_export_hyperfine_groups(json_t *results, const struct vmb_rgroup *g, size_t n,
				const char *prefix);

/**
 * vmb_export_hyperfine_write() - wrap @results in {"results": ...} and
 * write it to @path ("-" = stdout); steals @results
 *
 * Return: 0 or -errno.
 */
int vmb_export_hyperfine_write(json_t *results, const char *path);

/**
 * vmb_export_kcidb() - write KCIDB v5.3 JSON: one checkout and build per
 * result file, one test node per run and metric with status "DONE" and
 * number{value, unit, prefix}
 * @set: the results
 * @origin: KCIDB origin ("vmbench")
 * @path: output file ("-" = stdout)
 *
 * Return: 0 or -errno.
 */
int vmb_export_kcidb(const struct vmb_rset *set, const char *origin, const char *path);

#endif /* VMB_EXPORT_H */
