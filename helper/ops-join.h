/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl join (ops-join.c): its argument parsing and session choice, for the tests. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

#define JOIN_USAGE "Usage: confinectl join SESSION|USER [--root] [-- CMD [ARG...]]\n"

struct join_opts {
	const char *what; /* a session id or a user name */
	bool root;	  /* --root: stay root (debug) */
	char **cmd;	  /* the command, or NULL: the session's shell as a login shell */
};

/* Parses join's argv (argv[0] "join"); 0, or OPS_EXIT_USAGE after a message. */
int join_args(int argc, char **argv, struct join_opts *o);

/* The one session of v named what (a sid or a user): 0 with *ret filled, or the exit status
 * after a message: OPS_EXIT_NOSESSION (none), OPS_EXIT_USAGE (a user with several: they
 * are listed). */
int join_pick(const struct session_record *v, size_t n, const char *what,
	      struct session_record *ret);

/* Whether a caller's TERM is passed on: a short name of letters, digits and ".+-_". */
bool join_term_sane(const char *term);
