/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confine-shell's side of the process registry (session-procs.h): open it, register a
 * sandbox, end a sandbox. Creating and closing it is the helper's (helper/session-store.c). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "protocol.h"
#include "session-procs.h"
#include "session.h"
#include "util.h"

int procs_dir_path(const char *sid, char *buf, size_t len)
{
	if (!*sid || strspn(sid, "0123456789-") != strlen(sid) ||
	    (size_t)snprintf(buf, len, CONFINE_PROCS_DIR "/%s", sid) >= len)
		return -EINVAL;
	return 0;
}

int procs_open(const char *sid)
{
	char path[128];
	struct stat st;
	int fd, r;

	if ((r = procs_dir_path(sid, path, sizeof(path))) < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	/* Only the helper's directory counts. */
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int procs_register(int dirfd, pid_t pid)
{
	unsigned long long start;
	char name[64];
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = proc_start_time(pid, &start)) < 0)
		return r;
	snprintf(name, sizeof(name), "%d-%llu", (int)pid, start);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return negerrno();
	/* After the entry exists: a close that removed the marker before may not have seen it. */
	if (faccessat(dirfd, PROCS_OPEN_MARKER, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? -ESTALE : negerrno();
	return 0;
}

/* SIGKILLs pid if it is still the process its caller meant: parent ppid (start ignored) or
 * start time start (ppid 0). The pidfd pins the process the checks looked at. */
static void kill_checked(pid_t pid, pid_t ppid, unsigned long long start)
{
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	unsigned long long st;
	pid_t pp;

	if (pfd < 0)
		return;
	if (ppid ? proc_parent(pid, &pp) < 0 || pp != ppid
		 : proc_start_time(pid, &st) < 0 || st != start)
		return;
	(void)syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
}

void procs_kill_sandbox(pid_t pid, unsigned long long start)
{
	char path[96], buf[512];
	_cleanup_close_ int fd = -1;
	unsigned long long st;
	ssize_t n;

	if (proc_start_time(pid, &st) < 0 || st != start)
		return;
	/* PID 1 of the sandbox first: the user may have cleared its parent-death signal. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n > 0) {
		buf[n] = '\0';
		for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save))
			kill_checked((pid_t)atoi(w), pid, 0);
	}
	kill_checked(pid, 0, start);
}
