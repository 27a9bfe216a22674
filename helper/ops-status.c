/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl status: a session's record, its limits against their usage, its processes. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "duration.h"
#include "ops-format.h"
#include "ops-session.h"
#include "ops.h"
#include "util.h"

#define STATUS_USAGE "Usage: confinectl status SESSION|USER\n"

/* "CURRENT of MAX" for sizes or counts. */
static void usage_pair(const char *what, unsigned long long cur, unsigned long long max, bool size)
{
	char a[32], b[32];

	printf("%-14s %s of %s\n", what,
	       size ? ops_size(cur, a, sizeof(a)) : ops_count(cur, a, sizeof(a)),
	       size ? ops_size(max, b, sizeof(b)) : ops_count(max, b, sizeof(b)));
}

static void status_record(const struct session_record *r)
{
	char buf[600], d[32];

	printf("%-14s %s\n", "session:", r->sid);
	printf("%-14s %s (uid %u, gid %u)\n", "user:", ops_cell(r->user, buf, sizeof(buf)),
	       (unsigned)r->uid, (unsigned)r->gid);
	printf("%-14s %s\n", "profile:", ops_cell(r->profile, buf, sizeof(buf)));
	printf("%-14s %s\n", "age:", ops_age(ops_session_age(r), d, sizeof(d)));
	printf("%-14s %s\n", "max_duration:",
	       r->max_duration ? format_duration(r->max_duration, d, sizeof(d)) : "unlimited");
	printf("%-14s %d\n", "login pid:", (int)r->caller_pid);
	printf("%-14s %s\n", "cgroup:", r->cg.cgroup[0] ? r->cg.cgroup : "- (runs without limits)");
	if (r->cg.unit[0])
		printf("%-14s %s%s%s\n", "unit:", r->cg.unit, r->cg.slice[0] ? " in " : "",
		       r->cg.slice);
	printf("%-14s %s\n", "net:", r->net);
	printf("%-14s %s%s%s\n", "home:", ops_home_kind(r, d, sizeof(d)), r->home[0] ? " at " : "",
	       r->home);
	printf("%-14s %s\n", "hostname:", r->hostname);
	printf("%-14s %s\n", "shell:", r->shell);
	printf("%-14s %s\n",
	       "service:", r->service[0] ? ops_cell(r->service, buf, sizeof(buf)) : "-");
	printf("%-14s %s\n", "tty:", r->tty[0] ? ops_cell(r->tty, buf, sizeof(buf)) : "-");
	printf("%-14s %s\n",
	       "remote host:", r->rhost[0] ? ops_cell(r->rhost, buf, sizeof(buf)) : "-");
	printf("%-14s %s\n", "logind:", r->logind[0] ? ops_cell(r->logind, buf, sizeof(buf)) : "-");
}

static void status_usage(const struct ops_usage *u)
{
	char a[32], b[32], c[32], e[32];

	usage_pair("memory:", u->memory_current, u->memory_max, true);
	printf("%-14s peak %s, high %s, swap %s of %s\n", "",
	       ops_size(u->memory_peak, a, sizeof(a)), ops_size(u->memory_high, b, sizeof(b)),
	       ops_size(u->swap_current, c, sizeof(c)), ops_size(u->swap_max, e, sizeof(e)));
	printf("%-14s high %s, max %s, oom %s, oom_kill %s\n",
	       "memory events:", ops_count(u->events_high, a, sizeof(a)),
	       ops_count(u->events_max, b, sizeof(b)), ops_count(u->events_oom, c, sizeof(c)),
	       ops_count(u->events_oom_kill, e, sizeof(e)));
	usage_pair("pids:", u->pids_current, u->pids_max, false);
	printf("%-14s max %s\n", "pids events:", ops_count(u->events_pids_max, a, sizeof(a)));
	if (u->cpu_usage_usec == OPS_NONE) {
		printf("%-14s -\n", "cpu:");
		return;
	}
	printf("%-14s usage %llu.%06llus, throttled %s periods, %s usec (cpu.max %s)\n",
	       "cpu:", u->cpu_usage_usec / 1000000, u->cpu_usage_usec % 1000000,
	       ops_count(u->cpu_nr_throttled, a, sizeof(a)),
	       ops_count(u->cpu_throttled_usec, b, sizeof(b)), u->cpu_max[0] ? u->cpu_max : "-");
}

/* The cgroup's processes: pid and command name. */
static void status_procs(const char *cgroup)
{
	_cleanup_free_ pid_t *pids = NULL;
	int n = cgroup[0] ? ops_cgroup_pids(cgroup, &pids) : -ENOENT;

	if (n < 0) {
		printf("processes:     - (%s)\n", cgroup[0] ? strerror(-n) : "no cgroup");
		return;
	}
	printf("processes:     %d\n%8s %s\n", n, "PID", "COMM");
	for (int i = 0; i < n; i++) {
		char path[64], comm[64] = "?", cell[64];
		_cleanup_close_ int fd = -1;
		ssize_t k;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 &&
		    (k = read(fd, comm, sizeof(comm) - 1)) > 0)
			comm[k - (comm[k - 1] == '\n')] = '\0';
		printf("%8d %s\n", (int)pids[i], ops_cell(comm, cell, sizeof(cell)));
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {{}};
	struct session_record *v;
	size_t n, shown = 0;
	char cell[64];
	int r;

	optind = 0;
	if (getopt_long(argc, argv, "+", opts, NULL) != -1 || optind != argc - 1) {
		fputs(STATUS_USAGE, stderr);
		return OPS_EXIT_USAGE;
	}
	if ((r = ops_sessions_load(&v, &n)) < 0) {
		fprintf(stderr, "confinectl: cannot read %s: %s\n", CONFINE_SESSIONS_DIR,
			strerror(-r));
		return OPS_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		struct ops_usage u;
		if (!ops_session_is(&v[i], argv[optind]))
			continue;
		if (shown++)
			putchar('\n');
		status_record(&v[i]);
		ops_usage_read(v[i].cg.cgroup, &u);
		status_usage(&u);
		status_procs(v[i].cg.cgroup);
	}
	free(v);
	if (!shown) {
		fprintf(stderr,
			"confinectl: no session '%s' (neither a session id nor a user with a "
			"session)\n",
			ops_cell(argv[optind], cell, sizeof(cell)));
		return OPS_EXIT_NOSESSION;
	}
	return fflush(stdout) == 0 ? OPS_EXIT_OK : OPS_EXIT_FAIL;
}
