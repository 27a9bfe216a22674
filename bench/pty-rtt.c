/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pty-rtt [N]: the latency shell/pty-relay.c adds per keystroke. N (1000) round trips of
 * one byte: written on the master of a pty, echoed back by a program reading its slave
 * raw, read again on the master; once with the program on that pty directly (a login
 * without the relay), once with the relay in between (the program on a second pty whose
 * master the relay holds, the first pty being the relay's terminal, as the outer
 * supervisor's). Prints the mean and median microseconds per round trip of each. No root.
 */
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pty-relay.h"

static void make_raw(int fd)
{
	struct termios t;

	tcgetattr(fd, &t);
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
}

/* The program: echoes every byte of its terminal (fd) until EOF. */
static _Noreturn void echo_child(int fd)
{
	char c;

	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			break;
	_exit(0);
}

/* The relay's process: outer slave as fds 0 and 1, the program's master relayed. */
static _Noreturn void relay_child(int os, int im)
{
	bool is_tty[3] = {true, true, false};
	struct pty_relay r;

	if (setsid() < 0 || ioctl(os, TIOCSCTTY, 0) < 0 || dup2(os, 0) < 0 || dup2(os, 1) < 0)
		_exit(1);
	signal(SIGHUP, SIG_IGN);
	if (pty_relay_start(&r, im, is_tty) < 0)
		_exit(1);
	while (!r.hangup && !r.master_gone) {
		struct pollfd p[2];
		pty_relay_fds(&r, p);
		if (poll(p, 2, -1) < 0)
			break;
		(void)pty_relay_step(&r, p);
	}
	pty_relay_finish(&r);
	_exit(0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* N round trips through master m; mean and median in microseconds. */
static void measure(const char *name, int m, int n)
{
	double *us = calloc((size_t)n, sizeof(double)), sum = 0;
	char c = 'x', d;

	for (int i = 0; i < 20; i++) /* warm up */
		if (write(m, &c, 1) != 1 || read(m, &d, 1) != 1)
			exit(1);
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (write(m, &c, 1) != 1 || read(m, &d, 1) != 1 || d != c)
			exit(1);
		clock_gettime(CLOCK_MONOTONIC, &b);
		us[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
		sum += us[i];
	}
	qsort(us, (size_t)n, sizeof(double), cmp);
	printf("%-14s %d round trips of 1 byte: mean %.1f us, median %.1f us, p99 %.1f us\n", name,
	       n, sum / n, us[n / 2], us[n * 99 / 100]);
	free(us);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, om, os, im, is;
	pid_t e, r;

	if (n < 100)
		n = 100;
	/* Without: the program on the pty the driver holds. */
	if (openpty(&om, &os, NULL, NULL, NULL) < 0)
		return 1;
	make_raw(os); /* before the first byte: a cooked pty would echo it itself */
	if ((e = fork()) == 0) {
		close(om);
		echo_child(os);
	}
	close(os);
	measure("without relay", om, n);
	close(om);
	waitpid(e, NULL, 0);
	/* With: driver -> outer pty -> relay -> inner pty -> program. */
	if (openpty(&om, &os, NULL, NULL, NULL) < 0 || openpty(&im, &is, NULL, NULL, NULL) < 0)
		return 1;
	make_raw(os);
	make_raw(is);
	if ((e = fork()) == 0) {
		close(om), close(os), close(im);
		echo_child(is);
	}
	close(is);
	if ((r = fork()) == 0) {
		close(om);
		relay_child(os, im);
	}
	close(os), close(im);
	measure("with relay", om, n);
	close(om);
	waitpid(r, NULL, 0);
	waitpid(e, NULL, 0);
	return 0;
}
