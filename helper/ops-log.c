/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The last log lines about a session, from the journal or /var/log/auth.log (ops-log.h). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ops-log.h"
#include "util.h"

#define AUTH_LOG "/var/log/auth.log"

bool ops_log_match(const char *line, const char *sid)
{
	size_t k = strlen(sid);

	for (const char *p = strstr(line, "session "); p; p = strstr(p + 1, "session ")) {
		const char *id = p + strlen("session ");
		if (strncmp(id, sid, k) == 0 && !(id[k] == '-' || (id[k] >= '0' && id[k] <= '9')))
			return true;
	}
	return false;
}

void ops_log_add(struct ops_log *log, const char *line)
{
	char *to = log->line[log->next];

	snprintf(to, OPS_LOG_WIDTH, "%.*s", (int)strcspn(line, "\n"), line);
	log->next = (log->next + 1) % OPS_LOG_LINES;
	if (log->n < OPS_LOG_LINES)
		log->n++;
}

const char *ops_log_get(const struct ops_log *log, size_t i)
{
	return log->line[(log->next + OPS_LOG_LINES - log->n + i) % OPS_LOG_LINES];
}

static void log_filter(FILE *f, const char *sid, struct ops_log *log)
{
	char line[4096];

	while (fgets(line, sizeof(line), f))
		if (ops_log_match(line, sid))
			ops_log_add(log, line);
}

/* journalctl's output of this boot's lines of confine's programs, sent by root; the journal
 * runs. */
static bool from_journal(const char *sid, struct ops_log *log)
{
	static const char *const paths[] = {"/usr/bin/journalctl", "/bin/journalctl"};
	const char *path = NULL;
	int p[2], status = 0;
	pid_t pid, w;

	for (size_t i = 0; i < ELEMENTSOF(paths) && !path; i++)
		if (access(paths[i], X_OK) == 0)
			path = paths[i];
	if (!path || access("/run/systemd/journal/socket", F_OK) < 0 || pipe2(p, O_CLOEXEC) < 0)
		return false;
	if ((pid = fork()) == 0) {
		char *const argv[] = {"journalctl", "-q", "--no-pager", "-b", "-o", "short-iso",
				      "SYSLOG_IDENTIFIER=confine-helper",
				      "SYSLOG_IDENTIFIER=confine-shell",
				      "SYSLOG_IDENTIFIER=confinectl",
				      /* The identifier is the sender's word (logger -t); the uid
				       * is the kernel's: only root's lines are confine's. */
				      "_UID=0", NULL};
		char *const envp[] = {NULL};
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		/* A plain child: its stdout the pipe, nothing of ours on stdin and stderr. */
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return false;
	}
	FILE *f = fdopen(p[0], "r");
	if (f) {
		log_filter(f, sid, log);
		fclose(f);
	} else {
		close(p[0]);
	}
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	return w == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void ops_log_read(const char *sid, struct ops_log *log)
{
	_cleanup_fclose_ FILE *f = NULL;

	*log = (struct ops_log){};
	if (from_journal(sid, log)) {
		log->source = "journal";
		return;
	}
	*log = (struct ops_log){};
	if ((f = fopen(AUTH_LOG, "re"))) {
		log_filter(f, sid, log);
		log->source = AUTH_LOG;
	}
}
