/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a fixed program (root side: usermod, the helper) and waiting for it. */
#pragma once

#include <stddef.h>

/* Runs path with argv and an empty environment and waits for it: its exit status, 128+N
 * if signal N killed it, 127 if it could not be executed, -1 if it could not be started. */
int run_fixed(const char *path, char *const argv[]);

/* The same, stdin /dev/null, with what it writes to stdout and stderr in buf (len bytes at
 * most, NUL-terminated; the rest is not read). */
int run_fixed_capture(const char *path, char *const argv[], char *buf, size_t len);
