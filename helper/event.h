/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Session events (confine-helper): a session opened, closed or refused, and the limits it
 * hit. One structured record each: to the journal (sd_journal_sendv, CONFINE_* fields and a
 * MESSAGE_ID per kind, see confinectl(8) LOGS) where journald listens, else the same
 * readable line to syslog (LOG_AUTHPRIV), as log_msg() writes. Root-side only: the setuid
 * confine-shell never links this (nor libsystemd).
 */
#pragma once

#include <stddef.h>
#include <sys/uio.h>

enum event_kind {
	EVENT_OPEN,
	EVENT_CLOSE,
	EVENT_REFUSE,
	EVENT_OOM_KILL,
	EVENT_PIDS_MAX,
	EVENT_TIME_LIMIT,
	EVENT_KIND_MAX,
};

/* What an event says; NULL or "" strings and a negative uid are left out of the record. */
struct event {
	enum event_kind kind;
	int priority; /* LOG_INFO, LOG_WARNING, ... */
	const char *sid, *user, *profile;
	long long uid;
	const char *reason;	  /* refuse, close: why */
	unsigned long long count; /* oom-kill, pids-max: how many (0: left out) */
};

/* CONFINE_EVENT= of a kind ("open", "oom-kill", ...), and its MESSAGE_ID (32 hex digits). */
const char *event_name(enum event_kind k);
const char *event_message_id(enum event_kind k);

#define EVENT_FIELDS_MAX 14
#define EVENT_BUF_MAX	 4096

/*
 * The journal fields of e with the human message: "KEY=value" strings in buf (len bytes),
 * one iovec each in iov (EVENT_FIELDS_MAX). Values are cut at a newline (one line each).
 * Returns the number of fields, or -ENOBUFS.
 */
int event_fields(const struct event *e, const char *message, char *buf, size_t len,
		 struct iovec *iov);

/* Logs e with the message fmt: once, to the journal or else to syslog. */
void event_log(const struct event *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
