/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine-init PATH ARGV0 [ARG...]: the reaping init of a sandbox whose profile says
 * init = true. The sandbox's PID 1 execs it after the privilege drop, Landlock and seccomp,
 * so it runs as the user and holds nothing (not setuid, not part of the setuid core). It
 * runs PATH as its only child (PID 2) with argv ARGV0 ARG..., forwards the signals it gets
 * to that child, reaps every orphan the PID namespace hands it (kiosk programs that never
 * wait for their children would otherwise fill the session with zombies) and exits with
 * the child's status, a signal death as 128+N like a shell. Its end ends the namespace:
 * the kernel kills whatever is left.
 *
 * The terminal: the child gets a process group of its own and, when fd 0 is this
 * session's terminal, the foreground (as tini and catatonit do), so a shell there does job
 * control as it would as PID 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define EXIT_SETUP  125
#define EXIT_NOEXEC 126
#define EXIT_NOENT  127

extern char **environ;

/* Passed on to the child; every other catchable signal keeps its default here. */
static const int forwarded[] = {SIGHUP,	 SIGINT,   SIGQUIT, SIGTERM, SIGUSR1,
				SIGUSR2, SIGWINCH, SIGCONT, SIGALRM, SIGPWR};

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_SETUP;
}

/* In the child: its own process group in the foreground, the caller's signal state, exec. */
static _Noreturn void run_child(char **argv, const sigset_t *old_mask)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};

	(void)setpgid(0, 0);
	/* SIGTTOU is still ignored (below): a background group may take the terminal. */
	if (isatty(STDIN_FILENO))
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
	(void)sigaction(SIGTTOU, &dfl, NULL);
	(void)sigaction(SIGTTIN, &dfl, NULL);
	(void)sigprocmask(SIG_SETMASK, old_mask, NULL);
	execve(argv[0], argv + 1, environ);
	fprintf(stderr, "confine-init: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? EXIT_NOENT : EXIT_NOEXEC);
}

/* Reaps every exited child; returns true once child has, its status in *st. */
static bool reap(pid_t child, int *st)
{
	bool done = false;
	int s;
	pid_t w;

	while ((w = waitpid(-1, &s, WNOHANG)) > 0)
		if (w == child) {
			*st = s;
			done = true;
		}
	return done;
}

int main(int argc, char **argv)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigset_t mask, old_mask;
	int st = 0;
	pid_t child;

	if (argc < 3) {
		fprintf(stderr, "usage: confine-init PATH ARGV0 [ARG...]\n");
		return EXIT_SETUP;
	}
	/* Outside a PID namespace's PID 1 (a test run by hand): orphans still come to us. */
	if (getpid() != 1)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Handing the terminal to the child's group must not stop us. */
	(void)sigaction(SIGTTOU, &ign, NULL);
	(void)sigaction(SIGTTIN, &ign, NULL);
	(void)sigaction(SIGTSTP, &ign, NULL);
	/* Blocked, then taken with sigwaitinfo: a blocked signal reaches a namespace's init
	 * even from outside, where one with the default action would be dropped. */
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &old_mask) < 0)
		return EXIT_SETUP;
	child = fork();
	if (child < 0) {
		fprintf(stderr, "confine-init: cannot fork: %s\n", strerror(errno));
		return EXIT_SETUP;
	}
	if (child == 0)
		run_child(argv + 1, &old_mask);
	(void)setpgid(child, child); /* either of us may come first */
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&mask, &si);

		if (sig < 0)
			continue; /* EINTR */
		if (sig != SIGCHLD)
			(void)kill(child, sig);
		else if (reap(child, &st))
			break;
	}
	/* Orphans that exited meanwhile; the rest the kernel kills with the namespace. */
	(void)reap(-1, &(int){0});
	return status_code(st);
}
