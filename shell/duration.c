/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "duration.h"

const char *format_duration(uint64_t secs, char *buf, unsigned len)
{
	static const struct {
		char c;
		uint64_t secs;
	} units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	size_t used = 0;

	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (secs == 0) {
		snprintf(buf, len, "max");
		return buf;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && used < len; i++)
		if (secs >= units[i].secs) {
			used += (size_t)snprintf(buf + used, len - used, "%" PRIu64 "%c",
						 secs / units[i].secs, units[i].c);
			secs %= units[i].secs;
		}
	return buf;
}
