/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl top (confinectl(8)): live figures of every session, rates from two samples of
 * its cgroup. Arguments, rates, order and output are pure functions, unit-tested.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "ops-session.h"

enum top_order { TOP_ORDER_CPU, TOP_ORDER_MEM, TOP_ORDER_IO, TOP_ORDER_PROCS };

struct top_opts {
	bool batch, json;
	long iterations; /* 0: until interrupted */
	double delay;	 /* seconds between samples */
	enum top_order order;
};

/* The live sessions and their figures at one moment (CLOCK_MONOTONIC seconds). */
struct top_sample {
	struct session_record *v;
	struct ops_usage *u;
	size_t n;
	double at;
};

/* One session's line: figures now and rates since the previous sample (< 0: unknown). */
struct top_row {
	const struct session_record *r;
	const struct ops_usage *u;
	double cpu_percent, io_read_rate, io_write_rate; /* %, bytes/s */
};

/* Parses top's argv into o (stdout_tty: whether stdout is a terminal). 0, or
 * OPS_EXIT_USAGE after a message on stderr. */
int top_parse(int argc, char **argv, bool stdout_tty, struct top_opts *o);

/* usage_usec grown from prev to cur over wall seconds, in % of one CPU; -1 if unknown. */
double top_cpu_percent(unsigned long long prev, unsigned long long cur, double wall);

/* A counter grown from prev to cur over wall seconds, per second; -1 if unknown. */
double top_rate(unsigned long long prev, unsigned long long cur, double wall);

/* The rows of cur (cur->n of them) against prev, ordered by o. */
void top_rows(const struct top_sample *prev, const struct top_sample *cur, enum top_order o,
	      struct top_row *rows);

/* One block: the header and a line per row; or (json) one JSON array on one line. */
void top_print(FILE *f, const struct top_row *rows, size_t n, bool json);
