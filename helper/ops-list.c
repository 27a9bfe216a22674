/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl list: one line (or JSON object) per live session, see confinectl(8). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "ops-format.h"
#include "ops-session.h"
#include "ops.h"
#include "util.h"

#define LIST_USAGE  "Usage: confinectl list [--user USER] [--profile NAME] [--no-legend] [--json]\n"
#define LIST_FORMAT "%-24s %-12s %6s %-10s %9s %11s %15s %-4s %-8s %-10s %-16s %s\n"

struct list_opts {
	const char *user, *profile;
	bool legend, json;
};

/* A cell of an optional value: "-" when empty. */
static const char *dash(const char *v, char *buf, size_t len)
{
	return v[0] ? ops_cell(v, buf, len) : "-";
}

static void list_line(const struct session_record *r, const struct ops_usage *u)
{
	char user[64], profile[64], uid[16], age[32], a[16], b[16], procs[40], mem[40], home[16];
	char service[SESSION_ITEM_MAX], where[SESSION_RHOST_MAX], logind[SESSION_ITEM_MAX];

	snprintf(uid, sizeof(uid), "%u", (unsigned)r->uid);
	snprintf(procs, sizeof(procs), "%s/%s", ops_count(u->pids_current, a, sizeof(a)),
		 ops_count(u->pids_max, b, sizeof(b)));
	snprintf(mem, sizeof(mem), "%s/%s", ops_size(u->memory_current, a, sizeof(a)),
		 ops_size(u->memory_max, b, sizeof(b)));
	printf(LIST_FORMAT, r->sid, ops_cell(r->user, user, sizeof(user)), uid,
	       ops_cell(r->profile, profile, sizeof(profile)),
	       ops_age(ops_session_age(r), age, sizeof(age)), procs, mem, r->net,
	       ops_home_kind(r, home, sizeof(home)), dash(r->service, service, sizeof(service)),
	       dash(r->rhost[0] ? r->rhost : r->tty, where, sizeof(where)),
	       dash(r->logind, logind, sizeof(logind)));
}

/* A JSON string member, or null for an empty value. */
static void json_member(const char *key, const char *v, bool null_if_empty)
{
	printf(",\"%s\":", key);
	if (null_if_empty && !v[0])
		fputs("null", stdout);
	else
		json_string(stdout, v);
}

static void list_json_object(const struct session_record *r, const struct ops_usage *u)
{
	char home[16];

	fputs("{\"session\":", stdout);
	json_string(stdout, r->sid);
	json_member("user", r->user, false);
	printf(",\"uid\":%u", (unsigned)r->uid);
	json_member("profile", r->profile, false);
	printf(",\"started_boottime_sec\":%llu,\"age_sec\":%llu", r->started, ops_session_age(r));
	printf(",\"login_pid\":%d", (int)r->caller_pid);
	json_member("cgroup", r->cg.cgroup, true);
	json_member("unit", r->cg.unit, true);
	fputs(",\"pids_current\":", stdout);
	json_figure(stdout, u->pids_current);
	fputs(",\"pids_max\":", stdout);
	json_figure(stdout, u->pids_max);
	fputs(",\"memory_current\":", stdout);
	json_figure(stdout, u->memory_current);
	fputs(",\"memory_max\":", stdout);
	json_figure(stdout, u->memory_max);
	json_member("net", r->net, false);
	json_member("home", ops_home_kind(r, home, sizeof(home)), false);
	json_member("service", r->service, true);
	json_member("tty", r->tty, true);
	json_member("remote_host", r->rhost, true);
	json_member("logind_session", r->logind, true);
	fputs("}", stdout);
}

static void list_print(const struct session_record *v, size_t n, const struct list_opts *o)
{
	size_t shown = 0;

	if (o->json)
		fputs("[", stdout);
	else if (o->legend)
		printf(LIST_FORMAT, "SESSION", "USER", "UID", "PROFILE", "AGE", "PROCS", "MEMORY",
		       "NET", "HOME", "SERVICE", "TTY/HOST", "LOGIND");
	for (size_t i = 0; i < n; i++) {
		struct ops_usage u;
		if ((o->user && !streq(v[i].user, o->user)) ||
		    (o->profile && !streq(v[i].profile, o->profile)))
			continue;
		ops_usage_read(v[i].cg.cgroup, &u);
		if (o->json) {
			fputs(shown ? ",\n" : "\n", stdout);
			list_json_object(&v[i], &u);
		} else {
			list_line(&v[i], &u);
		}
		shown++;
	}
	if (o->json)
		fputs(shown ? "\n]\n" : "]\n", stdout);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
					     {"profile", required_argument, NULL, 'p'},
					     {"no-legend", no_argument, NULL, 'L'},
					     {"json", no_argument, NULL, 'j'},
					     {}};
	struct list_opts o = {.legend = isatty(STDOUT_FILENO)};
	struct session_record *v;
	size_t n;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+u:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.user = optarg;
			break;
		case 'p':
			o.profile = optarg;
			break;
		case 'L':
			o.legend = false;
			break;
		case 'j':
			o.json = true;
			break;
		default:
			fputs(LIST_USAGE, stderr);
			return OPS_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "confinectl: list: unexpected argument '%s'\n" LIST_USAGE,
			argv[optind]);
		return OPS_EXIT_USAGE;
	}
	if ((r = ops_sessions_load(&v, &n)) < 0) {
		fprintf(stderr, "confinectl: cannot read %s: %s\n", CONFINE_SESSIONS_DIR,
			strerror(-r));
		return OPS_EXIT_FAIL;
	}
	list_print(v, n, &o);
	free(v);
	return fflush(stdout) == 0 ? OPS_EXIT_OK : OPS_EXIT_FAIL;
}
