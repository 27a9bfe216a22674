/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Session events: journal records with CONFINE_* fields, or syslog lines (event.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "log.h"
#include "util.h"

#ifdef HAVE_LIBSYSTEMD
#include <dlfcn.h>
#include <systemd/sd-journal.h>
#endif

/* journald's native socket: present where journald runs (systemd(1) hosts). */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Fixed once (from /proc/sys/kernel/random/uuid), documented in confinectl(8): a log
 * reader can select an event kind by id, whatever the message says. Never change them. */
static const struct {
	const char *name, *id;
} kinds[EVENT_KIND_MAX] = {
    [EVENT_OPEN] = {"open", "c93cda96ca1b414d9120bfa3c6d096c3"},
    [EVENT_CLOSE] = {"close", "98d490170c2443bf98654214f3b26b74"},
    [EVENT_REFUSE] = {"refuse", "509ee4d551fc44d7ad50012f5ceb3bea"},
    [EVENT_OOM_KILL] = {"oom-kill", "1f3d0804f98f4cdcbd156e68e7d4638a"},
    [EVENT_PIDS_MAX] = {"pids-max", "09a276072ff9477a89fc08857563ec3e"},
    [EVENT_TIME_LIMIT] = {"time-limit", "f6f7122bbf9f4241b17962ac939aa8bf"},
};

const char *event_name(enum event_kind k)
{
	return (unsigned)k < EVENT_KIND_MAX ? kinds[k].name : "unknown";
}

const char *event_message_id(enum event_kind k)
{
	return (unsigned)k < EVENT_KIND_MAX ? kinds[k].id : "";
}

struct fields {
	char *buf;
	size_t len, used;
	struct iovec *iov;
	int n;
	bool full;
};

/* Appends "KEY=value" (value up to its first newline); an empty value is left out. */
static void add(struct fields *f, const char *key, const char *value)
{
	size_t vlen, klen = strlen(key);

	if (!value || !value[0])
		return;
	vlen = strcspn(value, "\n");
	if (f->n >= EVENT_FIELDS_MAX || f->len - f->used < klen + 1 + vlen + 1) {
		f->full = true;
		return;
	}
	char *p = f->buf + f->used;
	memcpy(p, key, klen);
	p[klen] = '=';
	memcpy(p + klen + 1, value, vlen);
	p[klen + 1 + vlen] = '\0';
	f->iov[f->n++] = (struct iovec){p, klen + 1 + vlen};
	f->used += klen + 1 + vlen + 1;
}

int event_fields(const struct event *e, const char *message, char *buf, size_t len,
		 struct iovec *iov)
{
	struct fields f = {buf, len, 0, iov, 0, false};
	char prio[4], uid[24], count[24];

	snprintf(prio, sizeof(prio), "%d", e->priority & 7);
	snprintf(uid, sizeof(uid), "%lld", e->uid);
	snprintf(count, sizeof(count), "%llu", e->count);
	add(&f, "MESSAGE", message);
	add(&f, "MESSAGE_ID", event_message_id(e->kind));
	add(&f, "PRIORITY", prio);
	add(&f, "SYSLOG_IDENTIFIER", "confine-helper");
	add(&f, "SYSLOG_FACILITY", "10"); /* LOG_AUTHPRIV >> 3, as the syslog lines */
	add(&f, "CONFINE_EVENT", event_name(e->kind));
	add(&f, "CONFINE_SESSION", e->sid);
	add(&f, "CONFINE_USER", e->user);
	add(&f, "CONFINE_UID", e->uid >= 0 ? uid : NULL);
	add(&f, "CONFINE_PROFILE", e->profile);
	add(&f, "CONFINE_REASON", e->reason);
	add(&f, "CONFINE_COUNT", e->count ? count : NULL);
	return f.full ? -ENOBUFS : f.n;
}

#ifdef HAVE_LIBSYSTEMD
/*
 * To journald's socket with libsystemd's sd_journal_sendv, loaded as the systemd backend
 * loads it (cgroup-systemd.c: hosts without systemd never pay for it). 0, or -errno: the
 * caller then writes the syslog line instead.
 */
static int journal_send(const struct iovec *iov, int n)
{
	static typeof(sd_journal_sendv) *sendv;

	if (access(JOURNAL_SOCKET, F_OK) < 0)
		return -ENOENT;
	if (!sendv) {
		void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		if (!h || !(sendv = (typeof(sd_journal_sendv) *)dlsym(h, "sd_journal_sendv")))
			return -EOPNOTSUPP;
	}
	return sendv(iov, n);
}
#else
static int journal_send(const struct iovec *iov, int n)
{
	(void)iov;
	(void)n;
	return -EOPNOTSUPP;
}
#endif

void event_log(const struct event *e, const char *fmt, ...)
{
	char message[1024], buf[EVENT_BUF_MAX];
	struct iovec iov[EVENT_FIELDS_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	n = event_fields(e, message, buf, sizeof(buf), iov);
	if (n > 0 && journal_send(iov, n) >= 0)
		return;
	log_msg(e->priority, "%s", message);
}
