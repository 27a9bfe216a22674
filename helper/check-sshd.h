/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl check: what sshd would serve a confined account outside its sandbox. */
#pragma once

#include <stdio.h>

#include "config.h"

#ifndef SSHD_PATH
#define SSHD_PATH "/usr/sbin/sshd"
#endif

/*
 * Asks `sshd -T` for the effective settings of a connection of user from 127.0.0.1 and
 * prints, each on a line starting with prefix, every setting through which sshd itself
 * would serve the user outside the sandbox: forwarding (TCP, Unix sockets, X11, agent),
 * tunnels, a chroot, internal-sftp, then a line with the verdict. Returns how many settings
 * it printed (0: none), SSHD_AUDIT_SKIPPED for a name sshd -T cannot be given, or
 * SSHD_AUDIT_FAILED when sshd cannot say (not installed, `sshd -T` failed); said on out.
 */
#define SSHD_AUDIT_SKIPPED (-1)
#define SSHD_AUDIT_FAILED  (-2)
int sshd_audit(const char *user, const char *prefix, FILE *out);

/*
 * The same for every account the rules name (a rule's user, the members of a rule's
 * group) that an sshd login would confine, at most SSHD_AUDIT_MAX of them. Lines start
 * with "# sshd: ". Returns 1 if one of them is served outside the sandbox, else 0.
 */
#define SSHD_AUDIT_MAX 16
int sshd_audit_rules(const struct confine_config *c, FILE *out);
