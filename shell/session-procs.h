/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sandboxes of a session that has no cgroup (limits = "optional" on a host without the
 * controllers). With no cgroup.kill to end them, close must find and kill them itself.
 *
 * CONFINE_PROCS_DIR/<sid>/ (root-only) holds a marker "open" while the session is open and
 * an entry "<pid>-<start time>" per sandbox, naming its namespaced parent. A sandbox is
 * registered by its outer parent right after the fork; close removes the marker first, then
 * kills every registered sandbox. Registering checks the marker after writing the entry, so
 * either close sees the entry or the sandbox sees the marker gone and is ended at once.
 *
 * This header is confine-shell's side (shell/session-procs.c); creating and closing the
 * registry is the helper's (helper/session-store.h).
 */
#pragma once

#include <sys/types.h>

#include <stddef.h>

#define PROCS_OPEN_MARKER "open"

/* CONFINE_PROCS_DIR/<sid> into buf, or -EINVAL for a bad sid or a too small buf. */
int procs_dir_path(const char *sid, char *buf, size_t len);

/* confine-shell: opens the session's directory (an fd for procs_register) or -errno. */
int procs_open(const char *sid);

/* Registers the sandbox whose namespaced parent is pid. -ESTALE: the session is closing
 * (the caller must end the sandbox, procs_kill_sandbox). */
int procs_register(int dirfd, pid_t pid);

/* SIGKILLs the sandbox of namespaced parent pid, started at start (PID 1 first: its death
 * takes its whole PID namespace), if that process still exists. */
void procs_kill_sandbox(pid_t pid, unsigned long long start);
