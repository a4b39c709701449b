/* placeholder until the ACPI parser lands */
#include <errno.h>
#include <stdio.h>
#include "acpi.h"
int smmu_acpi_render_text(FILE *out, const void *buf, size_t len, unsigned verbose, char *err, size_t errlen)
{ (void)out; (void)buf; (void)len; (void)verbose; snprintf(err, errlen, "ACPI decoding not built yet"); return -ENOSYS; }
int smmu_acpi_render_json(struct smmu_json *j, const void *buf, size_t len, char *err, size_t errlen)
{ (void)j; (void)buf; (void)len; snprintf(err, errlen, "ACPI decoding not built yet"); return -ENOSYS; }
