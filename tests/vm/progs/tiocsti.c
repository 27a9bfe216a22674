/* tiocsti STRING: pushes STRING and a newline into the input queue of the tty on fd 0.
 * Prints "ctty=yes|no" (whether this process has a controlling tty) and
 * "tiocsti=ok" or "tiocsti=<errno name>". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd = open("/dev/tty", O_RDONLY | O_NOCTTY);

	printf("ctty=%s\n", fd >= 0 ? "yes" : "no");
	if (fd >= 0)
		close(fd);
	if (argc != 2)
		return 2;
	for (const char *p = argv[1];; p++) {
		char c = *p ? *p : '\n';
		if (ioctl(0, TIOCSTI, &c) < 0) {
			printf("tiocsti=%s\n", strerrorname_np(errno));
			return 1;
		}
		if (!*p)
			break;
	}
	printf("tiocsti=ok\n");
	return 0;
}
