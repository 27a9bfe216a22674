/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl's commands on live sessions (root): list, status, kill, top, metrics, join.
 * Each takes the command's argv (argv[0] the command's name) and returns confinectl's exit status.
 */
#pragma once

#include <stdbool.h>
#include <string.h>

#include "session.h"

#define OPS_EXIT_OK	   0
#define OPS_EXIT_FAIL	   1 /* something could not be read or done */
#define OPS_EXIT_USAGE	   2 /* bad arguments: nothing was done */
#define OPS_EXIT_NOSESSION 4 /* no such session, or the user has none: nothing was done */

int cmd_list(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_join(int argc, char **argv);

/* Whether r is the session named what, or one of the user named what. */
static inline bool ops_session_is(const struct session_record *r, const char *what)
{
	return strcmp(r->sid, what) == 0 || strcmp(r->user, what) == 0;
}
