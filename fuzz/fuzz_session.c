/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for session_parse(), the parser of session records. The input is
 * passed as is (not NUL-terminated: ASan catches reads past len). A record accepted must
 * have NUL-terminated fields, the sid asked for and an absolute cgroup_root. Each input is
 * parsed for the fixed sid of the seeds and, when it starts with "sid=", also for the sid
 * that line names (so records with other sids can be accepted too).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../shell/session.h"

static void check(const uint8_t *data, size_t size, const char *sid)
{
	struct session_record r;

	if (session_parse((const char *)data, size, sid, &r) != 0)
		return;
	if (!memchr(r.sid, '\0', sizeof(r.sid)) || !memchr(r.user, '\0', sizeof(r.user)) ||
	    !memchr(r.profile, '\0', sizeof(r.profile)) ||
	    !memchr(r.cg.cgroup, '\0', sizeof(r.cg.cgroup)) ||
	    !memchr(r.cg.unit, '\0', sizeof(r.cg.unit)) ||
	    !memchr(r.cg.slice, '\0', sizeof(r.cg.slice)) || !memchr(r.home, '\0', sizeof(r.home)))
		abort();
	if (strcmp(r.sid, sid) != 0 || (r.cg.cgroup[0] && r.cg.cgroup[0] != '/'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sid[CONFINE_SID_MAX];
	size_t n = 0;

	check(data, size, "1234-5678");
	/* "sid=" first: use its value as the sid asked for too. */
	if (size > 4 && memcmp(data, "sid=", 4) == 0) {
		while (4 + n < size && n < sizeof(sid) - 1 && data[4 + n] != '\n')
			n++;
		memcpy(sid, data + 4, n);
		sid[n] = '\0';
		check(data, size, sid);
	}
	return 0;
}
