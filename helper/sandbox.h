/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The double fork: outer parent (root, outside) → namespaced parent → inner child (PID 1). */
#pragma once

#include <sys/types.h>

#include "config.h"
#include "home.h"
#include "privs.h"

/* Exit statuses of a sandboxed run when the program itself never ran (as env(1), podman). */
#define SANDBOX_EXIT_SETUP  125 /* the sandbox could not be set up */
#define SANDBOX_EXIT_NOEXEC 126 /* the program exists but could not be executed */
#define SANDBOX_EXIT_NOENT  127 /* the program was not found */

struct sandbox_spec {
	const struct confine_profile *profile;
	struct user_creds creds;
	const char *home;   /* where the home goes inside (pw_dir); also the working directory */
	int home_fd;	    /* detached mount to place at home, or -1: see home_owner */
	/* With home_fd -1 and home_owner set, the namespaced parent builds the home itself
	 * (home_prepare) inside the sandbox's mount namespace, so nothing appears on the host. */
	const struct confine_config *config;
	const struct home_owner *home_owner;
	int cgroup_fd;	    /* the session's leaf cgroup, joined before any user code runs; -1:
			     * none (limits = "optional" on a host without them) */
	const char *path;   /* program to exec (absolute) */
	char *const *argv;  /* its argv (argv[0] may differ from path, e.g. "-bash") */
	char *const *envp;  /* its whole environment */
	unsigned grace_ms;  /* after relaying SIGHUP/SIGTERM/SIGINT, SIGKILL after this long */
	/* Session time limit: at started + max_duration (CLOCK_BOOTTIME seconds; 0 = none)
	 * the program gets SIGHUP, and SIGKILL max_duration_grace seconds later. */
	unsigned long long started, max_duration, max_duration_grace;
	const char *sid, *user; /* for the log line saying why the session ended */
	int procs_dirfd;    /* a session without a cgroup: where the sandbox is registered so
			     * that close can kill it (session-procs.h); -1: not needed */
	int parent_pidfd;   /* internal: pidfd of the namespaced parent, for PID 1 */
};

/*
 * Runs spec->path confined and waits for it. Returns 0 and the exit status in shell
 * form (N, or 128+signal) in *ret_status, or a negative errno when the sandbox could
 * not be set up, with a message in err. Signals SIGHUP, SIGTERM, SIGINT and SIGQUIT
 * received meanwhile are relayed; the caller's signal mask and handlers are restored.
 */
int sandbox_run(const struct sandbox_spec *spec, int *ret_status, char *err, size_t errlen);
