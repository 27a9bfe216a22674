/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session's home: a detached mount (new mount API) to be placed over the real home. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "fs.h"

struct home_owner {
	const char *user;
	uid_t uid;
	gid_t gid;
	const char *path; /* the real home (passwd pw_dir), absolute */
	/* state_dir/<user>, opened in the host's mount namespace by home_persistent_ensure(),
	 * or -1 (opened by path): the loop device keeps the image open for writing, which
	 * must pin no mount of a sandbox's tree (it is made read-only). */
	int state_fd;
	/* An ephemeral home's stage (home_prepare) may stay attached: it is in the sandbox's
	 * own mount namespace, covered by the sandbox's /tmp before any user code runs, and
	 * goes with the namespace (confinectl run). Its detach would wait for an RCU grace
	 * period (umount). */
	bool stage_stays;
};

/*
 * Builds the profile's home as a detached, nosuid+nodev mount and returns its fd:
 *  - ephemeral:  overlay, lower = the real home (read-only), upper+work on a new
 *                size-limited tmpfs that exists only as long as the mount does;
 *  - persistent: overlay, upper+work in an ext4 file system of home_size in the image
 *                state_dir/<user>/home.img, on a loop device that detaches itself with
 *                the last mount (see home-image.h); the image must exist
 *                (home_persistent_ensure), and is grown to home_size, never shrunk;
 *  - tmpfs:      a size-limited tmpfs owned by the user, populated from /etc/skel.
 * Nothing is attached to any mount tree, so nothing needs unmounting on the host:
 * closing the fd and the end of the sandbox's mount namespace free it all.
 * *ret_lock_fd receives an fd holding the persistent home's lock (or -1).
 *
 * staging: a root-owned directory where the upper's file system is attached while the
 * overlay is created, on kernels that refuse an upper on a detached mount (before 6.15;
 * newer ones take the detached mount and the stage is not used); it is detached again
 * right after (unless o->stage_stays), the overlay keeps its own private clone. Call this in the
 * sandbox's private mount namespace, or pass a path below /run/confine on the host.
 * Returns the mount's fd, or a negative errno with err filled (for the admin and the user).
 */
int home_prepare(const struct confine_config *c, const struct confine_profile *p,
		 const struct home_owner *o, const char *staging, int *ret_lock_fd,
		 struct error *err);

/*
 * For a persistent profile: makes the user's home image (mkfs.ext4, a child process: call
 * it outside the sandbox's PID namespace) or grows its file to home_size. Refuses an image
 * bigger than home_size and an upper directory of the older layout without an image,
 * changing nothing, with err filled. *ret_state_fd: the user's state directory
 * (unlocked), for home_owner.state_fd; -1 for other profiles.
 */
int home_persistent_ensure(const struct confine_config *c, const struct confine_profile *p,
			   const struct home_owner *o, int *ret_state_fd, struct error *err);

/*
 * The session's io limits apply to the disk below a persistent home's image only through
 * its loop device's direct I/O (dio); without it (state_dir on a file system without
 * O_DIRECT) writes into the home would escape the limits on that disk: -ENOTSUP with err
 * filled when the profile has io limits on the disk that holds where (state_dir/<user>).
 */
int home_io_limits_hold(const struct confine_profile *p, const char *where, bool dio,
			struct error *err);

/*
 * For confinectl check: prints a warning for each persistent home in state_dir that logins
 * would refuse (image bigger than a persistent profile's home_size, an upper directory of
 * the older layout). Returns how many.
 */
int home_check_state(const struct confine_config *c, FILE *out);
