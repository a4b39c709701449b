/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 inspection beyond one requester: the live stream table as the
 * registers describe it, and a visitor over its level-1 descriptors and
 * STEs, read a page at a time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/hw.h"
#include "lib/smmuv3.h"
#include "lib/target.h"

#define PAGE 4096u

int smmu_config_asid(const struct smmu_config *cfg, uint32_t *asid)
{
	const struct smmu_cfg_step *cd = smmu_config_step(cfg, SMMU_CS_CD);

	if (!cd)
		return -ENOENT;
	*asid = SMMU_GETW(SMMUV3_CD_ASID, cd->words);
	return 0;
}

void smmu_ste_info(const uint64_t ste[8], struct smmu_ste_info *info)
{
	static const char *const names[8] = {
		[SMMUV3_STE_CFG_ABORT] = "Abort", [SMMUV3_STE_CFG_BYPASS] = "Bypass",
		[SMMUV3_STE_CFG_S1] = "S1Trans", [SMMUV3_STE_CFG_S2] = "S2Trans",
		[SMMUV3_STE_CFG_NESTED] = "Nested",
	};
	unsigned config = SMMU_GETW(SMMUV3_STE_Config, ste);

	*info = (struct smmu_ste_info){
		.valid = SMMU_GETW(SMMUV3_STE_V, ste),
		.config = config,
		.config_name = names[config & 7],
		.s1 = config == SMMUV3_STE_CFG_S1 || config == SMMUV3_STE_CFG_NESTED,
		.s2 = config == SMMUV3_STE_CFG_S2 || config == SMMUV3_STE_CFG_NESTED,
		.s1_context_ptr = SMMU_ADDRW(SMMUV3_STE_S1ContextPtr, ste),
		.s2ttb = SMMU_ADDRW(SMMUV3_STE_S2TTB, ste),
		.vmid = SMMU_GETW(SMMUV3_STE_S2VMID, ste),
	};
}

int smmu_strtab_info(struct smmu_unit *u, struct smmu_strtab *st)
{
	struct smmu_unit_status us;
	uint32_t cr0, scfg;
	uint64_t base;
	int rc;

	memset(st, 0, sizeof(*st));
	if (u->arch != SMMU_ARCH_SMMUV3)
		return -EOPNOTSUPP;
	if ((rc = smmu_unit_status(u, &us)) || (rc = reg_read32(u, SMMUV3_CR0, &cr0)) ||
	    (rc = reg_read64(u, SMMUV3_STRTAB_BASE, &base)) || (rc = reg_read32(u, SMMUV3_STRTAB_BASE_CFG, &scfg)))
		return rc;
	st->enabled = SMMU_GET(SMMUV3_CR0_SMMUEN, cr0);
	st->two_level = SMMU_GET(SMMUV3_STRTAB_BASE_CFG_FMT, scfg) == 1;
	st->base = base & SMMU_MASK(SMMUV3_STRTAB_BASE_ADDR);
	st->log2size = SMMU_GET(SMMUV3_STRTAB_BASE_CFG_LOG2SIZE, scfg);
	st->split = SMMU_GET(SMMUV3_STRTAB_BASE_CFG_SPLIT, scfg);
	st->l2_bits = smmuv3_strtab_split(scfg);
	st->sid_bits = st->log2size < us.sid_bits ? st->log2size : us.sid_bits;
	if (st->two_level) /* LOG2SIZE <= SPLIT: one descriptor, for the StreamIDs there are */
		st->l1_count = st->sid_bits > st->l2_bits ? 1ull << (st->sid_bits - st->l2_bits) : 1;
	return 0;
}

struct walk {
	struct smmu_unit *u;
	unsigned flags;
	smmu_strtab_fn fn;
	void *arg;
	uint64_t buf[PAGE / 8];
};

/* n STEs from pa for StreamIDs from sid, a page at a time; -errno when a page cannot be read. */
static int stes(struct walk *w, uint64_t sid, uint64_t pa, uint64_t n, int *stop)
{
	int rc;

	for (uint64_t done = 0; done < n;) {
		uint64_t chunk = n - done < PAGE / 64 ? n - done : PAGE / 64;
		if ((rc = smmu_mem_read(w->u->t, pa + done * 64, w->buf, chunk * 64)))
			return rc;
		for (uint64_t i = 0; i < chunk; i++) {
			struct smmu_strtab_entry e = { .type = SMMU_STRTAB_STE, .index = sid + done + i,
						       .addr = pa + (done + i) * 64, .kind = "smmuv3.ste",
						       .nwords = 8, .words = w->buf + i * 8 };
			smmu_ste_info(e.words, &e.ste);
			e.valid = e.ste.valid;
			if ((e.valid || (w->flags & SMMU_STRTAB_WALK_INVALID)) && (*stop = w->fn(w->arg, &e)))
				return 0;
		}
		done += chunk;
	}
	return 0;
}


/* Level 1 a page at a time; each descriptor after its level-2 table. */
static int two_level(struct walk *w, const struct smmu_strtab *st, int *stop)
{
	uint64_t l1[PAGE / 8];
	int rc;

	for (uint64_t i = 0; i < st->l1_count; i++) {
		uint64_t left = st->l1_count - i < PAGE / 8 ? st->l1_count - i : PAGE / 8;
		if (i % (PAGE / 8) == 0 && (rc = smmu_mem_read(w->u->t, st->base + i * 8, l1, left * 8)))
			return rc;
		const uint64_t *d = &l1[i % (PAGE / 8)];
		struct smmu_strtab_entry e = { .type = SMMU_STRTAB_L1, .index = i, .addr = st->base + i * 8,
					       .kind = "smmuv3.l1std", .nwords = 1, .words = d,
					       .span = SMMU_GETW(SMMUV3_L1STD_Span, d),
					       .l2_table = SMMU_ADDRW(SMMUV3_L1STD_L2Ptr, d) };
		e.valid = e.span != 0;
		if (!e.valid) {
			if ((w->flags & SMMU_STRTAB_WALK_INVALID) && (*stop = w->fn(w->arg, &e)))
				return 0;
			continue;
		}
		if (e.span > st->l2_bits + 1) {
			e.status = SMMU_PGT_F_RESERVED;
		} else {
			e.l2_count = 1ull << (e.span - 1);
			if (st->sid_bits < st->l2_bits && e.l2_count > 1ull << st->sid_bits)
				e.l2_count = 1ull << st->sid_bits;
			if ((e.err = stes(w, i << st->l2_bits, e.l2_table, e.l2_count, stop)))
				e.status = SMMU_PGT_F_TABLE_READ;
			if (*stop)
				return 0;
		}
		if ((*stop = w->fn(w->arg, &e)))
			return 0;
	}
	return 0;
}

int smmu_strtab_walk(struct smmu_unit *u, unsigned flags, smmu_strtab_fn fn, void *arg)
{
	struct smmu_strtab st;
	struct walk *w;
	int rc, stop = 0;

	if ((rc = smmu_strtab_info(u, &st)))
		return rc;
	if (!(w = malloc(sizeof(*w))))
		return -ENOMEM;
	*w = (struct walk){ .u = u, .flags = flags, .fn = fn, .arg = arg };
	rc = st.two_level ? two_level(w, &st, &stop) : stes(w, 0, st.base, 1ull << st.sid_bits, &stop);
	free(w);
	return stop ? stop : rc;
}
