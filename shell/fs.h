/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File system helpers of the setuid core that root-side code shares. */
#pragma once

#include <stddef.h>

/* Opens an existing directory without following any symlink or magic link (an O_PATH fd),
 * or -errno: for paths a user may be renaming components of meanwhile. */
int open_dir_nofollow(int dirfd, const char *path);

/* Writes, or reads, all n bytes, again after EINTR: 0, or -1 (errno set; 0 for a read at
 * end of file or a write that took nothing). */
int loop_write(int fd, const void *buf, size_t n);
int loop_read(int fd, void *buf, size_t n);
