/* SPDX-License-Identifier: GPL-2.0-or-later */
/* event_fields(): the journal fields of a session event (helper/event.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "../../helper/event.h"
#include "../../helper/util.h"
#include "tap.h"

static char buf[EVENT_BUF_MAX];
static struct iovec iov[EVENT_FIELDS_MAX];
static int nfields;

static int fields(const struct event *e, const char *message)
{
	return nfields = event_fields(e, message, buf, sizeof(buf), iov);
}

/* The value of field KEY, or NULL when the event has no such field. */
static const char *field(const char *key)
{
	static char v[EVENT_BUF_MAX];
	size_t k = strlen(key);

	for (int i = 0; i < nfields; i++) {
		const char *s = iov[i].iov_base;
		if (iov[i].iov_len > k && strncmp(s, key, k) == 0 && s[k] == '=') {
			snprintf(v, sizeof(v), "%.*s", (int)(iov[i].iov_len - k - 1), s + k + 1);
			return v;
		}
	}
	return NULL;
}

static void test_refuse(void)
{
	struct event e = {.kind = EVENT_REFUSE,
			  .priority = LOG_ERR,
			  .sid = "",
			  .user = "alice",
			  .profile = "guest",
			  .uid = 1001,
			  .reason = "max_sessions = 2"};

	is_int(fields(&e, "refusing the session of 'alice' (profile guest): max_sessions = 2"), 10,
	       "refuse: ten fields (no session yet, no count)");
	is_str(field("MESSAGE"),
	       "refusing the session of 'alice' (profile guest): max_sessions = 2", "MESSAGE");
	is_str(field("MESSAGE_ID"), "509ee4d551fc44d7ad50012f5ceb3bea", "MESSAGE_ID of refuse");
	is_str(field("PRIORITY"), "3", "PRIORITY (LOG_ERR)");
	is_str(field("SYSLOG_IDENTIFIER"), "confine-helper", "SYSLOG_IDENTIFIER");
	is_str(field("SYSLOG_FACILITY"), "10", "SYSLOG_FACILITY (authpriv)");
	is_str(field("CONFINE_EVENT"), "refuse", "CONFINE_EVENT");
	is_str(field("CONFINE_USER"), "alice", "CONFINE_USER");
	is_str(field("CONFINE_UID"), "1001", "CONFINE_UID");
	is_str(field("CONFINE_PROFILE"), "guest", "CONFINE_PROFILE");
	is_str(field("CONFINE_REASON"), "max_sessions = 2", "CONFINE_REASON");
	is_str(field("CONFINE_SESSION"), NULL, "no CONFINE_SESSION before the session has an id");
	is_str(field("CONFINE_COUNT"), NULL, "no CONFINE_COUNT");

	e.uid = -1;
	e.profile = NULL;
	fields(&e, "refusing the session of 'alice': unknown user");
	is_str(field("CONFINE_UID"), NULL, "unknown uid: no CONFINE_UID");
	is_str(field("CONFINE_PROFILE"), NULL, "no profile: no CONFINE_PROFILE");
}

static void test_limits(void)
{
	struct event e = {.kind = EVENT_OOM_KILL,
			  .priority = LOG_WARNING,
			  .sid = "12-34",
			  .user = "bob",
			  .profile = "kiosk",
			  .uid = 1002,
			  .count = 3};

	fields(&e, "session 12-34 of bob: the kernel OOM-killed 3 of its processes");
	is_str(field("CONFINE_EVENT"), "oom-kill", "oom-kill: CONFINE_EVENT");
	is_str(field("CONFINE_SESSION"), "12-34", "oom-kill: CONFINE_SESSION");
	is_str(field("CONFINE_COUNT"), "3", "oom-kill: CONFINE_COUNT");
	is_str(field("PRIORITY"), "4", "oom-kill: PRIORITY (LOG_WARNING)");
	is_str(field("MESSAGE_ID"), "1f3d0804f98f4cdcbd156e68e7d4638a", "oom-kill: MESSAGE_ID");
	is_str(field("CONFINE_REASON"), NULL, "oom-kill: no reason");
	e.kind = EVENT_PIDS_MAX;
	fields(&e, "m");
	is_str(field("CONFINE_EVENT"), "pids-max", "pids-max: CONFINE_EVENT");
	is_str(field("MESSAGE_ID"), "09a276072ff9477a89fc08857563ec3e", "pids-max: MESSAGE_ID");
	e.kind = EVENT_TIME_LIMIT;
	fields(&e, "m");
	is_str(field("CONFINE_EVENT"), "time-limit", "time-limit: CONFINE_EVENT");
	is_str(field("MESSAGE_ID"), "f6f7122bbf9f4241b17962ac939aa8bf", "time-limit: MESSAGE_ID");
}

/* Every kind: a name, a distinct 128-bit id in 32 lowercase hex digits. */
static void test_ids(void)
{
	static const char *const names[] = {"open",	"close",    "refuse",
					    "oom-kill", "pids-max", "time-limit"};

	is_int(ELEMENTSOF(names), EVENT_KIND_MAX, "six kinds");
	for (int k = 0; k < EVENT_KIND_MAX; k++) {
		const char *id = event_message_id(k);
		is_str(event_name(k), names[k], "kind %d is %s", k, names[k]);
		ok(strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32, "%s: id %s", names[k],
		   id);
		for (int j = 0; j < k; j++)
			ok(strcmp(id, event_message_id(j)) != 0, "%s and %s: distinct ids",
			   names[k], names[j]);
	}
}

/* A value is one journal line: cut at its newline (a user name cannot forge a field). */
static void test_one_line(void)
{
	struct event e = {.kind = EVENT_CLOSE,
			  .priority = LOG_INFO,
			  .sid = "1-2",
			  .user = "eve\nCONFINE_USER=root",
			  .uid = 7,
			  .reason = "logout\nX=1"};

	fields(&e, "closed\nPRIORITY=0");
	is_str(field("MESSAGE"), "closed", "MESSAGE cut at its newline");
	is_str(field("CONFINE_USER"), "eve", "CONFINE_USER cut at its newline");
	is_str(field("CONFINE_REASON"), "logout", "CONFINE_REASON cut at its newline");
	is_str(field("PRIORITY"), "6", "PRIORITY is the event's");
	for (int i = 0; i < nfields; i++)
		ok(memchr(iov[i].iov_base, '\n', iov[i].iov_len) == NULL, "field %d: one line", i);
}

static void test_small_buffer(void)
{
	struct event e = {
	    .kind = EVENT_OPEN, .priority = LOG_INFO, .sid = "1-2", .user = "a", .uid = 1};
	char small[64];

	is_int(event_fields(&e, "session 1-2 opened for a", small, sizeof(small), iov), -ENOBUFS,
	       "a buffer too small: -ENOBUFS, no cut record");
}

int main(void)
{
	test_refuse();
	test_limits();
	test_ids();
	test_one_line();
	test_small_buffer();
	return tap_done();
}
