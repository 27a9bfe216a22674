/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "users.h"
#include "util.h"

int user_groups(const struct passwd *pw, gid_t **ret)
{
	int n = 64;

	/* getgrouplist says how many there are when the first guess was too small. */
	for (int attempt = 0; attempt < 2; attempt++) {
		_cleanup_free_ gid_t *g = calloc(n, sizeof(gid_t));
		if (!g)
			return -ENOMEM;
		if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) >= 0) {
			*ret = TAKE_PTR(g);
			return n;
		}
	}
	return -ENOENT;
}

/* getgrnam_r with a buffer that grows to fit; 0 with *ret NULL when no source knows name. */
static int group_lookup(const char *name, struct group *gr, char **buf, struct group **ret)
{
	size_t len = 4096;

	for (;;) {
		char *b = realloc(*buf, len);
		if (!b)
			return -ENOMEM;
		*buf = b;
		int r = getgrnam_r(name, gr, b, len, ret);
		if (r != ERANGE)
			return -r;
		if (len >= (1u << 24))
			return -ERANGE;
		len *= 2;
	}
}

int user_in_group(const char *name, void *data)
{
	const struct user_membership *u = data;
	_cleanup_free_ char *buf = NULL;
	struct group gr, *res = NULL;
	int r = group_lookup(name, &gr, &buf, &res);

	if (r < 0)
		return r; /* a source failed: cannot tell */
	if (!res)
		return -ENOENT; /* maybe a directory group whose directory is unreachable */
	if (gr.gr_gid == u->pw->pw_gid)
		return 1;
	for (int i = 0; i < u->ngids; i++)
		if (u->gids[i] == gr.gr_gid)
			return 1;
	for (char **m = gr.gr_mem; m && *m; m++)
		if (streq(*m, u->pw->pw_name))
			return 1;
	return 0;
}

/* What the lookup child writes first, as soon as getpwnam answered. */
struct lookup_msg {
	int status; /* 0 or a negative errno; on 0, a lookup_groups_msg follows */
	uid_t uid;
	gid_t gid;
	char name[256], dir[4096];
};

/* Then, once getgrouplist answered: this, then ngroups gids. */
struct lookup_groups_msg {
	int status; /* 0 or a negative errno */
	int ngroups;
};

/* The child: looks the user up and writes the answer to fd. Never returns. */
static _Noreturn void lookup_child(const char *name, int fd)
{
	struct lookup_msg m = {.status = -ENOENT};
	struct lookup_groups_msg gm = {0};
	_cleanup_free_ gid_t *g = NULL;
	const struct passwd *pw = getpwnam(name);

	if (pw && (strlen(pw->pw_name) >= sizeof(m.name) || strlen(pw->pw_dir) >= sizeof(m.dir)))
		m.status = -ENAMETOOLONG;
	else if (pw) {
		m.status = 0;
		m.uid = pw->pw_uid;
		m.gid = pw->pw_gid;
		snprintf(m.name, sizeof(m.name), "%s", pw->pw_name);
		snprintf(m.dir, sizeof(m.dir), "%s", pw->pw_dir);
	}
	/* The caller goes on with what needs only these; the groups, the slower half (they
	 * load the other NSS modules), follow. */
	if (loop_write(fd, &m, sizeof(m)) < 0)
		_exit(1);
	if (m.status < 0)
		_exit(0);
	if ((gm.ngroups = user_groups(pw, &g)) < 0)
		gm.status = -EIO, gm.ngroups = 0;
	bool ok = loop_write(fd, &gm, sizeof(gm)) == 0 &&
		  loop_write(fd, g, (size_t)gm.ngroups * sizeof(gid_t)) == 0;
	_exit(ok ? 0 : 1);
}

int user_lookup_start(const char *name, struct user_lookup *l)
{
	int p[2];

	*l = (struct user_lookup){.fd = -1, .pid = -1};
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((l->pid = fork()) < 0) {
		int r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (l->pid == 0) {
		close(p[0]);
		lookup_child(name, p[1]);
	}
	close(p[1]);
	l->fd = p[0];
	return 0;
}

int user_lookup_passwd(struct user_lookup *l, struct user_info *u)
{
	struct lookup_msg m;

	*u = (struct user_info){0};
	if (l->fd < 0 || loop_read(l->fd, &m, sizeof(m)) < 0)
		return -EIO;
	if (m.status < 0)
		return m.status;
	if (!memchr(m.name, 0, sizeof(m.name)) || !memchr(m.dir, 0, sizeof(m.dir)))
		return -EPROTO;
	memcpy(u->name, m.name, sizeof(u->name));
	memcpy(u->dir, m.dir, sizeof(u->dir));
	u->pw = (struct passwd){.pw_name = u->name,
				.pw_passwd = (char *)"",
				.pw_uid = m.uid,
				.pw_gid = m.gid,
				.pw_gecos = (char *)"",
				.pw_dir = u->dir,
				.pw_shell = (char *)""};
	return 0;
}

int user_lookup_groups(struct user_lookup *l, gid_t **ret, int *ret_n)
{
	struct lookup_groups_msg m;
	_cleanup_free_ gid_t *g = NULL;

	if (l->fd < 0 || loop_read(l->fd, &m, sizeof(m)) < 0)
		return -EIO;
	if (m.status < 0)
		return m.status;
	if (m.ngroups < 0 || m.ngroups > NGROUPS_MAX)
		return -EPROTO;
	if (!(g = calloc((size_t)m.ngroups + 1, sizeof(gid_t))))
		return -ENOMEM;
	if (loop_read(l->fd, g, (size_t)m.ngroups * sizeof(gid_t)) < 0)
		return -EIO;
	*ret = TAKE_PTR(g);
	*ret_n = m.ngroups;
	return 0;
}

void user_lookup_end(struct user_lookup *l)
{
	int st;

	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	/* Its answers are read or no longer wanted: a child still blocked writing them (its
	 * reader died, another copy of the read end open) must not hold us. Ours, not reaped
	 * yet (the caller does not ignore SIGCHLD: confinectl's sanitize_process), so the pid
	 * cannot be another process's. */
	if (l->pid > 0)
		(void)kill(l->pid, SIGKILL);
	while (l->pid > 0 && waitpid(l->pid, &st, 0) < 0 && errno == EINTR)
		;
	l->pid = -1;
}
