/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl kill: ends sessions through confine-helper's own close path ("kill SID":
 * cgroup killed and removed, home released, record removed), or, with --signal, signals
 * the session's own processes (not confine's supervisors) and changes nothing else.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "ops-format.h"
#include "ops-session.h"
#include "ops.h"
#include "protocol.h"
#include "run-fixed.h"
#include "util.h"

#define KILL_USAGE "Usage: confinectl kill SESSION|--user USER [--signal SIG]\n"

/* The real uid of pid from /proc/PID/status, or -1. */
static long proc_ruid(pid_t pid)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;
	long uid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	return uid;
}

/*
 * Sends sig to every process of r's cgroup that runs as the user: the session's own. The
 * root processes there are confine's supervisors (a confined user can never be root:
 * no_new_privs, no capabilities); they relay what ends a session themselves. A pidfd
 * pins each process, so a pid reused meanwhile is never signalled: it must still be in
 * the cgroup once pinned. Returns how many were signalled, or -errno.
 */
static int signal_session(const struct session_record *r, int sig)
{
	_cleanup_free_ pid_t *pids = NULL;
	int n, sent = 0;

	if (!r->cg.cgroup[0])
		return -ENOMEDIUM;
	if ((n = ops_cgroup_pids(r->cg.cgroup, &pids)) < 0)
		return n;
	for (int i = 0; i < n; i++) {
		_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		if (pfd < 0 || !ops_pid_in_cgroup(pids[i], r->cg.cgroup) ||
		    proc_ruid(pids[i]) != (long)r->uid)
			continue;
		if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) == 0)
			sent++;
	}
	return sent;
}

/* Ends or signals one session; 0 or OPS_EXIT_FAIL after a message. */
static int kill_one(const struct session_record *r, int sig)
{
	char *const argv[] = {"confine-helper", CONFINE_VERB_KILL, (char *)r->sid, NULL};
	int q;

	if (!sig) {
		q = run_fixed(CONFINE_HELPER_PATH, argv);
		if (q == CONFINE_HELPER_OK || q == CONFINE_HELPER_IGNORE) {
			printf("session %s ended\n", r->sid); /* (IGNORE: it ended meanwhile) */
			return 0;
		}
		fprintf(stderr,
			"confinectl: session %s: confine-helper could not end it (exit "
			"%d; see the system log)\n",
			r->sid, q);
		return OPS_EXIT_FAIL;
	}
	if ((q = signal_session(r, sig)) < 0) {
		fprintf(stderr, "confinectl: session %s: cannot signal it: %s\n", r->sid,
			q == -ENOMEDIUM ? "it has no cgroup (limits = \"optional\")"
					: strerror(-q));
		return OPS_EXIT_FAIL;
	}
	printf("session %s: SIG%s sent to %d process%s\n", r->sid, sigabbrev_np(sig), q,
	       q == 1 ? "" : "es");
	return 0;
}

/* Parses kill's arguments into *sid or *user and *sig; 0 or OPS_EXIT_USAGE. */
static int kill_args(int argc, char **argv, const char **sid, const char **user, int *sig)
{
	static const struct option opts[] = {
	    {"user", required_argument, NULL, 'u'}, {"signal", required_argument, NULL, 's'}, {}};
	int c;

	/* No command follows: options may come after the session, as the synopsis writes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "u:s:", opts, NULL)) != -1) {
		if (c == 'u') {
			*user = optarg;
		} else if (c == 's' && (*sig = ops_parse_signal(optarg)) < 0) {
			fprintf(stderr, "confinectl: kill: unknown signal '%s'\n", optarg);
			return OPS_EXIT_USAGE;
		} else if (c != 's') {
			fputs(KILL_USAGE, stderr);
			return OPS_EXIT_USAGE;
		}
	}
	*sid = optind < argc ? argv[optind++] : NULL;
	if (optind != argc || !*sid == !*user) {
		fputs(KILL_USAGE, stderr);
		return OPS_EXIT_USAGE;
	}
	if (*sid && !session_sid_valid(*sid)) {
		fprintf(stderr,
			"confinectl: kill: '%s' is not a session id (--user USER names a "
			"user)\n",
			*sid);
		return OPS_EXIT_USAGE;
	}
	return 0;
}

int cmd_kill(int argc, char **argv)
{
	const char *sid = NULL, *user = NULL;
	struct session_record *v;
	int sig = 0, r, ret = OPS_EXIT_NOSESSION;
	size_t n;

	if ((r = kill_args(argc, argv, &sid, &user, &sig)) != 0)
		return r;
	if ((r = ops_sessions_load(&v, &n)) < 0) {
		fprintf(stderr, "confinectl: cannot read %s: %s\n", CONFINE_SESSIONS_DIR,
			strerror(-r));
		return OPS_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		if (sid ? !streq(v[i].sid, sid) : !streq(v[i].user, user))
			continue;
		if (kill_one(&v[i], sig) != 0)
			ret = OPS_EXIT_FAIL;
		else if (ret == OPS_EXIT_NOSESSION)
			ret = OPS_EXIT_OK;
	}
	free(v);
	if (ret == OPS_EXIT_NOSESSION) {
		char cell[64];
		if (sid)
			fprintf(stderr, "confinectl: kill: no session '%s'\n", sid);
		else
			fprintf(stderr, "confinectl: kill: user '%s' has no session\n",
				ops_cell(user, cell, sizeof(cell)));
	}
	return ret;
}
