/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What confinectl list/status/kill look at (root): the live sessions' records and the
 * figures of their cgroups, read from /run/confine/sessions and cgroupfs, never changed.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "session.h"

/* Figures of a session's cgroup; OPS_NONE where there is none (ops-format.h). */
struct ops_usage {
	unsigned long long pids_current, pids_max;
	unsigned long long memory_current, memory_max, memory_high, memory_peak;
	unsigned long long swap_current, swap_max;
	unsigned long long events_high, events_max, events_oom, events_oom_kill;
	unsigned long long events_pids_max; /* pids.events "max": forks refused at pids.max */
	unsigned long long cpu_usage_usec, cpu_throttled_usec, cpu_nr_throttled;
	unsigned long long io_rbytes, io_wbytes; /* io.stat summed over devices */
	char cpu_max[64]; /* cpu.max as the kernel says it ("30000 100000"), or "" */
};

/* Reads the figures of the cgroup at path ("" or NULL: every figure OPS_NONE). */
void ops_usage_read(const char *path, struct ops_usage *u);

/*
 * Every live session's record, oldest first: *ret (free()), *n. Records that cannot be
 * read are skipped with a warning on stderr. 0, or -errno when the directory cannot be
 * read (a missing one is no sessions).
 */
int ops_sessions_load(struct session_record **ret, size_t *n);

/* Seconds since the session opened (CLOCK_BOOTTIME). */
unsigned long long ops_session_age(const struct session_record *r);

/* The kind of the session's home: the type of the file system mounted at its home
 * ("overlay", "tmpfs", ...), "real" when it has none of its own, "-" if unknown. */
const char *ops_home_kind(const struct session_record *r, char *buf, size_t len);

/* The pids in the cgroup at path (cgroup.procs): *ret (free()), count; -errno. */
int ops_cgroup_pids(const char *path, pid_t **ret);

/* Whether pid is in the cgroup at path now (/proc/PID/cgroup). */
bool ops_pid_in_cgroup(pid_t pid, const char *path);
