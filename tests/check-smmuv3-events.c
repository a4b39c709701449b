/* placeholder until its suite is written */
#include <check.h>
Suite *suite_smmuv3_events(void);
Suite *suite_smmuv3_events(void) { return suite_create("smmuv3_events"); }
