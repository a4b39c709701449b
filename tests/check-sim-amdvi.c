/* SPDX-License-Identifier: MIT */
/*
 * The AMD IOMMU of the platform model (sim:amd), driven the way a driver
 * does: registers through MMIO, the device table, command buffer and event
 * log in RAM, DMA from the PCI test devices.  Every entry, command and
 * expected event below is built from the bit positions of the AMD IOMMU
 * specification (#48882), written out here, not taken from the model.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backends/sim/sim.h"

Suite *suite_sim_amdvi(void);

/* MMIO registers (spec "MMIO registers") */
#define DEVTAB   0x0000
#define CMDBASE  0x0008
#define EVTBASE  0x0010
#define CONTROL  0x0018
#define EXCLBASE 0x0020
#define EXCLLIM  0x0028
#define EFR      0x0030
#define CMDHEAD  0x2000
#define CMDTAIL  0x2008
#define EVTHEAD  0x2010
#define EVTTAIL  0x2018
#define STATUS   0x2020

#define IOMMUEN   (1ULL << 0)
#define EVTLOGEN  (1ULL << 2)
#define CMDBUFEN  (1ULL << 12)
#define ST_EVTOVF (1ULL << 0)
#define ST_EVTINT (1ULL << 1)
#define ST_COMWAIT (1ULL << 2)
#define ST_EVTRUN (1ULL << 3)
#define ST_CMDRUN (1ULL << 4)

/* DTE qword 0 and 1 */
#define DTE_V     (1ULL << 0)
#define DTE_TV    (1ULL << 1)
#define DTE_MODE(m) ((uint64_t)(m) << 9)
#define DTE_IR    (1ULL << 61)
#define DTE_IW    (1ULL << 62)
#define DTE_SA    (1ULL << 34)
#define DTE_EX    (1ULL << 39)
/* page-table entries */
#define PR        (1ULL << 0)
#define NL(n)     ((uint64_t)(n) << 9)
#define IR        (1ULL << 61)
#define IW        (1ULL << 62)
/* event log entries: code in word 0 bits 63:60, flags 59:48 */
#define EV(c)     ((uint64_t)(c) << 60)
#define EF_PR     (1ULL << 52)
#define EF_RW     (1ULL << 53)
#define EF_PE     (1ULL << 54)
#define EF_RZ     (1ULL << 55)

#define DEV1 0x08 /* 00:01.0 */
#define DEV2 0x10 /* 00:02.0 */

struct rig {
	struct sim_machine *m;
	struct sim_layout l;
	uint64_t next, devtab, cmd, evt;
	unsigned cmd_tail, evt_head;
	uint64_t bar[3];
};

#include "tests/check-sim-rig.h"

static uint64_t rd(struct rig *r, uint64_t off)
{
	uint64_t v;

	ck_assert_int_eq(sim_mmio_read(r->m, r->l.iommu_base + off, 8, &v), 0);
	return v;
}

static void wr(struct rig *r, uint64_t off, uint64_t v)
{
	ck_assert_int_eq(sim_mmio_write(r->m, r->l.iommu_base + off, 8, v), 0);
}

/* evtlen: log2 of the event log entries (8 = 256) */
static void rig_init(struct rig *r, unsigned evtlen)
{
	struct sim_params p;

	memset(r, 0, sizeof(*r));
	sim_params_default(&p, SIM_AMD);
	rig_machine(r, &p, 0xfed80000);
	/* device table: one page (Size 0) holds DeviceIDs 0-127 */
	r->devtab = page(r);
	r->cmd = page(r);
	r->evt = page(r);
	(void)page(r); /* an event log of 512 entries spans two pages */
	wr(r, DEVTAB, r->devtab);
	wr(r, CMDBASE, r->cmd | 8ULL << 56);
	wr(r, EVTBASE, r->evt | (uint64_t)evtlen << 56);
	wr(r, CONTROL, IOMMUEN | EVTLOGEN | CMDBUFEN);
}

static void rig_fini(struct rig *r)
{
	sim_machine_destroy(r->m);
}

static void dte(struct rig *r, unsigned devid, uint64_t w0, uint64_t w1)
{
	wq(r, r->devtab + devid * 32, w0);
	wq(r, r->devtab + devid * 32 + 8, w1);
}

static void cmd(struct rig *r, uint64_t w0, uint64_t w1)
{
	wq(r, r->cmd + r->cmd_tail * 16, w0);
	wq(r, r->cmd + r->cmd_tail * 16 + 8, w1);
	r->cmd_tail = (r->cmd_tail + 1) % 256;
	wr(r, CMDTAIL, r->cmd_tail << 4);
}

/* COMPLETION_WAIT storing a token; true when it was stored. */
static bool completion_wait(struct rig *r, uint64_t token)
{
	uint64_t sem = r->l.table_base + r->l.table_size - 8;

	wq(r, sem, 0);
	cmd(r, EV(1) | sem | 1, token);
	return rq(r, sem) == token;
}

static void inv_dte(struct rig *r, unsigned devid)
{
	cmd(r, EV(2) | devid, 0);
}

static void inv_domain(struct rig *r, unsigned dom)
{
	cmd(r, EV(3) | (uint64_t)dom << 32, 0x7ffffffffffff000ULL | 3);
}

/* next event; false when the log is empty */
static bool event(struct rig *r, uint64_t *w0, uint64_t *w1)
{
	uint64_t tail = (rd(r, EVTTAIL) >> 4) & 0x7fff;
	unsigned n = 1u << ((rd(r, EVTBASE) >> 56) & 0xf);

	if (tail == r->evt_head)
		return false;
	*w0 = rq(r, r->evt + r->evt_head * 16);
	*w1 = rq(r, r->evt + r->evt_head * 16 + 8);
	r->evt_head = (r->evt_head + 1) % n;
	wr(r, EVTHEAD, r->evt_head << 4);
	return true;
}

/* a 3-level table mapping iova -> pa (4 KiB) with perms */
static uint64_t map3(struct rig *r, uint64_t iova, uint64_t pa, uint64_t perm)
{
	uint64_t l3 = page(r), l2 = page(r), l1 = page(r);

	wq(r, l3 + ((iova >> 30) & 0x1ff) * 8, l2 | NL(2) | PR | IR | IW);
	wq(r, l2 + ((iova >> 21) & 0x1ff) * 8, l1 | NL(1) | PR | IR | IW);
	wq(r, l1 + ((iova >> 12) & 0x1ff) * 8, pa | NL(0) | PR | perm);
	return l3;
}

START_TEST(registers_and_pci_capability)
{
	struct rig r;
	uint32_t v;
	const void *ivrs;
	size_t len;

	rig_init(&r, 8);
	/* EFR: IASup (6), HATS (11:10) = 2: 6 levels */
	ck_assert_uint_eq(rd(&r, EFR) & (1ULL << 6), 1ULL << 6);
	ck_assert_uint_eq((rd(&r, EFR) >> 10) & 3, 2);
	/* Status: EventLogRun and CmdBufRun follow the enables */
	ck_assert_uint_eq(rd(&r, STATUS) & (ST_EVTRUN | ST_CMDRUN), ST_EVTRUN | ST_CMDRUN);
	wr(&r, CONTROL, IOMMUEN);
	ck_assert_uint_eq(rd(&r, STATUS) & (ST_EVTRUN | ST_CMDRUN), 0);
	/* the exclusion limit reads with its low 12 bits set */
	wr(&r, EXCLLIM, 0x12345000);
	ck_assert_uint_eq(rd(&r, EXCLLIM), 0x12345fff);
	/* 32-bit halves */
	ck_assert_int_eq(sim_mmio_write(r.m, r.l.iommu_base + DEVTAB + 4, 4, 0), 0);
	ck_assert_uint_eq(rd(&r, DEVTAB), r.devtab);
	/* the IOMMU's PCI function 00:00.2: capability list -> CapID 0Fh, type 3 */
	ck_assert_int_eq(sim_pci_cfg_read(r.m, 0x0002, 0x00, 4, &v), 0);
	ck_assert_uint_eq(v, 0x14511022);
	ck_assert_int_eq(sim_pci_cfg_read(r.m, 0x0002, 0x34, 1, &v), 0);
	ck_assert_uint_eq(v, 0x40);
	ck_assert_int_eq(sim_pci_cfg_read(r.m, 0x0002, 0x40, 4, &v), 0);
	ck_assert_uint_eq(v & 0x700ff, 0x3000f);
	ck_assert_int_eq(sim_pci_cfg_read(r.m, 0x0002, 0x44, 4, &v), 0);
	ck_assert_uint_eq(v, 0xfed80001);
	/* firmware: an IVRS naming the unit */
	ck_assert_int_eq(sim_fw_table(r.m, "IVRS", &ivrs, &len), 0);
	ck_assert_int_eq(memcmp(ivrs, "IVRS", 4), 0);
	rig_fini(&r);
}
END_TEST

START_TEST(passthrough_blocked_and_translated)
{
	struct rig r;
	uint64_t v, w0, w1, buf = 0x200000, tbl;

	rig_init(&r, 8);
	/* V=0: untranslated */
	ck_assert(dma_write(&r, 1, buf, 0x1111));
	ck_assert_uint_eq(rq(&r, buf), 0x1111);
	/* V, TV, Mode 0, IR/IW clear: blocked, IO_PAGE_FAULT with PE */
	dte(&r, DEV1, DTE_V | DTE_TV, 7);
	inv_dte(&r, DEV1);
	ck_assert(!dma_write(&r, 1, buf, 0x2222));
	ck_assert_uint_eq(rq(&r, buf), 0x1111);
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(2) | EF_PR | EF_RW | EF_PE | 7ULL << 32 | DEV1);
	ck_assert_uint_eq(w1, buf);
	/* Mode 3 table: iova 0x40001000 -> buf, read only */
	tbl = map3(&r, 0x40001000, buf, IR);
	dte(&r, DEV1, DTE_V | DTE_TV | DTE_MODE(3) | tbl | DTE_IR | DTE_IW, 7);
	inv_dte(&r, DEV1);
	ck_assert(completion_wait(&r, 0xfeed));
	ck_assert(dma_read(&r, 1, 0x40001008, &v));
	ck_assert_uint_eq(v, rq(&r, buf + 8));
	ck_assert(!dma_write(&r, 1, 0x40001000, 0x3333));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(2) | EF_PR | EF_RW | EF_PE | 7ULL << 32 | DEV1);
	ck_assert_uint_eq(w1, 0x40001000);
	/* unmapped: not present, a read */
	ck_assert(!dma_read(&r, 1, 0x40002000, &v));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(2) | 7ULL << 32 | DEV1);
	ck_assert_uint_eq(w1, 0x40002000);
	/* beyond 3 levels (39 bits) */
	ck_assert(!dma_read(&r, 1, 1ULL << 39, &v));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w1, 1ULL << 39);
	ck_assert(!event(&r, &w0, &w1));
	/* SA suppresses the event, not the abort */
	dte(&r, DEV1, DTE_V | DTE_TV | DTE_MODE(3) | tbl | DTE_IR | DTE_IW, 7 | DTE_SA);
	inv_dte(&r, DEV1);
	ck_assert(!dma_read(&r, 1, 0x40002000, &v));
	ck_assert(!event(&r, &w0, &w1));
	rig_fini(&r);
}
END_TEST

START_TEST(skip_levels_and_large_pages)
{
	struct rig r;
	uint64_t v, w0, w1, l4, l1, l2;

	rig_init(&r, 8);
	/* 4 levels, the level-4 PDE skips levels 3 and 2: iova bits 38:21 must be 0 */
	l4 = page(&r);
	l1 = page(&r);
	wq(&r, l4 + 1 * 8, l1 | NL(1) | PR | IR | IW); /* iova 1 << 39 */
	wq(&r, l1 + 5 * 8, 0x300000 | NL(0) | PR | IR | IW);
	wq(&r, 0x300010, 0xabcdef);
	dte(&r, DEV2, DTE_V | DTE_TV | DTE_MODE(4) | l4 | DTE_IR | DTE_IW, 9);
	ck_assert(dma_read(&r, 2, (1ULL << 39) + 0x5010, &v));
	ck_assert_uint_eq(v, 0xabcdef);
	/* a skipped index that is not zero faults */
	ck_assert(!dma_read(&r, 2, (1ULL << 39) + (1ULL << 21) + 0x5010, &v));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(2) | 9ULL << 32 | DEV2);
	/* a 2 MiB page as a level-2 leaf (NextLevel 0); 1 MiB pages as NextLevel 7 in level 1 */
	l2 = page(&r);
	l1 = page(&r);
	wq(&r, l4 + 0 * 8, l2 | NL(2) | PR | IR | IW); /* skips level 3 */
	wq(&r, l2 + 1 * 8, 0x400000 | NL(0) | PR | IR | IW);       /* iova 2M -> 4M */
	wq(&r, l2 + 2 * 8, l1 | NL(1) | PR | IR | IW);
	/* two 1 MiB pages (address bits 18:12 set, 19 clear), 256 entries each:
	 * iova 4M -> 8M and 5M -> 9M */
	for (unsigned i = 0; i < 512; i++)
		wq(&r, l1 + i * 8, (i < 256 ? 0x800000 : 0x900000) | 0x7f000 | NL(7) | PR | IR | IW);
	wq(&r, 0x400000 + 0x12340, 0x11);
	wq(&r, 0x900000 + 0xff008, 0x22);
	inv_domain(&r, 9);
	ck_assert(dma_read(&r, 2, 0x200000 + 0x12340, &v));
	ck_assert_uint_eq(v, 0x11);
	ck_assert(dma_read(&r, 2, 0x400000 + 0x1ff008, &v));
	ck_assert_uint_eq(v, 0x22);
	/* NextLevel not below the level: reserved, RZ */
	wq(&r, l2 + 3 * 8, l1 | NL(2) | PR | IR | IW);
	ck_assert(!dma_read(&r, 2, 0x600000, &v));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(2) | EF_PR | EF_RZ | 9ULL << 32 | DEV2);
	rig_fini(&r);
}
END_TEST

START_TEST(iotlb_is_stale_until_invalidated)
{
	struct rig r;
	uint64_t v, tbl, l1;

	rig_init(&r, 8);
	tbl = map3(&r, 0x1000, 0x500000, IR | IW);
	dte(&r, DEV1, DTE_V | DTE_TV | DTE_MODE(3) | tbl | DTE_IR | DTE_IW, 3);
	wq(&r, 0x500000, 0x55);
	wq(&r, 0x600000, 0x66);
	ck_assert(dma_read(&r, 1, 0x1000, &v));
	ck_assert_uint_eq(v, 0x55);
	/* remap the page in memory: the IOTLB still has the old one */
	l1 = rq(&r, (rq(&r, tbl) & 0xffffffffff000ULL)) & 0xffffffffff000ULL;
	wq(&r, l1 + 8, 0x600000 | NL(0) | PR | IR | IW);
	ck_assert(dma_read(&r, 1, 0x1000, &v));
	ck_assert_uint_eq(v, 0x55);
	/* INVALIDATE_IOMMU_PAGES of another domain changes nothing */
	inv_domain(&r, 4);
	ck_assert(dma_read(&r, 1, 0x1000, &v));
	ck_assert_uint_eq(v, 0x55);
	/* one page of domain 3 */
	cmd(&r, EV(3) | 3ULL << 32, 0x1000);
	ck_assert(completion_wait(&r, 1));
	ck_assert(dma_read(&r, 1, 0x1000, &v));
	ck_assert_uint_eq(v, 0x66);
	/* the DTE is cached too: a new domain takes effect only after INVALIDATE_DEVTAB_ENTRY */
	dte(&r, DEV1, DTE_V | DTE_TV, 3);
	ck_assert(dma_read(&r, 1, 0x1000, &v));
	inv_dte(&r, DEV1);
	ck_assert(!dma_read(&r, 1, 0x1000, &v));
	/* INVALIDATE_IOMMU_ALL drops everything */
	dte(&r, DEV1, DTE_V | DTE_TV | DTE_MODE(3) | tbl | DTE_IR | DTE_IW, 3);
	cmd(&r, EV(8), 0);
	ck_assert(dma_read(&r, 1, 0x1000, &v));
	ck_assert_uint_eq(v, 0x66);
	rig_fini(&r);
}
END_TEST

START_TEST(commands_completion_wait_and_illegal)
{
	struct rig r;
	uint64_t w0, w1;

	rig_init(&r, 8);
	ck_assert(completion_wait(&r, 0x1234));
	/* I: Status.ComWaitInt, write 1 to clear */
	cmd(&r, EV(1) | 2, 0);
	ck_assert_uint_eq(rd(&r, STATUS) & ST_COMWAIT, ST_COMWAIT);
	wr(&r, STATUS, ST_COMWAIT);
	ck_assert_uint_eq(rd(&r, STATUS) & ST_COMWAIT, 0);
	ck_assert_uint_eq((rd(&r, CMDHEAD) >> 4) & 0x7fff, r.cmd_tail);
	/* opcode 0xf: ILLEGAL_COMMAND_ERROR with the command's address; processing stops */
	cmd(&r, 0xfULL << 60, 0);
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(5));
	ck_assert_uint_eq(w1, r.cmd + 2 * 16);
	ck_assert_uint_eq(rd(&r, STATUS) & ST_CMDRUN, 0);
	ck_assert_uint_eq((rd(&r, CMDHEAD) >> 4) & 0x7fff, 2);
	ck_assert(!completion_wait(&r, 5));
	/* software clears CmdBufEn, skips the command, enables again */
	wr(&r, CONTROL, IOMMUEN | EVTLOGEN);
	wr(&r, CMDHEAD, 3 << 4);
	wr(&r, CONTROL, IOMMUEN | EVTLOGEN | CMDBUFEN);
	ck_assert_uint_eq(rd(&r, STATUS) & ST_CMDRUN, ST_CMDRUN);
	ck_assert_uint_eq(rq(&r, r.l.table_base + r.l.table_size - 8), 5);
	rig_fini(&r);
}
END_TEST

START_TEST(event_log_overflow)
{
	struct rig r;
	uint64_t v, w0, w1;

	rig_init(&r, 8); /* 256 entries: 255 fit */
	dte(&r, DEV1, DTE_V | DTE_TV, 1);
	for (unsigned i = 0; i < 300; i++)
		ck_assert(!dma_read(&r, 1, 0x1000 * i, &v));
	ck_assert_uint_eq(rd(&r, STATUS) & (ST_EVTOVF | ST_EVTRUN | ST_EVTINT), ST_EVTOVF | ST_EVTINT);
	ck_assert_uint_eq((rd(&r, EVTTAIL) >> 4) & 0x7fff, 255);
	for (unsigned i = 0; i < 255; i++) {
		ck_assert(event(&r, &w0, &w1));
		ck_assert_uint_eq(w1, 0x1000ULL * i);
	}
	ck_assert(!event(&r, &w0, &w1));
	/* logging stays off until EventLogEn is toggled */
	ck_assert(!dma_read(&r, 1, 0x1000, &v));
	ck_assert(!event(&r, &w0, &w1));
	wr(&r, STATUS, ST_EVTOVF | ST_EVTINT);
	wr(&r, CONTROL, IOMMUEN | CMDBUFEN);
	wr(&r, CONTROL, IOMMUEN | CMDBUFEN | EVTLOGEN);
	ck_assert(!dma_read(&r, 1, 0x7000, &v));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w1, 0x7000);
	rig_fini(&r);
}
END_TEST

START_TEST(exclusion_range_and_bad_dte)
{
	struct rig r;
	uint64_t v, w0, w1;

	rig_init(&r, 8);
	dte(&r, DEV1, DTE_V | DTE_TV, 1);
	dte(&r, DEV2, DTE_V | DTE_TV, 2 | DTE_EX);
	wr(&r, EXCLBASE, 0x100000 | 1);
	wr(&r, EXCLLIM, 0x1ff000);
	wq(&r, 0x100040, 0x77);
	ck_assert(!dma_read(&r, 1, 0x100040, &v)); /* not EX, not Allow */
	ck_assert(dma_read(&r, 2, 0x100040, &v));
	ck_assert_uint_eq(v, 0x77);
	wr(&r, EXCLBASE, 0x100000 | 3); /* Allow */
	ck_assert(dma_read(&r, 1, 0x100040, &v));
	while (event(&r, &w0, &w1))
		;
	/* a reserved DTE bit (qword 0 bit 2): ILLEGAL_DEV_TABLE_ENTRY with RZ */
	dte(&r, DEV1, DTE_V | DTE_TV | 4, 1);
	inv_dte(&r, DEV1);
	ck_assert(!dma_write(&r, 1, 0x2000, 1));
	ck_assert(event(&r, &w0, &w1));
	ck_assert_uint_eq(w0, EV(1) | EF_RZ | EF_RW | DEV1);
	ck_assert_uint_eq(w1, 0x2000);
	rig_fini(&r);
}
END_TEST

Suite *suite_sim_amdvi(void)
{
	Suite *s = suite_create("sim_amdvi");
	TCase *tc = tcase_create("amdvi");

	tcase_add_test(tc, registers_and_pci_capability);
	tcase_add_test(tc, passthrough_blocked_and_translated);
	tcase_add_test(tc, skip_levels_and_large_pages);
	tcase_add_test(tc, iotlb_is_stale_until_invalidated);
	tcase_add_test(tc, commands_completion_wait_and_illegal);
	tcase_add_test(tc, event_log_overflow);
	tcase_add_test(tc, exclusion_range_and_bad_dte);
	suite_add_tcase(s, tc);
	return s;
}
