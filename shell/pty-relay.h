/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one terminal relay of confine: between the terminal of a login (or of root running
 * `confinectl join`) and the master of a pty whose slave the confined program holds. It is
 * driven by its caller's poll loop (sandbox.c's wait_relaying, ops-join-tty.c), so it adds
 * no process: pty_relay_fds() fills two pollfds, pty_relay_step() acts on their results.
 *
 * The outer terminal is put in raw mode (every byte, ^C ^Z ^D included, goes to the pty,
 * whose line discipline does what the outer one did) and restored exactly by
 * pty_relay_finish(). Keystrokes wait in one bounded buffer (the master is non-blocking: a
 * program that never reads cannot stall the relay); output is read 4 KiB at a time and
 * written out before the next read.
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#define PTY_RELAY_BUF 4096

struct pty_relay {
	int master;	  /* -1: no relay (no terminal, or not started yet) */
	int in, out;	  /* the outer terminal's fds: in -1 when fd 0 is not a terminal */
	bool raw;	  /* in is in raw mode; saved holds its settings */
	bool hangup;	  /* the outer terminal hung up: nothing more is read or written */
	bool master_gone; /* read EIO: no process holds the slave any more */
	bool in_off;	  /* in is not ours to read (we are in a background group of it) */
	struct termios saved;
	size_t len, off; /* keystrokes read, not yet written to the master: buf[off..len) */
	char buf[PTY_RELAY_BUF];
};

enum pty_relay_event {
	PTY_RELAY_OPEN,	  /* nothing to report */
	PTY_RELAY_HANGUP, /* the outer terminal hung up now (reported once) */
};

/* An empty relay (master -1). */
void pty_relay_init(struct pty_relay *r);
/* The outer side: is_tty[fd] for fds 0-2, the first terminal among them holds the settings
 * (the pty was given them, see sandbox-tty.c). Takes master (made non-blocking), puts fd 0
 * in raw mode when it is a terminal and copies the window size. 0 or -errno (master then
 * closed, nothing changed). */
int pty_relay_start(struct pty_relay *r, int master, const bool is_tty[3]);
/* The two pollfds of this round ({-1} when not wanted): the master, the outer input. */
void pty_relay_fds(const struct pty_relay *r, struct pollfd p[2]);
/* Acts on what poll said of pty_relay_fds()'s two entries. */
enum pty_relay_event pty_relay_step(struct pty_relay *r, const struct pollfd p[2]);
/* SIGWINCH: the outer window size onto the pty (its foreground group gets SIGWINCH). */
void pty_relay_winch(const struct pty_relay *r);
/* The program has ended: what it left on the pty is written out (bounded), the outer
 * terminal restored, the master closed. Idempotent; a no-op without a relay. */
void pty_relay_finish(struct pty_relay *r);
