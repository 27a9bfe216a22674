/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confine.conf: profiles and ordered match rules (libconfig syntax). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

#define CONFINE_CONF_DIR     "/etc/confine"
#define CONFINE_CONF_DEFAULT CONFINE_CONF_DIR "/confine.conf"

enum home_mode {
	HOME_EPHEMERAL,	 /* overlay: real home read-only lower, upper on a per-session tmpfs */
	HOME_PERSISTENT, /* overlay: upper kept under state_dir/<user>/ */
	HOME_TMPFS,	 /* size-limited tmpfs populated from /etc/skel */
	HOME_BIND,	 /* the real home itself, read-write (opened as the user) */
};

enum net_mode {
	NET_NONE,  /* new network namespace with only lo */
	NET_HOST,  /* share the host's network */
	NET_ALLOW, /* a network namespace of the session reaching only net_allow (netns.c) */
};

/*
 * A profile. Every field but name is a key of profile_keys[] (profile.c), which says how it
 * is read, printed and defaulted and, for a limit, where it goes: a new key is a field here
 * and a row there.
 */
struct confine_profile {
	/* Ordered by size (clang-analyzer's padding check): pointers and 64-bit values first. */
	char *name;
	char *hostname;		  /* default "confine" */
	char *shell;		  /* absolute path of the real shell; default "/bin/bash" */
	char *cpuset_cpus;	  /* cpuset.cpus list like "0-3,6", or NULL (all) */
	char *io_path;		  /* io limits apply to the block device holding this path */
	char **services;	  /* PAM services (fnmatch globs) known to run the login shell;
				   * NULL-terminated, never empty; default CONFINE_DEFAULT_SERVICES */
	char **command;		  /* program run instead of the shell and its arguments, NULL-
				   * terminated; NULL: the shell (default). See PROFILE_COMMAND_* */
	char **net_allow;	  /* net = "allow": "proto:addr[/prefix]:port" entries (net-rule.h),
				   * NULL-terminated; NULL when not set (nothing reachable) */
	uint64_t home_size;	  /* bytes: upper tmpfs (ephemeral) or tmpfs home; default 256M */
	uint64_t tmp_size;	  /* bytes: private /tmp and /dev/shm each; default 64M */
	uint64_t memory_max;	  /* bytes or UNIT_MAX; default UNIT_MAX */
	uint64_t memory_high;	  /* bytes or UNIT_MAX; default UNIT_MAX */
	uint64_t memory_swap_max; /* bytes or UNIT_MAX; default UNIT_MAX */
	uint64_t pids_max;	  /* count or UNIT_MAX; default UNIT_MAX */
	uint64_t io_read_bps;	  /* bytes/s or UNIT_MAX; io.max rbps */
	uint64_t io_write_bps;	  /* bytes/s or UNIT_MAX; io.max wbps */
	uint64_t io_read_iops;	  /* or UNIT_MAX; io.max riops */
	uint64_t io_write_iops;	  /* or UNIT_MAX; io.max wiops */
	/* Per-user aggregate: one budget for all of the user's sessions together. */
	uint64_t user_memory_max;    /* bytes or UNIT_MAX */
	uint64_t user_pids_max;	     /* count or UNIT_MAX */
	uint64_t max_duration;	     /* seconds, 0 = unlimited */
	uint64_t max_duration_grace; /* seconds between the SIGHUP and the kill; default 30 */
	enum home_mode home;
	enum net_mode net;	 /* default NET_NONE */
	unsigned cpu_quota;	 /* percent of one CPU, 0 = unlimited; default 0 */
	unsigned cpu_weight;	 /* 1..10000, 0 = kernel default (100); default 0 */
	unsigned io_weight;	 /* 1..10000 on io_path's device, 0 = default */
	unsigned user_cpu_quota; /* percent of one CPU, 0 = unlimited (aggregate) */
	unsigned max_sessions;	 /* parallel sessions per user, 0 = unlimited */
	bool user_ns;		 /* also unshare a user namespace; default false */
	bool init;		 /* a reaping init is PID 1, the program PID 2; default false */
	bool memory_oom_group;	 /* an OOM kill takes the whole session; default true */
	bool limits_optional;	 /* run without cgroup limits where they are unavailable */
	/* A kiosk under Cage: the compositor's socket, CONFINE_KIOSK_SERVICE only; with it the
	 * host's GPU render nodes (/dev/dri/renderD*), the user's PipeWire socket. */
	bool graphical, gpu, audio;
};

/*
 * Bounds of command = [...]: it travels in the session record as one line (its elements
 * joined by PROFILE_COMMAND_SEP, a byte no element may hold), under SESSION_LINE_MAX.
 */
#define PROFILE_COMMAND_ARGS_MAX 32
#define PROFILE_COMMAND_LEN_MAX	 768 /* bytes of all elements with their separators */
#define PROFILE_COMMAND_SEP	 '\x1f'

/* True when the profile sets any per-user aggregate limit (a KEY_F_USER row of profile.h). */
bool profile_has_user_limits(const struct confine_profile *p);

/* True when the profile sets any io limit (a KEY_F_IO row of profile.h). */
bool profile_has_io(const struct confine_profile *p);

/*
 * The PAM services whose sessions run the user's passwd shell (confine-shell), so a confined
 * session through them really is confined. A matched user's session through any other
 * service (display managers, cron, atd, systemd-user, ...) would run unconfined: refused.
 */
#define CONFINE_DEFAULT_SERVICES "login", "su", "su-l", "sshd", "sudo-i"

/*
 * The PAM service of the kiosk unit (confine-kiosk@.service, PAMName=): the only one that may
 * open a graphical = true profile, whose sessions run Cage and the profile's command in it.
 */
#define CONFINE_KIOSK_SERVICE "confine-kiosk"

/* True when service (a PAM_SERVICE; NULL or "" never) matches one of p->services; for a
 * graphical profile, when it is CONFINE_KIOSK_SERVICE (and nothing else). */
bool profile_allows_service(const struct confine_profile *p, const char *service);

/* A match rule: every criterion given must hold; patterns are fnmatch(3) globs. */
struct confine_rule {
	char *user;   /* user name glob, or NULL */
	char *group;  /* group name (exact); the user must be a member, or NULL */
	bool has_uid; /* uid range given */
	uid_t uid_min, uid_max;
	char *service;			       /* PAM service glob, or NULL */
	char *rhost;			       /* remote host glob, or NULL */
	char *tty;			       /* tty glob, or NULL */
	const struct confine_profile *profile; /* resolved, never NULL */
	int line;			       /* source line, for messages */
};

enum cgroup_backend {
	CGROUP_BACKEND_AUTO,	 /* systemd when systemd is PID 1, else cgroupfs */
	CGROUP_BACKEND_SYSTEMD,	 /* transient scopes through systemd's D-Bus API */
	CGROUP_BACKEND_CGROUPFS, /* cgroups written directly below cgroup_root */
};

struct confine_config {
	char *path;			    /* file it was read from */
	enum cgroup_backend cgroup_backend; /* default CGROUP_BACKEND_AUTO */
	char *cgroup_root;		    /* absolute; default "/sys/fs/cgroup/confine" */
	char *state_dir;		    /* absolute; default "/var/lib/confine" */
	struct confine_profile *profiles;
	unsigned n_profiles;
	struct confine_rule *rules;
	unsigned n_rules;
};

/* What a rule is matched against; NULL strings match only rules that do not test them. */
struct match_input {
	const char *user;
	uid_t uid;
	const char *const *groups; /* NULL-terminated names of all the user's groups */
	/* When set, asked instead of groups: 1 if the user is a member of group, 0 if not, a
	 * negative errno when the group database cannot tell (then nothing matches for sure). */
	int (*member)(const char *group, void *data);
	void *member_data;
	const char *service;
	const char *rhost;
	const char *tty;
};

enum {
	CONFIG_CHECK_OWNER = 1 << 0, /* require root-owned, not group/world-writable files */
};

/*
 * Reads and validates a whole config. On error returns a negative errno and fills err
 * (error.h; may be NULL) with one line "FILE:LINE: key 'a.b.c': what is wrong" (or
 * "FILE: ..." when there is no line). Nothing is half-loaded: *ret is set only on success.
 */
int config_load(const char *path, unsigned flags, struct confine_config **ret, struct error *err);
void config_free(struct confine_config *c);

const struct confine_profile *config_find_profile(const struct confine_config *c, const char *name);
/*
 * The first rule that matches into *ret (NULL: not confined); 0. A group rule whose other
 * criteria hold but whose membership in->member cannot tell makes the answer uncertain:
 * returns that negative errno with *ret the rule, so the caller can refuse (fail closed)
 * rather than let the user through unconfined.
 */
int config_match(const struct confine_config *c, const struct match_input *in,
		 const struct confine_rule **ret);

/* "auto", "systemd" or "cgroupfs". */
const char *config_backend_name(enum cgroup_backend b);

/* Prints a profile resolved, one "key = value;" per line (for confinectl check). */
void config_print_profile(const struct confine_profile *p, FILE *out);
