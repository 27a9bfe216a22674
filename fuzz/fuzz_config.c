/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for config_load(): the input is written to "fuzz.conf" in a private
 * temporary directory (config_load reads a path; @include names resolve in that directory,
 * so an input may include itself up to the nesting limit) and loaded without
 * CONFIG_CHECK_OWNER. On success, config_match() runs against fixed inputs and every
 * profile is printed to /dev/null; the config is freed (LeakSanitizer checks the rest).
 * Then a differential check of the pre-scan's copy without line comments (scan_text's out):
 * libconfig must read it as it reads the text, the same error line or the same settings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../helper/config-internal.h"
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

/* The same setting trees: names, types, values, formats and source lines. */
static bool same_setting(const config_setting_t *a, const config_setting_t *b)
{
	const char *na = config_setting_name(a), *nb = config_setting_name(b);
	int type = config_setting_type(a);

	if (type != config_setting_type(b) || !na != !nb || (na && strcmp(na, nb)) ||
	    config_setting_source_line(a) != config_setting_source_line(b) ||
	    config_setting_get_format(a) != config_setting_get_format(b))
		return false;
	switch (type) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_BOOL:
		return config_setting_get_int(a) == config_setting_get_int(b);
	case CONFIG_TYPE_INT64:
		return config_setting_get_int64(a) == config_setting_get_int64(b);
	case CONFIG_TYPE_FLOAT: {
		double fa = config_setting_get_float(a), fb = config_setting_get_float(b);
		return memcmp(&fa, &fb, sizeof(fa)) == 0;
	}
	case CONFIG_TYPE_STRING:
		return strcmp(config_setting_get_string(a), config_setting_get_string(b)) == 0;
	default:
		if (config_setting_length(a) != config_setting_length(b))
			return false;
		for (int i = 0; i < config_setting_length(a); i++)
			if (!same_setting(config_setting_get_elem(a, (unsigned)i),
					  config_setting_get_elem(b, (unsigned)i)))
				return false;
		return true;
	}
}

/* text and scan_text's copy of it without line comments: the same to libconfig. */
static void check_bare(const char *text)
{
	struct loader ld = {.path = path, .dir = dir};
	char *bare = malloc(strlen(text) + 1);
	config_t a, b;

	if (!bare)
		abort();
	if (scan_text(&ld, text, path, 0, bare) == 0) {
		config_init(&a);
		config_init(&b);
		config_set_include_dir(&a, dir);
		config_set_include_dir(&b, dir);
		int ra = config_read_string(&a, text), rb = config_read_string(&b, bare);
		if (ra != rb)
			abort(); /* one of them accepted */
		if (ra != CONFIG_TRUE && (config_error_line(&a) != config_error_line(&b) ||
					  strcmp(config_error_text(&a), config_error_text(&b))))
			abort(); /* another error, or on another line */
		if (ra == CONFIG_TRUE &&
		    !same_setting(config_root_setting(&a), config_root_setting(&b)))
			abort(); /* other settings */
		config_destroy(&a);
		config_destroy(&b);
	}
	free(bare);
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
	char *text = strndup((const char *)data, size);
	if (!text)
		abort();
	check_bare(text);
	free(text);
	return 0;
}
