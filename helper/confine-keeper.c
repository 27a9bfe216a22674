/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine-keeper: the first process of a session's systemd scope (a transient scope needs
 * one, and the login program must stay in logind's session scope). confine-helper forks,
 * drops every fd, blocks every signal but SIGTERM, and execs this; it sleeps until the
 * scope is stopped. Linked statically and doing nothing else, it costs a few pages per
 * session instead of a copy of the helper.
 */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
