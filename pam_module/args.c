/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "args.h"

#ifndef CONFINE_HELPER_PATH
#error "CONFINE_HELPER_PATH must be defined on the command line"
#endif

/* "name=value" with the given name: returns value (possibly ""), else NULL. */
static const char *option_value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0 || arg[n] != '=')
		return NULL;
	return arg + n + 1;
}

static int check_path(pam_handle_t *pamh, const char *name, const char *path)
{
	if (path[0] != '/') {
		pam_syslog(pamh, LOG_ERR, "%s= needs an absolute path, got \"%s\"", name, path);
		return -1;
	}
	return 0;
}

int confine_parse_args(pam_handle_t *pamh, int argc, const char **argv, struct confine_args *ret)
{
	struct confine_args a = {
	    .debug = false,
	    .conf = NULL,
	    .helper = CONFINE_HELPER_PATH,
	};
	const char *v;

	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "debug") == 0) {
			a.debug = true;
		} else if ((v = option_value(arg, "conf"))) {
			if (check_path(pamh, "conf", v) < 0)
				return -1;
			a.conf = v;
		} else if ((v = option_value(arg, "helper"))) {
#ifdef CONFINE_TESTING
			if (check_path(pamh, "helper", v) < 0)
				return -1;
			a.helper = v;
#else
			/* The helper runs as root: only the compiled-in path may ever be used. */
			pam_syslog(pamh, LOG_ERR, "option not allowed in this build: %s", arg);
			return -1;
#endif
		} else {
			pam_syslog(pamh, LOG_ERR, "unknown option: %s", arg);
		}
	}
	*ret = a;
	return 0;
}
