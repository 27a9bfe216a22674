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

#define JOIN_DRAIN_MAX (1 << 20) /* bytes read from the pty after the command exited */

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

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static volatile sig_atomic_t join_winch;

static void on_winch(int sig)
{
	(void)sig;
	join_winch = 1;
}

/* What the command wrote that is still in the pty once it exited (bounded). */
static void drain(int master, int out)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	(void)fcntl(master, F_SETFL, O_NONBLOCK);
	while (total < JOIN_DRAIN_MAX && (n = read(master, buf, sizeof(buf))) > 0) {
		if (write_all(out, buf, (size_t)n) < 0)
			return;
		total += (size_t)n;
	}
}

/* One round of poll's results; false once the child has exited. */
static bool relay_once(struct pollfd *p, int master, int out)
{
	char buf[4096];
	ssize_t n;

	if (p[1].revents) { /* the command's output (EIO: no one holds the pty any more) */
		n = read(master, buf, sizeof(buf));
		if (n > 0)
			(void)write_all(out, buf, (size_t)n);
		else if (n < 0 && errno != EINTR && errno != EAGAIN)
			p[1].fd = -1;
	}
	if (p[2].revents) { /* root's keystrokes; at EOF or hangup no more */
		n = read(p[2].fd, buf, sizeof(buf));
		if (n > 0)
			(void)write_all(master, buf, (size_t)n);
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			p[2].fd = -1;
	}
	return !(p[0].revents & POLLIN);
}

void join_tty_relay(struct join_tty *t, int pidfd)
{
	struct sigaction winch = {.sa_handler = on_winch};
	int out = t->is_tty[1] ? 1 : 2, ctl = t->is_tty[0] ? 0 : out;

	if (t->master < 0)
		return;
	close(t->slave);
	t->slave = -1;
	sigaction(SIGWINCH, &winch, NULL);
	if (t->is_tty[0]) {
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		t->raw = tcsetattr(0, TCSADRAIN, &raw) == 0;
	}
	struct pollfd p[3] = {{.fd = pidfd, .events = POLLIN},
			      {.fd = t->master, .events = POLLIN},
			      {.fd = t->is_tty[0] ? 0 : -1, .events = POLLIN}};
	for (;;) {
		if (join_winch) {
			struct winsize ws;
			join_winch = 0;
			if (ioctl(ctl, TIOCGWINSZ, &ws) == 0)
				(void)ioctl(t->master, TIOCSWINSZ, &ws);
		}
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!relay_once(p, t->master, out))
			break;
	}
	drain(t->master, out);
	join_tty_close(t);
}

void join_tty_close(struct join_tty *t)
{
	if (t->raw)
		(void)tcsetattr(0, TCSADRAIN, &t->saved);
	t->raw = false;
	/* The pty goes: whatever the session left on it gets EIO, never root's terminal. */
	if (t->master >= 0)
		close(t->master);
	if (t->slave >= 0)
		close(t->slave);
	t->master = t->slave = -1;
}
