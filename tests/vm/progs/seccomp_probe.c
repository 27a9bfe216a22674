/* seccomp_probe: makes the calls the confined session's seccomp filter refuses and prints one
 * "name=result" line each: "ok" or the errno name. Also prints "seccomp=<mode>" from
 * /proc/self/status and "thread=ok|<errno>" (threads must still start: glibc tries clone3
 * first, which the filter answers with ENOSYS, then clone). Every call is harmless. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static void report(const char *name, long r)
{
	printf("%s=%s\n", name, r < 0 ? strerrorname_np(errno) : "ok");
	if (r >= 0 && strcmp(name, "personality") != 0)
		close((int)r); /* the calls that succeed return an fd or a key id */
}

static void *thread_fn(void *arg)
{
	return arg;
}

int main(void)
{
	struct io_uring_params up = {0};
	struct perf_event_attr pe = {.type = PERF_TYPE_SOFTWARE,
				     .size = sizeof(pe),
				     .config = PERF_COUNT_SW_TASK_CLOCK,
				     .disabled = 1,
				     .exclude_kernel = 1,
				     .exclude_hv = 1};
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	pthread_t t;
	int r;

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp:", 8) == 0)
			printf("seccomp=%d\n", atoi(line + 8));
	if (f)
		fclose(f);
	report("io_uring_setup", syscall(SYS_io_uring_setup, 4, &up));
	/* the id of this process's session keyring (a number, not an fd: never closed) */
	errno = 0;
	r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	printf("keyctl=%s\n", r < 0 ? strerrorname_np(errno) : "ok");
	/* a command number no kernel has: EINVAL from the kernel, which does not restrict
	 * unprivileged callers for commands that create nothing */
	report("bpf", syscall(SYS_bpf, 9999, NULL, 0));
	report("perf_event_open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
	report("userfaultfd", syscall(SYS_userfaultfd, UFFD_USER_MODE_ONLY | O_CLOEXEC));
	report("vsock", socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
	/* EINVAL from the kernel, which checks the type first, whether vsock is loaded or not */
	report("vsock_badtype", socket(AF_VSOCK, 999, 0));
	report("personality", personality(ADDR_NO_RANDOMIZE));
	/* EINVAL from the kernel (size too small) or ENOSYS from the filter */
	report("clone3", syscall(SYS_clone3, NULL, 0));
	r = pthread_create(&t, NULL, thread_fn, NULL);
	if (r == 0)
		r = pthread_join(t, NULL);
	printf("thread=%s\n", r == 0 ? "ok" : strerrorname_np(r));
	return 0;
}
