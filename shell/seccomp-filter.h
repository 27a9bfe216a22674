/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <linux/filter.h>

/* The filter of shell/seccomp.c for the native architecture, as BPF, made at build time by
 * build/seccomp-gen (shell/seccomp-gen.c) into build/gen/seccomp-filter.c. */
extern const struct sock_filter seccomp_filter_insns[];
extern const unsigned short seccomp_filter_len;
