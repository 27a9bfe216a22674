/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "backend.h"
#include "cgroup-systemd.h"
#include "cgroup.h"
#include "util.h"

struct backend_choice backend_resolve(const struct confine_config *c)
{
	struct backend_choice b = {.backend = c->cgroup_backend};

	if (c->cgroup_backend != CGROUP_BACKEND_AUTO) {
		snprintf(b.why, sizeof(b.why), "cgroup_backend = \"%s\" in %s",
			 config_backend_name(c->cgroup_backend), c->path);
	} else if (systemd_booted()) {
		b.backend = CGROUP_BACKEND_SYSTEMD;
		snprintf(b.why, sizeof(b.why), "auto: systemd is PID 1 and owns the cgroup tree");
	} else {
		b.backend = CGROUP_BACKEND_CGROUPFS;
		snprintf(b.why, sizeof(b.why),
			 "auto: systemd is not running; confine manages %s itself", c->cgroup_root);
	}
	return b;
}

int backend_check(const struct confine_config *c, const struct confine_profile *p,
		  struct error *err)
{
	struct backend_choice b = backend_resolve(c);

	if (b.backend == CGROUP_BACKEND_CGROUPFS)
		return cgroup_check(c->cgroup_root, p, err);
	if (!systemd_built_in()) {
		/* -ENOPKG: not the host's fault, limits = "optional" does not cover it. */
		return error_set(err, -ENOPKG,
				 "the systemd backend is in force (%s) but confine was built "
				 "without libsystemd; rebuild with libsystemd-dev, or set "
				 "cgroup_backend = \"cgroupfs\" on a host where nothing else "
				 "manages cgroups",
				 b.why);
	}
	if (!systemd_booted())
		return error_set(err, -ENOPKG,
				 "cgroup_backend = \"systemd\" but systemd is not PID 1 here");
	return cgroup_check(CGROUP_MOUNT, p, err);
}

/*
 * A transient scope needs a first process, and the login program must stay in its logind
 * session scope. So a keeper holds the session's scope from open to close: root (the user
 * cannot signal it), no fds (the PAM module reads our stdout to EOF), in its own session,
 * every signal but SIGTERM blocked (the mask survives exec), asleep in confine-keeper until
 * the scope is stopped or killed. If the exec fails it exits, and the scope cannot start.
 */
static pid_t spawn_keeper(void)
{
	static char *const argv[] = {"confine-keeper", NULL}, *const envp[] = {NULL};
	pid_t pid = fork();

	if (pid != 0)
		return pid < 0 ? negerrno() : pid;
	sigset_t mask;
	sigfillset(&mask);
	sigdelset(&mask, SIGTERM);
	(void)sigprocmask(SIG_SETMASK, &mask, NULL);
	(void)signal(SIGTERM, SIG_DFL);
	(void)syscall(SYS_close_range, 0, ~0U, 0);
	(void)setsid();
	execve(CONFINE_KEEPER_PATH, argv, envp);
	_exit(127);
}

static int open_systemd(const struct confine_profile *p, const char *io_dev, uid_t uid, bool login,
			const char *name, struct session_cgroups *s, struct error *err)
{
	char slice[128], desc[256];
	pid_t first = getpid();
	bool create_slice = false;
	int r, fd;

	snprintf(s->unit, sizeof(s->unit), "confine-%s.scope", name);
	snprintf(slice, sizeof(slice), "user-%u.slice", (unsigned)uid);
	if (login && profile_has_user_limits(p)) {
		/* The user's sessions share one budget: a slice inside the user's slice. */
		snprintf(s->slice, sizeof(s->slice), "user-%u-confine.slice", (unsigned)uid);
		if ((r = systemd_unit_loaded(s->slice)) < 0)
			return error_set_errno(err, r, "cannot ask systemd about %s", s->slice);
		create_slice = r == 0;
		snprintf(slice, sizeof(slice), "%s", s->slice);
	}
	if (login && (first = spawn_keeper()) < 0)
		return error_set_errno(err, first, "cannot fork the scope keeper");
	snprintf(desc, sizeof(desc), "confine session %s of uid %u (profile %s)", name,
		 (unsigned)uid, p->name);
	r = systemd_scope_start(s->unit, slice, create_slice, desc, p, io_dev, first, s->cgroup,
				sizeof(s->cgroup), err);
	if (r < 0) {
		if (login) {
			(void)kill(first, SIGKILL);
			(void)waitpid(first, NULL, 0);
		}
		return r;
	}
	if (s->slice[0] && (r = systemd_slice_set(s->slice, p, err)) < 0) {
		(void)backend_close(s, login, NULL, NULL);
		return r;
	}
	fd = open(s->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		r = error_set_errno(err, negerrno(), "cannot open %s", s->cgroup);
		(void)backend_close(s, login, NULL, NULL);
	}
	return fd < 0 ? r : fd;
}

int backend_open(const struct confine_config *c, const struct confine_profile *p, uid_t uid,
		 bool login, const char *name, struct session_cgroups *s, struct error *err)
{
	char dev[32];
	int fd;

	*s = (struct session_cgroups){{0}};
	/* Resolved here, by root, from the root-owned config: never from the user. */
	if (profile_has_io(p) && (fd = cgroup_io_device(p->io_path, dev, sizeof(dev))) < 0)
		return error_set(err, fd, "io_path %s: %s", p->io_path,
				 fd == -ENOTBLK
				     ? "not on a block device (tmpfs, overlayfs, network?)"
				     : strerror(-fd));
	if (backend_resolve(c).backend == CGROUP_BACKEND_SYSTEMD)
		return open_systemd(p, profile_has_io(p) ? dev : NULL, uid, login, name, s, err);
	fd = cgroup_create(c->cgroup_root, login ? uid : (uid_t)-1, name, p,
			   profile_has_io(p) ? dev : NULL, s->cgroup, sizeof(s->cgroup));
	if (fd == -EOPNOTSUPP && p->io_weight)
		return error_set(err, fd,
				 "io_weight: block device %s of io_path %s has no proportional io "
				 "control (enable io.cost, or the bfq scheduler)",
				 dev, p->io_path);
	if (fd < 0)
		return error_set_errno(err, fd, "cannot create cgroup %s for %s", c->cgroup_root,
				       name);
	return fd;
}

int backend_close(const struct session_cgroups *s, bool stop_unit, unsigned long long *oom_kills,
		  struct error *err)
{
	int r = 0;

	if (oom_kills)
		*oom_kills = 0;
	/* Kill the payload first and wait for it: fast, and nothing of it survives the stop. */
	if (s->cgroup[0] && (r = cgroup_destroy(s->cgroup, oom_kills)) < 0)
		return error_set_errno(err, r, "cannot remove cgroup %s", s->cgroup);
	if (s->unit[0] && stop_unit && (r = systemd_unit_stop(s->unit, err)) < 0) {
		/* systemd would not stop it: kill the keeper in our own subtree instead; the
		 * empty scope then ends by itself, and no root process is left behind. */
		char sup[sizeof(s->cgroup) + 16];
		const char *slash = strrchr(s->cgroup, '/');
		if (slash) {
			snprintf(sup, sizeof(sup), "%.*s/supervisor", (int)(slash - s->cgroup),
				 s->cgroup);
			(void)cgroup_destroy(sup, NULL);
		}
		return r;
	}
	return 0;
}

int backend_user_done(const struct session_cgroups *s, struct error *err)
{
	_cleanup_free_ char *copy = NULL;
	int r;

	if (s->unit[0])
		return s->slice[0] ? systemd_unit_stop(s->slice, err) : 0;
	if (!s->cgroup[0])
		return 0;
	/* cgroupfs: the user's aggregate is the leaf's parent, user-UID. */
	if (!(copy = strdup(s->cgroup)))
		return error_set(err, -ENOMEM, "out of memory");
	/* cppcheck does not know __attribute__((cleanup)): copy is freed by _cleanup_free_. */
	if (strncmp(basename(dirname(copy)), "user-", 5) != 0)
		return 0; // cppcheck-suppress memleak
	if ((r = cgroup_remove_if_unused(copy)) < 0)
		return error_set_errno(err, r, "cannot remove cgroup %s", copy);
	return r;
}
