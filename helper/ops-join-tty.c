/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl join's pty and its relay (ops-join-tty.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ops-join-tty.h"
#include "pty-relay.h"
#include "util.h"

int join_tty_open(struct join_tty *t)
{
	struct winsize ws, *wsp = NULL;
	int tty = -1;

	*t = (struct join_tty){.master = -1, .slave = -1};
	for (int fd = 2; fd >= 0; fd--)
		if ((t->is_tty[fd] = isatty(fd)))
			tty = fd;
	if (tty < 0)
		return 0;
	if (tcgetattr(tty, &t->saved) < 0)
		return -errno;
	if (ioctl(tty, TIOCGWINSZ, &ws) == 0)
		wsp = &ws;
	/* The host's devpts: the session cannot redirect a path we would open in its view. */
	if (openpty(&t->master, &t->slave, NULL, &t->saved, wsp) < 0)
		return -errno;
	if (fcntl(t->master, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int join_tty_child(const struct join_tty *t)
{
	if (setsid() < 0)
		return -errno;
	if (t->master < 0)
		return 0;
	if (ioctl(t->slave, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++)
		if (t->is_tty[fd] && dup2(t->slave, fd) < 0)
			return -errno;
	return 0;
}

static volatile sig_atomic_t join_winch;

static void on_winch(int sig)
{
	(void)sig;
	join_winch = 1;
}

/* The relay is shell/pty-relay.c's, the one the sandbox's outer parent runs too. */
void join_tty_relay(struct join_tty *t, int pidfd)
{
	struct sigaction winch = {.sa_handler = on_winch};
	struct pty_relay r;

	if (t->master < 0)
		return;
	close(t->slave);
	t->slave = -1;
	sigaction(SIGWINCH, &winch, NULL);
	if (pty_relay_start(&r, TAKE_FD(t->master), t->is_tty) < 0)
		return;
	for (;;) {
		struct pollfd p[3] = {{.fd = pidfd, .events = POLLIN}};
		if (join_winch) {
			join_winch = 0;
			pty_relay_winch(&r);
		}
		pty_relay_fds(&r, p + 1);
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN)
			break; /* the command has exited */
		(void)pty_relay_step(&r, p + 1);
	}
	/* Its last output, root's terminal restored, the pty closed. */
	pty_relay_finish(&r);
}

void join_tty_close(struct join_tty *t)
{
	/* The pty goes: whatever the session left on it gets EIO, never root's terminal. */
	if (t->master >= 0)
		close(t->master);
	if (t->slave >= 0)
		close(t->slave);
	t->master = t->slave = -1;
}
