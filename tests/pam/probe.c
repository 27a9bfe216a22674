/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_confine_probe.so: test-only PAM module that makes a module's exact return codes visible.
 *
 *   session required /abs/pam_confine_probe.so /abs/MODULE.so ARGS...
 *
 * Each entry point calls the same entry point of MODULE.so with ARGS (inside libpam's
 * dispatch, so pam_set_data/pam_get_data work as for a real stack), puts its return code into
 * the PAM environment as CONFINE_PROBE_RC, and returns PAM_SUCCESS. libpam itself never
 * returns PAM_IGNORE and, for close_session, reuses the open_session result to decide (the
 * "frozen chain"), so pam_open_session()'s result alone cannot show the module's code.
 *
 * MODULE.so is never dlclose()d: its pam_set_data cleanup must outlive this module.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

typedef int entry_fn(pam_handle_t *, int, int, const char **);

static int forward(pam_handle_t *pamh, const char *name, int flags, int argc, const char **argv)
{
	char env[64];
	entry_fn *fn;
	void *dl;
	int rc;

	if (argc < 1 || !(dl = dlopen(argv[0], RTLD_NOW | RTLD_LOCAL))) {
		pam_syslog(pamh, LOG_ERR, "probe: cannot load module: %s", argc ? dlerror() : "");
		return PAM_SYSTEM_ERR;
	}
	fn = (entry_fn *)dlsym(dl, name);
	if (!fn) {
		pam_syslog(pamh, LOG_ERR, "probe: no %s", name);
		return PAM_SYSTEM_ERR;
	}
	rc = fn(pamh, flags, argc - 1, argv + 1);
	snprintf(env, sizeof(env), "CONFINE_PROBE_RC=%d", rc);
	return pam_putenv(pamh, env) == PAM_SUCCESS ? PAM_SUCCESS : PAM_SYSTEM_ERR;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return forward(pamh, "pam_sm_open_session", flags, argc, argv);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return forward(pamh, "pam_sm_close_session", flags, argc, argv);
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return forward(pamh, "pam_sm_acct_mgmt", flags, argc, argv);
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return forward(pamh, "pam_sm_setcred", flags, argc, argv);
}
