/* SPDX-License-Identifier: MIT */
/*
 * `smmush monitor` in a binary built --without-ncurses (a board's static
 * smmush): the monitor is left out, and says so instead of being an unknown
 * command.  Faults can still be followed with `trace` and `faults`.
 */
#include <errno.h>

#include "shell/shell.h"

int monitor_main(struct shell *sh, int argc, char **argv);

int monitor_main(struct shell *sh, int argc, char **argv)
{
	(void)sh, (void)argc, (void)argv;
	shell_error("monitor: smmush was built without ncurses (configure --without-ncurses): "
		    "the monitor is left out; 'trace' and 'faults' follow faults without it");
	return -ENOTSUP;
}
