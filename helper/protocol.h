/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between pam_confine.so and confine-helper (both sides include this).
 *
 *   confine-helper open    USER SERVICE TTY RHOST CONF LOGIND CALLER
 *   confine-helper close   USER
 *   confine-helper logout  USER SID
 *   confine-helper account USER SERVICE TTY RHOST [CONF]
 *   confine-helper gc      [CONF]
 *   confine-helper kill    SID
 *
 * Empty strings stand for unset PAM items; CONF defaults to /etc/confine/confine.conf (also
 * when ""). LOGIND: logind's session id (XDG_SESSION_ID in the PAM environment), "" when
 * unset, for the session record. CALLER: the pid of the process that called
 * pam_open_session (the module's getpid()), which must be the helper's parent; an open
 * without it (a module older than the helper: 6 to 8 arguments) is refused. The helper
 * refuses items that are overlong or not printable ASCII (helper/session-store.h).
 * "gc" (confinectl gc: confine-gc.service, cron) closes sessions whose login process is gone.
 * "kill" (confinectl kill) closes the session SID as "close" does, whoever opened it; its
 * login program then sees its shell end (and its own close finds nothing left to do).
 * The helper identifies the PAM session by its parent, the process that called
 * pam_open_session (getppid(), plus that process's start time): a kernel fact, so the
 * caller cannot name somebody else's session. On success of "open" it prints the session
 * id on stdout. Its exit status is one of the codes below; anything else (a crash, a
 * signal) is an error too, so the module fails closed.
 *
 * "logout" is the module's close (pam_sm_close_session): it closes the session SID, which
 * the module got from "open" on the same PAM handle, if its record names USER. The module
 * does not wait for it (confine_spawn_detached): a login program closes once the shell
 * exited, and the sandbox died with its PID 1; what is left (the cgroup, the home, the
 * record, or a sandbox still running under an sshd whose client vanished) is torn down
 * while the login program exits, as gc would.
 * "close" (the caller found by getppid()) stays for rollbacks and older modules.
 *
 * "account" (pam_sm_acct_mgmt) matches the user as "open" would (same items) and checks
 * only that SERVICE is one of the profile's services, those known to run the login shell:
 * OK = matched and allowed, IGNORE = not matched, DENIED = matched and SERVICE is not in the
 * list (a "confine: login refused: ..." line on stdout), ERROR. It changes nothing.
 * "open" refuses such a service the same way (DENIED), for stacks without the account hook.
 *
 * Every line the helper prints for the user (after the session id of "open", or instead of
 * it) starts with CONFINE_NOTICE_PREFIX; the module refuses output with any other line.
 */
#pragma once

#define CONFINE_VERB_OPEN    "open"
#define CONFINE_VERB_CLOSE   "close"
#define CONFINE_VERB_LOGOUT  "logout"
#define CONFINE_VERB_ACCOUNT "account"
#define CONFINE_VERB_GC	     "gc"
#define CONFINE_VERB_KILL    "kill"

/* Lines for the user on the helper's stdout; "...warning: ..." ones are shown as errors. */
#define CONFINE_NOTICE_PREFIX  "confine: "
#define CONFINE_NOTICE_WARNING CONFINE_NOTICE_PREFIX "warning:"

#define CONFINE_HELPER_OK                                                                          \
	0 /* open: session prepared; close: torn down (or none);                                   \
	   * account: matched, and SERVICE may start a confined session */
#define CONFINE_HELPER_IGNORE                                                                      \
	10 /* open, account: no rule matches the user: not confined;                               \
	    * kill: no such session */
#define CONFINE_HELPER_DENIED                                                                      \
	11 /* open, account: this login must be refused (matched, or unknown) */
#define CONFINE_HELPER_ERROR 12 /* matched (or could not tell) and something failed */

#define CONFINE_RUN_DIR	     "/run/confine"
#define CONFINE_SESSIONS_DIR CONFINE_RUN_DIR "/sessions"
#define CONFINE_USERS_DIR    CONFINE_RUN_DIR "/users"
#define CONFINE_HOMES_DIR    CONFINE_RUN_DIR "/homes"
#define CONFINE_PROCS_DIR    CONFINE_RUN_DIR "/procs" /* sessions without a cgroup */

#define CONFINE_SID_MAX 64 /* "<caller pid>-<caller start time in ticks>" fits easily */
