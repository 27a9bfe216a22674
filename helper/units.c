/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing and formatting of sizes ("512M", "max") and percentages ("50%"). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* Reads a run of decimal digits; returns the number of digits, or -ERANGE on overflow. */
static int parse_digits(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	int n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return n;
}

/* Binary unit letter, or -1 if c is not one. */
static int suffix_shift(char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	case 't':
	case 'T':
		return 40;
	default:
		return -1;
	}
}

/* Parses the unit after the digits: "", "B", "K", "KB", "KiB" (any case); -EINVAL on junk. */
static int parse_suffix(const char *p, unsigned *shift)
{
	int sh = suffix_shift(*p);

	*shift = 0;
	if (sh >= 0) {
		*shift = (unsigned)sh;
		p++;
		if (*p == 'i' || *p == 'I') {
			p++;
			if (*p != 'b' && *p != 'B')
				return -EINVAL;
		}
	}
	if (*p == 'b' || *p == 'B')
		p++;
	return *p ? -EINVAL : 0;
}

int parse_size(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned shift;
	size_t n;
	int r;

	if (!s)
		return -EINVAL;
	if (strcmp(s, "max") == 0) {
		*ret = UNIT_MAX;
		return 0;
	}

	n = strspn(s, "0123456789");
	if (n == 0)
		return -EINVAL;
	/* Malformed beats too large: "99999999999999999999Q" is -EINVAL. */
	r = parse_suffix(s + n, &shift);
	if (r < 0)
		return r;
	r = parse_digits(s, &v);
	if (r < 0)
		return r;
	if (shift > 0 && v > (UINT64_MAX >> shift))
		return -ERANGE;
	v <<= shift;
	/* UINT64_MAX itself means "max": a number may not spell it. */
	if (v == UNIT_MAX)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_percent(const char *s, unsigned *ret)
{
	uint64_t v;
	size_t n;
	int r;

	if (!s)
		return -EINVAL;
	n = strspn(s, "0123456789");
	if (n == 0 || strcmp(s + n, "%") != 0)
		return -EINVAL;
	r = parse_digits(s, &v);
	if (r < 0)
		return r;
	if (v < 1 || v > 100000)
		return -ERANGE;
	*ret = (unsigned)v;
	return 0;
}

const char *format_size(uint64_t v, char *buf, unsigned len)
{
	static const char units[] = "KMGT";
	int i;

	if (!buf || len == 0)
		return buf;
	if (v == UNIT_MAX) {
		snprintf(buf, len, "max");
		return buf;
	}
	for (i = 3; i >= 0; i--) {
		unsigned shift = 10 * (unsigned)(i + 1);
		uint64_t unit = UINT64_C(1) << shift;

		if (v != 0 && v % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v >> shift, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

int parse_duration(const char *s, uint64_t *ret)
{
	uint64_t total = 0;
	size_t used = 0;

	if (!s || !*s)
		return -EINVAL;
	if (strcmp(s, "max") == 0) {
		*ret = 0;
		return 0;
	}
	/* Terms like "90s", "30m", "2h", "1d", in any combination ("1h30m"); a bare number is s. */
	while (s[used]) {
		static const struct {
			char c;
			uint64_t secs;
		} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
		uint64_t v, mul = 0;
		int n = parse_digits(s + used, &v);

		if (n < 0)
			return n;
		if (n == 0)
			return -EINVAL;
		used += (size_t)n;
		if (!s[used] && used == (size_t)n)
			mul = 1;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && !mul; i++)
			if (s[used] == units[i].c)
				mul = units[i].secs, used++;
		if (!mul)
			return -EINVAL;
		if (v > (DURATION_MAX - total) / mul)
			return -ERANGE;
		total += v * mul;
	}
	if (total == 0)
		return -ERANGE;
	*ret = total;
	return 0;
}
