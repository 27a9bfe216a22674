/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Human units in the config: sizes ("512M", "2G", "max") and percentages ("50%"). */
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

/* Formats a size for humans ("512M", "max") into buf; returns buf. */
const char *format_size(uint64_t v, char *buf, unsigned len);
