/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nolandlock ERRNO PROG [ARGS...]: runs PROG as if the kernel had no Landlock: a seccomp
 * filter (inherited by everything PROG starts, setuid programs included: installed as root,
 * without no_new_privs) fails landlock_create_ruleset with ERRNO (38 ENOSYS: not built in;
 * 95 EOPNOTSUPP: not in the LSM list), what such a kernel answers. Raw cBPF: no library. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: nolandlock ERRNO PROG [ARGS...]\n");
		return 2;
	}
	unsigned e = (unsigned)atoi(argv[1]);
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_create_ruleset, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("nolandlock: seccomp");
		return 1;
	}
	execvp(argv[2], argv + 2);
	perror("nolandlock: exec");
	return 127;
}
