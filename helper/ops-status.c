/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl status: a session's record, its limits against their usage, its processes. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "duration.h"
#include "ops-format.h"
#include "ops-log.h"
#include "ops-session.h"
#include "ops.h"
#include "util.h"

#define STATUS_USAGE "Usage: confinectl status [--json] SESSION|USER\n"

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
	if (u->io_rbytes == OPS_NONE)
		printf("%-14s - (no io controller)\n", "io:");
	else
		printf("%-14s read %s, written %s\n", "io:", ops_size(u->io_rbytes, a, sizeof(a)),
		       ops_size(u->io_wbytes, b, sizeof(b)));
	if (u->cpu_usage_usec == OPS_NONE) {
		printf("%-14s -\n", "cpu:");
		return;
	}
	printf("%-14s usage %llu.%06llus, throttled %s periods, %s usec (cpu.max %s)\n",
	       "cpu:", u->cpu_usage_usec / 1000000, u->cpu_usage_usec % 1000000,
	       ops_count(u->cpu_nr_throttled, a, sizeof(a)),
	       ops_count(u->cpu_throttled_usec, b, sizeof(b)), u->cpu_max[0] ? u->cpu_max : "-");
}

/* The command name of pid (/proc/PID/comm), "?" if unknown. */
static const char *proc_comm(pid_t pid, char *comm, size_t len)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	ssize_t k;

	snprintf(comm, len, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 && (k = read(fd, comm, len - 1)) > 0)
		comm[k - (comm[k - 1] == '\n')] = '\0';
	return comm;
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
		char comm[64], cell[64];
		printf("%8d %s\n", (int)pids[i],
		       ops_cell(proc_comm(pids[i], comm, sizeof(comm)), cell, sizeof(cell)));
	}
}

/* The last log lines about the session, or why there are none. */
static void status_log(const struct ops_log *log)
{
	char cell[OPS_LOG_WIDTH];

	if (!log->source) {
		puts("log:           - (no journal, no /var/log/auth.log)");
		return;
	}
	printf("log:           %s%s%s\n", log->source,
	       log->n ? "" : " (no lines about this session)",
	       /* syslog does not record who sent a line: any local user may write these */
	       log->n && strcmp(log->source, "journal") != 0 ? " (unauthenticated: any local "
							       "user can log such lines)"
							     : "");
	for (size_t i = 0; i < log->n; i++)
		printf("  %s\n", ops_cell(ops_log_get(log, i), cell, sizeof(cell)));
}

static void status_text(const struct session_record *r, const struct ops_usage *u,
			const struct ops_log *log)
{
	status_record(r);
	status_usage(u);
	status_procs(r->cg.cgroup);
	status_log(log);
}

/* ,"key":"value" (null for an empty value when null_if_empty) and ,"key":figure. */
static void jstr(const char *key, const char *v, bool null_if_empty)
{
	printf(",\"%s\":", key);
	if (null_if_empty && !v[0])
		fputs("null", stdout);
	else
		json_string(stdout, v);
}

static void jnum(const char *key, unsigned long long v)
{
	printf(",\"%s\":", key);
	json_figure(stdout, v);
}

static void json_record(const struct session_record *r)
{
	char home[16];

	fputs("{\"session\":", stdout);
	json_string(stdout, r->sid);
	jstr("user", r->user, false);
	printf(",\"uid\":%u,\"gid\":%u", (unsigned)r->uid, (unsigned)r->gid);
	jstr("profile", r->profile, false);
	printf(",\"started_boottime_sec\":%llu,\"age_sec\":%llu", r->started, ops_session_age(r));
	jnum("max_duration_sec", r->max_duration ? r->max_duration : OPS_NONE);
	printf(",\"login_pid\":%d", (int)r->caller_pid);
	jstr("cgroup", r->cg.cgroup, true);
	jstr("unit", r->cg.unit, true);
	jstr("slice", r->cg.slice, true);
	jstr("net", r->net, false);
	jstr("home", ops_home_kind(r, home, sizeof(home)), false);
	jstr("home_path", r->home, true);
	jstr("hostname", r->hostname, false);
	jstr("shell", r->shell, false);
}

static void json_usage(const struct ops_usage *u)
{
	jnum("memory_current", u->memory_current);
	jnum("memory_max", u->memory_max);
	jnum("memory_high", u->memory_high);
	jnum("memory_peak", u->memory_peak);
	jnum("swap_current", u->swap_current);
	jnum("swap_max", u->swap_max);
	jnum("memory_events_high", u->events_high);
	jnum("memory_events_max", u->events_max);
	jnum("memory_events_oom", u->events_oom);
	jnum("memory_events_oom_kill", u->events_oom_kill);
	jnum("pids_current", u->pids_current);
	jnum("pids_max", u->pids_max);
	jnum("cpu_usage_usec", u->cpu_usage_usec);
	jnum("cpu_nr_throttled", u->cpu_nr_throttled);
	jnum("cpu_throttled_usec", u->cpu_throttled_usec);
	jstr("cpu_max", u->cpu_max, true);
	jnum("io_read_bytes", u->io_rbytes);
	jnum("io_write_bytes", u->io_wbytes);
}

/* ,"processes":[{"pid":N,"comm":"..."}...] (null without a cgroup), ,"log":{...}. */
static void json_procs_log(const char *cgroup, const struct ops_log *log)
{
	_cleanup_free_ pid_t *pids = NULL;
	int n = cgroup[0] ? ops_cgroup_pids(cgroup, &pids) : -ENOENT;
	char comm[64];

	fputs(",\"processes\":", stdout);
	if (n < 0)
		fputs("null", stdout);
	for (int i = 0; i < n; i++) {
		printf("%s{\"pid\":%d,\"comm\":", i ? "," : "[", (int)pids[i]);
		json_string(stdout, proc_comm(pids[i], comm, sizeof(comm)));
		putchar('}');
	}
	if (n >= 0)
		fputs(n ? "]" : "[]", stdout);
	fputs(",\"log_source\":", stdout);
	if (log->source)
		json_string(stdout, log->source);
	else
		fputs("null", stdout);
	fputs(",\"log\":[", stdout);
	for (size_t i = 0; i < log->n; i++) {
		if (i)
			putchar(',');
		json_string(stdout, ops_log_get(log, i));
	}
	fputs("]}", stdout);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {}};
	struct session_record *v;
	size_t n, shown = 0;
	bool json = false;
	char cell[64];
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'j') {
			fputs(STATUS_USAGE, stderr);
			return OPS_EXIT_USAGE;
		}
		json = true;
	}
	if (optind != argc - 1) {
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
		struct ops_log log;
		if (!ops_session_is(&v[i], argv[optind]))
			continue;
		ops_usage_read(v[i].cg.cgroup, &u);
		ops_log_read(v[i].sid, &log);
		if (json) {
			fputs(shown ? ",\n" : "[\n", stdout);
			json_record(&v[i]);
			json_usage(&u);
			json_procs_log(v[i].cg.cgroup, &log);
		} else {
			if (shown)
				putchar('\n');
			status_text(&v[i], &u, &log);
		}
		shown++;
	}
	free(v);
	if (!shown) {
		fprintf(stderr,
			"confinectl: no session '%s' (neither a session id nor a user with a "
			"session)\n",
			ops_cell(argv[optind], cell, sizeof(cell)));
		return OPS_EXIT_NOSESSION;
	}
	if (json)
		fputs("\n]\n", stdout);
	return fflush(stdout) == 0 ? OPS_EXIT_OK : OPS_EXIT_FAIL;
}
