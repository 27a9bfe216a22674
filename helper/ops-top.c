/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl top: per-session CPU, memory, io and process figures, sampled (ops-top.h). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ops-format.h"
#include "ops-top.h"
#include "ops.h"
#include "util.h"

#define TOP_USAGE                                                                                  \
	"Usage: confinectl top [-b] [-n N] [-d SECS] [--order cpu|mem|io|procs] [--json]\n"
#define TOP_FORMAT    "%-24s %-12s %-10s %6s %8s %8s %8s %8s %6s %9s %8s\n"
#define TOP_DELAY_MAX 86400.0

static const char *const order_keys[] = {"cpu", "mem", "io", "procs"};

static int parse_order(const char *s, enum top_order *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(order_keys); i++)
		if (streq(s, order_keys[i])) {
			*ret = (enum top_order)i;
			return 0;
		}
	fprintf(stderr, "confinectl top: --order: unknown key '%s' (cpu, mem, io, procs)\n", s);
	return OPS_EXIT_USAGE;
}

static int parse_delay(const char *s, double *ret)
{
	char *end;

	errno = 0;
	*ret = strtod(s, &end);
	/* (the comparisons are false for NaN: it is refused too) */
	if (errno || end == s || *end || !(*ret > 0) || !(*ret <= TOP_DELAY_MAX)) {
		fprintf(stderr,
			"confinectl top: -d: '%s' is not a number of seconds above 0 and up to "
			"%.0f\n",
			s, TOP_DELAY_MAX);
		return OPS_EXIT_USAGE;
	}
	return 0;
}

static int parse_iterations(const char *s, long *ret)
{
	char *end;

	errno = 0;
	*ret = strtol(s, &end, 10);
	if (errno || end == s || *end || *s < '0' || *s > '9' || *ret < 1) {
		fprintf(stderr,
			"confinectl top: -n: '%s' is not a number of iterations (1 or more)\n", s);
		return OPS_EXIT_USAGE;
	}
	return 0;
}

int top_parse(int argc, char **argv, bool stdout_tty, struct top_opts *o)
{
	static const struct option opts[] = {
	    {"batch", no_argument, NULL, 'b'},	     {"iterations", required_argument, NULL, 'n'},
	    {"delay", required_argument, NULL, 'd'}, {"order", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},	     {}};
	bool iterations = false;
	int c, r = 0;

	*o = (struct top_opts){.delay = 2.0, .order = TOP_ORDER_CPU};
	optind = 0;
	while (r == 0 && (c = getopt_long(argc, argv, "+bn:d:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case 'n':
			r = parse_iterations(optarg, &o->iterations);
			iterations = true;
			break;
		case 'd':
			r = parse_delay(optarg, &o->delay);
			break;
		case 'o':
			r = parse_order(optarg, &o->order);
			break;
		case 'j':
			o->json = true;
			break;
		default:
			fputs(TOP_USAGE, stderr);
			return OPS_EXIT_USAGE;
		}
	}
	if (r)
		return r;
	if (optind != argc) {
		fprintf(stderr, "confinectl top: unexpected argument '%s'\n" TOP_USAGE,
			argv[optind]);
		return OPS_EXIT_USAGE;
	}
	/* JSON and output that is no terminal are batch output: no screen to redraw. */
	if (o->json || !stdout_tty)
		o->batch = true;
	if (o->batch && !iterations)
		o->iterations = 1;
	return 0;
}

double top_cpu_percent(unsigned long long prev, unsigned long long cur, double wall)
{
	if (prev == OPS_NONE || cur == OPS_NONE || cur < prev || !(wall > 0))
		return -1;
	return (double)(cur - prev) / 1e6 / wall * 100.0;
}

double top_rate(unsigned long long prev, unsigned long long cur, double wall)
{
	if (prev == OPS_NONE || cur == OPS_NONE || cur < prev || !(wall > 0))
		return -1;
	return (double)(cur - prev) / wall;
}

static double row_key(const struct top_row *r, enum top_order o)
{
	switch (o) {
	case TOP_ORDER_MEM:
		return r->u->memory_current == OPS_NONE ? -1 : (double)r->u->memory_current;
	case TOP_ORDER_IO:
		if (r->io_read_rate < 0 && r->io_write_rate < 0)
			return -1;
		return (r->io_read_rate < 0 ? 0 : r->io_read_rate) +
		       (r->io_write_rate < 0 ? 0 : r->io_write_rate);
	case TOP_ORDER_PROCS:
		return r->u->pids_current == OPS_NONE ? -1 : (double)r->u->pids_current;
	default:
		return r->cpu_percent;
	}
}

static enum top_order sort_order;

/* Highest first; equal ones oldest session first (the order of the sample's records). */
static int by_key(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;
	double kx = row_key(x, sort_order), ky = row_key(y, sort_order);

	if (kx != ky)
		return kx > ky ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

void top_rows(const struct top_sample *prev, const struct top_sample *cur, enum top_order o,
	      struct top_row *rows)
{
	double wall = cur->at - prev->at;

	for (size_t i = 0; i < cur->n; i++) {
		const struct ops_usage *u = &cur->u[i], *p = NULL;
		for (size_t j = 0; j < prev->n && !p; j++)
			if (streq(prev->v[j].sid, cur->v[i].sid))
				p = &prev->u[j];
		rows[i] = (struct top_row){.r = &cur->v[i], .u = u, -1, -1, -1};
		if (!p)
			continue; /* (opened since the previous sample: no rates yet) */
		rows[i].cpu_percent = top_cpu_percent(p->cpu_usage_usec, u->cpu_usage_usec, wall);
		rows[i].io_read_rate = top_rate(p->io_rbytes, u->io_rbytes, wall);
		rows[i].io_write_rate = top_rate(p->io_wbytes, u->io_wbytes, wall);
	}
	sort_order = o;
	qsort(rows, cur->n, sizeof(*rows), by_key);
}

/* A rate for humans ("1.5M", "0B"), "-" if unknown. */
static const char *rate_cell(double v, char *buf, size_t len)
{
	return ops_size(v < 0 ? OPS_NONE : (unsigned long long)(v + 0.5), buf, len);
}

static void print_line(FILE *f, const struct top_row *w)
{
	char user[64], profile[64], cpu[16], mem[16], swap[16], rd[16], wr[16], procs[16], thr[24],
	    oom[24];
	const struct ops_usage *u = w->u;

	if (w->cpu_percent < 0)
		snprintf(cpu, sizeof(cpu), "-");
	else
		snprintf(cpu, sizeof(cpu), "%.1f", w->cpu_percent);
	fprintf(f, TOP_FORMAT, w->r->sid, ops_cell(w->r->user, user, sizeof(user)),
		ops_cell(w->r->profile, profile, sizeof(profile)), cpu,
		ops_size(u->memory_current, mem, sizeof(mem)),
		ops_size(u->swap_current, swap, sizeof(swap)),
		rate_cell(w->io_read_rate, rd, sizeof(rd)),
		rate_cell(w->io_write_rate, wr, sizeof(wr)),
		ops_count(u->pids_current, procs, sizeof(procs)),
		ops_count(u->cpu_nr_throttled, thr, sizeof(thr)),
		ops_count(u->events_oom_kill, oom, sizeof(oom)));
}

/* A rate or percentage as a JSON number with one decimal, null if unknown. */
static void json_rate(FILE *f, const char *key, double v)
{
	fprintf(f, ",\"%s\":", key);
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%.1f", v);
}

static void json_count(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, ",\"%s\":", key);
	json_figure(f, v);
}

static void print_object(FILE *f, const struct top_row *w)
{
	fputs("{\"session\":", f);
	json_string(f, w->r->sid);
	fputs(",\"user\":", f);
	json_string(f, w->r->user);
	fprintf(f, ",\"uid\":%u,\"profile\":", (unsigned)w->r->uid);
	json_string(f, w->r->profile);
	json_rate(f, "cpu_percent", w->cpu_percent);
	json_count(f, "memory_current", w->u->memory_current);
	json_count(f, "swap_current", w->u->swap_current);
	json_rate(f, "io_read_bytes_per_sec", w->io_read_rate);
	json_rate(f, "io_write_bytes_per_sec", w->io_write_rate);
	json_count(f, "pids_current", w->u->pids_current);
	json_count(f, "cpu_nr_throttled", w->u->cpu_nr_throttled);
	json_count(f, "oom_kill", w->u->events_oom_kill);
	fputc('}', f);
}

void top_print(FILE *f, const struct top_row *rows, size_t n, bool json)
{
	if (json) {
		fputc('[', f);
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputc(',', f);
			print_object(f, &rows[i]);
		}
		fputs("]\n", f);
		return;
	}
	fprintf(f, TOP_FORMAT, "SESSION", "USER", "PROFILE", "%CPU", "MEM", "SWAP", "READ/s",
		"WRITE/s", "PROCS", "THROTTLED", "OOM_KILL");
	for (size_t i = 0; i < n; i++)
		print_line(f, &rows[i]);
}

static double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sample_free(struct top_sample *s)
{
	free(s->v);
	free(s->u);
	*s = (struct top_sample){};
}

static int sample_load(struct top_sample *s)
{
	int r = ops_sessions_load(&s->v, &s->n);

	if (r < 0) {
		fprintf(stderr, "confinectl: cannot read %s: %s\n", CONFINE_SESSIONS_DIR,
			strerror(-r));
		return r;
	}
	s->u = calloc(s->n ? s->n : 1, sizeof(*s->u));
	if (!s->u) {
		free(s->v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		ops_usage_read(s->v[i].cg.cgroup, &s->u[i]);
	s->at = now_monotonic();
	return 0;
}

static void sleep_seconds(double secs)
{
	struct timespec ts = {.tv_sec = (time_t)secs,
			      .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One block from prev to cur: on a terminal a redrawn screen, else appended. */
static int top_block(const struct top_opts *o, const struct top_sample *prev,
		     const struct top_sample *cur, long i)
{
	_cleanup_free_ struct top_row *rows = calloc(cur->n ? cur->n : 1, sizeof(*rows));

	if (!rows)
		return -ENOMEM;
	top_rows(prev, cur, o->order, rows);
	if (!o->batch)
		printf(
		    "\033[H\033[2Jconfinectl top: %zu session%s, every %gs, by %s (^C quits)\n\n",
		    cur->n, cur->n == 1 ? "" : "s", o->delay, order_keys[o->order]);
	else if (i > 0 && !o->json)
		putchar('\n');
	top_print(stdout, rows, cur->n, o->json);
	return fflush(stdout) == 0 ? 0 : -EIO;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct top_sample prev = {}, cur = {};
	int r;

	if ((r = top_parse(argc, argv, isatty(STDOUT_FILENO), &o)))
		return r;
	if (sample_load(&prev) < 0)
		return OPS_EXIT_FAIL;
	for (long i = 0; o.iterations == 0 || i < o.iterations; i++) {
		sleep_seconds(o.delay);
		if ((r = sample_load(&cur)) < 0)
			break;
		r = top_block(&o, &prev, &cur, i);
		sample_free(&prev);
		prev = cur;
		cur = (struct top_sample){};
		if (r < 0)
			break;
	}
	sample_free(&prev);
	return r < 0 ? OPS_EXIT_FAIL : OPS_EXIT_OK;
}
