/* SPDX-License-Identifier: MIT */
/*
 * PCI device names without libpci (configure --without-libpci; Debian has no
 * static libpci, so a board's static smmush is built this way): the pci.ids
 * file read directly, one vendor block scanned per lookup.  Names read as
 * libpci's do ("Vendor Device", "Vendor Device 1234", "Device 8086:1234"),
 * so the output does not depend on how smmush was built when pci.ids is there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/target.h"

/* "hhhh  Name" after INDENT tabs: the number, and the name through *name. */
static int ids_entry(const char *line, unsigned indent, char **name)
{
	for (unsigned i = 0; i < indent; i++)
		if (line[i] != '\t')
			return -1;
	line += indent;
	if (line[0] == '\t' || line[0] == '#' || !line[0])
		return -1;
	char *end;
	unsigned long v = strtoul(line, &end, 16);
	if (end != line + 4 || end[0] != ' ' || end[1] != ' ')
		return -1;
	*name = end + 2;
	(*name)[strcspn(*name, "\r\n")] = '\0';
	return (int)v;
}

void smmu_pci_name(char *buf, size_t len, uint16_t vendor, uint16_t device)
{
	char line[512], vname[256] = "", dname[256] = "";
	char *name;
	FILE *f;

	if (vendor == 0x1234 && device == 0x11e8) {
		/* pci.ids has no entry for QEMU's educational device */
		snprintf(buf, len, "QEMU edu DMA test device");
		return;
	}
	if ((f = fopen(SMMU_PCI_IDS, "re"))) {
		bool in_vendor = false;
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "C ", 2))
				break; /* the device classes follow the vendors */
			if (line[0] != '\t') {
				int v = ids_entry(line, 0, &name);
				if (v < 0)
					continue; /* a comment or a blank line */
				if (in_vendor)
					break;
				if (v == vendor) {
					snprintf(vname, sizeof(vname), "%s", name);
					in_vendor = true;
				}
			} else if (in_vendor && ids_entry(line, 1, &name) == device) {
				snprintf(dname, sizeof(dname), "%s", name);
				break;
			}
		}
		fclose(f);
	}
	if (vname[0] && dname[0])
		snprintf(buf, len, "%s %s", vname, dname);
	else if (vname[0])
		snprintf(buf, len, "%s Device %04x", vname, device);
	else
		snprintf(buf, len, "Device %04x:%04x", vendor, device);
}
