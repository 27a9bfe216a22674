/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether this kernel gives a profile's user_ns = true what the sandbox makes of it
 * (shell/sandbox.c): a child made by root unshares a user namespace and its parent maps one
 * uid and gid into it with setgroups denied. For `confinectl check`, run as root.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "userns-probe.h"
#include "util.h"

#define PROBE_ID 65534U /* nobody: any id would do, this one exists everywhere */

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return negerrno();
	return write(fd, text, n) == (ssize_t)n ? 0 : negerrno();
}

/* In the child: unshare, say so (or why not) over fd, wait to be killed. */
static _Noreturn void probe_child(int fd)
{
	int r = unshare(CLONE_NEWUSER) < 0 ? -errno : 0;

	(void)!write(fd, &r, sizeof(r));
	pause();
	_exit(0);
}

int userns_probe(struct error *err)
{
	char map[32];
	int p[2], r = 0, cr = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return error_set_errno(err, negerrno(), "cannot create a pipe");
	if ((pid = fork()) < 0) {
		r = error_set_errno(err, negerrno(), "cannot fork");
		goto out;
	}
	if (pid == 0)
		probe_child(p[1]);
	if (read(p[0], &cr, sizeof(cr)) != sizeof(cr))
		r = error_set(err, -EIO, "the probe died");
	else if (cr < 0)
		r = error_set_errno(err, cr, "cannot create a user namespace");
	snprintf(map, sizeof(map), "%u %u 1\n", PROBE_ID, PROBE_ID);
	if (r == 0 && ((r = write_file(pid, "setgroups", "deny")) < 0 ||
		       (r = write_file(pid, "uid_map", map)) < 0 ||
		       (r = write_file(pid, "gid_map", map)) < 0))
		r = error_set_errno(err, r, "cannot map a user namespace");
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
out:
	close(p[0]);
	close(p[1]);
	return r;
}
