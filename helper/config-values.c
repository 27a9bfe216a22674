/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine.conf loader, messages and value readers: "FILE:LINE: key 'a.b': what" for a
 * setting, and one reader per kind of value (sizes, percentages, counts, paths, ...).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>

#include "config-internal.h"
#include "net-rule.h"
#include "profile.h"
#include "units.h"
#include "util.h"

#define SIZE_MIN_BYTES (UINT64_C(1) << 20)
#define CPU_WEIGHT_MAX 10000
#define KEY_PATH_MAX   256

int set_err(struct loader *ld, int code, const char *fmt, ...)
{
	char msg[ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_set(ld->err, code, "%s", msg);
}

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

int key_err(struct loader *ld, const config_setting_t *s, int code, const char *fmt, ...)
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
	return set_err(ld, code, "%s:%u: key '%s': %s", file,
		       (unsigned)config_setting_source_line(s), key, msg);
}

int get_size(struct loader *ld, const config_setting_t *s, enum size_kind kind, uint64_t *ret)
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
			return key_err(ld, s, -EINVAL, "size \"%s\" is too large", str);
		}
		if (r < 0) {
			return key_err(
			    ld, s, -EINVAL,
			    "invalid size \"%s\": expected digits with an optional K, M, G or T "
			    "suffix%s",
			    str, kind == SIZE_MIN_1M ? "" : ", or \"max\"");
		}
		if (v == UNIT_MAX && kind == SIZE_MIN_1M) {
			return key_err(ld, s, -EINVAL, "\"max\" is not allowed here: %s", expected);
		}
		break;
	}
	default:
		return key_err(ld, s, -EINVAL, "%s", expected);
	}

	if (kind != SIZE_MEM_ZERO && v < SIZE_MIN_BYTES)
		goto too_small;
	*ret = v;
	return 0;
too_small:
	return key_err(ld, s, -EINVAL, "%s",
		       kind == SIZE_MIN_1M ? "must be at least 1M"
		       : kind == SIZE_MEM  ? "must be at least 1M or \"max\""
					   : "must not be negative");
}

int get_percent(struct loader *ld, const config_setting_t *s, unsigned *ret)
{
	const char *str = NULL;
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		return key_err(ld, s, -EINVAL, "expected a percentage like \"50%%\" or \"max\"");
	}
	str = config_setting_get_string(s);
	if (streq(str, "max")) {
		*ret = 0;
		return 0;
	}
	r = parse_percent(str, ret);
	if (r == -ERANGE) {
		return key_err(ld, s, -EINVAL,
			       "percentage \"%s\" is out of range: must be 1%% to 100000%%", str);
	}
	if (r < 0) {
		return key_err(ld, s, -EINVAL,
			       "invalid percentage \"%s\": expected a whole number and '%%', like "
			       "\"50%%\", or \"max\"",
			       str);
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

int get_weight(struct loader *ld, const config_setting_t *s, unsigned *ret)
{
	long long v;

	if (get_int(ld, s, &v) < 0) {
		return key_err(ld, s, -EINVAL, "expected an integer 1..%d", CPU_WEIGHT_MAX);
	}
	if (v < 1 || v > CPU_WEIGHT_MAX) {
		return key_err(ld, s, -EINVAL, "must be between 1 and %d", CPU_WEIGHT_MAX);
	}
	*ret = (unsigned)v;
	return 0;
}

/* A count of at least 1, or "max" (UNIT_MAX). */
int get_count(struct loader *ld, const config_setting_t *s, uint64_t *ret)
{
	long long v;

	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    streq(config_setting_get_string(s), "max")) {
		*ret = UNIT_MAX;
		return 0;
	}
	if (get_int(ld, s, &v) < 0) {
		return key_err(ld, s, -EINVAL, "expected an integer or \"max\"");
	}
	if (v < 1) {
		return key_err(ld, s, -EINVAL, "must be at least 1");
	}
	*ret = (uint64_t)v;
	return 0;
}

/* A string out of a fixed set; returns its index. */
int get_choice(struct loader *ld, const config_setting_t *s, const char *const *choices,
	       const char *expected, int *ret)
{
	const char *str = NULL;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		return key_err(ld, s, -EINVAL, "expected %s", expected);
	}
	str = config_setting_get_string(s);
	for (int i = 0; choices[i]; i++)
		if (streq(str, choices[i])) {
			*ret = i;
			return 0;
		}
	return key_err(ld, s, -EINVAL, "invalid value \"%s\": expected %s", str, expected);
}

int get_bool(struct loader *ld, const config_setting_t *s, bool *ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		return key_err(ld, s, -EINVAL, "expected true or false");
	}
	*ret = config_setting_get_bool(s);
	return 0;
}

int set_string(struct loader *ld, const config_setting_t *s, const char *v, char **field)
{
	char *dup = strdup(v);

	if (!dup) {
		return key_err(ld, s, -ENOMEM, "out of memory");
	}
	free(*field);
	*field = dup;
	return 0;
}

int get_string(struct loader *ld, const config_setting_t *s, const char *expected, const char **ret)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		/* -EINVAL spelled out: the analyzer does not follow the variadic key_err and
		 * would take its result for 0, with *ret unset, at every caller. */
		key_err(ld, s, -EINVAL, "expected %s", expected);
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

int get_path(struct loader *ld, const config_setting_t *s, char **field)
{
	const char *str = NULL;

	if (get_string(ld, s, "an absolute path string", &str) < 0)
		return -EINVAL;
	if (!valid_abs_path(str)) {
		return key_err(
		    ld, s, -EINVAL,
		    "invalid path \"%s\": must be absolute, without \"..\" or whitespace", str);
	}
	return set_string(ld, s, str, field);
}

int get_duration(struct loader *ld, const config_setting_t *s, bool allow_max, uint64_t *ret)
{
	const char *str = NULL;
	uint64_t v;
	int r;

	if (get_string(ld, s, "a duration like \"2h\" or \"90m\"", &str) < 0)
		return -EINVAL;
	r = parse_duration(str, &v);
	if (r == -ERANGE) {
		return key_err(ld, s, -EINVAL,
			       "duration \"%s\" is out of range: must be 1s to 365d", str);
	}
	if (r < 0 || (v == 0 && !allow_max)) {
		return key_err(
		    ld, s, -EINVAL,
		    "invalid duration \"%s\": expected numbers with units s, m, h or d, like "
		    "\"2h\" or \"1h30m\"%s",
		    str, allow_max ? ", or \"max\"" : "");
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

int get_hostname(struct loader *ld, const config_setting_t *s, char **field)
{
	const char *str = NULL;

	if (get_string(ld, s, "a host name string", &str) < 0)
		return -EINVAL;
	if (!valid_hostname(str)) {
		return key_err(
		    ld, s, -EINVAL,
		    "invalid hostname \"%s\": use 1..%d letters, digits, '-' and '.', not "
		    "starting with '-'",
		    str, HOSTNAME_MAX);
	}
	return set_string(ld, s, str, field);
}

int get_cpus(struct loader *ld, const config_setting_t *s, char **field)
{
	const char *str = NULL;

	if (get_string(ld, s, "a CPU list string like \"0-3,6\"", &str) < 0)
		return -EINVAL;
	if (!valid_cpu_list(str)) {
		return key_err(
		    ld, s, -EINVAL,
		    "invalid CPU list \"%s\": expected CPU numbers and ranges below %d, like "
		    "\"0-3,6\"",
		    str, CPUS_MAX);
	}
	return set_string(ld, s, str, field);
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

/* What a list-of-strings key takes (get_strv). */
struct strv_spec {
	const char *expected; /* the message when the value is not a list */
	const char *too_few;  /* the message when it has fewer than min elements */
	int min, max;	      /* max 0: no limit */
	const char *many;     /* what too many of are called: "elements", "entries" */
	/* Reads element i into *str; key_err and < 0 when it is bad (v: the ones before). */
	int (*elem)(struct loader *ld, const config_setting_t *e, int i, char *const *v,
		    void *state, const char **str);
};

/* A list of strings, each checked by spec->elem, replacing *field as a whole. */
static int get_strv(struct loader *ld, const config_setting_t *s, const struct strv_spec *spec,
		    void *state, char ***field)
{
	int type = config_setting_type(s), n = config_setting_length(s);
	char **v;

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return key_err(ld, s, -EINVAL, "%s", spec->expected);
	if (n < spec->min)
		return key_err(ld, s, -EINVAL, "%s", spec->too_few);
	if (spec->max && n > spec->max)
		return key_err(ld, s, -EINVAL, "too many %s (%d): at most %d", spec->many, n,
			       spec->max);
	if (!(v = calloc((size_t)n + 1, sizeof(char *))))
		return key_err(ld, s, -ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *str = NULL;

		if (spec->elem(ld, e, i, v, state, &str) < 0) {
			free_strv(v);
			return -EINVAL;
		}
		if (!(v[i] = strdup(str))) {
			free_strv(v);
			return key_err(ld, e, -ENOMEM, "out of memory");
		}
	}
	free_strv(*field);
	*field = v;
	return 0;
}

static int service_elem(struct loader *ld, const config_setting_t *e, int i, char *const *v,
			void *state, const char **str)
{
	(void)state;
	if (get_string(ld, e, "a PAM service name string", str) < 0)
		return -EINVAL;
	if (!valid_service_glob(*str))
		return key_err(ld, e, -EINVAL,
			       "invalid PAM service \"%s\": use 1..%d letters, digits, '.', '_', "
			       "'+', '-' and the glob characters '*', '?', '[', ']', '!', not "
			       "starting with '.'",
			       *str, SERVICE_NAME_MAX);
	for (int j = 0; j < i; j++)
		if (streq(v[j], *str))
			return key_err(ld, e, -EINVAL, "PAM service \"%s\" is listed twice", *str);
	return 0;
}

/*
 * services = ["login", "sshd", ...]: an array or list of service names or globs, at least
 * one, each once. Replaces the default list as a whole.
 */
int get_services(struct loader *ld, const config_setting_t *s, char ***field)
{
	static const struct strv_spec spec = {
	    .expected = "expected a list of PAM service names, like [\"login\", \"sshd\"]",
	    .too_few = "must name at least one PAM service, like [\"login\", \"sshd\"]",
	    .min = 1,
	    .elem = service_elem};

	return get_strv(ld, s, &spec, NULL, field);
}

/* The message for element e of command = [...], or NULL when it is fine. */
static const char *command_elem_problem(const char *str, int i)
{
	if (i == 0 && !valid_abs_path(str))
		return "the program must be an absolute path, without \"..\" or whitespace";
	for (const char *c = str; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return "control characters (newline, tab, ...) are not allowed";
	return NULL;
}

static int command_elem(struct loader *ld, const config_setting_t *e, int i, char *const *v,
			void *state, const char **str)
{
	size_t *total = state;
	const char *why;

	(void)v;
	if (get_string(ld, e, i ? "an argument string" : "an absolute path string", str) < 0)
		return -EINVAL;
	if ((why = command_elem_problem(*str, i)))
		return key_err(ld, e, -EINVAL, "invalid %s \"%s\": %s", i ? "argument" : "program",
			       *str, why);
	if ((*total += strlen(*str) + 1) > PROFILE_COMMAND_LEN_MAX)
		return key_err(ld, e, -EINVAL, "the command is too long: at most %d bytes in all",
			       PROFILE_COMMAND_LEN_MAX);
	return 0;
}

/*
 * command = ["/usr/bin/prog", "--arg"]: the program run instead of the user's shell (an
 * absolute path) and its arguments; 1..PROFILE_COMMAND_ARGS_MAX strings, at most
 * PROFILE_COMMAND_LEN_MAX bytes in all (the session record carries it on one line).
 */
int get_command(struct loader *ld, const config_setting_t *s, char ***field)
{
	static const char expected[] = "expected a list of the program's absolute path and its "
				       "arguments, like [\"/usr/bin/prog\", \"--arg\"]";
	static const struct strv_spec spec = {.expected = expected,
					      .too_few = expected,
					      .min = 1,
					      .max = PROFILE_COMMAND_ARGS_MAX,
					      .many = "elements",
					      .elem = command_elem};
	size_t total = 0;

	return get_strv(ld, s, &spec, &total, field);
}

static int net_elem(struct loader *ld, const config_setting_t *e, int i, char *const *v,
		    void *state, const char **str)
{
	struct net_rule r;
	const char *why = NULL;

	(void)i, (void)v, (void)state;
	if (get_string(ld, e, "a \"proto:address[/prefix]:port\" string", str) < 0)
		return -EINVAL;
	if (net_rule_parse(*str, &r, &why) < 0)
		return key_err(ld, e, -EINVAL, "invalid entry \"%s\": %s", *str, why);
	return 0;
}

/* net_allow = [ "tcp:192.0.2.10:443", ... ]: each entry parsed strictly (net-rule.c). An
 * empty list is allowed: net = "allow" with nothing listed reaches nothing. */
int get_net_allow(struct loader *ld, const config_setting_t *s, char ***field)
{
	static const struct strv_spec spec = {
	    .expected = "expected a list of destinations, like [\"tcp:192.0.2.10:443\", "
			"\"udp:[2001:db8::53]:53\"]",
	    .max = NET_RULE_MAX,
	    .many = "entries",
	    .elem = net_elem};

	return get_strv(ld, s, &spec, NULL, field);
}
