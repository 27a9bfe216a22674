/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Landlock: the sandboxed program writes only beneath the sandbox's own mounts. */
#pragma once

#include <stdbool.h>

struct error;
/*
 * Restricts this process and everything it starts, for good: creating, writing, removing,
 * renaming, linking (and, from ABI 3, truncating) files is allowed only beneath /tmp,
 * /var/tmp, /dev, /run, /proc and, when with_home, the current directory (the session's
 * home mount). Reading stays unrestricted. Needs no_new_privs. A kernel without Landlock
 * (not built, or not in its LSM list) fails: -EOPNOTSUPP with err naming Landlock.
 * Negative errno on failure, err filled.
 */
int landlock_install(bool with_home, struct error *err);

/* The best Landlock ABI this kernel offers (>= 1), or a negative errno: -ENOSYS (not
 * built in) or -EOPNOTSUPP (built but not enabled in the LSM list). */
int landlock_abi(void);
