/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confine.conf: profiles and ordered match rules (libconfig syntax). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CONFINE_CONF_DIR     "/etc/confine"
#define CONFINE_CONF_DEFAULT CONFINE_CONF_DIR "/confine.conf"

enum home_mode {
	HOME_EPHEMERAL,	 /* overlay: real home read-only lower, upper on a per-session tmpfs */
	HOME_PERSISTENT, /* overlay: upper kept under state_dir/<user>/ */
	HOME_TMPFS,	 /* size-limited tmpfs populated from /etc/skel */
};

enum net_mode {
	NET_NONE, /* new network namespace with only lo */
	NET_HOST, /* share the host's network */
};

struct confine_profile {
	char *name;
	enum home_mode home;
	uint64_t home_size;	  /* bytes: upper tmpfs (ephemeral) or tmpfs home; default 256M */
	uint64_t tmp_size;	  /* bytes: private /tmp and /dev/shm each; default 64M */
	uint64_t memory_max;	  /* bytes or UNIT_MAX; default UNIT_MAX */
	uint64_t memory_high;	  /* bytes or UNIT_MAX; default UNIT_MAX */
	uint64_t memory_swap_max; /* bytes or UNIT_MAX; default UNIT_MAX */
	unsigned cpu_quota;	  /* percent of one CPU, 0 = unlimited; default 0 */
	unsigned cpu_weight;	  /* 1..10000, 0 = kernel default (100); default 0 */
	uint64_t pids_max;	  /* count or UNIT_MAX; default UNIT_MAX */
	enum net_mode net;	  /* default NET_NONE */
	bool user_ns;		  /* also unshare a user namespace; default false */
	char *hostname;		  /* default "confine" */
	char *shell;		  /* absolute path of the real shell; default "/bin/bash" */
};

/* A match rule: every criterion given must hold; patterns are fnmatch(3) globs. */
struct confine_rule {
	char *user;	  /* user name glob, or NULL */
	char *group;	  /* group name (exact); the user must be a member, or NULL */
	bool has_uid;	  /* uid range given */
	uid_t uid_min, uid_max;
	char *service;	  /* PAM service glob, or NULL */
	char *rhost;	  /* remote host glob, or NULL */
	char *tty;	  /* tty glob, or NULL */
	const struct confine_profile *profile; /* resolved, never NULL */
	int line;	  /* source line, for messages */
};

struct confine_config {
	char *path;	   /* file it was read from */
	char *cgroup_root; /* absolute; default "/sys/fs/cgroup/confine" */
	char *state_dir;   /* absolute; default "/var/lib/confine" */
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
	const char *service;
	const char *rhost;
	const char *tty;
};

enum {
	CONFIG_CHECK_OWNER = 1 << 0, /* require root-owned, not group/world-writable files */
};

/*
 * Reads and validates a whole config. On error returns a negative errno and writes
 * one line "FILE:LINE: key 'a.b.c': what is wrong" (or "FILE: ..." when there is no line)
 * into err. Nothing is half-loaded: *ret is set only on success.
 */
int config_load(const char *path, unsigned flags, struct confine_config **ret, char *err,
		size_t errlen);
void config_free(struct confine_config *c);

const struct confine_profile *config_find_profile(const struct confine_config *c,
						  const char *name);
/* First rule that matches, or NULL (not confined). */
const struct confine_rule *config_match(const struct confine_config *c,
					const struct match_input *in);

/* Prints a profile resolved, one "key = value;" per line (for confinectl check). */
void config_print_profile(const struct confine_profile *p, FILE *out);
