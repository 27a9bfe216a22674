/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl metrics on the host: the text of fixture sessions, held to a strict checker of
 * the Prometheus text exposition format (which is itself shown to reject bad texts). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../helper/ops-format.h"
#include "../../helper/ops-metrics.h"
#include "../../helper/ops.h"
#include "tap.h"

#define MAX_SERIES 512
#define diag(...)  (printf("# " __VA_ARGS__), putchar('\n'))

struct checker {
	char why[256];
	char *families[64], *series[MAX_SERIES];
	size_t nfam, nseries;
	bool help, type; /* of the current (last) family */
};

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || !(s[0] == '_' || s[0] == ':' || ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(s[i] == '_' || s[i] == ':' || (s[i] >= '0' && s[i] <= '9') ||
		      ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
			return false;
	return true;
}

static int fail(struct checker *c, const char *line, const char *why)
{
	snprintf(c->why, sizeof(c->why), "%s: %.150s", why, line);
	return -1;
}

/* Enters family name (a HELP or TYPE line, or a sample): it must be the current one or new. */
static int family(struct checker *c, const char *line, const char *name, size_t n)
{
	if (c->nfam && strlen(c->families[c->nfam - 1]) == n &&
	    strncmp(c->families[c->nfam - 1], name, n) == 0)
		return 0;
	for (size_t i = 0; i < c->nfam; i++)
		if (strlen(c->families[i]) == n && strncmp(c->families[i], name, n) == 0)
			return fail(c, line, "family not contiguous");
	if (c->nfam == 64)
		return fail(c, line, "too many families");
	c->families[c->nfam++] = strndup(name, n);
	c->help = c->type = false;
	return 0;
}

static int comment(struct checker *c, const char *line)
{
	bool help = strncmp(line, "# HELP ", 7) == 0, type = strncmp(line, "# TYPE ", 7) == 0;
	const char *name = line + 7;
	size_t n = strcspn(name, " ");

	if (!help && !type)
		return fail(c, line, "a comment that is neither HELP nor TYPE");
	if (!name_ok(name, n) || name[n] != ' ' || family(c, line, name, n) < 0)
		return c->why[0] ? -1 : fail(c, line, "bad metric name");
	if ((help && c->help) || (type && c->type))
		return fail(c, line, "HELP or TYPE twice");
	if (type && strcmp(name + n + 1, "gauge") != 0 && strcmp(name + n + 1, "counter") != 0)
		return fail(c, line, "unknown type");
	if (help)
		c->help = true;
	else
		c->type = true;
	return 0;
}

/* label="value",...} at p: valid names and escapes; returns the end (past '}') or NULL. */
static const char *labels(const char *p)
{
	for (;;) {
		size_t n = strcspn(p, "=");
		if (!name_ok(p, n) || memchr(p, ':', n) || p[n + 1] != '"')
			return NULL;
		for (p += n + 2; *p != '"'; p++) {
			if (!*p)
				return NULL;
			if (*p == '\\' && !strchr("\\\"n", *++p))
				return NULL;
		}
		if (*++p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static int sample(struct checker *c, const char *line)
{
	size_t n = strcspn(line, "{ ");
	const char *end = line + n, *v;
	char *num_end;

	if (!name_ok(line, n) || family(c, line, line, n) < 0)
		return c->why[0] ? -1 : fail(c, line, "bad metric name");
	if (!c->help || !c->type)
		return fail(c, line, "a sample before its HELP and TYPE");
	if (*end == '{' && !(end = labels(end + 1)))
		return fail(c, line, "bad labels");
	if (*end != ' ')
		return fail(c, line, "no value");
	v = end + 1;
	if (strcmp(v, "+Inf") && strcmp(v, "-Inf") && strcmp(v, "NaN") &&
	    (strtod(v, &num_end), num_end == v || *num_end))
		return fail(c, line, "bad value");
	for (size_t i = 0; i < c->nseries; i++)
		if (strlen(c->series[i]) == (size_t)(end - line) &&
		    strncmp(c->series[i], line, end - line) == 0)
			return fail(c, line, "duplicate series");
	if (c->nseries == MAX_SERIES)
		return fail(c, line, "too many series");
	c->series[c->nseries++] = strndup(line, end - line);
	return 0;
}

/* Whether s is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static bool utf8_ok(const unsigned char *s)
{
	while (*s) {
		unsigned cp, n = *s < 0x80		    ? 1
				 : *s >= 0xc2 && *s <= 0xdf ? 2
				 : *s >= 0xe0 && *s <= 0xef ? 3
				 : *s >= 0xf0 && *s <= 0xf4 ? 4
							    : 0;
		if (!n)
			return false;
		cp = n == 1 ? *s : *s & (0x7f >> n);
		for (unsigned i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += n;
	}
	return true;
}

/* 0 if text is valid exposition text, else -1 with the reason in why. */
static int check_exposition(const char *text, char *why, size_t len)
{
	struct checker c = {};
	char *copy = strdup(text), *save = NULL;
	int r = 0;

	if (!*text || text[strlen(text) - 1] != '\n')
		r = fail(&c, "", "not ending in a newline");
	else if (!utf8_ok((const unsigned char *)text))
		r = fail(&c, "", "not UTF-8");
	for (char *line = strtok_r(copy, "\n", &save); line && r == 0;
	     line = strtok_r(NULL, "\n", &save))
		r = line[0] == '#' ? comment(&c, line) : sample(&c, line);
	if (r == 0 && strstr(text, "\n\n"))
		r = fail(&c, "", "an empty line");
	snprintf(why, len, "%s", c.why);
	for (size_t i = 0; i < c.nfam; i++)
		free(c.families[i]);
	for (size_t i = 0; i < c.nseries; i++)
		free(c.series[i]);
	free(copy);
	return r;
}

/* The checker can fail: each of these texts breaks one rule of the format. */
static void test_checker(void)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"# HELP a x\n# TYPE a gauge\na 1\na 2\n", "duplicate series"},
	    {"# HELP a x\n# TYPE a gauge\na{l=\"1\"} 1\na{l=\"1\"} 2\n", "duplicate series"},
	    {"# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\nb 1\na{l=\"2\"} 1\n",
	     "family not contiguous"},
	    {"# HELP a x\n# HELP a y\n# TYPE a gauge\na 1\n", "HELP or TYPE twice"},
	    {"# HELP a x\na 1\n# TYPE a gauge\n", "a sample before its HELP and TYPE"},
	    {"# HELP 1a x\n# TYPE 1a gauge\n1a 1\n", "bad metric name"},
	    {"# HELP a-b x\n# TYPE a-b gauge\n", "bad metric name"},
	    {"# HELP a x\n# TYPE a gauge\na{l=\"x\\q\"} 1\n", "bad labels"},
	    {"# HELP a x\n# TYPE a gauge\na{l=\"x\"\"} 1\n", "bad labels"},
	    {"# HELP a x\n# TYPE a gauge\na{l:x=\"x\"} 1\n", "bad labels"},
	    {"# HELP a x\n# TYPE a gauge\na{l=\"x\nb\"} 1\n", "bad labels"},
	    {"# HELP a x\n# TYPE a gauge\na{l=\"x\"} one\n", "bad value"},
	    {"# HELP a x\n# TYPE a gauge\na{l=\"\xff\"} 1\n", "not UTF-8"},
	    {"# HELP a x\n# TYPE a histo\n", "unknown type"},
	    {"# a comment\n", "a comment that is neither HELP nor TYPE"},
	    {"# HELP a x\n# TYPE a gauge\na 1", "not ending in a newline"},
	};
	char why[256];

	is_int(check_exposition("# HELP a x\n# TYPE a counter\na{l=\"\\\\\\\"\\n\",m=\"\"} 1.5\n"
				"# HELP b y\n# TYPE b gauge\nb +Inf\n",
				why, sizeof(why)),
	       0, "checker: a valid text passes");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = check_exposition(bad[i].text, why, sizeof(why));
		ok(r < 0 && strncmp(why, bad[i].why, strlen(bad[i].why)) == 0,
		   "checker rejects bad text #%zu: %s", i, bad[i].why);
		if (r == 0 || strncmp(why, bad[i].why, strlen(bad[i].why)))
			diag("got: %s", r ? why : "accepted");
	}
}

#define NONE OPS_NONE
static const struct session_record recs[] = {
    {.sid = "100-5", .user = "guest", .profile = "guest", .started = 1000},
    {.sid = "200-7", .user = "a\"b\\c\nd\xff", .profile = "kiosk", .started = 1900},
    {.sid = "300-9", .user = "caf\xc3\xa9", .profile = "guest", .started = 1990},
};
static struct ops_usage use[3];

static void fixture(void)
{
	for (size_t i = 0; i < 3; i++) {
		memset(&use[i], 0xff, sizeof(use[i]));
		use[i].cpu_max[0] = '\0';
	}
	use[0] = (struct ops_usage){.memory_current = 1048576,
				    .memory_max = 536870912,
				    .memory_peak = 2097152,
				    .swap_current = 0,
				    .pids_current = 3,
				    .pids_max = 256,
				    .cpu_usage_usec = 1500000,
				    .cpu_nr_throttled = 7,
				    .cpu_throttled_usec = 20,
				    .events_oom_kill = 1,
				    .io_rbytes = 4096,
				    .io_wbytes = 8192,
				    .memory_high = NONE,
				    .swap_max = NONE,
				    .events_high = NONE,
				    .events_max = NONE,
				    .events_oom = NONE};
	use[1].memory_current = 5;
	use[1].memory_max = OPS_MAX; /* no limit: +Inf */
	use[1].pids_max = OPS_MAX;
	/* use[2]: no cgroup, every figure missing */
}

static void test_metrics(void)
{
	char *buf = NULL, why[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fixture();
	metrics_write(f, recs, use, 3, 1700000000, 2000);
	fclose(f);
	if (check_exposition(buf, why, sizeof(why)) == 0)
		ok(1, "metrics: strict exposition check passes");
	else
		ok(0, "metrics: strict exposition check passes (%s)", why);
	ok(strstr(buf, "\nconfine_sessions{profile=\"guest\"} 2\n") != NULL,
	   "metrics: two sessions of profile guest");
	ok(strstr(buf, "\nconfine_sessions{profile=\"kiosk\"} 1\n") != NULL,
	   "metrics: one of profile kiosk");
#define S0 "{session=\"100-5\",user=\"guest\",profile=\"guest\"} "
#define S1 "{session=\"200-7\",user=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\",profile=\"kiosk\"} "
	static const char *const want[] = {
	    "confine_session_start_time_seconds" S0 "1699999000",
	    "confine_session_age_seconds" S0 "1000",
	    "confine_session_memory_current_bytes" S0 "1048576",
	    "confine_session_memory_max_bytes" S0 "536870912",
	    "confine_session_memory_peak_bytes" S0 "2097152",
	    "confine_session_swap_current_bytes" S0 "0",
	    "confine_session_pids_current" S0 "3",
	    "confine_session_pids_max" S0 "256",
	    "confine_session_cpu_usage_seconds_total" S0 "1.500000",
	    "confine_session_cpu_throttled_periods_total" S0 "7",
	    "confine_session_cpu_throttled_seconds_total" S0 "0.000020",
	    "confine_session_oom_kills_total" S0 "1",
	    "confine_session_io_read_bytes_total" S0 "4096",
	    "confine_session_io_written_bytes_total" S0 "8192",
	    "confine_session_memory_current_bytes" S1 "5",
	    "confine_session_memory_max_bytes" S1 "+Inf",
	    "confine_session_pids_max" S1 "+Inf",
	    "confine_session_age_seconds" S1 "100",
	    "confine_session_age_seconds{session=\"300-9\",user=\"caf\xc3\xa9\",profile=\"guest\"} "
	    "10",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char line[512];
		snprintf(line, sizeof(line), "\n%s\n", want[i]);
		if (!ok(strstr(buf, line) != NULL, "metrics has: %s", want[i]))
			diag("output:\n# %s", buf);
	}
	ok(strstr(buf, "confine_session_io_read_bytes_total{session=\"200-7\"") == NULL,
	   "metrics: no io sample without io.stat");
	ok(strstr(buf, "{session=\"300-9\"") &&
	       !strstr(buf, "memory_current_bytes{session=\"300-9\""),
	   "metrics: a session without a cgroup has its age only");
	free(buf);
}

static void test_empty(void)
{
	char *buf = NULL, why[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	metrics_write(f, NULL, NULL, 0, 1700000000, 2000);
	fclose(f);
	is_int(check_exposition(buf, why, sizeof(why)), 0, "metrics without sessions: valid");
	ok(strstr(buf, "# TYPE confine_sessions gauge\n") && !strstr(buf, "confine_sessions{"),
	   "metrics without sessions: the families, no samples");
	free(buf);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/*
 * metrics --output writes into a directory another user may own (the collector's): a link
 * planted at the name of its temporary file must not make it write through the link.
 */
static void test_output(void)
{
	char dir[] = "/tmp/confine-metrics-XXXXXX", out[128], victim[128], tmp[128], why[256];
	char *a[] = {"metrics", "--output", out, NULL}, *got;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(out, sizeof(out), "%s/confine.prom", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(tmp, sizeof(tmp), "%s/.confine.prom.%d.tmp", dir, (int)getpid());
	FILE *f = fopen(victim, "we");
	fputs("precious\n", f);
	fclose(f);
	ok(symlink(victim, tmp) == 0, "a link planted at the temporary file's name");
	is_int(cmd_metrics(3, a), OPS_EXIT_FAIL, "metrics --output: refused through the link");
	is_str(slurp(victim), "precious\n", "the link's target is untouched");
	ok(access(out, F_OK) < 0, "and no output file");
	unlink(tmp);
	is_int(cmd_metrics(3, a), OPS_EXIT_OK, "metrics --output without the link: written");
	got = slurp(out);
	ok(got && check_exposition(got, why, sizeof(why)) == 0, "the file passes the check");
	ok(access(tmp, F_OK) < 0, "no temporary file left");
	unlink(out);
	unlink(victim);
	rmdir(dir);
}

int main(void)
{
	test_checker();
	test_metrics();
	test_empty();
	test_output();
	return tap_done();
}
