/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confine.conf loader, reading files: one checked fd per file, read whole. */
#include <fcntl.h>
#include <sys/stat.h>

#include "config-internal.h"
#include "util.h"

/* "dir/name", the way libconfig builds the path of an included file. */
char *include_path(const struct loader *ld, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", ld->dir, name) < 0)
		return NULL;
	return p;
}

static int check_fd(struct loader *ld, int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int r = negerrno();

		return set_err(ld, r, "%s: cannot stat: %s", path, strerror(-r));
	}
	if (!S_ISREG(st.st_mode)) {
		return set_err(ld, -EINVAL, "%s: not a regular file", path);
	}
	if (!(ld->flags & CONFIG_CHECK_OWNER))
		return 0;
	if (st.st_uid != 0) {
		return set_err(ld, -EPERM, "%s: must be owned by root (owner is uid %u)", path,
			       (unsigned)st.st_uid);
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		return set_err(ld, -EPERM,
			       "%s: must not be writable by group or others (mode %04o)", path,
			       (unsigned)(st.st_mode & 07777));
	}
	return 0;
}

int read_config_file(struct loader *ld, const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 0;
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int r;

	if (ld->flags & CONFIG_CHECK_OWNER)
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0) {
		struct stat st;

		r = negerrno();
		if (r == -ELOOP && (ld->flags & CONFIG_CHECK_OWNER) && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			return set_err(ld, r, "%s: is a symbolic link; refusing to follow it",
				       path);
		return set_err(ld, r, "%s: cannot open: %s", path, strerror(-r));
	}
	r = check_fd(ld, fd, path);
	if (r < 0)
		return r;

	for (;;) {
		ssize_t n;

		if (len + 1 >= size) {
			size_t nsize = size ? size * 2 : 4096;
			char *nbuf;

			if (nsize > CONFIG_MAX_BYTES + 1)
				nsize = CONFIG_MAX_BYTES + 1;
			if (nsize <= len + 1) {
				return set_err(ld, -EFBIG, "%s: too large (more than %d bytes)",
					       path, CONFIG_MAX_BYTES);
			}
			nbuf = realloc(buf, nsize);
			if (!nbuf) {
				return set_err(ld, -ENOMEM, "%s: out of memory", path);
			}
			buf = nbuf;
			size = nsize;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = negerrno();
			return set_err(ld, r, "%s: cannot read: %s", path, strerror(-r));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		return set_err(ld, -EINVAL, "%s: contains a NUL byte", path);
	}
	*ret = TAKE_PTR(buf);
	return 0;
}
