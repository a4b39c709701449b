/* SPDX-License-Identifier: MIT */
/* The one place error codes become words (smmu.h). */
#include <string.h>

#include "config.h"
#include "smmu.h"

const char *smmu_version(void)
{
	return PACKAGE_VERSION;
}

static const char *const smmu_errors[SMMU_E_MAX - SMMU_E_BASE] = {
	[SMMU_E_NOTOWNED - SMMU_E_BASE] = "unit not owned",
	[SMMU_E_LOOP - SMMU_E_BASE] = "table walk looped or exceeded its step budget",
	[SMMU_E_TIMEOUT - SMMU_E_BASE] = "hardware did not respond in time",
	[SMMU_E_BACKEND - SMMU_E_BASE] = "backend failed",
	[SMMU_E_PARSE - SMMU_E_BASE] = "malformed input",
	[SMMU_E_LEFTOWNED - SMMU_E_BASE] = "left owned by an earlier smmush session",
	[SMMU_E_CONFLICT - SMMU_E_BASE] = "page tables in target memory changed beneath smmush's cache: "
					   "nothing changed, the cache now holds memory's values",
	[SMMU_E_PROT - SMMU_E_BASE] = "permissions the page-table format cannot express: execute-only (x) needs stage 2; "
				       "privileged-only (p) exists at stage 1 and VT-d first level, not at stage 2 or VT-d second level",
	[SMMU_E_NOTROOT - SMMU_E_BASE] = "needs root (CAP_SYS_RAWIO for /dev/mem and /proc/kcore): run smmush as root",
	[SMMU_E_LOCKDOWN - SMMU_E_BASE] =
		"kernel lockdown (Secure Boot) refuses /dev/mem and /proc/kcore: turn Secure Boot off",
	[SMMU_E_CLAIMED - SMMU_E_BASE] = "a kernel driver claimed the region: boot with iomem=relaxed to read it",
	[SMMU_E_NORAM - SMMU_E_BASE] =
		"RAM not readable: /dev/mem refuses it (STRICT_DEVMEM) and /proc/kcore is missing (CONFIG_PROC_KCORE)",
	[SMMU_E_RAMWRITE - SMMU_E_BASE] =
		"System RAM is never written: only memory outside it (the -O tables= carve-out)",
	[SMMU_E_NOTABLES - SMMU_E_BASE] = "no table region: boot with memmap=SIZE$ADDR (x86) or mem= (arm64) "
					  "and pass -O tables=ADDR,SIZE",
	[SMMU_E_KERNEL - SMMU_E_BASE] = "the kernel drives this unit: smmush only inspects it",
	[SMMU_E_NOSMR - SMMU_E_BASE] = "every stream-match register group of the unit is in use: detach a device first",
	[SMMU_E_NOCB - SMMU_E_BASE] = "every translation context bank of the unit is in use: detach a domain's devices first",
	[SMMU_E_SHARED - SMMU_E_BASE] = "a StreamID of the device shares its stream-match entry (SMR) with a device in another "
					"domain: attach both to one domain",
	[SMMU_E_DMA_ACTIVE - SMMU_E_BASE] =
		"devices behind the unit have a driver and bus mastering on: say what happens to their DMA",
	[SMMU_E_READONLY - SMMU_E_BASE] = "snapshot targets are read-only",
	[SMMU_E_NOTRAM - SMMU_E_BASE] = "not RAM",
	[SMMU_E_CMDQ - SMMU_E_BASE] =
		"the SMMU stopped its command queue on an error (SMMU_GERROR.CMDQ_ERR; the reason is in "
		"SMMU_CMDQ_CONS.ERR): the command it stopped on was skipped, so an "
		"invalidation may not have happened",
	[SMMU_E_RESERVED - SMMU_E_BASE] = "the range overlaps a device's reserved region (RMRR, IORT RMR, IVMD) the domain maps",
	[SMMU_E_STALE - SMMU_E_BASE] =
		"the ownership journal was written for an earlier start of this machine: the machine restarted "
		"since (its registers were reset), so the journal's registers no longer apply",
};

const char *smmu_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err > SMMU_E_BASE && err < SMMU_E_MAX && smmu_errors[err - SMMU_E_BASE])
		return smmu_errors[err - SMMU_E_BASE];
	return strerror(err);
}
