/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd backend: on a host where systemd owns the cgroup tree, sessions get a transient
 * scope with Delegate=yes through systemd's D-Bus API (sd-bus), and confine writes only
 * inside that delegated scope (systemd's single-writer rule, CGROUP_DELEGATION).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

/* True when systemd is PID 1 (the check sd_booted(3) makes). */
bool systemd_booted(void);

/* True when confine was built with libsystemd (the backend is usable at all). */
bool systemd_built_in(void);

/*
 * Starts the transient scope unit (e.g. "confine-SID.scope") in slice (created with it when
 * create_slice, with the profile's user_* limits) with Delegate=yes,
 * the profile's session limits as unit properties and pid as its first process, and waits
 * for it. Then, inside the delegated scope: pid moves to <scope>/supervisor (a cgroup with
 * processes cannot hand controllers down) and <scope>/payload is created for the session
 * with the session limits again (io_dev as for cgroup_write_limits), so the session sees
 * them. Writes payload's path into leaf. On error returns a negative errno with err
 * filled; the scope is stopped again.
 */
int systemd_scope_start(const char *unit, const char *slice, bool create_slice,
			const char *description, const struct confine_profile *p,
			const char *io_dev, pid_t pid, char *leaf, size_t len, struct error *err);

/* 1 if systemd has unit loaded, 0 if not (it is not loaded by asking), or -errno. */
int systemd_unit_loaded(const char *unit);

/*
 * Sets the profile's per-user limits (user_*) on the user's aggregate slice, e.g.
 * "user-1001-confine.slice" inside user-1001.slice, as runtime properties. The slice is
 * created by systemd_scope_start with create_slice, together with the first scope in it.
 */
int systemd_slice_set(const char *slice, const struct confine_profile *p, struct error *err);

/* Stops a unit and waits for it. Idempotent: a unit that is not loaded is success. */
int systemd_unit_stop(const char *unit, struct error *err);
