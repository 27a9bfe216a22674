/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for parse_size() and parse_percent(). Besides the sanitizers it checks
 * the contracts: only 0, -EINVAL or -ERANGE; a size never spells UNIT_MAX except "max";
 * a percentage is 1..100000; format_size() of a parsed size parses back to the same value.
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

	free(s);
	return 0;
}
