/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last log lines about a session for confinectl status: confine logs "session SID ..."
 * to syslog (authpriv), which is the journal under systemd or /var/log/auth.log under a
 * syslog daemon. Read only; never an error when there is no log to read.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define OPS_LOG_LINES 10
#define OPS_LOG_WIDTH 512 /* longer lines are cut */

struct ops_log {
	const char *source; /* "journal", "/var/log/auth.log", or NULL: no log available */
	char line[OPS_LOG_LINES][OPS_LOG_WIDTH]; /* a ring: the last n lines end at next - 1 */
	size_t n, next;
};

/* Whether line is about session sid: it holds "session SID" not followed by more of an id. */
bool ops_log_match(const char *line, const char *sid);

/* Keeps line (its newline cut) as the newest of log's lines. */
void ops_log_add(struct ops_log *log, const char *line);

/* The i-th (0: oldest) of the lines kept. */
const char *ops_log_get(const struct ops_log *log, size_t i);

/* Fills log with the last OPS_LOG_LINES lines about session sid. */
void ops_log_read(const char *sid, struct ops_log *log);
