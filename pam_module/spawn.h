/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running confine-helper from inside the login process (the pam_exec/pam_mkhomedir pattern). */
#pragma once

#include <stddef.h>

#include <security/pam_modules.h>

/*
 * Run the helper at path (also argv[0]) as root with an empty environment, stdin and stderr on
 * /dev/null, stdout on a pipe and no other descriptors, and wait for it. SIGCHLD is SIG_DFL
 * while it runs and restored exactly afterwards, so a caller's handler or SIG_IGN can neither
 * reap our child nor see it.
 *
 * Up to outsz bytes of its stdout are stored in out; *ret_outlen is the number of bytes it wrote
 * in all, so *ret_outlen > outsz means it wrote too much. Stdout is read until EOF: the helper
 * must not leave a descendant holding it open.
 *
 * Returns the exit status (0..255), or -1 after logging: euid is not 0, the helper could not
 * be started (missing, not executable...), it was killed by a signal, or a system call failed.
 */
int confine_spawn(pam_handle_t *pamh, const char *path, const char *const argv[], char *out,
		  size_t outsz, size_t *ret_outlen);

/*
 * Start the helper as confine_spawn() does (root, empty environment, no descriptors but
 * 0-2, all on /dev/null) and do not wait for it: it runs as the child of a process that
 * exits at once, so it outlives the caller and is reaped by init. Returns 0 once its
 * execve succeeded, or -1 after logging (as confine_spawn). What it does after that is
 * its own to log.
 */
int confine_spawn_detached(pam_handle_t *pamh, const char *path, const char *const argv[]);
