/* placeholder until the monitor is written */
#include "shell/shell.h"
int monitor_main(struct shell *sh, int argc, char **argv);
int monitor_main(struct shell *sh, int argc, char **argv)
{
	(void)sh; (void)argc; (void)argv;
	shell_error("monitor: not built yet");
	return -1;
}
