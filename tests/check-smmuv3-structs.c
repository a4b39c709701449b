/* placeholder until its suite is written */
#include <check.h>
Suite *suite_smmuv3_structs(void);
Suite *suite_smmuv3_structs(void) { return suite_create("smmuv3_structs"); }
