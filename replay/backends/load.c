// SPDX-License-Identifier: MIT
/*
 * load.c - start and stop the background load command of `--load=CMD`.
 * The command runs in its own process group so that everything it spawns is
 * stopped with it.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/load.h"

extern char **environ;

int vmb_load_start(const char *cmd, pid_t *pid)
{
	posix_spawnattr_t attr;
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	int ret;

	ret = posix_spawnattr_init(&attr);
	if (ret)
		return -ret;
	ret = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	if (!ret)
		ret = posix_spawnattr_setpgroup(&attr, 0);
	if (!ret)
		ret = posix_spawn(pid, "/bin/sh", NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	return -ret;
}

int vmb_load_stop(pid_t pid, int *status)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	int st = 0, i;
	pid_t r;

	if (pid <= 0)
		return -EINVAL;
	kill(-pid, SIGTERM);
	for (i = 0; i < 200; i++) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			goto reaped;
		if (r < 0)
			return -errno;
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
reaped:
	/* the group may still hold grandchildren that ignored SIGTERM */
	kill(-pid, SIGKILL);
	if (status)
		*status = st;
	return 0;
}
