/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The session's cgroups, whichever backend makes them: systemd (transient scopes over
 * D-Bus, on hosts where systemd owns the tree) or cgroupfs (direct writes below
 * cgroup_root, on hosts without a cgroup manager). See confine.conf(5), cgroup_backend.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "session.h" /* struct session_cgroups: what a session's cgroups are */

/*
 * The backend in force and why it was chosen. why explains a choice that succeeded (for
 * confinectl check and for messages that name the backend): it is not an error, so it is
 * not a struct error; it is text the choice owns, formatted once where the choice is made,
 * so no caller passes a buffer.
 */
struct backend_choice {
	enum cgroup_backend backend;
	char why[512];
};

/* The backend in force for c on this host. */
struct backend_choice backend_resolve(const struct confine_config *c);

/*
 * Checks that the backend in force can apply every limit of p here. Otherwise returns, with
 * a message naming what is missing: -ENOTSUP when the host lacks cgroup v2 or a controller
 * (the one case limits = "optional" may run without limits), -ENOPKG when the backend in
 * force is unusable (no libsystemd, systemd not running), or another -errno.
 */
int backend_check(const struct confine_config *c, const struct confine_profile *p,
		  struct error *err);

/*
 * Creates the cgroups of a session named name for user uid. login: a PAM session (cgroupfs:
 * below the user's aggregate cgroup; systemd: a scope held by a small keeper process, in the
 * user's aggregate slice when the profile has one) rather than a confinectl run (the caller
 * itself is the scope's first process). Fills s and returns the leaf's directory fd, or a
 * negative errno with err filled (nothing is left behind).
 */
int backend_open(const struct confine_config *c, const struct confine_profile *p, uid_t uid,
		 bool login, const char *name, struct session_cgroups *s, struct error *err);

/*
 * Kills and removes a session's cgroups and stops its scope (unless stop_unit is false:
 * a confinectl run sits in its own scope, which ends when it exits). Idempotent.
 * oom_kills receives the number of OOM kills the session saw.
 */
int backend_close(const struct session_cgroups *s, bool stop_unit, unsigned long long *oom_kills,
		  struct error *err);

/* After a user's last session: removes the user's aggregate cgroup or slice. Idempotent. */
int backend_user_done(const struct session_cgroups *s, struct error *err);
