/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Durations for humans: the sandbox's time-limit log line and the config printer. */
#pragma once

#include <stdint.h>

/* Formats seconds for humans ("1h30m", "max" for 0) into buf; returns buf. */
const char *format_duration(uint64_t secs, char *buf, unsigned len);
