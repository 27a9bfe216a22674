/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine.conf loader, the pre-scan of the text before libconfig parses it: @include names
 * (plain names in the main file's directory, each file checked and scanned in turn) and
 * integer literals libconfig 1.5 would silently truncate.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "config-internal.h"
#include "util.h"

static bool plain_file_name(const char *s)
{
	if (!*s || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/*
 * p points at "@include" at the start of a line (libconfig: ^[ \t]*@include[ \t]+").
 * Checks the name, the file and, recursively, the file's own text. *end: after the name.
 */
static int scan_include(struct loader *ld, const char *p, const char *path, unsigned line,
			unsigned depth, const char **end)
{
	_cleanup_free_ char *name = NULL, *ipath = NULL, *text = NULL;
	const char *q = p + strlen("@include");
	size_t n;
	int r;

	n = strspn(q, " \t");
	if (n == 0 || q[n] != '"') {
		return set_err(ld, -EINVAL, "%s:%u: malformed @include: expected @include \"NAME\"",
			       path, line);
	}
	q += n + 1;
	n = strcspn(q, "\"\n");
	if (q[n] != '"') {
		return set_err(ld, -EINVAL, "%s:%u: malformed @include: expected @include \"NAME\"",
			       path, line);
	}
	name = strndup(q, n);
	if (!name) {
		return set_err(ld, -ENOMEM, "%s: out of memory", path);
	}
	*end = q + n + 1;
	if (!plain_file_name(name)) {
		return set_err(
		    ld, -EINVAL,
		    "%s:%u: @include \"%s\": must be a plain file name (no '/' or \"..\") in the "
		    "directory of the main file",
		    path, line, name);
	}
	if (depth >= CONFIG_MAX_INCLUDES) {
		return set_err(ld, -ELOOP,
			       "%s:%u: @include \"%s\": includes nested too deeply (limit %d)",
			       path, line, name, CONFIG_MAX_INCLUDES);
	}
	ipath = include_path(ld, name);
	if (!ipath) {
		return set_err(ld, -ENOMEM, "%s: out of memory", path);
	}
	r = read_config_file(ld, ipath, &text);
	if (r < 0)
		return r;
	return scan_text(ld, text, ipath, depth + 1, NULL); /* libconfig reads it itself */
}

/* Integers libconfig 1.5 would silently truncate: unsuffixed beyond 32 bits, or beyond 64. */
static int scan_number(struct loader *ld, const char *tok, size_t len, const char *path,
		       unsigned line)
{
	char buf[64];
	const char *digits;
	bool hex, wide;
	size_t suffix = 0;
	long long v;

	if (len >= sizeof(buf)) {
		/* Far too long for an integer: if it is spelled like one, it is out of range. */
		size_t sign = tok[0] == '-' || tok[0] == '+';

		if (strspn(tok + sign, "0123456789L") == len - sign ||
		    (len > sign + 2 && tok[sign] == '0' && (tok[sign + 1] | 0x20) == 'x' &&
		     strspn(tok + sign + 2, "0123456789abcdefABCDEFL") == len - sign - 2))
			goto bad;
		return 0;
	}
	memcpy(buf, tok, len);
	buf[len] = '\0';

	while (suffix < 2 && suffix < len && buf[len - 1 - suffix] == 'L')
		suffix++;
	wide = suffix > 0;
	buf[len - suffix] = '\0';

	digits = buf + (buf[0] == '-' || buf[0] == '+');
	hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	if (hex) {
		unsigned long long u;

		if (digits != buf || !digits[2] ||
		    strspn(digits + 2, "0123456789abcdefABCDEF") != strlen(digits + 2))
			return 0; /* not a libconfig hex literal: its parser will judge */
		errno = 0;
		u = strtoull(digits + 2, NULL, 16);
		if (errno == ERANGE || u > (wide ? (unsigned long long)INT64_MAX : INT32_MAX))
			goto bad;
		return 0;
	}
	if (!digits[0] || strspn(digits, "0123456789") != strlen(digits))
		return 0; /* a float or junk: not ours */
	errno = 0;
	v = strtoll(buf, NULL, 10);
	if (errno == ERANGE || (!wide && (v < INT32_MIN || v > INT32_MAX)))
		goto bad;
	return 0;
bad:
	return set_err(
	    ld, -EINVAL,
	    "%s:%u: integer %.*s is out of range (write large sizes as strings like \"4G\")", path,
	    line, (int)(len > 40 ? 40 : len), tok);
}

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * A small lexer following libconfig 1.5's scanner states (comments, strings, names,
 * numbers), so that @include lines are seen exactly where libconfig would act on them.
 */
int scan_text(struct loader *ld, const char *text, const char *path, unsigned depth, char *out)
{
	const char *p = text, *kept = text; /* out has text up to kept */
	unsigned line = 1;
	bool bol = true;
	int r;

	/* text is never NULL: read_config_file() sets it whenever it returns 0 (the analyzer
	 * cannot see that negerrno() is always negative). */
	while (*p) { // NOLINT(clang-analyzer-core.NullDereference)
		if (bol) {
			const char *q = p + strspn(p, " \t");

			bol = false;
			if (strncmp(q, "@include", strlen("@include")) == 0) {
				r = scan_include(ld, q, path, line, depth, &p);
				if (r < 0)
					return r;
				continue;
			}
		}
		if (*p == '\n') {
			line++;
			bol = true;
			p++;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (*p == '\n')
					line++;
			}
			if (*p)
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p == '\n')
					line++;
			if (*p)
				p += 2;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			size_t n = strcspn(p, "\n");

			/* libconfig's comment is (#|//).*$: without a newline after it (the
			 * last line) it is garbage to libconfig, and stays for it to say so. */
			if (out && p[n] == '\n') {
				memcpy(out, kept, (size_t)(p - kept));
				out += p - kept;
				kept = p + n;
			}
			p += n;
		} else if (name_start(*p)) {
			while (name_char(*p))
				p++;
		} else if (is_digit(*p) ||
			   ((*p == '-' || *p == '+' || *p == '.') && is_digit(p[1]))) {
			const char *tok = p++;

			while (is_digit(*p) || name_start(*p) || *p == '.' ||
			       ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
				p++;
			r = scan_number(ld, tok, (size_t)(p - tok), path, line);
			if (r < 0)
				return r;
		} else {
			p++;
		}
	}
	if (out)
		memcpy(out, kept, strlen(kept) + 1);
	return 0;
}
