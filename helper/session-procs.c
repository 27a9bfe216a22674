/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "protocol.h"
#include "session-procs.h"
#include "session.h"
#include "util.h"

#define OPEN_MARKER "open"
#define CLOSE_PASSES 3 /* a sandbox registering during a pass ends itself; look again */

static int dir_path(const char *sid, char *buf, size_t len)
{
	if (!*sid || strspn(sid, "0123456789-") != strlen(sid) ||
	    (size_t)snprintf(buf, len, CONFINE_PROCS_DIR "/%s", sid) >= len)
		return -EINVAL;
	return 0;
}

int procs_create(const char *sid)
{
	char path[128];
	_cleanup_close_ int fd = -1, m = -1;
	int r;

	if ((r = dir_path(sid, path, sizeof(path))) < 0)
		return r;
	if (mkdir(CONFINE_PROCS_DIR, 0700) < 0 && errno != EEXIST)
		return negerrno();
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return negerrno();
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	m = openat(fd, OPEN_MARKER, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	return m < 0 ? negerrno() : 0;
}

int procs_open(const char *sid)
{
	char path[128];
	struct stat st;
	int fd, r;

	if ((r = dir_path(sid, path, sizeof(path))) < 0)
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
	if (faccessat(dirfd, OPEN_MARKER, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
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

/* One pass over the entries: kill and forget each sandbox. Returns how many there were. */
static int kill_registered(int dirfd)
{
	_cleanup_close_ int fd = dup(dirfd);
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (fd < 0 || !(d = fdopendir(TAKE_FD(fd))))
		return negerrno();
	while ((de = readdir(d))) {
		unsigned long long start;
		int pid, len = 0;

		if (sscanf(de->d_name, "%d-%llu%n", &pid, &start, &len) != 2 ||
		    (size_t)len != strlen(de->d_name) || pid <= 1)
			continue;
		procs_kill_sandbox(pid, start);
		(void)unlinkat(dirfd, de->d_name, 0);
		n++;
	}
	closedir(d);
	return n;
}

int procs_close(const char *sid)
{
	char path[128];
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = dir_path(sid, path, sizeof(path))) < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : negerrno();
	/* No new sandbox may start from here on (procs_register sees the marker gone). */
	if (unlinkat(fd, OPEN_MARKER, 0) < 0 && errno != ENOENT)
		return negerrno();
	for (int pass = 0; pass < CLOSE_PASSES; pass++) {
		if ((r = kill_registered(fd)) < 0)
			return r;
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != ENOTEMPTY)
			return negerrno();
	}
	return -EBUSY;
}
