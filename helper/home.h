/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session's home: a detached mount (new mount API) to be placed over the real home. */
#pragma once

#include <sys/types.h>

#include "config.h"

struct home_owner {
	const char *user;
	uid_t uid;
	gid_t gid;
	const char *path; /* the real home (passwd pw_dir), absolute */
};

/*
 * Builds the profile's home as a detached, nosuid+nodev mount and returns its fd:
 *  - ephemeral:  overlay, lower = the real home (read-only), upper+work on a new
 *                size-limited tmpfs that exists only as long as the mount does;
 *  - persistent: overlay, upper+work under state_dir/<user>/ (created root-owned);
 *  - tmpfs:      a size-limited tmpfs owned by the user, populated from /etc/skel.
 * Nothing is attached to any mount tree, so nothing needs unmounting on the host:
 * closing the fd and the end of the sandbox's mount namespace free it all.
 * *ret_lock_fd receives an fd holding the persistent upper's lock (or -1).
 *
 * staging: a root-owned directory where the ephemeral upper's tmpfs is attached while the
 * overlay is created (kernels before 6.x refuse an upper on a detached mount); it is
 * detached again right after, the overlay keeps its own private clone. Call this in the
 * sandbox's private mount namespace, or pass a path below /run/confine on the host.
 */
int home_prepare(const struct confine_config *c, const struct confine_profile *p,
		 const struct home_owner *o, const char *staging, int *ret_lock_fd);

/* Opens an existing directory without following any symlink (O_PATH fd) or -errno. */
int open_dir_nofollow(int dirfd, const char *path);
