/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl list/status/kill on the host: their text (JSON strings, sizes, ages, cells, the
 * cgroup files' formats, signal names) and their argument errors, which change nothing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../helper/ops-format.h"
#include "../../helper/ops-join.h"
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
	is_int(RUN(cmd_status, "status", "no-such-user-xyz"), OPS_EXIT_NOSESSION,
	       "status of a user without a session");
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
