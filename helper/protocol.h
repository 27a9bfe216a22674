/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between pam_confine.so and confine-helper (both sides include this).
 *
 *   confine-helper open  USER SERVICE TTY RHOST [CONF]
 *   confine-helper close USER [CONF]
 *
 * Empty strings stand for unset PAM items; CONF defaults to /etc/confine/confine.conf.
 * The helper identifies the PAM session by its parent, the process that called
 * pam_open_session (getppid(), plus that process's start time): a kernel fact, so the
 * caller cannot name somebody else's session. On success of "open" it prints the session
 * id on stdout. Its exit status is one of the codes below; anything else (a crash, a
 * signal) is an error too, so the module fails closed.
 */
#pragma once

#define CONFINE_HELPER_OK     0	 /* open: session prepared; close: torn down (or none) */
#define CONFINE_HELPER_IGNORE 10 /* open: no rule matches the user: not confined */
#define CONFINE_HELPER_DENIED 11 /* open: matched, but this login must be refused */
#define CONFINE_HELPER_ERROR  12 /* matched (or could not tell) and something failed */

#define CONFINE_RUN_DIR	     "/run/confine"
#define CONFINE_SESSIONS_DIR CONFINE_RUN_DIR "/sessions"
#define CONFINE_USERS_DIR    CONFINE_RUN_DIR "/users"
#define CONFINE_HOMES_DIR    CONFINE_RUN_DIR "/homes"
#define CONFINE_PROCS_DIR    CONFINE_RUN_DIR "/procs" /* sessions without a cgroup */

#define CONFINE_SID_MAX 64 /* "<caller pid>-<caller start time in ticks>" fits easily */
