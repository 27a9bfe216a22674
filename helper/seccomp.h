/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small seccomp filter for the sandboxed program (installed after the privilege drop). */
#pragma once

/*
 * Denies, with EPERM: ioctl TIOCSTI and TIOCLINUX (typing into the terminal of the
 * outer session), and clone/unshare with CLONE_NEWUSER (nested user namespaces, the
 * usual door to kernel attack surface). clone3 gets ENOSYS, since its flags are behind a
 * pointer, so libc falls back to clone, which is checked. Other architectures' syscall
 * entry points (i386, x32) kill the process. Needs no_new_privs set.
 */
int seccomp_install(void);
