/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the confine.conf loader, shared by its parts: config-file.c (reading files),
 * config-scan.c (the pre-scan), config-values.c (messages and value readers),
 * config-profile.c (profiles) and config.c (the whole file, rules, lookups).
 */
#pragma once

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

#define CONFIG_MAX_BYTES    (1024 * 1024)
#define CONFIG_MAX_INCLUDES 10 /* nesting depth, as libconfig's own limit */
#define HOSTNAME_MAX	    64
#define CPUS_MAX	    8192
#define MAX_SESSIONS_LIMIT  10000
#define SERVICE_NAME_MAX    64

struct loader {
	const char *path; /* main file, as given */
	char *dir;	  /* its directory: where @include names are resolved */
	unsigned flags;
	struct error *err; /* filled where a check fails; may be NULL */
	config_t cfg;
	bool cfg_init;
};

/* ---- config-file.c ---- */

/* "dir/name", the way libconfig builds the path of an included file; NULL without memory. */
char *include_path(const struct loader *ld, const char *name);
/* Opens path (not following a final symlink when checking owners), checks it, reads it whole. */
int read_config_file(struct loader *ld, const char *path, char **ret);

/* ---- config-scan.c ---- */

/*
 * Checks @include lines (and the included files) and integers libconfig would truncate.
 * out: NULL, or strlen(text) + 1 bytes that receive text without its line comments (# and
 * //, as libconfig's scanner sees them: never inside a string or a block comment), newlines
 * kept, for libconfig to parse: the comments are most of the shipped file and most of
 * libconfig's work (bench/README.md), and its line numbers stay those of the file.
 */
int scan_text(struct loader *ld, const char *text, const char *path, unsigned depth, char *out);

/* ---- config-values.c ---- */

/* Fills the loader's error (error_set) with code and the message; returns code. */
int set_err(struct loader *ld, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with "FILE:LINE: key 'a.b': " before the message, for the setting s. */
int key_err(struct loader *ld, const config_setting_t *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum size_kind {
	SIZE_MIN_1M,   /* home_size, tmp_size: at least 1M, no "max" */
	SIZE_MEM,      /* memory_max, memory_high: at least 1M or "max" */
	SIZE_MEM_ZERO, /* memory_swap_max: any size (0 = no swap) or "max" */
};

/* Each reads one setting, or fills the message (key_err) and returns -EINVAL/-ENOMEM. */
int get_size(struct loader *ld, const config_setting_t *s, enum size_kind kind, uint64_t *ret);
int get_percent(struct loader *ld, const config_setting_t *s, unsigned *ret);
int get_weight(struct loader *ld, const config_setting_t *s, unsigned *ret);
int get_count(struct loader *ld, const config_setting_t *s, uint64_t *ret);
int get_choice(struct loader *ld, const config_setting_t *s, const char *const *choices,
	       const char *expected, int *ret);
int get_bool(struct loader *ld, const config_setting_t *s, bool *ret);
int get_string(struct loader *ld, const config_setting_t *s, const char *expected,
	       const char **ret);
int set_string(struct loader *ld, const config_setting_t *s, const char *v, char **field);
int get_path(struct loader *ld, const config_setting_t *s, char **field);
int get_hostname(struct loader *ld, const config_setting_t *s, char **field);
int get_cpus(struct loader *ld, const config_setting_t *s, char **field);
int get_duration(struct loader *ld, const config_setting_t *s, bool allow_max, uint64_t *ret);
int get_services(struct loader *ld, const config_setting_t *s, char ***field);
int get_command(struct loader *ld, const config_setting_t *s, char ***field);
int get_net_allow(struct loader *ld, const config_setting_t *s, char ***field);

/* ---- config-profile.c ---- */

int load_profiles(struct loader *ld, const config_setting_t *group, struct confine_config *c);
