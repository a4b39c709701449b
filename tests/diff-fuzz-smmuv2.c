/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "tests/diff-fuzz-priv.h"

int dfz_smmuv2_run(struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg, size_t msglen)
{
	(void)src, (void)accesses, (void)st;
	snprintf(msg, msglen, "not yet");
	return -1;
}

int dfz_smmuv2_machine(struct ctx *c, struct dfz_hooks *h)
{
	(void)c, (void)h;
	return -1;
}
