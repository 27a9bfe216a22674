/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for parse_size(), parse_percent() and parse_duration(). Besides the
 * sanitizers it checks the contracts: only 0, -EINVAL or -ERANGE; a size never spells
 * UNIT_MAX except "max"; a percentage is 1..100000; a duration is 0 only for "max" and at
 * most DURATION_MAX; format_size()/format_duration() of a parsed value parse back to it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../helper/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[32];
	uint64_t v = 0, back = 0;
	unsigned pct = 0;
	int r;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	r = parse_size(s, &v);
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
	if (r == 0) {
		if ((v == UNIT_MAX) != (strcmp(s, "max") == 0))
			abort();
		if (parse_size(format_size(v, buf, sizeof(buf)), &back) != 0 || back != v)
			abort();
	}

	r = parse_percent(s, &pct);
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
	if (r == 0 && (pct < 1 || pct > 100000))
		abort();

	r = parse_duration(s, &v);
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
	if (r == 0) {
		if ((v == 0) != (strcmp(s, "max") == 0) || v > DURATION_MAX)
			abort();
		if (parse_duration(format_duration(v, buf, sizeof(buf)), &back) != 0 || back != v)
			abort();
	}

	free(s);
	return 0;
}
