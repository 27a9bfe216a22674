/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Key lines that have sshd serve a confined account's sftp itself (check-keys.h). sshd runs a
 * key's forced command "internal-sftp" in its own process, as the user, in the host's
 * namespaces: the login shell never runs, so the sandbox never exists. The files are the
 * user's: a child reads them with the user's file system ids and groups (as sshd does, and
 * as an NFS server with root_squash lets it), staying root in its real and effective ids so that
 * the user can neither ptrace nor signal it, and reports what it found through a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-keys.h"
#include "util.h"

#define KEYS_FILE_MAX  ((size_t)1024 * 1024) /* read at most this much of one file */
#define KEYS_FILES_MAX 8

/* A key type starts the line: no options before it. */
static bool starts_with_key(const char *l)
{
	return strncmp(l, "ssh-", 4) == 0 || strncmp(l, "ecdsa-", 6) == 0 ||
	       strncmp(l, "sk-", 3) == 0;
}

bool key_line_internal_sftp(const char *line)
{
	const char *p = line + strspn(line, " \t");

	if (!*p || *p == '#' || starts_with_key(p))
		return false;
	/* The options: comma-separated, up to the first blank outside quotes. */
	while (*p && *p != ' ' && *p != '\t') {
		bool cmd = strncasecmp(p, "command=\"", 9) == 0;
		const char *v = cmd ? p + 9 : NULL;
		if (cmd && strncmp(v, "internal-sftp", 13) == 0 && strchr("\" \t", v[13]))
			return true;
		/* To the next option: past a quoted value (\" inside it is a quote). */
		for (bool q = false; *p && (q || (*p != ',' && *p != ' ' && *p != '\t')); p++)
			if (*p == '\\' && q && p[1])
				p++;
			else if (*p == '"')
				q = !q;
		if (*p == ',')
			p++;
	}
	return false;
}

/* One AuthorizedKeysFile pattern for pw into path; false for a token sshd would refuse. */
static bool expand(const struct passwd *pw, const char *pat, char *path, size_t len)
{
	size_t n = 0;

	if (pat[0] != '/' && pat[0] != '%')
		n = (size_t)snprintf(path, len, "%s/", pw->pw_dir);
	for (const char *s = pat; *s && n < len; s++) {
		if (*s != '%') {
			path[n++] = *s;
			continue;
		}
		s++;
		if (*s == 'h')
			n += (size_t)snprintf(path + n, len - n, "%s", pw->pw_dir);
		else if (*s == 'u')
			n += (size_t)snprintf(path + n, len - n, "%s", pw->pw_name);
		else if (*s == 'U')
			n += (size_t)snprintf(path + n, len - n, "%u", (unsigned)pw->pw_uid);
		else if (*s == '%')
			path[n++] = '%';
		else
			return false;
	}
	if (n >= len)
		return false;
	path[n] = '\0';
	return true;
}

/* In the child: each line of path with the option, as "PATH:LINE\n" on fd. */
static void scan_file(const char *path, int fd)
{
	_cleanup_free_ char *buf = malloc(KEYS_FILE_MAX + 1);
	_cleanup_close_ int h = open(path, O_PATH | O_CLOEXEC), f = -1;
	char self[64];
	struct stat st;
	size_t n = 0;
	ssize_t k;

	/* Only a regular file (sshd reads nothing else), looked at before it is opened for
	 * reading: opening a device or a FIFO can have effects of its own. */
	if (!buf || h < 0 || fstat(h, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", h);
	/* cppcheck does not know __attribute__((cleanup)): buf is freed by it. */
	if ((f = open(self, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0)
		return; // cppcheck-suppress memleak
	while (n < KEYS_FILE_MAX && (k = read(f, buf + n, KEYS_FILE_MAX - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	unsigned line = 1;
	for (char *l = buf, *nl; l; l = nl ? nl + 1 : NULL, line++) {
		if ((nl = strchr(l, '\n')))
			*nl = '\0';
		if (key_line_internal_sftp(l))
			dprintf(fd, "%s:%u\n", path, line);
	}
}

/* The child: the user's fs ids and groups (sshd reads the files with them), then every file.
 * Exits 0, or an errno. */
static _Noreturn void scan_as_user(const struct passwd *pw, const char *files, int fd)
{
	char pats[1024], path[4096];

	if (initgroups(pw->pw_name, pw->pw_gid) < 0)
		_exit(errno);
	(void)setfsgid(pw->pw_gid);
	(void)setfsuid(pw->pw_uid);
	/* setfsuid/setfsgid report no error: read the ids back. */
	if ((uid_t)setfsuid((uid_t)-1) != pw->pw_uid || (gid_t)setfsgid((gid_t)-1) != pw->pw_gid)
		_exit(EPERM);
	snprintf(pats, sizeof(pats), "%s", files);
	unsigned i = 0;
	for (char *save = NULL, *p = strtok_r(pats, " ", &save); p && i < KEYS_FILES_MAX;
	     p = strtok_r(NULL, " ", &save), i++)
		if (!streq(p, "none") && expand(pw, p, path, sizeof(path)))
			scan_file(path, fd);
	_exit(0);
}

int keys_audit(const struct passwd *pw, const char *files, const char *prefix, FILE *out)
{
	char buf[8192];
	size_t n = 0;
	int p[2], st, found = 0;
	ssize_t k;

	if (pipe2(p, O_CLOEXEC) < 0)
		return fprintf(out, "%skey files not read: %s\n", prefix, strerror(errno)), -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		scan_as_user(pw, files, p[1]);
	}
	close(p[1]);
	/* To the end, keeping what fits: a child left blocked on a full pipe would never exit. */
	char sink[512];
	while (pid > 0 && (k = n < sizeof(buf) - 1 ? read(p[0], buf + n, sizeof(buf) - 1 - n)
						   : read(p[0], sink, sizeof(sink))))
		if (k > 0 && n < sizeof(buf) - 1)
			n += (size_t)k;
		else if (k < 0 && errno != EINTR)
			break;
	buf[n] = '\0';
	close(p[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fprintf(out, "%skey files not read\n", prefix), -1;
	for (char *l = buf, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = '\0';
		fprintf(out,
			"%s%s: a key with command=\"internal-sftp\": sshd serves that key's sftp "
			"itself, outside the sandbox\n",
			prefix, l);
		found++;
	}
	return found;
}
