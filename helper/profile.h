/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profile keys as one table: for each key of a profile its config name, how its value
 * is read and printed, its default, and where it goes as a limit (the cgroup file, the
 * controller it needs, the systemd unit property). The loader, `confinectl check`, the
 * cgroupfs backend and the systemd backend all walk this table, so adding a limit is a
 * field in struct confine_profile (config.h) and one row in profile_keys[] (profile.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* How a key's value is read, checked and printed (and the type of its field). */
enum key_kind {
	KEY_SIZE_MIN_1M,   /* uint64_t: at least 1M, no "max" */
	KEY_SIZE_MEM,	   /* uint64_t: at least 1M, or "max" (UNIT_MAX) */
	KEY_SIZE_MEM_ZERO, /* uint64_t: any size (0 = none), or "max" */
	KEY_PERCENT,	   /* unsigned: "N%" of one CPU, or "max" (0) */
	KEY_WEIGHT,	   /* unsigned: 1..10000 (0 = not set) */
	KEY_COUNT,	   /* uint64_t: at least 1, or "max" */
	KEY_SESSIONS,	   /* unsigned: 1..MAX_SESSIONS_LIMIT, or "max" (0) */
	KEY_BOOL,	   /* bool */
	KEY_CHOICE,	   /* an enum or bool: the index of its value in choices[] */
	KEY_PATH,	   /* char *: absolute path */
	KEY_HOSTNAME,	   /* char *: host name */
	KEY_CPUS,	   /* char *: CPU list like "0-3,6" */
	KEY_DURATION,	   /* uint64_t seconds, or "max" (0) */
	KEY_DURATION_SET,  /* uint64_t seconds, "max" not allowed */
	KEY_SERVICES,	   /* char **: PAM service globs */
	KEY_COMMAND,	   /* char **: absolute program path and its arguments, or NULL */
	KEY_NET_ALLOW,	   /* char **: net_allow entries (net-rule.h), or NULL */
};

/* How a limit is written into a cgroup v2 file. */
enum cg_format {
	CG_NONE,      /* not a cgroup file */
	CG_NUM,	      /* the number, "max" for UNIT_MAX */
	CG_ONE,	      /* "1" when true */
	CG_CPU_MAX,   /* percent of one CPU as "QUOTA 100000", "max 100000" for 0 */
	CG_STRING,    /* the string as it is */
	CG_IO_MAX,    /* "DEV rbps=.. wbps=.. riops=.. wiops=.." of all io.max rows, once */
	CG_IO_WEIGHT, /* "DEV N" into io.weight, else io.bfq.weight */
};

/* How a limit is passed to systemd as a unit property. */
enum sd_format {
	SD_NONE,      /* no property */
	SD_U64,	      /* "t": the number (UNIT_MAX is systemd's infinity too) */
	SD_CPU_QUOTA, /* "t": CPUQuotaPerSecUSec, 1% = 10 ms per second; 0 is infinity */
	SD_CPUS,      /* "ay": AllowedCPUs bitmask of a CPU list */
	SD_IO,	      /* "a(st)": the value on the io device node */
};

enum {
	KEY_F_IO = 1 << 0,   /* an io limit: needs io_path, printed only with it */
	KEY_F_USER = 1 << 1, /* a per-user aggregate limit, on the user's cgroup or slice */
};

/* Ordered by size (clang-analyzer's padding check); rows name the first two in place. */
struct profile_key {
	const char *key; /* config key */
	enum key_kind kind;
	unsigned flags;		    /* KEY_F_* */
	size_t off, size;	    /* the field in struct confine_profile */
	uint64_t def;		    /* default of a number, bool or choice */
	const char *def_str;	    /* default of a string, or NULL */
	const char *const *choices; /* KEY_CHOICE: NULL-terminated names */
	const char *expected;	    /* KEY_CHOICE: the names, for messages */
	const char *unset;	    /* printed (a comment) when the field is 0 or NULL; "" for
				     * nothing; NULL: printed as any value */
	const char *controller;	    /* cgroup v2 controller a set value needs, or NULL */
	const char *cg_file;	    /* cgroup file, or NULL */
	const char *cg_key;	    /* CG_IO_MAX: the key inside io.max ("rbps") */
	const char *sd_prop;	    /* systemd unit property, or NULL */
	enum cg_format cg_format;
	enum sd_format sd_format;
};

extern const struct profile_key profile_keys[];
extern const size_t profile_keys_n;

/* k: a new variable (a declaration, hence no parentheses) walking the table in order. */
#define PROFILE_KEYS_FOREACH(k) /* NOLINTNEXTLINE(bugprone-macro-parentheses) */                   \
	for (const struct profile_key *k = profile_keys; k < profile_keys + profile_keys_n; k++)

/* The row of key, or NULL. */
const struct profile_key *profile_key_find(const char *key);

/* A number, bool or choice field as a uint64_t; set stores one. */
uint64_t profile_num(const struct confine_profile *p, const struct profile_key *k);
void profile_set_num(struct confine_profile *p, const struct profile_key *k, uint64_t v);
/* A string field (KEY_PATH, KEY_HOSTNAME, KEY_CPUS). */
char **profile_str(struct confine_profile *p, const struct profile_key *k);
const char *profile_cstr(const struct confine_profile *p, const struct profile_key *k);

/* True when the key's field holds a limit (not its "no limit" value). */
bool profile_key_set(const struct confine_profile *p, const struct profile_key *k);

/* A profile with every default (name copied); -ENOMEM. profile_done frees its strings. */
int profile_init(struct confine_profile *p, const char *name);
void profile_done(struct confine_profile *p);
void free_strv(char **v);
