// SPDX-License-Identifier: MIT
/*
 * test_load.c - the background load of `replay --load=CMD`: it runs in its
 * own process group, is stopped with SIGTERM (SIGKILL after 2 s when it
 * ignores that) together with everything it spawned, and is reaped.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#include "backends/load.h"

/* a live (not zombie) process in group @pgid, from /proc */
static int group_alive(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int alive = 0;

	while (d && (e = readdir(d))) {
		char path[300], state;
		int pgrp;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* pid (comm) state ppid pgrp: comm has no ')' for sh and sleep */
		if (fscanf(f, "%*d (%*[^)]) %c %*d %d", &state, &pgrp) == 2 && pgrp == pgid &&
		    state != 'Z')
			alive++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return alive;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(start_stop)
{
	pid_t pid = 0;
	int status = 0;

	CHECK_INT(vmb_load_start("sleep 30", &pid), 0);
	CHECK(pid > 0);
	CHECK_INT(getpgid(pid), pid); /* its own process group */
	CHECK_INT(vmb_load_stop(pid, &status), 0);
	CHECK(WIFSIGNALED(status) || WIFEXITED(status));
	CHECK_INT(kill(pid, 0), -1); /* reaped */
	CHECK_INT(errno, ESRCH);
}

TEST(ignores_sigterm)
{
	pid_t pid = 0;
	int status = 0;
	double t0;

	/* the shell and its child both ignore TERM: KILL after 2 s takes the group */
	CHECK_INT(vmb_load_start("trap '' TERM; sleep 30 & wait", &pid), 0);
	usleep(200 * 1000);
	t0 = now_s();
	CHECK_INT(vmb_load_stop(pid, &status), 0);
	CHECK(now_s() - t0 >= 1.9);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* nothing alive in the group (the orphaned sleep may linger as a zombie) */
	for (int i = 0; i < 100 && group_alive(pid); i++)
		usleep(10 * 1000);
	CHECK_INT(group_alive(pid), 0);
}

TEST(already_gone)
{
	pid_t pid = 0;
	int status = 0;

	CHECK_INT(vmb_load_start("exit 3", &pid), 0);
	usleep(200 * 1000);
	CHECK_INT(vmb_load_stop(pid, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK_INT(vmb_load_stop(-1, NULL), -EINVAL);
}

int main(void)
{
	RUN(start_stop);
	RUN(ignores_sigterm);
	RUN(already_gone);
	return TEST_SUMMARY();
}
