/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a fixed program and waiting for it (run-fixed.h). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "run-fixed.h"
#include "util.h"

/* Waits for pid: its exit status, 128+N if signal N killed it, -1 (errno set). */
static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int run_fixed(const char *path, char *const argv[])
{
	char *const envp[] = {NULL};
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(path, argv, envp);
		fprintf(stderr, "confinectl: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	return wait_status(pid);
}

int run_fixed_capture(const char *path, char *const argv[], char *buf, size_t len)
{
	char *const envp[] = {NULL};
	int p[2];
	size_t n = 0;

	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]), close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* stdin /dev/null, stdout and stderr the pipe, nothing else of ours. */
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		(void)syscall(SYS_close_range, 3, ~0U, 0);
		execve(path, argv, envp);
		_exit(127);
	}
	close(p[1]);
	for (ssize_t k; n < len - 1 && (k = read(p[0], buf + n, len - 1 - n)) != 0;)
		if (k > 0)
			n += (size_t)k;
		else if (errno != EINTR)
			break;
	buf[n] = '\0';
	close(p[0]); /* the program gets SIGPIPE if it had more than we read */
	return wait_status(pid);
}
