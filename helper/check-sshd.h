/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl check: what sshd would serve a confined account outside its sandbox. */
#pragma once

#include <stdio.h>

#include "config.h"

#ifndef SSHD_PATH
#define SSHD_PATH "/usr/sbin/sshd"
#endif

/*
 * Asks `sshd -T` for the effective settings of a connection of user from 127.0.0.1 to each
 * of sshd's ports and prints, each on a line starting with prefix, every setting through
 * which sshd itself would serve the user outside the sandbox (forwarding: TCP, Unix sockets,
 * X11, agent; tunnels, a chroot, internal-sftp) and every key line of the user's key files
 * that forces internal-sftp (check-keys.h), then a line with the verdict. Returns how many
 * settings it printed (0: none); SSHD_AUDIT_ABSENT when sshd is not installed; or, when the
 * user is NOT audited, SSHD_AUDIT_SKIPPED (a name sshd -T cannot be given) or
 * SSHD_AUDIT_FAILED (`sshd -T` failed: without its /run/sshd, or its host keys). Said on
 * out.
 */
#define SSHD_AUDIT_SKIPPED (-1)
#define SSHD_AUDIT_FAILED  (-2)
#define SSHD_AUDIT_ABSENT  (-3)
int sshd_audit(const char *user, const char *prefix, FILE *out);

/*
 * The same for the accounts an sshd login would confine among the users rules name exactly,
 * the members of rules' groups and every account with confine-shell as its shell, at most
 * SSHD_AUDIT_MAX of them (the rest are
 * counted in a note). Lines start with "# sshd: ". Returns 1 if one of them is served
 * outside the sandbox or could not be audited, else 0.
 */
#define SSHD_AUDIT_MAX 64
int sshd_audit_rules(const struct confine_config *c, FILE *out);
