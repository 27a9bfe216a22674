/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File system helpers of the setuid core that root-side code shares. */
#pragma once

/* Opens an existing directory without following any symlink or magic link (an O_PATH fd),
 * or -errno: for paths a user may be renaming components of meanwhile. */
int open_dir_nofollow(int dirfd, const char *path);
