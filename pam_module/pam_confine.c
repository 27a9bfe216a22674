/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_confine.so: a thin session (and account) module. All the work (matching the user against
 * the policy, preparing and tearing down the sandbox state) happens in confine-helper, run as
 * root with a clean environment; this file only maps PAM items to its argv and its exit status
 * to PAM codes.
 *
 * Failures are fatal by design: opening returns PAM_SYSTEM_ERR or PAM_PERM_DENIED, never
 * PAM_SESSION_ERR, which sudo treats as non-fatal.
 */
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>

#include "../helper/protocol.h"
#include "../helper/util.h"
#include "args.h"
#include "spawn.h"

#define SESSION_DATA "confine_session"

/*
 * Frees the session id and does nothing else, whatever the flags: login and su call pam_end()
 * with PAM_DATA_SILENT in the forked child that execs the shell, and the session belongs to the
 * parent, which closes it with pam_close_session().
 */
static void session_data_free(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

/* A PAM item as a string, "" when unset (the protocol's spelling of "none"). */
static const char *item_or_empty(pam_handle_t *pamh, int type)
{
	const void *item = NULL;

	if (pam_get_item(pamh, type, &item) != PAM_SUCCESS || item == NULL)
		return "";
	return item;
}

static const char *get_user(pam_handle_t *pamh)
{
	const char *user = item_or_empty(pamh, PAM_USER);

	if (user[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "no user name set");
		return NULL;
	}
	return user;
}

/*
 * Shows the helper's "confine: ..." lines to the user (style PAM_TEXT_INFO or
 * PAM_ERROR_MSG), each cut at its newline, with anything unprintable replaced. Returns
 * false if a line lacks the prefix (the helper's output is then not to be trusted).
 */
static bool show_notices(pam_handle_t *pamh, int style, char *text)
{
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, CONFINE_NOTICE_PREFIX, strlen(CONFINE_NOTICE_PREFIX)) != 0)
			return false;
		for (char *c = line; *c; c++)
			if ((unsigned char)*c < ' ' || (unsigned char)*c > '~')
				*c = '?';
		/* Warnings go out as errors: su -c and sshd drop PAM_TEXT_INFO, "loudly" they
		 * must not be dropped. A login program without a conversation still logs in. */
		(void)pam_prompt(
		    pamh,
		    strncmp(line, CONFINE_NOTICE_WARNING, strlen(CONFINE_NOTICE_WARNING))
			? style
			: PAM_ERROR_MSG,
		    NULL, "%s", line);
	}
	return true;
}

/* out: the session id ([A-Za-z0-9._-]{1,MAX}) on the first line, then notices for the user. */
static bool parse_sid(pam_handle_t *pamh, char *out, size_t len)
{
	char *nl;

	out[len] = '\0';
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	len = strlen(out);
	if (len == 0 || len > CONFINE_SID_MAX ||
	    strspn(out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
		return false;
	return !nl || show_notices(pamh, PAM_TEXT_INFO, nl + 1);
}

/* "close" for a session the helper prepared but we cannot hand to the application. */
static void rollback(pam_handle_t *pamh, const struct confine_args *args, const char *user)
{
	const char *const hargv[] = {args->helper, CONFINE_VERB_CLOSE, user, NULL};
	char out[1];
	size_t len;
	int r;

	r = confine_spawn(pamh, args->helper, hargv, out, sizeof(out), &len);
	if (r > 0)
		pam_syslog(pamh, LOG_ERR, "rollback for %s failed: helper exit status %d", user, r);
}

/*
 * What open and account share: the arguments, the user, and the root exemption. Returns
 * PAM_SUCCESS to go on (with *ret_user set), else the code to return.
 */
static int begin(pam_handle_t *pamh, int argc, const char **argv, struct confine_args *args,
		 const char **ret_user)
{
	const struct passwd *pw;
	const char *user;

	if (confine_parse_args(pamh, argc, argv, args) < 0)
		return PAM_SYSTEM_ERR;
	user = get_user(pamh);
	if (!user)
		return PAM_SYSTEM_ERR;
	pw = pam_modutil_getpwnam(pamh, user);
	if (!pw) {
		pam_syslog(pamh, LOG_ERR, "unknown user %s", user);
		return PAM_USER_UNKNOWN;
	}
	/* Lockout guard: root is never confined (nor refused), whatever the policy says. */
	if (pw->pw_uid == 0) {
		if (args->debug)
			pam_syslog(pamh, LOG_DEBUG, "%s has uid 0: never confined", user);
		return PAM_IGNORE;
	}
	*ret_user = user;
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct confine_args args;
	const char *user = NULL, *service, *tty, *rhost, *logind;
	char out[CONFINE_SID_MAX + 2 + 1024]; /* id, newline, notices, NUL */
	_cleanup_free_ char *sid = NULL;
	size_t len = 0;
	int r;

	(void)flags;
	r = begin(pamh, argc, argv, &args, &user);
	if (r != PAM_SUCCESS)
		return r;
	service = item_or_empty(pamh, PAM_SERVICE);
	tty = item_or_empty(pamh, PAM_TTY);
	rhost = item_or_empty(pamh, PAM_RHOST);
	/* logind's session (pam_systemd, earlier in the stack, puts it into the PAM env). */
	logind = pam_getenv(pamh, "XDG_SESSION_ID");

	/* CONF and LOGIND "" when not set (protocol.h); CALLER: we are the login process, and
	 * the helper must still be our child when it names the session after its parent. */
	char caller[24];
	snprintf(caller, sizeof(caller), "%d", (int)getpid());
	const char *const hargv[] = {
	    args.helper,
	    CONFINE_VERB_OPEN,
	    user,
	    service,
	    tty,
	    rhost,
	    args.conf ? args.conf : "",
	    logind ? logind : "",
	    caller,
	    NULL,
	};

	r = confine_spawn(pamh, args.helper, hargv, out, sizeof(out) - 1, &len);
	if (args.debug && r >= 0)
		pam_syslog(pamh, LOG_DEBUG, "%s open %s: exit status %d", args.helper, user, r);
	switch (r) {
	case CONFINE_HELPER_OK:
		break;
	case CONFINE_HELPER_IGNORE:
		return PAM_IGNORE;
	case CONFINE_HELPER_DENIED:
		pam_syslog(pamh, LOG_ERR, "session for %s refused by confine policy", user);
		if (len < sizeof(out))
			(void)show_notices(pamh, PAM_ERROR_MSG, (out[len] = '\0', out));
		return PAM_PERM_DENIED;
	case -1: /* logged */
		return PAM_SYSTEM_ERR;
	default:
		pam_syslog(pamh, LOG_ERR,
			   "cannot open confined session for %s: helper exit status %d", user, r);
		if (r == CONFINE_HELPER_ERROR && len < sizeof(out))
			(void)show_notices(pamh, PAM_ERROR_MSG, (out[len] = '\0', out));
		return PAM_SYSTEM_ERR;
	}

	if (len > sizeof(out) - 1 || !parse_sid(pamh, out, len)) {
		pam_syslog(pamh, LOG_ERR,
			   "helper returned no valid session id for %s, rolling back", user);
		rollback(pamh, &args, user);
		return PAM_SYSTEM_ERR;
	}
	sid = strdup(out);
	if (!sid || pam_set_data(pamh, SESSION_DATA, sid, session_data_free) != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot record session of %s, rolling back", user);
		rollback(pamh, &args, user);
		return PAM_SYSTEM_ERR;
	}
	pam_syslog(pamh, LOG_INFO, "confined session %s opened for %s", out, user);
	TAKE_PTR(sid); /* owned by the PAM handle now */
	return PAM_SUCCESS;
}

/*
 * Hands the session to the helper ("logout") without waiting for its teardown: a login
 * program closes after the shell exited, and the sandbox died with its PID 1; the cgroup,
 * the home and the record go while the login program exits (as pam_systemd leaves its
 * scope to logind). What still runs (sshd whose client vanished) the helper kills as
 * before, a moment later. Failures here return PAM_SESSION_ERR, the code
 * pam_close_session(3) documents: the session is over and nothing is granted by closing
 * it, so there is nothing left to fail closed on.
 */
PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct confine_args args;
	const void *data = NULL;
	const char *user;

	(void)flags;
	/* Nothing opened by us on this handle (not confined, root, open failed, already closed). */
	if (pam_get_data(pamh, SESSION_DATA, &data) != PAM_SUCCESS || data == NULL)
		return PAM_IGNORE;
	if (confine_parse_args(pamh, argc, argv, &args) < 0)
		return PAM_SESSION_ERR;
	user = get_user(pamh);
	if (!user)
		return PAM_SESSION_ERR;

	const char *const hargv[] = {args.helper, CONFINE_VERB_LOGOUT, user, data, NULL};

	if (confine_spawn_detached(pamh, args.helper, hargv) < 0)
		return PAM_SESSION_ERR; /* logged */
	/* The helper logs the teardown (or what failed in it) under its own name. */
	pam_syslog(pamh, LOG_INFO,
		   "confined session %s closed for %s; confine-helper tears it down",
		   (const char *)data, user);
	/* Forget it, so a second close is a no-op; frees the id through the cleanup. */
	(void)pam_set_data(pamh, SESSION_DATA, NULL, NULL);
	return PAM_SUCCESS;
}

/*
 * The account hook: refuses a matched user on a PAM service that is not known to run the
 * login shell (see confine.conf(5), services), before that service runs anything as the user.
 * systemd-user, cron and atd include common-account but no session stack this module is in.
 * Never PAM_SUCCESS: allowing is the other account modules' business, so this module can never
 * be the one that makes a stack succeed. Errors fail closed like open_session.
 */
PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct confine_args args;
	const char *user = NULL, *service;
	char out[1024 + 1];
	size_t len = 0;
	int r;

	r = begin(pamh, argc, argv, &args, &user);
	if (r != PAM_SUCCESS)
		return r;
	service = item_or_empty(pamh, PAM_SERVICE);

	const char *const hargv[] = {
	    args.helper,
	    CONFINE_VERB_ACCOUNT,
	    user,
	    service,
	    item_or_empty(pamh, PAM_TTY),
	    item_or_empty(pamh, PAM_RHOST),
	    args.conf,
	    NULL,
	};

	r = confine_spawn(pamh, args.helper, hargv, out, sizeof(out) - 1, &len);
	if (args.debug && r >= 0)
		pam_syslog(pamh, LOG_DEBUG, "%s account %s %s: exit status %d", args.helper, user,
			   service, r);
	if (r == CONFINE_HELPER_OK || r == CONFINE_HELPER_IGNORE)
		return PAM_IGNORE; /* a confined session through this service, or not confined */
	if (r == -1)
		return PAM_SYSTEM_ERR; /* logged */
	if (r == CONFINE_HELPER_DENIED)
		pam_syslog(pamh, LOG_ERR, "%s refused by confine policy for service %s", user,
			   service);
	else
		pam_syslog(pamh, LOG_ERR,
			   "cannot check %s against confine policy: helper exit "
			   "status %d",
			   user, r);
	/* PAM_SILENT (atd, cron): the application asked for no messages. */
	if ((r == CONFINE_HELPER_DENIED || r == CONFINE_HELPER_ERROR) && !(flags & PAM_SILENT) &&
	    len < sizeof(out))
		(void)show_notices(pamh, PAM_ERROR_MSG, (out[len] = '\0', out));
	return r == CONFINE_HELPER_DENIED ? PAM_PERM_DENIED : PAM_SYSTEM_ERR;
}

/*
 * This module establishes no credentials. PAM_IGNORE rather than PAM_SUCCESS: pam_setcred walks
 * the auth stack, where this module has no business; if an administrator puts it there anyway,
 * it must never be the module that makes a stack succeed.
 */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}
