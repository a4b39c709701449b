/* placeholder until its suite is written */
#include <check.h>
Suite *suite_vtd(void);
Suite *suite_vtd(void) { return suite_create("vtd"); }
