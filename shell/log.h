/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging for the helpers: syslog(LOG_AUTHPRIV), and stderr when asked (CLI use). */
#pragma once

#include <syslog.h>

/* ident: program name; to_stderr: also print "ident: msg" to stderr. */
void log_open(const char *ident, int to_stderr);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs "msg: strerror(-err)" and returns err (negative errno), for `return log_errno(r, ...)`. */
int log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
