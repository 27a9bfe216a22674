/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl join's terminal: the joined command never holds root's terminal. Where any of
 * root's stdio is a terminal, the command gets a new pty (opened on the host's devpts,
 * before the session's namespaces are entered) as its controlling terminal, and root's
 * process relays between the two until the command exits; then the pty is closed, so a
 * process the session left behind on it reads nothing more of root's keystrokes.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

struct join_tty {
	int master, slave;    /* -1, -1: no pty (no terminal among root's stdio) */
	bool is_tty[3];	      /* which of root's fds 0-2 are terminals (the child gets the pty) */
	struct termios saved; /* root's terminal's settings, given to the pty */
};

/* Before entering the session: a pty when one of fds 0-2 is a terminal. 0 or -errno. */
int join_tty_open(struct join_tty *t);
/* In the child, before anything else: a session of its own (root's controlling terminal,
 * /dev/tty, is out of reach) and the pty as controlling terminal and in place of root's
 * terminal fds. 0 or -errno. */
int join_tty_child(const struct join_tty *t);
/* In the parent: relays root's terminal and the pty until the child (pidfd) exits, then
 * restores root's terminal and closes the pty (shell/pty-relay.h). Without a pty it
 * returns at once. */
void join_tty_relay(struct join_tty *t, int pidfd);
/* Closes what is left (idempotent). */
void join_tty_close(struct join_tty *t);
