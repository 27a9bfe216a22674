/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_ident = "confine";
static int log_stderr;

void log_open(const char *ident, int to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

static void log_v(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	syslog(LOG_AUTHPRIV | prio, "%s%s%s", buf, suffix ? ": " : "", suffix ? suffix : "");
	if (log_stderr && prio <= LOG_NOTICE)
		fprintf(stderr, "%s: %s%s%s\n", log_ident, buf, suffix ? ": " : "",
			suffix ? suffix : "");
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(prio, NULL, fmt, ap);
	va_end(ap);
}

int log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, strerror(err < 0 ? -err : err), fmt, ap);
	va_end(ap);
	return err;
}
