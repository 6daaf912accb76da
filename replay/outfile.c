// SPDX-License-Identifier: MIT
/*
 * outfile.c - writing an output file without destroying or silently losing
 * data: temporary file + rename for regular files, write-through for "-",
 * devices and FIFOs, symlinks followed, every error kept with its errno.
 * See outfile.h for the rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

#define MAX_LINKS 40

/* @dir/@name, or @name when it is absolute or @dir is "." */
static char *join(const char *dir, size_t dlen, const char *name)
{
	char *s;

	if (name[0] == '/' || !dlen)
		return strdup(name);
	if (asprintf(&s, "%.*s/%s", (int)dlen, dir, name) < 0)
		return NULL;
	return s;
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return 0;
	return slash == path ? 1 : (size_t)(slash - path);
}

int vmb_outfile_resolve(const char *path, char **out)
{
	char *p = strdup(path);

	for (int i = 0; p && i < MAX_LINKS; i++) {
		char buf[PATH_MAX], *next;
		struct stat st;
		ssize_t n;

		if (lstat(p, &st) || !S_ISLNK(st.st_mode)) {
			*out = p;
			return 0;
		}
		n = readlink(p, buf, sizeof(buf) - 1);
		if (n < 0) {
			int e = errno;

			free(p);
			return -e;
		}
		buf[n] = '\0';
		next = join(p, dir_len(p), buf);
		free(p);
		p = next;
	}
	if (!p)
		return -ENOMEM;
	free(p);
	return -ELOOP;
}

static int classify(const char *target, enum vmb_outfile_kind *kind, struct stat *st)
{
	size_t dl;
	char *dir;
	int ret = 0;

	if (!stat(target, st)) {
		if (S_ISDIR(st->st_mode))
			return -EISDIR;
		if (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode)) {
			*kind = VMB_OUTFILE_THROUGH;
			return access(target, W_OK) ? -errno : 0;
		}
		if (!S_ISREG(st->st_mode))
			return -EINVAL;
		*kind = VMB_OUTFILE_REGULAR;
		if (access(target, W_OK))
			return -errno;
	} else if (errno == ENOENT) {
		*kind = VMB_OUTFILE_NEW;
	} else {
		return -errno;
	}
	/* the temporary file and the rename need the directory */
	dl = dir_len(target);
	dir = dl ? strndup(target, dl) : strdup(".");
	if (!dir)
		return -ENOMEM;
	if (stat(dir, st))
		ret = -errno;
	else if (!S_ISDIR(st->st_mode))
		ret = -ENOTDIR;
	else if (access(dir, W_OK | X_OK))
		ret = -errno;
	free(dir);
	if (!ret && *kind == VMB_OUTFILE_REGULAR)
		stat(target, st);
	return ret;
}

static void explain(const char *path, int ret, char *err, size_t errlen)
{
	const char *why = strerror(-ret);

	if (ret == -ENOENT)
		why = "directory does not exist";
	else if (ret == -EINVAL)
		why = "not a regular file, character device or FIFO";
	snprintf(err, errlen, "%s: %s", path, why);
}

int vmb_outfile_check(const char *path, enum vmb_outfile_kind *kind, char *err, size_t errlen)
{
	enum vmb_outfile_kind k = VMB_OUTFILE_STDOUT;
	struct stat st;
	char *target = NULL;
	int ret = 0;

	if (strcmp(path, "-")) {
		ret = vmb_outfile_resolve(path, &target);
		if (!ret)
			ret = classify(target, &k, &st);
		free(target);
	}
	if (ret)
		explain(path, ret, err, errlen);
	else if (kind)
		*kind = k;
	return ret;
}

/* the stream's write: keeps the first error (with its errno) in @of->err */
static ssize_t of_write(void *cookie, const char *buf, size_t n)
{
	struct vmb_outfile *of = cookie;
	size_t done = 0;

	if (of->err) {
		errno = -of->err;
		return -1;
	}
	while (done < n) {
		ssize_t w = write(of->fd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			of->err = w < 0 ? -errno : -EIO;
			errno = -of->err;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

static int of_close(void *cookie)
{
	(void)cookie;
	return 0;
}

static int open_tmp(struct vmb_outfile *of, const struct stat *st)
{
	const char *slash = strrchr(of->target, '/');
	const char *base = slash ? slash + 1 : of->target;
	mode_t mode, mask;

	if (asprintf(&of->tmp, "%.*s.%s.XXXXXX", (int)(base - of->target), of->target, base) < 0) {
		of->tmp = NULL;
		return -ENOMEM;
	}
	of->fd = mkostemp(of->tmp, O_CLOEXEC);
	if (of->fd < 0) {
		free(of->tmp);
		of->tmp = NULL;
		return -errno;
	}
	if (of->kind == VMB_OUTFILE_REGULAR) {
		mode = st->st_mode & 07777;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	fchmod(of->fd, mode);
	return 0;
}

int vmb_outfile_open(struct vmb_outfile *of, const char *path, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = {.write = of_write, .close = of_close};
	struct stat st;
	int ret;

	memset(of, 0, sizeof(*of));
	of->fd = -1;
	of->path = strdup(path);
	if (!of->path) {
		ret = -ENOMEM;
		goto fail;
	}
	if (!strcmp(path, "-")) {
		of->kind = VMB_OUTFILE_STDOUT;
		fflush(stdout);
		of->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		ret = of->fd < 0 ? -errno : 0;
	} else {
		ret = vmb_outfile_resolve(path, &of->target);
		if (!ret)
			ret = classify(of->target, &of->kind, &st);
		if (!ret && of->kind == VMB_OUTFILE_THROUGH) {
			of->fd = open(of->target, O_WRONLY | O_CLOEXEC | O_NOCTTY);
			ret = of->fd < 0 ? -errno : 0;
		} else if (!ret) {
			ret = open_tmp(of, &st);
		}
	}
	if (ret)
		goto fail;
	of->f = fopencookie(of, "w", io);
	if (!of->f) {
		ret = -ENOMEM;
		goto fail;
	}
	return 0;

fail:
	explain(path, ret, err, errlen);
	vmb_outfile_abort(of);
	return ret;
}

static void of_free(struct vmb_outfile *of)
{
	free(of->path);
	free(of->target);
	free(of->tmp);
	of->path = of->target = of->tmp = NULL;
	of->fd = -1;
}

void vmb_outfile_abort(struct vmb_outfile *of)
{
	if (of->f)
		fclose(of->f); /* may fail: nothing of it is kept */
	of->f = NULL;
	if (of->fd >= 0)
		close(of->fd);
	if (of->tmp)
		unlink(of->tmp);
	of_free(of);
}

/* rename @of->tmp over @of->target, replacing only a regular file or nothing */
static int put_in_place(struct vmb_outfile *of)
{
	struct stat st;

	if (!lstat(of->target, &st)) {
		if (!S_ISREG(st.st_mode))
			return -EEXIST; /* something else appeared there meanwhile */
		return rename(of->tmp, of->target) ? -errno : 0;
	}
	if (errno != ENOENT)
		return -errno;
	if (!renameat2(AT_FDCWD, of->tmp, AT_FDCWD, of->target, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* a file system without RENAME_NOREPLACE */
	if (link(of->tmp, of->target))
		return -errno;
	unlink(of->tmp);
	return 0;
}

int vmb_outfile_commit(struct vmb_outfile *of, char *err, size_t errlen)
{
	int ret;

	if (fflush(of->f) && !of->err)
		of->err = errno ? -errno : -EIO;
	if (ferror(of->f) && !of->err)
		of->err = -EIO;
	fclose(of->f);
	of->f = NULL;
	ret = of->err;
	if (!ret && of->tmp && fsync(of->fd))
		ret = -errno;
	if (close(of->fd) && !ret)
		ret = -errno;
	of->fd = -1;
	if (ret) {
		snprintf(err, errlen, "%s: write failed: %s",
			 strcmp(of->path, "-") ? of->path : "standard output", strerror(-ret));
		vmb_outfile_abort(of);
		return ret;
	}
	if (of->tmp) {
		ret = put_in_place(of);
		if (ret) {
			snprintf(err, errlen,
				 "%s: cannot put the output in place (%s); it is in %s", of->path,
				 strerror(-ret), of->tmp);
			free(of->tmp);
			of->tmp = NULL; /* kept: it holds the only copy */
		}
	}
	of_free(of);
	return ret;
}

char *vmb_outfile_beside(const char *path, const char *tag)
{
	enum vmb_outfile_kind kind = VMB_OUTFILE_STDOUT;
	char *target = NULL, *out;
	const char *base, *dot;
	struct stat st;

	if (strcmp(path, "-") && !vmb_outfile_resolve(path, &target) &&
	    !classify(target, &kind, &st) && kind != VMB_OUTFILE_THROUGH) {
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		dot = strrchr(base, '.');
		if (!dot || dot == base)
			dot = base + strlen(base);
		if (asprintf(&out, "%.*s.%s%s", (int)(dot - target), target, tag, dot) < 0)
			out = NULL;
		free(target);
		return out;
	}
	free(target);
	return strdup(path);
}

int vmb_stdout_close(const char *prog)
{
	int ret = 0;

	if (fflush(stdout))
		ret = -errno;
	else if (ferror(stdout))
		ret = -EIO;
	if (ret)
		fprintf(stderr, "%s: standard output: %s\n", prog, strerror(-ret));
	return ret;
}
