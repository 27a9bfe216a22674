/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench/native-login.sh's reference login shell: bash -l under bwrap --unshare-all, the
 * sandbox bubblewrap gives an unprivileged user (a user namespace and every other one, a
 * read-only root, its own /proc, /dev and /tmp; the home bound read-write). Not installed,
 * never setuid: a measurement aid only.
 */
#include <unistd.h>

int main(int argc, char **argv)
{
	char *v[64] = {"bwrap", "--unshare-all", "--die-with-parent", "--new-session",
		       "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
		       "--tmpfs", "/tmp", "--bind", "/home", "/home", "--", "/bin/bash", "-l"};
	int n = 19;

	for (int i = 1; i < argc && n < 63; i++)
		v[n++] = argv[i];
	v[n] = NULL;
	execv("/usr/bin/bwrap", v);
	return 127;
}
