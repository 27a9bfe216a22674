/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Session records under /run/confine (root-owned, written only by confine-helper), the
 * reading side (shell/session-read.c), linked into the setuid confine-shell.
 *
 * A PAM session is named after the process that opened it, the login program's process
 * that called pam_open_session: "<pid>-<start time>". Both are kernel facts (a pid
 * alone could be reused; with its start time it cannot), so confine-shell finds its
 * session by looking up its own ancestors, never by anything the user can set.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "protocol.h"

#define SESSION_GROUPS_MAX 64
#define SESSION_ITEM_MAX   64  /* service, tty, logind session id: bytes with the NUL */
#define SESSION_RHOST_MAX  256 /* a host name (253) or an address */
/* The profile's command: its elements joined by SESSION_COMMAND_SEP (which none holds). */
#define SESSION_COMMAND_MAX  800
#define SESSION_COMMAND_SEP  '\x1f'
#define SESSION_COMMAND_ARGS 32

/*
 * The names of a session's cgroups, whichever backend made them: defined once, here, as
 * they are kept in the record (so close needs no config); the helper's backend API
 * (helper/backend.h) fills and reads the record's own copy.
 */
struct session_cgroups {
	char cgroup[512]; /* the payload's leaf cgroup, or "" (limits = "optional", none here) */
	char unit[128];	  /* systemd backend: the session's scope, e.g. confine-SID.scope */
	char slice[128];  /* systemd backend: the user's aggregate slice, or "" */
};

/*
 * Everything confine-shell needs, resolved by confine-helper (root, at pam_open_session):
 * the shell consults neither the user database nor the config, so the setuid code parses
 * nothing but this root-written record.
 */
struct session_record {
	char sid[CONFINE_SID_MAX];
	char user[64];
	uid_t uid;
	gid_t gid;
	char groups[SESSION_GROUPS_MAX * 11]; /* supplementary gids, comma-separated */
	char home_dir[512];		      /* passwd home: where the session home goes */
	char profile[64];
	struct session_cgroups cg; /* record keys cgroup=, unit=, slice= */
	char home[512];	   /* the user's shared home mount on the host, or "" for the real home */
	char shell[512];   /* the profile's real shell */
	char hostname[65]; /* the profile's hostname */
	char net[8];	   /* "none", "host" or "allow" */
	unsigned long long tmp_size;
	unsigned long long started;	 /* CLOCK_BOOTTIME seconds at open */
	unsigned long long max_duration; /* seconds, 0 = unlimited */
	unsigned long long grace;	 /* seconds from the hangup to the kill at max_duration */
	pid_t caller_pid;
	unsigned long long caller_start;
	/* The login, as the login program told PAM (optional keys: older records lack them, and
	 * read as ""): PAM_SERVICE, PAM_TTY, PAM_RHOST, logind's XDG_SESSION_ID. Printable
	 * ASCII without '=' (helper/session-store.c checks them before writing). */
	char service[SESSION_ITEM_MAX];
	char tty[SESSION_ITEM_MAX];
	char rhost[SESSION_RHOST_MAX];
	char logind[SESSION_ITEM_MAX];
	/* The process model (optional keys, "" and 0 when missing): the profile's command run
	 * instead of the shell ("" = the shell), a reaping init as PID 1, a user namespace. */
	char command[SESSION_COMMAND_MAX];
	unsigned init, user_ns;
	/* A kiosk under Cage (optional keys, 0 when missing): the compositor's socket bound in,
	 * the GPU's render nodes, the PipeWire socket. */
	unsigned graphical, gpu, audio;
	/* home = "bind" (optional key, 0 when missing): ~/.ssh read-only in the sandbox. */
	unsigned ssh_readonly;
};

/* Start time (clock ticks since boot) of pid, from /proc/PID/stat field 22. */
int proc_start_time(pid_t pid, unsigned long long *ret);
/* Parent pid of pid, from /proc/PID/stat field 4. */
int proc_parent(pid_t pid, pid_t *ret);
/* Formats the session id of a caller process. */
int session_id(pid_t pid, char *buf, size_t len);

/* A session id as session_id() formats it: digits and '-', shorter than CONFINE_SID_MAX. */
bool session_sid_valid(const char *sid);

/* Reads a record by sid (only a root-owned regular file counts): 0, -ENOENT if none,
 * -EPERM, -EFBIG or -EINVAL for one that is not root's or not a record. (Writing and
 * removing records is the helper's: helper/session-store.h.) */
int session_read(const char *sid, struct session_record *r);

#define SESSION_RECORD_MAX 8192 /* bytes: a record is far smaller (its fields are bounded) */
#define SESSION_LINE_MAX   1024 /* longer lines are split, each piece parsed as a line */
/*
 * Parses the text of a record (len bytes, need not be NUL-terminated) named sid into r.
 * Lines "key=value"; unknown keys are ignored, a line without '=' or a NUL byte is an error;
 * overlong values are truncated to their field; numbers must be plain decimal. Every
 * field but the login's (service, tty, rhost, logind_session: "" when missing) must be present, the
 * sid must match, paths must be absolute (cgroup may be empty), net
 * \"none\" or \"host\". Returns 0 or -EINVAL (r is then zeroed or partly filled, never used).
 */
int session_parse(const char *text, size_t len, const char *sid, struct session_record *r);

/*
 * Splits r->command into argv (at most max - 1 elements and a NULL, pointing into buf, a
 * copy of len bytes); returns the count, 0 when the record names no command, or -EINVAL.
 */
int session_command(const struct session_record *r, char *buf, size_t len, char **argv, int max);

/* Parses r->groups into gids (at most max); returns the count or -EINVAL. */
int session_groups(const struct session_record *r, gid_t *gids, int max);

/* True while the process that opened the session still exists (same pid, same start). */
bool session_caller_alive(const struct session_record *r);
