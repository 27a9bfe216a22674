/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl list/status/kill on the host: their text (JSON strings, sizes, ages, cells, the
 * cgroup files' formats, signal names) and their argument errors, which change nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../helper/ops-format.h"
#include "../../helper/ops-join.h"
#include "../../helper/ops-log.h"
#include "../../helper/ops-top.h"
#include "../../helper/ops.h"
#include "tap.h"

/* What json_string writes for s. */
static char *json(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_string(f, s);
	fclose(f);
	return buf;
}

static const struct {
	const char *in, *want;
} strings[] = {
    {"guest", "\"guest\""},
    {"", "\"\""},
    {"a\"b", "\"a\\\"b\""},
    {"a\\b", "\"a\\\\b\""},
    {"a\nb\tc\rd", "\"a\\nb\\tc\\rd\""},
    {"\b\f", "\"\\b\\f\""},
    {"\x01\x1f", "\"\\u0001\\u001f\""},
    {"\x1b[31m", "\"\\u001b[31m\""},
    {"del\x7f", "\"del\\u007f\""},
    {"caf\xc3\xa9", "\"caf\xc3\xa9\""}, /* valid UTF-8 stays */
    {"\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\""},
    {"\xff", "\"\\u00ff\""},				      /* not UTF-8 */
    {"\xc3", "\"\\u00c3\""},				      /* truncated sequence */
    {"\xc3(", "\"\\u00c3(\""},				      /* bad continuation */
    {"\xc0\xaf", "\"\\u00c0\\u00af\""},			      /* overlong '/' */
    {"\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""},	      /* overlong, 3 bytes */
    {"\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""},	      /* UTF-16 surrogate */
    {"\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""}, /* past U+10FFFF */
    {"/", "\"/\""},
};

static void test_json(void)
{
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		char *got = json(strings[i].in);
		is_str(got, strings[i].want, "json_string #%zu", i);
		free(got);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_figure(f, 0);
	fputc(' ', f);
	json_figure(f, 536870912);
	fputc(' ', f);
	json_figure(f, OPS_MAX);
	fputc(' ', f);
	json_figure(f, OPS_NONE);
	fclose(f);
	is_str(buf, "0 536870912 null null", "json_figure: numbers, null for max and none");
	free(buf);
}

static void test_text(void)
{
	char b[64];

	is_str(ops_size(0, b, sizeof(b)), "0B", "size 0");
	is_str(ops_size(900, b, sizeof(b)), "900B", "size in bytes");
	is_str(ops_size(1024, b, sizeof(b)), "1K", "size 1K");
	is_str(ops_size(536870912, b, sizeof(b)), "512M", "size 512M whole");
	is_str(ops_size(13107200, b, sizeof(b)), "12.5M", "size 12.5M");
	is_str(ops_size(10485761, b, sizeof(b)), "10.0M", "size: a byte above 10M keeps a decimal");
	is_str(ops_size(1536, b, sizeof(b)), "1.5K", "size 1.5K");
	is_str(ops_size(OPS_MAX, b, sizeof(b)), "max", "size max");
	is_str(ops_size(OPS_NONE, b, sizeof(b)), "-", "size none");
	is_str(ops_count(256, b, sizeof(b)), "256", "count");
	is_str(ops_count(OPS_MAX, b, sizeof(b)), "max", "count max");
	is_str(ops_count(OPS_NONE, b, sizeof(b)), "-", "count none");
	is_str(ops_age(0, b, sizeof(b)), "0s", "age 0");
	is_str(ops_age(59, b, sizeof(b)), "59s", "age 59s");
	is_str(ops_age(3723, b, sizeof(b)), "1h2m3s", "age 1h2m3s");
	is_str(ops_cell("a\x1b[2Jb\x7f", b, sizeof(b)), "a?[2Jb?", "cell: no terminal escapes");
	is_str(ops_cell("caf\xc3\xa9", b, sizeof(b)), "caf\xc3\xa9", "cell: UTF-8 stays");
	is_str(ops_cell("a\xc2\x9b"
			"2Jb\x9b"
			"c",
			b, sizeof(b)),
	       "a?2Jb?c", "cell: C1 controls (UTF-8 U+009B, a raw 0x9b CSI) become '?'");
	is_str(ops_cell("\xc2\xa0x\xff\xe2\x82", b, sizeof(b)), "\xc2\xa0x???",
	       "cell: U+00A0 stays, bytes that are not UTF-8 become '?'");
	is_str(ops_cell("ab\xc3\xa9", b, 4), "ab", "cell: never half a character");
	is_str(ops_cell("abcdef", b, 4), "abc", "cell: truncated to the buffer");
}

static void test_files(void)
{
	unsigned long long v = 0;
	const char *ev = "low 0\nhigh 12\nmax 3\noom 1\noom_kill 2\noom_group_kill 0\n";

	ok(ops_parse_limit("max\n", &v) == 0 && v == OPS_MAX, "limit: max");
	ok(ops_parse_limit("536870912\n", &v) == 0 && v == 536870912, "limit: a number");
	ok(ops_parse_limit("7", &v) == 0 && v == 7, "limit: without newline");
	is_int(ops_parse_limit("", &v), -EINVAL, "limit: empty");
	is_int(ops_parse_limit("-1\n", &v), -EINVAL, "limit: negative");
	is_int(ops_parse_limit("12 x\n", &v), -EINVAL, "limit: junk");
	is_int(ops_parse_limit("99999999999999999999999\n", &v), -EINVAL, "limit: overflow");
	ok(ops_kv_get(ev, "high", &v) == 0 && v == 12, "kv: high");
	ok(ops_kv_get(ev, "max", &v) == 0 && v == 3, "kv: max");
	ok(ops_kv_get(ev, "oom_kill", &v) == 0 && v == 2, "kv: oom_kill (not oom_group_kill)");
	ok(ops_kv_get(ev, "oom", &v) == 0 && v == 1, "kv: oom (not oom_kill)");
	is_int(ops_kv_get(ev, "swap", &v), -ENOENT, "kv: missing key");
	is_int(ops_kv_get("usage_usec x\n", "usage_usec", &v), -EINVAL, "kv: bad value");
	ok(ops_kv_get("usage_usec 5", "usage_usec", &v) == 0 && v == 5,
	   "kv: last line, no newline");
	is_int(ops_kv_get("", "x", &v), -ENOENT, "kv: empty text");
	unsigned long long rd = 1, wr = 1;
	ok(ops_io_stat("", &rd, &wr) == 0 && rd == 0 && wr == 0, "io.stat: no device is 0");
	ok(ops_io_stat("8:0 rbytes=4096 wbytes=512 rios=1 wios=1 dbytes=7 dios=0\n"
		       "259:0 rbytes=100 wbytes=0 rios=2 wios=0 dbytes=0 dios=0\n",
		       &rd, &wr) == 0 &&
	       rd == 4196 && wr == 512,
	   "io.stat: summed over devices, dbytes not counted");
	ok(ops_io_stat("8:0 rios=1 wbytes=5", &rd, &wr) == 0 && rd == 0 && wr == 5,
	   "io.stat: a missing key counts 0");
	is_int(ops_io_stat("8:0 rbytes=x wbytes=1\n", &rd, &wr), -EINVAL, "io.stat: bad number");
	is_int(ops_io_stat("rbytes=1\n", &rd, &wr), -EINVAL, "io.stat: no device");
}

static void test_signals(void)
{
	is_int(ops_parse_signal("TERM"), SIGTERM, "signal TERM");
	is_int(ops_parse_signal("SIGTERM"), SIGTERM, "signal SIGTERM");
	is_int(ops_parse_signal("hup"), SIGHUP, "signal hup");
	is_int(ops_parse_signal("sigkill"), SIGKILL, "signal sigkill");
	is_int(ops_parse_signal("9"), SIGKILL, "signal 9");
	is_int(ops_parse_signal("USR1"), SIGUSR1, "signal USR1");
	is_int(ops_parse_signal("0"), -EINVAL, "signal 0");
	is_int(ops_parse_signal("65"), -EINVAL, "signal 65");
	is_int(ops_parse_signal("SIG"), -EINVAL, "signal SIG alone");
	is_int(ops_parse_signal("BOGUS"), -EINVAL, "signal BOGUS");
	is_int(ops_parse_signal(""), -EINVAL, "signal empty");
	is_int(ops_parse_signal("-9"), -EINVAL, "signal -9");
}

#define RUN(cmd, ...)                                                                              \
	({                                                                                         \
		char *a_[] = {__VA_ARGS__, NULL};                                                  \
		cmd((int)(sizeof(a_) / sizeof(a_[0])) - 1, a_);                                    \
	})

/* Bad arguments: usage status 2 before anything is read or done. */
static void test_args(void)
{
	opterr = 0; /* (getopt's own messages would only clutter the TAP output) */
	is_int(RUN(cmd_list, "list", "--bogus"), OPS_EXIT_USAGE, "list --bogus");
	is_int(RUN(cmd_list, "list", "extra"), OPS_EXIT_USAGE, "list with an argument");
	is_int(RUN(cmd_list, "list", "--user"), OPS_EXIT_USAGE, "list --user without a value");
	is_int(RUN(cmd_status, "status"), OPS_EXIT_USAGE, "status without a session");
	is_int(RUN(cmd_status, "status", "a", "b"), OPS_EXIT_USAGE, "status with two");
	is_int(RUN(cmd_status, "status", "--all"), OPS_EXIT_USAGE, "status --all");
	is_int(RUN(cmd_kill, "kill"), OPS_EXIT_USAGE, "kill without a target");
	is_int(RUN(cmd_kill, "kill", "1-2", "--user", "guest"), OPS_EXIT_USAGE,
	       "kill with a session and --user");
	is_int(RUN(cmd_kill, "kill", "1-2", "3-4"), OPS_EXIT_USAGE, "kill with two sessions");
	is_int(RUN(cmd_kill, "kill", "--signal", "BOGUS", "1-2"), OPS_EXIT_USAGE,
	       "kill --signal BOGUS");
	is_int(RUN(cmd_kill, "kill", "guest"), OPS_EXIT_USAGE, "kill USER without --user");
	is_int(RUN(cmd_kill, "kill", "../1-2"), OPS_EXIT_USAGE, "kill a path");
	opterr = 1;
	/* No session of that name here (read-only: /run/confine/sessions, if any). */
	is_int(RUN(cmd_kill, "kill", "999999-9", "--signal", "TERM"), OPS_EXIT_NOSESSION,
	       "kill SESSION --signal SIG: the option after the session, as the synopsis has it");
	is_int(RUN(cmd_kill, "kill", "--signal", "TERM", "--user", "no-such-user-xyz"),
	       OPS_EXIT_NOSESSION, "kill --signal SIG --user USER");
	is_int(RUN(cmd_status, "status", "no-such-user-xyz"), OPS_EXIT_NOSESSION,
	       "status of a user without a session");
}

/* Whether every line of text is valid JSON to python3 (the machine's JSON parser). */
static bool json_lines_valid(const char *text, bool quiet)
{
	FILE *p = popen(quiet ? "python3 -c 'import json,sys\nfor l in sys.stdin: json.loads(l)' "
				"2>/dev/null"
			      : "python3 -c 'import json,sys\nfor l in sys.stdin: json.loads(l)'",
			"w");

	if (!p)
		return false;
	fputs(text, p);
	return pclose(p) == 0;
}

#define SAMPLE_USAGE(cpu, mem, rd, wr, procs)                                                      \
	{                                                                                          \
		.cpu_usage_usec = (cpu), .memory_current = (mem), .io_rbytes = (rd),               \
		.io_wbytes = (wr), .pids_current = (procs), .swap_current = 0,                     \
		.cpu_nr_throttled = 2, .events_oom_kill = 0                                        \
	}

static struct session_record top_recs[] = {
    {.sid = "10-1", .user = "ann", .profile = "guest", .uid = 1001},
    {.sid = "20-2", .user = "bob\"\n\x1b", .profile = "kiosk", .uid = 1002},
    {.sid = "30-3", .user = "cy", .profile = "guest", .uid = 1003},
};

/* Two samples 2 s apart: ann used 0.5 s of CPU (25%), bob 3 s (150%), cy opened between. */
static void test_top_rows(void)
{
	struct ops_usage u0[] = {SAMPLE_USAGE(1000000, 100, 0, 0, 2),
				 SAMPLE_USAGE(5000000, 300, OPS_NONE, OPS_NONE, 9)};
	struct ops_usage u1[] = {SAMPLE_USAGE(1500000, 500, 4096, 2048, 3),
				 SAMPLE_USAGE(8000000, 200, OPS_NONE, OPS_NONE, 1),
				 SAMPLE_USAGE(100, 900, 0, 0, 5)};
	struct top_sample s0 = {top_recs, u0, 2, 10.0}, s1 = {top_recs, u1, 3, 12.0};
	struct top_row rows[3];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ok(top_cpu_percent(1000000, 1500000, 2.0) == 25.0, "cpu%%: 0.5 s over 2 s is 25");
	ok(top_cpu_percent(0, 3000000, 1.5) == 200.0, "cpu%%: two CPUs busy is 200");
	ok(top_cpu_percent(OPS_NONE, 5, 1) < 0, "cpu%%: unknown without a first figure");
	ok(top_cpu_percent(9, 5, 1) < 0, "cpu%%: unknown when the counter went back");
	ok(top_cpu_percent(1, 5, 0) < 0, "cpu%%: unknown over no time");
	ok(top_rate(0, 4096, 2) == 2048.0, "rate: 4096 bytes over 2 s");
	top_rows(&s0, &s1, TOP_ORDER_CPU, rows);
	ok(rows[0].r == &top_recs[1] && rows[0].cpu_percent == 150.0,
	   "order cpu: bob first, 150%%");
	ok(rows[1].r == &top_recs[0] && rows[1].cpu_percent == 25.0, "order cpu: then ann, 25%%");
	ok(rows[2].r == &top_recs[2] && rows[2].cpu_percent < 0,
	   "order cpu: cy (new) last, unknown");
	ok(rows[1].io_read_rate == 2048.0 && rows[1].io_write_rate == 1024.0, "ann's io rates");
	ok(rows[0].io_read_rate < 0, "bob's io rate unknown without io.stat");
	top_rows(&s0, &s1, TOP_ORDER_MEM, rows);
	ok(rows[0].r == &top_recs[2] && rows[1].r == &top_recs[0] && rows[2].r == &top_recs[1],
	   "order mem: cy 900, ann 500, bob 200");
	top_rows(&s0, &s1, TOP_ORDER_PROCS, rows);
	ok(rows[0].r == &top_recs[2] && rows[1].r == &top_recs[0] && rows[2].r == &top_recs[1],
	   "order procs: cy 5, ann 3, bob 1");
	top_rows(&s0, &s1, TOP_ORDER_IO, rows);
	ok(rows[0].r == &top_recs[0] && rows[1].r == &top_recs[1] && rows[2].r == &top_recs[2],
	   "order io: ann; then bob (no io controller), cy (no rate yet): oldest first");

	top_rows(&s0, &s1, TOP_ORDER_CPU, rows);
	f = open_memstream(&buf, &len);
	top_print(f, rows, 3, false);
	fclose(f);
	ok(strncmp(buf, "SESSION ", 8) == 0, "text: the header first");
	ok(strstr(buf, "\n20-2                     bob\"??       kiosk       150.0     200B       "
		       "0B        -        -      1         2        0\n") != NULL,
	   "text: bob's line, '-' without io, no terminal escapes");
	ok(strstr(buf, "\n10-1                     ann          guest        25.0     500B       "
		       "0B       2K       1K      3         2        0\n") != NULL,
	   "text: ann's line");
	if (!ok(strstr(buf, "\n30-3                     cy           guest           -     900B") !=
		    NULL,
		"text: cy's %%CPU unknown"))
		printf("# %s", buf);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	top_print(f, rows, 3, true);
	top_print(f, rows, 0, true);
	fclose(f);
	ok(json_lines_valid(buf, false), "json: every line valid JSON (python3)");
	ok(strstr(buf, "{\"session\":\"20-2\",\"user\":\"bob\\\"\\n\\u001b\",\"uid\":1002,"
		       "\"profile\":\"kiosk\",\"cpu_percent\":150.0,\"memory_current\":200,\"swap_"
		       "current\":0,\"io_read_bytes_per_sec\":null,\"io_write_bytes_per_sec\":null,"
		       "\"pids_current\":1,\"cpu_nr_throttled\":2,\"oom_kill\":0}") != NULL,
	   "json: bob's object");
	ok(strstr(buf, "\n[]\n") != NULL, "json: no sessions is []");
	ok(!json_lines_valid("[{\"a\":1,}]\n", true), "json check: python3 rejects bad JSON");
	free(buf);
}

/* top's arguments: usage errors (exit 2) before anything is read, and the defaults. */
static void test_top_args(void)
{
	struct top_opts o;

#define TOP(tty, ...)                                                                              \
	({                                                                                         \
		char *a_[] = {"top", ##__VA_ARGS__, NULL};                                         \
		top_parse((int)(sizeof(a_) / sizeof(a_[0])) - 1, a_, tty, &o);                     \
	})
	opterr = 0;
	is_int(TOP(true), 0, "top: no argument");
	ok(!o.batch && o.iterations == 0 && o.delay == 2.0 && o.order == TOP_ORDER_CPU,
	   "top on a tty: interactive, until interrupted, every 2 s, by cpu");
	is_int(TOP(false), 0, "top off a tty");
	ok(o.batch && o.iterations == 1, "top off a tty: batch, one block");
	is_int(TOP(true, "-b", "-n", "3", "-d", "0.5", "--order", "mem"), 0, "top -b -n 3 -d 0.5");
	ok(o.batch && o.iterations == 3 && o.delay == 0.5 && o.order == TOP_ORDER_MEM,
	   "top -b -n 3 -d 0.5 --order mem: as said");
	is_int(TOP(true, "--json"), 0, "top --json");
	ok(o.batch && o.json && o.iterations == 1, "top --json: batch, one block");
	is_int(TOP(true, "--order", "x"), OPS_EXIT_USAGE, "top --order x");
	is_int(TOP(true, "--order", "CPU"), OPS_EXIT_USAGE,
	       "top --order CPU (keys are lower case)");
	is_int(TOP(true, "--order"), OPS_EXIT_USAGE, "top --order without a key");
	is_int(TOP(true, "-d", "0"), OPS_EXIT_USAGE, "top -d 0");
	is_int(TOP(true, "-d", "-1"), OPS_EXIT_USAGE, "top -d -1");
	is_int(TOP(true, "-d", "1s"), OPS_EXIT_USAGE, "top -d 1s");
	is_int(TOP(true, "-d", ""), OPS_EXIT_USAGE, "top -d ''");
	is_int(TOP(true, "-d", "nan"), OPS_EXIT_USAGE, "top -d nan");
	is_int(TOP(true, "-d", "inf"), OPS_EXIT_USAGE, "top -d inf");
	is_int(TOP(true, "-d", "1e9"), OPS_EXIT_USAGE, "top -d 1e9 (above a day)");
	is_int(TOP(true, "-n", "0"), OPS_EXIT_USAGE, "top -n 0");
	is_int(TOP(true, "-n", "-2"), OPS_EXIT_USAGE, "top -n -2");
	is_int(TOP(true, "-n", "2x"), OPS_EXIT_USAGE, "top -n 2x");
	is_int(TOP(true, "-n", "99999999999999999999"), OPS_EXIT_USAGE, "top -n overflow");
	is_int(TOP(true, "extra"), OPS_EXIT_USAGE, "top with an argument");
	is_int(TOP(true, "--bogus"), OPS_EXIT_USAGE, "top --bogus");
	is_int(RUN(cmd_top, "top", "--order", "x"), OPS_EXIT_USAGE, "cmd_top --order x: exit 2");
	is_int(RUN(cmd_metrics, "metrics", "extra"), OPS_EXIT_USAGE, "metrics with an argument");
	is_int(RUN(cmd_metrics, "metrics", "--bogus"), OPS_EXIT_USAGE, "metrics --bogus");
	is_int(RUN(cmd_status, "status", "--json"), OPS_EXIT_USAGE, "status --json alone");
	opterr = 1;
}

static void test_log(void)
{
	struct ops_log log = {};
	char line[32];

	ok(ops_log_match("confine-helper[9]: session 12-34 opened for x", "12-34"), "log: match");
	ok(ops_log_match("x: session 12-34: cannot", "12-34"), "log: match before ':'");
	ok(ops_log_match("session 12-34", "12-34"), "log: match at the end");
	ok(!ops_log_match("session 12-345 opened", "12-34"), "log: not a longer id");
	ok(!ops_log_match("session 12-34-5 opened", "12-34"), "log: not a longer id (-)");
	ok(!ops_log_match("session 112-34 opened", "12-34"), "log: not an id ending so");
	ok(!ops_log_match("sessions 12-34", "12-34"), "log: not without 'session '");
	ok(ops_log_match("session 1-2 x, session 12-34 y", "12-34"), "log: the second mention");
	for (int i = 0; i < 13; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		ops_log_add(&log, line);
	}
	is_int((long long)log.n, OPS_LOG_LINES, "log: the last 10 lines kept");
	is_str(ops_log_get(&log, 0), "line 3", "log: oldest kept first, newline cut");
	is_str(ops_log_get(&log, 9), "line 12", "log: newest last");
}

#define JARGS(o, ...)                                                                              \
	({                                                                                         \
		char *a_[] = {__VA_ARGS__, NULL};                                                  \
		join_args((int)(sizeof(a_) / sizeof(a_[0])) - 1, a_, (o));                         \
	})

/* join's arguments: a session or user, --root anywhere before "--", the command after it. */
static void test_join_args(void)
{
	struct join_opts o;
	char *a[] = {"join", "--root", "1-2", "--", "cat", "/proc/self/status", NULL};
	char *b[] = {"join", "guest", "--root", NULL};

	is_int(join_args(6, a, &o), 0, "join --root SID -- CMD: accepted");
	ok(o.root && o.what && !strcmp(o.what, "1-2") && o.cmd && !strcmp(o.cmd[0], "cat") &&
	       !strcmp(o.cmd[1], "/proc/self/status"),
	   "join --root SID -- CMD: root, the session, the command");
	is_int(join_args(3, b, &o), 0, "join USER --root: accepted");
	ok(o.root && !strcmp(o.what, "guest") && !o.cmd,
	   "join USER --root: no command (the shell)");
	is_int(JARGS(&o, "join", "guest", "--"), 0, "join USER --: accepted");
	ok(!o.cmd && !o.root, "join USER --: no command, not root");
	is_int(JARGS(&o, "join"), OPS_EXIT_USAGE, "join without a session");
	is_int(JARGS(&o, "join", "--root"), OPS_EXIT_USAGE, "join --root alone");
	is_int(JARGS(&o, "join", ""), OPS_EXIT_USAGE, "join of an empty name");
	is_int(JARGS(&o, "join", "guest", "ls"), OPS_EXIT_USAGE, "join USER CMD without --");
	is_int(JARGS(&o, "join", "a", "b"), OPS_EXIT_USAGE, "join with two sessions");
	is_int(JARGS(&o, "join", "--bogus", "guest"), OPS_EXIT_USAGE, "join --bogus");
	is_int(JARGS(&o, "join", "-r", "guest"), OPS_EXIT_USAGE, "join -r (no short form)");
	/* The command itself refuses before reading anything: usage status 2. */
	is_int(RUN(cmd_join, "join"), OPS_EXIT_USAGE, "cmd_join without a session");
	is_int(RUN(cmd_join, "join", "x", "y"), OPS_EXIT_USAGE, "cmd_join with two sessions");
	/* No session of that name here (read-only: /run/confine/sessions, if any). */
	is_int(RUN(cmd_join, "join", "no-such-user-xyz"), OPS_EXIT_NOSESSION,
	       "cmd_join of a user without a session");
}

/* Which session join takes: exactly one, or an error naming why. */
static void test_join_pick(void)
{
	struct session_record v[3] = {{.sid = "10-1", .user = "guest"},
				      {.sid = "20-2", .user = "kio"},
				      {.sid = "30-3", .user = "kio"}};
	struct session_record got = {{0}};

	is_int(join_pick(v, 3, "guest", &got), 0, "pick by user: guest's one session");
	is_str(got.sid, "10-1", "pick by user: its sid");
	is_int(join_pick(v, 3, "30-3", &got), 0, "pick by sid");
	is_str(got.sid, "30-3", "pick by sid: that one");
	memset(&got, 0, sizeof(got));
	is_int(join_pick(v, 3, "kio", &got), OPS_EXIT_USAGE, "a user with two sessions: refused");
	is_str(got.sid, "", "a user with two sessions: nothing picked");
	is_int(join_pick(v, 3, "nosess", &got), OPS_EXIT_NOSESSION, "unknown user: exit 4");
	is_int(join_pick(v, 3, "1-1", &got), OPS_EXIT_NOSESSION, "unknown sid: exit 4");
	is_int(join_pick(NULL, 0, "guest", &got), OPS_EXIT_NOSESSION, "no sessions: exit 4");
}

static void test_join_term(void)
{
	ok(join_term_sane("xterm-256color"), "TERM xterm-256color passes");
	ok(join_term_sane("screen.xterm+x_1"), "TERM with . + _ passes");
	ok(!join_term_sane(NULL), "no TERM: none");
	ok(!join_term_sane(""), "empty TERM: none");
	ok(!join_term_sane("xterm\033]0;x\007"), "TERM with an escape: dropped");
	ok(!join_term_sane("../../tmp/x"), "TERM with a slash: dropped");
	ok(!join_term_sane("a b"), "TERM with a space: dropped");
	ok(!join_term_sane("xterm;rm"), "TERM with a ';': dropped");
	ok(!join_term_sane("\x1b]0;x\x07"), "TERM with an escape sequence: dropped");
	ok(!join_term_sane("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	   "TERM of 65 bytes: dropped");
}

int main(void)
{
	test_top_rows();
	test_top_args();
	test_log();
	test_json();
	test_text();
	test_files();
	test_signals();
	test_args();
	test_join_args();
	test_join_pick();
	test_join_term();
	return tap_done();
}
