/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Human units in the config: sizes ("512M", "2G", "max"), percentages ("50%")
 * and durations ("2h"). */
#pragma once

#include <stdint.h>

#define UNIT_MAX UINT64_MAX /* the value of "max" (no limit) */

/*
 * Parses a byte size: decimal digits with an optional binary suffix K, M, G, T
 * (case-insensitive, optional trailing "B"/"iB": "512M", "2GiB", "1024"), or "max".
 * Returns 0, -EINVAL (malformed) or -ERANGE (overflow).
 */
int parse_size(const char *s, uint64_t *ret);

/* Parses "N%" (N a whole number 1..100000). Returns 0, -EINVAL or -ERANGE. */
int parse_percent(const char *s, unsigned *ret);

#define DURATION_MAX (UINT64_C(365) * 86400) /* a year: longer is surely a typo */

/*
 * Parses a duration in seconds: terms of digits with a unit s, m, h or d, in any order and
 * combination ("90s", "2h", "1h30m"), a bare number of seconds, or "max" (no limit: 0).
 * Returns 0, -EINVAL (malformed) or -ERANGE (zero or above DURATION_MAX).
 */
int parse_duration(const char *s, uint64_t *ret);

#include "duration.h" /* format_duration() */

/* Formats a size for humans ("512M", "max") into buf; returns buf. */
const char *format_size(uint64_t v, char *buf, unsigned len);
