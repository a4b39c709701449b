/* placeholder until its table is written */
#include "tables.h"
const struct smmu_desc *const smmu_descs_smmuv3_events[] = { NULL };
