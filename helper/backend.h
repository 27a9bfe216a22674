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

/* What a session's cgroups are; kept in its record, so close needs no config. */
struct backend_session {
	char cgroup[512]; /* the payload's leaf cgroup; "" when the session runs without one */
	char unit[128];	  /* systemd: the session's scope */
	char slice[128];  /* systemd: the user's aggregate slice, or "" */
};

/* The backend in force for c on this host; why says how it was chosen. */
enum cgroup_backend backend_resolve(const struct confine_config *c, char *why, size_t len);

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
		 bool login, const char *name, struct backend_session *s, struct error *err);

/*
 * Kills and removes a session's cgroups and stops its scope (unless stop_unit is false:
 * a confinectl run sits in its own scope, which ends when it exits). Idempotent.
 * oom_kills receives the number of OOM kills the session saw.
 */
int backend_close(const struct backend_session *s, bool stop_unit, unsigned long long *oom_kills,
		  struct error *err);

/* After a user's last session: removes the user's aggregate cgroup or slice. Idempotent. */
int backend_user_done(const struct backend_session *s, struct error *err);
