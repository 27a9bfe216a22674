/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static int __attribute__((format(printf, 4, 0)))
fill(struct error *err, int code, int with_errno, const char *fmt, va_list ap)
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
	/* "ctx: old", cut at the end when too long (not through snprintf: gcc sees a possible
	 * truncation there and -Werror refuses it). */
	size_t n = strlen(ctx), m = strlen(old);
	n = n < sizeof(err->msg) - 1 ? n : sizeof(err->msg) - 1;
	memcpy(err->msg, ctx, n);
	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		m = m < sizeof(err->msg) - 1 - n ? m : sizeof(err->msg) - 1 - n;
		memcpy(err->msg + n, old, m);
		n += m;
	}
	err->msg[n] = '\0';
	if (err->code == 0)
		err->code = -EIO;
	return err->code;
}

const char *error_msg(const struct error *err)
{
	static __thread char fallback[128];
	const char *name;

	if (err && err->msg[0])
		return err->msg;
	if (!err || err->code == 0)
		return "unknown error (no failure was recorded)";
	/* A code without text (filled by something else than error_set): name the code. */
	name = strerrorname_np(-err->code);
	snprintf(fallback, sizeof(fallback), "%s (%s), no message recorded", strerror(-err->code),
		 name ? name : "unknown errno");
	return fallback;
}
