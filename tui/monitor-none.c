/* SPDX-License-Identifier: MIT */
/*
 * The monitor in a binary built --without-ncurses (a board's static
 * smmush): it is left out, and says so instead of being an unknown command.
 * Faults can still be followed with `trace` and `faults`.
 */
#include <errno.h>
#include <stdio.h>

#include "tui/monitor.h"

static const char why[] = "smmush was built without ncurses (configure --without-ncurses): "
			  "the monitor is left out; 'trace' and 'faults' follow faults without it";

const char *monitor_key_at(size_t i, const char **help)
{
	(void)i, (void)help;
	return NULL;
}

const char *monitor_left_out(void)
{
	return why;
}

int monitor_run(const struct monitor_config *cfg, struct monitor_stats *stats, int *stop_signal,
		char *err, size_t errlen)
{
	(void)cfg, (void)stats;
	*stop_signal = 0;
	snprintf(err, errlen, "%s", why);
	return -ENOTSUP;
}
