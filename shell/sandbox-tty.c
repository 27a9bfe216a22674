/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sandbox's own pty, made by PID 1 (sandbox-tty.h). */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "sandbox-tty.h"
#include "util.h"

#define TTY_MSG 'T'

bool sandbox_tty_wanted(bool is_tty[3])
{
	bool any = false;

	for (int fd = 0; fd < 3; fd++)
		any |= (is_tty[fd] = isatty(fd));
	return any;
}

/* The master over sock: one byte and the fd. */
static int send_master(int sock, int master)
{
	char c = TTY_MSG, cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : negerrno();
}

/* The slave: the user's, with the login terminal's group, its settings and size. */
static int slave_prepare(const struct sandbox_spec *s, int slave, int outer, struct error *err)
{
	struct termios tio;
	struct winsize ws;
	struct stat st;

	/* As login and sshd leave a terminal: owned by the user, group of the login's (tty),
	 * 0620. Root must do it: the devpts instance is root's. */
	if (fstat(outer, &st) < 0 || fchown(slave, s->creds.uid, st.st_gid) < 0 ||
	    fchmod(slave, 0620) < 0)
		return error_set_errno(err, negerrno(),
				       "cannot give the sandbox's pty to the user");
	if (tcgetattr(outer, &tio) == 0 && tcsetattr(slave, TCSANOW, &tio) < 0)
		return error_set_errno(err, negerrno(), "cannot set the sandbox's pty");
	if (ioctl(outer, TIOCGWINSZ, &ws) == 0 && ioctl(slave, TIOCSWINSZ, &ws) < 0)
		return error_set_errno(err, negerrno(), "cannot set the sandbox's pty size");
	return 0;
}

int sandbox_tty_setup(const struct sandbox_spec *s, int sock, struct error *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	bool is_tty[3];
	int outer = -1, unlock = 0, r;

	if (!sandbox_tty_wanted(is_tty)) {
		/* No terminal on 0-2, but maybe still the login's controlling terminal (su
		 * --session-command, su <FILE, confinectl run with its stdio redirected): leave
		 * it, or /dev/tty inside is the caller's terminal, whose foreground the session
		 * could take to read what the caller types next. */
		if (setsid() < 0)
			return error_set_errno(err, negerrno(),
					       "cannot leave the login's terminal");
		return 0;
	}
	for (int fd = 2; fd >= 0; fd--)
		if (is_tty[fd])
			outer = fd;
	/* The sandbox's devpts, mounted by setup_dev a moment ago under a read-only /dev:
	 * nothing of the user runs yet that could have changed the path. */
	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return error_set_errno(err, negerrno(), "cannot open a pty in the sandbox");
	/* The slave by the master, never by name. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return error_set_errno(err, negerrno(), "cannot open the sandbox's pty");
	if ((r = slave_prepare(s, slave, outer, err)) < 0)
		return r;
	/* A session of our own (leaving the login's, whose terminal we drop), with the pty as
	 * its controlling terminal: job control, /dev/tty and SIGHUP all refer to it. */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return error_set_errno(err, negerrno(), "cannot make the pty the terminal");
	/* Exactly the fds that were the login's terminal: a redirected one stays as it is. */
	for (int fd = 0; fd < 3; fd++)
		if (is_tty[fd] && dup2(slave, fd) < 0)
			return error_set_errno(err, negerrno(), "cannot make the pty the terminal");
	if ((r = send_master(sock, master)) < 0)
		return error_set_errno(err, r, "cannot hand the pty to the supervisor");
	return 0;
}

int sandbox_tty_recv(int sock, void *buf, size_t size, size_t *ret_len, int *ret_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	int fd = -1;
	ssize_t n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0)
		return negerrno();
	if (n == 0)
		return -EPIPE;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (fd >= 0 && n == 1 && ((char *)buf)[0] == TTY_MSG) {
		*ret_fd = fd;
		return 1;
	}
	if (fd >= 0)
		close(fd); /* nothing else comes with an fd */
	*ret_len = (size_t)n;
	return 0;
}
