/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "../helper/util.h"
#include "spawn.h"

/* The descriptor the child reports a failed setup or execve on; close-on-exec. */
#define CHILD_ERR_FD 3

static void close_from(int first)
{
	struct rlimit rl;

	if (close_range(first, ~0U, 0) == 0)
		return;
	/* Kernels before 5.9. getrlimit and close are async-signal-safe; /proc may be absent. */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (int fd = first; fd < (int)rl.rlim_cur; fd++)
		(void)close(fd);
}

/*
 * In the forked child, which may be a copy of a multi-threaded process: only async-signal-safe
 * calls until execve. Never returns: on failure the errno goes to the parent over errfd.
 */
static void __attribute__((noreturn))
child_exec(int devnull, int out_w, int errfd, const char *path, const char *const argv[])
{
	static char *const empty_env[] = {NULL};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;
	int e;

	/* Own session, no controlling tty: signals aimed at the login's terminal don't reach it. */
	(void)setsid();
	/* The caller's cwd (a user's home, maybe on NFS) and umask stay out of root's work. */
	if (chdir("/") < 0)
		goto fail;
	umask(022);

	/* Ignored dispositions and the blocked mask survive execve; hand the helper clean ones. */
	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &dfl, NULL); /* EINVAL for libc's own (32, 33): fine */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		goto fail;

	/*
	 * The helper needs real root, not just euid 0: setuid-root callers such as su run this
	 * with the invoking user's real uid (and gid), which the helper must not inherit.
	 * The parent checked euid == 0, so these cannot be refused for lack of privilege.
	 */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		goto fail;

	/*
	 * Move our descriptors above 2 first: the caller may have 0-2 closed, so pipe2/open can
	 * have returned them, and dup2(fd, fd) would leave O_CLOEXEC set (the helper would then
	 * start with that fd closed).
	 */
	if ((e = fcntl(errfd, F_DUPFD_CLOEXEC, CHILD_ERR_FD + 1)) < 0)
		goto fail;
	errfd = e;
	if ((devnull = fcntl(devnull, F_DUPFD_CLOEXEC, CHILD_ERR_FD + 1)) < 0 ||
	    (out_w = fcntl(out_w, F_DUPFD_CLOEXEC, CHILD_ERR_FD + 1)) < 0)
		goto fail;
	if (dup2(devnull, STDIN_FILENO) < 0 || dup2(out_w, STDOUT_FILENO) < 0 ||
	    dup2(devnull, STDERR_FILENO) < 0 || dup3(errfd, CHILD_ERR_FD, O_CLOEXEC) < 0)
		goto fail;
	errfd = CHILD_ERR_FD;
	/* Nothing else of the login process (sockets, pty masters, PAM files) reaches it. */
	close_from(CHILD_ERR_FD + 1);

	/* A fixed path, never a PATH search, and an empty environment. */
	execve(path, (char *const *)argv, empty_env);
fail:
	e = errno;
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

/* Read fd to EOF, keeping the first outsz bytes; returns the total read, or -1 with errno. */
static ssize_t read_to_eof(int fd, char *out, size_t outsz)
{
	size_t total = 0;
	char buf[256];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return (ssize_t)total;
		if (total < outsz)
			memcpy(out + total, buf,
			       (size_t)n < outsz - total ? (size_t)n : outsz - total);
		total += (size_t)n;
	}
}

/* A close-on-exec pipe into p (read end, write end); 0, or -1 after logging. */
static int make_pipe(pam_handle_t *pamh, int p[2])
{
	if (pipe2(p, O_CLOEXEC) == 0)
		return 0;
	pam_syslog(pamh, LOG_ERR, "cannot create pipe: %m");
	return -1;
}

/*
 * What every start needs: /dev/null for the child's stdio and the pipe it reports a failed
 * start on (err[1], close-on-exec); then the fork. Returns the pid (0 in the child), or -1
 * after logging.
 */
static pid_t fork_child(pam_handle_t *pamh, int *devnull, int err[2])
{
	pid_t pid;

	*devnull = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (*devnull < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot open /dev/null: %m");
		return -1;
	}
	if (make_pipe(pamh, err) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		pam_syslog(pamh, LOG_ERR, "cannot fork: %m");
	return pid;
}

/* waitpid through EINTR; the status, or -1 after logging. */
static int wait_child(pam_handle_t *pamh, pid_t pid, const char *path)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			pam_syslog(pamh, LOG_ERR, "cannot wait for %s: %m", path);
			return -1;
		}
	}
	return status;
}

/*
 * Reads err_r to EOF, which comes once the helper's execve worked (the write end is
 * close-on-exec), or with the errno of a failed start. 0, or -1 after logging it.
 */
static int start_result(pam_handle_t *pamh, int err_r, const char *path)
{
	int child_errno = 0;

	while (read(err_r, &child_errno, sizeof(child_errno)) < 0 && errno == EINTR)
		;
	if (child_errno == 0)
		return 0;
	errno = child_errno;
	pam_syslog(pamh, LOG_ERR, "cannot run %s: %m", path);
	return -1;
}

/* Fork, exec and wait, with SIGCHLD already at SIG_DFL. */
static int run(pam_handle_t *pamh, const char *path, const char *const argv[], char *out,
	       size_t outsz, size_t *ret_outlen)
{
	_cleanup_close_ int devnull = -1, out_r = -1, out_w = -1, err_r = -1, err_w = -1;
	int pipe_out[2], pipe_err[2] = {-1, -1}, started, status;
	ssize_t n;
	pid_t pid;

	if (make_pipe(pamh, pipe_out) < 0)
		return -1;
	out_r = pipe_out[0];
	out_w = pipe_out[1];
	pid = fork_child(pamh, &devnull, pipe_err);
	err_r = pipe_err[0];
	err_w = pipe_err[1];
	if (pid < 0)
		return -1;
	if (pid == 0)
		child_exec(devnull, out_w, err_w, path, argv);

	/* Our copies of the write ends must go, or the reads below would never see EOF. */
	close(TAKE_FD(out_w));
	close(TAKE_FD(err_w));

	n = read_to_eof(out_r, out, outsz);
	if (n < 0)
		pam_syslog(pamh, LOG_ERR, "cannot read from %s: %m", path);
	started = start_result(pamh, err_r, path);
	if ((status = wait_child(pamh, pid, path)) < 0 || n < 0 || started < 0)
		return -1;
	if (WIFSIGNALED(status)) {
		pam_syslog(pamh, LOG_ERR, "%s %s killed by signal %d", path, argv[1],
			   WTERMSIG(status));
		return -1;
	}
	if (!WIFEXITED(status)) {
		pam_syslog(pamh, LOG_ERR, "%s %s: unexpected wait status %#x", path, argv[1],
			   status);
		return -1;
	}
	*ret_outlen = (size_t)n;
	return WEXITSTATUS(status);
}

/*
 * Fork a child that forks the helper and exits at once, so the helper is not ours (init, or
 * the nearest subreaper, reaps it) and outlives the caller; wait for the child and for the
 * helper's execve. Returns 0 once the helper runs, -1 after logging.
 */
static int run_detached(pam_handle_t *pamh, const char *path, const char *const argv[])
{
	_cleanup_close_ int devnull = -1, err_r = -1, err_w = -1;
	int pipe_err[2] = {-1, -1}, status;
	pid_t pid;

	pid = fork_child(pamh, &devnull, pipe_err);
	err_r = pipe_err[0];
	err_w = pipe_err[1];
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* The middle process: only async-signal-safe calls, as in child_exec. Real root
		 * first: a setuid caller's user (su) may signal what keeps her real uid, and a
		 * helper killed before its execve would read as started (EOF on err_w). */
		pid_t helper = -1;
		int e;

		/* _Fork: no atfork handlers in this copy of a caller that may have threads. */
		if (setresgid(0, 0, 0) == 0 && setresuid(0, 0, 0) == 0)
			helper = _Fork();
		e = errno;
		if (helper == 0)
			child_exec(devnull, devnull, err_w, path, argv);
		if (helper < 0)
			(void)!write(err_w, &e, sizeof(e));
		_exit(helper < 0);
	}
	close(TAKE_FD(err_w));
	if ((status = wait_child(pamh, pid, path)) < 0)
		return -1;
	/* Killed before it forked the helper (by the user of su, before its setresuid). */
	if (!WIFEXITED(status)) {
		pam_syslog(pamh, LOG_ERR, "cannot run %s: its starter was killed", path);
		return -1;
	}
	return start_result(pamh, err_r, path);
}

/* Runs fn with SIGCHLD at SIG_DFL and puts the caller's exact disposition back. */
static int with_default_sigchld(pam_handle_t *pamh, const char *path, int (*fn)(void *), void *arg)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, saved;
	int r;

	/* Fail closed: without root the helper cannot set anything up (nor should it try). */
	if (geteuid() != 0) {
		pam_syslog(pamh, LOG_ERR, "cannot run %s: not running as root (euid %u)", path,
			   (unsigned)geteuid());
		return -1;
	}
	/*
	 * The application may ignore SIGCHLD (the kernel would reap our child and waitpid fail
	 * with ECHILD) or have a handler that reaps it first. Default it while the helper runs and
	 * put the exact old disposition back afterwards.
	 */
	sigemptyset(&dfl.sa_mask);
	if (sigaction(SIGCHLD, &dfl, &saved) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot reset SIGCHLD: %m");
		return -1;
	}
	r = fn(arg);
	if (sigaction(SIGCHLD, &saved, NULL) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot restore SIGCHLD: %m");
		r = -1;
	}
	return r;
}

struct spawn_call {
	pam_handle_t *pamh;
	const char *path;
	const char *const *argv;
	char *out;
	size_t outsz;
	size_t *ret_outlen;
};

static int spawn_wait(void *arg)
{
	struct spawn_call *c = arg;

	return run(c->pamh, c->path, c->argv, c->out, c->outsz, c->ret_outlen);
}

static int spawn_detach(void *arg)
{
	struct spawn_call *c = arg;

	return run_detached(c->pamh, c->path, c->argv);
}

int confine_spawn(pam_handle_t *pamh, const char *path, const char *const argv[], char *out,
		  size_t outsz, size_t *ret_outlen)
{
	struct spawn_call c = {pamh, path, argv, out, outsz, ret_outlen};

	return with_default_sigchld(pamh, path, spawn_wait, &c);
}

int confine_spawn_detached(pam_handle_t *pamh, const char *path, const char *const argv[])
{
	struct spawn_call c = {.pamh = pamh, .path = path, .argv = argv};

	return with_default_sigchld(pamh, path, spawn_detach, &c);
}
