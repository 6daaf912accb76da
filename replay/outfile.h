/* SPDX-License-Identifier: MIT */
/*
 * outfile.h - the one way vmbench programs write an output file (result,
 * gpuvm dump, Perfetto export, report and compare exports, synthetic
 * traces), so that no output path can destroy data or lose it silently.
 *
 * DOC: output discipline
 *
 * - "-" is standard output, written through.
 * - A symlink is followed: its final target is what gets written.
 * - A character device or a FIFO is written through: opened for writing,
 *   never truncated, unlinked or replaced.
 * - A regular file, or a name that does not exist yet, is written to a new
 *   temporary file beside it (".NAME.XXXXXX") and renamed over it only when
 *   everything was written, flushed, synced and closed without error; the
 *   rename replaces only a regular file or nothing. A failure removes the
 *   temporary file (the only file the program created) and leaves the old
 *   one as it was.
 * - Anything else (a directory, a block device, a socket) is refused.
 *
 * Every write, flush and close is checked; the first failure is kept with
 * its errno (ENOSPC stays ENOSPC) and reported by vmb_outfile_commit().
 */
#ifndef VMB_OUTFILE_H
#define VMB_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/**
 * enum vmb_outfile_kind - what an output path names
 * @VMB_OUTFILE_NEW: nothing yet: created through a temporary file
 * @VMB_OUTFILE_REGULAR: a regular file: replaced through a temporary file
 * @VMB_OUTFILE_STDOUT: "-": standard output
 * @VMB_OUTFILE_THROUGH: a character device or FIFO: written in place
 */
enum vmb_outfile_kind {
	VMB_OUTFILE_NEW,
	VMB_OUTFILE_REGULAR,
	VMB_OUTFILE_STDOUT,
	VMB_OUTFILE_THROUGH,
};

/**
 * struct vmb_outfile - an output being written
 * @f: the stream to write to (every write error is recorded in @err)
 * @path: the path as given
 * @target: @path with symlinks resolved: what is written or replaced
 * @tmp: the temporary file beside @target, NULL when written through
 * @fd: the descriptor under @f
 * @err: first error, 0 or -errno
 * @kind: what @target was when it was opened
 */
struct vmb_outfile {
	FILE *f;
	char *path;
	char *target;
	char *tmp;
	int fd;
	int err;
	enum vmb_outfile_kind kind;
};

/**
 * vmb_outfile_check() - can @path be written? Run before any work starts.
 * @path: output path or "-"
 * @kind: NULL, or receives what @path names
 * @err, @errlen: "PATH: reason" on failure
 *
 * Return: 0, or -ENOENT (directory missing), -ENOTDIR, -EISDIR, -EACCES,
 * -EROFS, -EINVAL (a block device or socket), -ELOOP.
 */
int vmb_outfile_check(const char *path, enum vmb_outfile_kind *kind, char *err, size_t errlen);

/**
 * vmb_outfile_resolve() - @path with every symlink in its last component
 * followed (a dangling one too: its target is created)
 * @path: output path
 * @out: receives a malloc'd path
 *
 * Return: 0, -ENOMEM, -ELOOP or the errno of readlink().
 */
int vmb_outfile_resolve(const char *path, char **out);

/**
 * vmb_outfile_open() - start writing @path
 * @of: filled in
 * @path: output path or "-"
 * @err, @errlen: "PATH: reason" on failure
 *
 * Return: 0, or a negative errno with a message (nothing is created then).
 */
int vmb_outfile_open(struct vmb_outfile *of, const char *path, char *err, size_t errlen);

/**
 * vmb_outfile_commit() - finish: flush, sync, close and rename into place
 * @of: opened by vmb_outfile_open(); cleaned up in every case
 * @err, @errlen: "PATH: reason" on failure
 *
 * On failure the temporary file is removed and the target keeps its old
 * content; when only the final rename fails, the complete output is left in
 * the temporary file and the message says so.
 *
 * Return: 0, or the first write error or the errno of the failing step.
 */
int vmb_outfile_commit(struct vmb_outfile *of, char *err, size_t errlen);

/**
 * vmb_outfile_abort() - give up: close, remove the temporary file only
 * @of: opened by vmb_outfile_open(), or zeroed
 */
void vmb_outfile_abort(struct vmb_outfile *of);

/**
 * vmb_outfile_beside() - where an incomplete output goes
 * @path: the output path
 * @tag: e.g. "incomplete"
 *
 * For a regular file or a new name "DIR/NAME.EXT", "DIR/NAME.@tag.EXT" (the
 * symlink target's directory when @path is a symlink), so that an
 * interrupted run never replaces a complete output. For "-", a device or a
 * FIFO, a copy of @path: those are written through anyway.
 *
 * Return: a malloc'd path, or NULL when out of memory.
 */
char *vmb_outfile_beside(const char *path, const char *tag);

/**
 * vmb_stdout_close() - flush standard output and report a failure
 * @prog: program name for the message
 *
 * Return: 0, or -errno after printing "PROG: standard output: reason".
 */
int vmb_stdout_close(const char *prog);

#endif /* VMB_OUTFILE_H */
