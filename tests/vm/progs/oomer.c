/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PID 1 of a confined session (exec'd by the login shell): clears its parent-death signal,
 * goes quiet (stdio to /dev/null), fills /dev/shm with tmpfs pages (charged to the session's
 * cgroup, in no process's RSS) until the first OOM kill shows in memory.events, then stops
 * and keeps running, writing a heartbeat into $HOME/alive. With memory.oom.group = 0 the
 * victim is the largest process of the cgroup: the namespaced parent (root, the enforcer of
 * max_duration), since every process of the user is tiny. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static long oom_kills(void)
{
	char buf[512];
	int fd = open("/sys/fs/cgroup/memory.events", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "oom_kill ");
	return p ? atol(p + 9) : -1;
}

int main(void)
{
	static char page[4096];
	char path[256], msg[128];
	const char *home = getenv("HOME");
	int shm, null = open("/dev/null", O_RDWR);
	long base = oom_kills();

	prctl(PR_SET_PDEATHSIG, 0);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	memset(page, 'x', sizeof(page));
	shm = open("/dev/shm/fill", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	snprintf(path, sizeof(path), "%s/alive", home ? home : "/tmp");
	for (long i = 0; shm >= 0 && oom_kills() == base; i++)
		if (write(shm, page, sizeof(page)) != sizeof(page))
			break;
	for (;;) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		snprintf(msg, sizeof(msg), "%ld oom_kill=%ld\n", (long)time(NULL), oom_kills());
		if (fd >= 0) {
			(void)!write(fd, msg, strlen(msg));
			close(fd);
		}
		sleep(1);
	}
}
