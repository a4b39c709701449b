/* placeholder until its suite is written */
#include <check.h>
Suite *suite_acpi(void);
Suite *suite_acpi(void) { return suite_create("acpi"); }
