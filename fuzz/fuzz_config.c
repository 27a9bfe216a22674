/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for config_load(): the input is written to "fuzz.conf" in a private
 * temporary directory (config_load reads a path; @include names resolve in that directory,
 * so an input may include itself up to the nesting limit) and loaded without
 * CONFIG_CHECK_OWNER. On success, config_match() runs against fixed inputs and every
 * profile is printed to /dev/null; the config is freed (LeakSanitizer checks the rest).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../helper/config.h"
#include "../helper/util.h"

static char dir[] = "/tmp/confine-fuzz-config-XXXXXX";
static char path[sizeof(dir) + 16];
static FILE *devnull;

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.conf", dir);
	atexit(cleanup);
	devnull = fopen("/dev/null", "we");
	if (!devnull)
		abort();
	return 0;
}

static void exercise(const struct confine_config *c)
{
	static const char *const groups[] = {"users", "confine", "lab", NULL};
	static const struct match_input inputs[] = {
	    {.user = "alice",
	     .uid = 1001,
	     .groups = groups,
	     .service = "sshd",
	     .rhost = "192.0.2.1",
	     .tty = "ssh"},
	    {.user = "guest", .uid = 60000, .groups = groups, .service = "login", .tty = "tty1"},
	    {.user = "root", .uid = 0},
	};

	for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
		const struct confine_rule *r;

		if (config_match(c, &inputs[i], &r) != 0)
			abort(); /* name lists: the answer is always certain */
		if (r && !r->profile)
			abort(); /* a rule's profile is resolved, never NULL */
	}
	for (unsigned i = 0; i < c->n_profiles; i++) {
		if (config_find_profile(c, c->profiles[i].name) != &c->profiles[i])
			abort(); /* profile names are unique */
		config_print_profile(&c->profiles[i], devnull);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct confine_config *c = NULL;
	struct error err = ERROR_INIT;
	FILE *f = fopen(path, "we");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	if (config_load(path, 0, &c, &err) == 0) {
		exercise(c);
		config_free(c);
	} else if (c) {
		abort(); /* nothing half-loaded */
	} else if (!err.code || !err.msg[0] || !memchr(err.msg, '\0', sizeof(err.msg))) {
		abort(); /* every error has its code and a message */
	}
	return 0;
}
