/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine.conf loader: reads the file through one checked fd, pre-scans the text
 * (@include names, integer literals libconfig 1.5 would silently truncate), parses it
 * with libconfig and validates every setting into a struct confine_config.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "config.h"
#include "units.h"
#include "util.h"

#define CONFIG_MAX_BYTES    (1024 * 1024)
#define CONFIG_MAX_INCLUDES 10 /* nesting depth, as libconfig's own limit */
#define PROFILE_NAME_MAX    32
#define HOSTNAME_MAX	    64
#define SIZE_MIN_BYTES	    (UINT64_C(1) << 20)
#define CPU_WEIGHT_MAX	    10000
#define UID_LIMIT	    ((uint64_t)UINT32_MAX - 1) /* (uid_t)-1 is never a uid */
#define KEY_PATH_MAX	    256
#define CPUS_MAX	    8192
#define MAX_SESSIONS_LIMIT  10000
#define SERVICE_NAME_MAX    64

#define DEFAULT_CGROUP_ROOT "/sys/fs/cgroup/confine"
#define DEFAULT_STATE_DIR   "/var/lib/confine"
#define DEFAULT_HOSTNAME    "confine"
#define DEFAULT_SHELL	    "/bin/bash"

struct loader {
	const char *path; /* main file, as given */
	char *dir;	  /* its directory: where @include names are resolved */
	unsigned flags;
	char *err;
	size_t errlen;
	config_t cfg;
	bool cfg_init;
};

static void __attribute__((format(printf, 2, 3))) set_err(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (!ld->err || ld->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
}

/* "dir/name", the way libconfig builds the path of an included file. */
static char *include_path(const struct loader *ld, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", ld->dir, name) < 0)
		return NULL;
	return p;
}

/* ---- reading files ------------------------------------------------------------------- */

static int check_fd(struct loader *ld, int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int r = negerrno();

		set_err(ld, "%s: cannot stat: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(ld, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (!(ld->flags & CONFIG_CHECK_OWNER))
		return 0;
	if (st.st_uid != 0) {
		set_err(ld, "%s: must be owned by root (owner is uid %u)", path,
			(unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		set_err(ld, "%s: must not be writable by group or others (mode %04o)", path,
			(unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Opens path (not following a final symlink when checking owners), checks it, reads it whole. */
static int read_config_file(struct loader *ld, const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 0;
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int r;

	if (ld->flags & CONFIG_CHECK_OWNER)
		oflags |= O_NOFOLLOW;
	fd = open(path, oflags);
	if (fd < 0) {
		struct stat st;

		r = negerrno();
		if (r == -ELOOP && (ld->flags & CONFIG_CHECK_OWNER) && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			set_err(ld, "%s: is a symbolic link; refusing to follow it", path);
		else
			set_err(ld, "%s: cannot open: %s", path, strerror(-r));
		return r;
	}
	r = check_fd(ld, fd, path);
	if (r < 0)
		return r;

	for (;;) {
		ssize_t n;

		if (len + 1 >= size) {
			size_t nsize = size ? size * 2 : 4096;
			char *nbuf;

			if (nsize > CONFIG_MAX_BYTES + 1)
				nsize = CONFIG_MAX_BYTES + 1;
			if (nsize <= len + 1) {
				set_err(ld, "%s: too large (more than %d bytes)", path,
					CONFIG_MAX_BYTES);
				return -EFBIG;
			}
			nbuf = realloc(buf, nsize);
			if (!nbuf) {
				set_err(ld, "%s: out of memory", path);
				return -ENOMEM;
			}
			buf = nbuf;
			size = nsize;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = negerrno();
			set_err(ld, "%s: cannot read: %s", path, strerror(-r));
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		set_err(ld, "%s: contains a NUL byte", path);
		return -EINVAL;
	}
	*ret = TAKE_PTR(buf);
	return 0;
}

/* ---- pre-scan ------------------------------------------------------------------------ */

static int scan_text(struct loader *ld, const char *text, const char *path, unsigned depth);

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
		set_err(ld, "%s:%u: malformed @include: expected @include \"NAME\"", path, line);
		return -EINVAL;
	}
	q += n + 1;
	n = strcspn(q, "\"\n");
	if (q[n] != '"') {
		set_err(ld, "%s:%u: malformed @include: expected @include \"NAME\"", path, line);
		return -EINVAL;
	}
	name = strndup(q, n);
	if (!name) {
		set_err(ld, "%s: out of memory", path);
		return -ENOMEM;
	}
	*end = q + n + 1;
	if (!plain_file_name(name)) {
		set_err(
		    ld,
		    "%s:%u: @include \"%s\": must be a plain file name (no '/' or \"..\") in the "
		    "directory of the main file",
		    path, line, name);
		return -EINVAL;
	}
	if (depth >= CONFIG_MAX_INCLUDES) {
		set_err(ld, "%s:%u: @include \"%s\": includes nested too deeply (limit %d)", path,
			line, name, CONFIG_MAX_INCLUDES);
		return -ELOOP;
	}
	ipath = include_path(ld, name);
	if (!ipath) {
		set_err(ld, "%s: out of memory", path);
		return -ENOMEM;
	}
	r = read_config_file(ld, ipath, &text);
	if (r < 0)
		return r;
	return scan_text(ld, text, ipath, depth + 1);
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
	set_err(ld,
		"%s:%u: integer %.*s is out of range (write large sizes as strings like \"4G\")",
		path, line, (int)(len > 40 ? 40 : len), tok);
	return -EINVAL;
}

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A small lexer following libconfig 1.5's scanner states (comments, strings, names,
 * numbers), so that @include lines are seen exactly where libconfig would act on them.
 */
static int scan_text(struct loader *ld, const char *text, const char *path, unsigned depth)
{
	const char *p = text;
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
			p += strcspn(p, "\n");
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
	return 0;
}

/* ---- messages about settings ---------------------------------------------------------- */

/* Dotted libconfig path of a setting: "profiles.guest.memory_max", "rules.[0].profile". */
static void key_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *chain[16];
	unsigned n = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (; s && !config_setting_is_root(s) && n < ELEMENTSOF(chain);
	     s = config_setting_parent(s))
		chain[n++] = s;
	while (n-- > 0 && off < len) {
		const char *name = config_setting_name(chain[n]);
		const char *dot = off ? "." : "";
		int w;

		if (name)
			w = snprintf(buf + off, len - off, "%s%s", dot, name);
		else
			w = snprintf(buf + off, len - off, "%s[%d]", dot,
				     config_setting_index(chain[n]));
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static void __attribute__((format(printf, 3, 4)))
key_err(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	_cleanup_free_ char *ipath = NULL;
	const char *file = config_setting_source_file(s);
	char key[KEY_PATH_MAX], msg[512];
	va_list ap;

	if (file)
		file = ipath = include_path(ld, file);
	if (!file)
		file = ld->path;
	key_path(s, key, sizeof(key));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_err(ld, "%s:%u: key '%s': %s", file, (unsigned)config_setting_source_line(s), key, msg);
}

/* ---- value readers --------------------------------------------------------------------- */

enum size_kind {
	SIZE_MIN_1M,   /* home_size, tmp_size: at least 1M, no "max" */
	SIZE_MEM,      /* memory_max, memory_high: at least 1M or "max" */
	SIZE_MEM_ZERO, /* memory_swap_max: any size (0 = no swap) or "max" */
};

static int get_size(struct loader *ld, const config_setting_t *s, enum size_kind kind,
		    uint64_t *ret)
{
	const char *expected = kind == SIZE_MIN_1M ? "expected a size like \"256M\""
						   : "expected a size like \"512M\" or \"max\"";
	uint64_t v;
	int r;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: {
		long long i = config_setting_get_int64(s);

		if (i < 0)
			goto too_small;
		v = (uint64_t)i;
		break;
	}
	case CONFIG_TYPE_STRING: {
		const char *str = config_setting_get_string(s);

		r = parse_size(str, &v);
		if (r == -ERANGE) {
			key_err(ld, s, "size \"%s\" is too large", str);
			return -EINVAL;
		}
		if (r < 0) {
			key_err(
			    ld, s,
			    "invalid size \"%s\": expected digits with an optional K, M, G or T "
			    "suffix%s",
			    str, kind == SIZE_MIN_1M ? "" : ", or \"max\"");
			return -EINVAL;
		}
		if (v == UNIT_MAX && kind == SIZE_MIN_1M) {
			key_err(ld, s, "\"max\" is not allowed here: %s", expected);
			return -EINVAL;
		}
		break;
	}
	default:
		key_err(ld, s, "%s", expected);
		return -EINVAL;
	}

	if (kind != SIZE_MEM_ZERO && v < SIZE_MIN_BYTES)
		goto too_small;
	*ret = v;
	return 0;
too_small:
	key_err(ld, s, "%s",
		kind == SIZE_MIN_1M ? "must be at least 1M"
		: kind == SIZE_MEM  ? "must be at least 1M or \"max\""
				    : "must not be negative");
	return -EINVAL;
}

static int get_percent(struct loader *ld, const config_setting_t *s, unsigned *ret)
{
	const char *str;
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		key_err(ld, s, "expected a percentage like \"50%%\" or \"max\"");
		return -EINVAL;
	}
	str = config_setting_get_string(s);
	if (streq(str, "max")) {
		*ret = 0;
		return 0;
	}
	r = parse_percent(str, ret);
	if (r == -ERANGE) {
		key_err(ld, s, "percentage \"%s\" is out of range: must be 1%% to 100000%%", str);
		return -EINVAL;
	}
	if (r < 0) {
		key_err(ld, s,
			"invalid percentage \"%s\": expected a whole number and '%%', like "
			"\"50%%\", or \"max\"",
			str);
		return -EINVAL;
	}
	return 0;
}

static int get_int(struct loader *ld, const config_setting_t *s, long long *ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return -EINVAL;
	*ret = config_setting_get_int64(s);
	(void)ld;
	return 0;
}

static int get_weight(struct loader *ld, const config_setting_t *s, unsigned *ret)
{
	long long v;

	if (get_int(ld, s, &v) < 0) {
		key_err(ld, s, "expected an integer 1..%d", CPU_WEIGHT_MAX);
		return -EINVAL;
	}
	if (v < 1 || v > CPU_WEIGHT_MAX) {
		key_err(ld, s, "must be between 1 and %d", CPU_WEIGHT_MAX);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

/* A count of at least 1, or "max" (UNIT_MAX). */
static int get_count(struct loader *ld, const config_setting_t *s, uint64_t *ret)
{
	long long v;

	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    streq(config_setting_get_string(s), "max")) {
		*ret = UNIT_MAX;
		return 0;
	}
	if (get_int(ld, s, &v) < 0) {
		key_err(ld, s, "expected an integer or \"max\"");
		return -EINVAL;
	}
	if (v < 1) {
		key_err(ld, s, "must be at least 1");
		return -EINVAL;
	}
	*ret = (uint64_t)v;
	return 0;
}

/* A string out of a fixed set; returns its index. */
static int get_choice(struct loader *ld, const config_setting_t *s, const char *const *choices,
		      const char *expected, int *ret)
{
	const char *str;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		key_err(ld, s, "expected %s", expected);
		return -EINVAL;
	}
	str = config_setting_get_string(s);
	for (int i = 0; choices[i]; i++)
		if (streq(str, choices[i])) {
			*ret = i;
			return 0;
		}
	key_err(ld, s, "invalid value \"%s\": expected %s", str, expected);
	return -EINVAL;
}

static int get_bool(struct loader *ld, const config_setting_t *s, bool *ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		key_err(ld, s, "expected true or false");
		return -EINVAL;
	}
	*ret = config_setting_get_bool(s);
	return 0;
}

static int set_string(struct loader *ld, const config_setting_t *s, const char *v, char **field)
{
	char *dup = strdup(v);

	if (!dup) {
		key_err(ld, s, "out of memory");
		return -ENOMEM;
	}
	free(*field);
	*field = dup;
	return 0;
}

static int get_string(struct loader *ld, const config_setting_t *s, const char *expected,
		      const char **ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		key_err(ld, s, "expected %s", expected);
		return -EINVAL;
	}
	*ret = config_setting_get_string(s);
	return 0;
}

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > HOSTNAME_MAX || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || is_digit(*s) ||
		      *s == '-' || *s == '.'))
			return false;
	return true;
}

/* Absolute, no ".." component, no whitespace or control characters. */
static bool valid_abs_path(const char *s)
{
	if (s[0] != '/')
		return false;
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
		if (p[0] == '.' && p[1] == '.' && p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return false;
	}
	return true;
}

static int get_path(struct loader *ld, const config_setting_t *s, char **field)
{
	const char *str;

	if (get_string(ld, s, "an absolute path string", &str) < 0)
		return -EINVAL;
	if (!valid_abs_path(str)) {
		key_err(ld, s,
			"invalid path \"%s\": must be absolute, without \"..\" or whitespace", str);
		return -EINVAL;
	}
	return set_string(ld, s, str, field);
}

static int get_duration(struct loader *ld, const config_setting_t *s, bool allow_max,
			uint64_t *ret)
{
	const char *str;
	uint64_t v;
	int r;

	if (get_string(ld, s, "a duration like \"2h\" or \"90m\"", &str) < 0)
		return -EINVAL;
	r = parse_duration(str, &v);
	if (r == -ERANGE) {
		key_err(ld, s, "duration \"%s\" is out of range: must be 1s to 365d", str);
		return -EINVAL;
	}
	if (r < 0 || (v == 0 && !allow_max)) {
		key_err(ld, s,
			"invalid duration \"%s\": expected numbers with units s, m, h or d, like "
			"\"2h\" or \"1h30m\"%s",
			str, allow_max ? ", or \"max\"" : "");
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* "0-3,6": CPU numbers and ranges, as cpuset.cpus takes them. */
static bool valid_cpu_list(const char *s)
{
	if (!*s || strlen(s) > 256)
		return false;
	while (*s) {
		unsigned long a, b;
		char *end;

		if (!is_digit(*s))
			return false;
		a = b = strtoul(s, &end, 10);
		if (*end == '-') {
			if (!is_digit(end[1]))
				return false;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= CPUS_MAX)
			return false;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return false;
		s = end;
	}
	return true;
}

/* ---- profiles -------------------------------------------------------------------------- */

static const char *const home_names[] = {"ephemeral", "persistent", "tmpfs", NULL};
static const char *const net_names[] = {"none", "host", NULL};
static const char *const limits_names[] = {"required", "optional", NULL};
static const char *const backend_names[] = {"auto", "systemd", "cgroupfs", NULL};

static int profile_init(struct confine_profile *p, const char *name)
{
	*p = (struct confine_profile){
	    .home = HOME_EPHEMERAL,
	    .home_size = UINT64_C(256) << 20,
	    .tmp_size = UINT64_C(64) << 20,
	    .memory_max = UNIT_MAX,
	    .memory_high = UNIT_MAX,
	    .memory_swap_max = UNIT_MAX,
	    .pids_max = UNIT_MAX,
	    .net = NET_NONE,
	    .memory_oom_group = true,
	    .io_read_bps = UNIT_MAX,
	    .io_write_bps = UNIT_MAX,
	    .io_read_iops = UNIT_MAX,
	    .io_write_iops = UNIT_MAX,
	    .user_memory_max = UNIT_MAX,
	    .user_pids_max = UNIT_MAX,
	    .max_duration_grace = 30,
	};
	static const char *const default_services[] = {CONFINE_DEFAULT_SERVICES};

	p->name = strdup(name);
	p->hostname = strdup(DEFAULT_HOSTNAME);
	p->shell = strdup(DEFAULT_SHELL);
	p->services = calloc(ELEMENTSOF(default_services) + 1, sizeof(char *));
	if (!p->name || !p->hostname || !p->shell || !p->services)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(default_services); i++)
		if (!(p->services[i] = strdup(default_services[i])))
			return -ENOMEM;
	return 0;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void profile_done(struct confine_profile *p)
{
	free(p->name);
	free(p->hostname);
	free(p->shell);
	free(p->cpuset_cpus);
	free(p->io_path);
	free_strv(p->services);
}

/* A PAM service name or an fnmatch(3) glob of one: what may name a file in /etc/pam.d. */
static bool valid_service_glob(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= SERVICE_NAME_MAX && s[0] != '.' &&
	       strspn(s,
		      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-*?[]!") ==
		   n;
}

/*
 * services = ["login", "sshd", ...]: an array or list of service names or globs, at least
 * one, each once. Replaces the default list as a whole.
 */
static int get_services(struct loader *ld, const config_setting_t *s, char ***field)
{
	int type = config_setting_type(s), n = config_setting_length(s);
	char **v;

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		key_err(ld, s, "expected a list of PAM service names, like [\"login\", \"sshd\"]");
		return -EINVAL;
	}
	if (n == 0) {
		key_err(ld, s, "must name at least one PAM service, like [\"login\", \"sshd\"]");
		return -EINVAL;
	}
	v = calloc((size_t)n + 1, sizeof(char *));
	if (!v) {
		key_err(ld, s, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *str;

		if (get_string(ld, e, "a PAM service name string", &str) < 0)
			goto fail;
		if (!valid_service_glob(str)) {
			key_err(ld, e,
				"invalid PAM service \"%s\": use 1..%d letters, digits, '.', '_', "
				"'+', '-' and the glob characters '*', '?', '[', ']', '!', not "
				"starting with '.'",
				str, SERVICE_NAME_MAX);
			goto fail;
		}
		for (int j = 0; j < i; j++)
			if (streq(v[j], str)) {
				key_err(ld, e, "PAM service \"%s\" is listed twice", str);
				goto fail;
			}
		if (!(v[i] = strdup(str))) {
			key_err(ld, e, "out of memory");
			free_strv(v);
			return -ENOMEM;
		}
	}
	free_strv(*field);
	*field = v;
	return 0;
fail:
	free_strv(v);
	return -EINVAL;
}


static bool valid_profile_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > PROFILE_NAME_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Profile keys whose value is read by one reader straight into one field. */
enum key_kind {
	KEY_SIZE_MIN_1M,   /* uint64_t, get_size(SIZE_MIN_1M) */
	KEY_SIZE_MEM,	   /* uint64_t, get_size(SIZE_MEM) */
	KEY_SIZE_MEM_ZERO, /* uint64_t, get_size(SIZE_MEM_ZERO) */
	KEY_PERCENT,	   /* unsigned */
	KEY_WEIGHT,	   /* unsigned */
	KEY_COUNT,	   /* uint64_t */
	KEY_BOOL,	   /* bool */
	KEY_PATH,	   /* char * */
	KEY_DURATION,	   /* uint64_t, "max" allowed */
	KEY_DURATION_SET,  /* uint64_t, "max" not allowed */
};

#define PF(field) offsetof(struct confine_profile, field)
static const struct plain_key {
	const char *key;
	enum key_kind kind;
	size_t off;
} plain_keys[] = {
	{"home_size", KEY_SIZE_MIN_1M, PF(home_size)},
	{"tmp_size", KEY_SIZE_MIN_1M, PF(tmp_size)},
	{"memory_max", KEY_SIZE_MEM, PF(memory_max)},
	{"memory_high", KEY_SIZE_MEM, PF(memory_high)},
	{"memory_swap_max", KEY_SIZE_MEM_ZERO, PF(memory_swap_max)},
	{"cpu_quota", KEY_PERCENT, PF(cpu_quota)},
	{"cpu_weight", KEY_WEIGHT, PF(cpu_weight)},
	{"pids_max", KEY_COUNT, PF(pids_max)},
	{"user_ns", KEY_BOOL, PF(user_ns)},
	{"shell", KEY_PATH, PF(shell)},
	{"memory_oom_group", KEY_BOOL, PF(memory_oom_group)},
	{"io_path", KEY_PATH, PF(io_path)},
	{"io_read_bps", KEY_SIZE_MEM, PF(io_read_bps)},
	{"io_write_bps", KEY_SIZE_MEM, PF(io_write_bps)},
	{"io_read_iops", KEY_COUNT, PF(io_read_iops)},
	{"io_write_iops", KEY_COUNT, PF(io_write_iops)},
	{"io_weight", KEY_WEIGHT, PF(io_weight)},
	{"user_memory_max", KEY_SIZE_MEM, PF(user_memory_max)},
	{"user_cpu_quota", KEY_PERCENT, PF(user_cpu_quota)},
	{"user_pids_max", KEY_COUNT, PF(user_pids_max)},
	{"max_duration", KEY_DURATION, PF(max_duration)},
	{"max_duration_grace", KEY_DURATION_SET, PF(max_duration_grace)},
};
#undef PF

static int plain_key(struct loader *ld, const config_setting_t *s, const struct plain_key *k,
		     struct confine_profile *p)
{
	void *f = (char *)p + k->off;

	switch (k->kind) {
	case KEY_SIZE_MIN_1M:
		return get_size(ld, s, SIZE_MIN_1M, f);
	case KEY_SIZE_MEM:
		return get_size(ld, s, SIZE_MEM, f);
	case KEY_SIZE_MEM_ZERO:
		return get_size(ld, s, SIZE_MEM_ZERO, f);
	case KEY_PERCENT:
		return get_percent(ld, s, f);
	case KEY_WEIGHT:
		return get_weight(ld, s, f);
	case KEY_COUNT:
		return get_count(ld, s, f);
	case KEY_BOOL:
		return get_bool(ld, s, f);
	case KEY_PATH:
		return get_path(ld, s, f);
	case KEY_DURATION:
		return get_duration(ld, s, true, f);
	case KEY_DURATION_SET:
		return get_duration(ld, s, false, f);
	}
	return -EINVAL;
}

static int profile_key(struct loader *ld, const config_setting_t *s, struct confine_profile *p)
{
	const char *key = config_setting_name(s);
	int r, choice;

	for (size_t i = 0; i < ELEMENTSOF(plain_keys); i++)
		if (streq(key, plain_keys[i].key))
			return plain_key(ld, s, &plain_keys[i], p);
	if (streq(key, "home")) {
		r = get_choice(ld, s, home_names, "\"ephemeral\", \"persistent\" or \"tmpfs\"",
			       &choice);
		if (r == 0)
			p->home = (enum home_mode)choice;
		return r;
	}
	if (streq(key, "net")) {
		r = get_choice(ld, s, net_names, "\"none\" or \"host\"", &choice);
		if (r == 0)
			p->net = (enum net_mode)choice;
		return r;
	}
	if (streq(key, "hostname")) {
		const char *str;

		if (get_string(ld, s, "a host name string", &str) < 0)
			return -EINVAL;
		if (!valid_hostname(str)) {
			key_err(ld, s,
				"invalid hostname \"%s\": use 1..%d letters, digits, '-' and '.', "
				"not starting with '-'",
				str, HOSTNAME_MAX);
			return -EINVAL;
		}
		return set_string(ld, s, str, &p->hostname);
	}
	if (streq(key, "cpuset_cpus")) {
		const char *str;

		if (get_string(ld, s, "a CPU list string like \"0-3,6\"", &str) < 0)
			return -EINVAL;
		if (!valid_cpu_list(str)) {
			key_err(ld, s,
				"invalid CPU list \"%s\": expected CPU numbers and ranges below %d, "
				"like \"0-3,6\"",
				str, CPUS_MAX);
			return -EINVAL;
		}
		return set_string(ld, s, str, &p->cpuset_cpus);
	}
	if (streq(key, "max_sessions")) {
		uint64_t v;

		if (get_count(ld, s, &v) < 0)
			return -EINVAL;
		if (v != UNIT_MAX && v > MAX_SESSIONS_LIMIT) {
			key_err(ld, s, "must be at most %d or \"max\"", MAX_SESSIONS_LIMIT);
			return -EINVAL;
		}
		p->max_sessions = v == UNIT_MAX ? 0 : (unsigned)v;
		return 0;
	}
	if (streq(key, "limits")) {
		r = get_choice(ld, s, limits_names, "\"required\" or \"optional\"", &choice);
		if (r == 0)
			p->limits_optional = choice == 1;
		return r;
	}
	if (streq(key, "services"))
		return get_services(ld, s, &p->services);

	key_err(ld, s, "unknown key");
	return -EINVAL;
}

static int load_profiles(struct loader *ld, const config_setting_t *group, struct confine_config *c)
{
	int n = config_setting_length(group);

	if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
		key_err(ld, group,
			"expected a group of profiles, like profiles = { guest = { ... }; };");
		return -EINVAL;
	}
	if (n == 0)
		return 0;
	c->profiles = calloc((size_t)n, sizeof(*c->profiles));
	if (!c->profiles) {
		key_err(ld, group, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *ps = config_setting_get_elem(group, (unsigned)i);
		struct confine_profile *p = &c->profiles[i];
		const char *name = config_setting_name(ps);
		int r;

		if (!valid_profile_name(name)) {
			key_err(ld, ps, "invalid profile name: use 1..%d of a-z, 0-9, '_' and '-'",
				PROFILE_NAME_MAX);
			return -EINVAL;
		}
		if (config_setting_type(ps) != CONFIG_TYPE_GROUP) {
			key_err(ld, ps, "expected a group of settings, like %s = { ... };", name);
			return -EINVAL;
		}
		c->n_profiles++;
		if (profile_init(p, name) < 0) {
			key_err(ld, ps, "out of memory");
			return -ENOMEM;
		}
		for (int k = 0; k < config_setting_length(ps); k++) {
			r = profile_key(ld, config_setting_get_elem(ps, (unsigned)k), p);
			if (r < 0)
				return r;
		}
		/* io limits name a device through io_path; without it they would apply nowhere. */
		if (profile_has_io(p) && !p->io_path) {
			key_err(ld, ps,
				"io limits are set but io_path is not: name a path on the block "
				"device they apply to, like io_path = \"/home\";");
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- rules ----------------------------------------------------------------------------- */

static int get_uid_range(struct loader *ld, const config_setting_t *s, struct confine_rule *rule)
{
	unsigned long long lo, hi;
	const char *str;
	char *end;

	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		long long v = config_setting_get_int64(s);

		if (v < 0 || (uint64_t)v > UID_LIMIT) {
			key_err(ld, s, "uid must be between 0 and %" PRIu64, UID_LIMIT);
			return -EINVAL;
		}
		rule->uid_min = rule->uid_max = (uid_t)v;
		rule->has_uid = true;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		key_err(ld, s, "expected a uid or a range like \"1000-1999\"");
		return -EINVAL;
	}
	str = config_setting_get_string(s);
	if (!is_digit(str[0]))
		goto bad;
	errno = 0;
	lo = strtoull(str, &end, 10);
	if (errno || *end != '-' || !is_digit(end[1]))
		goto bad;
	hi = strtoull(end + 1, &end, 10);
	if (errno || *end || lo > hi || hi > UID_LIMIT)
		goto bad;
	rule->uid_min = (uid_t)lo;
	rule->uid_max = (uid_t)hi;
	rule->has_uid = true;
	return 0;
bad:
	key_err(ld, s,
		"invalid uid range \"%s\": expected \"MIN-MAX\" with 0 <= MIN <= MAX <= %" PRIu64,
		str, UID_LIMIT);
	return -EINVAL;
}

static int rule_key(struct loader *ld, const config_setting_t *s, const struct confine_config *c,
		    struct confine_rule *rule)
{
	static const struct {
		const char *name;
		size_t off;
	} globs[] = {
	    {"user", offsetof(struct confine_rule, user)},
	    {"group", offsetof(struct confine_rule, group)},
	    {"service", offsetof(struct confine_rule, service)},
	    {"rhost", offsetof(struct confine_rule, rhost)},
	    {"tty", offsetof(struct confine_rule, tty)},
	};
	const char *key = config_setting_name(s), *str;

	for (size_t i = 0; i < ELEMENTSOF(globs); i++) {
		if (!streq(key, globs[i].name))
			continue;
		if (get_string(ld, s, "a string", &str) < 0)
			return -EINVAL;
		if (!*str) {
			key_err(ld, s, "must not be empty");
			return -EINVAL;
		}
		return set_string(ld, s, str, (char **)((char *)rule + globs[i].off));
	}
	if (streq(key, "uid"))
		return get_uid_range(ld, s, rule);
	if (streq(key, "profile")) {
		if (get_string(ld, s, "a profile name", &str) < 0)
			return -EINVAL;
		rule->profile = config_find_profile(c, str);
		if (!rule->profile) {
			key_err(ld, s, "unknown profile \"%s\"", str);
			return -EINVAL;
		}
		return 0;
	}
	key_err(ld, s, "unknown key");
	return -EINVAL;
}

static void rule_done(struct confine_rule *r)
{
	free(r->user);
	free(r->group);
	free(r->service);
	free(r->rhost);
	free(r->tty);
}

static int load_rules(struct loader *ld, const config_setting_t *list, struct confine_config *c)
{
	int n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		key_err(ld, list,
			"expected a list of rules, like rules = ( { group = \"confine\"; profile = "
			"\"guest\"; } );");
		return -EINVAL;
	}
	if (n == 0)
		return 0;
	c->rules = calloc((size_t)n, sizeof(*c->rules));
	if (!c->rules) {
		key_err(ld, list, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *rs = config_setting_get_elem(list, (unsigned)i);
		struct confine_rule *rule = &c->rules[i];
		int r;

		if (config_setting_type(rs) != CONFIG_TYPE_GROUP) {
			key_err(
			    ld, rs,
			    "expected a group of settings, like { group = \"confine\"; profile = "
			    "\"guest\"; }");
			return -EINVAL;
		}
		c->n_rules++;
		rule->line = config_setting_source_line(rs);
		for (int k = 0; k < config_setting_length(rs); k++) {
			r = rule_key(ld, config_setting_get_elem(rs, (unsigned)k), c, rule);
			if (r < 0)
				return r;
		}
		if (!rule->profile) {
			key_err(ld, rs, "missing 'profile'");
			return -EINVAL;
		}
		if (!rule->user && !rule->group && !rule->has_uid && !rule->service &&
		    !rule->rhost && !rule->tty) {
			key_err(ld, rs,
				"rule has no criteria: give at least one of user, group, uid, "
				"service, rhost, tty");
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- the whole file -------------------------------------------------------------------- */

static int load_root(struct loader *ld, struct confine_config *c)
{
	const config_setting_t *root = config_root_setting(&ld->cfg), *rules = NULL;
	int r;

	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *key = config_setting_name(s);

		if (streq(key, "cgroup_root"))
			r = get_path(ld, s, &c->cgroup_root);
		else if (streq(key, "state_dir"))
			r = get_path(ld, s, &c->state_dir);
		else if (streq(key, "cgroup_backend")) {
			int choice = 0;
			r = get_choice(ld, s, backend_names,
				       "\"auto\", \"systemd\" or \"cgroupfs\"", &choice);
			c->cgroup_backend = (enum cgroup_backend)choice;
		}
		else if (streq(key, "profiles"))
			r = load_profiles(ld, s, c);
		else if (streq(key, "rules")) {
			rules = s; /* after all profiles are known */
			r = 0;
		} else {
			key_err(ld, s, "unknown key");
			r = -EINVAL;
		}
		if (r < 0)
			return r;
	}
	return rules ? load_rules(ld, rules, c) : 0;
}

static int parse_error(struct loader *ld)
{
	_cleanup_free_ char *ipath = NULL;
	const char *file = config_error_file(&ld->cfg);

	if (file)
		file = ipath = include_path(ld, file);
	if (!file)
		file = ld->path;
	set_err(ld, "%s:%d: syntax error: %s", file, config_error_line(&ld->cfg),
		config_error_text(&ld->cfg) ? config_error_text(&ld->cfg) : "unknown error");
	return -EINVAL;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int config_load(const char *path, unsigned flags, struct confine_config **ret, char *err,
		size_t errlen)
{
	struct loader ld = {.path = path, .flags = flags, .err = err, .errlen = errlen};
	struct confine_config *c = NULL;
	_cleanup_free_ char *text = NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	ld.dir = dir_of(path);
	c = calloc(1, sizeof(*c));
	if (!ld.dir || !c) {
		set_err(&ld, "%s: out of memory", path);
		r = -ENOMEM;
		goto out;
	}
	c->path = strdup(path);
	c->cgroup_root = strdup(DEFAULT_CGROUP_ROOT);
	c->state_dir = strdup(DEFAULT_STATE_DIR);
	if (!c->path || !c->cgroup_root || !c->state_dir) {
		set_err(&ld, "%s: out of memory", path);
		r = -ENOMEM;
		goto out;
	}

	r = read_config_file(&ld, path, &text);
	if (r < 0)
		goto out;
	r = scan_text(&ld, text, path, 0);
	if (r < 0)
		goto out;

	config_init(&ld.cfg);
	ld.cfg_init = true;
	config_set_include_dir(&ld.cfg, ld.dir);
	if (config_read_string(&ld.cfg, text) != CONFIG_TRUE) {
		r = parse_error(&ld);
		goto out;
	}
	r = load_root(&ld, c);
	if (r < 0)
		goto out;

	*ret = TAKE_PTR(c);
	r = 0;
out:
	if (ld.cfg_init)
		config_destroy(&ld.cfg);
	free(ld.dir);
	config_free(c);
	return r;
}

void config_free(struct confine_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n_profiles; i++)
		profile_done(&c->profiles[i]);
	for (unsigned i = 0; i < c->n_rules; i++)
		rule_done(&c->rules[i]);
	free(c->profiles);
	free(c->rules);
	free(c->path);
	free(c->cgroup_root);
	free(c->state_dir);
	free(c);
}

/* ---- lookups --------------------------------------------------------------------------- */

const struct confine_profile *config_find_profile(const struct confine_config *c, const char *name)
{
	if (!c || !name)
		return NULL;
	for (unsigned i = 0; i < c->n_profiles; i++)
		if (streq(c->profiles[i].name, name))
			return &c->profiles[i];
	return NULL;
}

bool profile_allows_service(const struct confine_profile *p, const char *service)
{
	if (!p || !p->services || !service || !*service)
		return false;
	for (char **g = p->services; *g; g++)
		if (fnmatch(*g, service, 0) == 0)
			return true;
	return false;
}

static bool glob_ok(const char *pattern, const char *value)
{
	if (!pattern)
		return true;
	return value && fnmatch(pattern, value, 0) == 0;
}

static bool group_ok(const char *group, const char *const *groups)
{
	if (!group)
		return true;
	if (!groups)
		return false;
	for (; *groups; groups++)
		if (streq(*groups, group))
			return true;
	return false;
}

const struct confine_rule *config_match(const struct confine_config *c,
					const struct match_input *in)
{
	if (!c || !in)
		return NULL;
	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];

		if (glob_ok(r->user, in->user) && group_ok(r->group, in->groups) &&
		    (!r->has_uid || (in->uid >= r->uid_min && in->uid <= r->uid_max)) &&
		    glob_ok(r->service, in->service) && glob_ok(r->rhost, in->rhost) &&
		    glob_ok(r->tty, in->tty))
			return r;
	}
	return NULL;
}

/* ---- printing -------------------------------------------------------------------------- */

/* A count as the config spells it: "max", N, or NL above the 32-bit range. */
static void print_count(FILE *out, const char *key, uint64_t v)
{
	if (v == UNIT_MAX)
		fprintf(out, "%s = \"max\";\n", key);
	else
		fprintf(out, "%s = %" PRIu64 "%s;\n", key, v, v > INT32_MAX ? "L" : "");
}

const char *config_backend_name(enum cgroup_backend b)
{
	return backend_names[b];
}

void config_print_profile(const struct confine_profile *p, FILE *out)
{
	char buf[32];

	fprintf(out, "# profile %s\n", p->name);
	fprintf(out, "home = \"%s\";\n", home_names[p->home]);
	fprintf(out, "home_size = \"%s\";\n", format_size(p->home_size, buf, sizeof(buf)));
	fprintf(out, "tmp_size = \"%s\";\n", format_size(p->tmp_size, buf, sizeof(buf)));
	fprintf(out, "memory_max = \"%s\";\n", format_size(p->memory_max, buf, sizeof(buf)));
	fprintf(out, "memory_high = \"%s\";\n", format_size(p->memory_high, buf, sizeof(buf)));
	fprintf(out, "memory_swap_max = \"%s\";\n",
		format_size(p->memory_swap_max, buf, sizeof(buf)));
	if (p->cpu_quota)
		fprintf(out, "cpu_quota = \"%u%%\";\n", p->cpu_quota);
	else
		fprintf(out, "cpu_quota = \"max\";\n");
	if (p->cpu_weight)
		fprintf(out, "cpu_weight = %u;\n", p->cpu_weight);
	else
		fprintf(out, "# cpu_weight: not set (kernel default, 100)\n");
	print_count(out, "pids_max", p->pids_max);
	fprintf(out, "net = \"%s\";\n", net_names[p->net]);
	fprintf(out, "user_ns = %s;\n", p->user_ns ? "true" : "false");
	fprintf(out, "hostname = \"%s\";\n", p->hostname);
	fprintf(out, "shell = \"%s\";\n", p->shell);
	fprintf(out, "memory_oom_group = %s;\n", p->memory_oom_group ? "true" : "false");
	if (p->cpuset_cpus)
		fprintf(out, "cpuset_cpus = \"%s\";\n", p->cpuset_cpus);
	else
		fprintf(out, "# cpuset_cpus: not set (all CPUs)\n");
	if (p->io_path) {
		fprintf(out, "io_path = \"%s\";\n", p->io_path);
		fprintf(out, "io_read_bps = \"%s\";\n", format_size(p->io_read_bps, buf, sizeof(buf)));
		fprintf(out, "io_write_bps = \"%s\";\n",
			format_size(p->io_write_bps, buf, sizeof(buf)));
		print_count(out, "io_read_iops", p->io_read_iops);
		print_count(out, "io_write_iops", p->io_write_iops);
		if (p->io_weight)
			fprintf(out, "io_weight = %u;\n", p->io_weight);
	} else {
		fprintf(out, "# io_path: not set (no io limits)\n");
	}
	fprintf(out, "user_memory_max = \"%s\";\n",
		format_size(p->user_memory_max, buf, sizeof(buf)));
	if (p->user_cpu_quota)
		fprintf(out, "user_cpu_quota = \"%u%%\";\n", p->user_cpu_quota);
	else
		fprintf(out, "user_cpu_quota = \"max\";\n");
	print_count(out, "user_pids_max", p->user_pids_max);
	if (p->max_sessions)
		fprintf(out, "max_sessions = %u;\n", p->max_sessions);
	else
		fprintf(out, "max_sessions = \"max\";\n");
	fprintf(out, "max_duration = \"%s\";\n", format_duration(p->max_duration, buf, sizeof(buf)));
	fprintf(out, "max_duration_grace = \"%s\";\n",
		format_duration(p->max_duration_grace, buf, sizeof(buf)));
	fprintf(out, "limits = \"%s\";\n", limits_names[p->limits_optional]);
	fprintf(out, "services = [");
	for (char **g = p->services; g && *g; g++)
		fprintf(out, "%s\"%s\"", g == p->services ? "" : ", ", *g);
	fprintf(out, "];\n");
}
