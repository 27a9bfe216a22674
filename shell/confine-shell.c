/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine-shell: the confined accounts' login shell, setuid root, the minimal setuid core.
 *
 * It trusts nothing from its caller: the session is found from kernel facts (an ancestor
 * process whose pid and start time name a root-written session record of this uid),
 * never from the environment or argv. It then becomes root in all its ids, so the user
 * can neither signal nor ptrace it, and runs the engine's double fork with the session's
 * cgroup, home and profile, staying the login program's direct child until the real
 * shell exits (su and login close the PAM session as soon as their child exits).
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <time.h>

#include "error.h"
#include "kiosk.h"
#include "log.h"
#include "mountapi.h"
#include "sandbox.h"
#include "session-procs.h"
#include "session.h"
#include "util.h"

#define ANCESTOR_DEPTH 4 /* sshd: shell → sshd child → monitor; su/login: shell → parent */
#define ARGS_MAX       4096
#define ENV_MAX	       512
#define GRACE_MS       2000 /* from a relayed hangup to the kill of the session's PID 1 */

static _Noreturn void refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void refuse(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "%s", buf);
	_exit(1);
}

/*
 * A regular file the user owns, or may write but got read-only: the fd is on the host's
 * mount, read-write, not the sandbox's read-only copy. The owner may fchmod it through the
 * fd (even 0444 to 4755: a setuid program of theirs for anyone outside to run), and
 * /proc/self/fd/N reopens it with the user's permissions (a caller who can read
 * ~guest/.bashrc hands it in, the session overwrites the real home). faccessat checks the
 * real uid and groups: the user's, not our setuid root.
 */
static bool file_escapes(int fd, int fl, const struct stat *st)
{
	if (st->st_uid == getuid())
		return true;
	return (fl & O_ACCMODE) == O_RDONLY && faccessat(fd, "", W_OK, AT_EMPTY_PATH) == 0;
}

/*
 * What a login program may hand us as fds 0-2: a terminal, pipe, socket, character device
 * or regular file. A directory, or any O_PATH handle, would lead out of the sandbox:
 * /proc/self/fd/N walks back into the host's writable mount tree from inside. (Through the
 * others no path leads further than the object itself: a magic link to a non-directory
 * cannot be walked.) Refused, not replaced: nobody passes a directory as stdin by mistake.
 */
static void check_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;
		int fl = fcntl(fd, F_GETFL);
		const char *what = NULL;

		if (fl < 0 || fstat(fd, &st) < 0)
			what = "unusable";
		else if (fl & O_PATH)
			what = "an O_PATH handle";
		else if (S_ISDIR(st.st_mode))
			what = "a directory";
		else if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) &&
			 !S_ISREG(st.st_mode))
			what =
			    S_ISBLK(st.st_mode) ? "a block device" : "not a file, pipe or socket";
		else if (S_ISREG(st.st_mode) && file_escapes(fd, fl, &st))
			what = "a file the user owns or may write (through the fd it could be "
			       "changed on the host; give its contents through a pipe)";
		if (what)
			refuse("refusing: fd %d is %s; a confined session accepts only a terminal, "
			       "pipe, socket, character device or regular file as fds 0-2",
			       fd, what);
	}
}

/*
 * An unset loginuid (su from a context without one) may be set once by an unprivileged
 * process: the confined user could claim to be any login, root's included. Set it, as root,
 * to the user's uid before anything of theirs runs. No audit support, no loginuid: fine.
 */
static int set_loginuid(uid_t uid)
{
	_cleanup_close_ int fd = open("/proc/self/loginuid", O_RDWR | O_CLOEXEC);
	char buf[16] = "";
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 0 : negerrno();
	if ((n = read(fd, buf, sizeof(buf) - 1)) < 0)
		return negerrno();
	if (strtoul(buf, NULL, 10) != (unsigned long)(uid_t)-1)
		return 0; /* set by the login program (pam_loginuid): keep it */
	n = snprintf(buf, sizeof(buf), "%u", (unsigned)uid);
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return negerrno();
	return 0;
}

/* Finds the session opened by one of our ancestors for this uid. */
static int find_session(uid_t uid, struct session_record *r)
{
	pid_t pid = getppid();

	for (int depth = 0; depth < ANCESTOR_DEPTH && pid > 1; depth++) {
		char sid[CONFINE_SID_MAX];
		if (session_id(pid, sid, sizeof(sid)) == 0 && session_read(sid, r) == 0 &&
		    r->uid == uid && session_caller_alive(r))
			return 0;
		if (proc_parent(pid, &pid) < 0)
			break;
	}
	return -ENOENT;
}

/* Frees v[0..n) (n -1: up to the terminating NULL) and v. */
static void free_strv(char **v, int n)
{
	for (int i = 0; v[i] && (n < 0 || i < n); i++)
		free(v[i]);
	free(v);
}

/*
 * What of the login's environment a kiosk (command = [...]) keeps: the terminal and the
 * locale. The rest would steer its program: a login program passes the caller's environment
 * on (su without -l, su -m, su -l -w), so a local user who knows the password would run the
 * kiosk with their PATH (its script's `id` becomes theirs), BASH_ENV, PYTHONPATH, ...: a
 * shell instead of the kiosk.
 */
static bool kiosk_keeps(const char *e)
{
	static const char *const keep[] = {"TERM=", "COLORTERM=", "LANG=", "LANGUAGE=", "LC_"};

	for (size_t i = 0; i < ELEMENTSOF(keep); i++)
		if (strncmp(e, keep[i], strlen(keep[i])) == 0)
			return true;
	return false;
}

/* The user's environment, copied before we clear ours; SHELL is set to the real shell. A
 * kiosk gets only what kiosk_keeps and its login variables from the record. */
static char **copy_env(char **env, const struct session_record *rec, bool kiosk)
{
	size_t n = 0, j = 0;
	char **v;

	while (env && env[n] && n < ENV_MAX)
		n++;
	v = calloc(n + 6, sizeof(char *));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], "SHELL=", 6) != 0 && (!kiosk || kiosk_keeps(env[i])) &&
		    !(v[j++] = strdup(env[i])))
			return NULL;
	if (kiosk && (asprintf(&v[j++], "HOME=%s", rec->home_dir) < 0 ||
		      asprintf(&v[j++], "USER=%s", rec->user) < 0 ||
		      asprintf(&v[j++], "LOGNAME=%s", rec->user) < 0 ||
		      !(v[j++] = strdup("PATH=/usr/local/bin:/usr/bin:/bin"))))
		return NULL;
	if (asprintf(&v[j], "SHELL=%s", rec->shell) < 0)
		return NULL;
	return v;
}

/*
 * Before anything else, with the caller's process state: no user-controlled environment
 * reaches libc from here on (the caller's is returned, to be copied for the real shell), no
 * inherited timer picks the moment we die, fds 0-2 are open (or our own opens would land
 * there) and what a login program may pass, no core dumps, not dumpable (no ptrace, no mem).
 */
static char **sanitize_entry(void)
{
	char **saved_env = environ;

	environ = NULL;
	for (int w = ITIMER_REAL; w <= ITIMER_PROF; w++)
		(void)setitimer(w, &(struct itimerval){0}, NULL);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(1);
	umask(022);
	(void)setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	(void)prctl(PR_SET_DUMPABLE, 0);
	log_open("confine-shell", 1);
	check_std_fds();
	return saved_env;
}

/* What must hold before the session is even looked up. */
static void check_caller(int argc, char **argv, uid_t uid)
{
	size_t total = 0;

	if (argc < 1 || !argv[0])
		refuse("refusing: started without argv[0]");
	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	if (argc > ARGS_MAX || total > (1 << 20))
		refuse("refusing: too many or too long arguments");
	if (geteuid() != 0)
		refuse("refusing: not installed setuid root");
	if (uid == 0)
		refuse("refusing: root is never confined");
	if (chdir("/") < 0)
		refuse("refusing: cannot chdir to /");
}

/* All ids root: the user may no longer signal or trace this supervising process. */
static void become_root(const struct session_record *rec)
{
	int r;

	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		refuse("refusing: cannot become root: %m");
	(void)prctl(PR_SET_DUMPABLE, 0);
	if ((r = set_loginuid(rec->uid)) < 0)
		refuse("refusing the session of %s: cannot set its loginuid: %s", rec->user,
		       strerror(-r));
	/* After the time limit no new shell starts in the session (say, a multiplexed ssh
	 * channel); the ones running get their hangup from their own supervisors. */
	if (rec->max_duration) {
		struct timespec now;
		clock_gettime(CLOCK_BOOTTIME, &now);
		if ((unsigned long long)now.tv_sec >= rec->started + rec->max_duration)
			refuse("session %s of %s: its time limit has passed", rec->sid, rec->user);
	}
}

/* The session's cgroup (or process registry) and its home, opened as root by fd. */
static void open_session(const struct session_record *rec, struct sandbox_spec *spec)
{
	/* No cgroup only where the profile said limits = "optional" and there were none. */
	if (rec->cg.cgroup[0] &&
	    (spec->cgroup_fd =
		 open(rec->cg.cgroup, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		refuse("refusing the session of %s: its cgroup %s is gone: %m", rec->user,
		       rec->cg.cgroup);
	/* Without a cgroup, close finds this sandbox through its registration (fail closed). */
	if (!rec->cg.cgroup[0] && (spec->procs_dirfd = procs_open(rec->sid)) < 0)
		refuse("refusing the session of %s: its process registry is gone: %s", rec->user,
		       strerror(-spec->procs_dirfd));
	/* A private copy of the user's shared home, to be moved into this sandbox. */
	spec->home_fd =
	    sys_open_tree(AT_FDCWD, rec->home,
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
	if (spec->home_fd < 0)
		refuse("refusing the session of %s: its home %s is gone: %m", rec->user, rec->home);
}

/* How login programs call a shell: "-name" for login shells, else pass the args on. */
static char **shell_argv(int argc, char **argv, const char *shell)
{
	const char *base = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;
	char **args = calloc(argc + 1, sizeof(char *));

	if (!args || asprintf(&args[0], "%s%s", argv[0][0] == '-' ? "-" : "", base) < 0)
		refuse("out of memory");
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	return args;
}

/* A login that asks for a command of its own: sshd (remote commands, scp, sftp) and su -c
 * run "SHELL -c CMD"; an option cluster holding c ("-lc") counts too. */
static bool asks_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '-' && strchr(argv[i], 'c'))
			return true;
	return false;
}

/*
 * What runs and how: the profile's command (into buf and cmdv, SESSION_COMMAND_ARGS + 1 slots) or
 * the shell. A profile with a command is a kiosk: it has no shell, so a login asking for
 * its own command is refused, and the login's other arguments are ignored.
 */
static void choose_program(const struct session_record *rec, int argc, char **argv,
			   struct sandbox_spec *spec, char *buf, char **cmdv)
{
	int n = session_command(rec, buf, SESSION_COMMAND_MAX, cmdv, SESSION_COMMAND_ARGS + 1);

	if (n < 0)
		refuse("refusing the session of %s: bad command in its record", rec->user);
	if (n > 0 && asks_command(argc, argv))
		refuse("refusing: profile %s runs %s for every login (its command), not a shell: "
		       "it takes no command of the login (ssh remote command, scp, sftp, su -c)",
		       rec->profile, cmdv[0]);
	spec->path = n > 0 ? cmdv[0] : rec->shell;
	spec->argv = n > 0 ? cmdv : shell_argv(argc, argv, rec->shell);
	/* The init is no setuid program: it runs as the user after the drop (sandbox.c). */
	spec->init = rec->init ? CONFINE_INIT_PATH : NULL;
	spec->user_ns = rec->user_ns;
	spec->ssh_readonly = rec->ssh_readonly;
}

/* The value of NAME in env (the caller's), or NULL. */
static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env && env[i] && i < ENV_MAX; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* Replaces (or, in one of copy_env's spare slots' stead, appends) the variable of kv. */
static int env_put(char ***envp, const char *kv)
{
	size_t n = strcspn(kv, "="), i = 0;
	char **v = *envp, *dup = strdup(kv);

	if (!dup)
		return -ENOMEM;
	for (; v[i]; i++)
		if (strncmp(v[i], kv, n + 1) == 0) {
			free(v[i]);
			v[i] = dup;
			return 0;
		}
	if (!(v = realloc(v, (i + 2) * sizeof(char *)))) {
		free(dup);
		return -ENOMEM;
	}
	v[i] = dup;
	v[i + 1] = NULL;
	*envp = v;
	return 0;
}

/*
 * A graphical profile: the program runs under Cage, which started us with WAYLAND_DISPLAY
 * set. Its socket (and with gpu/audio the render nodes, PipeWire's socket) is opened here
 * as root by fd, checked, and bound into the sandbox's own /run/user/UID; the program's
 * environment names it there.
 */
static void open_graphical(const struct session_record *rec, char **caller_env,
			   struct sandbox_spec *spec, struct kiosk_binds *kb)
{
	struct error err = ERROR_INIT;
	char **envp = (char **)spec->envp;

	if (!rec->graphical)
		return;
	if (kiosk_binds_open(kb, rec->uid, env_get(caller_env, "WAYLAND_DISPLAY"), rec->gpu,
			     rec->audio, &err) < 0)
		refuse("refusing the session of %s (profile %s, graphical = true): %s", rec->user,
		       rec->profile, error_msg(&err));
	if (env_put(&envp, kb->runtime_env) < 0 || env_put(&envp, kb->wayland_env) < 0)
		refuse("out of memory");
	spec->envp = envp;
	spec->binds = kb;
}

int main(int argc, char **argv)
{
	struct session_record rec;
	struct error err = ERROR_INIT;
	struct kiosk_binds kb = {.n = 0};
	gid_t groups[SESSION_GROUPS_MAX];
	char cmdbuf[SESSION_COMMAND_MAX], *cmdv[SESSION_COMMAND_ARGS + 1];
	uid_t uid = getuid();
	char **saved_env = sanitize_entry();
	int status, ngroups;

	check_caller(argc, argv, uid);
	if (find_session(uid, &rec) < 0)
		refuse("no confined session for uid %u: confine-shell runs only as the login "
		       "shell of a session opened by pam_confine",
		       (unsigned)uid);
	(void)syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	become_root(&rec);

	/* Everything else comes from the record root wrote at pam_open_session. */
	if ((ngroups = session_groups(&rec, groups, SESSION_GROUPS_MAX)) < 0)
		refuse("refusing the session of %s: bad groups in its record", rec.user);
	struct sandbox_spec spec = {
	    .hostname = rec.hostname,
	    .net = streq(rec.net, "host")    ? SANDBOX_NET_HOST
		   : streq(rec.net, "allow") ? SANDBOX_NET_ALLOW
					     : SANDBOX_NET_NONE,
	    .tmp_size = rec.tmp_size,
	    .creds = {rec.uid, rec.gid, groups, ngroups},
	    .home = rec.home_dir,
	    .cgroup_fd = -1,
	    .grace_ms = GRACE_MS,
	    .started = rec.started,
	    .max_duration = rec.max_duration,
	    .max_duration_grace = rec.grace,
	    .sid = rec.sid,
	    .user = rec.user,
	    .procs_dirfd = -1,
	};
	choose_program(&rec, argc, argv, &spec, cmdbuf, cmdv);
	spec.envp = copy_env(saved_env, &rec, spec.argv == cmdv);
	if (!spec.envp)
		refuse("out of memory");
	open_graphical(&rec, saved_env, &spec, &kb);
	open_session(&rec, &spec);
	if (sandbox_run(&spec, &status, &err) < 0)
		refuse("session %s of %s: %s", rec.sid, rec.user, error_msg(&err));
	free_strv((char **)spec.envp, -1);
	kiosk_binds_close(&kb);
	if (spec.argv != cmdv)
		free_strv((char **)spec.argv, 1); /* argv[1..] are the caller's */
	return status;
}
