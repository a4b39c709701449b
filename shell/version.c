/* SPDX-License-Identifier: MIT */
/*
 * smmush --version: the version, then what this binary was built with, one
 * optional dependency a line ("NAME  yes VERSION" or "NAME  no: what is
 * missing"), so a board's binary says what it can do.
 */
#include "config.h"

#include <stdio.h>

#if HAVE_READLINE
#include <readline/readline.h>
#endif
#if HAVE_CAPSTONE
#include "shell/capstone-load.h"
#endif
#if HAVE_NCURSES
#include <curses.h>
#endif
#if HAVE_LIBPCI
#include <pci/pci.h>
#endif

#include "shell.h"

void shell_print_version(FILE *out)
{
	fprintf(out, "smmush %s\n", smmu_version());
#if HAVE_READLINE
	fprintf(out, "  readline  yes %s\n", rl_library_version ? rl_library_version : "");
#else
	fprintf(out, "  readline  no: plain line input, no history or Tab completion\n");
#endif
#if HAVE_CAPSTONE
	int major, minor;
	const char *why;
	const struct capstone_fns *cf = shell_capstone(&why);
	if (cf) {
		cf->version(&major, &minor);
		fprintf(out, "  capstone  yes %d.%d\n", major, minor);
	} else {
		fprintf(out, "  capstone  no: dis cannot load it: %s\n", why);
	}
#else
	fprintf(out, "  capstone  no: dis is left out\n");
#endif
#if HAVE_NCURSES
	fprintf(out, "  ncurses   yes %s\n", NCURSES_VERSION);
#else
	fprintf(out, "  ncurses   no: the monitor is left out\n");
#endif
#if HAVE_LIBPCI
	fprintf(out, "  libpci    yes %d.%d.%d\n", PCI_LIB_VERSION >> 16, PCI_LIB_VERSION >> 8 & 0xff,
		PCI_LIB_VERSION & 0xff);
#else
	fprintf(out, "  libpci    no: PCI names read from %s\n", SMMU_PCI_IDS);
#endif
#if SMMUSH_STATIC
	fprintf(out, "  static    yes\n");
#else
	fprintf(out, "  static    no\n");
#endif
}
