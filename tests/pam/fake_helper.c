/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for confine-helper in the PAM tests. test_pam makes a directory per case holding
 * a symlink "confine-helper" to this program, so dirname(argv[0]) is that case's directory.
 * It appends what it was started with to DIR/record.VERB (VERB: argv[1], "open", "close",
 * "logout" or "account"), then copies DIR/stdout[.VERB] to stdout and exits with the number in
 * DIR/exit[.VERB], or kills itself with SIGKILL if that file says "kill". Missing exit file:
 * exit 0.
 *
 * Written in C, not sh: a shell opens descriptors of its own (the script, saved redirections),
 * which would hide or fake the "no inherited descriptors" check.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static char dir[PATH_MAX];

static FILE *open_case_file(const char *name, const char *verb, const char *mode)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, verb);
	f = fopen(path, mode);
	if (!f && mode[0] == 'r') {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		f = fopen(path, mode);
	}
	return f;
}

static const char *fd_kind(int fd)
{
	struct stat st, null;

	if (fstat(fd, &st) < 0)
		return "closed";
	if (S_ISFIFO(st.st_mode))
		return "pipe";
	if (stat("/dev/null", &null) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == null.st_rdev)
		return "devnull";
	return "other";
}

/*
 * A signal set from /proc/self/status as "as=N,N,...". Signals 32..SIGRTMIN-1 belong to libc,
 * which refuses to change them (so no caller can reset them for the helper): left out.
 */
static void copy_status_line(FILE *rec, const char *key, const char *as)
{
	unsigned long long set = 0;
	char line[256];
	const char *sep = "";
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			set = strtoull(line + strlen(key), NULL, 16);
	fclose(f);
	fprintf(rec, "%s=", as);
	for (int sig = 1; sig <= 64; sig++) {
		if (!(set & (1ULL << (sig - 1))) || (sig >= 32 && sig < SIGRTMIN))
			continue;
		fprintf(rec, "%s%d", sep, sig);
		sep = ",";
	}
	fprintf(rec, "\n");
}

int main(int argc, char **argv)
{
	int fds[64], nfds = 0, c;
	const char *verb;
	struct dirent *de;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	char what[32] = "";
	FILE *rec, *f;
	DIR *d;

	/* First, before this program opens anything: the inherited descriptors. */
	d = opendir("/proc/self/fd");
	if (!d)
		return 99;
	while ((de = readdir(d)) && nfds < 64) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		fds[nfds++] = atoi(de->d_name);
	}
	closedir(d);

	if (argc < 1 || !strrchr(argv[0], '/'))
		return 98;
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(argv[0], '/') - argv[0]), argv[0]);
	verb = argc > 1 && (strcmp(argv[1], "open") == 0 || strcmp(argv[1], "close") == 0 ||
			    strcmp(argv[1], "logout") == 0 || strcmp(argv[1], "account") == 0)
		   ? argv[1]
		   : "other";

	rec = open_case_file("record", verb, "ae");
	if (!rec)
		return 97;
	fprintf(rec, "run\nargv0=%s\n", argv[0]);
	for (int i = 1; i < argc; i++)
		fprintf(rec, "arg=%s\n", argv[i]);
	for (char **e = environ; *e; e++)
		fprintf(rec, "env=%s\n", *e);
	/* readdir order is not guaranteed: sort. */
	for (int i = 1; i < nfds; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (int i = 0; i < nfds; i++)
		fprintf(rec, "fd=%d\n", fds[i]);
	fprintf(rec, "stdin=%s\nstdout=%s\nstderr=%s\n", fd_kind(0), fd_kind(1), fd_kind(2));
	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	fprintf(rec, "uid=%u %u %u\ngid=%u %u %u\n", ru, eu, su, rg, eg, sg);
	fprintf(rec, "ppid=%d\n", (int)getppid());
	{
		char cwd[PATH_MAX];
		mode_t mask = umask(0);

		fprintf(rec, "cwd=%s\numask=%04o\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?",
			(unsigned)mask);
	}
	fprintf(rec, "session_leader=%s\n", getsid(0) == getpid() ? "yes" : "no");
	copy_status_line(rec, "SigBlk:", "sigblk");
	copy_status_line(rec, "SigIgn:", "sigign");
	fclose(rec);

	/* DIR/hold.VERB (a FIFO): stay until the test writes to it (20 s at most), then
	 * leave DIR/done.VERB, so the test can tell whether its caller waited for us. */
	{
		char path[PATH_MAX * 2];
		int fd;

		snprintf(path, sizeof(path), "%s/hold.%s", dir, verb);
		alarm(20);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!read(fd, what, 1);
			close(fd);
			snprintf(path, sizeof(path), "%s/done.%s", dir, verb);
			close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		}
		alarm(0);
	}

	f = open_case_file("stdout", verb, "re");
	if (f) {
		while ((c = getc(f)) != EOF)
			putchar(c);
		fclose(f);
	}
	fflush(stdout);

	f = open_case_file("exit", verb, "re");
	if (f) {
		if (!fgets(what, sizeof(what), f))
			what[0] = '\0';
		fclose(f);
	}
	if (strncmp(what, "kill", 4) == 0)
		kill(getpid(), SIGKILL);
	return atoi(what);
}
