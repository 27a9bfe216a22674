/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_parse(): the text of a session record under /run/confine/sessions/<sid>. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../helper/session-store.h"
#include "../../helper/util.h"
#include "../../shell/session.h"
#include "tap.h"

#define SID "1234-5678"

static const char valid[] = "sid=" SID "\n"
			    "user=alice\n"
			    "uid=1001\n"
			    "gid=1001\n"
			    "groups=1001,27,100\n"
			    "home_dir=/home/alice\n"
			    "profile=guest\n"
			    "cgroup=/sys/fs/cgroup/confine/user-1001/1234-5678\n"
			    "unit=\n"
			    "slice=\n"
			    "home=/run/confine/homes/alice\n"
			    "shell=/bin/bash\n"
			    "hostname=confine\n"
			    "net=none\n"
			    "tmp_size=67108864\n"
			    "started=100\n"
			    "max_duration=7200\n"
			    "grace=30\n"
			    "caller_pid=1234\n"
			    "caller_start=5678\n";

static int parse(const char *text, const char *sid, struct session_record *r)
{
	return session_parse(text, strlen(text), sid, r);
}

/* valid with the line starting with "key=" replaced by repl (or dropped if repl is ""). */
static char *edit(const char *key, const char *repl)
{
	static char buf[8192];
	const char *p = strstr(valid, key);
	const char *eol = strchr(p, '\n') + 1;

	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - valid), valid, repl, eol);
	return buf;
}

static void test_valid(void)
{
	struct session_record r;

	is_int(parse(valid, SID, &r), 0, "valid record parses");
	is_str(r.sid, SID, "sid");
	is_str(r.user, "alice", "user");
	is_int(r.uid, 1001, "uid");
	is_str(r.profile, "guest", "profile");
	is_str(r.cg.cgroup, "/sys/fs/cgroup/confine/user-1001/1234-5678", "cgroup");
	is_str(r.cg.unit, "", "unit");
	ok(r.started == 100 && r.max_duration == 7200 && r.grace == 30, "time limit fields");
	is_str(r.home, "/run/confine/homes/alice", "home");
	is_int(r.caller_pid, 1234, "caller_pid");
	is_int(r.gid, 1001, "gid");
	is_str(r.home_dir, "/home/alice", "home_dir");
	is_str(r.shell, "/bin/bash", "shell");
	is_str(r.hostname, "confine", "hostname");
	is_str(r.net, "none", "net");
	is_int((long long)r.tmp_size, 67108864, "tmp_size");
	gid_t g[SESSION_GROUPS_MAX];
	is_int(session_groups(&r, g, SESSION_GROUPS_MAX), 3, "three groups");
	is_int(g[0] == 1001 && g[1] == 27 && g[2] == 100, 1, "the groups in order");
	is_int(session_groups(&r, g, 2), -EINVAL, "more groups than room refused");
	is_int((long long)r.caller_start, 5678, "caller_start");

	is_int(parse(edit("home=", "home=\n"), SID, &r), 0, "empty home (the real home) is valid");
	is_str(r.home, "", "home is empty");

	/* The last line need not end in a newline; the length bounds the text, not a NUL. */
	char text[sizeof(valid) + 16];
	size_t n = strlen(valid) - 1;

	memcpy(text, valid, n);
	memset(text + n, 'X', sizeof(text) - n);
	is_int(session_parse(text, n, SID, &r), 0, "no final newline, text not NUL-terminated");
	is_int((long long)r.caller_start, 5678, "caller_start read up to len only");

	is_int(parse(edit("profile=", "profile=guest\nfuture_key=1\n"), SID, &r), 0,
	       "unknown keys are ignored");
	is_int(parse(edit("uid=", "uid=1\nuid=1001\n"), SID, &r), 0, "a repeated key: last wins");
	is_int(r.uid, 1001, "last uid");
}

static void test_missing(void)
{
	static const char *const keys[] = {
	    "sid=",	 "user=",	"uid=",		 "profile=", "cgroup=",
	    "home=",	 "unit=",	"slice=",	 "started=", "max_duration=",
	    "grace=",	 "caller_pid=", "caller_start=", "gid=",     "groups=",
	    "home_dir=", "shell=",	"hostname=",	 "net=",     "tmp_size="};
	struct session_record r;

	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		is_int(parse(edit(keys[i], ""), SID, &r), -EINVAL, "missing %s", keys[i]);
	is_int(parse("", SID, &r), -EINVAL, "empty text");
	is_int(session_parse(NULL, 0, SID, &r), -EINVAL, "no text at all");
}

static void test_numbers(void)
{
	struct session_record r;

	is_int(parse(edit("uid=", "uid=10x\n"), SID, &r), -EINVAL, "uid with junk refused");
	is_int(parse(edit("uid=", "uid=\n"), SID, &r), -EINVAL, "empty uid refused");
	is_int(parse(edit("uid=", "uid=-1\n"), SID, &r), -EINVAL, "negative uid refused");
	is_int(parse(edit("uid=", "uid=4294967295\n"), SID, &r), -EINVAL, "uid -1 refused");
	is_int(parse(edit("caller_pid=", "caller_pid=0\n"), SID, &r), -EINVAL, "pid 0 refused");
	is_int(parse(edit("caller_pid=", "caller_pid= 12\n"), SID, &r), -EINVAL,
	       "pid with a space refused");
	is_int(parse(edit("caller_start=", "caller_start=99999999999999999999999\n"), SID, &r),
	       -EINVAL, "start time overflow refused");
	is_int(parse(edit("shell=", "shell=/bin/bash\nconf=/etc/confine/confine.conf\n"), SID, &r),
	       0, "the conf= line of an older helper's record is ignored");
	is_int(parse(edit("net=", "net=bridge\n"), SID, &r), -EINVAL, "unknown net refused");
	is_int(parse(edit("shell=", "shell=bash\n"), SID, &r), -EINVAL, "relative shell refused");
	is_int(parse(edit("home_dir=", "home_dir=home\n"), SID, &r), -EINVAL,
	       "relative home_dir refused");
	is_int(parse(edit("hostname=", "hostname=\n"), SID, &r), -EINVAL, "empty hostname refused");
	is_int(parse(edit("groups=", "groups=1,x\n"), SID, &r), 0, "groups are checked on use");
	gid_t g[4];
	is_int(session_groups(&r, g, 4), -EINVAL, "a bad gid in groups refused");
	is_int(parse(edit("groups=", "groups=\n"), SID, &r), 0, "no supplementary groups");
	is_int(session_groups(&r, g, 4), 0, "zero groups");
}

static void test_sid(void)
{
	struct session_record r;

	is_int(parse(valid, "1234-5679", &r), -EINVAL, "record of another sid");
	is_int(parse(valid, "1234", &r), -EINVAL, "sid prefix of the record's");
	is_int(parse(edit("sid=", "sid=1234-56789\n"), SID, &r), -EINVAL, "record sid longer");
	is_int(parse(edit("sid=", "sid=../1234-5678\n"), "../1234-5678", &r), -EINVAL,
	       "invalid sid refused");
	is_int(parse(valid, "", &r), -EINVAL, "empty sid refused");
	is_int(parse(valid, NULL, &r), -EINVAL, "NULL sid refused");
}

static void test_cgroup(void)
{
	struct session_record r;

	is_int(parse(edit("cgroup=", "cgroup=sys/fs/cgroup\n"), SID, &r), -EINVAL,
	       "relative cgroup");
	is_int(parse(edit("cgroup=", "cgroup=\n"), SID, &r), 0,
	       "empty cgroup (limits optional and unavailable)");
	is_str(r.cg.cgroup, "", "empty cgroup read as empty");
	is_int(parse(edit("unit=", "unit=confine-1234-5678.scope\n"), SID, &r), 0, "a unit");
	is_str(r.cg.unit, "confine-1234-5678.scope", "unit read");
	is_int(parse(edit("max_duration=", "max_duration=2h\n"), SID, &r), -EINVAL,
	       "max_duration with a unit refused (seconds only)");
}

static void test_overlong(void)
{
	static char text[8192], big[2000];
	struct session_record r;

	/* A value longer than its field is cut to the field, NUL-terminated, and no more. */
	memset(big, 'u', 200);
	big[200] = '\0';
	snprintf(text, sizeof(text), "%suser=%s\n", valid, big);
	is_int(parse(text, SID, &r), 0, "overlong user parses");
	is_int((long long)strlen(r.user), (long long)sizeof(r.user) - 1, "user truncated to field");
	ok(strspn(r.user, "u") == sizeof(r.user) - 1, "user truncated keeps its prefix");
	is_str(r.profile, "guest", "neighbouring field intact");

	big[0] = '/';
	memset(big + 1, 'c', 700);
	big[701] = '\0';
	snprintf(text, sizeof(text), "%scgroup=%s\n", valid, big);
	is_int(parse(text, SID, &r), 0, "overlong cgroup parses");
	is_int((long long)strlen(r.cg.cgroup), (long long)sizeof(r.cg.cgroup) - 1,
	       "cgroup truncated to field");
	is_str(r.home, "/run/confine/homes/alice", "home intact");

	/* A line longer than SESSION_LINE_MAX - 1 is split; its rest has no '=' here. */
	memset(big, 'h', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, sizeof(text), "%shome=/%s\n", valid, big);
	is_int(parse(text, SID, &r), -EINVAL, "line beyond SESSION_LINE_MAX: rest is junk");

	memset(big, 'x', sizeof(big) - 1);
	big[1500] = '='; /* in the second piece */
	snprintf(text, sizeof(text), "%shome=/%s\n", valid, big);
	is_int(parse(text, SID, &r), 0, "split line whose rest has '=': parsed as unknown key");
	is_int((long long)strlen(r.home), (long long)sizeof(r.home) - 1, "home truncated");
}

static void test_junk(void)
{
	struct session_record r;
	char text[sizeof(valid) + 8];

	is_int(parse(edit("user=", "user=alice\njunk\n"), SID, &r), -EINVAL, "line without '='");
	is_int(parse(edit("user=", "user=alice\n\n"), SID, &r), -EINVAL, "empty line");
	is_int(parse(edit("user=", "user=alice\n=x\n"), SID, &r), 0, "empty key is unknown");
	is_int(parse(edit("uid=", "uid=1001\r\n"), SID, &r), -EINVAL,
	       "CR after a number refused (strict numbers)");

	/* A NUL byte never occurs in what session_write() writes. */
	memcpy(text, valid, sizeof(valid));
	text[5] = '\0';
	is_int(session_parse(text, sizeof(valid) - 1, SID, &r), -EINVAL, "NUL byte in the text");

	is_int(parse(edit("user=", "user=al=ice\n"), SID, &r), 0, "'=' inside a value");
	is_str(r.user, "al=ice", "value keeps its '='");
}

/* A record of an older helper, without the login's keys, still parses: they read as "". */
static void test_login_old(void)
{
	struct session_record r;

	memset(&r, 'x', sizeof(r));
	is_int(parse(valid, SID, &r), 0, "record without service/tty/rhost/logind_session parses");
	ok(!r.service[0] && !r.tty[0] && !r.rhost[0] && !r.logind[0],
	   "the login's keys read as \"\"");
}

/* session_format() writes what session_parse() reads back, the login's keys included. */
static void test_login_roundtrip(void)
{
	struct session_record w, r;
	struct error err = ERROR_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	is_int(parse(valid, SID, &w), 0, "base record");
	is_int(session_set_login(&w, "sshd", "ssh", "192.0.2.7", "17", &err), 0,
	       "valid items accepted");
	f = open_memstream(&text, &len);
	session_format(f, &w);
	fclose(f);
	ok(strstr(text, "\nservice=sshd\ntty=ssh\nrhost=192.0.2.7\nlogind_session=17\n") != NULL,
	   "format: the login's keys");
	is_int(session_parse(text, len, SID, &r), 0, "formatted record parses");
	is_str(r.service, "sshd", "service");
	is_str(r.tty, "ssh", "tty");
	is_str(r.rhost, "192.0.2.7", "rhost");
	is_str(r.logind, "17", "logind session");
	is_str(r.cg.cgroup, w.cg.cgroup, "the other keys survive (cgroup)");
	ok(memcmp(&r, &w, sizeof(r)) == 0, "the whole record reads back as written");
	free(text);
}

/* The process-model keys: command split into argv, init and user_ns 0 or 1, all optional. */
static void test_process_model(void)
{
	char buf[SESSION_COMMAND_MAX], *argv[SESSION_COMMAND_ARGS + 1];
	struct session_record w, r;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	is_int(parse(valid, SID, &w), 0, "base record");
	ok(!w.command[0] && !w.init && !w.user_ns, "without the keys: no command, init, user_ns");
	is_int(session_command(&w, buf, sizeof(buf), argv, 3), 0, "no command: 0 elements");
	snprintf(w.command, sizeof(w.command), "/usr/bin/kiosk\x1f--title=a b\x1f\x1f-x");
	w.init = w.user_ns = 1;
	f = open_memstream(&text, &len);
	session_format(f, &w);
	fclose(f);
	is_int(session_parse(text, len, SID, &r), 0, "record with the keys parses");
	ok(memcmp(&r, &w, sizeof(r)) == 0, "command, init and user_ns read back as written");
	is_int(session_command(&r, buf, sizeof(buf), argv, 5), 4, "command: 4 elements");
	ok(streq(argv[0], "/usr/bin/kiosk") && streq(argv[1], "--title=a b") && !argv[2][0] &&
	       streq(argv[3], "-x") && !argv[4],
	   "command split at the separator, empty elements kept");
	is_int(session_command(&r, buf, sizeof(buf), argv, 4), -EINVAL, "more than fit: refused");
	free(text);
	is_int(parse(edit("net=", "net=none\ncommand=bin/sh\n"), SID, &r), -EINVAL,
	       "relative command refused");
	is_int(parse(edit("net=", "net=none\ninit=2\n"), SID, &r), -EINVAL, "init=2 refused");
	is_int(parse(edit("net=", "net=none\nuser_ns=yes\n"), SID, &r), -EINVAL,
	       "user_ns=yes refused");
}

/* Items that would not fit, or that are not printable ASCII without space and '=': refused,
 * naming the item, and the record is left as it was. */
static void test_login_invalid(void)
{
	static const struct {
		const char *service, *tty, *rhost, *logind, *names;
	} bad[] = {
	    {"su", "/dev/pts/0\nuser=root", "", "", "PAM_TTY holds byte 0x0a at offset 10"},
	    {"su", "", "a=b", "", "PAM_RHOST holds byte 0x3d at offset 1"},
	    {"su", "", "host name", "", "PAM_RHOST holds byte 0x20"},
	    {"s\x7f", "", "", "", "PAM_SERVICE holds byte 0x7f"},
	    {"su", "", "\xc3\xa9", "", "PAM_RHOST holds byte 0xc3"},
	    {"su", "", "", "1\t", "XDG_SESSION_ID holds byte 0x09"},
	};
	char longer[SESSION_RHOST_MAX + 1];
	struct session_record r;
	struct error err = ERROR_INIT;

	is_int(parse(valid, SID, &r), 0, "base record");
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		err = (struct error)ERROR_INIT;
		is_int(session_set_login(&r, bad[i].service, bad[i].tty, bad[i].rhost,
					 bad[i].logind, &err),
		       -EINVAL, "refused: %s", bad[i].names);
		ok(strstr(error_msg(&err), bad[i].names) != NULL, "message: %s (got: %s)",
		   bad[i].names, error_msg(&err));
	}
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	err = (struct error)ERROR_INIT;
	is_int(session_set_login(&r, "sshd", "ssh", longer, "", &err), -EINVAL, "overlong rhost");
	ok(strstr(error_msg(&err), "PAM_RHOST is too long (256 bytes, at most 255)") != NULL,
	   "message: %s", error_msg(&err));
	longer[SESSION_RHOST_MAX - 1] = '\0';
	err = (struct error)ERROR_INIT;
	is_int(session_set_login(&r, "sshd", "ssh", longer, "", &err), 0,
	       "rhost of 255 bytes fits");
	err = (struct error)ERROR_INIT;
	is_int(session_set_login(&r, "login", "tty1", "", "", &err) == 0 &&
		   session_set_login(&r, "su", "x\n", "", "9", &err) < 0,
	       1, "a refused set after a good one");
	ok(streq(r.service, "login") && streq(r.tty, "tty1") && !r.logind[0],
	   "a refused set changes nothing");
}

int main(void)
{
	test_valid();
	test_login_old();
	test_login_roundtrip();
	test_login_invalid();
	test_process_model();
	test_numbers();
	test_missing();
	test_sid();
	test_cgroup();
	test_overlong();
	test_junk();
	return tap_done();
}
