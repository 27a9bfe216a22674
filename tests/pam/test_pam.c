/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Return-code tests for pam_confine.so through libpam, without touching /etc: every case gets
 * a private directory with a service file for pam_start_confdir() and a fake helper
 * (fake_helper.c) that records how it was started.
 *
 *   test_pam [TEST_SO [FAKE_HELPER [PROD_SO [PROBE_SO]]]]
 *
 * Defaults are found next to this binary: ../pam_confine_test.so, pam_fake_helper,
 * ../pam_confine.so and pam_confine_probe.so. Output is TAP ending in "N passed, N failed"; exit
 * status 0 iff nothing failed. The module refuses to run the helper unless euid is 0, so cases that
 * need a helper run are skipped ("# SKIP needs root") when not root.
 *
 * libpam never returns PAM_IGNORE itself, and for close_session it decides from the cached
 * open_session result, so most cases run the module through pam_confine_probe.so (probe.c),
 * which reports the module's exact return code. A realistic "session required" stack is tested
 * separately, straight through libpam.
 *
 * Log lines are captured by interposing __syslog_chk (what libpam's pam_vsyslog calls in a
 * _FORTIFY_SOURCE build), so "one line per outcome" is checked too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "../../helper/protocol.h"
#include "../unit/tap.h"

#define SERVICE	   "confine-test"
#define USER	   "nobody"
#define TTY	   "pts/7"
#define RHOST	   "192.0.2.1"
#define PROBED	   NULL		 /* mkcase control: through pam_confine_probe.so */
#define MODULE_TAG "pam_confine" /* pam_vsyslog prefixes lines with the module's file name */
#define NOBODY_UID 65534

static char so_test[PATH_MAX], so_prod[PATH_MAX], fake[PATH_MAX], probe[PATH_MAX];
static char tmproot[PATH_MAX];
static bool is_root;

/* ---- captured log ---------------------------------------------------------------------- */

#define LOG_MAX 64
static struct {
	int level;
	char msg[512];
} logs[LOG_MAX];
static int nlogs;

void __syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	if (nlogs >= LOG_MAX)
		return;
	logs[nlogs].level = LOG_PRI(pri);
	va_start(ap, fmt);
	vsnprintf(logs[nlogs].msg, sizeof(logs[nlogs].msg), fmt, ap);
	va_end(ap);
	nlogs++;
}

static void log_reset(void)
{
	nlogs = 0;
}

/* Lines from the module at exactly this level (-1: any level). */
static int log_count(int level)
{
	int n = 0;

	for (int i = 0; i < nlogs; i++)
		if (strstr(logs[i].msg, MODULE_TAG) && (level < 0 || logs[i].level == level))
			n++;
	return n;
}

/* Is there a module line at this level containing text? */
static bool log_has(int level, const char *text)
{
	for (int i = 0; i < nlogs; i++)
		if (strstr(logs[i].msg, MODULE_TAG) && logs[i].level == level &&
		    strstr(logs[i].msg, text))
			return true;
	return false;
}

static void log_dump(void)
{
	for (int i = 0; i < nlogs; i++)
		printf("#   log[%d] level %d: %s\n", i, logs[i].level, logs[i].msg);
}

/* ---- per-case directories ---------------------------------------------------------------- */

struct kase {
	char dir[PATH_MAX];
	char helper[PATH_MAX + 32];
	char conf[PATH_MAX + 32];
	char confdir[PATH_MAX + 32];
};

static void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(2);
}

#define xsnprintf(buf, size, ...)                                                                  \
	do {                                                                                       \
		if ((size_t)snprintf((buf), (size), __VA_ARGS__) >= (size_t)(size))                \
			die("path too long");                                                      \
	} while (0)

static void write_file(const struct kase *k, const char *name, const char *content)
{
	char path[PATH_MAX * 2];
	FILE *f;

	xsnprintf(path, sizeof(path), "%s/%s", k->dir, name);
	f = fopen(path, "we");
	if (!f || fputs(content, f) == EOF || fclose(f) == EOF)
		die(path);
}

/* NULL if the file does not exist. Caller frees. */
static char *read_file(const struct kase *k, const char *name)
{
	char path[PATH_MAX * 2], *buf = NULL;
	size_t len = 0;
	FILE *f, *m;
	int c;

	xsnprintf(path, sizeof(path), "%s/%s", k->dir, name);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m)
		die("open_memstream");
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Number of helper runs recorded for verb. */
static int runs(const struct kase *k, const char *verb)
{
	char name[32], *rec, *p;
	int n = 0;

	xsnprintf(name, sizeof(name), "record.%s", verb);
	rec = read_file(k, name);
	for (p = rec; p && (p = strstr(p, "run\n")); p += 4)
		if (p == rec || p[-1] == '\n')
			n++;
	free(rec);
	return n;
}

/*
 * A fresh case directory (world-readable, so cases that drop euid can still load the service
 * file) with the fake helper linked in and a service file for SERVICE:
 * "session CONTROL SO helper=DIR/confine-helper conf=DIR/confine.conf ARGS" plus EXTRA lines.
 * CONTROL PROBED: "session required PROBE SO ...", so the module's own codes can be read.
 */
static void mkcase(struct kase *k, const char *name, const char *control, const char *so,
		   const char *args, const char *extra)
{
	char path[PATH_MAX * 2];
	FILE *f;

	xsnprintf(k->dir, sizeof(k->dir), "%s/%s", tmproot, name);
	xsnprintf(k->helper, sizeof(k->helper), "%s/confine-helper", k->dir);
	xsnprintf(k->conf, sizeof(k->conf), "%s/confine.conf", k->dir);
	xsnprintf(k->confdir, sizeof(k->confdir), "%s/pam.d", k->dir);
	if (mkdir(k->dir, 0755) < 0 || mkdir(k->confdir, 0755) < 0)
		die(k->dir);
	if (symlink(fake, k->helper) < 0)
		die(k->helper);
	xsnprintf(path, sizeof(path), "%s/" SERVICE, k->confdir);
	f = fopen(path, "we");
	if (!f)
		die(path);
	fprintf(f, "session %s %s %s helper=%s conf=%s %s\n%s", control ? control : "required",
		control ? "" : probe, so, k->helper, k->conf, args ? args : "", extra ? extra : "");
	if (fclose(f) == EOF)
		die(path);
}

/* Messages the module showed the user: "I:text" (info) or "E:text" (error), one per line. */
static char shown[4096];

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)data;
	for (int i = 0; i < n; i++) {
		int style = msg[i]->msg_style;
		if (style != PAM_TEXT_INFO && style != PAM_ERROR_MSG)
			return PAM_CONV_ERR; /* nothing may ask the user anything */
		snprintf(shown + strlen(shown), sizeof(shown) - strlen(shown), "%c:%s\n",
			 style == PAM_TEXT_INFO ? 'I' : 'E', msg[i]->msg);
	}
	*resp = NULL;
	return PAM_SUCCESS;
}

static const struct pam_conv pam_conv = {conv, NULL};

/*
 * Call a libpam function on a probed stack and return the module's own code (see probe.c), or
 * 1000 + libpam's code if the probe did not run.
 */
static int probe_call(pam_handle_t *pamh, int (*fn)(pam_handle_t *, int))
{
	const char *v;
	int rc;

	(void)pam_putenv(pamh, "CONFINE_PROBE_RC"); /* unset */
	rc = fn(pamh, 0);
	v = pam_getenv(pamh, "CONFINE_PROBE_RC");
	if (rc != PAM_SUCCESS || !v)
		return 1000 + rc;
	return atoi(v);
}

#define OPEN(pamh)  probe_call((pamh), pam_open_session)
#define CLOSE(pamh) probe_call((pamh), pam_close_session)
#define ACCT(pamh)  probe_call((pamh), pam_acct_mgmt)

static pam_handle_t *start(const struct kase *k, const char *user, bool items)
{
	pam_handle_t *pamh = NULL;

	if (pam_start_confdir(SERVICE, user, &pam_conv, k->confdir, &pamh) != PAM_SUCCESS)
		die("pam_start_confdir");
	if (items && (pam_set_item(pamh, PAM_TTY, TTY) != PAM_SUCCESS ||
		      pam_set_item(pamh, PAM_RHOST, RHOST) != PAM_SUCCESS))
		die("pam_set_item");
	return pamh;
}

/*
 * The record of one helper run with the module's contract fulfilled. args: "\n"-ended lines;
 * stdout: "pipe" (the module reads it) or "devnull" (logout, which nobody waits for).
 */
static char *expected_record(const struct kase *k, const char *arglines, pid_t caller,
			     const char *stdout_kind)
{
	char *s;

	if (asprintf(&s,
		     "run\nargv0=%s\n%s"
		     "fd=0\nfd=1\nfd=2\n"
		     "stdin=devnull\nstdout=%s\nstderr=devnull\n"
		     "uid=0 0 0\ngid=0 0 0\nppid=%d\ncwd=/\numask=0022\nsession_leader=yes\n"
		     "sigblk=\nsigign=\n",
		     k->helper, arglines, stdout_kind, (int)caller) < 0)
		die("asprintf");
	return s;
}

static void check_record(const struct kase *k, const char *verb, const char *arglines, pid_t caller,
			 const char *what)
{
	char name[32], *got, *want = expected_record(k, arglines, caller, "pipe");

	xsnprintf(name, sizeof(name), "record.%s", verb);
	got = read_file(k, name);
	is_str(got, want, "%s: helper started as specified (argv, empty env, fds, uids)", what);
	free(got);
	free(want);
}

/* Waits (10 s at most) until the helper has recorded n runs of verb; their number. */
static int wait_runs(const struct kase *k, const char *verb, int n)
{
	int got = runs(k, verb);

	for (int i = 0; i < 1000 && got < n; i++) {
		usleep(10000);
		got = runs(k, verb);
	}
	return got;
}

/*
 * The detached logout of the session sid: once it has run, its record is the contract's
 * (stdout on /dev/null too) and its parent is not caller: it was not the caller's child.
 */
static void check_logout(const struct kase *k, const char *sid, pid_t caller, const char *what)
{
	char *got, *want, *args, *pp;
	pid_t parent = 0;

	is_int(wait_runs(k, "logout", 1), 1, "%s: the helper's logout ran once", what);
	got = read_file(k, "record.logout");
	if (got && (pp = strstr(got, "\nppid=")))
		parent = (pid_t)atoi(pp + 6);
	ok(parent > 0 && parent != caller, "%s: the helper is not the caller's child (ppid %d)",
	   what, (int)parent);
	if (asprintf(&args, "arg=logout\narg=%s\narg=%s\n", USER, sid) < 0)
		die("asprintf");
	want = expected_record(k, args, parent, "devnull");
	is_str(got, want, "%s: helper started as specified (argv, empty env, fds, uids)", what);
	free(args);
	free(got);
	free(want);
}

/* LOGIND "" (no XDG_SESSION_ID), then CALLER: the pid of the process that opened. */
static char *open_args(const struct kase *k, pid_t caller)
{
	char *s;

	if (asprintf(&s, "arg=open\narg=%s\narg=%s\narg=%s\narg=%s\narg=%s\narg=\narg=%d\n", USER,
		     SERVICE, TTY, RHOST, k->conf, (int)caller) < 0)
		die("asprintf");
	return s;
}

/* close takes no CONF (protocol.h): the module must not pass its conf= on. */
static char *close_args(const struct kase *k)
{
	char *s;

	(void)k;
	if (asprintf(&s, "arg=close\narg=%s\n", USER) < 0)
		die("asprintf");
	return s;
}

static bool need_root(const char *what)
{
	if (!is_root)
		skip("needs root: %s", what);
	return is_root;
}

/* Sorted list of this process's open descriptors, as text. */
static char *fd_list(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct dirent *de;
	FILE *m = open_memstream(&buf, &len);
	DIR *d = opendir("/proc/self/fd");
	bool seen[1024] = {false};

	if (!m || !d)
		die("fd_list");
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(d) && fd >= 0 && fd < 1024)
			seen[fd] = true;
	}
	closedir(d);
	for (int fd = 0; fd < 1024; fd++)
		if (seen[fd])
			fprintf(m, "%d ", fd);
	fclose(m);
	return buf;
}

/* Compared signal by signal: libc leaves the part of sigset_t the kernel lacks undefined. */
static bool same_sigset(const sigset_t *a, const sigset_t *b)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(a, sig) != sigismember(b, sig))
			return false;
	return true;
}

/* ---- cases ------------------------------------------------------------------------------- */

/* Helper says OK: session opened, recorded, then closed exactly once. */
static void t_open_close(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char *oa, *fds_before, *fds_after;
	sigset_t mask_before, mask_after;

	if (!need_root("open/close with helper exit 0"))
		return;
	mkcase(&k, "ok", PROBED, so_test, NULL, NULL);
	write_file(&k, "exit", "0\n");
	write_file(&k, "stdout", "4242-123456\n");
	fds_before = fd_list();
	sigprocmask(SIG_SETMASK, NULL, &mask_before);

	pamh = start(&k, USER, true);
	log_reset();
	umask(077); /* the caller's umask (and cwd) must not reach the helper */
	is_int(OPEN(pamh), PAM_SUCCESS, "exit 0: open_session returns PAM_SUCCESS");
	umask(022);
	oa = open_args(&k, getpid());
	check_record(&k, "open", oa, getpid(), "open");
	ok(log_count(-1) == 1 && log_has(LOG_INFO, "confined session 4242-123456 opened for " USER),
	   "exit 0: exactly one log line, LOG_INFO \"confined session ID opened for USER\"") ||
	    (log_dump(), 0);
	is_int(runs(&k, "close"), 0, "open did not run the helper's close");

	log_reset();
	is_int(CLOSE(pamh), PAM_SUCCESS, "close_session returns PAM_SUCCESS");
	check_logout(&k, "4242-123456", getpid(), "close");
	ok(log_count(-1) == 1 && log_has(LOG_INFO, "confined session 4242-123456 closed for " USER),
	   "close: exactly one log line, LOG_INFO") ||
	    (log_dump(), 0);
	is_int(CLOSE(pamh), PAM_IGNORE, "second close_session: PAM_IGNORE");
	usleep(100000);
	is_int(runs(&k, "logout") + runs(&k, "close"), 1,
	       "second close did not run the helper again");
	is_int(runs(&k, "open"), 1, "helper ran exactly once for open");
	pam_end(pamh, PAM_SUCCESS);

	fds_after = fd_list();
	is_str(fds_after, fds_before, "no descriptor leaked into the calling process");
	sigprocmask(SIG_SETMASK, NULL, &mask_after);
	ok(same_sigset(&mask_before, &mask_after), "caller's signal mask unchanged");
	free(oa);
	free(fds_before);
	free(fds_after);
}

/* A case whose fake helper exits as exit_how after printing out (unless NULL); started. */
static pam_handle_t *start_outcome(struct kase *k, const char *name, const char *exit_how,
				   const char *out)
{
	mkcase(k, name, PROBED, so_test, NULL, NULL);
	write_file(k, "exit", exit_how);
	if (out)
		write_file(k, "stdout", out);
	return start(k, USER, true);
}

/* Open with a given helper outcome; the helper must then never be asked to close. */
static void t_outcome(const char *name, const char *exit_how, const char *out, int want,
		      int want_err_lines, const char *want_text)
{
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root(name))
		return;
	pamh = start_outcome(&k, name, exit_how, out);
	log_reset();
	is_int(OPEN(pamh), want, "%s: open_session returns %s", name, pam_strerror(pamh, want));
	is_int(runs(&k, "open"), 1, "%s: helper ran once", name);
	ok(log_count(LOG_ERR) == want_err_lines && log_count(-1) == want_err_lines &&
	       (!want_text || log_has(LOG_ERR, want_text)),
	   "%s: %d LOG_ERR line(s)%s%s", name, want_err_lines, want_text ? " with " : "",
	   want_text ? want_text : "") ||
	    (log_dump(), 0);
	is_int(CLOSE(pamh), PAM_IGNORE, "%s: close_session then: PAM_IGNORE", name);
	is_int(runs(&k, "close"), 0, "%s: close did not run the helper", name);
	pam_end(pamh, PAM_SUCCESS);
}

/* A bad session id after exit 0: fail closed and roll the helper's work back. */
static void t_bad_sid(const char *name, const char *out)
{
	struct kase k;
	pam_handle_t *pamh;
	char *ca;

	if (!need_root(name))
		return;
	pamh = start_outcome(&k, name, "0\n", out);
	is_int(OPEN(pamh), PAM_SYSTEM_ERR, "%s: open_session returns PAM_SYSTEM_ERR", name);
	ca = close_args(&k);
	check_record(&k, "close", ca, getpid(), name);
	is_int(CLOSE(pamh), PAM_IGNORE, "%s: close_session then: PAM_IGNORE", name);
	is_int(runs(&k, "close"), 1, "%s: rolled back once, not closed again", name);
	pam_end(pamh, PAM_SUCCESS);
	free(ca);
}

/* The helper's lines after the session id, or of a refusal, reach the user, sanitized. */
static void t_notices(const char *name, const char *exit_how, const char *out, int want,
		      const char *want_shown)
{
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root(name))
		return;
	pamh = start_outcome(&k, name, exit_how, out);
	shown[0] = '\0';
	is_int(OPEN(pamh), want, "%s: open_session returns %s", name, pam_strerror(pamh, want));
	is_str(shown, want_shown, "%s: shown to the user", name);
	(void)CLOSE(pamh);
	pam_end(pamh, PAM_SUCCESS);
}

static void t_good_long_sid(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char out[CONFINE_SID_MAX + 2];

	if (!need_root("sid of CONFINE_SID_MAX bytes"))
		return;
	memset(out, '7', CONFINE_SID_MAX);
	out[CONFINE_SID_MAX] = '\n';
	out[CONFINE_SID_MAX + 1] = '\0';
	mkcase(&k, "sid-max", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", out);
	pamh = start(&k, USER, true);
	is_int(OPEN(pamh), PAM_SUCCESS,
	       "sid of exactly CONFINE_SID_MAX bytes plus newline: PAM_SUCCESS");
	pam_end(pamh, PAM_SUCCESS);
}

static void t_missing_helper(const char *name, bool exists)
{
	struct kase k;
	pam_handle_t *pamh;
	char args[PATH_MAX * 2];

	if (!need_root(name))
		return;
	/* A later helper= wins over the one mkcase wrote. */
	xsnprintf(args, sizeof(args), "helper=%s/%s/no-such-helper", tmproot, name);
	mkcase(&k, name, PROBED, so_test, args, NULL);
	if (exists)
		write_file(&k, "no-such-helper", "#!/bin/sh\nexit 0\n"); /* mode 0644 */
	pamh = start(&k, USER, true);
	log_reset();
	is_int(OPEN(pamh), PAM_SYSTEM_ERR, "%s: PAM_SYSTEM_ERR", name);
	ok(log_count(LOG_ERR) == 1 && log_count(-1) == 1 &&
	       log_has(LOG_ERR, exists ? "Permission denied" : "No such file or directory"),
	   "%s: one LOG_ERR line with the reason", name) ||
	    (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);
}

/*
 * close_session hands the session to the helper and returns while it still runs (it holds
 * on a FIFO until we write to it): the login program does not wait for the teardown.
 */
static void t_close_detached(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char hold[PATH_MAX * 2], done[PATH_MAX * 2];
	int fd, i;

	if (!need_root("close does not wait for the helper"))
		return;
	mkcase(&k, "detached", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", "8-8\n");
	xsnprintf(hold, sizeof(hold), "%s/hold.logout", k.dir);
	xsnprintf(done, sizeof(done), "%s/done.logout", k.dir);
	if (mkfifo(hold, 0600) < 0)
		die("mkfifo");
	pamh = start(&k, USER, true);
	is_int(OPEN(pamh), PAM_SUCCESS, "detached: open PAM_SUCCESS");
	is_int(CLOSE(pamh), PAM_SUCCESS, "detached: close PAM_SUCCESS while the helper still runs");
	ok(access(done, F_OK) < 0, "detached: close returned before the helper finished");
	/* The FIFO opens for writing only while the helper has it open to read (10 s at most:
	 * it may not have got there yet); a helper that is gone fails the case, never hangs it. */
	for (i = 0, fd = -1; i < 1000 && fd < 0; i++)
		if ((fd = open(hold, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			usleep(10000);
	ok(fd >= 0 && write(fd, "x", 1) == 1, "detached: the helper runs on after close returned");
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 1000 && access(done, F_OK) < 0; i++)
		usleep(10000);
	ok(access(done, F_OK) == 0, "detached: the helper then finished on its own");
	check_logout(&k, "8-8", getpid(), "detached");
	pam_end(pamh, PAM_SUCCESS);
}

/* A helper that cannot be started at close: PAM_SESSION_ERR, and the reason logged. */
static void t_close_missing_helper(void)
{
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root("close with the helper gone"))
		return;
	mkcase(&k, "close-gone", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", "9-9\n");
	pamh = start(&k, USER, true);
	is_int(OPEN(pamh), PAM_SUCCESS, "helper gone at close: open PAM_SUCCESS");
	if (unlink(k.helper) < 0)
		die("unlink");
	log_reset();
	is_int(CLOSE(pamh), PAM_SESSION_ERR, "helper gone at close: PAM_SESSION_ERR");
	ok(log_count(LOG_ERR) == 1 && log_has(LOG_ERR, "No such file or directory"),
	   "helper gone at close: one LOG_ERR line with the reason") ||
	    (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);
}

static void t_unknown_option(void)
{
	struct kase k;
	pam_handle_t *pamh;
	int want = is_root ? PAM_SUCCESS : PAM_SYSTEM_ERR;

	mkcase(&k, "unknown-option", PROBED, so_test, "bogus=1", NULL);
	write_file(&k, "stdout", "1-1\n");
	pamh = start(&k, USER, true);
	log_reset();
	is_int(OPEN(pamh), want, "unknown option: open_session still works (%s)",
	       pam_strerror(pamh, want));
	ok(log_has(LOG_ERR, "unknown option: bogus=1"), "unknown option is logged at LOG_ERR") ||
	    (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);
}

static volatile sig_atomic_t chld_handled;

static void on_sigchld(int sig)
{
	(void)sig;
	chld_handled++;
}

/* The caller's SIGCHLD disposition is never changed, and never sees the helper. */
static void t_sigchld(void)
{
	struct sigaction mine = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
	struct sigaction ign = {.sa_handler = SIG_IGN}, before, after, orig;
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root("SIGCHLD disposition"))
		return;
	mkcase(&k, "sigchld", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", "1-2\n");
	sigemptyset(&mine.sa_mask);
	sigaddset(&mine.sa_mask, SIGUSR2);
	sigaction(SIGCHLD, &mine, &orig);
	sigaction(SIGCHLD, NULL, &before); /* as the kernel/libc report it (SA_RESTORER...) */
	chld_handled = 0;

	pamh = start(&k, USER, true);
	is_int(OPEN(pamh), PAM_SUCCESS, "custom SIGCHLD handler: open PAM_SUCCESS");
	is_int(CLOSE(pamh), PAM_SUCCESS, "custom SIGCHLD handler: close PAM_SUCCESS");
	pam_end(pamh, PAM_SUCCESS);
	sigaction(SIGCHLD, NULL, &after);
	if (!ok(after.sa_handler == on_sigchld && after.sa_flags == before.sa_flags &&
		    after.sa_restorer == before.sa_restorer &&
		    same_sigset(&after.sa_mask, &before.sa_mask) &&
		    sigismember(&after.sa_mask, SIGUSR2) == 1,
		"custom SIGCHLD handler, flags and mask restored exactly"))
		printf("#   handler %p/%p flags %#x/%#x\n", (void *)after.sa_handler,
		       (void *)before.sa_handler, (unsigned)after.sa_flags,
		       (unsigned)before.sa_flags);
	is_int(chld_handled, 0, "the caller's SIGCHLD handler never saw the helper");

	/* SIG_IGN would make the kernel reap the helper: waitpid must still get its status. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGCHLD, &ign, NULL);
	pamh = start(&k, USER, true);
	write_file(&k, "exit", "11\n");
	is_int(OPEN(pamh), PAM_PERM_DENIED,
	       "SIGCHLD ignored by the caller: the helper's exit status is still seen");
	pam_end(pamh, PAM_SUCCESS);
	sigaction(SIGCHLD, NULL, &after);
	ok(after.sa_handler == SIG_IGN, "SIG_IGN restored");
	sigaction(SIGCHLD, &orig, NULL);
}

static void t_close_without_open(void)
{
	struct kase k;
	pam_handle_t *pamh;

	mkcase(&k, "close-only", PROBED, so_test, NULL, NULL);
	pamh = start(&k, USER, true);
	log_reset();
	is_int(CLOSE(pamh), PAM_IGNORE, "close_session without open: PAM_IGNORE");
	is_int(runs(&k, "close"), 0, "close without open did not run the helper");
	is_int(log_count(-1), 0, "close without open logs nothing");
	pam_end(pamh, PAM_SUCCESS);
}

static void t_root_user(void)
{
	struct kase k;
	pam_handle_t *pamh;

	mkcase(&k, "root-user", PROBED, so_test, NULL, NULL);
	pamh = start(&k, "root", true);
	log_reset();
	is_int(OPEN(pamh), PAM_IGNORE, "user root: PAM_IGNORE");
	is_int(runs(&k, "open"), 0, "user root: helper not run");
	is_int(log_count(-1), 0, "user root: nothing logged without debug");
	is_int(CLOSE(pamh), PAM_IGNORE, "user root: close PAM_IGNORE");
	pam_end(pamh, PAM_SUCCESS);
}

static void t_unknown_user(void)
{
	struct kase k;
	pam_handle_t *pamh;

	mkcase(&k, "unknown-user", PROBED, so_test, NULL, NULL);
	pamh = start(&k, "confine-no-such-user", true);
	is_int(OPEN(pamh), PAM_USER_UNKNOWN, "unknown user: PAM_USER_UNKNOWN");
	is_int(runs(&k, "open"), 0, "unknown user: helper not run");
	pam_end(pamh, PAM_SUCCESS);
}

static void t_bad_args(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char line[PATH_MAX * 3];

	mkcase(&k, "relative-conf", PROBED, so_test, "conf=confine.conf", NULL);
	pamh = start(&k, USER, true);
	log_reset();
	is_int(OPEN(pamh), PAM_SYSTEM_ERR, "conf=relative: PAM_SYSTEM_ERR");
	ok(log_has(LOG_ERR, "absolute path"), "conf=relative: logged") || (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);

	/* The production build must refuse helper= outright, before doing anything. */
	mkcase(&k, "prod-helper-arg", PROBED, so_prod, NULL, NULL);
	write_file(&k, "stdout", "1-1\n");
	pamh = start(&k, USER, true);
	log_reset();
	is_int(OPEN(pamh), PAM_SYSTEM_ERR, "production .so with helper=: PAM_SYSTEM_ERR");
	xsnprintf(line, sizeof(line), "option not allowed in this build: helper=%s", k.helper);
	ok(log_has(LOG_ERR, line), "production .so with helper=: logged") || (log_dump(), 0);
	is_int(runs(&k, "open"), 0, "production .so with helper=: helper not run");
	pam_end(pamh, PAM_SUCCESS);
}

/* pam_systemd's XDG_SESSION_ID goes to the helper after CONF ("" without conf=). */
static void t_logind_session(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char path[PATH_MAX * 2], *want;
	FILE *f;

	if (!need_root("XDG_SESSION_ID passed as LOGIND"))
		return;
	mkcase(&k, "logind", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", "1-1\n");
	pamh = start(&k, USER, true);
	is_int(pam_putenv(pamh, "XDG_SESSION_ID=c7"), PAM_SUCCESS, "XDG_SESSION_ID set");
	is_int(OPEN(pamh), PAM_SUCCESS, "XDG_SESSION_ID: PAM_SUCCESS");
	if (asprintf(&want, "arg=open\narg=%s\narg=%s\narg=%s\narg=%s\narg=%s\narg=c7\narg=%d\n",
		     USER, SERVICE, TTY, RHOST, k.conf, (int)getpid()) < 0)
		die("asprintf");
	check_record(&k, "open", want, getpid(), "LOGIND follows CONF");
	free(want);
	pam_end(pamh, PAM_SUCCESS);

	mkcase(&k, "logind-no-conf", PROBED, so_test, NULL, NULL);
	xsnprintf(path, sizeof(path), "%s/" SERVICE, k.confdir);
	f = fopen(path, "we");
	if (!f)
		die(path);
	fprintf(f, "session required %s %s helper=%s\n", probe, so_test, k.helper);
	fclose(f);
	write_file(&k, "stdout", "1-1\n");
	pamh = start(&k, USER, false);
	is_int(pam_putenv(pamh, "XDG_SESSION_ID=3"), PAM_SUCCESS, "XDG_SESSION_ID set");
	is_int(OPEN(pamh), PAM_SUCCESS, "XDG_SESSION_ID without conf=: PAM_SUCCESS");
	char *w3;
	if (asprintf(&w3, "arg=open\narg=%s\narg=%s\narg=\narg=\narg=\narg=3\narg=%d\n", USER,
		     SERVICE, (int)getpid()) < 0)
		die("asprintf");
	check_record(&k, "open", w3, getpid(), "without conf=, CONF is \"\" before LOGIND");
	free(w3);
	pam_end(pamh, PAM_SUCCESS);
}

static void t_no_items_no_conf(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char path[PATH_MAX * 2];
	FILE *f;

	if (!need_root("unset PAM_TTY/PAM_RHOST, no conf="))
		return;
	mkcase(&k, "no-items", PROBED, so_test, NULL, NULL);
	/* Rewrite the service file without conf=. */
	xsnprintf(path, sizeof(path), "%s/" SERVICE, k.confdir);
	f = fopen(path, "we");
	if (!f)
		die(path);
	fprintf(f, "session required %s %s helper=%s\n", probe, so_test, k.helper);
	fclose(f);
	write_file(&k, "stdout", "1-1\n");
	pamh = start(&k, USER, false);
	is_int(OPEN(pamh), PAM_SUCCESS, "no items, no conf=: PAM_SUCCESS");
	char *w;
	if (asprintf(&w, "arg=open\narg=%s\narg=%s\narg=\narg=\narg=\narg=\narg=%d\n", USER,
		     SERVICE, (int)getpid()) < 0)
		die("asprintf");
	check_record(&k, "open", w, getpid(),
		     "unset TTY/RHOST are \"\", no conf= and no LOGIND are \"\" before CALLER");
	free(w);
	is_int(CLOSE(pamh), PAM_SUCCESS, "no conf=: close PAM_SUCCESS");
	check_logout(&k, "1-1", getpid(), "close without conf=");
	pam_end(pamh, PAM_SUCCESS);
}

/* pam_end() in the shell-exec'ing child of login/su: PAM_DATA_SILENT must not close anything. */
static void t_pam_end_silent(void)
{
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root("pam_end with PAM_DATA_SILENT"))
		return;
	mkcase(&k, "end-silent", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", "5-5\n");
	pamh = start(&k, USER, true);
	is_int(OPEN(pamh), PAM_SUCCESS, "open before pam_end(PAM_DATA_SILENT)");
	is_int(pam_end(pamh, PAM_SUCCESS | PAM_DATA_SILENT), PAM_SUCCESS,
	       "pam_end(PAM_DATA_SILENT) after open");
	pamh = start(&k, USER, true);
	is_int(OPEN(pamh), PAM_SUCCESS, "open before plain pam_end");
	is_int(pam_end(pamh, PAM_SUCCESS), PAM_SUCCESS, "plain pam_end after open");
	usleep(100000);
	is_int(runs(&k, "close") + runs(&k, "logout"), 0,
	       "the data cleanup never runs the helper (either flag)");
}

static void t_debug(void)
{
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root("debug option"))
		return;
	mkcase(&k, "debug", PROBED, so_test, "debug", NULL);
	write_file(&k, "exit", "10\n");
	pamh = start(&k, USER, true);
	log_reset();
	is_int(OPEN(pamh), PAM_IGNORE, "debug, exit 10: PAM_IGNORE");
	ok(log_count(LOG_DEBUG) == 1 && log_count(-1) == 1 && log_has(LOG_DEBUG, "exit status 10"),
	   "debug: one LOG_DEBUG line") ||
	    (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);
}

/* The realistic stack: "required" next to another session module. */
static void t_required_stack(void)
{
	static const struct {
		const char *exit_how;
		int want;
	} cases[] = {{"0\n", PAM_SUCCESS},
		     {"10\n", PAM_SUCCESS},
		     {"11\n", PAM_PERM_DENIED},
		     {"12\n", PAM_SYSTEM_ERR},
		     {"kill\n", PAM_SYSTEM_ERR}};
	struct kase k;
	pam_handle_t *pamh;
	char name[32];

	if (!need_root("session required stack"))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xsnprintf(name, sizeof(name), "required-%zu", i);
		mkcase(&k, name, "required", so_test, NULL, "session required pam_permit.so\n");
		write_file(&k, "exit", cases[i].exit_how);
		write_file(&k, "stdout", "9-9\n");
		pamh = start(&k, USER, true);
		is_int(pam_open_session(pamh, 0), cases[i].want,
		       "\"session required\" + pam_permit, helper %.*s: %s",
		       (int)strcspn(cases[i].exit_how, "\n"), cases[i].exit_how,
		       pam_strerror(pamh, cases[i].want));
		pam_end(pamh, PAM_SUCCESS);
	}
}

static void t_setcred(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char path[PATH_MAX * 2];
	FILE *f;

	mkcase(&k, "setcred", PROBED, so_test, NULL, NULL);
	xsnprintf(path, sizeof(path), "%s/" SERVICE, k.confdir);
	f = fopen(path, "we");
	if (!f)
		die(path);
	fprintf(f, "auth required %s %s\n", probe, so_test);
	fclose(f);
	pamh = start(&k, USER, true);
	is_int(probe_call(pamh, pam_setcred), PAM_IGNORE, "setcred: PAM_IGNORE");
	pam_end(pamh, PAM_SUCCESS);
}

/*
 * Run pam_open_session (and close) in a child with the given real/effective ids; returns
 * open's code * 100 + close's code, or -1.
 */
static int in_child(const struct kase *k, uid_t ruid, uid_t euid, gid_t rgid, gid_t egid)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pam_handle_t *pamh;
		int o, c;

		if (setresgid(rgid, egid, 0) < 0 || setresuid(ruid, euid, 0) < 0)
			_exit(255);
		pamh = start(k, USER, true);
		o = OPEN(pamh);
		c = CLOSE(pamh);
		pam_end(pamh, PAM_SUCCESS);
		_exit(o * 10 + (c == PAM_IGNORE ? 1 : c == PAM_SUCCESS ? 0 : 2));
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* su: setuid root, real uid (and gid) the invoking user. The helper must get full root. */
static void t_su_ids(void)
{
	struct kase k;
	pid_t pid;
	char *oa;
	char *rec;
	int r;

	if (!need_root("real uid != 0, euid 0 (su)"))
		return;
	mkcase(&k, "su", PROBED, so_test, NULL, NULL);
	write_file(&k, "stdout", "7-7\n");
	r = in_child(&k, NOBODY_UID, 0, NOBODY_UID, 0);
	is_int(r, PAM_SUCCESS * 10 + 0, "ruid=nobody euid=0: open and close PAM_SUCCESS");
	/* The caller was the child, whose pid we no longer know: take ppid from the record. */
	rec = read_file(&k, "record.open");
	pid = 0;
	if (rec && strstr(rec, "ppid="))
		pid = (pid_t)atoi(strstr(rec, "ppid=") + 5);
	free(rec);
	ok(pid > 0 && pid != getpid(), "ruid=nobody euid=0: helper's parent is the PAM caller");
	oa = open_args(&k, pid);
	check_record(&k, "open", oa, pid, "su open (setresuid 0,0,0 and setresgid 0,0,0)");
	check_logout(&k, "7-7", pid, "su close");
	free(oa);
}

/* Not root at all: fail closed without running anything. */
static void t_not_root(void)
{
	struct kase k;

	mkcase(&k, "not-root", PROBED, so_test, NULL, NULL);
	if (is_root) {
		is_int(in_child(&k, 0, NOBODY_UID, 0, NOBODY_UID), PAM_SYSTEM_ERR * 10 + 1,
		       "euid=nobody: open PAM_SYSTEM_ERR, close PAM_IGNORE");
	} else {
		pam_handle_t *pamh = start(&k, USER, true);

		log_reset();
		is_int(OPEN(pamh), PAM_SYSTEM_ERR, "not root: open PAM_SYSTEM_ERR");
		ok(log_count(LOG_ERR) == 1 && log_has(LOG_ERR, "not running as root"),
		   "not root: one LOG_ERR line") ||
		    (log_dump(), 0);
		pam_end(pamh, PAM_SUCCESS);
	}
	is_int(runs(&k, "open"), 0, "not root: helper not run");
}

/* ---- the account hook --------------------------------------------------------------------- */

/*
 * Rewrites the case's service file for the account stack:
 * "account CONTROL SO helper=DIR/confine-helper conf=DIR/confine.conf ARGS" plus EXTRA lines;
 * CONTROL PROBED: through pam_confine_probe.so. conf=NULL leaves conf= out.
 */
static void account_stack(const struct kase *k, const char *control, const char *args,
			  const char *conf, const char *extra)
{
	char path[PATH_MAX * 2];
	FILE *f;

	xsnprintf(path, sizeof(path), "%s/" SERVICE, k->confdir);
	f = fopen(path, "we");
	if (!f)
		die(path);
	fprintf(f, "account %s %s %s helper=%s %s%s %s\n%s", control ? control : "required",
		control ? "" : probe, so_test, k->helper, conf ? "conf=" : "", conf ? conf : "",
		args ? args : "", extra ? extra : "");
	if (fclose(f) == EOF)
		die(path);
}

static char *account_args(const struct kase *k, bool items, bool conf)
{
	char *s;

	if (asprintf(&s, "arg=account\narg=%s\narg=%s\narg=%s\narg=%s\n%s%s%s", USER, SERVICE,
		     items ? TTY : "", items ? RHOST : "", conf ? "arg=" : "", conf ? k->conf : "",
		     conf ? "\n" : "") < 0)
		die("asprintf");
	return s;
}

/* A probed account case whose fake helper exits as exit_how after printing out; started. */
static pam_handle_t *start_account(struct kase *k, const char *name, const char *exit_how,
				   const char *out, const char *args, const char *user)
{
	mkcase(k, name, PROBED, so_test, NULL, NULL);
	account_stack(k, PROBED, args, k->conf, NULL);
	write_file(k, "exit", exit_how);
	if (out)
		write_file(k, "stdout", out);
	return start(k, user, true);
}

/*
 * The account hook with a given helper outcome: the helper ran once as "account USER SERVICE
 * TTY RHOST CONF" with the module's contract, the code, the log lines and what the user saw.
 */
static void t_account(const char *name, const char *exit_how, const char *out, int want,
		      const char *want_err, const char *want_shown)
{
	struct kase k;
	pam_handle_t *pamh;
	char *aa;

	if (!need_root(name))
		return;
	pamh = start_account(&k, name, exit_how, out, NULL, USER);
	log_reset();
	shown[0] = '\0';
	is_int(ACCT(pamh), want, "%s: acct_mgmt returns %s", name, pam_strerror(pamh, want));
	aa = account_args(&k, true, true);
	check_record(&k, "account", aa, getpid(), name);
	ok(log_count(-1) == (want_err ? 1 : 0) &&
	       (!want_err || (log_count(LOG_ERR) == 1 && log_has(LOG_ERR, want_err))),
	   "%s: %s", name, want_err ? "one LOG_ERR line with the reason" : "nothing logged") ||
	    (log_dump(), 0);
	is_str(shown, want_shown, "%s: shown to the user", name);
	is_int(runs(&k, "open") + runs(&k, "close"), 0, "%s: no session verb ran", name);
	pam_end(pamh, PAM_SUCCESS);
	free(aa);
}

#define REFUSAL "confine: login refused: nobody may not log in through 'confine-test'"

/* PAM_SILENT (atd and cron pass it): refused all the same, but nothing is shown. */
static void t_account_silent(void)
{
	struct kase k;
	pam_handle_t *pamh;

	if (!need_root("account PAM_SILENT"))
		return;
	pamh = start_account(&k, "acct-silent", "11\n", REFUSAL "\n", NULL, USER);
	shown[0] = '\0';
	(void)pam_putenv(pamh, "CONFINE_PROBE_RC");
	is_int(pam_acct_mgmt(pamh, PAM_SILENT), PAM_SUCCESS, "PAM_SILENT: the probe ran");
	is_int(pam_getenv(pamh, "CONFINE_PROBE_RC") ? atoi(pam_getenv(pamh, "CONFINE_PROBE_RC"))
						    : -1,
	       PAM_PERM_DENIED, "PAM_SILENT, exit 11: PAM_PERM_DENIED");
	is_str(shown, "", "PAM_SILENT: nothing shown");
	pam_end(pamh, PAM_SUCCESS);
}

/* Root is never refused, unknown users are refused: neither runs the helper. */
static void t_account_users(void)
{
	struct kase k;
	pam_handle_t *pamh;

	pamh = start_account(&k, "acct-root", "11\n", REFUSAL "\n", NULL, "root");
	log_reset();
	is_int(ACCT(pamh), PAM_IGNORE, "account, user root: PAM_IGNORE (never refused)");
	is_int(runs(&k, "account"), 0, "account, user root: helper not run");
	is_int(log_count(-1), 0, "account, user root: nothing logged without debug");
	pam_end(pamh, PAM_SUCCESS);

	pamh = start_account(&k, "acct-unknown", "0\n", NULL, NULL, "confine-no-such-user");
	is_int(ACCT(pamh), PAM_USER_UNKNOWN, "account, unknown user: PAM_USER_UNKNOWN");
	is_int(runs(&k, "account"), 0, "account, unknown user: helper not run");
	pam_end(pamh, PAM_SUCCESS);

	pamh = start_account(&k, "acct-bad-conf", "0\n", NULL, "conf=relative.conf", USER);
	is_int(ACCT(pamh), PAM_SYSTEM_ERR, "account, conf=relative: PAM_SYSTEM_ERR");
	is_int(runs(&k, "account"), 0, "account, conf=relative: helper not run");
	pam_end(pamh, PAM_SUCCESS);
}

static void t_account_misc(void)
{
	struct kase k;
	pam_handle_t *pamh;
	char args[PATH_MAX * 2], *aa;

	if (!need_root("account: missing helper, no items, debug"))
		return;
	xsnprintf(args, sizeof(args), "helper=%s/acct-missing/no-such-helper", tmproot);
	pamh = start_account(&k, "acct-missing", "0\n", NULL, args, USER);
	log_reset();
	is_int(ACCT(pamh), PAM_SYSTEM_ERR, "account, missing helper: PAM_SYSTEM_ERR");
	ok(log_count(-1) == 1 && log_has(LOG_ERR, "No such file or directory"),
	   "account, missing helper: one LOG_ERR line with the reason") ||
	    (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);

	mkcase(&k, "acct-no-items", PROBED, so_test, NULL, NULL);
	account_stack(&k, PROBED, NULL, NULL, NULL);
	pamh = start(&k, USER, false);
	is_int(ACCT(pamh), PAM_IGNORE, "account, no items, no conf=: PAM_IGNORE");
	aa = account_args(&k, false, false);
	check_record(&k, "account", aa, getpid(), "account: unset TTY/RHOST are \"\", no CONF");
	free(aa);
	pam_end(pamh, PAM_SUCCESS);

	pamh = start_account(&k, "acct-debug", "0\n", NULL, "debug", USER);
	log_reset();
	is_int(ACCT(pamh), PAM_IGNORE, "account, debug, exit 0: PAM_IGNORE");
	ok(log_count(-1) == 1 && log_has(LOG_DEBUG, "account " USER " " SERVICE ": exit status 0"),
	   "account, debug: one LOG_DEBUG line with verb, user, service, status") ||
	    (log_dump(), 0);
	pam_end(pamh, PAM_SUCCESS);
}

/*
 * Real "account required" stacks. Next to pam_permit the helper's refusals and errors fail the
 * stack and everything else leaves the decision to pam_permit. Alone, the module cannot make
 * the stack succeed: libpam fails a stack in which no module succeeded.
 */
static void t_account_required_stack(void)
{
	static const struct {
		const char *exit_how;
		int with_permit, alone;
	} cases[] = {{"0\n", PAM_SUCCESS, PAM_PERM_DENIED},
		     {"10\n", PAM_SUCCESS, PAM_PERM_DENIED},
		     {"11\n", PAM_PERM_DENIED, PAM_PERM_DENIED},
		     {"12\n", PAM_SYSTEM_ERR, PAM_SYSTEM_ERR},
		     {"kill\n", PAM_SYSTEM_ERR, PAM_SYSTEM_ERR}};
	struct kase k;
	pam_handle_t *pamh;
	char name[32];

	if (!need_root("account required stack"))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *status = cases[i].exit_how;
		int len = (int)strcspn(status, "\n");

		for (int alone = 0; alone <= 1; alone++) {
			int want = alone ? cases[i].alone : cases[i].with_permit;

			xsnprintf(name, sizeof(name), "acct-required-%zu-%d", i, alone);
			mkcase(&k, name, "required", so_test, NULL, NULL);
			account_stack(&k, "required", NULL, k.conf,
				      alone ? NULL : "account required pam_permit.so\n");
			write_file(&k, "exit", status);
			pamh = start(&k, USER, true);
			is_int(pam_acct_mgmt(pamh, 0), want,
			       "\"account required\"%s, helper %.*s: %s",
			       alone ? " alone" : " + pam_permit", len, status,
			       pam_strerror(pamh, want));
			pam_end(pamh, PAM_SUCCESS);
		}
	}
}

/* ---- main -------------------------------------------------------------------------------- */

static void resolve(char *dst, const char *arg, const char *self_dir, const char *rel)
{
	char path[PATH_MAX * 2];

	if (!arg) {
		xsnprintf(path, sizeof(path), "%s/%s", self_dir, rel);
		arg = path;
	}
	if (!realpath(arg, dst)) {
		printf("Bail out! %s: %s\n", arg, strerror(errno));
		exit(2);
	}
}

static int rm_rf(const char *path)
{
	char cmd[PATH_MAX + 32];

	/* Only ever our own mkdtemp() directory. */
	xsnprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", path);
	return system(cmd);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], *self_dir;
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigset_t usr1;
	const char *tmp = getenv("TMPDIR");
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (!realpath("/proc/self/exe", self))
		die("/proc/self/exe");
	self_dir = dirname(self);
	resolve(so_test, argc > 1 ? argv[1] : NULL, self_dir, "../pam_confine_test.so");
	resolve(fake, argc > 2 ? argv[2] : NULL, self_dir, "pam_fake_helper");
	resolve(so_prod, argc > 3 ? argv[3] : NULL, self_dir, "../pam_confine.so");
	resolve(probe, argc > 4 ? argv[4] : NULL, self_dir, "pam_confine_probe.so");
	is_root = geteuid() == 0;

	xsnprintf(tmproot, sizeof(tmproot), "%s/confine-pam-test.XXXXXX",
		  tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmproot) || chmod(tmproot, 0755) < 0)
		die("mkdtemp");
	printf("# module %s, fake helper %s, euid %u, cases in %s\n", so_test, fake,
	       (unsigned)geteuid(), tmproot);

	/*
	 * A caller with SIGPIPE ignored and SIGUSR1 blocked (sshd ignores SIGPIPE): the helper
	 * must still start with default dispositions and an empty mask (checked in its record).
	 */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	/*
	 * An inheritable descriptor, like login's tty or sshd's sockets: must not reach the helper
	 * (every recorded "fd=" list is checked to be exactly 0, 1, 2).
	 */
	if (open("/dev/null", O_RDONLY) < 3)
		die("open /dev/null");

	/* Log capture must work, or the log assertions below prove nothing. */
	t_unknown_option();
	ok(nlogs > 0, "syslog capture through __syslog_chk works");

	t_open_close();
	t_logind_session();
	t_outcome("exit-10", "10\n", "ignored\n", PAM_IGNORE, 0, NULL);
	t_outcome("exit-11", "11\n", NULL, PAM_PERM_DENIED, 1, "refused by confine policy");
	t_outcome("exit-12", "12\n", NULL, PAM_SYSTEM_ERR, 1, "helper exit status 12");
	t_outcome("exit-3", "3\n", "3-3\n", PAM_SYSTEM_ERR, 1, "helper exit status 3");
	t_outcome("signal", "kill\n", "1-1\n", PAM_SYSTEM_ERR, 1, "killed by signal 9");
	t_close_detached();
	t_close_missing_helper();
	t_missing_helper("missing-helper", false);
	t_missing_helper("helper-not-executable", true);
	t_bad_sid("empty-sid", "");
	t_bad_sid("sid-too-long",
		  "12345678901234567890123456789012345678901234567890123456789012345\n");
	t_bad_sid("sid-with-space", "12 34\n");
	t_bad_sid("sid-two-lines", "1-2\n3-4\n");
	t_bad_sid("notice-without-prefix", "1-2\nconfine: fine\nsomething else\n");
	t_notices("notice", "0\n", "1-2\nconfine: note\n", PAM_SUCCESS, "I:confine: note\n");
	t_notices("warning", "0\n", "1-2\nconfine: warning: no limits\n", PAM_SUCCESS,
		  "E:confine: warning: no limits\n");
	t_notices("notice-sanitized", "0\n", "1-2\nconfine: a\033[2Jb\n", PAM_SUCCESS,
		  "I:confine: a?[2Jb\n");
	t_notices("refusal-shown", "11\n", "confine: login refused: 2 sessions open\n",
		  PAM_PERM_DENIED, "E:confine: login refused: 2 sessions open\n");
	t_notices("error-shown", "12\n", "confine: login refused: no controller 'cpu'\n",
		  PAM_SYSTEM_ERR, "E:confine: login refused: no controller 'cpu'\n");
	t_notices("refusal-junk-not-shown", "11\n", "rm -rf\n", PAM_PERM_DENIED, "");
	t_good_long_sid();
	t_sigchld();
	t_close_without_open();
	t_root_user();
	t_unknown_user();
	t_bad_args();
	t_no_items_no_conf();
	t_pam_end_silent();
	t_debug();
	t_required_stack();
	t_setcred();
	t_su_ids();
	t_not_root();

	t_account("acct-0", "0\n", NULL, PAM_IGNORE, NULL, "");
	t_account("acct-10", "10\n", NULL, PAM_IGNORE, NULL, "");
	t_account("acct-11", "11\n", REFUSAL "\n", PAM_PERM_DENIED,
		  "nobody refused by confine policy for service " SERVICE, "E:" REFUSAL "\n");
	t_account("acct-11-junk", "11\n", "rm -rf\n", PAM_PERM_DENIED, "refused by confine policy",
		  "");
	t_account("acct-12", "12\n", "confine: login refused: bad config\n", PAM_SYSTEM_ERR,
		  "helper exit status 12", "E:confine: login refused: bad config\n");
	t_account("acct-3", "3\n", NULL, PAM_SYSTEM_ERR, "helper exit status 3", "");
	t_account("acct-signal", "kill\n", NULL, PAM_SYSTEM_ERR, "killed by signal 9", "");
	t_account_silent();
	t_account_users();
	t_account_misc();
	t_account_required_stack();

	rc = tap_done();
	if (rc == 0)
		rm_rf(tmproot);
	else
		printf("# case directories kept in %s\n", tmproot);
	return rc;
}
