/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl: the admin CLI (root, never setuid): run a command confined, check the config;
 * the commands on live sessions (list, status, kill, join) are in ops-*.c. */
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "backend.h"
#include "cgroup.h"
#include "check-sshd.h"
#include "check-user.h"
#include "config.h"
#include "netns.h"
#include "home-image.h"
#include "home.h"
#include "localdb.h"
#include "landlock.h"
#include "ops.h"
#include "protocol.h"
#include "run-fixed.h"
#include "session.h"
#include "log.h"
#include "error.h"
#include "sandbox.h"
#include "units.h"
#include "users.h"
#include "userns-probe.h"
#include "util.h"

#define EXIT_USAGE   2
#define SANDBOX_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage:\n"
		"  confinectl run [--config FILE] --profile NAME --user USER [--] [CMD [ARG...]]\n"
		"  confinectl check [--config FILE] [--user USER [--service NAME]]\n"
		"  confinectl gc\n"
		"  confinectl list [--user USER] [--profile NAME] [--no-legend] [--json]\n"
		"  confinectl status [--json] SESSION|USER\n"
		"  confinectl top [-b] [-n N] [-d SECS] [--order cpu|mem|io|procs] [--json]\n"
		"  confinectl metrics [--output FILE]\n"
		"  confinectl kill SESSION|--user USER [--signal SIG]\n"
		"  confinectl join SESSION|USER [--root] [-- CMD [ARG...]]\n"
		"  confinectl enroll [--config FILE] [--profile NAME] USER\n"
		"  confinectl unenroll USER [SHELL]\n"
		"See confinectl(8).\n");
}

/* fds 0-2 open (else later opens could land there), nothing else inherited, sane umask. */
static void sanitize_process(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_USAGE);
	(void)syscall(SYS_close_range, 3, ~0U, 0);
	umask(022);
	/* A caller's ignored SIGCHLD would have the kernel reap our children unseen: the run's
	 * user lookup child's pid could then be another process's when we end it. */
	(void)signal(SIGCHLD, SIG_DFL);
}

static struct confine_config *load_config(const char *path)
{
	struct confine_config *c = NULL;
	struct error err = ERROR_INIT;

	if (config_load(path, CONFIG_CHECK_OWNER, &c, &err) < 0) {
		fprintf(stderr, "confinectl: %s\n", error_msg(&err));
		return NULL;
	}
	return c;
}

/* Finds cmd on the sandbox's PATH (the same root filesystem is visible inside). */
static char *find_program(const char *cmd)
{
	char buf[4096];

	if (strchr(cmd, '/'))
		return strdup(cmd);
	for (const char *p = SANDBOX_PATH; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, cmd);
		if (access(buf, X_OK) == 0)
			return strdup(buf);
		p += n + (p[n] == ':');
	}
	return NULL;
}

/* What run's home is built from, in the sandbox's namespaced parent (sandbox_home_fn). */
struct run_home {
	const struct confine_config *config;
	const struct confine_profile *profile;
	const struct home_owner *owner;
};

static int run_home_build(void *data, int *ret_lock_fd, struct error *err)
{
	const struct run_home *h = data;
	int r;

	/* Staged in the sandbox's own /tmp: private mount namespace, nothing on the host. */
	r = home_prepare(h->config, h->profile, h->owner, "/tmp", ret_lock_fd, err);
	if (r < 0)
		return error_prefix(err, "cannot prepare the home %s", h->owner->path);
	return r;
}

/* What confinectl run resolves before it starts anything: the profile, the user, the program. */
struct run_target {
	const char *conf, *pname, *uname;
	struct confine_config *c;
	const struct confine_profile *p;
	struct passwd *pw;     /* &user.pw */
	struct user_info user; /* from a child (users.h): no NSS module maps into this process */
	int lookup_err;	       /* user_lookup_passwd's result */
	struct user_lookup lookup; /* its groups: read by the sandbox's PID 1 (groups_wait) */
	char *prog;
	bool no_limits; /* limits = "optional" on a host without them */
};

/*
 * Resolves the profile, the user, the program and the groups, and checks this host can
 * enforce the limits. Returns 0, or the exit status after a message on stderr.
 */
static int run_resolve(struct run_target *t, const char *cmd)
{
	struct error err = ERROR_INIT;
	int r;

	if (!(t->p = config_find_profile(t->c, t->pname))) {
		fprintf(stderr, "confinectl: %s: no profile named '%s'\n", t->conf, t->pname);
		return EXIT_USAGE;
	}
	/* Its namespace belongs to a login session (the helper makes and removes it). */
	if (t->p->net == NET_ALLOW) {
		fprintf(stderr,
			"confinectl: profile '%s' has net = \"allow\": only login sessions get "
			"that network; run with a profile of net = \"none\" or \"host\"\n",
			t->pname);
		return EXIT_USAGE;
	}
	if ((r = t->lookup_err) == -ENOENT) {
		fprintf(stderr, "confinectl: no such user '%s'\n", t->uname);
		return EXIT_USAGE;
	}
	if (r < 0) {
		fprintf(stderr, "confinectl: cannot read the user '%s': %s\n", t->uname,
			strerror(-r));
		return SANDBOX_EXIT_SETUP;
	}
	t->pw = &t->user.pw;
	if (t->pw->pw_uid == 0 || t->pw->pw_gid == 0) {
		fprintf(stderr, "confinectl: refusing to confine '%s': uid or gid is 0\n",
			t->uname);
		return EXIT_USAGE;
	}
	if (!(t->prog = find_program(cmd))) {
		fprintf(stderr, "confinectl: %s: command not found\n", cmd);
		return SANDBOX_EXIT_NOENT;
	}
	if ((r = backend_check(t->c, t->p, &err)) < 0) {
		if (!t->p->limits_optional || r != -ENOTSUP) {
			fprintf(stderr, "confinectl: refusing to run profile '%s' unconfined: %s\n",
				t->pname, error_msg(&err));
			return SANDBOX_EXIT_SETUP;
		}
		fprintf(stderr,
			"confinectl: warning: running WITHOUT resource limits (limits = "
			"\"optional\" in profile '%s'): %s\n",
			t->pname, error_msg(&err));
		t->no_limits = true;
	}
	return 0;
}

/*
 * The persistent home's state, held open in *state_fd for the run (the image is made here:
 * mkfs cannot run as a child in the sandbox's PID namespace). 0 or -1 after a message.
 */
static int run_home_state(const struct run_target *t, struct home_owner *ho, int *state_fd)
{
	struct error err = ERROR_INIT;
	char path[512];

	/* A logged-in user's persistent upper is in use by its login sessions' home mount. */
	snprintf(path, sizeof(path), CONFINE_HOMES_DIR "/%s", t->pw->pw_name);
	if (t->p->home == HOME_PERSISTENT && access(path, F_OK) == 0) {
		fprintf(stderr,
			"confinectl: cannot prepare the home of '%s': the persistent home "
			"is in use by another session (a login)\n",
			t->uname);
		return -1;
	}
	if (home_persistent_ensure(t->c, t->p, ho, state_fd, &err) < 0) {
		fprintf(stderr, "confinectl: cannot prepare the home of '%s': %s\n", t->uname,
			error_msg(&err));
		return -1;
	}
	ho->state_fd = *state_fd;
	return 0;
}

/* The payload's environment: the login variables, the sandbox's PATH, and TERM if set. */
struct run_env {
	char home[4200], user[300], logname[300], shell[4200], term[256];
	char *envp[8];
};

static void run_env_fill(struct run_env *e, const struct passwd *pw,
			 const struct confine_profile *p)
{
	int n = 0;

	snprintf(e->home, sizeof(e->home), "HOME=%s", pw->pw_dir);
	snprintf(e->user, sizeof(e->user), "USER=%s", pw->pw_name);
	snprintf(e->logname, sizeof(e->logname), "LOGNAME=%s", pw->pw_name);
	snprintf(e->shell, sizeof(e->shell), "SHELL=%s", p->shell);
	e->envp[n++] = e->home;
	e->envp[n++] = e->user;
	e->envp[n++] = e->logname;
	e->envp[n++] = e->shell;
	e->envp[n++] = "PATH=" SANDBOX_PATH;
	if (getenv("TERM")) {
		snprintf(e->term, sizeof(e->term), "TERM=%s", getenv("TERM"));
		e->envp[n++] = e->term;
	}
	e->envp[n] = NULL;
}

/* Ends the run's cgroup whatever happened and reports OOM kills; returns the exit status. */
static int run_teardown(struct session_cgroups *cg, int status)
{
	unsigned long long ooms = 0;
	struct error err = ERROR_INIT;

	/* Teardown: whatever happened, nothing of the session may outlive this point. */
	/* Our own scope (systemd) ends by itself when we exit: only the payload goes here. */
	if (backend_close(cg, false, &ooms, &err) < 0) {
		fprintf(stderr, "confinectl: %s\n", error_msg(&err));
		if (status == 0)
			status = SANDBOX_EXIT_SETUP;
	}
	if (ooms)
		fprintf(stderr,
			"confinectl: the kernel OOM-killed %llu process%s of the run "
			"(memory limit)\n",
			ooms, ooms == 1 ? "" : "es");
	return status;
}

/* The sandbox's groups_wait: the lookup child's second answer, read in PID 1. */
static int run_groups_wait(void *data, gid_t **ret_groups, int *ret_n)
{
	return user_lookup_groups(data, ret_groups, ret_n);
}

/* The sandbox's setup_over: PID 1 read the groups (or died), the lookup child is done. */
static void run_setup_over(void *data)
{
	user_lookup_end(data);
}

/* Runs argv in a sandbox of the resolved target, in a cgroup of its own; the exit status. */
static int run_confined(struct run_target *t, char **argv)
{
	const struct confine_profile *p = t->p;
	const struct passwd *pw = t->pw;
	_cleanup_close_ int leaf = -1, state_fd = -1;
	struct session_cgroups cg = {{0}};
	struct error serr = ERROR_INIT;
	int status = SANDBOX_EXIT_SETUP;
	struct run_env env;
	struct timespec boot;
	struct error err = ERROR_INIT;
	char name[64];
	uint32_t rnd;

	/* The stage (old kernels) stays below the sandbox's /tmp: no umount (home.h). */
	struct home_owner ho = {pw->pw_name, pw->pw_uid, pw->pw_gid, pw->pw_dir, -1, true};
	if (run_home_state(t, &ho, &state_fd) < 0)
		return SANDBOX_EXIT_SETUP;
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	snprintf(name, sizeof(name), "run-%d-%08x", (int)getpid(), rnd);
	if (!t->no_limits &&
	    (leaf = backend_open(t->c, p, pw->pw_uid, false, name, &cg, &err)) < 0) {
		fprintf(stderr, "confinectl: %s\n", error_msg(&err));
		return SANDBOX_EXIT_SETUP;
	}
	run_env_fill(&env, pw, p);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	struct run_home home = {t->c, p, &ho};
	struct sandbox_spec spec = {
	    .hostname = p->hostname,
	    .net = p->net == NET_HOST ? SANDBOX_NET_HOST : SANDBOX_NET_NONE,
	    .tmp_size = p->tmp_size,
	    .creds = {pw->pw_uid, pw->pw_gid, NULL, 0},
	    .groups_wait = run_groups_wait,
	    .groups_wait_data = &t->lookup,
	    .setup_over = run_setup_over,
	    .setup_over_data = &t->lookup,
	    .home = pw->pw_dir,
	    .home_fd = -1,
	    .home_build = run_home_build,
	    .home_build_data = &home,
	    .cgroup_fd = leaf,
	    .path = t->prog,
	    .argv = argv,
	    .envp = env.envp,
	    .init = p->init ? CONFINE_INIT_PATH : NULL,
	    .user_ns = p->user_ns,
	    .ssh_readonly = p->home == HOME_BIND,
	    .grace_ms = 2000,
	    .started = (unsigned long long)boot.tv_sec,
	    .max_duration = p->max_duration,
	    .max_duration_grace = p->max_duration_grace,
	    .sid = name,
	    .user = pw->pw_name,
	    .procs_dirfd = -1, /* ended by this process's teardown, not by a PAM close */
	};
	if (sandbox_run(&spec, &status, &serr) < 0)
		fprintf(stderr, "confinectl: %s\n", error_msg(&serr));
	return run_teardown(&cg, status);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"profile", required_argument, NULL, 'p'},
					     {"user", required_argument, NULL, 'u'},
					     {"help", no_argument, NULL, 'h'},
					     {}};
	struct run_target t = {.conf = CONFINE_CONF_DEFAULT};
	int o, status;

	while ((o = getopt_long(argc, argv, "+c:p:u:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			t.conf = optarg;
			break;
		case 'p':
			t.pname = optarg;
			break;
		case 'u':
			t.uname = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!t.pname || !t.uname) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* The user is looked up in a child (users.h) while the config is parsed here; its
	 * groups come last, read by the sandbox's PID 1 before its privilege drop. */
	if ((t.lookup_err = user_lookup_start(t.uname, &t.lookup)) < 0) {
		fprintf(stderr, "confinectl: cannot look up the user '%s': %s\n", t.uname,
			strerror(-t.lookup_err));
		return SANDBOX_EXIT_SETUP;
	}
	t.c = load_config(t.conf);
	t.lookup_err = user_lookup_passwd(&t.lookup, &t.user);
	if (!t.c) {
		user_lookup_end(&t.lookup);
		return EXIT_USAGE;
	}
	/* Without CMD: the profile's command (root's own CMD, when given, runs instead). */
	const struct confine_profile *p = config_find_profile(t.c, t.pname);
	char **cmd = optind < argc ? argv + optind : p ? p->command : NULL;
	if (!cmd) {
		usage(stderr);
		user_lookup_end(&t.lookup);
		config_free(t.c);
		return EXIT_USAGE;
	}
	status = run_resolve(&t, cmd[0]);
	if (status == 0)
		status = run_confined(&t, cmd);
	user_lookup_end(&t.lookup);
	/* The run is over and this process ends here: freeing the parsed config and running
	 * the exit handlers only delays the caller (2-3 ms under the benchmark's emulation,
	 * which translates every freeing path afresh). stdio is flushed by hand. */
	fflush(NULL);
	_exit(status);
}

/* Where cgroup2 is mounted on this host (first match in mountinfo), or "". */
static void find_cgroup2(char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[2048], *dash = strstr(line, " - ");
		if (dash && strncmp(dash + 3, "cgroup2 ", 8) == 0 &&
		    sscanf(line, "%*s %*s %*s %*s %2047s", mnt) == 1) {
			snprintf(buf, len, "%s", mnt);
			return;
		}
	}
}

static bool file_has(const char *path, const char *needle)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512];

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			return true;
	return false;
}

/* A cgroup below the cgroup2 mount other than its root (which lacks most limit files), or
 * "" when there is none to look at. */
static void some_child_cgroup(const struct confine_config *c, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[600];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::/", 4) == 0 && line[4] != '\n') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s%s", CGROUP_MOUNT, line + 3);
			return;
		}
	if (access(c->cgroup_root, F_OK) == 0)
		snprintf(buf, len, "%s", c->cgroup_root);
}

/*
 * What this host lacks for p's sandbox, with or without limits (Landlock, the user
 * namespace): a login of the profile would be refused. Prints one line each; how many.
 */
static int profile_sandbox_problems(const struct confine_profile *p)
{
	int n = 0, r;

	if ((r = landlock_abi()) < 0) {
		printf("# profile %s: NOT usable: this kernel has no Landlock (%s; it must be "
		       "built in and in the LSM list; its logins are refused)\n",
		       p->name, strerror(-r));
		n++;
	}
	if (p->user_ns) {
		struct error uerr = ERROR_INIT;
		if (userns_probe(&uerr) < 0) {
			printf("# profile %s: NOT usable: user_ns = true: %s (its logins are "
			       "refused)\n",
			       p->name, error_msg(&uerr));
			n++;
		} else {
			printf(
			    "# profile %s: user_ns: a user namespace of the user's, mapping only "
			    "the user's uid and gid (setgroups denied): other ids, root's "
			    "included, show as nobody and no id inside maps to root; nested "
			    "user namespaces stay refused\n",
			    p->name);
		}
	}
	return n;
}

/* What the host lacks for the profile's limits: io_path's device, swap accounting. */
static int profile_limit_problems(const struct confine_config *c, const struct confine_profile *p)
{
	char dev[32], cg[700], path[800];
	int n = 0, r;

	if (profile_has_io(p) && (r = cgroup_io_device(p->io_path, dev, sizeof(dev))) < 0) {
		printf("# profile %s: NOT usable: io_path %s: %s (its logins are refused)\n",
		       p->name, p->io_path, r == -ENOTBLK ? "not on a block device" : strerror(-r));
		n++;
	}
	some_child_cgroup(c, cg, sizeof(cg));
	snprintf(path, sizeof(path), "%s/memory.swap.max", cg);
	if (p->memory_swap_max != UNIT_MAX && cg[0] && access(path, F_OK) < 0 &&
	    (snprintf(path, sizeof(path), "%s/memory.max", cg), access(path, F_OK) == 0)) {
		printf("# profile %s: NOT usable: memory_swap_max: this kernel has no swap "
		       "accounting (no memory.swap.max; its logins are refused)\n",
		       p->name);
		n++;
	}
	return n;
}

/* The effective configuration, as confine.conf(5) text; rules as comments. */
static void check_print_config(const char *conf, const struct confine_config *c)
{
	printf("# %s: valid\n", conf);
	printf("cgroup_root = \"%s\";\nstate_dir = \"%s\";\n", c->cgroup_root, c->state_dir);
	for (unsigned i = 0; i < c->n_profiles; i++)
		config_print_profile(&c->profiles[i], stdout);
	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];
		printf("# rule %u (line %d):", i + 1, r->line);
		if (r->user)
			printf(" user=%s", r->user);
		if (r->group)
			printf(" group=%s", r->group);
		if (r->has_uid)
			printf(" uid=%u-%u", (unsigned)r->uid_min, (unsigned)r->uid_max);
		if (r->service)
			printf(" service=%s", r->service);
		if (r->rhost)
			printf(" rhost=%s", r->rhost);
		if (r->tty)
			printf(" tty=%s", r->tty);
		printf(" -> %s\n", r->profile->name);
	}
}

/* What the kernel offers (cgroup2 and its controllers, overlayfs, user namespaces). */
static void check_print_kernel(void)
{
	char mnt[2048], ctl[512] = "", path[2100];

	find_cgroup2(mnt, sizeof(mnt));
	if (mnt[0]) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
		if ((f = fopen(path, "re"))) {
			if (fgets(ctl, sizeof(ctl), f))
				ctl[strcspn(ctl, "\n")] = '\0';
			fclose(f);
		}
		printf("# kernel: cgroup2 mounted at %s, controllers: %s\n", mnt,
		       ctl[0] ? ctl : "(none)");
	} else {
		printf("# kernel: cgroup2 is not mounted\n");
	}
	printf("# kernel: overlayfs %s\n",
	       file_has("/proc/filesystems", "\toverlay")
		   ? "available"
		   : "not loaded (loads on first use if built as a module)");
	{
		_cleanup_fclose_ FILE *f = fopen("/proc/sys/user/max_user_namespaces", "re");
		long n = -1;
		if (!f || fscanf(f, "%ld", &n) != 1)
			n = -1;
		printf("# kernel: user namespaces %s\n",
		       n > 0	? "available"
		       : n == 0 ? "disabled (user.max_user_namespaces = 0)"
				: "unknown");
	}
}

/* An IPv4/IPv6 forwarding switch of all interfaces: 1 on, 0 off, -1 unknown. */
static int forwarding(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (f && fscanf(f, "%d", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v < 0 ? -1 : v != 0;
}

/*
 * net = "allow": can this host build a session's namespace, veth and rules (probed once in
 * a throwaway namespace)? 0, or -1 after the line saying why not. Notes what stays host-only.
 */
static int check_net(const struct confine_profile *p)
{
	static int probed = 1; /* 1: not yet */
	static struct error perr = ERROR_INIT;

	if (p->net != NET_ALLOW)
		return 0;
	if (probed == 1)
		probed = netns_probe(&perr);
	if (probed < 0) {
		printf("# profile %s: NOT usable on this host: net = \"allow\" cannot be "
		       "enforced: %s\n",
		       p->name, error_msg(&perr));
		return -1;
	}
	if (forwarding("/proc/sys/net/ipv6/conf/all/forwarding") != 1)
		printf("# profile %s: net = \"allow\": IPv6 reaches only this host's addresses "
		       "(IPv6 forwarding is off, and Linux has no per-interface switch for it)\n",
		       p->name);
	if (forwarding("/proc/sys/net/ipv4/conf/all/forwarding") != 1)
		printf("# profile %s: net = \"allow\": IPv4 beyond this host needs forwarding "
		       "on the uplink (net.ipv4.conf.IFACE.forwarding = 1: replies are checked "
		       "where they come in)\n",
		       p->name);
	return 0;
}

/* Whether each profile can be enforced on this host, one line each; 1 if one cannot. */
static int check_profiles(const struct confine_config *c)
{
	int bad = 0;

	for (unsigned i = 0; i < c->n_profiles; i++) {
		const struct confine_profile *p = &c->profiles[i];
		struct error err = ERROR_INIT, ierr = ERROR_INIT;
		int r = backend_check(c, p, &err);
		const char *msg = error_msg(&err), *note = NULL;
		/* A persistent home's size is an ext4 image on a loop device: refused without. */
		if (p->home == HOME_PERSISTENT && image_support(&note, &ierr) < 0) {
			printf(
			    "# profile %s: NOT usable on this host: home_size cannot be enforced: "
			    "%s\n",
			    p->name, error_msg(&ierr));
			bad = 1;
			continue;
		}
		if (note)
			printf("# profile %s: home_size: %s\n", p->name, note);
		if (check_net(p) < 0) {
			bad = 1;
			continue;
		}
		if (r < 0) {
			/* Without limits, the sandbox itself is still needed: Landlock, user_ns. */
			if (p->limits_optional && r == -ENOTSUP) {
				if (profile_sandbox_problems(p) > 0) {
					bad = 1;
					continue;
				}
				printf("# profile %s: usable WITHOUT resource limits (limits = "
				       "\"optional\"): %s\n",
				       p->name, msg);
				continue;
			}
			printf("# profile %s: NOT usable on this host: %s\n", p->name, msg);
			bad = 1;
		} else if (profile_sandbox_problems(p) + profile_limit_problems(c, p) > 0) {
			bad = 1;
		} else {
			printf("# profile %s: usable\n", p->name);
		}
	}
	return bad;
}

/* A rule naming a group the database cannot resolve refuses every login it is asked about
 * (fail closed, see match_user in confine-helper.c): said here before users meet it. */
static int check_rule_groups(const struct confine_config *c)
{
	int bad = 0;

	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];
		errno = 0;
		if (!r->group || getgrnam(r->group))
			continue;
		printf("# %s:%d: group '%s' cannot be resolved (%s): logins this rule is asked "
		       "about are REFUSED until it can\n",
		       c->path, r->line, r->group, errno ? strerror(errno) : "no such group");
		bad = 1;
	}
	return bad;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"user", required_argument, NULL, 'u'},
					     {"service", required_argument, NULL, 's'},
					     {"help", no_argument, NULL, 'h'},
					     {}};
	const char *conf = CONFINE_CONF_DEFAULT, *user = NULL, *service = NULL;
	struct confine_config *c;
	int o, bad, r;

	while ((o = getopt_long(argc, argv, "c:u:s:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			conf = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 's':
			service = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (service && !user)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(c = load_config(conf)))
		return 1;
	if (user) {
		/* A login's preview: the rules asked as confine-helper asks them. */
		bad = check_user(c, user, service ? service : "login", stdout);
		/* Forwarding and internal-sftp run in sshd, for the user, outside any sandbox. */
		const struct passwd *pw = service && streq(service, "sshd") ? getpwnam(user) : NULL;
		if (pw && user_confined(c, pw, "sshd") &&
		    (r = sshd_audit(user, "sshd: ", stdout)) != 0 && r != SSHD_AUDIT_ABSENT)
			bad = CHECK_USER_PROBLEM;
		config_free(c);
		return bad;
	}
	check_print_config(conf, c);
	check_print_kernel();
	struct backend_choice b = backend_resolve(c);
	printf("# cgroup backend: %s (%s)\n", config_backend_name(b.backend), b.why);
	bad = check_profiles(c);
	bad |= check_rule_groups(c);
	bad |= sshd_audit_rules(c, stdout);
	(void)home_check_state(c, stdout);
	config_free(c);
	return bad ? 3 : 0;
}

/* Would a member of "confine" (and of confine-NAME) be sent to profile want? */
static bool rules_send_to(const struct confine_config *c, const struct passwd *pw,
			  const char *extra, const char *want)
{
	_cleanup_free_ gid_t *g = NULL;
	const char *names[SESSION_GROUPS_MAX + 3];
	int n = user_groups(pw, &g), k = 0;

	for (int i = 0; i < n && k < SESSION_GROUPS_MAX; i++) {
		struct group *gr = getgrgid(g[i]);
		if (gr && (names[k] = strdup(gr->gr_name)))
			k++;
	}
	names[k++] = "confine";
	if (extra)
		names[k++] = extra;
	names[k] = NULL;
	struct match_input in = {.user = pw->pw_name, .uid = pw->pw_uid, .groups = names};
	const struct confine_rule *r;
	bool ok = config_match(c, &in, &r) == 0 && r && streq(r->profile->name, want);
	for (int i = 0; i < k - 1 - (extra != NULL); i++)
		free((char *)names[i]);
	return ok;
}

/* Enrolled, but sshd still serves the account outside the sandbox: said on stderr. */
static void enroll_sshd_warning(const char *user)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	int n = sshd_audit(user, "confinectl: warning: sshd: ", f);
	if (fclose(f) == 0 && n != 0 && n != SSHD_AUDIT_ABSENT)
		fputs(text, stderr);
}

/* enroll changes local accounts only: a directory user gets confine-shell another way. */
static void print_directory_recipe(const char *user)
{
	fprintf(stderr,
		"confinectl: '%s' is not a local account (not in " LOCALDB_PASSWD ": it comes "
		"from a\n"
		"directory: SSSD, LDAP, winbind); enroll changes local accounts only. For "
		"directory users:\n"
		"  1. make confine-shell their login shell on this host: SSSD: in the "
		"[domain/...] section\n"
		"     override_shell = " CONFINE_SHELL_PATH "\n"
		"     (winbind: template shell; FreeIPA: an ID view for the host group);\n"
		"  2. let the rules of confine.conf choose the profile by directory group, and "
		"end them\n"
		"     with a catch-all rule { profile = \"guest\"; } so every such login is "
		"matched;\n"
		"  3. let them execute confine-shell (4750 root:confine).\n"
		"See \"Directory users\" in doc/fleet.md of confine (README.md links it).\n",
		user);
}

/* Refuses a directory user and a group that would shadow a directory group (0 or -1). */
static int enroll_local_only(const struct passwd *pw, const char *group)
{
	struct error err = ERROR_INIT;
	int r = localdb_has(LOCALDB_PASSWD, pw->pw_name, &err);

	if (r == 0)
		print_directory_recipe(pw->pw_name);
	if (r <= 0) {
		if (r < 0)
			fprintf(stderr, "confinectl: %s\n", error_msg(&err));
		return -1;
	}
	/* usermod -G only knows local groups: confine must be one, as must confine-NAME. */
	for (const char *g = "confine"; g; g = g == group ? NULL : group) {
		if ((r = localdb_group_creatable(LOCALDB_GROUP, LOCALDB_NSSWITCH, g, &err)) < 0) {
			fprintf(stderr, "confinectl: refusing to enroll '%s': %s\n", pw->pw_name,
				error_msg(&err));
			return -1;
		}
		if (!group)
			break;
	}
	return 0;
}

/*
 * enroll: the account joins group confine (and confine-NAME for --profile NAME) and gets
 * confine-shell as its login shell. Nothing changes unless the config's rules would then
 * really give the user that profile.
 */
static int cmd_enroll(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"profile", required_argument, NULL, 'p'},
					     {}};
	const char *conf = CONFINE_CONF_DEFAULT, *pname = NULL;
	struct confine_config *c;
	char group[64], groups[80];
	struct passwd *pw;
	int o, r = 1;

	while ((o = getopt_long(argc, argv, "+c:p:", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			conf = optarg;
			break;
		case 'p':
			pname = optarg;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(pw = getpwnam(argv[optind])) || pw->pw_uid == 0) {
		fprintf(stderr, "confinectl: '%s' is not a user that can be confined\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (!(c = load_config(conf)))
		return EXIT_USAGE;
	const char *want = pname ? pname : "guest";
	if (!config_find_profile(c, want)) {
		fprintf(stderr, "confinectl: %s: no profile named '%s'\n", conf, want);
		goto out;
	}
	snprintf(group, sizeof(group), "confine-%s", want);
	if (pname && strlen(group) > 32) {
		fprintf(stderr, "confinectl: group name '%s' would be too long\n", group);
		goto out;
	}
	if (!rules_send_to(c, pw, pname ? group : NULL, want)) {
		fprintf(stderr,
			"confinectl: %s: no rule sends %s to profile '%s'; add\n"
			"  { group = \"%s\"; profile = \"%s\"; },\n"
			"to the rules, before any other rule the user matches\n",
			conf, pname ? group : "group confine", want, pname ? group : "confine",
			want);
		goto out;
	}
	if (enroll_local_only(pw, pname ? group : NULL) < 0)
		goto out;
	if (pname && localdb_group_creatable(LOCALDB_GROUP, LOCALDB_NSSWITCH, group, NULL) == 1) {
		char *const add[] = {"groupadd", "--system", group, NULL};
		if (run_fixed("/usr/sbin/groupadd", add) != 0)
			goto out;
	}
	snprintf(groups, sizeof(groups), "confine%s%s", pname ? "," : "", pname ? group : "");
	char *const mod[] = {"usermod",		 "-a",	      "-G", groups, "-s",
			     CONFINE_SHELL_PATH, pw->pw_name, NULL};
	r = run_fixed("/usr/sbin/usermod", mod) == 0 ? 0 : 1;
	if (r == 0)
		enroll_sshd_warning(pw->pw_name);
out:
	config_free(c);
	return r;
}

/* unenroll: out of group confine and every confine-* group, back to a normal shell. */
static int cmd_unenroll(int argc, char **argv)
{
	_cleanup_free_ gid_t *g = NULL;
	struct passwd *pw;
	int n;

	if (argc < 2 || argc > 3) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(pw = getpwnam(argv[1])) || pw->pw_uid == 0) {
		fprintf(stderr, "confinectl: '%s' is not a user that can be confined\n", argv[1]);
		return EXIT_USAGE;
	}
	char *const sh[] = {"usermod", "-s", argc == 3 ? argv[2] : "/bin/bash", pw->pw_name, NULL};
	if (run_fixed("/usr/sbin/usermod", sh) != 0)
		return 1;
	if ((n = user_groups(pw, &g)) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		struct group *gr = getgrgid(g[i]);
		if (!gr || g[i] == pw->pw_gid ||
		    (!streq(gr->gr_name, "confine") && strncmp(gr->gr_name, "confine-", 8) != 0))
			continue;
		char *name = strdup(gr->gr_name);
		char *const del[] = {"gpasswd", "-d", pw->pw_name, name, NULL};
		int q = name ? run_fixed("/usr/bin/gpasswd", del) : 1;
		free(name);
		if (q != 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	sanitize_process();
	log_open("confinectl", 1);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (streq(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (geteuid() != 0 || getuid() != 0) {
		fprintf(stderr, "confinectl: %s needs root\n", argv[1]);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (streq(argv[1], "gc")) {
		char *const gc[] = {"confine-helper", CONFINE_VERB_GC, NULL};
		return run_fixed(CONFINE_HELPER_PATH, gc);
	}
	if (streq(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (streq(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (streq(argv[1], "kill"))
		return cmd_kill(argc - 1, argv + 1);
	if (streq(argv[1], "top"))
		return cmd_top(argc - 1, argv + 1);
	if (streq(argv[1], "metrics"))
		return cmd_metrics(argc - 1, argv + 1);
	if (streq(argv[1], "join"))
		return cmd_join(argc - 1, argv + 1);
	if (streq(argv[1], "enroll"))
		return cmd_enroll(argc - 1, argv + 1);
	if (streq(argv[1], "unenroll"))
		return cmd_unenroll(argc - 1, argv + 1);
	fprintf(stderr, "confinectl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
