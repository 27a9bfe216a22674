/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <libgen.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "cgroup.h"
#include "units.h"
#include "util.h"

static int write_at(int dirfd, const char *file, const char *val)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t n = strlen(val);

	if (fd < 0)
		return negerrno();
	if (write(fd, val, n) != (ssize_t)n)
		return negerrno();
	return 0;
}

static int read_at(int dirfd, const char *file, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return negerrno();
	n = read(fd, buf, len - 1);
	if (n < 0)
		return negerrno();
	buf[n] = '\0';
	return 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

const char *cgroup_needed(const struct confine_profile *p, char *buf, size_t len)
{
	/* pids always: it is what makes "kill the whole session" and fork bombs bounded. */
	snprintf(buf, len, "pids%s%s",
		 p->memory_max != UNIT_MAX || p->memory_high != UNIT_MAX ||
				 p->memory_swap_max != UNIT_MAX
			 ? " memory"
			 : "",
		 p->cpu_quota || p->cpu_weight ? " cpu" : "");
	return buf;
}

/* Opens the directory that will hold cgroup_root (normally the cgroup2 mount). */
static int open_parent(const char *cgroup_root)
{
	_cleanup_free_ char *copy = strdup(cgroup_root);

	if (!copy)
		return -ENOMEM;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? negerrno() : fd;
}

int cgroup_check(const char *cgroup_root, const struct confine_profile *p, char *msg, size_t len)
{
	_cleanup_close_ int pfd = open_parent(cgroup_root);
	char need[64], have[512];
	struct statfs sfs;
	int r;

	cgroup_needed(p, need, sizeof(need));
	if (pfd < 0) {
		snprintf(msg, len, "cannot open the parent of %s: %s", cgroup_root,
			 strerror(-pfd));
		return pfd;
	}
	if (fstatfs(pfd, &sfs) < 0)
		return negerrno();
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		snprintf(msg, len,
			 "the parent of %s is not a cgroup v2 mount (v1 or hybrid host): "
			 "controllers %s are not available in cgroup v2",
			 cgroup_root, need);
		return -ENOTSUP;
	}
	r = read_at(pfd, "cgroup.controllers", have, sizeof(have));
	if (r < 0) {
		snprintf(msg, len, "cannot read cgroup.controllers: %s", strerror(-r));
		return r;
	}
	for (char *save = NULL, *w = strtok_r(need, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!has_word(have, w)) {
			snprintf(msg, len,
				 "cgroup v2 controller '%s' is not available below %s "
				 "(it is bound to cgroup v1, or not delegated)",
				 w, cgroup_root);
			return -ENOTSUP;
		}
	return 0;
}

/* Enables the needed controllers for the children of dirfd. */
static int enable_controllers(int dirfd, const char *need)
{
	char buf[128] = "", *w, *save = NULL, copy[64];

	snprintf(copy, sizeof(copy), "%s", need);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		strncat(buf, "+", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, w, sizeof(buf) - strlen(buf) - 1);
		strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
	}
	return write_at(dirfd, "cgroup.subtree_control", buf);
}

static int write_limits(int fd, const struct confine_profile *p)
{
	char v[64];
	int r;

	if (p->memory_max != UNIT_MAX) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->memory_max);
		if ((r = write_at(fd, "memory.max", v)) < 0)
			return r;
	}
	if (p->memory_high != UNIT_MAX) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->memory_high);
		if ((r = write_at(fd, "memory.high", v)) < 0)
			return r;
	}
	if (p->memory_swap_max != UNIT_MAX) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->memory_swap_max);
		if ((r = write_at(fd, "memory.swap.max", v)) < 0)
			return r;
	}
	if (p->cpu_quota) {
		/* Percent of one CPU over a 100 ms period. */
		snprintf(v, sizeof(v), "%u 100000", p->cpu_quota * 1000);
		if ((r = write_at(fd, "cpu.max", v)) < 0)
			return r;
	}
	if (p->cpu_weight) {
		snprintf(v, sizeof(v), "%u", p->cpu_weight);
		if ((r = write_at(fd, "cpu.weight", v)) < 0)
			return r;
	}
	if (p->pids_max != UNIT_MAX) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->pids_max);
		if ((r = write_at(fd, "pids.max", v)) < 0)
			return r;
	}
	return 0;
}

int cgroup_create(const char *cgroup_root, const char *name, const struct confine_profile *p)
{
	_cleanup_close_ int pfd = open_parent(cgroup_root), rfd = -1, leaf = -1;
	_cleanup_free_ char *copy = strdup(cgroup_root);
	char need[64];
	int r;

	/* cppcheck does not know __attribute__((cleanup)): copy is freed by _cleanup_free_. */
	if (pfd < 0)
		return pfd; // cppcheck-suppress memleak
	if (!copy)
		return -ENOMEM;
	cgroup_needed(p, need, sizeof(need));
	/* The parent must hand the controllers down before our root can use them. */
	if ((r = enable_controllers(pfd, need)) < 0)
		return r; // cppcheck-suppress memleak
	/* Root-owned 0755: users can read their limits but never create or move cgroups. */
	if (mkdirat(pfd, basename(copy), 0755) < 0 && errno != EEXIST)
		return negerrno();
	rfd = openat(pfd, basename(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (rfd < 0)
		return negerrno();
	if ((r = enable_controllers(rfd, need)) < 0)
		return r;
	if (mkdirat(rfd, name, 0755) < 0)
		return negerrno();
	leaf = openat(rfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (leaf < 0)
		r = negerrno();
	else
		r = write_limits(leaf, p);
	if (r < 0) {
		(void)unlinkat(rfd, name, AT_REMOVEDIR);
		return r;
	}
	return TAKE_FD(leaf);
}

int cgroup_attach(int leaf_fd, pid_t pid)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	return write_at(leaf_fd, "cgroup.procs", v);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cgroup_destroy(const char *cgroup_root, const char *name)
{
	_cleanup_close_ int rfd = open(cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), leaf = -1,
			    ev = -1;
	int64_t deadline;
	char buf[256];
	int r;

	if (rfd < 0)
		return errno == ENOENT ? 0 : negerrno();
	leaf = openat(rfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (leaf < 0)
		return errno == ENOENT ? 0 : negerrno();
	/* One write kills every process of the session, including ones forked meanwhile. */
	r = write_at(leaf, "cgroup.kill", "1");
	if (r < 0 && r != -ENOENT)
		return r;
	ev = openat(leaf, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (ev < 0)
		return negerrno();
	/* cgroup.events signals POLLPRI when "populated" changes; wait for it to drop to 0. */
	deadline = now_ms() + 10000;
	for (;;) {
		ssize_t n = pread(ev, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return negerrno();
		buf[n] = '\0';
		if (strstr(buf, "populated 0"))
			break;
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pfd = {.fd = ev, .events = POLLPRI};
		(void)poll(&pfd, 1, left > 100 ? 100 : (int)left);
	}
	/* rmdir can briefly see EBUSY while the last task's exit is still being accounted. */
	for (int i = 0; i < 100; i++) {
		if (unlinkat(rfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return negerrno();
		usleep(1000);
	}
	return -EBUSY;
}
