/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static int fill(struct error *err, int code, int with_errno, const char *fmt, va_list ap)
{
	if (code > 0)
		code = -code;
	if (code == 0)
		code = -EIO;
	if (!err)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno) {
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(-code));
	}
	return code;
}

int error_set(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = fill(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int error_set_errno(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = fill(err, code, 1, fmt, ap);
	va_end(ap);
	return code;
}

int error_prefix(struct error *err, const char *fmt, ...)
{
	char ctx[ERROR_MSG_MAX], old[ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return -EIO;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	snprintf(old, sizeof(old), "%s", error_msg(err));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", ctx, old);
	if (err->code == 0)
		err->code = -EIO;
	return err->code;
}

const char *error_msg(const struct error *err)
{
	if (!err)
		return "unknown error";
	if (err->msg[0])
		return err->msg;
	if (err->code == 0)
		return "unknown error (no failure was recorded)";
	return strerror(-err->code);
}
