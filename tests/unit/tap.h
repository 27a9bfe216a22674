/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal TAP producer for the unit tests:
 *   ok(cond, fmt, ...)            one test point
 *   is_str(got, want, fmt, ...)   string equality (NULL-safe), prints both on failure
 *   is_int(got, want, fmt, ...)   integer equality, prints both on failure
 *   skip(fmt, ...)                a test point that could not run here ("ok N # SKIP ...")
 *   tap_done()                    prints "1..N" and "P passed, F failed"; returns the exit code
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static unsigned tap_run, tap_failed, tap_skipped;

static inline void tap_vline(int pass, const char *directive, const char *fmt, va_list ap)
{
	printf("%s %u - ", pass ? "ok" : "not ok", ++tap_run);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	if (!pass)
		tap_failed++;
}

static inline int __attribute__((format(printf, 2, 3))) ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(pass, NULL, fmt, ap);
	va_end(ap);
	return pass;
}

static inline int __attribute__((format(printf, 3, 4)))
is_str(const char *got, const char *want, const char *fmt, ...)
{
	int pass = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	va_list ap;

	va_start(ap, fmt);
	tap_vline(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#   got:      %s%s%s\n", got ? "\"" : "", got ? got : "NULL",
		       got ? "\"" : "");
		printf("#   expected: %s%s%s\n", want ? "\"" : "", want ? want : "NULL",
		       want ? "\"" : "");
	}
	return pass;
}

static inline int __attribute__((format(printf, 3, 4)))
is_int(long long got, long long want, const char *fmt, ...)
{
	int pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vline(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#   got:      %lld\n", got);
		printf("#   expected: %lld\n", want);
	}
	return pass;
}

/* A skipped test point counts as neither passed nor failed. */
static inline void __attribute__((format(printf, 1, 2))) skip(const char *fmt, ...)
{
	va_list ap;

	tap_skipped++;
	va_start(ap, fmt);
	printf("ok %u # SKIP ", ++tap_run);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static inline int tap_done(void)
{
	printf("1..%u\n", tap_run);
	if (tap_skipped)
		printf("# %u skipped\n", tap_skipped);
	printf("%u passed, %u failed\n", tap_run - tap_failed - tap_skipped, tap_failed);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
