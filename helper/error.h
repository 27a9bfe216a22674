/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one error convention of confine's programs (as crun's libcrun_error_t):
 *
 *   int f(..., struct error *err)
 *
 * returns 0 (or a non-negative result) on success; on failure a negative errno, with err
 * filled at the point of failure by `return error_set(err, r, "cannot open %s", path)`.
 * Callers add context with error_prefix() and report once, where the failure is handled,
 * with error_msg(). A message is never left unfilled: error_set() is the only way a
 * failure gets its code, and error_msg() of an error without text says what the code is.
 */
#pragma once

#include <stddef.h>

#define ERROR_MSG_MAX 512

struct error {
	int code;		 /* negative errno; 0 while nothing failed */
	char msg[ERROR_MSG_MAX]; /* "what failed: why", no trailing newline */
};

#define ERROR_INIT                                                                                 \
	{                                                                                          \
		0, ""                                                                              \
	}

/* Fills err (when not NULL) and returns code, made negative (-EIO for 0). */
int error_set(struct error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like error_set, with ": strerror(-code)" appended to the message. */
int error_set_errno(struct error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts "context: " before the message; returns err's code. */
int error_prefix(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The message; never empty: an error with a code but no text (filled by something else
 * than error_set) names its code, one with neither says that nothing was recorded. */
const char *error_msg(const struct error *err);
