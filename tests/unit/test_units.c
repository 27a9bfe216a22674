/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Table-driven tests of parse_size(), parse_percent() and format_size(). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include "../../helper/units.h"
#include "../../helper/util.h"
#include "tap.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)

static const struct {
	const char *in;
	int r;
	uint64_t v;
} sizes[] = {
    /* good */
    {"0", 0, 0},
    {"1", 0, 1},
    {"1024", 0, 1024},
    {"007", 0, 7},
    {"1K", 0, KiB},
    {"1k", 0, KiB},
    {"512M", 0, 512 * MiB},
    {"512m", 0, 512 * MiB},
    {"2G", 0, 2 * GiB},
    {"3T", 0, 3 * TiB},
    {"2GiB", 0, 2 * GiB},
    {"2gib", 0, 2 * GiB},
    {"2GB", 0, 2 * GiB},
    {"2Gb", 0, 2 * GiB},
    {"1536K", 0, 1536 * KiB},
    {"100B", 0, 100},
    {"max", 0, UINT64_MAX},
    {"18446744073709551614", 0, UINT64_MAX - 1},
    {"16777215T", 0, UINT64_C(16777215) * TiB},
    /* malformed */
    {"", -EINVAL, 0},
    {"M", -EINVAL, 0},
    {"-1", -EINVAL, 0},
    {"-1M", -EINVAL, 0},
    {"+1", -EINVAL, 0},
    {" 1", -EINVAL, 0},
    {"1 ", -EINVAL, 0},
    {"1 M", -EINVAL, 0},
    {"1\tM", -EINVAL, 0},
    {"0x10", -EINVAL, 0},
    {"0X10", -EINVAL, 0},
    {"1.5G", -EINVAL, 0},
    {"1Q", -EINVAL, 0},
    {"1MM", -EINVAL, 0},
    {"1Mi", -EINVAL, 0},
    {"1iB", -EINVAL, 0},
    {"1MBB", -EINVAL, 0},
    {"1E", -EINVAL, 0},
    {"1P", -EINVAL, 0},
    {"MAX", -EINVAL, 0},
    {"max ", -EINVAL, 0},
    {"maximum", -EINVAL, 0},
    {"12abc", -EINVAL, 0},
    {"99999999999999999999Q", -EINVAL, 0},
    /* too large */
    {"18446744073709551615", -ERANGE, 0}, /* UINT64_MAX is reserved for "max" */
    {"18446744073709551616", -ERANGE, 0},
    {"99999999999999999999", -ERANGE, 0},
    {"16777216T", -ERANGE, 0},
    {"17179869184G", -ERANGE, 0},
    {"99999999999999999999K", -ERANGE, 0},
};

static const struct {
	const char *in;
	int r;
	unsigned v;
} percents[] = {
    {"1%", 0, 1},	  {"50%", 0, 50},	   {"100%", 0, 100},
    {"250%", 0, 250},	  {"100000%", 0, 100000},  {"050%", 0, 50},
    {"0%", -ERANGE, 0},	  {"100001%", -ERANGE, 0}, {"99999999999999999999%", -ERANGE, 0},
    {"", -EINVAL, 0},	  {"%", -EINVAL, 0},	   {"50", -EINVAL, 0},
    {"50 %", -EINVAL, 0}, {" 50%", -EINVAL, 0},	   {"-5%", -EINVAL, 0},
    {"+5%", -EINVAL, 0},  {"5.5%", -EINVAL, 0},	   {"50%%", -EINVAL, 0},
    {"50%x", -EINVAL, 0}, {"max", -EINVAL, 0},
};

static const struct {
	uint64_t v;
	const char *out;
} formats[] = {
    {0, "0"},
    {1, "1"},
    {1000, "1000"},
    {1023, "1023"},
    {KiB, "1K"},
    {1536 * KiB, "1536K"},
    {64 * MiB, "64M"},
    {512 * MiB, "512M"},
    {1536 * MiB, "1536M"},
    {2 * GiB, "2G"},
    {4 * TiB, "4T"},
    {1024 * TiB, "1024T"},
    {GiB + 1, "1073741825"},
    {UINT64_MAX, "max"},
    {UINT64_MAX - 1, "18446744073709551614"},
};

static const struct {
	const char *in;
	int r;
	uint64_t v;
} durations[] = {
    /* one case a line */
    /* clang-format off */
    {"90s", 0, 90},
    {"90", 0, 90},
    {"30m", 0, 1800},
    {"2h", 0, 7200},
    {"1d", 0, 86400},
    {"1h30m", 0, 5400},
    {"1h30m15s", 0, 5415},
    {"max", 0, 0},
    {"365d", 0, 365 * 86400},
    {"366d", -ERANGE, 0},
    {"0s", -ERANGE, 0},
    {"0", -ERANGE, 0},
    {"", -EINVAL, 0},
    {"h", -EINVAL, 0},
    {"2 h", -EINVAL, 0},
    {"2H", -EINVAL, 0},
    {"2w", -EINVAL, 0},
    {"-1s", -EINVAL, 0},
    {"1h30", -EINVAL, 0},
    {"99999999999999999999s", -ERANGE, 0},
    /* clang-format on */
};

int main(void)
{
	char buf[32];

	for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
		uint64_t v = 0xdeadbeef;
		int r = parse_size(sizes[i].in, &v);

		is_int(r, sizes[i].r, "parse_size(\"%s\") returns %d", sizes[i].in, sizes[i].r);
		if (sizes[i].r == 0)
			ok(v == sizes[i].v, "parse_size(\"%s\") = %" PRIu64 " (got %" PRIu64 ")",
			   sizes[i].in, sizes[i].v, v);
		else
			ok(v == 0xdeadbeef, "parse_size(\"%s\") leaves the result alone on error",
			   sizes[i].in);
	}

	for (size_t i = 0; i < ELEMENTSOF(percents); i++) {
		unsigned v = 4242;
		int r = parse_percent(percents[i].in, &v);

		is_int(r, percents[i].r, "parse_percent(\"%s\") returns %d", percents[i].in,
		       percents[i].r);
		is_int(v, percents[i].r == 0 ? percents[i].v : 4242, "parse_percent(\"%s\") value",
		       percents[i].in);
	}

	for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
		uint64_t back = 0;

		is_str(format_size(formats[i].v, buf, sizeof(buf)), formats[i].out,
		       "format_size(%" PRIu64 ")", formats[i].v);
		/* What format_size prints, parse_size reads back. */
		ok(parse_size(buf, &back) == 0 && back == formats[i].v,
		   "parse_size(format_size(%" PRIu64 ")) round-trips", formats[i].v);
	}

	for (size_t i = 0; i < ELEMENTSOF(durations); i++) {
		uint64_t v = 4242;
		int r = parse_duration(durations[i].in, &v);

		is_int(r, durations[i].r, "parse_duration(\"%s\") returns %d", durations[i].in,
		       durations[i].r);
		ok(v == (durations[i].r == 0 ? durations[i].v : 4242),
		   "parse_duration(\"%s\") value %" PRIu64, durations[i].in, v);
		if (r == 0) {
			uint64_t back = 4242;
			format_duration(v, buf, sizeof(buf));
			ok(parse_duration(buf, &back) == 0 && back == v,
			   "parse_duration(format_duration(%" PRIu64 ") = \"%s\") round-trips", v,
			   buf);
		}
	}
	is_str(format_duration(5415, buf, sizeof(buf)), "1h30m15s", "format_duration(5415)");

	/* A short buffer is truncated, still terminated, and returned. */
	ok(format_size(512 * MiB, buf, 3) == buf, "format_size returns its buffer");
	is_str(buf, "51", "format_size truncates to the buffer");

	is_int(parse_size(NULL, &(uint64_t){0}), -EINVAL, "parse_size(NULL) is -EINVAL");
	is_int(parse_percent(NULL, &(unsigned){0}), -EINVAL, "parse_percent(NULL) is -EINVAL");

	return tap_done();
}
