/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Irreversible, verified privilege drop to a user. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct user_creds {
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups of the user (from the group database) */
	int ngroups;
	/* In a user namespace with setgroups denied (sandbox user_ns): the groups were set
	 * before it was made and cannot change; the drop checks their count instead. */
	bool groups_fixed;
};

/*
 * Drops every privilege of a root process for good: bounding and ambient capability
 * sets, locked securebits, supplementary groups, gid, uid, all capability sets,
 * no_new_privs. Then proves root cannot be regained. Refuses uid or gid 0. In a user
 * namespace whose map holds only the user's ids, the same steps and proofs hold in its view
 * (root is not even mapped there: setuid(0) fails with EINVAL).
 * Returns 0 or a negative errno with err naming the step that failed; the caller must not
 * run user code on failure.
 */
int privs_drop(const struct user_creds *u, struct error *err);

/*
 * Raises the effective capability set to the permitted one (which a change of the
 * effective uid from 0 clears while the real or saved uid is still 0). Returns 0 or -errno.
 */
int privs_raise_effective(void);
