/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Landlock for the sandboxed program: every write-type file access (create, write,
 * remove, rename, link, make nodes; truncate from ABI 3) only beneath the sandbox's own
 * mounts. The read-only host tree inside the sandbox already refuses writes by path; this
 * also holds for handles of the host's tree that reach the session from outside (an fd
 * received over a unix socket, SCM_RIGHTS, or reopened through /proc/self/fd/N): Landlock
 * checks the real path of what is opened or created, whatever fd it was reached through.
 *
 * Raw syscalls: Debian ships no library for Landlock (libc has no wrappers before glibc
 * 2.42), and the three calls with <linux/landlock.h> are all there is to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "error.h"
#include "util.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* The write-type rights of ABI 1; REFER (ABI 2) and TRUNCATE (ABI 3) are added by ABI. */
#define FS_WRITE_ABI1                                                                              \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                           \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                           \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                               \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                             \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

/* The sandbox's own mounts (tmpfs, its devpts and procfs), made by sandbox.c. /proc: the
 * program writes /proc/self/...; a magic link there resolves to the real object, which
 * Landlock checks by its own path, so a host file reopened through /proc/self/fd/N is
 * still refused. */
static const char *const writable[] = {"/tmp", "/var/tmp", "/dev", "/run", "/proc"};

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? negerrno() : (int)abi;
}

static uint64_t handled_for(int abi)
{
	uint64_t a = FS_WRITE_ABI1;

	if (abi >= 2)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		a |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return a;
}

/* One rule: everything handled is allowed beneath path (opened relative to the cwd). */
static int allow_beneath(int ruleset, const char *path, uint64_t access)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct landlock_path_beneath_attr pb = {.allowed_access = access};

	if (fd < 0)
		return negerrno();
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return negerrno();
	return 0;
}

/*
 * The terminal the session was started on (fds 0-2 of the login program: sshd's or the
 * caller's pty, on the host's devpts): writable when reopened, as /dev/stderr or
 * /proc/self/fd/N, which scripts do. A rule on that one inode, a character device the
 * session holds open already; other kinds of fds 0-2 get none.
 */
static int allow_std_ttys(int ruleset, uint64_t handled)
{
	struct landlock_path_beneath_attr pb = {
	    .allowed_access =
		handled & (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)};
	struct stat st;

	for (int fd = 0; fd <= 2; fd++) {
		if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || !isatty(fd))
			continue;
		pb.parent_fd = fd;
		if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			return negerrno();
	}
	return 0;
}

int landlock_install(bool with_home, struct error *err)
{
	int abi = landlock_abi(), r;

	if (abi < 0)
		return error_set_errno(err, abi == -ENOSYS ? -EOPNOTSUPP : abi,
				       "Landlock is not available in this kernel (not built in, or "
				       "not in its LSM list: lsm= on the kernel command line); "
				       "confined logins need it");
	struct landlock_ruleset_attr attr = {.handled_access_fs = handled_for(abi)};
	_cleanup_close_ int ruleset =
	    (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);

	if (ruleset < 0)
		return error_set_errno(err, negerrno(), "cannot create a Landlock ruleset");
	for (size_t i = 0; i < ELEMENTSOF(writable); i++)
		if ((r = allow_beneath(ruleset, writable[i], attr.handled_access_fs)) < 0)
			return error_set_errno(err, r, "cannot add Landlock rule for %s",
					       writable[i]);
	/* The cwd: the session's home mount, entered by fd in sandbox.c:inner_home. */
	if (with_home && (r = allow_beneath(ruleset, ".", attr.handled_access_fs)) < 0)
		return error_set_errno(err, r, "cannot add Landlock rule for the home");
	if ((r = allow_std_ttys(ruleset, attr.handled_access_fs)) < 0)
		return error_set_errno(err, r, "cannot add Landlock rule for the terminal");
	/* Irrevocable for this process and everything it starts (no_new_privs is set). */
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return error_set_errno(err, negerrno(), "cannot enforce the Landlock ruleset");
	return 0;
}
