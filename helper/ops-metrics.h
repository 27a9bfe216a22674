/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl metrics (confinectl(8)): the live sessions' figures in the Prometheus text
 * exposition format, for node_exporter's textfile collector. The text is a pure function,
 * unit-tested.
 */
#pragma once

#include <stdio.h>

#include "ops-session.h"

/*
 * Writes the metrics of the n sessions v with figures u: HELP and TYPE once per family,
 * each family's samples together. now_real: the Unix time now; now_boot: CLOCK_BOOTTIME
 * seconds now (the records' start times are boot times).
 */
void metrics_write(FILE *f, const struct session_record *v, const struct ops_usage *u, size_t n,
		   unsigned long long now_real, unsigned long long now_boot);
