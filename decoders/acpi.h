/* placeholder until the ACPI parser lands: same signatures as planned */
#ifndef SMMU_ACPI_H
#define SMMU_ACPI_H
#include <stddef.h>
#include <stdio.h>
#include "json.h"
int smmu_acpi_render_text(FILE *out, const void *buf, size_t len, unsigned verbose, char *err, size_t errlen);
int smmu_acpi_render_json(struct smmu_json *j, const void *buf, size_t len, char *err, size_t errlen);
#endif
