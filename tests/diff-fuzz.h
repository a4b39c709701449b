/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing: libsmmu's prediction (smmu_translate) against the sim
 * hardware model (backends/sim), on random and adversarial configurations.
 * Shared by the Check suite (tests/check-diff-fuzz.c) and the libFuzzer
 * harness (tests/fuzz/fuzz-diff.c).
 *
 * One "configuration" is a fresh sim machine whose registers and RAM are
 * filled from a byte source (STE, L1STD, CD, L1CD, page tables of every
 * granule and format; root/context/PASID structures, legacy and scalable;
 * every field including reserved bits; pointers inside, outside and into
 * the structures themselves), then a number of DMA accesses through the
 * model's test devices.  For every access the library's prediction (verdict,
 * event ID or fault reason, whether it is recorded, the fetch address of a
 * fetch fault, the physical address and the data there) must equal what the
 * model did and recorded.
 */
#ifndef DIFF_FUZZ_H
#define DIFF_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where randomness comes from: bytes first (libFuzzer), then a PRNG. */
struct dfz_src {
	const uint8_t *data;
	size_t len, pos;
	uint64_t x;
};
void dfz_src_seed(struct dfz_src *s, uint64_t seed);
void dfz_src_bytes(struct dfz_src *s, const uint8_t *data, size_t len);

struct dfz_stats {
	uint64_t configs, accesses;
	uint64_t translated;     /* the access reached memory */
	uint64_t recorded;       /* a fault the model recorded (and the library predicted) */
	uint64_t silent;         /* a fault nobody records */
	uint64_t unpredicted;    /* accesses the library says it does not predict */
	uint64_t nested;         /* accesses through a nested configuration (stage 1 at IPAs) */
	uint64_t nested_translated; /* ... that reached memory through both stages */
	uint64_t nested_s2_fetch;   /* ... that stage 2 stopped on a stage-1 table read */
	uint64_t aa32;           /* accesses through VMSAv8-32 LPAE tables (stage 1 or 2) */
	uint64_t aa32_translated;
	uint64_t code[256];      /* faults by code */
};

enum dfz_arch { DFZ_SMMUV3, DFZ_VTD_LEGACY, DFZ_VTD_SCALABLE, DFZ_AMDVI, DFZ_SMMUV2 };

/* One configuration and `accesses` accesses.  0 when every prediction held;
 * otherwise -1 with what disagreed in msg. */
int dfz_run(enum dfz_arch arch, struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg,
	    size_t msglen);

/* A bounded sample against QEMU 7.2 (qemu:virt's SMMUv3, DFZ_SMMUV3; qemu:q35's
 * VT-d in legacy mode, DFZ_VTD_LEGACY): configurations within what QEMU
 * models, accesses through its edu devices, one QEMU reused for all.  Every
 * access either agrees or departs in one of the named ways QEMU 7.2 is known
 * to depart from the specification (counted in dep[]).  0 when so; -1 with
 * msg on an unnamed disagreement; -2 when QEMU cannot be started. */
#define DFZ_MAX_DEPARTURES 16
struct dfz_qemu_stats {
	uint64_t configs, accesses, agree, translated, recorded;
	unsigned ndep;
	struct {
		const char *name;
		uint64_t n;
	} dep[DFZ_MAX_DEPARTURES];
};
int dfz_qemu_run(enum dfz_arch arch, uint64_t seed, unsigned configs, unsigned accesses, struct dfz_qemu_stats *st,
		 char *msg, size_t msglen);

/* Hand-built cases (named regressions): a fresh machine; SMMUv3 with its
 * queues on (CR0 = CMDQEN | EVENTQEN; set the tables and SMMUEN yourself),
 * IDR0.TTF advertising both table formats; VT-d (q35, MGAW 48) with nothing
 * set; AMD-Vi with its device table at RAM + DFZ_AMD_DEVTAB (one page: 256
 * DTEs), command buffer and event log on, IommuEn set; SMMUv2 (mmu500) with
 * nothing set; RAM from dfz_ram(), 64 MiB; test devices 0-3 are StreamIDs /
 * source-ids / DeviceIDs 0x8-0x20. */
#define DFZ_AMD_DEVTAB 0x100000
struct dfz_machine;
struct smmu_translation;
struct dfz_machine *dfz_open(enum dfz_arch arch, bool stage2);
/* The same with SMMUv3 IDR0.TTF chosen (1 VMSAv8-32 LPAE, 2 VMSAv8-64, 3
 * both; dfz_open takes both). */
struct dfz_machine *dfz_open_ttf(enum dfz_arch arch, bool stage2, unsigned ttf);
uint64_t dfz_ram(struct dfz_machine *m);
void dfz_write(struct dfz_machine *m, uint64_t pa, const uint64_t *w, unsigned n);
void dfz_reg(struct dfz_machine *m, uint64_t off, unsigned size, uint64_t v);
/* One access from device dev: the library's prediction (tr) and the model
 * must agree: 0, else -1 with *msg saying how they differ.  Caches are
 * invalidated first. */
int dfz_access(struct dfz_machine *m, unsigned dev, bool ssv, uint32_t ssid, uint64_t iova, unsigned acc,
	       struct smmu_translation *tr, const char **msg);
void dfz_close(struct dfz_machine *m);

#endif
