/* SPDX-License-Identifier: MIT */
/*
 * load.h - a background GPU load generator for the whole replay
 * (`replay --load=CMD`), e.g. IGT's gem_wsim on Intel hardware.
 */
#ifndef VMB_BACKENDS_LOAD_H
#define VMB_BACKENDS_LOAD_H

#include <sys/types.h>

/**
 * vmb_load_start() - run `sh -c CMD` in its own process group
 * @cmd: shell command; @pid: receives the child (= process group id)
 * Return: 0 or -errno.
 */
int vmb_load_start(const char *cmd, pid_t *pid);

/**
 * vmb_load_stop() - stop the load: SIGTERM to its process group, SIGKILL
 * after 2 s if it is still there, then reap it
 * @pid: from vmb_load_start(); @status: receives the wait status (may be NULL)
 * Return: 0, or -errno (e.g. -ECHILD when it was already reaped).
 */
int vmb_load_stop(pid_t pid, int *status);

#endif /* VMB_BACKENDS_LOAD_H */
