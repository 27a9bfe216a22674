/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 session leaves under a delegated root (cgroupfs backend). */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/*
 * Checks that the parent of cgroup_root is on cgroup v2 and offers every controller the
 * profile's limits need. On failure returns -ENOTSUP (or -errno) and writes a message
 * naming the missing controller into msg.
 */
int cgroup_check(const char *cgroup_root, const struct confine_profile *p, char *msg, size_t len);

/* Space-separated controllers the profile needs, e.g. "memory pids cpu". */
const char *cgroup_needed(const struct confine_profile *p, char *buf, size_t len);

/*
 * Creates cgroup_root (enabling the needed controllers along the way) and the leaf
 * cgroup_root/name with the profile's limits. Returns the leaf's directory fd, or a
 * negative errno (the leaf is removed again on failure).
 */
int cgroup_create(const char *cgroup_root, const char *name, const struct confine_profile *p);

/* Moves pid (0: the caller) into the leaf. */
int cgroup_attach(int leaf_fd, pid_t pid);

/*
 * Kills everything in the leaf (cgroup.kill), waits until it is empty and removes it.
 * Idempotent: a leaf that is already gone is success.
 */
int cgroup_destroy(const char *cgroup_root, const char *name);
