/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The live sessions' records and their cgroups' figures, read only (ops-session.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "cgroup.h"
#include "ops-format.h"
#include "ops-session.h"
#include "util.h"

static unsigned long long read_limit(int dirfd, const char *name)
{
	char buf[64];
	unsigned long long v;

	if (cgroup_read(dirfd, name, buf, sizeof(buf)) < 0 || ops_parse_limit(buf, &v) < 0)
		return OPS_NONE;
	return v;
}

static unsigned long long kv(const char *text, const char *key)
{
	unsigned long long v;

	return text[0] && ops_kv_get(text, key, &v) == 0 ? v : OPS_NONE;
}

void ops_usage_read(const char *path, struct ops_usage *u)
{
	_cleanup_close_ int dfd = -1;
	char ev[512] = "", pev[128] = "", cpu[1024] = "", io[8192];

	memset(u, 0xff, offsetof(struct ops_usage, cpu_max)); /* every figure OPS_NONE */
	u->cpu_max[0] = '\0';
	if (!path || !path[0] ||
	    (dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	u->pids_current = read_limit(dfd, "pids.current");
	u->pids_max = read_limit(dfd, "pids.max");
	u->memory_current = read_limit(dfd, "memory.current");
	u->memory_max = read_limit(dfd, "memory.max");
	u->memory_high = read_limit(dfd, "memory.high");
	u->memory_peak = read_limit(dfd, "memory.peak"); /* Linux 5.19+ */
	u->swap_current = read_limit(dfd, "memory.swap.current");
	u->swap_max = read_limit(dfd, "memory.swap.max");
	(void)cgroup_read(dfd, "memory.events", ev, sizeof(ev));
	u->events_high = kv(ev, "high");
	u->events_max = kv(ev, "max");
	u->events_oom = kv(ev, "oom");
	u->events_oom_kill = kv(ev, "oom_kill");
	(void)cgroup_read(dfd, "pids.events", pev, sizeof(pev));
	u->events_pids_max = kv(pev, "max");
	(void)cgroup_read(dfd, "cpu.stat", cpu, sizeof(cpu));
	u->cpu_usage_usec = kv(cpu, "usage_usec");
	u->cpu_throttled_usec = kv(cpu, "throttled_usec");
	u->cpu_nr_throttled = kv(cpu, "nr_throttled");
	/* io.stat is there only where the io controller is enabled for the cgroup. */
	if (cgroup_read(dfd, "io.stat", io, sizeof(io)) < 0 ||
	    ops_io_stat(io, &u->io_rbytes, &u->io_wbytes) < 0)
		u->io_rbytes = u->io_wbytes = OPS_NONE;
	if (cgroup_read(dfd, "cpu.max", u->cpu_max, sizeof(u->cpu_max)) == 0)
		u->cpu_max[strcspn(u->cpu_max, "\n")] = '\0';
}

static int by_start(const void *a, const void *b)
{
	const struct session_record *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return strcmp(x->sid, y->sid);
}

int ops_sessions_load(struct session_record **ret, size_t *n)
{
	DIR *d = opendir(CONFINE_SESSIONS_DIR);
	struct session_record *v = NULL;
	struct dirent *de;
	size_t cap = 0;

	*ret = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : negerrno();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			struct session_record *nv = reallocarray(v, cap ? cap * 2 : 8, sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		int r = session_read(de->d_name, &v[*n]);
		if (r == 0)
			(*n)++;
		else if (r != -ENOENT) /* (closed meanwhile: not a problem) */
			fprintf(stderr,
				"confinectl: warning: %s/%s: unreadable session record: %s\n",
				CONFINE_SESSIONS_DIR, de->d_name, strerror(-r));
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_start);
	*ret = v;
	return 0;
}

unsigned long long ops_session_age(const struct session_record *r)
{
	struct timespec now;

	clock_gettime(CLOCK_BOOTTIME, &now);
	return (unsigned long long)now.tv_sec > r->started
		   ? (unsigned long long)now.tv_sec - r->started
		   : 0;
}

const char *ops_home_kind(const struct session_record *r, char *buf, size_t len)
{
	static const struct {
		long magic;
		const char *name;
	} types[] = {{0x794c7630, "overlay"}, {0x01021994, "tmpfs"}, {0xef53, "ext4"}};
	struct statx stx;
	struct statfs sf;

	snprintf(buf, len, "-");
	if (!r->home[0]) {
		snprintf(buf, len, "real");
		return buf;
	}
	/* Only a mount of its own counts: else statfs would name /run's tmpfs. */
	if (statx(AT_FDCWD, r->home, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0 ||
	    !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || statfs(r->home, &sf) < 0)
		return buf;
	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (sf.f_type == types[i].magic)
			snprintf(buf, len, "%s", types[i].name);
	return buf;
}

int ops_cgroup_pids(const char *path, pid_t **ret)
{
	char file[600], line[32];
	_cleanup_fclose_ FILE *f = NULL;
	pid_t *v = NULL;
	int n = 0, cap = 0;

	*ret = NULL;
	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	if (!(f = fopen(file, "re")))
		return negerrno();
	while (fgets(line, sizeof(line), f)) {
		if (n == cap) {
			pid_t *nv = reallocarray(v, cap ? (size_t)cap * 2 : 16, sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		v[n++] = (pid_t)atoi(line);
	}
	*ret = v;
	return n;
}

bool ops_pid_in_cgroup(pid_t pid, const char *path)
{
	char file[64], line[700];
	_cleanup_fclose_ FILE *f = NULL;
	size_t m = strlen(CGROUP_MOUNT);

	if (strncmp(path, CGROUP_MOUNT "/", m + 1) != 0)
		return false;
	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	if (!(f = fopen(file, "re")))
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			return streq(line + 3, path + m);
		}
	return false;
}
