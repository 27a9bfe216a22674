/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup v2 primitives shared by both backends, and the cgroupfs backend itself: session
 * leaves (and per-user aggregates) under a root we own, on hosts where nobody else manages
 * the cgroup tree.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"

/* Space-separated controllers the profile needs, e.g. "pids memory cpu". */
const char *cgroup_needed(const struct confine_profile *p, char *buf, size_t len);

/*
 * Checks that dir lies on a cgroup v2 mount whose root offers every controller the
 * profile needs. On failure returns -ENOTSUP (or -errno) and writes a message naming the
 * missing controller into msg.
 */
int cgroup_check(const char *dir, const struct confine_profile *p, struct error *err);

/*
 * "MAJ:MIN" of the whole block device holding path (io.max takes disks, not partitions).
 * -ENOTBLK when path is on a file system without a block device (tmpfs, overlay, NFS).
 */
int cgroup_io_device(const char *path, char *buf, size_t len);

/* The device node of dev ("MAJ:MIN"), as the kernel names it: "/dev/loop0". */
int cgroup_io_devnode(const char *dev, char *buf, size_t len);

/*
 * Writes the session limits of p into the cgroup dirfd (memory, cpu, cpuset, pids, io,
 * memory.oom.group). io_dev is the io_path's device from cgroup_io_device, or NULL.
 * -EOPNOTSUPP when io_weight is set but the device has neither io.cost nor BFQ.
 */
int cgroup_write_limits(int dirfd, const struct confine_profile *p, const char *io_dev);

/* Enables the controllers in need (as cgroup_needed prints them) for dirfd's children. */
int cgroup_enable(int dirfd, const char *need);

/* Writes a file of the cgroup dirfd, e.g. ("cgroup.procs", "1234"). */
int cgroup_write(int dirfd, const char *file, const char *val);

/* The first len-1 bytes of a file of the cgroup dirfd, NUL-terminated; 0 or -errno. */
int cgroup_read(int dirfd, const char *file, char *buf, size_t len);

/* Creates dir/name (root-owned 0755) unless it exists; returns its fd. */
int cgroup_mkdir(int dirfd, const char *name);

/*
 * cgroupfs backend. Creates cgroup_root (enabling the needed controllers along the path
 * from the cgroup2 mount), then, for a login session (uid != (uid_t)-1), the user's
 * aggregate cgroup_root/user-UID with the profile's user_* limits, and the leaf with the
 * session limits. Writes the leaf's path into leaf (len bytes). Returns the leaf's
 * directory fd, or a negative errno (the leaf is removed again on failure).
 */
int cgroup_create(const char *cgroup_root, uid_t uid, const char *name,
		  const struct confine_profile *p, const char *io_dev, char *leaf, size_t len);

/* Moves pid (0: the caller) into the cgroup dirfd. */
int cgroup_attach(int leaf_fd, pid_t pid);

/*
 * Kills everything in the cgroup at path (cgroup.kill), waits until it is empty and
 * removes it. Idempotent: a cgroup that is already gone is success. If oom_kills is not
 * NULL it receives the cgroup's OOM kill count (memory.events), read before the removal.
 */
int cgroup_destroy(const char *path, unsigned long long *oom_kills);

/* Removes the (empty) cgroup at path; success if it is gone or still has children. */
int cgroup_remove_if_unused(const char *path);
