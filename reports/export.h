/* SPDX-License-Identifier: MIT */
/*
 * export.h - result sets in other CI tools' formats: hyperfine's
 * --export-json shape (whole-run wall and CPU times, every field hyperfine
 * writes) and KCIDB v5 submissions (checkout identity, SI units, verdicts).
 */
#ifndef VMB_EXPORT_H
#define VMB_EXPORT_H

#include <stdio.h>

#include "resultset.h"
#include "verdict.h"

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
 * struct vmb_kcidb_ident - the kernel a checkout node names (KCIDB v5
 * checkout fields); NULL members are left out
 * @tree_name: e.g. "drm-misc", "mainline"
 * @git_repository_url: e.g. "https://gitlab.freedesktop.org/drm/misc/kernel.git"
 * @git_commit_hash: full 40 (or 64) hex digit commit of the kernel tested
 * @git_repository_branch: branch, e.g. "drm-misc-next"
 */
struct vmb_kcidb_ident {
	const char *tree_name;
	const char *git_repository_url;
	const char *git_commit_hash;
	const char *git_repository_branch;
};

/**
 * vmb_kcidb_ident_from_env() - fill the members of @id that are still NULL
 * from $VMB_KERNEL_TREE, $VMB_KERNEL_REPO, $VMB_KERNEL_COMMIT and
 * $VMB_KERNEL_BRANCH
 */
void vmb_kcidb_ident_from_env(struct vmb_kcidb_ident *id);

/* getopt_long values of the --kcidb-* identity options */
#define VMB_KCIDB_OPT_TREE 1001
#define VMB_KCIDB_OPT_REPO 1002
#define VMB_KCIDB_OPT_COMMIT 1003
#define VMB_KCIDB_OPT_BRANCH 1004
#define VMB_KCIDB_LONG_OPTIONS                                                                     \
	{"kcidb-tree", required_argument, NULL, VMB_KCIDB_OPT_TREE},                               \
	    {"kcidb-repo", required_argument, NULL, VMB_KCIDB_OPT_REPO},                           \
	    {"kcidb-commit", required_argument, NULL, VMB_KCIDB_OPT_COMMIT},                       \
	{                                                                                          \
		"kcidb-branch", required_argument, NULL, VMB_KCIDB_OPT_BRANCH                      \
	}

/**
 * vmb_kcidb_ident_option() - take one --kcidb-* option into @id
 * Return: true when @opt was one of them.
 */
bool vmb_kcidb_ident_option(struct vmb_kcidb_ident *id, int opt, const char *arg);

/**
 * struct vmb_kcidb_verdict - a compare verdict to attach to a test node
 * @key: the run group (vmb_rrun_key())
 * @row: the metric's comparison row
 */
struct vmb_kcidb_verdict {
	const char *key;
	const struct vmb_cmp_row *row;
};

/**
 * vmb_export_kcidb() - write KCIDB v5.3 JSON: one checkout (with the kernel
 * identity of @id) and build per result file, one test node per run group
 * (trace, backend, strategy) and metric, its number the median over the
 * group's runs in SI units (times in s with prefix "metric", bytes with
 * prefix "binary"), the per-run values in misc
 * @set: the results
 * @origin: KCIDB origin ("vmbench")
 * @id: kernel identity for the checkouts, or NULL
 * @v, @nv: verdicts against a baseline, or NULL/0: a node with a verdict
 *     has status FAIL (REGRESSION), PASS (same, better) or DONE (cannot
 *     tell) and the comparison in misc; without one, DONE
 * @path: output file ("-" = stdout)
 *
 * Return: 0, -EINVAL for a malformed git_commit_hash, or -errno.
 */
int vmb_export_kcidb(const struct vmb_rset *set, const char *origin,
		     const struct vmb_kcidb_ident *id, const struct vmb_kcidb_verdict *v, size_t nv,
		     const char *path);

#endif /* VMB_EXPORT_H */
