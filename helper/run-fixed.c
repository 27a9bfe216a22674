/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a fixed program and waiting for it (run-fixed.h). */
#include <stdio.h>
#include <sys/wait.h>

#include "run-fixed.h"
#include "util.h"

int run_fixed(const char *path, char *const argv[])
{
	char *const envp[] = {NULL};
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(path, argv, envp);
		fprintf(stderr, "confinectl: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
