/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helper's side of a session's state (root-only, never linked into confine-shell):
 * the record (shell/session.h) written and removed, the process registry of a session
 * without a cgroup (shell/session-procs.h) created and closed.
 */
#pragma once

#include <stdio.h>

#include "error.h"
#include "session.h"

/* The record's text, as session_write() writes it (session_parse() reads it back). */
void session_format(FILE *f, const struct session_record *r);

/*
 * Copies the login's PAM items into the record (all or none): each must fit its field and
 * be printable ASCII without space or '=' (they come from the login program, which may
 * have taken them from the network: sshd's PAM_RHOST, a TTY name). 0, or -EINVAL with err
 * naming the item and the offending byte.
 */
int session_set_login(struct session_record *r, const char *service, const char *tty,
		      const char *rhost, const char *logind, struct error *err);

/* Writes a record atomically (readers see all of it or nothing); 0 or -errno. */
int session_write(const struct session_record *r);

/* Removes the record of sid; a missing one is success. 0 or -errno. */
int session_remove(const char *sid);

/* confine-helper at open: creates the directory with its "open" marker. */
int procs_create(const char *sid);

/* confine-helper at close: removes the marker, kills every registered sandbox, removes the
 * directory. Idempotent (a missing directory is success). */
int procs_close(const char *sid);
