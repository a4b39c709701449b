/* SPDX-License-Identifier: MIT */
/*
 * The differential fuzzer's toolkit, shared by the generators of each
 * architecture (diff-fuzz.c: SMMUv3 and VT-d; diff-fuzz-amdvi.c;
 * diff-fuzz-smmuv2.c): randomness, the machine and its RAM, structure
 * pointers good and adversarial, the test devices, and the comparison of one
 * access (access_one) between the library's prediction and the model.
 */
#ifndef DIFF_FUZZ_PRIV_H
#define DIFF_FUZZ_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/smmu.h"
#include "tests/diff-fuzz.h"

#define BIT(n) (1ULL << (n))
#define MAX_PTRS 256
#define MAX_MAPS 96

struct ctx {
	struct dfz_src *src;
	struct dfz_stats *st;
	struct smmu_target *t;
	struct smmu_unit *u;
	char *msg;
	size_t msglen;
	uint64_t unit, ram, ram_end;
	uint64_t slot_next, slot_end;   /* 64 KiB slots for tables and structures */
	uint64_t data;                  /* pattern-filled data pages */
	uint64_t ptrs[MAX_PTRS];        /* every structure and table placed, for aliasing */
	unsigned nptrs;
	uint64_t maps[MAX_MAPS];        /* input addresses that were mapped, for accesses */
	unsigned nmaps;
	unsigned ndevs;
	unsigned dmap[8][2];            /* maps[] entries each device's own tables made */
	uint64_t bar[8];
	unsigned ttf;                   /* SMMUv3 IDR0.TTF the sim advertises: 1 AArch32, 2 AArch64, 3 both */
	bool s2aa32;                    /* the STE being built has a VMSAv8-32 stage 2 */
	/* against QEMU: one machine reused, so the pages written are zeroed
	 * again before the next configuration */
	bool qemu;
	FILE *trace;                    /* QEMU's trace log: what it translated, and to where */
	int qemu_fmt;                   /* SMMUv3 stream table format forced (-1: random) */
	uint64_t dirty[4096];
	unsigned ndirty;
	struct smmu_device *edu[8];
	bool failed;
};

/* What the model recorded for the access. */
struct rec {
	unsigned n;        /* records */
	uint32_t code;     /* the first one's EventID / fault reason */
	uint64_t fetch;    /* its fetch address, when it has one */
	bool has_fetch;
};
typedef void (*drain_fn)(struct ctx *c, struct rec *r);

uint64_t r64(struct dfz_src *s);
uint64_t rn(struct dfz_src *s, uint64_t n);     /* 0 .. n-1 */
bool pc(struct dfz_src *s, unsigned pct);       /* true with probability pct % */
void fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void w64(struct ctx *c, uint64_t pa, uint64_t v); /* outside RAM: not written */
uint64_t rd64(struct ctx *c, uint64_t pa);
void reg32(struct ctx *c, uint64_t off, uint32_t v);
void reg64(struct ctx *c, uint64_t off, uint64_t v);
uint64_t rreg(struct ctx *c, uint64_t off, unsigned size);
uint64_t slot(struct ctx *c);                   /* a fresh zeroed 64 KiB slot */
uint64_t ptr(struct ctx *c, bool *fresh);       /* a slot, an alias, or adversarial */
void mutate(struct ctx *c, uint64_t *w, unsigned nwords, unsigned pct);
void write_words(struct ctx *c, uint64_t pa, const uint64_t *w, unsigned n);
/* A sim machine (spec, -O options) with its unit at `unit`, 64 MiB of RAM at
 * `ram`, pattern-filled data pages and the test devices on. */
int sim_ready(struct ctx *c, const char *spec, const char *const *opts, unsigned nopts, uint64_t unit, uint64_t ram);
/* One access from device d: the prediction and the model must agree. */
void access_one(struct ctx *c, drain_fn drain, unsigned d, uint32_t sid, bool ssv, uint32_t ssid, uint64_t iova,
		unsigned acc);
uint64_t pick_map(struct ctx *c, unsigned d);
/* VMSAv8-64 LPAE: a level's shift; n random input addresses mapped in tables
 * at root (granule 2^g, ia input bits, start level sl, stage 2 or 1), base
 * OR'ed into the recorded addresses */
unsigned lvl_shift(unsigned g, int l);
void lpae_tables(struct ctx *c, uint64_t root, unsigned g, unsigned ia, int sl, bool s2, uint64_t base, unsigned n);
/* Stage 2 blocks mapping RAM to itself (a few faulty), so that nested
 * stage-1 tables are reachable */
void s2_identity(struct ctx *c, uint64_t root, unsigned g, unsigned ia, int sl);   /* a mapped input address */
/* an input address: mapped ones mostly, near them, anywhere */
uint64_t pick_iova(struct ctx *c, unsigned d);

/* Hand-built cases on the other architectures: how the model's records are
 * read, and how every cache entry device dev may hit is invalidated. */
struct dfz_hooks {
	drain_fn drain;
	void (*inv)(struct ctx *c, unsigned dev);
};
int dfz_amdvi_machine(struct ctx *c, struct dfz_hooks *h);
int dfz_smmuv2_machine(struct ctx *c, struct dfz_hooks *h);

/* The other architectures' generators: a configuration on a fresh machine. */
int dfz_amdvi_run(struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg, size_t msglen);
int dfz_smmuv2_run(struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg, size_t msglen);

#endif
