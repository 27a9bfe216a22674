/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loads the sandbox's seccomp filter: the BPF that shell/seccomp.c's rules compile to,
 * made at build time (seccomp-gen.c), so no session pays libseccomp's compilation and the
 * setuid shell does not link libseccomp at all.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h" // NOLINT(readability-duplicate-include)
#include "error.h"
#include "seccomp-filter.h"

int seccomp_install(struct error *err)
{
	struct sock_fprog prog = {.len = seccomp_filter_len,
				  .filter = (struct sock_filter *)seccomp_filter_insns};

	/* no_new_privs first: the kernel refuses an unprivileged filter without it, and the
	 * filter is irrevocable for this process and everything it starts. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return error_set_errno(err, -errno, "cannot install the seccomp filter");
	return 0;
}
