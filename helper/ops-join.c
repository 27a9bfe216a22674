/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl join: root enters a live session to inspect it. The joining process takes
 * the session's cgroup and every namespace of its PID 1 (one setns through a pidfd), then
 * forks the command into the session's PID namespace. By default the command is then
 * confined exactly as the session's own shell is (shell/sandbox.c:inner_drop, same order):
 * umask, verified privilege drop to the record's ids, a fresh session keyring, Landlock,
 * seccomp. With --root it stays root (a debug mode, logged as a warning).
 */
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "fs.h"
#include "landlock.h"
#include "log.h"
#include "ops-format.h"
#include "ops-join-tty.h"
#include "ops-join.h"
#include "ops-session.h"
#include "ops.h"
#include "privs.h"
#include "sandbox.h"
#include "seccomp.h"
#include "util.h"

#define JOIN_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Every namespace sandbox.c unshares (net only with net = "none"; joining the host's own
 * network namespace is a no-op). Never the user namespace: a session with one (user_ns =
 * true) is refused (join_target). */
#define JOIN_NS                                                                                    \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID)

/* The command's environment: the login variables, the sandbox's PATH, a sane TERM. */
struct join_env {
	char home[600], user[80], logname[80], shell[600], term[80];
	char *envp[8];
};

/* A TERM worth passing on: a short name of letters, digits and ".+-_" (no escapes). */
bool join_term_sane(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	if (n == 0 || n > 64)
		return false;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_") == n;
}

static void join_env_fill(struct join_env *e, const struct session_record *r, bool root)
{
	const char *term = getenv("TERM");
	int n = 0;

	snprintf(e->home, sizeof(e->home), "HOME=%s", root ? "/root" : r->home_dir);
	snprintf(e->user, sizeof(e->user), "USER=%s", root ? "root" : r->user);
	snprintf(e->logname, sizeof(e->logname), "LOGNAME=%s", root ? "root" : r->user);
	snprintf(e->shell, sizeof(e->shell), "SHELL=%s", r->shell);
	e->envp[n++] = e->home;
	e->envp[n++] = e->user;
	e->envp[n++] = e->logname;
	e->envp[n++] = e->shell;
	e->envp[n++] = "PATH=" JOIN_PATH;
	if (join_term_sane(term)) {
		snprintf(e->term, sizeof(e->term), "TERM=%s", term);
		e->envp[n++] = e->term;
	}
	e->envp[n] = NULL;
}

int join_args(int argc, char **argv, struct join_opts *o)
{
	*o = (struct join_opts){0};
	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--root")) {
			o->root = true;
		} else if (streq(argv[i], "--")) {
			if (i + 1 < argc)
				o->cmd = argv + i + 1;
			break;
		} else if (argv[i][0] == '-' || o->what) {
			fprintf(stderr,
				"confinectl: join: unexpected argument '%s' (a command "
				"follows --)\n" JOIN_USAGE,
				argv[i]);
			return OPS_EXIT_USAGE;
		} else {
			o->what = argv[i];
		}
	}
	if (!o->what || !o->what[0]) {
		fputs(JOIN_USAGE, stderr);
		return OPS_EXIT_USAGE;
	}
	return 0;
}

int join_pick(const struct session_record *v, size_t n, const char *what,
	      struct session_record *ret)
{
	char cell[64];
	size_t found = 0, at = 0;

	for (size_t i = 0; i < n; i++)
		if (ops_session_is(&v[i], what) && found++ == 0)
			at = i;
	if (found == 0) {
		fprintf(stderr,
			"confinectl: join: no session '%s' (neither a session id nor a user "
			"with a session)\n",
			ops_cell(what, cell, sizeof(cell)));
		return OPS_EXIT_NOSESSION;
	}
	if (found > 1) {
		fprintf(stderr, "confinectl: join: user '%s' has %zu sessions; name one:\n",
			ops_cell(what, cell, sizeof(cell)), found);
		for (size_t i = 0; i < n; i++)
			if (ops_session_is(&v[i], what))
				fprintf(stderr, "  %s\n", v[i].sid);
		return OPS_EXIT_USAGE;
	}
	*ret = v[at];
	return 0;
}

/* Whether pid is a sandbox's PID 1 run by uid: its last NSpid is 1 (and it has more than
 * one: the host's init is not), and its real uid is uid (PID 1 dropped to the user only
 * after the sandbox's mounts: a PID 1 still root is still setting up). */
static bool is_session_init(pid_t pid, uid_t uid)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;
	bool init = false, user = false;
	long u;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %ld", &u) == 1)
			user = u == (long)uid;
		if (strncmp(line, "NSpid:", 6) == 0) {
			line[strcspn(line, "\n")] = '\0';
			const char *last = strrchr(line, '\t');
			init = last && last != strchr(line, '\t') && streq(last + 1, "1");
		}
	}
	return init && user;
}

/*
 * Finds the session's PID 1 in its cgroup (the oldest, if several logins of the session
 * run sandboxes of their own) and pins it with a pidfd: the pid must still name the same
 * process (start time) and be in the cgroup once pinned, so a reused pid is never joined.
 * The pidfd, or -errno (-ESRCH: none).
 */
static int join_find_init(const struct session_record *r, pid_t *ret_pid)
{
	_cleanup_free_ pid_t *pids = NULL;
	unsigned long long best_start = 0, start;
	pid_t best = 0;
	int n, pfd;

	if ((n = ops_cgroup_pids(r->cg.cgroup, &pids)) < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (is_session_init(pids[i], r->uid) && proc_start_time(pids[i], &start) == 0 &&
		    (!best || start < best_start)) {
			best = pids[i];
			best_start = start;
		}
	if (!best)
		return -ESRCH;
	if ((pfd = (int)syscall(SYS_pidfd_open, best, 0)) < 0)
		return negerrno();
	if (proc_start_time(best, &start) < 0 || start != best_start ||
	    !ops_pid_in_cgroup(best, r->cg.cgroup)) {
		close(pfd);
		return -ESRCH;
	}
	*ret_pid = best;
	return pfd;
}

/* The session's home inside, entered by fd, no link followed on the way (root must not walk
 * what the user may have changed). True if it is the session's home mount: Landlock then
 * allows writes beneath it, as in the session; elsewhere the cwd stays the namespace's /. */
static bool join_enter_home(const struct session_record *r)
{
	_cleanup_close_ int fd = open_dir_nofollow(AT_FDCWD, r->home_dir);
	struct statx stx;

	if (fd < 0 || fchdir(fd) < 0)
		return false;
	if (r->home[0] && statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0 &&
	    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return true;
	/* Not the session's home: no write right beneath it either (and / is the namespace's
	 * root, which exists). */
	(void)!chdir("/");
	return false;
}

/*
 * An unset loginuid (root joining from a context without pam_loginuid: a console shell, a
 * service) becomes the user's, as confine-shell does for the session (SECURITY.md row 14):
 * else the joined command could write /proc/self/loginuid once and claim any login, 0
 * included. A set one (the admin's) is kept. (confine-shell.c:set_loginuid is the setuid
 * core's own copy.)
 */
static int join_loginuid(uid_t uid)
{
	_cleanup_close_ int fd = open("/proc/self/loginuid", O_RDWR | O_CLOEXEC);
	char buf[16] = "";
	int n;

	if (fd < 0)
		return errno == ENOENT ? 0 : negerrno(); /* (no audit in this kernel) */
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		return negerrno();
	if (strtoul(buf, NULL, 10) != (unsigned long)(uid_t)-1)
		return 0;
	n = snprintf(buf, sizeof(buf), "%u", (unsigned)uid);
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return negerrno();
	return 0;
}

/*
 * The session's own process attributes, not root's (a lowered OOM score, a nice value,
 * real-time priority or its rlimit would let the command escape the session's CPU and
 * memory bounds): every rlimit, the scheduling policy, nice value and OOM score adjustment
 * of its PID 1, which is pid 1 here (we are in its PID namespace). As root still.
 */
static int join_session_attrs(struct error *err)
{
	struct sched_param sp = {0};
	struct rlimit rl;
	char buf[16] = "";
	int prio;

	for (int res = 0; res < RLIM_NLIMITS; res++)
		if (prlimit(1, res, NULL, &rl) < 0 || setrlimit(res, &rl) < 0)
			return error_set_errno(err, negerrno(), "cannot take rlimit %d of PID 1",
					       res);
	errno = 0;
	prio = getpriority(PRIO_PROCESS, 1);
	if (errno || sched_setscheduler(0, SCHED_OTHER, &sp) < 0 ||
	    setpriority(PRIO_PROCESS, 0, prio) < 0)
		return error_set_errno(err, negerrno(), "cannot take the scheduling of PID 1");
	_cleanup_close_ int in = open("/proc/1/oom_score_adj", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	ssize_t n = in < 0 ? -1 : read(in, buf, sizeof(buf) - 1);
	if (n <= 0 || out < 0 || write(out, buf, (size_t)n) != n)
		return error_set_errno(err, -EIO, "cannot take the OOM score adjustment of PID 1");
	return 0;
}

/* The session shell's confinement, in sandbox.c:inner_drop's order; 0 or -errno, err set. */
static int join_confine(const struct session_record *r, bool with_home, struct error *err)
{
	gid_t groups[SESSION_GROUPS_MAX];
	int ngroups = session_groups(r, groups, SESSION_GROUPS_MAX), q;

	if (ngroups < 0)
		return error_set(err, -EINVAL, "bad groups in the session record");
	struct user_creds creds = {r->uid, r->gid, groups, ngroups};
	/* As root still (our /proc/self is our own: the session's /proc, mounted by PID 1). */
	if ((q = join_loginuid(r->uid)) < 0)
		return error_set_errno(err, q, "cannot set the loginuid");
	/* The verified drop to the record's ids: no capability, no way back, no_new_privs. */
	if ((q = privs_drop(&creds, err)) < 0)
		return q;
	/* A fresh, anonymous session keyring: root's keys are not the user's to possess. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot create a session keyring");
	/* Writes only beneath the session's own mounts, as the session's shell. */
	if ((q = landlock_install(with_home, err)) < 0)
		return q;
	/* Last: the filter refuses some of the calls above. */
	return seccomp_install(err);
}

/* The command in the session's PID namespace: confined (or root with --root), then exec. */
static _Noreturn void join_child(const struct session_record *r, const struct join_opts *o,
				 const struct join_tty *t)
{
	struct error err = ERROR_INIT;
	struct join_env env;
	bool with_home = false;
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Never root's terminal: a session of its own, the pty in place of root's tty fds. */
	if (join_tty_child(t) < 0 || join_session_attrs(&err) < 0) {
		fprintf(stderr, "confinectl: join: session %s: %s\n", r->sid,
			err.code ? error_msg(&err) : "cannot set up its terminal");
		_exit(SANDBOX_EXIT_SETUP);
	}
	umask(022);
	if (!o->root)
		with_home = join_enter_home(r);
	/* Nothing of root's reaches the command: only the caller's stdio stay open. */
	(void)syscall(SYS_close_range, 3, ~0U, 0);
	join_env_fill(&env, r, o->root);
	if (!o->root && join_confine(r, with_home, &err) < 0) {
		fprintf(stderr, "confinectl: join: session %s: %s\n", r->sid, error_msg(&err));
		_exit(SANDBOX_EXIT_SETUP);
	}
	environ = env.envp;
	if (o->cmd) {
		execvp(o->cmd[0], o->cmd);
	} else {
		const char *base = strrchr(r->shell, '/') ? strrchr(r->shell, '/') + 1 : r->shell;
		char arg0[sizeof(r->shell) + 1];
		snprintf(arg0, sizeof(arg0), "-%s", base); /* a login shell */
		execv(r->shell, (char *[]){arg0, NULL});
	}
	int e = errno;
	fprintf(stderr, "confinectl: join: %s: %s\n", o->cmd ? o->cmd[0] : r->shell, strerror(e));
	_exit(e == ENOENT ? SANDBOX_EXIT_NOENT : SANDBOX_EXIT_NOEXEC);
}

static volatile sig_atomic_t join_child_pid;

/* SIGHUP and SIGTERM to confinectl end the command too (its pid: in our namespace). */
static void join_relay(int sig)
{
	if (join_child_pid > 0)
		(void)kill(join_child_pid, sig);
}

/* Forks the command and waits for it; its exit status in shell form. */
static int join_fork_wait(const struct session_record *r, const struct join_opts *o,
			  struct join_tty *t)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, relay = {.sa_handler = join_relay};
	int st;

	/* ^C and ^\ on the terminal are the command's (its pty turns them into signals). */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGHUP, &relay, NULL);
	sigaction(SIGTERM, &relay, NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "confinectl: join: session %s: cannot fork: %m\n", r->sid);
		join_tty_close(t);
		return SANDBOX_EXIT_SETUP;
	}
	if (pid == 0)
		join_child(r, o, t);
	join_child_pid = pid;
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0)
		join_tty_relay(t, pidfd);
	join_tty_close(t);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return SANDBOX_EXIT_SETUP;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/*
 * Takes the session's cgroup and PID 1's namespaces (pinned by pidfd), then runs the
 * command; its exit status, or SANDBOX_EXIT_SETUP after a message.
 */
static int join_run(const struct session_record *r, const struct join_opts *o, int pidfd)
{
	_cleanup_close_ int cg =
	    open(r->cg.cgroup, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int procs = -1;
	struct join_tty t;
	int q;

	/* The command's pty, from the host's devpts (before the session's mount namespace). */
	if ((q = join_tty_open(&t)) < 0) {
		fprintf(stderr, "confinectl: join: session %s: cannot open a pty: %s\n", r->sid,
			strerror(-q));
		join_tty_close(&t);
		return OPS_EXIT_FAIL;
	}
	/* Non-dumpable, no core: once in the session's namespaces, its processes must not
	 * ptrace this root process or read its memory (they cannot signal it: it is root). */
	(void)prctl(PR_SET_DUMPABLE, 0);
	(void)setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	/* Into the session's cgroup: counted against its limits, killed with it by kill and
	 * close; the cgroup namespace joined below is rooted there. */
	if (cg < 0 || (procs = openat(cg, "cgroup.procs", O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    write(procs, "0", 1) != 1) {
		fprintf(stderr, "confinectl: join: session %s: cannot join its cgroup %s: %m\n",
			r->sid, r->cg.cgroup);
		join_tty_close(&t);
		return OPS_EXIT_FAIL;
	}
	/* Every namespace of PID 1 at once, through the pidfd: none if it has died meanwhile.
	 * Our root and cwd become its mount namespace's root. */
	if (setns(pidfd, JOIN_NS) < 0) {
		fprintf(stderr, "confinectl: join: session %s: cannot enter its namespaces: %m\n",
			r->sid);
		join_tty_close(&t);
		return OPS_EXIT_FAIL;
	}
	return join_fork_wait(r, o, &t);
}

/* Who is joining, for the log: the login uid and SUDO_USER, as far as they are known. */
static void join_who(char *buf, size_t len)
{
	_cleanup_close_ int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
	const char *sudo = getenv("SUDO_USER");
	char cell[64], num[16] = "";
	long luid = -1;

	if (fd >= 0 && read(fd, num, sizeof(num) - 1) > 0)
		luid = strtol(num, NULL, 10);
	if (luid == 4294967295L) /* unset */
		luid = -1;
	snprintf(buf, len, "root (login uid %ld%s%s)", luid, sudo ? ", SUDO_USER " : "",
		 sudo ? ops_cell(sudo, cell, sizeof(cell)) : "");
}

/* The session to join and its PID 1's pidfd; 0 or the exit status after a message. */
static int join_target(const char *what, struct session_record *rec, int *pidfd)
{
	struct session_record *v;
	pid_t pid = 0;
	size_t n;
	int r;

	if ((r = ops_sessions_load(&v, &n)) < 0) {
		fprintf(stderr, "confinectl: cannot read %s: %s\n", CONFINE_SESSIONS_DIR,
			strerror(-r));
		return OPS_EXIT_FAIL;
	}
	r = join_pick(v, n, what, rec);
	free(v);
	if (r != 0)
		return r;
	if (!rec->cg.cgroup[0]) {
		fprintf(stderr,
			"confinectl: join: session %s runs without a cgroup (limits = "
			"\"optional\"): joining it is not supported\n",
			rec->sid);
		return OPS_EXIT_FAIL;
	}
	/* Its PID 1 is in a user namespace of its own; the command would run outside it (as
	 * root's files' owner sees them, its ids the host's), not as the session's shell does.
	 * Entering it takes an order of setns calls of its own: refused until join has one. */
	if (rec->user_ns) {
		fprintf(stderr,
			"confinectl: join: session %s runs in a user namespace (user_ns = true): "
			"joining it is not supported\n",
			rec->sid);
		return OPS_EXIT_FAIL;
	}
	if ((*pidfd = join_find_init(rec, &pid)) < 0) {
		fprintf(stderr, "confinectl: join: session %s: no running sandbox to join (%s)\n",
			rec->sid, *pidfd == -ESRCH ? "no PID 1 of the user" : strerror(-*pidfd));
		return OPS_EXIT_FAIL;
	}
	return 0;
}

int cmd_join(int argc, char **argv)
{
	struct session_record rec;
	struct join_opts o;
	_cleanup_close_ int pidfd = -1;
	char who[160];
	int r;

	if ((r = join_args(argc, argv, &o)) != 0 || (r = join_target(o.what, &rec, &pidfd)) != 0)
		return r;
	join_who(who, sizeof(who));
	/* Logged once, before anything changes; --root also on stderr (LOG_WARNING). */
	if (o.root)
		log_msg(LOG_WARNING,
			"warning: %s joins session %s of %s AS ROOT (--root: full "
			"capabilities in the session's namespaces)",
			who, rec.sid, rec.user);
	else
		log_msg(LOG_INFO, "%s joins session %s of %s as the user (uid %u)", who, rec.sid,
			rec.user, (unsigned)rec.uid);
	return join_run(&rec, &o, pidfd);
}
