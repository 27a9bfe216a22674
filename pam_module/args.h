/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module arguments of pam_confine.so: "debug", "conf=PATH" (and "helper=PATH" in test builds). */
#pragma once

#include <stdbool.h>

#include <security/pam_modules.h>

struct confine_args {
	bool debug;
	const char *conf; /* absolute path, or NULL: let the helper use its default */
	const char
	    *helper; /* CONFINE_HELPER_PATH; only a CONFINE_TESTING build lets argv change it */
};

/*
 * Fill *ret from the module arguments. Unknown options are logged and skipped. Returns 0, or -1
 * after logging when an argument is invalid (relative or empty path, "helper=" in a production
 * build): the caller must then fail closed. The strings in *ret point into argv.
 */
int confine_parse_args(pam_handle_t *pamh, int argc, const char **argv, struct confine_args *ret);
