/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fs.h"
#include "mountapi.h"
#include "util.h"

int open_dir_nofollow(int dirfd, const char *path)
{
	/* No symlink anywhere, no magic links, no crossing into /proc tricks. */
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(dirfd, path, &how);
	return fd < 0 ? negerrno() : fd;
}

int loop_write(int fd, const void *buf, size_t n)
{
	for (const char *p = buf; n > 0;) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int loop_read(int fd, void *buf, size_t n)
{
	for (char *p = buf; n > 0;) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}
