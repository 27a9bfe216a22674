/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a fixed program (root side: usermod, the helper) and waiting for it. */
#pragma once

/* Runs path with argv and an empty environment and waits for it: its exit status, 128+N
 * if signal N killed it, 127 if it could not be executed, -1 if it could not be started. */
int run_fixed(const char *path, char *const argv[]);
