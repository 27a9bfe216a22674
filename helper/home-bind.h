/* SPDX-License-Identifier: GPL-2.0-or-later */
/* home = "bind": the real home itself, read-write, as a detached mount. */
#pragma once

#include "error.h"
#include "home.h"

/*
 * Opens the real home o->path with the user's file system credentials (never root's: an
 * NFS server squashes root, and a Kerberos mount has no key for it), without following a
 * symbolic link anywhere on the path, checks it is a directory the user owns, and clones
 * it as a detached, nosuid+nodev mount (open_tree on the O_PATH descriptor: root reads
 * nothing of the home). Returns the mount's fd, or a negative errno with err filled.
 */
int home_bind(const struct home_owner *o, struct error *err);
