/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "cgroup.h"
#include "mountapi.h"
#include "profile.h"
#include "units.h"
#include "util.h"

int cgroup_write(int dirfd, const char *file, const char *val)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t n = strlen(val);

	if (fd < 0)
		return negerrno();
	if (write(fd, val, n) != (ssize_t)n)
		return negerrno();
	return 0;
}
int cgroup_read(int dirfd, const char *file, char *buf, size_t len)
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

/* True when a row of the table with controller c holds a limit in p. */
static bool controller_used(const struct confine_profile *p, const char *c)
{
	PROFILE_KEYS_FOREACH (k)
		if (k->controller && streq(k->controller, c) && profile_key_set(p, k))
			return true;
	return false;
}

/* True when an earlier row of the table than row has row's controller. */
static bool controller_seen(const struct profile_key *row)
{
	for (const struct profile_key *k = profile_keys; k < row; k++)
		if (k->controller && streq(k->controller, row->controller))
			return true;
	return false;
}

const char *cgroup_needed(const struct confine_profile *p, char *buf, size_t len)
{
	size_t n;

	/* pids always: it is what makes "kill the whole session" and fork bombs bounded. Then
	 * the others in the order the table first names them. */
	snprintf(buf, len, "pids");
	PROFILE_KEYS_FOREACH (k) {
		if (!k->controller || streq(k->controller, "pids") || controller_seen(k) ||
		    !controller_used(p, k->controller))
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, " %s", k->controller);
	}
	return buf;
}

static bool is_cgroup2(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/*
 * Opens the root of the cgroup2 mount that holds path (or would hold it: path need not
 * exist yet). -ENOTSUP when path is not below a cgroup2 mount.
 */
static int open_mount_root(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int fd = -1;

	if (!copy)
		return -ENOMEM;
	/* The nearest existing ancestor (or path itself) must be on cgroup2 ... */
	for (;;) {
		fd = open(copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char *slash = strrchr(copy, '/');
		if (fd < 0 && errno != ENOENT)
			return negerrno(); /* a local failure, not a fact about the host */
		if (fd >= 0 || !slash || slash == copy)
			break;
		*slash = '\0';
	}
	if (fd < 0 || !is_cgroup2(fd))
		return -ENOTSUP; // cppcheck-suppress memleak
	/* ... and its topmost cgroup2 ancestor is the mount root. */
	for (;;) {
		int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			return negerrno();
		if (!is_cgroup2(up)) {
			close(up);
			return TAKE_FD(fd);
		}
		close(fd);
		fd = up;
	}
}

int cgroup_check(const char *dir, const struct confine_profile *p, struct error *err)
{
	_cleanup_close_ int mfd = open_mount_root(dir);
	char need[64], have[512];
	int r;

	cgroup_needed(p, need, sizeof(need));
	if (mfd == -ENOTSUP)
		return error_set(
		    err, -ENOTSUP,
		    "%s is not on a cgroup v2 mount (v1 or hybrid host): controllers %s "
		    "are not available in cgroup v2",
		    dir, need);
	if (mfd < 0)
		return error_set_errno(err, mfd, "cannot open the cgroup2 mount holding %s", dir);
	r = cgroup_read(mfd, "cgroup.controllers", have, sizeof(have));
	if (r < 0)
		return error_set_errno(err, r, "cannot read cgroup.controllers");
	for (char *save = NULL, *w = strtok_r(need, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!has_word(have, w))
			return error_set(
			    err, -ENOTSUP,
			    "cgroup v2 controller '%s' is not available on this host (it "
			    "is bound to cgroup v1, or not built into the kernel)",
			    w);
	return 0;
}

int cgroup_io_device(const char *path, char *buf, size_t len)
{
	/* io_path may lead through users' directories: follow no symlink they could plant. */
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int fd = sys_openat2(AT_FDCWD, path, &how), sys = -1;
	char sysdev[64], dev[32];
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return negerrno();
	/* Anonymous devices (major 0) are tmpfs, overlayfs, NFS ...: no disk to throttle. */
	if (major(st.st_dev) == 0)
		return -ENOTBLK;
	snprintf(sysdev, sizeof(sysdev), "/sys/dev/block/%u:%u", major(st.st_dev),
		 minor(st.st_dev));
	sys = open(sysdev, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sys < 0)
		return errno == ENOENT ? -ENOTBLK : negerrno();
	/* A partition's parent directory in sysfs is its disk; io.max wants the disk. */
	if (faccessat(sys, "partition", F_OK, 0) == 0)
		r = cgroup_read(sys, "../dev", dev, sizeof(dev));
	else
		r = cgroup_read(sys, "dev", dev, sizeof(dev));
	if (r < 0)
		return r;
	dev[strcspn(dev, "\n")] = '\0';
	snprintf(buf, len, "%s", dev);
	return 0;
}

int cgroup_io_devnode(const char *dev, char *buf, size_t len)
{
	char path[64], uevent[512], *name;
	_cleanup_close_ int fd = -1;
	int r;

	snprintf(path, sizeof(path), "/sys/dev/block/%s", dev);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	if ((r = cgroup_read(fd, "uevent", uevent, sizeof(uevent))) < 0)
		return r;
	if (!(name = strstr(uevent, "DEVNAME=")) || (name != uevent && name[-1] != '\n'))
		return -ENODEV;
	name += strlen("DEVNAME=");
	name[strcspn(name, "\n")] = '\0';
	if (!*name || strstr(name, ".."))
		return -ENODEV;
	if ((size_t)snprintf(buf, len, "/dev/%s", name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Enables the controllers of need for the children of dirfd, writing only those not on
 * yet. Every write of cgroup.subtree_control, even one that changes nothing, walks all the
 * descendants of the cgroup in the kernel (cgroup_lock_and_drain_offline): at the root,
 * every cgroup of the host, at confine's, every session. A read does not.
 */
int cgroup_enable(int dirfd, const char *need)
{
	char buf[128] = "", *w, *save = NULL, copy[64], have[256] = "";

	(void)cgroup_read(dirfd, "cgroup.subtree_control", have, sizeof(have));
	snprintf(copy, sizeof(copy), "%s", need);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (has_word(have, w))
			continue;
		strncat(buf, "+", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, w, sizeof(buf) - strlen(buf) - 1);
		strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
	}
	return buf[0] ? cgroup_write(dirfd, "cgroup.subtree_control", buf) : 0;
}

int cgroup_mkdir(int dirfd, const char *name)
{
	/* Root-owned 0755: users can read their limits but never create or move cgroups. */
	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return negerrno();
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? negerrno() : fd;
}

static const char *num_or_max(uint64_t v, char *buf, size_t len)
{
	if (v == UNIT_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* cpu.max for a percentage of one CPU over a 100 ms period (0: no limit). */
static const char *cpu_max(unsigned percent, char *buf, size_t len)
{
	if (percent)
		snprintf(buf, len, "%u 100000", percent * 1000);
	else
		snprintf(buf, len, "max 100000");
	return buf;
}

/* "DEV rbps=.. wbps=.. riops=.. wiops=..": every io.max row of the table, "max" for unset. */
static int write_io_max(int fd, const struct confine_profile *p, const char *io_dev)
{
	char v[160], num[24];
	bool any = false;
	size_t n;

	snprintf(v, sizeof(v), "%s", io_dev);
	PROFILE_KEYS_FOREACH (k) {
		if (k->cg_format != CG_IO_MAX)
			continue;
		any = any || profile_key_set(p, k);
		n = strlen(v);
		snprintf(v + n, sizeof(v) - n, " %s=%s", k->cg_key,
			 num_or_max(profile_num(p, k), num, sizeof(num)));
	}
	return any ? cgroup_write(fd, "io.max", v) : 0;
}

/* Writes the value of row k into its cgroup file (CG_IO_MAX: see write_io_max). */
static int write_limit(int fd, const struct confine_profile *p, const struct profile_key *k,
		       const char *io_dev)
{
	uint64_t n = k->cg_format == CG_STRING ? 0 : profile_num(p, k);
	char v[160];
	int r;

	switch (k->cg_format) {
	case CG_NUM:
		return cgroup_write(fd, k->cg_file, num_or_max(n, v, sizeof(v)));
	case CG_ONE:
		return cgroup_write(fd, k->cg_file, "1");
	case CG_CPU_MAX:
		return cgroup_write(fd, k->cg_file, cpu_max((unsigned)n, v, sizeof(v)));
	case CG_STRING:
		return cgroup_write(fd, k->cg_file, profile_cstr(p, k));
	case CG_IO_WEIGHT:
		/* Per-device weights need io.cost on the device, or else the BFQ scheduler. */
		snprintf(v, sizeof(v), "%s %" PRIu64, io_dev, n);
		r = cgroup_write(fd, k->cg_file, v);
		if (r == -EOPNOTSUPP || r == -ENOENT)
			r = cgroup_write(fd, "io.bfq.weight", v);
		return r == -ENOENT ? -EOPNOTSUPP : r;
	case CG_IO_MAX:
	case CG_NONE:
		break;
	}
	return 0;
}

int cgroup_write_limits(int fd, const struct confine_profile *p, const char *io_dev)
{
	bool io_max_done = false;
	int r;

	PROFILE_KEYS_FOREACH (k) {
		if (!k->cg_file || (k->flags & KEY_F_USER) || ((k->flags & KEY_F_IO) && !io_dev))
			continue;
		if (k->cg_format == CG_IO_MAX) {
			if (io_max_done)
				continue;
			io_max_done = true;
			r = write_io_max(fd, p, io_dev);
		} else if (profile_key_set(p, k)) {
			r = write_limit(fd, p, k, io_dev);
		} else {
			continue;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The per-user aggregate: always written (where its controller is on), so a changed
 * profile takes effect. */
static int write_user_limits(int fd, const struct confine_profile *p)
{
	char need[64];
	int r;

	cgroup_needed(p, need, sizeof(need));
	PROFILE_KEYS_FOREACH (k) {
		if (!(k->flags & KEY_F_USER) || !k->cg_file || !has_word(need, k->controller))
			continue;
		if ((r = write_limit(fd, p, k, NULL)) < 0)
			return r;
	}
	return 0;
}

/*
 * Opens the directory path, creating the components below the cgroup2 mount and enabling
 * the needed controllers in each cgroup on the way (the parent must hand a controller down
 * before a child can use it). Components above the mount must exist. O_NOFOLLOW at each step.
 */
static int open_root(const char *path, const char *need)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	if (fd < 0)
		return negerrno(); // cppcheck-suppress memleak
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next;
		if (is_cgroup2(fd)) {
			int r = cgroup_enable(fd, need);
			if (r < 0)
				return r;
			next = cgroup_mkdir(fd, c);
			if (next < 0)
				return next;
		} else {
			next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (next < 0)
				return negerrno();
		}
		close(fd);
		fd = next;
	}
	if (!is_cgroup2(fd))
		return -ENOTSUP;
	return TAKE_FD(fd);
}

int cgroup_create(const char *cgroup_root, uid_t uid, const char *name,
		  const struct confine_profile *p, const char *io_dev, char *leaf, size_t len)
{
	_cleanup_close_ int rfd = -1, ufd = -1, lfd = -1;
	char need[64], user[32] = "";
	int r, pfd;

	cgroup_needed(p, need, sizeof(need));
	rfd = open_root(cgroup_root, need);
	if (rfd < 0)
		return rfd;
	if ((r = cgroup_enable(rfd, need)) < 0)
		return r;
	pfd = rfd;
	if (uid != (uid_t)-1) {
		/* One cgroup per user above its sessions: the budget they share. */
		snprintf(user, sizeof(user), "user-%u", (unsigned)uid);
		ufd = cgroup_mkdir(rfd, user);
		if (ufd < 0)
			return ufd;
		if ((r = write_user_limits(ufd, p)) < 0 || (r = cgroup_enable(ufd, need)) < 0)
			return r;
		pfd = ufd;
	}
	if (snprintf(leaf, len, "%s%s%s/%s", cgroup_root, user[0] ? "/" : "", user, name) >=
	    (int)len)
		return -ENAMETOOLONG;
	if (mkdirat(pfd, name, 0755) < 0)
		return negerrno();
	lfd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (lfd < 0)
		r = negerrno();
	else
		r = cgroup_write_limits(lfd, p, io_dev);
	if (r < 0) {
		(void)unlinkat(pfd, name, AT_REMOVEDIR);
		return r;
	}
	return TAKE_FD(lfd);
}

int cgroup_attach(int leaf_fd, pid_t pid)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", (int)pid);
	return cgroup_write(leaf_fd, "cgroup.procs", v);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "oom_kill N" of memory.events; 0 without the memory controller. */
static unsigned long long oom_kills_of(int fd)
{
	char buf[512];
	const char *k;

	if (cgroup_read(fd, "memory.events", buf, sizeof(buf)) < 0 ||
	    !(k = strstr(buf, "oom_kill ")))
		return 0;
	return strtoull(k + strlen("oom_kill "), NULL, 10);
}

/* Splits path into an fd of its parent directory and its last component. */
static int open_parent(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char dir[512];

	if (!slash || !slash[1] || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	*name = slash + 1;
	int fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? negerrno() : fd;
}

int cgroup_destroy(const char *path, unsigned long long *oom_kills)
{
	_cleanup_close_ int pfd = -1, leaf = -1, ev = -1;
	const char *name;
	int64_t deadline;
	char buf[256];
	int r;

	if (oom_kills)
		*oom_kills = 0;
	pfd = open_parent(path, &name);
	if (pfd < 0)
		return pfd == -ENOENT ? 0 : pfd;
	leaf = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (leaf < 0)
		return errno == ENOENT ? 0 : negerrno();
	if (oom_kills)
		*oom_kills = oom_kills_of(leaf);
	/* Usually empty already (the sandbox's PID 1 took every process with it): then rmdir
	 * is all there is to do. EBUSY: processes (or child cgroups) are left, kill them. */
	if (unlinkat(pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return negerrno();
	/* One write kills every process of the session, including ones forked meanwhile. */
	r = cgroup_write(leaf, "cgroup.kill", "1");
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
		struct pollfd pe = {.fd = ev, .events = POLLPRI};
		(void)poll(&pe, 1, left > 100 ? 100 : (int)left);
	}
	/* rmdir can briefly see EBUSY while the last task's exit is still being accounted. */
	for (int i = 0; i < 100; i++) {
		if (unlinkat(pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return negerrno();
		usleep(1000);
	}
	return -EBUSY;
}

int cgroup_remove_if_unused(const char *path)
{
	_cleanup_close_ int pfd = -1;
	const char *name;

	pfd = open_parent(path, &name);
	if (pfd < 0)
		return pfd == -ENOENT ? 0 : pfd;
	if (unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != EBUSY &&
	    errno != ENOTEMPTY)
		return negerrno();
	return 0;
}
