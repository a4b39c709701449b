/* placeholder until its suite is written */
#include <check.h>
Suite *suite_pgtable(void);
Suite *suite_pgtable(void) { return suite_create("pgtable"); }
