/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The double fork: outer parent (root, outside) → namespaced parent → inner child (PID 1). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "kiosk.h"
#include "privs.h"

/* Exit statuses of a sandboxed run when the program itself never ran (as env(1), podman). */
#define SANDBOX_EXIT_SETUP  125 /* the sandbox could not be set up */
#define SANDBOX_EXIT_NOEXEC 126 /* the program exists but could not be executed */
#define SANDBOX_EXIT_NOENT  127 /* the program was not found */

enum sandbox_net {
	SANDBOX_NET_NONE,  /* a new network namespace with only lo */
	SANDBOX_NET_HOST,  /* the host's network */
	SANDBOX_NET_ALLOW, /* the session's namespace the root helper made (helper/netns.h) */
};

/*
 * Builds the session's home as a detached mount, called in the namespaced parent (root, in
 * the sandbox's private mount namespace, so nothing of it appears on the host). Returns the
 * mount's fd, *ret_lock_fd an fd to hold until the sandbox ends (or -1), or a negative errno
 * with err filled. confinectl run passes one (home_prepare); confine-shell never does.
 */
typedef int (*sandbox_home_fn)(void *data, int *ret_lock_fd, struct error *err);

/*
 * Waits for the user's supplementary groups, called in PID 1 (root, in the sandbox) just
 * before it needs them: *ret_groups malloc'd, *ret_n of them; 0 or a negative errno, and
 * PID 1 then runs nothing. confinectl run passes one (its user lookup answers them while the
 * sandbox is built); confine-shell never does (its record holds them).
 */
typedef int (*sandbox_groups_fn)(void *data, gid_t **ret_groups, int *ret_n);

/* What the sandbox is: everything the double fork needs, nothing of the config. */
struct sandbox_spec {
	const char *hostname;
	enum sandbox_net net;
	uint64_t tmp_size;	       /* bytes, each of /tmp, /var/tmp and /dev/shm */
	struct user_creds creds;       /* with groups_wait, creds.groups and ngroups are ignored */
	sandbox_groups_fn groups_wait; /* NULL: creds.groups are final */
	void *groups_wait_data;
	/* Called once in the outer parent when PID 1's exec (or its death) closed the sync
	 * socket; NULL: nothing to do. confinectl run reaps its user lookup child there, so no
	 * zombie of it stays for the session. */
	void (*setup_over)(void *data);
	void *setup_over_data;
	const char *home; /* where the home goes inside (pw_dir); also the working directory */
	int home_fd;	  /* detached mount to place at home, or -1: see home_build */
	sandbox_home_fn home_build; /* with home_fd -1: builds it; NULL: the real home as is */
	void *home_build_data;
	int cgroup_fd;	   /* the session's leaf cgroup, joined before any user code runs; -1:
			    * none (limits = "optional" on a host without them) */
	const char *path;  /* program to exec (absolute) */
	char *const *argv; /* its argv (argv[0] may differ from path, e.g. "-bash") */
	char *const *envp; /* its whole environment */
	const char *init;  /* a reaping init run as PID 1 that runs path as PID 2 (absolute;
			    * confine-init), or NULL: path is PID 1 */
	bool user_ns;	   /* a user namespace mapping only creds.uid and creds.gid */
	bool ssh_readonly; /* home = "bind": ~/.ssh read-only (made when missing) */
	unsigned grace_ms; /* after relaying SIGHUP/SIGTERM/SIGINT, SIGKILL after this long */
	/* Session time limit: at started + max_duration (CLOCK_BOOTTIME seconds; 0 = none)
	 * the program gets SIGHUP, and SIGKILL max_duration_grace seconds later. */
	unsigned long long started, max_duration, max_duration_grace;
	const char *sid, *user; /* for the log line saying why the session ended */
	int procs_dirfd;	/* a session without a cgroup: where the sandbox is registered so
				 * that close can kill it (session-procs.h); -1: not needed */
	/* graphical: host objects to bind into the sandbox (kiosk.h), or NULL */
	const struct kiosk_binds *binds;
};

/*
 * Runs spec->path confined and waits for it. Returns 0 and the exit status in shell
 * form (N, or 128+signal) in *ret_status, or a negative errno when the sandbox could
 * not be set up, with err always filled (*ret_status then says how: SANDBOX_EXIT_*).
 * Signals SIGHUP, SIGTERM, SIGINT and SIGQUIT received meanwhile are relayed; the
 * caller's signal mask and handlers are restored.
 */
int sandbox_run(const struct sandbox_spec *spec, int *ret_status, struct error *err);
