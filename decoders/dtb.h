/* SPDX-License-Identifier: MIT */
/* The IOMMU-relevant nodes of a flattened device tree, as text (dtb.c). */
#ifndef SMMU_DECODE_DTB_H
#define SMMU_DECODE_DTB_H

#include <stddef.h>
#include <stdio.h>

/* 0, or -EINVAL with one line in err when the blob is not a well-formed DTB. */
int smmu_fdt_render_text(FILE *out, const void *fdt, size_t len, char *err, size_t errlen);

#endif
