/* placeholder until its suite is written */
#include <check.h>
Suite *suite_smmuv3_regs(void);
Suite *suite_smmuv3_regs(void) { return suite_create("smmuv3_regs"); }
