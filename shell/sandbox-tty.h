/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sandbox's own terminal. When the login has one (any of fds 0-2 is a terminal: login,
 * `ssh -t`, `su` on a tty), PID 1 opens a pty on the sandbox's own devpts, makes it its
 * controlling terminal in place of exactly those fds, and hands the master to the outer
 * parent, which relays (pty-relay.h). Inside, `tty` and `ps` name it (/dev/pts/N of the
 * sandbox's devpts); TIOCSTI and TIOCLINUX there reach only this pty. Without a terminal
 * nothing happens: the program gets the login's pipes or sockets as they are.
 */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "sandbox.h"

/* Which of fds 0-2 are terminals; false when none is. */
bool sandbox_tty_wanted(bool is_tty[3]);
/* PID 1, root, after /dev is mounted and before the user namespace and the drop: the pty
 * set up as above, its master sent over sock (SCM_RIGHTS, one message "T") and closed here.
 * 0 (also when there is no terminal) or -errno with err filled. */
int sandbox_tty_setup(const struct sandbox_spec *s, int sock, struct error *err);
/* The outer parent: a message read from sock. Returns 1 and *ret_fd for the master, 0 and
 * *ret_len for anything else (copied into buf), -errno on failure, -EPIPE at EOF. */
int sandbox_tty_recv(int sock, void *buf, size_t size, size_t *ret_len, int *ret_fd);
