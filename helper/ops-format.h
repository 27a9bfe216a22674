/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text of confinectl list/status/kill (confinectl(8)): JSON strings, human sizes and ages,
 * table cells, the cgroup files' formats, signal names. Pure functions, unit-tested.
 */
#pragma once

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#define OPS_NONE ULLONG_MAX	  /* no such figure (no cgroup, file missing) */
#define OPS_MAX	 (ULLONG_MAX - 1) /* a limit file saying "max" (no limit) */

/*
 * Writes s as a JSON string, quotes included: '"' and '\' escaped, control characters and
 * DEL as \uXXXX (\n, \t, \r, \b, \f short), valid UTF-8 as is, and every byte that is not
 * part of valid UTF-8 as the code point of the same value (\u00XX), so the output is
 * always valid JSON, whatever bytes a user name holds.
 */
void json_string(FILE *f, const char *s);

/* Writes s as a Prometheus label value, quotes included: '\\', '"' and newline escaped,
 * every byte that is not part of valid UTF-8 written as U+FFFD (the format is UTF-8). */
void prom_label_value(FILE *f, const char *s);

/* Writes a figure as a JSON number, or null for OPS_NONE and OPS_MAX. */
void json_figure(FILE *f, unsigned long long v);

/* A size for humans ("12.5M", "512M", "900B"; "max", "-"); returns buf. */
const char *ops_size(unsigned long long v, char *buf, size_t len);

/* A count ("42"; "max", "-"); returns buf. */
const char *ops_count(unsigned long long v, char *buf, size_t len);

/* An age in seconds for humans ("0s", "59s", "1h2m3s"); returns buf. */
const char *ops_age(unsigned long long secs, char *buf, size_t len);

/* A table cell: s with every control byte (C0, DEL, C1) and every byte that is not UTF-8
 * shown as '?' (no terminal escapes); truncated to len, never inside a character. */
const char *ops_cell(const char *s, char *buf, size_t len);

/* A limit file's content: a decimal number or "max" (OPS_MAX), one line. 0 or -EINVAL. */
int ops_parse_limit(const char *text, unsigned long long *ret);

/* The value of the line "KEY N" of a flat-keyed file (memory.events, cpu.stat). 0, -ENOENT
 * when there is no such line, -EINVAL when its value is not a number. */
int ops_kv_get(const char *text, const char *key, unsigned long long *ret);

/* The totals of io.stat ("MAJ:MIN rbytes=N wbytes=N ..." per device), summed over its
 * devices (no device: 0). 0, or -EINVAL when a line is malformed. */
int ops_io_stat(const char *text, unsigned long long *rbytes, unsigned long long *wbytes);

/* A signal by name ("TERM", "SIGTERM", case-insensitive) or number (1..64). The signal
 * number, or -EINVAL. */
int ops_parse_signal(const char *s);
