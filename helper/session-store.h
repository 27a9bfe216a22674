/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helper's side of a session's state (root-only, never linked into confine-shell):
 * the record (shell/session.h) written and removed, the process registry of a session
 * without a cgroup (shell/session-procs.h) created and closed.
 */
#pragma once

#include "session.h"

/* Writes a record atomically (readers see all of it or nothing); 0 or -errno. */
int session_write(const struct session_record *r);

/* Removes the record of sid; a missing one is success. 0 or -errno. */
int session_remove(const char *sid);

/* confine-helper at open: creates the directory with its "open" marker. */
int procs_create(const char *sid);

/* confine-helper at close: removes the marker, kills every registered sandbox, removes the
 * directory. Idempotent (a missing directory is success). */
int procs_close(const char *sid);
