/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shell/pty-relay.c between two real ptys. The relay runs in a child whose fds 0 and 1 are
 * the slave of the "outer" pty (the login's terminal, driven here through its master) and
 * whose master is that of the "inner" pty (the program's, driven here through its slave):
 * bytes both ways, raw mode and its restoration, a resize, the program's last output after
 * it ended, and a hangup of the outer side. No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "pty-relay.h"
#include "tap.h"

#define EXIT_ENDED  10 /* the program side closed: the relay drained and finished */
#define EXIT_HANGUP 11 /* the outer side hung up */

struct ptys {
	int om, os; /* outer master (the test: the login's side), outer slave (the relay's tty) */
	int im, is; /* inner master (the relay's), inner slave (the test: the program) */
};

static void open_ptys(struct ptys *p)
{
	struct termios raw;

	if (openpty(&p->om, &p->os, NULL, NULL, NULL) < 0 ||
	    openpty(&p->im, &p->is, NULL, NULL, NULL) < 0) {
		perror("openpty");
		exit(1);
	}
	/* The program side raw: what the relay writes arrives byte by byte, unchanged. */
	tcgetattr(p->is, &raw);
	cfmakeraw(&raw);
	tcsetattr(p->is, TCSANOW, &raw);
}

/* The relay's process: the outer slave as its terminal (fds 0, 1), SIGWINCH by signalfd. */
static _Noreturn void relay_child(const struct ptys *p)
{
	bool is_tty[3] = {true, true, false};
	struct pty_relay r;
	sigset_t m;
	int sfd;

	close(p->om);
	close(p->is);
	if (setsid() < 0 || ioctl(p->os, TIOCSCTTY, 0) < 0 || dup2(p->os, 0) < 0 ||
	    dup2(p->os, 1) < 0)
		_exit(90);
	sigemptyset(&m);
	sigaddset(&m, SIGWINCH);
	sigaddset(&m, SIGHUP); /* as the outer parent: the kernel's SIGHUP of a hangup waits */
	sigprocmask(SIG_BLOCK, &m, NULL);
	if ((sfd = signalfd(-1, &m, 0)) < 0 || pty_relay_start(&r, p->im, is_tty) < 0)
		_exit(91);
	for (;;) {
		struct pollfd f[3] = {{.fd = sfd, .events = POLLIN}};
		struct signalfd_siginfo si;
		pty_relay_fds(&r, f + 1);
		if (poll(f, 3, 10000) <= 0)
			_exit(92);
		if ((f[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo == SIGWINCH)
			pty_relay_winch(&r);
		if (pty_relay_step(&r, f + 1) == PTY_RELAY_HANGUP) {
			pty_relay_finish(&r);
			_exit(EXIT_HANGUP);
		}
		if (r.master_gone)
			break;
	}
	pty_relay_finish(&r);
	_exit(EXIT_ENDED);
}

/* Reads exactly n bytes from fd within 5 s; the count read. */
static size_t read_n(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd f = {.fd = fd, .events = POLLIN};
		if (poll(&f, 1, 5000) <= 0)
			break;
		ssize_t k = read(fd, buf + got, n - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return got;
}

static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static bool is_canonical(int fd)
{
	struct termios t;

	return tcgetattr(fd, &t) == 0 && (t.c_lflag & ICANON);
}

/* Round trips, resize, and the program's end: its last 64 KiB arrive, the outer restored. */
static void test_relay_and_end(void)
{
	struct ptys p;
	char buf[65536], big[65536];
	struct winsize ws = {.ws_row = 33, .ws_col = 111}, got = {0};

	open_ptys(&p);
	pid_t pid = fork();
	if (pid == 0)
		relay_child(&p);
	close(p.im);
	for (int i = 0; i < 50 && is_canonical(p.os); i++)
		usleep(20000);
	ok(!is_canonical(p.os), "the outer terminal is in raw mode while relaying");
	bool all = true;
	for (int i = 0; i < 100 && all; i++) {
		char c = (char)('a' + i % 26), d = 0, e = 0;
		all = write(p.om, &c, 1) == 1 && read_n(p.is, &d, 1) == 1 && d == c &&
		      write(p.is, &d, 1) == 1 && read_n(p.om, &e, 1) == 1 && e == c;
	}
	ok(all, "100 single bytes round trip: outer -> program -> outer");
	char ctl[] = {3, 26, 4, 0x7f, (char)0xff}; /* ^C ^Z ^D DEL and a high byte, unchanged */
	ok(write(p.om, ctl, sizeof(ctl)) == sizeof(ctl) &&
	       read_n(p.is, buf, sizeof(ctl)) == sizeof(ctl) && !memcmp(buf, ctl, sizeof(ctl)),
	   "control bytes reach the program unchanged (the outer terminal is raw)");
	ioctl(p.om, TIOCSWINSZ, &ws);
	for (int i = 0; i < 100; i++) {
		ioctl(p.is, TIOCGWINSZ, &got);
		if (got.ws_col == 111)
			break;
		usleep(20000);
	}
	ok(got.ws_row == 33 && got.ws_col == 111,
	   "a resize of the outer terminal reaches the pty (%ux%u)", got.ws_row, got.ws_col);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	/* The program writes 64 KiB (more than one relay buffer, more than the pty holds) and
	 * ends; the relay, bounded, passes all of it on. Written from a child: it blocks. */
	pid_t w = fork();
	if (w == 0) {
		_exit(write(p.is, big, sizeof(big)) == (ssize_t)sizeof(big) ? 0 : 1);
	}
	close(p.is);
	size_t n = read_n(p.om, buf, sizeof(buf));
	ok(reap(w) == 0 && n == sizeof(big) && !memcmp(buf, big, sizeof(big)),
	   "64 KiB of output, then the program ends: all of it arrives (%zu bytes)", n);
	is_int(reap(pid), EXIT_ENDED, "the relay ends when no one holds the program's pty");
	ok(is_canonical(p.os), "the outer terminal's settings are restored");
	close(p.om);
	close(p.os);
}

/* The outer side hangs up (ssh closed): the relay says so and the program's pty hangs up. */
static void test_hangup(void)
{
	struct ptys p;
	char c;

	open_ptys(&p);
	pid_t pid = fork();
	if (pid == 0)
		relay_child(&p);
	close(p.im);
	close(p.os);
	/* One byte through first: the relay is running. */
	ok(write(p.om, "h", 1) == 1 && read_n(p.is, &c, 1) == 1 && c == 'h', "(the relay runs)");
	close(p.om);
	is_int(reap(pid), EXIT_HANGUP, "closing the outer terminal is a hangup for the relay");
	struct pollfd f = {.fd = p.is, .events = POLLIN};
	ssize_t k = poll(&f, 1, 5000) == 1 ? read(p.is, &c, 1) : 1;
	ok(k <= 0, "and the program's pty is hung up (read: %zd)", k);
	close(p.is);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_relay_and_end();
	test_hangup();
	return tap_done();
}
