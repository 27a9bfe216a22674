/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The terminal relay (pty-relay.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fs.h"
#include "pty-relay.h"

#define PTY_DRAIN_MAX (1 << 20) /* bytes read from the pty after the program ended */

void pty_relay_init(struct pty_relay *r)
{
	r->master = r->in = r->out = -1;
	r->raw = r->hangup = r->master_gone = r->in_off = false;
	r->len = r->off = 0;
}

int pty_relay_start(struct pty_relay *r, int master, const bool is_tty[3])
{
	int fl = fcntl(master, F_GETFL);

	pty_relay_init(r);
	if (fl < 0 || fcntl(master, F_SETFL, fl | O_NONBLOCK) < 0) {
		int e = -errno;
		close(master);
		return e;
	}
	r->master = master;
	r->in = is_tty[0] ? 0 : -1;
	r->out = is_tty[1] ? 1 : is_tty[2] ? 2 : -1;
	/* Started in a background group of the terminal (`su ... &`): its keystrokes and its
	 * mode are the foreground job's; only the output is relayed. */
	if (r->in >= 0 && tcgetpgrp(r->in) != getpgrp())
		r->in_off = true;
	if (r->in >= 0 && !r->in_off && tcgetattr(r->in, &r->saved) == 0) {
		struct termios raw = r->saved;
		cfmakeraw(&raw);
		r->raw = tcsetattr(r->in, TCSADRAIN, &raw) == 0;
	}
	/* The size may have changed since the pty got it. */
	pty_relay_winch(r);
	return 0;
}

SUPERVISOR_LOOP void pty_relay_fds(const struct pty_relay *r, struct pollfd p[2])
{
	bool on = r->master >= 0 && !r->master_gone && !r->hangup;

	p[0] = (struct pollfd){.fd = on ? r->master : -1,
			       .events = (short)(POLLIN | (r->len > r->off ? POLLOUT : 0))};
	/* Read keystrokes only when the last ones are written: the buffer stays bounded. */
	p[1] =
	    (struct pollfd){.fd = on && r->in >= 0 && !r->in_off && r->len == r->off ? r->in : -1,
			    .events = POLLIN};
}

/* The program's output to the outer terminal; false when it hung up. */
SUPERVISOR_LOOP static bool relay_output(struct pty_relay *r)
{
	char buf[PTY_RELAY_BUF];
	ssize_t n = read(r->master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) { /* EIO: no one holds the slave any more (the program ended) */
		r->master_gone = true;
		return true;
	}
	return r->out < 0 || loop_write(r->out, buf, (size_t)n) == 0;
}

/* Keystrokes into the buffer; false when the outer terminal hung up. */
SUPERVISOR_LOOP static bool relay_input(struct pty_relay *r)
{
	ssize_t n = read(r->in, r->buf, sizeof(r->buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	/* EIO from a live terminal: we are in a background group of it (SIGTTIN is ignored);
	 * keystrokes are the foreground's, so stop reading. A hung-up one answers no ioctl. */
	if (n < 0 && errno == EIO && tcgetpgrp(r->in) > 0) {
		r->in_off = true;
		return true;
	}
	if (n <= 0) /* a terminal reads 0 or EIO only once it hung up */
		return false;
	r->off = 0;
	r->len = (size_t)n;
	return true;
}

/* The buffer to the master, as much as it takes now. */
static void relay_flush(struct pty_relay *r)
{
	ssize_t w = write(r->master, r->buf + r->off, r->len - r->off);

	if (w > 0)
		r->off += (size_t)w;
	else if (w < 0 && errno != EINTR && errno != EAGAIN)
		r->off = r->len; /* the slave is gone: drop them */
	if (r->off == r->len)
		r->off = r->len = 0;
}

SUPERVISOR_LOOP enum pty_relay_event pty_relay_step(struct pty_relay *r, const struct pollfd p[2])
{
	bool alive = true;

	if (p[0].fd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
		alive = relay_output(r);
	if (alive && p[0].fd >= 0 && (p[0].revents & POLLOUT) && !r->master_gone)
		relay_flush(r);
	if (alive && p[1].fd >= 0 && p[1].revents) {
		alive = relay_input(r);
		if (alive && r->len > r->off)
			relay_flush(r); /* most often all of it, without another round */
	}
	if (alive)
		return PTY_RELAY_OPEN;
	/* The outer terminal is gone: so is the pty, which hangs up the program's side too
	 * (SIGHUP to its session and foreground group, EIO on its reads and writes). */
	r->hangup = true;
	close(r->master);
	r->master = -1;
	return PTY_RELAY_HANGUP;
}

void pty_relay_winch(const struct pty_relay *r)
{
	struct winsize ws;
	int fd = r->in >= 0 ? r->in : r->out;

	if (r->master >= 0 && fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(r->master, TIOCSWINSZ, &ws);
}

void pty_relay_finish(struct pty_relay *r)
{
	char buf[PTY_RELAY_BUF];
	size_t total = 0;
	ssize_t n;

	if (r->master >= 0) {
		/* The program's last words (it has ended: this reads what is buffered, then
		 * EIO or EAGAIN). */
		while (!r->hangup && total < PTY_DRAIN_MAX &&
		       (n = read(r->master, buf, sizeof(buf))) > 0) {
			if (r->out >= 0 && loop_write(r->out, buf, (size_t)n) < 0)
				break;
			total += (size_t)n;
		}
		close(r->master);
		r->master = -1;
	}
	if (r->raw)
		(void)tcsetattr(r->in, TCSADRAIN, &r->saved);
	r->raw = false;
}
