/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The text of confinectl list/status/kill (ops-format.h). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "ops-format.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if s does not start one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p == '\b')
			fputs("\\b", f);
		else if (*p == '\f')
			fputs("\\f", f);
		else if (*p < 0x20 || *p == 0x7f || n == 0)
			fprintf(f, "\\u%04x", *p);
		else {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

void prom_label_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (n == 0)
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
		else {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

void json_figure(FILE *f, unsigned long long v)
{
	if (v == OPS_NONE || v == OPS_MAX)
		fputs("null", f);
	else
		fprintf(f, "%llu", v);
}

const char *ops_size(unsigned long long v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	double d;
	int i = 0;

	if (v == OPS_NONE || v == OPS_MAX) {
		snprintf(buf, len, "%s", v == OPS_NONE ? "-" : "max");
		return buf;
	}
	if (v < 1024) {
		snprintf(buf, len, "%lluB", v);
		return buf;
	}
	d = (double)v / 1024;
	while (d >= 1024 && i < 3) {
		d /= 1024;
		i++;
	}
	/* Whole units without a decimal ("512M"), else one decimal ("12.5M"). */
	if (v % (1ULL << (10 * (i + 1))) == 0)
		snprintf(buf, len, "%.0f%c", d, units[i]);
	else
		snprintf(buf, len, "%.1f%c", d, units[i]);
	return buf;
}

const char *ops_count(unsigned long long v, char *buf, size_t len)
{
	if (v == OPS_NONE || v == OPS_MAX)
		snprintf(buf, len, "%s", v == OPS_NONE ? "-" : "max");
	else
		snprintf(buf, len, "%llu", v);
	return buf;
}

const char *ops_age(unsigned long long secs, char *buf, size_t len)
{
	if (secs == 0)
		snprintf(buf, len, "0s");
	else
		format_duration(secs, buf, (unsigned)len);
	return buf;
}

const char *ops_cell(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (*p && i + 1 < len) {
		size_t n = utf8_len(p);
		/* C0, DEL, C1 (U+0080..U+009F: 8-bit CSI and friends) and bytes that are not
		 * UTF-8 (a raw 0x9b is CSI to an 8-bit terminal) become '?'. */
		if (n == 0 || *p < 0x20 || *p == 0x7f || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			buf[i++] = '?';
			p += n ? n : 1;
			continue;
		}
		if (i + n >= len)
			break; /* never half a character */
		memcpy(buf + i, p, n);
		i += n;
		p += n;
	}
	buf[i] = '\0';
	return buf;
}

/* A plain decimal number (no sign, no space) ending at end or '\n'. 0 or -EINVAL. */
static int parse_number(const char *s, unsigned long long *ret)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*ret = strtoull(s, &end, 10);
	if (errno || (*end && *end != '\n') || *ret >= OPS_MAX)
		return -EINVAL;
	return 0;
}

int ops_parse_limit(const char *text, unsigned long long *ret)
{
	if (strcmp(text, "max") == 0 || strcmp(text, "max\n") == 0) {
		*ret = OPS_MAX;
		return 0;
	}
	return parse_number(text, ret);
}

int ops_kv_get(const char *text, const char *key, unsigned long long *ret)
{
	size_t k = strlen(key);

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		if (strncmp(line, key, k) == 0 && line[k] == ' ') {
			char num[32];
			size_t n = strcspn(line + k + 1, "\n");
			if (n == 0 || n >= sizeof(num))
				return -EINVAL;
			memcpy(num, line + k + 1, n);
			num[n] = '\0';
			return parse_number(num, ret);
		}
	}
	return -ENOENT;
}

/* The number after "key=" in the io.stat line at line; adds it to *sum. 0 or -EINVAL. */
static int io_field(const char *line, size_t len, const char *key, unsigned long long *sum)
{
	size_t k = strlen(key);
	char num[32];

	for (const char *p = line; p && p < line + len;
	     p = memchr(p, ' ', line + len - p), p += !!p) {
		if (strncmp(p, key, k) != 0)
			continue;
		size_t n = strcspn(p + k, " \n");
		unsigned long long v;
		if (n == 0 || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, p + k, n);
		num[n] = '\0';
		if (parse_number(num, &v) < 0)
			return -EINVAL;
		*sum += v;
		return 0;
	}
	return 0; /* (a device without the key counts 0) */
}

int ops_io_stat(const char *text, unsigned long long *rbytes, unsigned long long *wbytes)
{
	*rbytes = *wbytes = 0;
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		if (len &&
		    (!strchr("0123456789", line[0]) || io_field(line, len, "rbytes=", rbytes) < 0 ||
		     io_field(line, len, "wbytes=", wbytes) < 0))
			return -EINVAL;
		line += len + (line[len] == '\n');
	}
	return 0;
}

int ops_parse_signal(const char *s)
{
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	unsigned long long n;

	if (parse_number(s, &n) == 0)
		return n >= 1 && n <= 64 ? (int)n : -EINVAL;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && *name && strcasecmp(name, abbrev) == 0)
			return sig;
	}
	return -EINVAL;
}
