/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup-systemd.h"
#include "cgroup.h"
#include "profile.h"
#include "units.h"
#include "util.h"

bool systemd_booted(void)
{
	struct stat st;

	/* What sd_booted(3) tests: systemd creates this directory early at boot. */
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

#ifndef HAVE_LIBSYSTEMD

bool systemd_built_in(void)
{
	return false;
}

int systemd_scope_start(const char *unit, const char *slice, bool create_slice,
			const char *description, const struct confine_profile *p,
			const char *io_dev, pid_t pid, char *leaf, size_t len, struct error *err)
{
	(void)unit, (void)slice, (void)create_slice, (void)description, (void)p, (void)io_dev,
	    (void)pid, (void)leaf, (void)len;
	return error_set(err, -EOPNOTSUPP, "confine was built without libsystemd");
}

int systemd_unit_loaded(const char *unit)
{
	(void)unit;
	return -EOPNOTSUPP;
}

int systemd_slice_set(const char *slice, const struct confine_profile *p, struct error *err)
{
	(void)slice, (void)p;
	return error_set(err, -EOPNOTSUPP, "confine was built without libsystemd");
}

int systemd_unit_stop(const char *unit, struct error *err)
{
	(void)unit;
	return error_set(err, -EOPNOTSUPP, "confine was built without libsystemd");
}

#else /* HAVE_LIBSYSTEMD */

#include <dlfcn.h>
#include <systemd/sd-bus.h>

/*
 * libsystemd is loaded when the systemd backend is used, not linked: on hosts without
 * systemd every login would otherwise pay for loading it (and libgcrypt, liblz4, ...).
 * dlopen by soname, from the system's library path (the helper runs with an empty
 * environment).
 */
static struct {
	bool loaded;
	typeof(sd_bus_call) *call;
	typeof(sd_bus_call_method) *call_method;
	typeof(sd_bus_error_free) *error_free;
	typeof(sd_bus_error_has_name) *error_has_name;
	typeof(sd_bus_flush_close_unref) *flush_close_unref;
	typeof(sd_bus_match_signal) *match_signal;
	typeof(sd_bus_message_append) *message_append;
	typeof(sd_bus_message_get_sender) *message_get_sender;
	typeof(sd_bus_message_append_array) *message_append_array;
	typeof(sd_bus_message_close_container) *message_close_container;
	typeof(sd_bus_message_new_method_call) *message_new_method_call;
	typeof(sd_bus_message_open_container) *message_open_container;
	typeof(sd_bus_message_read) *message_read;
	typeof(sd_bus_message_unref) *message_unref;
	typeof(sd_bus_open_system) *open_system;
	typeof(sd_bus_process) *process;
	typeof(sd_bus_slot_unref) *slot_unref;
	typeof(sd_bus_wait) *wait;
} sd;

static int sd_load(struct error *err)
{
	static const char *const names[] = {
	    "sd_bus_call",
	    "sd_bus_call_method",
	    "sd_bus_error_free",
	    "sd_bus_error_has_name",
	    "sd_bus_flush_close_unref",
	    "sd_bus_match_signal",
	    "sd_bus_message_append",
	    "sd_bus_message_get_sender",
	    "sd_bus_message_append_array",
	    "sd_bus_message_close_container",
	    "sd_bus_message_new_method_call",
	    "sd_bus_message_open_container",
	    "sd_bus_message_read",
	    "sd_bus_message_unref",
	    "sd_bus_open_system",
	    "sd_bus_process",
	    "sd_bus_slot_unref",
	    "sd_bus_wait",
	};
	void **slots[] = {
	    (void **)&sd.call,
	    (void **)&sd.call_method,
	    (void **)&sd.error_free,
	    (void **)&sd.error_has_name,
	    (void **)&sd.flush_close_unref,
	    (void **)&sd.match_signal,
	    (void **)&sd.message_append,
	    (void **)&sd.message_get_sender,
	    (void **)&sd.message_append_array,
	    (void **)&sd.message_close_container,
	    (void **)&sd.message_new_method_call,
	    (void **)&sd.message_open_container,
	    (void **)&sd.message_read,
	    (void **)&sd.message_unref,
	    (void **)&sd.open_system,
	    (void **)&sd.process,
	    (void **)&sd.slot_unref,
	    (void **)&sd.wait,
	};
	void *h;

	if (sd.loaded)
		return 0;
	h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h)
		return error_set(err, -EOPNOTSUPP, "the systemd backend needs libsystemd.so.0: %s",
				 dlerror());
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (!(*slots[i] = dlsym(h, names[i])))
			return error_set(err, -EOPNOTSUPP, "libsystemd.so.0 lacks %s", names[i]);
	sd.loaded = true;
	return 0;
}

#define SD_DEST	       "org.freedesktop.systemd1"
#define SD_PATH	       "/org/freedesktop/systemd1"
#define SD_MANAGER     SD_DEST ".Manager"
#define JOB_WAIT_USEC  (30ULL * 1000 * 1000)

static inline void bus_unrefp(sd_bus **b)
{
	if (*b)
		sd.flush_close_unref(*b);
}
static inline void msg_unrefp(sd_bus_message **m)
{
	if (*m)
		sd.message_unref(*m);
}
static inline void slot_unrefp(sd_bus_slot **s)
{
	if (*s)
		sd.slot_unref(*s);
}
#define _cleanup_bus_  __attribute__((cleanup(bus_unrefp)))
#define _cleanup_msg_  __attribute__((cleanup(msg_unrefp)))
#define _cleanup_slot_ __attribute__((cleanup(slot_unrefp)))

bool systemd_built_in(void)
{
	return true;
}

struct job_wait {
	char owner[128]; /* systemd's unique bus name: only its signals count */
	char path[256];	 /* the job to wait for; "" until the call returned it */
	char result[32];
	bool done;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	(void)e;
	/* Any bus client may send a signal named like systemd's: check who sent it. */
	const char *sender = sd.message_get_sender(m);
	if (!sender || !streq(sender, w->owner))
		return 0;
	if (sd.message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path[0] && streq(path, w->path)) {
		snprintf(w->result, sizeof(w->result), "%s", result);
		w->done = true;
	}
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Runs the bus until the job in w is removed; its result must be "done". */
static int wait_job(sd_bus *bus, struct job_wait *w, struct error *err)
{
	uint64_t deadline = now_usec() + JOB_WAIT_USEC;
	int r;

	while (!w->done) {
		r = sd.process(bus, NULL);
		if (r < 0)
			return error_set_errno(err, r, "D-Bus");
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (now >= deadline)
			return error_set(err, -ETIMEDOUT, "systemd job %s did not finish in time",
					 w->path);
		r = sd.wait(bus, deadline - now);
		if (r < 0 && r != -EINTR)
			return error_set_errno(err, r, "D-Bus");
	}
	if (!streq(w->result, "done"))
		return error_set(err, -EIO, "systemd job %s ended with result '%s'", w->path,
				 w->result);
	return 0;
}

/* Connects to the system bus and subscribes to JobRemoved before any job is queued. */
static int connect_bus(sd_bus **bus, sd_bus_slot **slot, struct job_wait *w, struct error *err)
{
	int r = sd_load(err);

	if (r < 0)
		return r;
	r = sd.open_system(bus);

	if (r < 0)
		return error_set_errno(err, r, "cannot connect to the system bus");
	r = sd.match_signal(*bus, slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed,
			    w);
	if (r < 0)
		return error_set_errno(err, r, "cannot subscribe to systemd's job signals");
	_cleanup_msg_ sd_bus_message *reply = NULL;
	const char *owner;
	r = sd.call_method(*bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			   "org.freedesktop.DBus", "GetNameOwner", NULL, &reply, "s", SD_DEST);
	if (r < 0 || (r = sd.message_read(reply, "s", &owner)) < 0)
		return error_set_errno(err, r, "systemd is not on the system bus");
	snprintf(w->owner, sizeof(w->owner), "%s", owner);
	return 0;
}

static int append_u64(sd_bus_message *m, const char *name, uint64_t v)
{
	return sd.message_append(m, "(sv)", name, "t", v);
}

/* AllowedCPUs= takes a bitmask: bit j of byte i is CPU 8i+j. The list was validated. */
static int append_cpus(sd_bus_message *m, const char *name, const char *list)
{
	uint8_t mask[1024] = {0};
	size_t n = 0;
	int r;

	for (const char *s = list; *s;) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long c = a; c <= b && c / 8 < sizeof(mask); c++) {
			mask[c / 8] |= (uint8_t)(1U << (c % 8));
			if (c / 8 + 1 > n)
				n = c / 8 + 1;
		}
		s = *end ? end + 1 : end;
	}
	if ((r = sd.message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd.message_append(m, "s", name)) < 0 ||
	    (r = sd.message_open_container(m, 'v', "ay")) < 0 ||
	    (r = sd.message_append_array(m, 'y', mask, n)) < 0 ||
	    (r = sd.message_close_container(m)) < 0)
		return r;
	return sd.message_close_container(m);
}

/* A per-device io property, a(st), on the device node the helper resolved from io_path. */
static int append_io(sd_bus_message *m, const char *name, const char *path, uint64_t v)
{
	if (v == UNIT_MAX)
		return 0;
	return sd.message_append(m, "(sv)", name, "a(st)", 1, path, v);
}

/* The property value of row k: CPUQuotaPerSecUSec is 10 ms per second for 1%, 0 none. */
static uint64_t sd_value(const struct confine_profile *p, const struct profile_key *k)
{
	uint64_t v = profile_num(p, k);

	if (k->sd_format == SD_CPU_QUOTA)
		return v ? v * 10000 : UNIT_MAX;
	return v;
}

/* The profile's session limits as unit properties (UNIT_MAX is systemd's "infinity" too). */
static int append_session_limits(sd_bus_message *m, const struct confine_profile *p,
				 const char *io_node)
{
	int r = 0;

	PROFILE_KEYS_FOREACH (k) {
		if (!k->sd_prop || (k->flags & KEY_F_USER) || !profile_key_set(p, k))
			continue;
		switch (k->sd_format) {
		case SD_U64:
		case SD_CPU_QUOTA:
			r = append_u64(m, k->sd_prop, sd_value(p, k));
			break;
		case SD_CPUS:
			r = append_cpus(m, k->sd_prop, profile_cstr(p, k));
			break;
		case SD_IO:
			if (io_node)
				r = append_io(m, k->sd_prop, io_node, profile_num(p, k));
			break;
		case SD_NONE:
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The aggregate: always every one, so a changed profile resets what it no longer sets. */
static int append_user_limits(sd_bus_message *m, const struct confine_profile *p)
{
	int r;

	PROFILE_KEYS_FOREACH (k)
		if (k->sd_prop && (k->flags & KEY_F_USER) &&
		    (r = append_u64(m, k->sd_prop, sd_value(p, k))) < 0)
			return r;
	return 0;
}

/*
 * The aggregate slice, created with the scope in one transaction when it does not exist: a
 * "user-" slice is StopWhenUnneeded (user-.slice.d), so alone it would stop at once.
 */
static int append_aux(sd_bus_message *m, const char *slice, bool create,
		      const struct confine_profile *p)
{
	int r;

	if (!create)
		return sd.message_append(m, "a(sa(sv))", 0);
	if ((r = sd.message_open_container(m, 'a', "(sa(sv))")) < 0 ||
	    (r = sd.message_open_container(m, 'r', "sa(sv)")) < 0 ||
	    (r = sd.message_append(m, "s", slice)) < 0 ||
	    (r = sd.message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = sd.message_append(m, "(sv)", "Description", "s",
				   "confine: all sessions of one user")) < 0 ||
	    (r = append_user_limits(m, p)) < 0 || (r = sd.message_close_container(m)) < 0 ||
	    (r = sd.message_close_container(m)) < 0)
		return r;
	return sd.message_close_container(m);
}

/* Reads the job path of a reply into w, so wait_job can recognise its JobRemoved. */
static int take_job(sd_bus_message *reply, struct job_wait *w)
{
	const char *job;
	int r = sd.message_read(reply, "o", &job);

	if (r < 0)
		return r;
	snprintf(w->path, sizeof(w->path), "%s", job);
	return 0;
}

/* The cgroup pid is in (its line "0::/path" of /proc/PID/cgroup), below the cgroup2 mount. */
static int cgroup_of(pid_t pid, char *buf, size_t len)
{
	char path[64], line[600];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (!(f = fopen(path, "re")))
		return negerrno();
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::/", 4) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if ((size_t)snprintf(buf, len, "%s%s", CGROUP_MOUNT, line + 3) >= len)
				return -ENAMETOOLONG;
			return 0;
		}
	return -ENOENT;
}

/*
 * Inside the delegated scope: supervisor/ for pid, payload/ for the session, with the
 * session limits written again on payload, so the session sees them in its own cgroup
 * (the scope's properties already bound it; the keeper is outside payload).
 */
static int populate_scope(const char *scope, const struct confine_profile *p, const char *io_dev,
			  pid_t pid, char *leaf, size_t len, struct error *err)
{
	_cleanup_close_ int sfd = open(scope, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW),
			    sup = -1, pay = -1;
	char need[64];
	int r;

	if (sfd < 0) {
		r = negerrno();
		return error_set_errno(err, r, "cannot open the scope's cgroup %s", scope);
	}
	if ((sup = cgroup_mkdir(sfd, "supervisor")) < 0 || (r = cgroup_attach(sup, pid)) < 0) {
		r = sup < 0 ? sup : r;
		return error_set_errno(err, r, "cannot move the supervisor into %s/supervisor",
				       scope);
	}
	/* Delegate=yes hands the scope every controller systemd knows: pass them on. */
	if ((r = cgroup_enable(sfd, cgroup_needed(p, need, sizeof(need)))) < 0)
		return error_set_errno(err, r, "cannot enable %s in %s", need, scope);
	if ((pay = cgroup_mkdir(sfd, "payload")) < 0)
		return error_set_errno(err, pay, "cannot create %s/payload", scope);
	if ((r = cgroup_write_limits(pay, p, io_dev)) < 0) {
		if (r == -EOPNOTSUPP && p->io_weight)
			return error_set(err, r,
					 "io_weight: block device %s of io_path %s has no "
					 "proportional io control (enable io.cost, or the bfq "
					 "scheduler)",
					 io_dev, p->io_path);
		return error_set_errno(err, r, "cannot write the limits of %s/payload", scope);
	}
	if ((size_t)snprintf(leaf, len, "%s/payload", scope) >= len)
		return error_set(err, -ENAMETOOLONG, "%s/payload: path too long", scope);
	return 0;
}

int systemd_scope_start(const char *unit, const char *slice, bool create_slice,
			const char *description, const struct confine_profile *p,
			const char *io_dev, pid_t pid, char *leaf, size_t len, struct error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_slot_ sd_bus_slot *slot = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct job_wait w = {0};
	char scope[512], node[300], *base;
	int r;

	/* systemd wants a path for io limits: the node of the disk the helper resolved. */
	if (io_dev && (r = cgroup_io_devnode(io_dev, node, sizeof(node))) < 0)
		return error_set_errno(err, r, "no device node for block device %s", io_dev);
	if ((r = connect_bus(&bus, &slot, &w, err)) < 0)
		return r;
	if ((r = sd.message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
					    "StartTransientUnit")) < 0 ||
	    (r = sd.message_append(m, "ss", unit, "fail")) < 0 ||
	    (r = sd.message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = sd.message_append(m, "(sv)", "Description", "s", description)) < 0 ||
	    (r = sd.message_append(m, "(sv)", "Slice", "s", slice)) < 0 ||
	    /* Delegate: the subtree below the scope is ours to write, and only that. */
	    (r = sd.message_append(m, "(sv)", "Delegate", "b", 1)) < 0 ||
	    (r = sd.message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid)) < 0 ||
	    /* Gone when stopped, failed or not: no unit outlives its session. */
	    (r = sd.message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed")) < 0 ||
	    (r = append_u64(m, "TimeoutStopUSec", 5ULL * 1000 * 1000)) < 0 ||
	    (r = append_session_limits(m, p, io_dev ? node : NULL)) < 0 ||
	    (r = sd.message_close_container(m)) < 0 ||
	    (r = append_aux(m, slice, create_slice, p)) < 0)
		return error_set_errno(err, r, "cannot build the D-Bus request");
	r = sd.call(bus, m, 0, &e, &reply);
	if (r < 0) {
		error_set(err, r, "systemd refused scope %s: %s", unit,
			  e.message ? e.message : strerror(-r));
		sd.error_free(&e);
		return r;
	}
	if ((r = take_job(reply, &w)) < 0) {
		error_set_errno(err, r, "cannot read systemd's job for scope %s", unit);
		goto fail;
	}
	if ((r = wait_job(bus, &w, err)) < 0)
		goto fail;
	/* Where systemd put it, as the kernel says; it must be the scope we asked for. */
	if ((r = cgroup_of(pid, scope, sizeof(scope))) < 0 || !(base = strrchr(scope, '/')) ||
	    !streq(base + 1, unit)) {
		r = error_set(err, -ESRCH, "process %d is not in scope %s after its start",
			      (int)pid, unit);
		goto fail;
	}
	if ((r = populate_scope(scope, p, io_dev, pid, leaf, len, err)) < 0)
		goto fail;
	return 0;
fail:
	(void)systemd_unit_stop(unit, NULL);
	return r;
}

int systemd_unit_loaded(const char *unit)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_msg_ sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_load(NULL);

	if (r < 0 || (r = sd.open_system(&bus)) < 0)
		return r;
	/* GetUnit, unlike LoadUnit, does not load what is not loaded yet. */
	r = sd.call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s", unit);
	if (r < 0 && sd.error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
		r = 0;
	else if (r >= 0)
		r = 1;
	sd.error_free(&e);
	return r;
}

int systemd_slice_set(const char *slice, const struct confine_profile *p, struct error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_msg_ sd_bus_message *m = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_load(err);

	if (r < 0)
		return r;
	if ((r = sd.open_system(&bus)) < 0)
		return error_set_errno(err, r, "cannot connect to the system bus");
	/* Runtime properties of a transient unit live and go with it; they also come after the
	 * user-.slice.d drop-in (TasksMax=33%) that would otherwise override ours. */
	if ((r = sd.message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
					    "SetUnitProperties")) < 0 ||
	    (r = sd.message_append(m, "sb", slice, 1)) < 0 ||
	    (r = sd.message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = append_user_limits(m, p)) < 0 || (r = sd.message_close_container(m)) < 0)
		return error_set_errno(err, r, "cannot build the D-Bus request");
	r = sd.call(bus, m, 0, &e, NULL);
	if (r < 0)
		error_set(err, r, "systemd refused the limits of slice %s: %s", slice,
			  e.message ? e.message : strerror(-r));
	sd.error_free(&e);
	return r;
}

int systemd_unit_stop(const char *unit, struct error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_slot_ sd_bus_slot *slot = NULL;
	_cleanup_msg_ sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct job_wait w = {0};
	int r;

	if ((r = connect_bus(&bus, &slot, &w, err)) < 0)
		return r;
	r = sd.call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, &reply, "ss", unit,
			   "replace");
	if (r < 0) {
		/* Already gone (stopped and collected): what stopping wants. */
		bool gone = sd.error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit");
		if (!gone)
			error_set(err, r, "systemd refused to stop %s: %s", unit,
				  e.message ? e.message : strerror(-r));
		sd.error_free(&e);
		return gone ? 0 : r;
	}
	if ((r = take_job(reply, &w)) < 0)
		return error_set_errno(err, r, "cannot read systemd's job for %s", unit);
	return wait_job(bus, &w, err);
}

#endif /* HAVE_LIBSYSTEMD */
