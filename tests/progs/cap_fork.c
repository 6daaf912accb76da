// SPDX-License-Identifier: MIT
/*
 * cap_fork.c - process and descriptor life cycles for tests/capture.sh:
 * fork, vfork+exec, fork+exec, fork+record+exec, posix_spawn with an
 * environment that lost the capture, a
 * dup2'ed DRM fd, and a DRM fd closed whose number is reused for
 * /dev/null. Prints the child pids ("fork PID", "vfork PID", ...).
 *
 *   cap_fork          the scenario
 *   cap_fork child    what the exec'ed children do: open the render node,
 *                     create, signal and destroy one syncobj
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "uapi/drm_core.h"

static uint32_t create(int fd)
{
	struct vmb_drm_syncobj_create c = {0};

	if (ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c))
		return 0;
	return c.handle;
}

static int signal1(int fd, uint32_t h)
{
	struct vmb_drm_syncobj_array a = {.handles = (uintptr_t)&h, .count_handles = 1};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, &a);
}

static int destroy(int fd, uint32_t h)
{
	struct vmb_drm_syncobj_destroy d = {.handle = h};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

static int child_mode(void)
{
	int fd = open("/dev/dri/renderD128", O_RDWR);
	uint32_t h;

	if (fd < 0)
		return 3;
	h = create(fd);
	if (!h || signal1(fd, h) || destroy(fd, h))
		return 4;
	close(fd);
	return 0;
}

static int wait_ok(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
	char *self = argv[0];
	char *cargv[] = {self, "child", NULL};
	char preload[4096] = "LD_PRELOAD=", *tok, *save, *pl;
	char asan[512] = "ASAN_OPTIONS=";
	char *spawn_env[] = {preload, getenv("ASAN_OPTIONS") ? asan : NULL, NULL};
	struct termios tio;
	int fd, fd2, nul, bad = 0;
	uint32_t a;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_mode();
	fd = open("/dev/dri/renderD128", O_RDWR);
	if (fd < 0) {
		perror("cap_fork: /dev/dri/renderD128");
		return 77;
	}
	a = create(fd);
	if (!a)
		return 1;

	/* fork: the child records into its own file */
	pid = fork();
	if (pid == 0) {
		uint32_t h = create(fd);

		_exit(h && !signal1(fd, h) ? 0 : 1);
	}
	printf("fork %d\n", (int)pid);
	bad |= !wait_ok(pid);

	/* the same open file through another number */
	fd2 = dup2(fd, 50);
	bad |= fd2 != 50 || signal1(fd2, a);

	/* the number reused for a non-DRM file: nothing recorded for it */
	close(fd);
	nul = open("/dev/null", O_RDWR);
	if (nul == fd) {
		errno = 0;
		bad |= ioctl(nul, VMB_DRM_IOCTL_VERSION, &(struct vmb_drm_version){0}) != -1 ||
		       errno != ENOTTY;
		bad |= ioctl(nul, TCGETS, &tio) != -1;
	} else {
		printf("note: /dev/null got fd %d, not %d\n", nul, fd);
	}

	/* vfork + exec */
	pid = vfork();
	if (pid == 0) {
		execv(self, cargv);
		_exit(127);
	}
	printf("vfork %d\n", (int)pid);
	bad |= !wait_ok(pid);

	/* fork + exec */
	pid = fork();
	if (pid == 0) {
		execv(self, cargv);
		_exit(127);
	}
	printf("exec %d\n", (int)pid);
	bad |= !wait_ok(pid);

	/* fork, record, then exec: the new image writes a second file */
	pid = fork();
	if (pid == 0) {
		uint32_t h = create(fd2);

		if (!h || signal1(fd2, h))
			_exit(1);
		execv(self, cargv);
		_exit(127);
	}
	printf("recexec %d\n", (int)pid);
	bad |= !wait_ok(pid);

	/*
	 * posix_spawn with an environment that lost the capture: only the
	 * other preloaded libraries (the shim), none of VMB_CAPTURE_*
	 */
	if (getenv("ASAN_OPTIONS")) /* a sanitizer build needs it too */
		strncat(asan, getenv("ASAN_OPTIONS"), sizeof(asan) - strlen(asan) - 1);
	pl = strdup(getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
	for (tok = strtok_r(pl, ": ", &save); tok; tok = strtok_r(NULL, ": ", &save)) {
		if (strstr(tok, "vmcapture"))
			continue;
		if (preload[11])
			strncat(preload, ":", sizeof(preload) - strlen(preload) - 1);
		strncat(preload, tok, sizeof(preload) - strlen(preload) - 1);
	}
	free(pl);
	if (posix_spawn(&pid, self, NULL, NULL, cargv, spawn_env)) {
		bad = 1;
	} else {
		printf("spawn %d\n", (int)pid);
		bad |= !wait_ok(pid);
	}

	bad |= destroy(fd2, a) != 0;
	close(fd2);
	close(nul);
	return bad ? 1 : 0;
}
