/* placeholder until the group is written */
#include "shell.h"
const struct shell_cmd shell_cmds_program[] = { { .name = NULL } };
