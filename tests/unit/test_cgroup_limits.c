/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroupfs side of the profile table: cgroup_needed() and what cgroup_write_limits()
 * writes into each file of a session cgroup. A plain directory under /tmp stands in for
 * the cgroup (cgroup_write opens existing files only, as in cgroupfs); the files it does
 * not write stay empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../helper/cgroup.h"
#include "../../helper/config.h"
#include "../../helper/util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/confine-test-cgroup-XXXXXX";

static const char *const files[] = {
    "memory.max", "memory.high", "memory.swap.max", "memory.oom.group",
    "cpu.max",	  "cpu.weight",	 "cpuset.cpus",	    "pids.max",
    "io.max",	  "io.weight",	 "io.bfq.weight",
};

/* Loads a config of one profile "g" with body; NULL (and a failed test) on error. */
static struct confine_config *load(const char *body)
{
	struct error err = ERROR_INIT;
	struct confine_config *c = NULL;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/c.conf", tmpdir);
	f = fopen(path, "we");
	if (!f)
		abort();
	fprintf(f, "profiles = { g = { %s }; };\n", body);
	fclose(f);
	if (!ok(config_load(path, 0, &c, &err) == 0, "loads: %s", body))
		printf("#   %s\n", error_msg(&err));
	unlink(path);
	return c;
}

/* A fresh "cgroup": every file in files[] empty, except those in skip (space-separated). */
static int make_cgroup(const char *skip)
{
	char dir[256];
	int fd;

	snprintf(dir, sizeof(dir), "%s/cg", tmpdir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		abort();
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		(void)unlinkat(fd, files[i], 0);
		if (skip && strstr(skip, files[i]))
			continue;
		int f = openat(fd, files[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (f < 0)
			abort();
		close(f);
	}
	return fd;
}

/* "file=content;" for every file with content, in files[] order. */
static void contents(int fd, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		char buf[256] = "";
		int f = openat(fd, files[i], O_RDONLY | O_CLOEXEC);
		ssize_t n = f < 0 ? 0 : read(f, buf, sizeof(buf) - 1);

		if (f >= 0)
			close(f);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		snprintf(out + strlen(out), len - strlen(out), "%s=%s;", files[i], buf);
	}
}

static void cleanup(int fd)
{
	char dir[256];

	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		(void)unlinkat(fd, files[i], 0);
	close(fd);
	snprintf(dir, sizeof(dir), "%s/cg", tmpdir);
	rmdir(dir);
}

static const struct {
	const char *what;
	const char *body;    /* profile g */
	const char *io_dev;  /* as cgroup_io_device resolves io_path, or NULL */
	const char *skip;    /* files the "cgroup" lacks */
	const char *need;    /* cgroup_needed */
	int r;		     /* cgroup_write_limits */
	const char *written; /* file=content; ... */
} cases[] = {
    {.what = "defaults", .body = "", .need = "pids memory", .written = "memory.oom.group=1;"},
    {.what = "nothing at all", .body = "memory_oom_group = false;", .need = "pids"},
    {.what = "every session limit",
     .body = "memory_max = \"1G\"; memory_high = \"512M\"; memory_swap_max = 0; "
	     "cpu_quota = \"150%\"; cpu_weight = 50; cpuset_cpus = \"0-1,3\"; pids_max = 99; "
	     "io_path = \"/srv\"; io_read_bps = \"10M\"; io_write_iops = 300; io_weight = 20;"
	     "user_memory_max = \"2G\"; user_cpu_quota = \"200%\"; user_pids_max = 500;",
     .io_dev = "8:0",
     .need = "pids memory cpu cpuset io",
     .written = "memory.max=1073741824;memory.high=536870912;memory.swap.max=0;"
		"memory.oom.group=1;cpu.max=150000 100000;cpu.weight=50;cpuset.cpus=0-1,3;"
		"pids.max=99;io.max=8:0 rbps=10485760 wbps=max riops=max wiops=300;"
		"io.weight=8:0 20;"},
    {.what = "io limits without a device are not written",
     .body = "io_path = \"/srv\"; io_write_bps = \"1M\"; io_weight = 5; "
	     "memory_oom_group = false;",
     .need = "pids io"},
    {.what = "io_weight falls back to BFQ",
     .body = "io_path = \"/srv\"; io_weight = 7; memory_oom_group = false;",
     .io_dev = "254:16",
     .skip = "io.weight",
     .need = "pids io",
     .written = "io.bfq.weight=254:16 7;"},
    {.what = "io_weight without io.cost or BFQ",
     .body = "io_path = \"/srv\"; io_weight = 7; memory_oom_group = false;",
     .io_dev = "254:16",
     .skip = "io.weight io.bfq.weight",
     .need = "pids io",
     .r = -EOPNOTSUPP},
    {.what = "user limits alone need their controllers but write nothing in the session",
     .body = "user_memory_max = \"2G\"; user_cpu_quota = \"200%\"; memory_oom_group = false;",
     .need = "pids memory cpu"},
    {.what = "cpu_weight alone",
     .body = "cpu_weight = 10000; memory_oom_group = false;",
     .need = "pids cpu",
     .written = "cpu.weight=10000;"},
};

/* cgroup_enable writes only the controllers subtree_control lacks (every write makes the
 * kernel walk the cgroup's descendants), and nothing when all are on. */
static void test_enable(void)
{
	static const struct {
		const char *have, *after;
	} enable_cases[] = {
	    {"cpu memory pids\n", "cpu memory pids"},
	    {"memory cpu\n", "+pids "},
	    {"", "+memory +cpu +pids "},
	};
	char path[256], got[64];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", tmpdir);
	for (size_t i = 0; i < ELEMENTSOF(enable_cases); i++) {
		int fd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;
		FILE *f = fopen(path, "we");

		if (fd < 0 || !f)
			abort();
		fputs(enable_cases[i].have, f);
		fclose(f);
		r = cgroup_enable(fd, "memory cpu pids");
		/* A regular file is not truncated by the write: compare what was written. */
		got[0] = '\0';
		f = fopen(path, "re");
		if (f && !fgets(got, sizeof(got), f))
			got[0] = '\0';
		if (f)
			fclose(f);
		got[strcspn(got, "\n")] = '\0';
		if (!strchr(enable_cases[i].after, '+'))
			is_str(got, enable_cases[i].after, "enable with '%.*s' on: nothing written",
			       15, enable_cases[i].have);
		else
			ok(r == 0 && strncmp(got, enable_cases[i].after,
					     strlen(enable_cases[i].after)) == 0,
			   "enable with '%.10s' on: writes '%s' (file now '%s')",
			   enable_cases[i].have, enable_cases[i].after, got);
		unlink(path);
		close(fd);
	}
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	test_enable();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct confine_config *c = load(cases[i].body);
		const struct confine_profile *p = config_find_profile(c, "g");
		char need[64], got[1024];
		int fd;

		if (!p) {
			config_free(c);
			continue;
		}
		is_str(cgroup_needed(p, need, sizeof(need)), cases[i].need, "%s: controllers",
		       cases[i].what);
		fd = make_cgroup(cases[i].skip);
		is_int(cgroup_write_limits(fd, p, cases[i].io_dev), cases[i].r, "%s: result",
		       cases[i].what);
		contents(fd, got, sizeof(got));
		is_str(got, cases[i].written ? cases[i].written : "", "%s: files written",
		       cases[i].what);
		cleanup(fd);
		config_free(c);
	}
	if (rmdir(tmpdir) < 0)
		ok(0, "temp dir %s is empty at the end: %s", tmpdir, strerror(errno));
	return tap_done();
}
