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
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check-keys.h"
#include "util.h"

#define KEYS_FILE_MAX	((size_t)1024 * 1024) /* bigger files are not audited (said) */
#define KEYS_FILES_MAX	8
#define KEYS_TIMEOUT_MS 10000 /* a stuck file system: not audited rather than a hang */

/* A key type starts the line: no options before it. */
static bool starts_with_key(const char *l)
{
	return strncmp(l, "ssh-", 4) == 0 || strncmp(l, "ecdsa-", 6) == 0 ||
	       strncmp(l, "sk-", 3) == 0;
}

/*
 * As sshd reads a line (auth-options.c, sshkey_advance_past_options): options up to the first
 * blank outside quotes, comma-separated, names in any case; \" is the only escape, in quotes
 * or not. A line sshd would reject for another option still counts: reporting too much is
 * harmless here, too little is not.
 */
bool key_line_internal_sftp(const char *line)
{
	const char *p = line + strspn(line, " \t");

	if (!*p || *p == '#' || starts_with_key(p))
		return false;
	while (*p && *p != ' ' && *p != '\t') {
		bool cmd = strncasecmp(p, "command=\"", 9) == 0;
		const char *v = cmd ? p + 9 : NULL;
		if (cmd && strncmp(v, "internal-sftp", 13) == 0 && strchr("\" \t", v[13]))
			return true;
		for (bool q = false; *p && (q || (*p != ',' && *p != ' ' && *p != '\t')); p++)
			if (*p == '\\' && p[1] == '"')
				p++;
			else if (*p == '"')
				q = !q;
		if (*p == ',')
			p++;
	}
	return false;
}

/* One AuthorizedKeysFile pattern for pw into path, relative to the home once expanded (as
 * sshd does); false for a token sshd would refuse, or a path too long. */
static bool expand(const struct passwd *pw, const char *pat, char *path, size_t len)
{
	char tmp[4096];
	size_t n = 0;

	for (const char *s = pat; *s && n < sizeof(tmp) - 1; s++) {
		const char *add = NULL;
		char num[16];
		if (*s != '%') {
			tmp[n++] = *s;
			continue;
		}
		s++;
		if (*s == 'h')
			add = pw->pw_dir;
		else if (*s == 'u')
			add = pw->pw_name;
		else if (*s == 'U')
			add = (snprintf(num, sizeof(num), "%u", (unsigned)pw->pw_uid), num);
		else if (*s == '%')
			add = "%";
		else
			return false;
		n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "%s", add);
	}
	if (n >= sizeof(tmp) - 1)
		return false;
	tmp[n] = '\0';
	return (size_t)snprintf(path, len, "%s%s%s", tmp[0] == '/' ? "" : pw->pw_dir,
				tmp[0] == '/' ? "" : "/", tmp) < len;
}

/* In the child: "F PATH:LINE" for each line with the option, "B PATH" for a file too big to
 * read here, on fd. Lines end at a newline (sshd reads them so) and mean up to a NUL. */
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
	while (n <= KEYS_FILE_MAX && (k = read(f, buf + n, KEYS_FILE_MAX + 1 - n)) > 0)
		n += (size_t)k;
	if (n > KEYS_FILE_MAX) {
		dprintf(fd, "B %s\n", path);
		return;
	}
	unsigned line = 1;
	for (char *l = buf, *end = buf + n; l < end; line++) {
		char *nl = memchr(l, '\n', (size_t)(end - l));
		if (nl)
			*nl = '\0';
		else
			l[end - l] = '\0'; /* buf has a byte past n */
		if (key_line_internal_sftp(l))
			dprintf(fd, "F %s:%u\n", path, line);
		l = nl ? nl + 1 : end;
	}
}

/* The child's privileges: the user's fs ids and groups (sshd reads the files with them),
 * then no capability at all; the real and effective ids stay root's, so the user can
 * neither ptrace nor signal it. */
static int become_reader(const struct passwd *pw)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct none[2] = {{0}};

	if (initgroups(pw->pw_name, pw->pw_gid) < 0)
		return -errno;
	(void)setfsgid(pw->pw_gid);
	(void)setfsuid(pw->pw_uid);
	/* setfsuid/setfsgid report no error: read the ids back. */
	if ((uid_t)setfsuid((uid_t)-1) != pw->pw_uid || (gid_t)setfsgid((gid_t)-1) != pw->pw_gid)
		return -EPERM;
	if (syscall(SYS_capset, &hdr, none) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* The child: every file of the pattern list. Exits 0, or an errno. */
static _Noreturn void scan_as_user(const struct passwd *pw, const char *files, int fd)
{
	char pats[1024], path[4096];
	int r = become_reader(pw);

	if (r < 0)
		_exit(-r);
	snprintf(pats, sizeof(pats), "%s", files);
	unsigned i = 0;
	for (char *save = NULL, *p = strtok_r(pats, " ", &save); p && i < KEYS_FILES_MAX;
	     p = strtok_r(NULL, " ", &save), i++)
		if (!streq(p, "none") && expand(pw, p, path, sizeof(path)))
			scan_file(path, fd);
	_exit(0);
}

/* The child's report into buf (what fits; the rest is read and dropped, so the child never
 * blocks on a full pipe), until it closes the pipe or the deadline passes: 0 or -ETIMEDOUT. */
static int read_report(int fd, char *buf, size_t len)
{
	struct timespec t0, t;
	size_t n = 0;
	char sink[512];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = KEYS_TIMEOUT_MS -
			  ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (ms <= 0 || poll(&pfd, 1, (int)ms) == 0)
			return buf[n] = '\0', -ETIMEDOUT;
		ssize_t k =
		    n < len - 1 ? read(fd, buf + n, len - 1 - n) : read(fd, sink, sizeof(sink));
		if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN))
			break;
		if (k > 0 && n < len - 1)
			n += (size_t)k;
	}
	buf[n] = '\0';
	return 0;
}

int keys_audit(const struct passwd *pw, const char *files, const char *prefix, FILE *out)
{
	char buf[8192];
	int p[2], st = 0, found = 0, r;

	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return fprintf(out, "%skey files not read: %s\n", prefix, strerror(errno)), -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		scan_as_user(pw, files, p[1]);
	}
	close(p[1]);
	r = pid < 0 ? -errno : read_report(p[0], buf, sizeof(buf));
	close(p[0]);
	if (pid > 0 && r == -ETIMEDOUT)
		(void)kill(pid, SIGKILL);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		r = WIFEXITED(st) ? -WEXITSTATUS(st) : -EIO;
	if (r < 0)
		return fprintf(out, "%skey files not read: %s\n", prefix, strerror(-r)), -1;
	bool big = false;
	for (char *l = buf, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = '\0';
		if (l[0] == 'B') {
			fprintf(out, "%s%s: larger than 1 MiB, its keys NOT audited\n", prefix,
				l + 2);
			big = true;
			continue;
		}
		fprintf(out,
			"%s%s: a key with command=\"internal-sftp\": sshd serves that key's sftp "
			"itself, outside the sandbox\n",
			prefix, l + 2);
		found++;
	}
	return big ? -1 : found;
}
