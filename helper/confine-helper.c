/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine-helper: root-only worker behind pam_confine.so (never setuid). See protocol.h.
 *
 *   open:  match the user → session cgroup with limits (systemd scope or cgroupfs leaf,
 *          below the user's aggregate) → the user's shared home mount (reference-counted)
 *          → session record. Prints the session id, then notices for the user.
 *   close: kill and remove the session cgroup, drop the home reference (unmounting with
 *          the last one, and removing the user's aggregate), remove the record. Idempotent.
 *   gc:    close every session whose login process is gone (also run for the user at open);
 *          stop the scopes of sessions whose helper died before writing their record.
 *   kill:  close the session SID (confinectl kill), as close does.
 *   account: match the user; refuse a matched user whose PAM service is not one of the
 *          profile's services (those known to run the login shell).
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "backend.h"
#include "cgroup-systemd.h"
#include "cgroup.h"
#include "config.h"
#include "event.h"
#include "home.h"
#include "duration.h"
#include "log.h"
#include "netns.h"
#include "mountapi.h"
#include "ops-format.h"
#include "ops-session.h"
#include "protocol.h"
#include "session-procs.h"
#include "session-store.h"
#include "session.h"
#include "users.h"
#include "util.h"

/* The system-wide rc file sshd runs with /bin/sh before the session (OpenSSH, fixed path). */
#define SSHD_SYSTEM_RC "/etc/ssh/sshrc"

static bool name_ok(const char *s)
{
	return s[0] && s[0] != '.' && !strchr(s, '/') && strlen(s) < 64;
}

/*
 * /run/confine: root-only, and a private mount point of its own, so that a sandbox detaches
 * its copy of everything below (other users' homes) in one call, and the homes mounted
 * below never propagate to other mount namespaces of the host (/run is shared on systemd
 * hosts). Made once, under a lock: two helpers at once must not stack two binds.
 */
static int run_dir_prepare(void)
{
	_cleanup_close_ int fd = -1;
	struct statx stx;

	if (mkdir(CONFINE_RUN_DIR, 0700) < 0 && errno != EEXIST)
		return negerrno();
	fd = open(CONFINE_RUN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0 || flock(fd, LOCK_EX) < 0)
		return negerrno();
	if (statx(AT_FDCWD, CONFINE_RUN_DIR, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
		return negerrno();
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -EOPNOTSUPP; /* kernels before 5.8 cannot tell */
	if (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
		return 0;
	if (mount(CONFINE_RUN_DIR, CONFINE_RUN_DIR, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, CONFINE_RUN_DIR, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
		return negerrno();
	return 0;
}

/* /run/confine/users/<user>: root-only; holds the lock, the staging dir and the refs. */
static int user_dir(const char *user)
{
	_cleanup_close_ int base = -1;
	int fd;

	(void)mkdir(CONFINE_RUN_DIR, 0700);
	if (mkdir(CONFINE_USERS_DIR, 0700) < 0 && errno != EEXIST)
		return negerrno();
	base = open(CONFINE_USERS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (base < 0)
		return negerrno();
	if (mkdirat(base, user, 0700) < 0 && errno != EEXIST)
		return negerrno();
	fd = openat(base, user, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	if (mkdirat(fd, "sessions", 0700) < 0 && errno != EEXIST)
		goto fail;
	if (mkdirat(fd, "stage", 0700) < 0 && errno != EEXIST)
		goto fail;
	return fd;
fail:
	close(fd);
	return negerrno();
}

static bool is_mountpoint(const char *path)
{
	struct statx sx;
	struct stat a, b;
	char parent[600];
	char *slash;

	/* Never a path walk into the mount ("path/.."): root may not search the home mounted
	 * there (an NFS home under root_squash refuses root), and a home left mounted because
	 * its check failed keeps the session from ending. The kernel says it (5.8+)... */
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, 0, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	/* ... else another device than the parent's, named by cutting the last component. */
	snprintf(parent, sizeof(parent), "%s", path);
	if (!(slash = strrchr(parent, '/')) || slash == parent)
		return false;
	*slash = '\0';
	return lstat(path, &a) == 0 && lstat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

static int refs_left(int udir)
{
	_cleanup_close_ int fd = openat(udir, "sessions", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (fd < 0)
		return negerrno();
	d = fdopendir(TAKE_FD(fd));
	if (!d)
		return negerrno();
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/*
 * Drops sid's reference on the user's home; unmounts it with the last one. Lock held.
 * Returns 1 when that was the user's last session, else 0 (or a negative errno).
 */
static int home_release(const char *user, int udir, const char *sid)
{
	char home[128], ref[128];

	snprintf(ref, sizeof(ref), "sessions/%s", sid);
	if (unlinkat(udir, ref, 0) < 0 && errno != ENOENT)
		return negerrno();
	if (refs_left(udir) != 0)
		return 0;
	snprintf(home, sizeof(home), CONFINE_HOMES_DIR "/%s", user);
	/* Sandboxes hold their own clones; the host copy goes now. Lazy: never blocks. */
	while (is_mountpoint(home))
		if (umount2(home, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
			return negerrno();
	if (rmdir(home) < 0 && errno != ENOENT)
		return negerrno();
	if (unlinkat(udir, "profile", 0) < 0 && errno != ENOENT)
		return negerrno();
	return 1;
}

/* CLOCK_BOOTTIME seconds, the clock of the record's started. */
static unsigned long long boottime_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_BOOTTIME, &now);
	return (unsigned long long)now.tv_sec;
}

/*
 * The limits the session hit, from its cgroup's counters (read before the cgroup goes) and
 * its record: OOM kills (memory.events), forks refused at pids.max (pids.events), and the
 * end of max_duration (the sandbox hangs up at started + max_duration, shell/sandbox.c).
 */
static void log_limit_hits(const struct session_record *r, const struct ops_usage *u, bool time_up)
{
	struct event e = {.priority = LOG_WARNING,
			  .sid = r->sid,
			  .user = r->user,
			  .profile = r->profile,
			  .uid = r->uid};
	char d[32];

	if (u->events_oom_kill != OPS_NONE && u->events_oom_kill > 0) {
		e.kind = EVENT_OOM_KILL;
		e.count = u->events_oom_kill;
		event_log(&e,
			  "session %s of %s: the kernel OOM-killed %llu of its processes "
			  "(memory_max)",
			  r->sid, r->user, e.count);
	}
	if (u->events_pids_max != OPS_NONE && u->events_pids_max > 0) {
		e.kind = EVENT_PIDS_MAX;
		e.count = u->events_pids_max;
		event_log(&e, "session %s of %s: %llu forks failed at its process limit (pids_max)",
			  r->sid, r->user, e.count);
	}
	if (time_up) {
		e.kind = EVENT_TIME_LIMIT;
		e.priority = LOG_NOTICE;
		e.count = 0;
		event_log(&e, "session %s of %s: its time limit max_duration = %s ended it", r->sid,
			  r->user, format_duration(r->max_duration, d, sizeof(d)));
	}
}

/* Closes the session sid; why: the close event's reason ("logout", ...). Idempotent. */
static int session_close(const char *sid, const char *why)
{
	struct session_record r;
	_cleanup_close_ int udir = -1;
	struct ops_usage u;
	struct error err = ERROR_INIT;
	char oom_note[96] = "";
	bool time_up;
	int ret = 0, q;

	q = session_read(sid, &r);
	if (q == -ENOENT)
		return 0; /* already closed: idempotent */
	if (q < 0)
		return log_errno(q, "session %s: unreadable record", sid);
	/* Past its end, the sandbox has hung up: the logout is the time limit's doing. */
	time_up = r.max_duration && r.started + r.max_duration <= boottime_now();
	if (time_up && streq(why, "logout"))
		why = "max_duration reached";
	if (name_ok(r.user) && (udir = user_dir(r.user)) >= 0) {
		(void)flock(udir, LOCK_EX); /* serialises with the user's opens */
		/* Two closers (a logout and gc, or kill) each read the record: one tears down. */
		if ((q = session_read(sid, &r)) == -ENOENT)
			return 0;
		if (q < 0)
			return log_errno(q, "session %s: unreadable record", sid);
	}
	/* Without a cgroup, nothing else ends the session's sandboxes: kill them one by one. */
	if (!r.cg.cgroup[0] && (q = procs_close(sid)) < 0)
		ret = log_errno(q, "session %s: cannot end its sandboxes", sid);
	ops_usage_read(r.cg.cgroup, &u); /* the counters go with the cgroup */
	q = backend_close(&r.cg, true, NULL, &err);
	if (q < 0)
		ret = log_errno(q, "session %s: %s", sid, error_msg(&err));
	/* Its processes are gone: the namespace goes with its veth and its rules. */
	if (streq(r.net, "allow") && (q = netns_close(sid, &err)) < 0)
		ret = log_errno(q, "session %s: %s", sid, error_msg(&err));
	if (udir >= 0) {
		q = home_release(r.user, udir, sid);
		if (q < 0)
			ret =
			    log_errno(q, "session %s: cannot release the home of %s", sid, r.user);
		/* The user's last session: its aggregate budget goes too. */
		if (q == 1 && (q = backend_user_done(&r.cg, &err)) < 0)
			ret = log_errno(q, "session %s: %s", sid, error_msg(&err));
	}
	/* Keep the record while something failed, so gc can retry (and log the events then). */
	if (ret == 0 && (q = session_remove(sid)) < 0)
		ret = log_errno(q, "session %s: cannot remove the record", sid);
	if (ret < 0)
		return ret;
	log_limit_hits(&r, &u, time_up);
	bool oom = u.events_oom_kill != OPS_NONE && u.events_oom_kill > 0;
	if (oom)
		snprintf(oom_note, sizeof(oom_note),
			 "; the kernel OOM-killed %llu of its processes (memory limit)",
			 u.events_oom_kill);
	struct event e = {.kind = EVENT_CLOSE,
			  .priority = oom ? LOG_WARNING : LOG_INFO,
			  .sid = sid,
			  .user = r.user,
			  .profile = r.profile,
			  .uid = r.uid,
			  .reason = why};
	event_log(&e, "session %s of %s closed%s (%s)", sid, r.user, oom_note, why);
	return 0;
}

/* Closes the session sid if its login process died. */
static int collect(const char *sid, void *unused)
{
	struct session_record r;

	(void)unused;
	if (session_read(sid, &r) < 0 || session_caller_alive(&r))
		return 0;
	return session_close(r.sid, "login process gone, collected") < 0 ? -EIO : 0;
}

/* How many of a user's session references an open looks at when it need not see all. */
#define GC_WINDOW 32

/*
 * Calls fn on the entries of d ("." ones skipped): all of them, or, unless all, at most
 * GC_WINDOW consecutive ones from a random start (wrapping). Each look costs a record's and
 * a process's read: an open that looked at every session of a user with 1000 open read
 * ~2000 files (bench flat-login). What a window leaves is looked at by later opens and by
 * `confinectl gc` (cron job, timer). -EIO if fn failed for any.
 */
static int refs_walk(DIR *d, bool all, int (*fn)(const char *name, void *arg), void *arg)
{
	struct dirent *de;
	long n = 0, i = 0, start = 0;
	int ret = 0;

	if (!all) {
		while ((de = readdir(d)))
			n += de->d_name[0] != '.';
		all = n <= GC_WINDOW;
		if (!all) {
			uint32_t x = 0;
			(void)!getrandom(&x, sizeof(x), 0);
			start = (long)(x % (uint32_t)n);
		}
		rewinddir(d);
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* Entries made since the count are past n: looked at only if all. */
		if ((all || (i < n && (i >= start ? i - start : i + n - start) < GC_WINDOW)) &&
		    fn(de->d_name, arg) < 0)
			ret = -EIO;
		i++;
	}
	return ret;
}

/*
 * Closes the sessions whose login process died: of one user (walking only that user's
 * references, so a login costs the same however many sessions others have open; all of
 * them, or a window: refs_walk), or of everybody when user is NULL (confinectl gc).
 */
static int gc(const char *user, bool all)
{
	char dir[160];
	DIR *d;
	int ret;

	if (user)
		snprintf(dir, sizeof(dir), CONFINE_USERS_DIR "/%s/sessions", user);
	d = opendir(user ? dir : CONFINE_SESSIONS_DIR);
	if (!d)
		return errno == ENOENT ? 0 : negerrno();
	ret = refs_walk(d, all || !user, collect, NULL);
	closedir(d);
	return ret;
}

static int netns_close_quiet(const char *sid)
{
	struct error err = ERROR_INIT;
	int r = netns_close(sid, &err);

	return r < 0 ? log_errno(r, "session %s: %s", sid, error_msg(&err)) : 0;
}

/*
 * Entries named after a session in dir (process registries, network namespaces) whose
 * session has no record and whose login process is gone: a helper died between making
 * them and writing the record. close_fn removes one.
 */
static int gc_orphans(const char *dir, int (*close_fn)(const char *sid))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : negerrno();
	while ((de = readdir(d))) {
		struct session_record r = {0};
		int n = 0;

		if (sscanf(de->d_name, "%d-%llu%n", &r.caller_pid, &r.caller_start, &n) != 2 ||
		    (size_t)n != strlen(de->d_name) || session_caller_alive(&r) ||
		    session_read(de->d_name, &(struct session_record){0}) != -ENOENT)
			continue;
		if (close_fn(de->d_name) < 0)
			ret = -EIO;
	}
	closedir(d);
	return ret;
}

/*
 * Removes the leaves of `confinectl run` sessions whose confinectl died (SIGKILL skips its
 * teardown; the sandbox itself died with it through PDEATHSIG). A leaf is named
 * run-<pid>-<random>; one whose pid is still alive is left alone, whatever that pid is now.
 */
static int gc_runs(const char *conf)
{
	struct confine_config *c = NULL;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (config_load(conf, CONFIG_CHECK_OWNER, &c, NULL) < 0)
		return 0; /* no config, no cgroup_root to look at: nothing of ours to collect */
	d = opendir(c->cgroup_root);
	while (d && (de = readdir(d))) {
		int pid = 0;
		if (sscanf(de->d_name, "run-%d-", &pid) != 1 || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		log_msg(LOG_NOTICE, "cgroup %s/%s: confinectl %d is gone, collecting",
			c->cgroup_root, de->d_name, pid);
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", c->cgroup_root, de->d_name);
		if (cgroup_destroy(path, NULL) < 0)
			ret = -EIO;
	}
	if (d)
		closedir(d);
	config_free(c);
	return ret;
}

/*
 * Stops the systemd scopes of sessions that never got a record: the helper died between
 * starting the scope and writing the record. A scope is named after its session, whose id
 * is the login process's pid and start time; with that process gone and no record, the
 * session can never be closed otherwise. (An open in progress has its caller alive.)
 */
static int gc_scopes_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : negerrno();
	while ((de = readdir(d))) {
		struct session_record r = {0};
		char sub[600];
		struct error err = ERROR_INIT;
		int n = 0;

		if (de->d_type == DT_DIR && strncmp(de->d_name, "user-", 5) == 0 &&
		    strstr(de->d_name, "-confine.slice")) {
			snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
			if (gc_scopes_in(sub) < 0)
				ret = -EIO;
			continue;
		}
		if (sscanf(de->d_name, "confine-%d-%llu.scope%n", &r.caller_pid, &r.caller_start,
			   &n) != 2 ||
		    (size_t)n != strlen(de->d_name) || r.caller_pid <= 0)
			continue;
		snprintf(r.sid, sizeof(r.sid), "%d-%llu", (int)r.caller_pid, r.caller_start);
		if (session_caller_alive(&r) ||
		    session_read(r.sid, &(struct session_record){0}) == 0)
			continue;
		log_msg(LOG_NOTICE,
			"scope %s: no session record and its login process is gone, "
			"stopping it",
			de->d_name);
		snprintf(r.cg.unit, sizeof(r.cg.unit), "confine-%s.scope", r.sid);
		if ((size_t)snprintf(r.cg.cgroup, sizeof(r.cg.cgroup), "%s/%s/payload", dir,
				     de->d_name) >= sizeof(r.cg.cgroup))
			continue;
		if (backend_close(&r.cg, true, NULL, &err) < 0) {
			log_msg(LOG_ERR, "scope %s: %s", de->d_name, error_msg(&err));
			ret = -EIO;
		}
	}
	closedir(d);
	return ret;
}

static int gc_scopes(void)
{
	DIR *d = opendir(CGROUP_MOUNT "/user.slice");
	struct dirent *de;
	int ret = 0;

	if (!d)
		return 0; /* no systemd tree: no scopes */
	while ((de = readdir(d))) {
		char dir[600];
		if (de->d_type != DT_DIR || strncmp(de->d_name, "user-", 5) != 0)
			continue;
		snprintf(dir, sizeof(dir), CGROUP_MOUNT "/user.slice/%s", de->d_name);
		if (gc_scopes_in(dir) < 0)
			ret = -EIO;
	}
	closedir(d);
	return ret;
}

struct orphan_walk {
	const struct confine_config *c;
	const struct passwd *pw;
	int udir;
	bool systemd; /* the backend, resolved once per walk */
};

/* The reference name of a session without a record whose login process is gone: its
 * scope or cgroup and its home reference go. */
static int reap_orphan(const char *name, void *arg)
{
	const struct orphan_walk *o = arg;
	struct session_record r = {0};
	struct error err = ERROR_INIT;
	int n = 0;

	if (sscanf(name, "%d-%llu%n", &r.caller_pid, &r.caller_start, &n) != 2 ||
	    (size_t)n != strlen(name) || r.caller_pid <= 0 ||
	    session_read(name, &(struct session_record){0}) != -ENOENT || session_caller_alive(&r))
		return 0;
	snprintf(r.sid, sizeof(r.sid), "%d-%llu", (int)r.caller_pid, r.caller_start);
	log_msg(LOG_NOTICE,
		"session %s of %s: no record and its login process is gone, "
		"collecting what it left",
		r.sid, o->pw->pw_name);
	snprintf(r.cg.cgroup, sizeof(r.cg.cgroup), "%s/user-%u/%s", o->c->cgroup_root,
		 (unsigned)o->pw->pw_uid, r.sid);
	if (o->systemd) {
		snprintf(r.cg.unit, sizeof(r.cg.unit), "confine-%s.scope", r.sid);
		r.cg.cgroup[0] = '\0'; /* the scope's payload goes with the scope */
	}
	if (backend_close(&r.cg, true, NULL, &err) < 0) {
		log_msg(LOG_ERR, "session %s: %s", r.sid, error_msg(&err));
		return -EIO;
	}
	return home_release(o->pw->pw_name, o->udir, r.sid) < 0 ? -EIO : 0;
}

/*
 * Drops the references of sessions that never got a record (their helper died after taking
 * the reference, e.g. killed), once their login process is gone: they would otherwise
 * count against max_sessions and hold the home forever. Their cgroups go too. All of them,
 * or a window (refs_walk). Lock held.
 */
static int reap_orphans(const struct confine_config *c, const struct passwd *pw, int udir, bool all)
{
	_cleanup_close_ int fd = openat(udir, "sessions", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct orphan_walk o = {c, pw, udir, backend_resolve(c).backend == CGROUP_BACKEND_SYSTEMD};
	DIR *d;
	int ret;

	if (fd < 0 || !(d = fdopendir(TAKE_FD(fd))))
		return negerrno();
	ret = refs_walk(d, all, reap_orphan, &o);
	closedir(d);
	return ret;
}

/*
 * Takes a reference on the user's shared home, mounting it first if needed. Lock held.
 * On failure, err says why (for the log and the user); -EXDEV (another profile's home is
 * mounted) is left to the caller to report.
 */
static int home_acquire(const struct confine_config *c, const struct confine_profile *p,
			const struct passwd *pw, int udir, const char *sid, char *home, size_t len,
			struct error *err)
{
	_cleanup_close_ int m = -1, lock = -1, ref = -1;
	char stage[160], refname[128];

	snprintf(home, len, CONFINE_HOMES_DIR "/%s", pw->pw_name);
	if (is_mountpoint(home)) {
		/* One home per user at a time: a session of another profile would get the wrong
		 * kind of home (say, persistent instead of ephemeral). */
		char have[64] = "";
		_cleanup_close_ int pf = openat(udir, "profile", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		ssize_t n = pf >= 0 ? read(pf, have, sizeof(have) - 1) : -1;
		if (n <= 0 || (have[n] = '\0', !streq(have, p->name)))
			return -EXDEV;
	} else {
		struct home_owner o = {pw->pw_name, pw->pw_uid, pw->pw_gid, pw->pw_dir, -1};
		_cleanup_close_ int state = -1;
		/* Root-only parent: the host-side copy is reachable only through sandboxes. */
		if (mkdir(CONFINE_HOMES_DIR, 0700) < 0 && errno != EEXIST)
			return error_set_errno(err, negerrno(), "cannot create " CONFINE_HOMES_DIR);
		if (mkdir(home, 0700) < 0 && errno != EEXIST)
			return error_set_errno(err, negerrno(), "cannot create %s", home);
		snprintf(stage, sizeof(stage), CONFINE_USERS_DIR "/%s/stage", pw->pw_name);
		/* A helper killed while the upper's file system was staged left it attached
		 * there (with a persistent home, its image on a loop device): only we use the
		 * stage, under the user's lock. */
		while (is_mountpoint(stage))
			if (umount2(stage, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
				return error_set_errno(err, negerrno(), "cannot detach %s", stage);
		if ((m = home_persistent_ensure(c, p, &o, &state, err)) < 0)
			return m;
		o.state_fd = state;
		m = home_prepare(c, p, &o, stage, &lock, err);
		if (m < 0)
			return m;
		/* Attach it once for all of the user's sessions; each sandbox clones it. */
		if (sys_move_mount(m, "", AT_FDCWD, home, MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
		    mount(NULL, home, NULL, MS_PRIVATE, NULL) < 0)
			return error_set_errno(err, negerrno(), "cannot mount the home at %s",
					       home);
		_cleanup_close_ int pf = openat(
		    udir, "profile", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (pf < 0 || write(pf, p->name, strlen(p->name)) != (ssize_t)strlen(p->name))
			return error_set_errno(err, negerrno(), "cannot record the home's profile");
	}
	snprintf(refname, sizeof(refname), "sessions/%s", sid);
	ref = openat(udir, refname, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	return ref < 0 ? error_set_errno(err, negerrno(), "cannot take a reference on the home")
		       : 0;
}

/*
 * Resolves now, as root, all that confine-shell will need of the user and the profile, so
 * the setuid shell reads nothing but the record: no user database, no config parser.
 */
_Static_assert(PROFILE_COMMAND_LEN_MAX <= SESSION_COMMAND_MAX &&
		   PROFILE_COMMAND_SEP == SESSION_COMMAND_SEP &&
		   PROFILE_COMMAND_ARGS_MAX <= SESSION_COMMAND_ARGS,
	       "the loader's bounds of command = [...] fit the session record");

/* The profile's command into the record, one line: config.h bounds it to fit. */
static int record_command(struct session_record *rec, const struct confine_profile *p)
{
	size_t used = 0;

	for (size_t i = 0; p->command && p->command[i]; i++) {
		size_t n = strlen(p->command[i]);
		if (used + n + 1 > sizeof(rec->command) || strchr(p->command[i], '\n') ||
		    strchr(p->command[i], SESSION_COMMAND_SEP))
			return -E2BIG;
		if (i)
			rec->command[used - 1] = SESSION_COMMAND_SEP;
		memcpy(rec->command + used, p->command[i], n + 1);
		used += n + 1;
	}
	return 0;
}

/* g, n: the user's groups as match_user() read them (one NSS walk per login, not two). */
static int record_user_profile(struct session_record *rec, const struct passwd *pw,
			       const struct confine_profile *p, const gid_t *g, int n)
{
	size_t used = 0;

	if (n > SESSION_GROUPS_MAX)
		return -E2BIG;
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(rec->groups + used, sizeof(rec->groups) - used, "%s%u",
					 i ? "," : "", (unsigned)g[i]);
	if (strlen(pw->pw_name) >= sizeof(rec->user) ||
	    strlen(pw->pw_dir) >= sizeof(rec->home_dir) || strlen(p->shell) >= sizeof(rec->shell) ||
	    pw->pw_dir[0] != '/')
		return -ENAMETOOLONG;
	snprintf(rec->user, sizeof(rec->user), "%s", pw->pw_name);
	rec->uid = pw->pw_uid;
	rec->gid = pw->pw_gid;
	snprintf(rec->home_dir, sizeof(rec->home_dir), "%s", pw->pw_dir);
	snprintf(rec->profile, sizeof(rec->profile), "%s", p->name);
	snprintf(rec->shell, sizeof(rec->shell), "%s", p->shell);
	snprintf(rec->hostname, sizeof(rec->hostname), "%s", p->hostname);
	snprintf(rec->net, sizeof(rec->net), "%s",
		 p->net == NET_HOST    ? "host"
		 : p->net == NET_ALLOW ? "allow"
				       : "none");
	rec->tmp_size = p->tmp_size;
	rec->init = p->init;
	rec->user_ns = p->user_ns;
	rec->graphical = p->graphical;
	rec->gpu = p->gpu;
	rec->audio = p->audio;
	rec->ssh_readonly = p->home == HOME_BIND;
	return record_command(rec, p);
}

/* What do_open's (and do_account's) steps share: the login, the match, the record being
 * built, the session's cgroup. */
struct open_state {
	const char *user, *service, *tty, *rhost, *logind;
	const char *caller; /* the module's pid (its CALLER argument), or NULL (older module) */
	struct confine_config *c;
	const struct confine_rule *rule;
	const struct confine_profile *p;
	struct passwd *pw;
	gid_t *gids; /* pw's groups (getgrouplist), read once by match_user; ngids of them */
	int ngids;
	struct session_record rec; /* rec.cg: the session's cgroups, filled by backend_open */
	bool no_limits;
	char notice[600];
	int udir;
};

/* What a refusal's message names before its reason. */
enum refusal_ctx {
	CTX_USER,    /* "refusing the session of 'USER': REASON" */
	CTX_PROFILE, /* "... of 'USER' (profile P): REASON" */
	CTX_RULE,    /* "... of 'USER' (rule at FILE:LINE, profile P): REASON" */
};

/*
 * Logs the refusal of s's login, once, as a refuse event (CONFINE_REASON: the reason);
 * err: a negative errno whose text ends the reason, or 0. The session id, uid and profile
 * go into the record as far as they are known yet.
 */
static void __attribute__((format(printf, 4, 5)))
refuse(const struct open_state *s, enum refusal_ctx ctx, int err, const char *fmt, ...)
{
	struct event e = {.kind = EVENT_REFUSE,
			  .priority = LOG_ERR,
			  .sid = s->rec.sid,
			  .user = s->user,
			  .uid = s->pw ? (long long)s->pw->pw_uid : -1};
	char reason[768], where[320] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (err)
		snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason), ": %s",
			 strerror(-err));
	if (s->rule) {
		e.profile = s->rule->profile->name;
		if (ctx == CTX_RULE)
			snprintf(where, sizeof(where), " (rule at %s:%d, profile %s)", s->c->path,
				 s->rule->line, e.profile);
		else if (ctx == CTX_PROFILE)
			snprintf(where, sizeof(where), " (profile %s)", e.profile);
	}
	e.reason = reason;
	event_log(&e, "refusing the session of '%s'%s: %s", s->user, where, reason);
}

/*
 * Fail closed: a rule naming a group the database cannot resolve now (a directory that is
 * down, a source that failed, or a group that does not exist) leaves "is this user
 * confined?" unanswered, and getgrouplist() would have said "no" silently. Refused.
 */
static int refuse_uncertain(struct open_state *s, const struct confine_rule *rule, int r)
{
	s->rule = rule; /* for the message: the rule's file, line and profile */
	refuse(s, CTX_RULE, r,
	       "the rule names group '%s', which the group database cannot resolve now, so "
	       "whether the user is confined cannot be told",
	       rule->group);
	s->rule = NULL;
	printf(CONFINE_NOTICE_PREFIX "login refused: the group database cannot say whether %s "
				     "is confined\n",
	       s->user);
	return CONFINE_HELPER_DENIED;
}

/* No rule matches: not ours, unless the account's shell is confine-shell, which would then
 * fail with a confusing error; refused here with a clear one. */
static int unmatched(const struct open_state *s, const struct passwd *pw)
{
	if (!streq(pw->pw_shell, CONFINE_SHELL_PATH))
		return CONFINE_HELPER_IGNORE; /* an unmatched user is never refused */
	refuse(s, CTX_USER, 0,
	       "its login shell is " CONFINE_SHELL_PATH " but no rule in %s matches it (service "
	       "'%s'); add a rule or change the shell",
	       s->c->path, s->service);
	printf(CONFINE_NOTICE_PREFIX "login refused: no confinement rule matches %s\n", s->user);
	return CONFINE_HELPER_DENIED;
}

/* Whether the CALLER argument (decimal, the module's getpid()) is pid. */
static bool caller_is(const char *caller, pid_t pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(caller, &end, 10);
	return !errno && end != caller && !*end && v > 0 && v == (long)pid;
}

/*
 * Looks the user up and finds the first rule that matches it. Returns CONFINE_HELPER_OK with
 * s->rule and s->pw set (s->pw points into getpwnam's buffer), CONFINE_HELPER_IGNORE when no
 * rule matches, CONFINE_HELPER_DENIED when that cannot be told or the account needs a rule,
 * or CONFINE_HELPER_ERROR after logging.
 */
static int match_user(struct open_state *s)
{
	_cleanup_free_ gid_t *gids = NULL;
	const struct confine_rule *rule;
	struct passwd *pw;
	char name[64];
	int n, r;

	if (!(pw = getpwnam(s->user)) || !name_ok(pw->pw_name)) {
		refuse(s, CTX_USER, 0, "unknown user");
		return CONFINE_HELPER_ERROR;
	}
	if ((n = user_groups(pw, &gids)) < 0) {
		refuse(s, CTX_USER, 0, "cannot read its groups");
		return CONFINE_HELPER_ERROR;
	}
	struct user_membership um = {pw, gids, n};
	struct match_input in = {.user = pw->pw_name,
				 .uid = pw->pw_uid,
				 .member = user_in_group,
				 .member_data = &um,
				 .service = s->service[0] ? s->service : NULL,
				 .rhost = s->rhost[0] ? s->rhost : NULL,
				 .tty = s->tty[0] ? s->tty : NULL};
	if ((r = config_match(s->c, &in, &rule)) < 0)
		return refuse_uncertain(s, rule, r);
	if (!rule)
		return unmatched(s, pw);
	/* Locks, references and max_sessions go by name, the cgroups by uid: one of each. */
	uid_t uid = pw->pw_uid;
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	const struct passwd *byuid = getpwuid(uid);
	if (!byuid || !streq(byuid->pw_name, name)) {
		refuse(s, CTX_USER, 0,
		       "uid %u is not its own (it belongs to '%s' too); a confined account needs a "
		       "uid of its own",
		       (unsigned)uid, byuid ? byuid->pw_name : "?");
		return CONFINE_HELPER_ERROR;
	}
	if (!(pw = getpwnam(name))) /* getpwuid reused the buffer */
		return CONFINE_HELPER_ERROR;
	s->pw = pw;
	s->gids = TAKE_PTR(gids);
	s->ngids = n;
	s->rule = rule;
	s->p = rule->profile;
	return CONFINE_HELPER_OK;
}

/*
 * Only a session that runs the user's passwd shell (confine-shell) is confined: cron and
 * atd run jobs with /bin/sh, display managers a session script, systemd-user the user's
 * service manager. A matched user's session through a service not in the profile's list
 * would run unconfined, so it is refused: one log line naming the key that widens the list.
 */
static int refuse_service(const struct open_state *s)
{
	const struct confine_profile *p = s->rule->profile;
	char list[256] = "";
	size_t off = 0;

	if (p->graphical) {
		refuse(s, CTX_RULE, 0,
		       "profiles.%s is a graphical kiosk (graphical = true): only the kiosk unit's "
		       "PAM service '" CONFINE_KIOSK_SERVICE "' opens it, not '%s'",
		       p->name, s->service);
		printf(CONFINE_NOTICE_PREFIX
		       "login refused: %s is a kiosk account: it runs only "
		       "in its kiosk (confine-kiosk@%s.service), never through '%s'\n",
		       s->user, s->user, s->service);
		return CONFINE_HELPER_DENIED;
	}
	for (char **g = p->services; *g && off < sizeof(list); g++)
		off +=
		    (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "", *g);
	refuse(s, CTX_RULE, 0,
	       "PAM service '%s' is not in profiles.%s.services (%s), the services known to run "
	       "the login shell, so its session would not be confined",
	       s->service, p->name, list);
	printf(CONFINE_NOTICE_PREFIX
	       "login refused: %s may not log in through '%s' (it would not be "
	       "confined)\n",
	       s->user, s->service);
	return CONFINE_HELPER_DENIED;
}

/*
 * Host settings under which a login program runs something of the user's other than the
 * login shell, unconfined, although PAM opened a confined session: su honours -s (and -m's
 * SHELL) for a target whose shell is listed in /etc/shells, and sshd runs /etc/ssh/sshrc
 * with /bin/sh, as the user, with the session's environment (~/.pam_environment), before
 * the shell. Returns a description of the first one found, or NULL.
 */
static const char *unconfined_path(const char *service)
{
	const char *sh;
	bool listed = false;

	setusershell();
	while ((sh = getusershell()))
		if (streq(sh, CONFINE_SHELL_PATH))
			listed = true;
	endusershell();
	if (listed)
		return CONFINE_SHELL_PATH " is listed in /etc/shells (su -s would run another "
					  "shell, unconfined): remove it";
	if (streq(service, "sshd") && access(SSHD_SYSTEM_RC, F_OK) == 0)
		return SSHD_SYSTEM_RC " exists (sshd runs it unconfined, as the user): remove it";
	return NULL;
}

/*
 * The account check (pam_sm_acct_mgmt): may this service start a session for the user at
 * all? Refuses a matched user on a service not in the profile's services before the service
 * does anything as the user: systemd-user, cron and atd include no session module of ours.
 */
static int do_account(const char *user, const char *service, const char *tty, const char *rhost,
		      const char *conf)
{
	struct open_state s = {.user = user, .service = service, .tty = tty, .rhost = rhost};
	struct error err = ERROR_INIT;
	int r;

	if (config_load(conf, CONFIG_CHECK_OWNER, &s.c, &err) < 0) {
		refuse(&s, CTX_USER, 0, "%s", error_msg(&err));
		return CONFINE_HELPER_ERROR;
	}
	r = match_user(&s);
	if (r == CONFINE_HELPER_OK && !profile_allows_service(s.p, service))
		r = refuse_service(&s);
	free(s.gids);
	config_free(s.c);
	return r;
}

/*
 * The matched user's login must not run unconfined: uid 0, a service not known to run the
 * login shell, another login shell or a host hole is refused. (A user_ns = true the kernel
 * cannot give fails the sandbox's setup: the login ends there, never unconfined.)
 * Returns CONFINE_HELPER_OK or CONFINE_HELPER_DENIED after logging.
 */
static int open_refusal(const struct open_state *s)
{
	const struct confine_profile *p = s->p;

	if (s->pw->pw_uid == 0) {
		refuse(s, CTX_USER, 0, "uid 0 cannot be confined");
		return CONFINE_HELPER_DENIED;
	}
	if (!profile_allows_service(p, s->service))
		return refuse_service(s);
	/* Without confine-shell as login shell the login would run unconfined: refuse it. */
	if (!streq(s->pw->pw_shell, CONFINE_SHELL_PATH)) {
		refuse(s, CTX_RULE, 0, "its login shell is '%s', not " CONFINE_SHELL_PATH,
		       s->pw->pw_shell);
		return CONFINE_HELPER_DENIED;
	}
	/* A host where the login program runs something else unconfined: fail closed. */
	const char *hole = unconfined_path(s->service);
	if (hole) {
		refuse(s, CTX_PROFILE, 0, "%s", hole);
		printf(CONFINE_NOTICE_PREFIX "login refused: this host would not confine it: %s\n",
		       hole);
		return CONFINE_HELPER_DENIED;
	}
	return CONFINE_HELPER_OK;
}

/*
 * Can this host enforce the profile's limits? Returns 0 (s->no_limits set when the profile
 * accepts a host without them, with a notice for the user) or -1 after logging.
 */
static int open_limits(struct open_state *s)
{
	const struct confine_profile *p = s->p;
	struct error e = ERROR_INIT;
	const char *err;
	int r;

	if ((r = backend_check(s->c, p, &e)) >= 0)
		return 0;
	err = error_msg(&e);
	/* "optional" covers a host without the controllers, not a local failure. */
	if (!p->limits_optional || r != -ENOTSUP) {
		refuse(s, CTX_PROFILE, 0, "%s", err);
		printf(CONFINE_NOTICE_PREFIX "login refused: no resource limits on this host: %s\n",
		       err);
		return -1;
	}
	/* limits = "optional": the admin accepted sessions without a cgroup. Loudly. */
	log_msg(LOG_WARNING,
		"session of '%s' (profile %s) runs WITHOUT resource limits (limits = "
		"\"optional\"): %s",
		s->user, p->name, err);
	snprintf(s->notice, sizeof(s->notice),
		 CONFINE_NOTICE_PREFIX "warning: this session has no resource limits: %s", err);
	s->no_limits = true;
	return 0;
}

/* Fills the record from the user, the profile and the login process. 0 or -1 after logging. */
static int open_record(struct open_state *s)
{
	struct session_record *rec = &s->rec;
	struct error err = ERROR_INIT;
	struct timespec now;
	int r;

	if ((r = record_user_profile(rec, s->pw, s->p, s->gids, s->ngids)) < 0) {
		refuse(s, CTX_USER, r, "cannot record it");
		return -1;
	}
	/* The login program's items go into a root-written record that confinectl shows and
	 * the setuid shell parses: only bounded, printable values without '='. */
	if (session_set_login(rec, s->service, s->tty, s->rhost, s->logind, &err) < 0) {
		refuse(s, CTX_PROFILE, 0, "%s", error_msg(&err));
		printf(CONFINE_NOTICE_PREFIX "login refused: %s\n", error_msg(&err));
		return -1;
	}
	/* The session is named after our parent, the process that called pam_open_session
	 * and said so (CALLER), never one that adopted us: init, or a subreaper of su's
	 * invoking user, who may kill su (a session never collected). A module older than
	 * CALLER fails closed: only logins begun before an upgrade meet that. */
	rec->caller_pid = getppid();
	if (!s->caller) {
		refuse(s, CTX_USER, 0, "the PAM module is older than the helper; log in again");
		return -1;
	}
	if (!caller_is(s->caller, rec->caller_pid)) {
		refuse(s, CTX_USER, 0, "its login process ended while it opened");
		return -1;
	}
	if ((r = proc_start_time(rec->caller_pid, &rec->caller_start)) < 0 ||
	    (r = session_id(rec->caller_pid, rec->sid, sizeof(rec->sid))) < 0) {
		refuse(s, CTX_USER, r, "cannot identify the login process");
		return -1;
	}
	/* Still our parent once its start time is read: it had not exited (nor its pid been
	 * reused) then. */
	if (getppid() != rec->caller_pid) {
		refuse(s, CTX_USER, 0, "its login process ended while it opened");
		return -1;
	}
	/* With max_sessions the count below must be exact: every stale session goes first. */
	(void)gc(s->pw->pw_name, s->p->max_sessions != 0);
	if (session_read(rec->sid, &(struct session_record){0}) == 0) {
		refuse(s, CTX_USER, 0, "process %d already has session %s", (int)rec->caller_pid,
		       rec->sid);
		return -1;
	}
	clock_gettime(CLOCK_BOOTTIME, &now);
	rec->started = (unsigned long long)now.tv_sec;
	rec->max_duration = s->p->max_duration;
	rec->grace = s->p->max_duration_grace;
	return 0;
}

/*
 * Takes the user's state directory (s->udir, locked: serialises this user's opens and
 * closes) and counts its sessions against max_sessions. Returns CONFINE_HELPER_OK,
 * CONFINE_HELPER_DENIED or CONFINE_HELPER_ERROR after logging.
 */
static int open_user_lock(struct open_state *s)
{
	const struct confine_profile *p = s->p;
	const char *user = s->user;
	int r;

	if ((r = run_dir_prepare()) < 0) {
		refuse(s, CTX_USER, r, "cannot prepare %s", CONFINE_RUN_DIR);
		return CONFINE_HELPER_ERROR;
	}
	if ((s->udir = user_dir(s->pw->pw_name)) < 0) {
		refuse(s, CTX_USER, s->udir, "cannot create its state");
		return CONFINE_HELPER_ERROR;
	}
	/* Serialises this user's opens and closes: session count, cgroups, home. */
	(void)flock(s->udir, LOCK_EX);
	(void)reap_orphans(s->c, s->pw, s->udir, p->max_sessions != 0);
	if ((r = refs_left(s->udir)) < 0) {
		refuse(s, CTX_USER, r, "cannot count its sessions");
		return CONFINE_HELPER_ERROR;
	}
	if (p->max_sessions && r >= (int)p->max_sessions) {
		refuse(s, CTX_PROFILE, 0, "%d sessions are open, max_sessions = %u", r,
		       p->max_sessions);
		printf(CONFINE_NOTICE_PREFIX "login refused: %s already has %d session%s open (at "
					     "most %u allowed)\n",
		       user, r, r == 1 ? "" : "s", p->max_sessions);
		return CONFINE_HELPER_DENIED;
	}
	return CONFINE_HELPER_OK;
}

/*
 * The login process's earlier sessions (same pid, another start) whose process is gone:
 * closed now, so their veth "cfPID" makes room for this one's.
 */
static void collect_same_pid(const char *sid)
{
	size_t n = strcspn(sid, "-") + 1;
	DIR *d = opendir(CONFINE_SESSIONS_DIR);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (strncmp(de->d_name, sid, n) == 0 && !streq(de->d_name, sid))
			(void)collect(de->d_name, NULL);
	if (d)
		closedir(d);
}

/* net = "allow": the session's namespace, its rules in place before anything runs in it. */
static int open_net(struct open_state *s)
{
	struct error err = ERROR_INIT;
	int r;

	collect_same_pid(s->rec.sid);
	if ((r = netns_open(s->p, s->rec.sid, &err)) < 0) {
		refuse(s, CTX_PROFILE, 0, "net = \"allow\": %s", error_msg(&err));
		printf(CONFINE_NOTICE_PREFIX "login refused: cannot set up the session's "
					     "network: %s\n",
		       error_msg(&err));
	}
	return r;
}

/*
 * Takes the resources of the session under the user's lock: its reference on the shared
 * home, its cgroup (or process registry), then its record. Rolls back what it took on
 * failure. Returns CONFINE_HELPER_OK, CONFINE_HELPER_DENIED or CONFINE_HELPER_ERROR.
 */
static int open_resources(struct open_state *s)
{
	const struct confine_profile *p = s->p;
	struct session_record *rec = &s->rec;
	char home[160] = "";
	struct error cerr = ERROR_INIT;
	_cleanup_close_ int leaf = -1;
	int r, ret = CONFINE_HELPER_ERROR;

	/* The home first: a session of another profile is refused before it touches the
	 * cgroups, so it cannot rewrite the budget the user's other sessions share. */
	r = home_acquire(s->c, p, s->pw, s->udir, rec->sid, home, sizeof(home), &cerr);
	if (r == -EXDEV) {
		refuse(s, CTX_PROFILE, 0,
		       "another session of the user with a different profile holds its home");
		return CONFINE_HELPER_DENIED;
	}
	if (r < 0) {
		refuse(s, CTX_PROFILE, 0, "cannot mount its home %s: %s", s->pw->pw_dir,
		       error_msg(&cerr));
		printf(CONFINE_NOTICE_PREFIX "login refused: cannot prepare your home: %s\n",
		       error_msg(&cerr));
		goto rollback_home;
	}
	snprintf(rec->home, sizeof(rec->home), "%s", home);
	if (!s->no_limits) {
		leaf = backend_open(s->c, p, s->pw->pw_uid, true, rec->sid, &rec->cg, &cerr);
		if (leaf < 0) {
			refuse(s, CTX_PROFILE, 0, "%s", error_msg(&cerr));
			goto rollback_home;
		}
	}
	if (s->no_limits && (r = procs_create(rec->sid)) < 0) {
		refuse(s, CTX_USER, r, "cannot create its process registry");
		goto rollback_cgroup;
	}
	if (p->net == NET_ALLOW && open_net(s) < 0)
		goto rollback_cgroup;
	if ((r = session_write(rec)) < 0) {
		refuse(s, CTX_USER, r, "cannot write its record");
		goto rollback_net;
	}
	/*
	 * The login process may have died while we opened (a kiosk unit stopped during its
	 * PAM open): the gc that follows such an end may have looked before the record
	 * existed, and nothing would close it. Written first, checked now: either gc sees
	 * the record or we see the death, and take it all back.
	 */
	if (!session_caller_alive(rec)) {
		refuse(s, CTX_USER, 0, "its login process %d ended while it opened",
		       (int)rec->caller_pid);
		(void)session_remove(rec->sid);
		goto rollback_cgroup;
	}
	return CONFINE_HELPER_OK;

rollback_net:
	(void)netns_close(rec->sid, NULL);
rollback_cgroup:
	(void)procs_close(rec->sid);
	(void)backend_close(&rec->cg, true, NULL, NULL);
rollback_home:
	if (home_release(s->pw->pw_name, s->udir, rec->sid) == 1)
		(void)backend_user_done(&rec->cg, NULL);
	return ret;
}

/* Logs the open event of the session s opened. */
static void log_open_event(const struct open_state *s)
{
	const struct session_record *r = &s->rec;
	struct event e = {.kind = EVENT_OPEN,
			  .priority = LOG_INFO,
			  .sid = r->sid,
			  .user = r->user,
			  .profile = r->profile,
			  .uid = r->uid};

	event_log(&e, "session %s opened for %s (profile %s, service %s%s%s%s%s%s%s)", r->sid,
		  r->user, r->profile, r->service, r->tty[0] ? ", tty " : "", r->tty,
		  r->rhost[0] ? ", from " : "", r->rhost, r->cg.unit[0] ? ", scope " : "",
		  r->cg.unit);
}

/* open: the login's items (argv: USER SERVICE TTY RHOST, then CONF and LOGIND, either may
 * be absent or "", protocol.h). */
static int do_open(const struct open_state *login, const char *conf)
{
	struct open_state s = *login;
	struct error cerr = ERROR_INIT;
	int ret;

	s.udir = -1;
	if (config_load(conf, CONFIG_CHECK_OWNER, &s.c, &cerr) < 0) {
		refuse(&s, CTX_USER, 0, "%s", error_msg(&cerr));
		return CONFINE_HELPER_ERROR;
	}
	ret = match_user(&s);
	if (ret != CONFINE_HELPER_OK)
		goto out;
	if ((ret = open_refusal(&s)) != CONFINE_HELPER_OK)
		goto out;
	ret = CONFINE_HELPER_ERROR;
	if (open_limits(&s) < 0 || open_record(&s) < 0)
		goto out;
	if ((ret = open_user_lock(&s)) != CONFINE_HELPER_OK ||
	    (ret = open_resources(&s)) != CONFINE_HELPER_OK)
		goto out;
	log_open_event(&s);
	printf("%s\n", s.rec.sid);
	if (s.notice[0])
		printf("%s\n", s.notice);
out:
	if (s.udir >= 0)
		close(s.udir);
	free(s.gids);
	config_free(s.c);
	return ret;
}

static int do_close(const char *user)
{
	char sid[CONFINE_SID_MAX];
	struct session_record r;
	int q;

	if ((q = session_id(getppid(), sid, sizeof(sid))) < 0)
		return CONFINE_HELPER_ERROR;
	if (session_read(sid, &r) == 0 && !streq(r.user, user)) {
		log_msg(LOG_ERR, "close for '%s' names session %s of '%s'; refusing", user, sid,
			r.user);
		return CONFINE_HELPER_ERROR;
	}
	return session_close(sid, "logout") < 0 ? CONFINE_HELPER_ERROR : CONFINE_HELPER_OK;
}

/* The module's close: the session it opened on this PAM handle (sid), if it is user's. */
static int do_logout(const char *user, const char *sid)
{
	struct session_record r;
	int q;

	if (!session_sid_valid(sid))
		return CONFINE_HELPER_ERROR;
	if ((q = session_read(sid, &r)) == -ENOENT)
		return CONFINE_HELPER_OK; /* collected, killed or closed meanwhile */
	if (q < 0)
		return CONFINE_HELPER_ERROR;
	if (!streq(r.user, user)) {
		log_msg(LOG_ERR, "logout for '%s' names session %s of '%s'; refusing", user, sid,
			r.user);
		return CONFINE_HELPER_ERROR;
	}
	return session_close(sid, "logout") < 0 ? CONFINE_HELPER_ERROR : CONFINE_HELPER_OK;
}

/* confinectl kill: the administrator ends a session, by its id, as close would. */
static int do_kill(const char *sid)
{
	struct session_record r;
	int q;

	if (!session_sid_valid(sid))
		return CONFINE_HELPER_ERROR;
	if ((q = session_read(sid, &r)) == -ENOENT)
		return CONFINE_HELPER_IGNORE; /* no such session (or closed meanwhile) */
	if (q < 0)
		return CONFINE_HELPER_ERROR;
	return session_close(sid, "ended by the administrator (confinectl kill)") < 0
		   ? CONFINE_HELPER_ERROR
		   : CONFINE_HELPER_OK;
}

/*
 * An open runs to its end or rolls back (open_resources): the stop of a kiosk unit (SIGTERM
 * to its cgroup) or a Ctrl-C at the login's terminal would otherwise leave half a session
 * (a home, a cgroup, no record) until the user's next open. SIGKILL still can: reap_orphans.
 */
static void block_stop_signals(void)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGQUIT);
	sigaddset(&stop, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
}

int main(int argc, char **argv)
{
	/* Root only, and not through a setuid bit: the module runs us after setresuid(0,0,0). */
	if (getuid() != 0 || geteuid() != 0) {
		fprintf(stderr, "confine-helper: only root may run this\n");
		return CONFINE_HELPER_ERROR;
	}
	/* A clean process whatever the caller left: no env, fds 0-2 only, fixed umask. */
	clearenv();
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return CONFINE_HELPER_ERROR;
	(void)syscall(SYS_close_range, 3, ~0U, 0);
	umask(022);
	/* Limits and signals come from the caller, which may be the user (su): a tiny
	 * RLIMIT_FSIZE would kill us with SIGXFSZ between creating a session and recording it. */
	static const struct {
		int res;
		rlim_t v;
	} lim[] = {{RLIMIT_FSIZE, RLIM_INFINITY}, {RLIMIT_CPU, RLIM_INFINITY},
		   {RLIMIT_AS, RLIM_INFINITY},	  {RLIMIT_DATA, RLIM_INFINITY},
		   {RLIMIT_NOFILE, 1024},	  {RLIMIT_CORE, 0}};
	for (size_t i = 0; i < ELEMENTSOF(lim); i++)
		if (setrlimit(lim[i].res, &(struct rlimit){lim[i].v, lim[i].v}) < 0)
			return CONFINE_HELPER_ERROR;
	sigset_t none;
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	log_open("confine-helper", 0);

	if (argc >= 6 && argc <= 9 && streq(argv[1], CONFINE_VERB_OPEN)) {
		block_stop_signals();
		return do_open(&(struct open_state){.user = argv[2],
						    .service = argv[3],
						    .tty = argv[4],
						    .rhost = argv[5],
						    .logind = argc >= 8 ? argv[7] : "",
						    .caller = argc == 9 ? argv[8] : NULL},
			       argc >= 7 && argv[6][0] ? argv[6] : CONFINE_CONF_DEFAULT);
	}
	if (argc >= 6 && argc <= 7 && streq(argv[1], CONFINE_VERB_ACCOUNT))
		return do_account(argv[2], argv[3], argv[4], argv[5],
				  argc == 7 ? argv[6] : CONFINE_CONF_DEFAULT);
	/* A 4th argument is ignored: a module loaded before an upgrade (a running sshd) still
	 * passes its CONF to close, and its sessions must still close. */
	if (argc >= 3 && argc <= 4 && streq(argv[1], CONFINE_VERB_CLOSE))
		return do_close(argv[2]);
	if (argc >= 2 && argc <= 3 && streq(argv[1], CONFINE_VERB_GC)) {
		int r1 = gc(NULL, true), r2 = gc_runs(argc == 3 ? argv[2] : CONFINE_CONF_DEFAULT);
		int r3 = systemd_booted() ? gc_scopes() : 0,
		    r4 = gc_orphans(CONFINE_PROCS_DIR, procs_close) |
			 gc_orphans(NETNS_DIR, netns_close_quiet);
		return r1 < 0 || r2 < 0 || r3 < 0 || r4 < 0 ? CONFINE_HELPER_ERROR
							    : CONFINE_HELPER_OK;
	}
	if (argc == 4 && streq(argv[1], CONFINE_VERB_LOGOUT)) {
		/* Nobody waits for it: a stop of the login's unit must not cut a teardown short. */
		block_stop_signals();
		return do_logout(argv[2], argv[3]);
	}
	if (argc == 3 && streq(argv[1], CONFINE_VERB_KILL))
		return do_kill(argv[2]);
	fprintf(stderr,
		"usage: confine-helper open USER SERVICE TTY RHOST [CONF [LOGIND]] | account USER "
		"SERVICE TTY RHOST [CONF] | close USER | logout USER SID | gc [CONF] | kill SID\n");
	return CONFINE_HELPER_ERROR;
}
