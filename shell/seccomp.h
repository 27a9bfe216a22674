/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp filter of the sandboxed program (installed after the privilege drop). */
#pragma once

#include <stdint.h>

/*
 * Builds the filter with libseccomp for one architecture (an SCMP_ARCH_* token) without
 * loading it: default allow; EPERM for the syscalls, namespace flags, personalities and
 * ioctl commands a login session never needs and for setuid or setgid file modes,
 * EAFNOSUPPORT for socket families other than local, IPv4, IPv6 and netlink, ENOSYS for
 * clone3 and openat2; any other ABI's entry point kills the
 * process. SECURITY.md, "The seccomp filter", has every rule and its reason. On success
 * *ret is a libseccomp scmp_filter_ctx, the caller's to seccomp_release(). (Its type is
 * spelt void * here: this header's name hides libseccomp's <seccomp.h> on an -I helper
 * path.) Negative errno on failure.
 */
int seccomp_build(uint32_t arch, void **ret);

struct error;
/* Loads the filter for the native architecture into this process (for good, inherited by
 * everything it starts), setting no_new_privs first: the BPF seccomp_build() made at build
 * time (shell/seccomp-load.c, seccomp-gen.c). Negative errno on failure, err filled. */
int seccomp_install(struct error *err);
