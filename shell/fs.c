/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>

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
