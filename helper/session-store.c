/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helper's side of a session's state under /run/confine (root, never in the setuid
 * confine-shell, which only reads it: shell/session-read.c, shell/session-procs.c):
 * writing and removing session records, creating and closing the process registry of a
 * session without a cgroup.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "protocol.h"
#include "session-procs.h"
#include "session-store.h"
#include "session.h"
#include "util.h"

#define CLOSE_PASSES 3 /* a sandbox registering during a pass ends itself; look again */

void session_format(FILE *f, const struct session_record *r)
{
	fprintf(f,
		"sid=%s\nuser=%s\nuid=%u\ngid=%u\ngroups=%s\nhome_dir=%s\nprofile=%s\n"
		"cgroup=%s\nunit=%s\nslice=%s\nhome=%s\nshell=%s\nhostname=%s\nnet=%s\n"
		"tmp_size=%llu\nstarted=%llu\nmax_duration=%llu\ngrace=%llu\ncaller_pid=%d\n"
		"caller_start=%llu\nservice=%s\ntty=%s\nrhost=%s\nlogind_session=%s\ncommand=%s\n"
		"init=%u\nuser_ns=%u\ngraphical=%u\ngpu=%u\naudio=%u\nssh_readonly=%u\n",
		r->sid, r->user, (unsigned)r->uid, (unsigned)r->gid, r->groups, r->home_dir,
		r->profile, r->cg.cgroup, r->cg.unit, r->cg.slice, r->home, r->shell, r->hostname,
		r->net, r->tmp_size, r->started, r->max_duration, r->grace, (int)r->caller_pid,
		r->caller_start, r->service, r->tty, r->rhost, r->logind, r->command, r->init,
		r->user_ns, r->graphical, r->gpu, r->audio, r->ssh_readonly);
}

/* One login item into dst: shorter than len, printable ASCII, no '=' (the record is
 * "key=value" lines; '=' would do no harm after the first, but has no business in these). */
static int login_item(char *dst, size_t len, const char *name, const char *v, struct error *err)
{
	size_t n = strlen(v);

	if (n >= len)
		return error_set(err, -EINVAL, "%s is too long (%zu bytes, at most %zu)", name, n,
				 len - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7e || v[i] == '=')
			return error_set(err, -EINVAL,
					 "%s holds byte 0x%02x at offset %zu (only printable "
					 "ASCII without space and '=' is recorded)",
					 name, (unsigned char)v[i], i);
	memcpy(dst, v, n + 1);
	return 0;
}

int session_set_login(struct session_record *r, const char *service, const char *tty,
		      const char *rhost, const char *logind, struct error *err)
{
	struct session_record t = {0};
	int q;

	if ((q = login_item(t.service, sizeof(t.service), "PAM_SERVICE", service, err)) < 0 ||
	    (q = login_item(t.tty, sizeof(t.tty), "PAM_TTY", tty, err)) < 0 ||
	    (q = login_item(t.rhost, sizeof(t.rhost), "PAM_RHOST", rhost, err)) < 0 ||
	    (q = login_item(t.logind, sizeof(t.logind), "XDG_SESSION_ID", logind, err)) < 0)
		return q;
	memcpy(r->service, t.service, sizeof(t.service));
	memcpy(r->tty, t.tty, sizeof(t.tty));
	memcpy(r->rhost, t.rhost, sizeof(t.rhost));
	memcpy(r->logind, t.logind, sizeof(t.logind));
	return 0;
}

int session_write(const struct session_record *r)
{
	char tmp[128], path[128];
	_cleanup_fclose_ FILE *f = NULL;
	int fd;

	if (!session_sid_valid(r->sid))
		return -EINVAL;
	/* Root-only: the records say who is confined. */
	(void)mkdir(CONFINE_RUN_DIR, 0700);
	if (mkdir(CONFINE_SESSIONS_DIR, 0700) < 0 && errno != EEXIST)
		return negerrno();
	if (chmod(CONFINE_SESSIONS_DIR, 0700) < 0) /* made 0755 by an earlier version */
		return negerrno();
	snprintf(path, sizeof(path), CONFINE_SESSIONS_DIR "/%s", r->sid);
	snprintf(tmp, sizeof(tmp), CONFINE_SESSIONS_DIR "/.%s.tmp", r->sid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return negerrno();
	if (fchmod(fd, 0600) < 0) { /* a stale temporary file may have had another mode */
		close(fd);
		return negerrno();
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return negerrno();
	}
	session_format(f, r);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0)
		return negerrno();
	/* Readers see the whole record or none. */
	if (rename(tmp, path) < 0)
		return negerrno();
	return 0;
}

int session_remove(const char *sid)
{
	char path[128];

	if (!session_sid_valid(sid))
		return -EINVAL;
	snprintf(path, sizeof(path), CONFINE_SESSIONS_DIR "/%s", sid);
	if (unlink(path) < 0 && errno != ENOENT)
		return negerrno();
	return 0;
}

int procs_create(const char *sid)
{
	char path[128];
	_cleanup_close_ int fd = -1, m = -1;
	int r;

	if ((r = procs_dir_path(sid, path, sizeof(path))) < 0)
		return r;
	if (mkdir(CONFINE_PROCS_DIR, 0700) < 0 && errno != EEXIST)
		return negerrno();
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return negerrno();
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	m = openat(fd, PROCS_OPEN_MARKER, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	return m < 0 ? negerrno() : 0;
}

/* One pass over the entries: kill and forget each sandbox. Returns how many there were. */
static int kill_registered(int dirfd)
{
	_cleanup_close_ int fd = dup(dirfd);
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (fd < 0 || !(d = fdopendir(TAKE_FD(fd))))
		return negerrno();
	while ((de = readdir(d))) {
		unsigned long long start;
		int pid, len = 0;

		if (sscanf(de->d_name, "%d-%llu%n", &pid, &start, &len) != 2 ||
		    (size_t)len != strlen(de->d_name) || pid <= 1)
			continue;
		procs_kill_sandbox(pid, start);
		(void)unlinkat(dirfd, de->d_name, 0);
		n++;
	}
	closedir(d);
	return n;
}

int procs_close(const char *sid)
{
	char path[128];
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = procs_dir_path(sid, path, sizeof(path))) < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : negerrno();
	/* No new sandbox may start from here on (procs_register sees the marker gone). */
	if (unlinkat(fd, PROCS_OPEN_MARKER, 0) < 0 && errno != ENOENT)
		return negerrno();
	for (int pass = 0; pass < CLOSE_PASSES; pass++) {
		if ((r = kill_registered(fd)) < 0)
			return r;
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != ENOTEMPTY)
			return negerrno();
	}
	return -EBUSY;
}
