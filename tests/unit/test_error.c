/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct error (shell/error.h): filled at the point of failure, a message never empty. */
#include <errno.h>
#include <string.h>

#include "../../shell/error.h"
#include "tap.h"

static int fails_with(struct error *err, const char *path)
{
	return error_set_errno(err, -ENOENT, "cannot open %s", path);
}

int main(void)
{
	struct error err = ERROR_INIT;
	char big[2 * ERROR_MSG_MAX];

	is_str(error_msg(&err), "unknown error (no failure was recorded)",
	       "nothing failed: says so, not an empty string");
	is_str(error_msg(NULL), "unknown error (no failure was recorded)", "no error at all");

	is_int(fails_with(&err, "/x"), -ENOENT, "error_set_errno returns the code");
	is_int(err.code, -ENOENT, "the code is kept");
	is_str(error_msg(&err), "cannot open /x: No such file or directory", "message: what: why");
	is_int(error_prefix(&err, "session %s", "1-2"), -ENOENT, "error_prefix returns the code");
	is_str(error_msg(&err), "session 1-2: cannot open /x: No such file or directory",
	       "context put before the message");

	is_int(error_set(&err, EPERM, "refused"), -EPERM, "a positive code is made negative");
	is_int(error_set(&err, 0, "odd"), -EIO, "code 0 becomes -EIO: a failure is never 0");
	is_int(error_set(NULL, -EINVAL, "nobody listens"), -EINVAL, "NULL err: the code still");

	/* Filled by something else than error_set (a code, no text): the code is named. */
	err = (struct error){.code = -EACCES};
	is_str(error_msg(&err), "Permission denied (EACCES), no message recorded",
	       "a code without text names the code");

	/* Overlong: cut, NUL-terminated, never overflowing. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error_set(&err, -E2BIG, "%s", big);
	is_int((int)strlen(error_msg(&err)), ERROR_MSG_MAX - 1, "an overlong message is cut");
	error_prefix(&err, "%s", big);
	is_int((int)strlen(error_msg(&err)), ERROR_MSG_MAX - 1, "an overlong prefix is cut");
	return tap_done();
}
