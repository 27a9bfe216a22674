/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl metrics: Prometheus text exposition of the live sessions (ops-metrics.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ops-format.h"
#include "ops-metrics.h"
#include "ops.h"
#include "util.h"

#define METRICS_USAGE "Usage: confinectl metrics [--output FILE]\n"

/* Where a family's figure comes from: a field of struct ops_usage, or the record. */
#define FROM_AGE   ((size_t)-1)
#define FROM_START ((size_t)-2)

static const struct family {
	const char *name, *type, *help;
	size_t field; /* offsetof(struct ops_usage, ...), FROM_AGE or FROM_START */
	bool usec;    /* the figure is microseconds, written as seconds */
} families[] = {
    {"confine_session_start_time_seconds", "gauge",
     "Unix time the session opened (from its boot time).", FROM_START, false},
    {"confine_session_age_seconds", "gauge", "Seconds since the session opened.", FROM_AGE, false},
    {"confine_session_memory_current_bytes", "gauge", "memory.current of the session's cgroup.",
     offsetof(struct ops_usage, memory_current), false},
    {"confine_session_memory_max_bytes", "gauge",
     "memory.max of the session's cgroup (+Inf: no limit).", offsetof(struct ops_usage, memory_max),
     false},
    {"confine_session_memory_peak_bytes", "gauge", "memory.peak of the session's cgroup.",
     offsetof(struct ops_usage, memory_peak), false},
    {"confine_session_swap_current_bytes", "gauge", "memory.swap.current of the session's cgroup.",
     offsetof(struct ops_usage, swap_current), false},
    {"confine_session_pids_current", "gauge", "pids.current of the session's cgroup.",
     offsetof(struct ops_usage, pids_current), false},
    {"confine_session_pids_max", "gauge", "pids.max of the session's cgroup (+Inf: no limit).",
     offsetof(struct ops_usage, pids_max), false},
    {"confine_session_cpu_usage_seconds_total", "counter",
     "CPU time used by the session (cpu.stat usage_usec).",
     offsetof(struct ops_usage, cpu_usage_usec), true},
    {"confine_session_cpu_throttled_periods_total", "counter",
     "Periods the session was throttled by cpu.max (cpu.stat nr_throttled).",
     offsetof(struct ops_usage, cpu_nr_throttled), false},
    {"confine_session_cpu_throttled_seconds_total", "counter",
     "Time the session was throttled by cpu.max (cpu.stat throttled_usec).",
     offsetof(struct ops_usage, cpu_throttled_usec), true},
    {"confine_session_oom_kills_total", "counter",
     "Processes of the session killed by the OOM killer (memory.events oom_kill).",
     offsetof(struct ops_usage, events_oom_kill), false},
    {"confine_session_io_read_bytes_total", "counter",
     "Bytes read from block devices (io.stat rbytes, all devices).",
     offsetof(struct ops_usage, io_rbytes), false},
    {"confine_session_io_written_bytes_total", "counter",
     "Bytes written to block devices (io.stat wbytes, all devices).",
     offsetof(struct ops_usage, io_wbytes), false},
};

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static unsigned long long figure(const struct family *m, const struct session_record *r,
				 const struct ops_usage *u, unsigned long long now_real,
				 unsigned long long now_boot)
{
	unsigned long long age = now_boot > r->started ? now_boot - r->started : 0;

	if (m->field == FROM_AGE)
		return age;
	if (m->field == FROM_START)
		return now_real - age;
	return *(const unsigned long long *)(const void *)((const char *)u + m->field);
}

static void sample(FILE *f, const struct family *m, const struct session_record *r,
		   unsigned long long v)
{
	fprintf(f, "%s{session=", m->name);
	prom_label_value(f, r->sid);
	fputs(",user=", f);
	prom_label_value(f, r->user);
	fputs(",profile=", f);
	prom_label_value(f, r->profile);
	if (v == OPS_MAX)
		fputs("} +Inf\n", f);
	else if (m->usec)
		fprintf(f, "} %llu.%06llu\n", v / 1000000, v % 1000000);
	else
		fprintf(f, "} %llu\n", v);
}

/* confine_sessions{profile=...}: one sample per profile with sessions. */
static void per_profile(FILE *f, const struct session_record *v, size_t n)
{
	header(f, "confine_sessions", "gauge", "Live confined sessions per profile.");
	for (size_t i = 0; i < n; i++) {
		size_t count = 0, j;
		for (j = 0; j < i && !streq(v[j].profile, v[i].profile); j++)
			;
		if (j < i)
			continue; /* (counted at its first session) */
		for (j = i; j < n; j++)
			count += streq(v[j].profile, v[i].profile);
		fputs("confine_sessions{profile=", f);
		prom_label_value(f, v[i].profile);
		fprintf(f, "} %zu\n", count);
	}
}

void metrics_write(FILE *f, const struct session_record *v, const struct ops_usage *u, size_t n,
		   unsigned long long now_real, unsigned long long now_boot)
{
	per_profile(f, v, n);
	for (size_t k = 0; k < ELEMENTSOF(families); k++) {
		header(f, families[k].name, families[k].type, families[k].help);
		for (size_t i = 0; i < n; i++) {
			unsigned long long x =
			    figure(&families[k], &v[i], &u[i], now_real, now_boot);
			if (x != OPS_NONE) /* (no such file: no sample) */
				sample(f, &families[k], &v[i], x);
		}
	}
}

/* The metrics of every live session into f. 0 or -errno (message written). */
static int metrics_now(FILE *f)
{
	struct session_record *v;
	_cleanup_free_ struct ops_usage *u = NULL;
	struct timespec boot;
	size_t n;
	int r;

	if ((r = ops_sessions_load(&v, &n)) < 0) {
		fprintf(stderr, "confinectl: cannot read %s: %s\n", CONFINE_SESSIONS_DIR,
			strerror(-r));
		return r;
	}
	if (!(u = calloc(n ? n : 1, sizeof(*u)))) {
		free(v);
		fputs("confinectl: out of memory\n", stderr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		ops_usage_read(v[i].cg.cgroup, &u[i]);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	metrics_write(f, v, u, n, (unsigned long long)time(NULL), (unsigned long long)boot.tv_sec);
	free(v);
	return 0;
}

/*
 * Writes the metrics to path atomically: a new file next to it (O_EXCL, never through a
 * link; its name does not end in .prom, which the textfile collector skips), renamed over
 * path once complete, so a scrape sees the old file or the new one, never half of one.
 */
static int metrics_to_file(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	_cleanup_close_ int dfd = -1;
	_cleanup_fclose_ FILE *f = NULL;
	int fd, r;

	if (!*base || (size_t)(base - path) >= sizeof(dir) ||
	    snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", base, (int)getpid()) >= (int)sizeof(tmp)) {
		fprintf(stderr, "confinectl metrics: --output: '%s' names no file\n", path);
		return -EINVAL;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	if ((dfd = open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) <
		0) {
		r = negerrno();
		fprintf(stderr, "confinectl metrics: cannot write in the directory of %s: %s\n",
			path, strerror(-r));
		return r;
	}
	if (!(f = fdopen(fd, "w"))) {
		r = negerrno();
		close(fd);
	} else if ((r = metrics_now(f)) < 0) {
		(void)unlinkat(dfd, tmp, 0); /* (metrics_now said why) */
		return r;
	} else if (fflush(f) != 0 || fsync(fileno(f)) < 0 || renameat(dfd, tmp, dfd, base) < 0) {
		r = negerrno();
	}
	if (r < 0) {
		fprintf(stderr, "confinectl metrics: cannot write %s: %s\n", path, strerror(-r));
		(void)unlinkat(dfd, tmp, 0);
	}
	return r;
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, {}};
	const char *output = NULL;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		if (c != 'o') {
			fputs(METRICS_USAGE, stderr);
			return OPS_EXIT_USAGE;
		}
		output = optarg;
	}
	if (optind != argc) {
		fprintf(stderr, "confinectl metrics: unexpected argument '%s'\n" METRICS_USAGE,
			argv[optind]);
		return OPS_EXIT_USAGE;
	}
	if (output)
		return metrics_to_file(output) == 0 ? OPS_EXIT_OK : OPS_EXIT_FAIL;
	if (metrics_now(stdout) < 0)
		return OPS_EXIT_FAIL;
	return fflush(stdout) == 0 ? OPS_EXIT_OK : OPS_EXIT_FAIL;
}
