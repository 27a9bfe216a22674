/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reading side of session records (linked into the setuid confine-shell): parsing a
 * root-written record, and the kernel facts (pid, start time, parent) that name a session.
 * Writing and removing records is the helper's (helper/session-store.c).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "session.h"
#include "util.h"

static int read_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n < 0 ? negerrno() : -EIO;
	buf[n] = '\0';
	/* comm may contain anything, even ") "; the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	if (sscanf(p + 2,
		   "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   ppid, start) != 2)
		return -EIO;
	return 0;
}

int proc_start_time(pid_t pid, unsigned long long *ret)
{
	pid_t pp;

	return read_stat(pid, &pp, ret);
}

int proc_parent(pid_t pid, pid_t *ret)
{
	unsigned long long st;

	return read_stat(pid, ret, &st);
}

int session_id(pid_t pid, char *buf, size_t len)
{
	unsigned long long start = 0;
	int r = proc_start_time(pid, &start);

	if (r < 0)
		return r;
	snprintf(buf, len, "%d-%llu", (int)pid, start);
	return 0;
}

bool session_sid_valid(const char *sid)
{
	size_t n = strspn(sid, "0123456789-");

	return n > 0 && sid[n] == '\0' && n < CONFINE_SID_MAX;
}

static void copy_field(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
}

/* A plain decimal number (no sign, no space, no junk) up to max, or -EINVAL. */
static int parse_num(const char *v, unsigned long long max, unsigned long long *ret)
{
	char *end;

	if (!*v || strspn(v, "0123456789") != strlen(v))
		return -EINVAL;
	errno = 0;
	*ret = strtoull(v, &end, 10);
	if (errno || *ret > max)
		return -EINVAL;
	return 0;
}

#define STR(f)	    offsetof(struct session_record, f), sizeof(((struct session_record *)0)->f), 0
#define NUM(f, max) offsetof(struct session_record, f), sizeof(((struct session_record *)0)->f), max
#define OPT(f)	    STR(f), true

/* The record's fields: strings (max 0) or plain decimal numbers up to max. */
static const struct field {
	const char *key;
	size_t off, size;
	unsigned long long max;
	bool optional; /* keys added later: a record of an older helper lacks them */
} fields[] = {
    {"sid", STR(sid)},
    {"user", STR(user)},
    {"uid", NUM(uid, (uid_t)-2)},
    {"gid", NUM(gid, (gid_t)-2)},
    {"groups", STR(groups)},
    {"home_dir", STR(home_dir)},
    {"profile", STR(profile)},
    {"cgroup", STR(cg.cgroup)},
    {"unit", STR(cg.unit)},
    {"slice", STR(cg.slice)},
    {"home", STR(home)},
    {"shell", STR(shell)},
    {"hostname", STR(hostname)},
    {"net", STR(net)},
    {"tmp_size", NUM(tmp_size, ~0ULL)},
    {"started", NUM(started, ~0ULL)},
    {"max_duration", NUM(max_duration, ~0ULL)},
    {"grace", NUM(grace, ~0ULL)},
    {"caller_pid", NUM(caller_pid, 1U << 22)},
    {"caller_start", NUM(caller_start, ~0ULL)},
    {"service", OPT(service)},
    {"tty", OPT(tty)},
    {"rhost", OPT(rhost)},
    {"logind_session", OPT(logind)},
    {"command", OPT(command)},
    {"init", NUM(init, 1), true},
    {"user_ns", NUM(user_ns, 1), true},
    {"graphical", NUM(graphical, 1), true},
    {"gpu", NUM(gpu, 1), true},
    {"audio", NUM(audio, 1), true},
    {"ssh_readonly", NUM(ssh_readonly, 1), true},
};

/* The bits of the fields every record has. */
static unsigned required_fields(void)
{
	unsigned m = 0;

	for (size_t i = 0; i < ELEMENTSOF(fields); i++)
		if (!fields[i].optional)
			m |= 1U << i;
	return m;
}

/* One "key=value" line (no newline, NUL-terminated) into r; bit of the field seen, or -EINVAL. */
static int parse_line(char *line, struct session_record *r)
{
	char *eq = strchr(line, '=');
	unsigned long long n;

	if (!eq)
		return -EINVAL;
	*eq = '\0';
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		const struct field *f = &fields[i];
		char *dst = (char *)r + f->off;
		if (!streq(line, f->key))
			continue;
		if (!f->max) {
			copy_field(dst, f->size, eq + 1);
		} else {
			if (parse_num(eq + 1, f->max, &n) < 0)
				return -EINVAL;
			if (f->size == sizeof(unsigned long long))
				*(unsigned long long *)dst = n;
			else
				*(unsigned *)dst = (unsigned)n; /* uid_t, gid_t, pid_t */
		}
		return 1 << i;
	}
	return 0; /* unknown keys are ignored */
}

int session_parse(const char *text, size_t len, const char *sid, struct session_record *r)
{
	char line[SESSION_LINE_MAX];
	unsigned seen = 0;
	size_t pos = 0;

	memset(r, 0, sizeof(*r));
	if (!sid || !session_sid_valid(sid))
		return -EINVAL;
	while (pos < len) {
		/* Lines are split every sizeof(line) - 1 bytes, as fgets() did. */
		size_t n = 0;
		int bit;

		while (pos < len && n < sizeof(line) - 1) {
			char c = text[pos++];

			if (c == '\0')
				return -EINVAL; /* never in a record session_write() wrote */
			line[n++] = c;
			if (c == '\n')
				break;
		}
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		bit = parse_line(line, r);
		if (bit < 0)
			return bit;
		seen |= (unsigned)bit;
	}
	if ((seen & required_fields()) != required_fields() || !streq(r->sid, sid) ||
	    (r->cg.cgroup[0] && r->cg.cgroup[0] != '/') || r->home_dir[0] != '/' ||
	    r->shell[0] != '/' || !r->hostname[0] ||
	    (!streq(r->net, "none") && !streq(r->net, "host") && !streq(r->net, "allow")) ||
	    r->caller_pid <= 0 || (r->command[0] && r->command[0] != '/'))
		return -EINVAL;
	return 0;
}

int session_read(const char *sid, struct session_record *r)
{
	char path[128], buf[SESSION_RECORD_MAX + 1];
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t len = 0;

	if (!session_sid_valid(sid))
		return -EINVAL;
	snprintf(path, sizeof(path), CONFINE_SESSIONS_DIR "/%s", sid);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	/* Only records root wrote count. */
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022) || !S_ISREG(st.st_mode))
		return -EPERM;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negerrno();
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > SESSION_RECORD_MAX)
			return -EFBIG; /* far more than session_write() ever writes */
	}
	return session_parse(buf, len, sid, r);
}

int session_command(const struct session_record *r, char *buf, size_t len, char **argv, int max)
{
	int n = 0;

	if (!r->command[0])
		return 0;
	if (strlen(r->command) >= len)
		return -EINVAL;
	memcpy(buf, r->command, strlen(r->command) + 1);
	for (char *p = buf; p; n++) {
		char *sep = strchr(p, SESSION_COMMAND_SEP);
		if (n >= max - 1)
			return -EINVAL;
		if (sep)
			*sep = '\0';
		argv[n] = p;
		p = sep ? sep + 1 : NULL;
	}
	argv[n] = NULL;
	return argv[0][0] == '/' ? n : -EINVAL;
}

int session_groups(const struct session_record *r, gid_t *gids, int max)
{
	int n = 0;

	for (const char *p = r->groups; *p;) {
		unsigned long long v;
		char num[16];
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(num) || n >= max)
			return -EINVAL;
		memcpy(num, p, len);
		num[len] = '\0';
		if (parse_num(num, (gid_t)-2, &v) < 0)
			return -EINVAL;
		gids[n++] = (gid_t)v;
		p += len + (p[len] == ',');
	}
	return n;
}

bool session_caller_alive(const struct session_record *r)
{
	unsigned long long start = 0;

	return proc_start_time(r->caller_pid, &start) == 0 && start == r->caller_start;
}
