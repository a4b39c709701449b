/* SPDX-License-Identifier: MIT */
/*
 * The audit through the library API (lib/audit.c) and smmuman policies
 * (lib/policy.c): the reader's grammar and its errors, and audits of sim
 * machines built for each case, checked value by value.  The hooks that wait
 * on other work have tests that say what they return until then.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/smmu.h"

static struct smmu_target *open_target(const char *spec, const char *const *opts, size_t n)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(spec, opts, n, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

static struct smmu_policy *parse_ok(const char *text)
{
	struct smmu_policy *p = NULL;
	char err[256] = "";

	ck_assert_msg(smmu_policy_parse(text, strlen(text), "t.smmu", &p, err, sizeof(err)) == 0, "%s", err);
	return p;
}

static void parse_err(const char *text, const char *want)
{
	struct smmu_policy *p = NULL;
	char err[256] = "";

	ck_assert_int_eq(smmu_policy_parse(text, strlen(text), "t.smmu", &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err, want) == err, "want '%s...', got '%s'", want, err);
	ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(policy_grammar)
{
	struct smmu_policy *p = parse_ok("# a board\n"
					 "smmu armsmmu\n"
					 "device pci:0:1.0 nic   # trailing comment\n"
					 "device pci:0001:02:*.7 nic\n"
					 "device mem:0x0c000010 dma\n"
					 "allow nic 48000000,8K,rw\n"
					 "allow nic 0x10,1M\n"
					 "reserved dma 40000000,1G,rwx\n"
					 "\tdebug 2\r\n"
					 "foreground");
	ck_assert_uint_eq(smmu_policy_obj_count(p), 2);
	const struct smmu_policy_obj *nic = smmu_policy_obj_at(p, 0), *dma = smmu_policy_obj_at(p, 1);
	ck_assert_str_eq(nic->name, "nic");
	ck_assert_uint_eq(nic->ndevs, 2);
	ck_assert(nic->devs[0].pci && nic->devs[0].seg == 0 && nic->devs[0].bus == 0 && nic->devs[0].dev == 1 &&
		  nic->devs[0].fn == 0);
	ck_assert(nic->devs[1].seg == 1 && nic->devs[1].bus == 2 && nic->devs[1].dev == -1 && nic->devs[1].fn == 7);
	ck_assert_uint_eq(nic->nranges, 2);
	ck_assert_uint_eq(nic->ranges[0].start, 0x48000000);
	ck_assert_uint_eq(nic->ranges[0].len, 8 << 10);
	ck_assert_uint_eq(nic->ranges[0].prot, SMMU_PROT_R | SMMU_PROT_W);
	ck_assert_uint_eq(nic->ranges[1].start, 0x10); /* hex by default, 0x accepted */
	ck_assert_uint_eq(nic->ranges[1].len, 1 << 20);
	ck_assert_uint_eq(nic->ranges[1].prot, SMMU_PROT_R | SMMU_PROT_W); /* rw by default */
	ck_assert(!dma->devs[0].pci && dma->devs[0].paddr == 0x0c000010);
	ck_assert(dma->ranges[0].reserved && dma->ranges[0].len == 1ull << 30 && dma->ranges[0].prot == 7);
	ck_assert_uint_eq(dma->ranges[0].line, 8);
	smmu_policy_free(p);
	/* "10" is sixteen, not ten */
	p = parse_ok("device pci:0:1.0 a\nallow a 10,10\n");
	ck_assert_uint_eq(smmu_policy_obj_at(p, 0)->ranges[0].len, 16);
	smmu_policy_free(p);
}
END_TEST

START_TEST(policy_errors)
{
	parse_err("device pci:0:1.0\n", "t.smmu:1: expected: device");
	parse_err("\n\ndevice pci:0:32.0 a\n", "t.smmu:3: 'pci:0:32.0'");
	parse_err("device usb:1 a\n", "t.smmu:1: 'usb:1': expected pci:");
	parse_err("device pci:0:1.0 a\nallow a 1000\n", "t.smmu:2: '1000': expected START,LEN");
	parse_err("device pci:0:1.0 a\nallow a 1000,0\n", "t.smmu:2: '0': LEN");
	parse_err("device pci:0:1.0 a\nallow a zz,1000\n", "t.smmu:2: 'zz': START");
	parse_err("device pci:0:1.0 a\nallow a 1000,1000,rwz\n", "t.smmu:2: 'rwz': PERMS");
	parse_err("device pci:0:1.0 a\nallow a ffffffffffffffff,2\n", "t.smmu:2: ");
	parse_err("device pci:0:1.0 a\nallow a 1000,4T\n", "t.smmu:2: '4T'");
	parse_err("device pci:0:1.0 a\nallow b 1000,1000\n", "t.smmu:2: 'b' has ranges but no device line");
	parse_err("device pci:0:1.0 a\nbogus\n", "t.smmu:2: unknown keyword 'bogus'");
	struct smmu_policy *p = NULL;
	char err[128];
	ck_assert_int_eq(smmu_policy_parse("device pci:0:1.0 a\0\n", 20, "t.smmu", &p, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.smmu:1: a NUL byte: not a text file");
}
END_TEST

static size_t count_id(const struct smmu_audit *a, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < smmu_audit_finding_count(a); i++)
		n += !strcmp(smmu_audit_finding_at(a, i)->id, id);
	return n;
}

static const struct smmu_audit_device *adev(const struct smmu_audit *a, const char *addr)
{
	for (size_t i = 0; i < smmu_audit_device_count(a); i++)
		if (!strcmp(smmu_audit_device_at(a, i)->addr, addr))
			return smmu_audit_device_at(a, i);
	ck_abort_msg("%s is not in the audit", addr);
	return NULL;
}

START_TEST(audit_bridge_alias)
{
	static const char *const opts[] = { "bridge=2" };
	struct smmu_target *t = open_target(_i ? "sim:q35" : "sim:virt", opts, 1);
	struct smmu_domain *a, *b;
	struct smmu_audit *au;

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "02:00.0"), a), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "02:01.0"), b), 0);
	uint64_t ram = _i ? 0x100000 : 0x48000000;
	ck_assert_int_eq(smmu_map(a, 0x4000, ram, 0x3000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(smmu_audit_finding_count(au), 1);
	ck_assert_uint_eq(count_id(au, "identity-shared"), 1);
	const struct smmu_audit_device *d = adev(au, "02:01.0");
	ck_assert(d->aliased && d->dma_rid == 0x200 && d->dma_sid == 0x200 && d->sid == 0x208);
	ck_assert_str_eq(d->alias_via, "00:1e.0");
	/* it reaches domain a's mapping, not its own domain's (empty) tables */
	ck_assert_uint_eq(d->nranges, 1);
	ck_assert_uint_eq(d->ranges[0].iova, 0x4000);
	ck_assert_uint_eq(d->ranges[0].pa, ram);
	ck_assert_uint_eq(d->ranges[0].size, 0x3000);
	ck_assert_uint_eq(d->ranges[0].prot, SMMU_PROT_R);
	ck_assert_uint_eq(d->bytes[SMMU_MEM_RAM], 0x3000);
	ck_assert_uint_eq(d->bytes_w, 0);
	ck_assert_int_eq(smmu_audit_worst(au), SMMU_SEV_HIGH);
	smmu_audit_free(au);
	smmu_target_close(t);
}
END_TEST

/* Stale state: a table write through smmu_mem_write, then an invalidation. */
START_TEST(audit_stale)
{
	struct smmu_target *t = open_target("sim:virt", NULL, 0);
	struct smmu_device *d;
	struct smmu_domain *a;
	struct smmu_audit *au;
	uint64_t ste[8];
	struct smmu_config cfg;
	struct smmu_translation tr;

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_device_attach(d = smmu_device_find(t, "00:01.0"), a), 0);
	ck_assert_int_eq(smmu_device_config(d, false, 0, &cfg), 0);
	const struct smmu_cfg_step *s = smmu_config_step(&cfg, SMMU_CS_STE);
	ck_assert_ptr_nonnull(s);
	memcpy(ste, s->words, sizeof(ste));
	/* an STE may be cached even when invalid: any write to one is stale */
	ck_assert_int_eq(smmu_mem_write(t, s->addr, ste, 8), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "stale"), 1);
	ck_assert_uint_eq(smmu_audit_finding_at(au, 0)->pa, s->addr);
	smmu_audit_free(au);
	/* a map only fills invalid entries: no invalidation on an SMMUv3, so
	 * the STE write stays stale; an unmap's invalidation (and sync) clears it */
	ck_assert_int_eq(smmu_map(a, 0, 0x48000000, 0x2000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "stale"), 1);
	smmu_audit_free(au);
	ck_assert_int_eq(smmu_unmap(a, 0x1000, 0x1000), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(smmu_audit_finding_count(au), 0);
	smmu_audit_free(au);

	/* page-table entries written around the engine: filling the invalid
	 * one is nothing a unit can hold stale, changing the valid one is */
	struct smmu_device_info di;
	smmu_device_info(d, &di);
	struct smmu_stream st = { di.sid, false, 0 };
	ck_assert_int_eq(smmu_translate(smmu_unit_at(t, 0), &st, 0, SMMU_PROT_R, &tr), 0);
	ck_assert(tr.ok);
	uint64_t valid_pa = tr.x.step[tr.x.nsteps - 1].entry_pa, pte = tr.x.step[tr.x.nsteps - 1].pte;
	uint64_t fill = pte + 0x1000; /* the next page, at the entry unmap cleared */
	ck_assert_int_eq(smmu_mem_write(t, valid_pa + 8, &fill, 8), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "stale"), 0);
	smmu_audit_free(au);
	ck_assert_int_eq(smmu_translate(smmu_unit_at(t, 0), &st, 0x1000, SMMU_PROT_R, &tr), 0);
	ck_assert(tr.ok && tr.pa == 0x48001000);
	uint64_t changed = pte ^ (1ull << 6); /* AP[1]: another permission */
	ck_assert_int_eq(smmu_mem_write(t, valid_pa, &changed, 8), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "stale"), 1);
	ck_assert_uint_eq(smmu_audit_finding_at(au, 0)->pa, valid_pa);
	smmu_audit_free(au);
	smmu_target_close(t);
}
END_TEST

/* TODO(reserved): until it lands, no device carries a reserved finding. */
START_TEST(audit_hooks_waiting)
{
	struct smmu_target *t = open_target("sim:virt", NULL, 0);
	struct smmu_domain *a;
	struct smmu_audit *au;

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), a), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "reserved"), 0);
	smmu_audit_free(au);
	smmu_target_close(t);
}
END_TEST

/* Nested: what the device reaches is stage 1 composed with stage 2 (the
 * permissions of both), not stage 1's intermediate addresses; a stage-1
 * output stage 2 does not map reaches nothing. */
START_TEST(audit_nested_composed)
{
	struct smmu_target *t = open_target("sim:virt", NULL, 0);
	struct smmu_domain *h, *g;
	struct smmu_audit *au;
	char err[128];

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create_geom(t, "h", &(struct smmu_domain_geometry){ .stage = SMMU_STAGE_2 }, &h,
						 err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_domain_create_geom(t, "g", &(struct smmu_domain_geometry){ .stage = SMMU_STAGE_NESTED,
						 .parent = h }, &g, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), g), 0);
	ck_assert_int_eq(smmu_map(h, 0x80000000, 0x48000000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(h, 0x80001000, 0x48100000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_map(g, 0x10000, 0x80000000, 0x3000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	const struct smmu_audit_device *d = adev(au, "00:01.0");
	ck_assert(d->nested && d->verdict == SMMU_AUDIT_TRANSLATED && !d->walk_incomplete);
	ck_assert_uint_eq(d->stages, SMMU_AUDIT_S1 | SMMU_AUDIT_S2);
	ck_assert_uint_eq(d->nranges, 2);
	ck_assert_uint_eq(d->ranges[0].iova, 0x10000);
	ck_assert_uint_eq(d->ranges[0].pa, 0x48000000);
	ck_assert_uint_eq(d->ranges[0].size, 0x1000);
	ck_assert_uint_eq(d->ranges[0].prot, SMMU_PROT_R | SMMU_PROT_W);
	ck_assert_uint_eq(d->ranges[1].iova, 0x11000);
	ck_assert_uint_eq(d->ranges[1].pa, 0x48100000);
	ck_assert_uint_eq(d->ranges[1].size, 0x1000);
	ck_assert_uint_eq(d->ranges[1].prot, SMMU_PROT_R); /* stage 2 takes the write away */
	ck_assert_uint_eq(smmu_audit_finding_count(au), 0);
	smmu_audit_free(au);
	smmu_target_close(t);
}
END_TEST

/* ACS on a switch's downstream port: each of SV, RR, CR, UF that is
 * implemented must be enabled (one missing is a finding naming it); one the
 * port does not implement cannot route peer-to-peer. */
START_TEST(audit_acs_controls)
{
	static const char *const opts[] = { "switch=2", "acs=on" };
	struct smmu_target *t = open_target("sim:q35", opts, 2);
	struct smmu_audit *au;
	const uint16_t dp = 0x0300; /* 03:00.0, ACS at 0x100: control at 0x106 */

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "p2p"), 0);
	smmu_audit_free(au);
	ck_assert_int_eq(smmu_pci_write(t, dp, 0x106, 2, 0x0019), 0); /* RR off */
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	ck_assert_uint_eq(count_id(au, "p2p"), 1);
	const struct smmu_audit_finding *f = smmu_audit_finding_at(au, 0);
	ck_assert_str_eq(f->dev, "04:00.0");
	ck_assert_str_eq(f->other, "05:00.0");
	ck_assert_msg(strstr(f->reason, "03:00.0 lacks ACS RR:"), "%s", f->reason);
	smmu_audit_free(au);
	smmu_target_close(t);
}
END_TEST

/* Substreams from the live tables: a CD table written here (not by smmush's
 * domains) is enumerated by smmu_unit_substreams() and audited per
 * SubstreamID; a level-2 CD table outside RAM is -EFAULT with the readable
 * ones visited; CD.AFFD is af_used. */
struct ssids {
	uint32_t v[8];
	uint64_t root[8];
	unsigned n;
};

static int ssid_visit(void *arg, uint32_t ssid, const struct smmu_config *cfg)
{
	struct ssids *s = arg;

	ck_assert_uint_lt(s->n, 8);
	s->root[s->n] = cfg->root;
	s->v[s->n++] = ssid;
	return 0;
}

static void cd_words(struct smmu_target *t, const char *dev, uint64_t cd[8], uint64_t *ste_pa, uint64_t ste[8])
{
	struct smmu_config cfg;

	ck_assert_int_eq(smmu_device_config(smmu_device_find(t, dev), false, 0, &cfg), 0);
	const struct smmu_cfg_step *c = smmu_config_step(&cfg, SMMU_CS_CD), *s = smmu_config_step(&cfg, SMMU_CS_STE);
	ck_assert(c && s);
	memcpy(cd, c->words, 64);
	memcpy(ste, s->words, 64);
	*ste_pa = s->addr;
}

START_TEST(audit_substreams_live)
{
	struct smmu_target *t = open_target("sim:virt", NULL, 0);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_domain *a, *b;
	struct smmu_audit *au;
	uint64_t cda[8], cdb[8], ste[8], steb[8], ste_pa, pa, zero[8] = { 0 };
	struct ssids got = { 0 };

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), a), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:02.0"), b), 0);
	ck_assert_int_eq(smmu_map(a, 0x10000, 0x48000000, 0x2000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(b, 0x20000, 0x48100000, 0x1000, SMMU_PROT_R), 0);
	cd_words(t, "00:02.0", cdb, &pa, steb);
	cd_words(t, "00:01.0", cda, &ste_pa, ste);
	/* no substreams yet: none visited */
	ck_assert_int_eq(smmu_unit_substreams(u, 8, ssid_visit, &got), 0);
	ck_assert_uint_eq(got.n, 0);
	/* a linear table of 4: CD 0 (requests without one, S1DSS=substream0) a, 1 b, 2 invalid, 3 a */
	ck_assert_int_eq(smmu_mem_write(t, 0x48200000, cda, 64), 0);
	ck_assert_int_eq(smmu_mem_write(t, 0x48200040, cdb, 64), 0);
	ck_assert_int_eq(smmu_mem_write(t, 0x48200080, zero, 64), 0);
	ck_assert_int_eq(smmu_mem_write(t, 0x482000c0, cda, 64), 0);
	ste[0] = 0x100000004820000bull; /* V, S1Trans, linear, S1CDMax=2 */
	ste[1] = (ste[1] & ~3ull) | 2;  /* S1DSS=substream0 */
	ck_assert_int_eq(smmu_mem_write(t, ste_pa, ste, 16), 0);
	ck_assert_int_eq(smmu_unit_substreams(u, 8, ssid_visit, &got), 0);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_uint_eq(got.v[0], 1);
	ck_assert_uint_eq(got.root[0], cdb[1] & ~0xfull);
	ck_assert_uint_eq(got.v[1], 3);
	ck_assert_uint_eq(got.root[1], cda[1] & ~0xfull);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	const struct smmu_audit_device *d = adev(au, "00:01.0");
	ck_assert_uint_eq(d->npasids, 2);
	ck_assert_uint_eq(d->pasids[0].pasid, 1);
	ck_assert_ptr_null(d->pasids[0].domain);
	ck_assert_uint_eq(d->pasids[0].nranges, 1);
	ck_assert_uint_eq(d->ranges[d->pasids[0].first].pa, 0x48100000);
	ck_assert_uint_eq(d->ranges[d->pasids[0].first].prot, SMMU_PROT_R);
	ck_assert_uint_eq(d->ranges[d->pasids[1].first].pa, 0x48000000);
	ck_assert_uint_eq(d->ranges[d->pasids[1].first].size, 0x2000);
	ck_assert(!d->walk_incomplete);
	/* substream 3 reaches what requests without one reach: each byte counts once */
	ck_assert_uint_eq(d->nranges, 3);
	ck_assert_uint_eq(d->bytes_total, 0x3000);
	ck_assert_uint_eq(d->bytes_r, 0x3000);
	ck_assert_uint_eq(d->bytes_w, 0x2000);
	ck_assert_uint_eq(d->bytes[SMMU_MEM_RAM], 0x3000);
	ck_assert_uint_eq(d->bytes[SMMU_MEM_UNKNOWN], 0);
	smmu_audit_free(au);

	/* 2-level (S1Fmt=1, S1CDMax=7): L1 entry 0's table outside RAM, entry 1's holds b at 0x45 */
	uint64_t l1[2] = { 0x800000001ull, 0x48220001ull };
	ck_assert_int_eq(smmu_mem_write(t, 0x48210000, l1, 16), 0);
	ck_assert_int_eq(smmu_mem_write(t, 0x48220140, cdb, 64), 0);
	ste[0] = 0x380000004821001bull;
	ck_assert_int_eq(smmu_mem_write(t, ste_pa, ste, 8), 0);
	got.n = 0;
	ck_assert_int_eq(smmu_unit_substreams(u, 8, ssid_visit, &got), -EFAULT);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_uint_eq(got.v[0], 0x45);
	ck_assert_int_eq(smmu_audit_run(t, NULL, &au), 0);
	d = adev(au, "00:01.0");
	ck_assert(d->walk_incomplete && d->verdict == SMMU_AUDIT_TRANSLATED);
	ck_assert_uint_eq(d->npasids, 1);
	ck_assert_uint_eq(d->nranges, 1);
	smmu_audit_free(au);

	/* CD.AFFD (bit 35) and HA are what af_used says */
	struct smmu_config cfg;
	ck_assert_int_eq(smmu_device_config(smmu_device_find(t, "00:02.0"), false, 0, &cfg), 0);
	ck_assert(!cfg.af_used);
	cdb[0] |= 1ull << 35;
	ck_assert_int_eq(smmu_mem_write(t, smmu_config_step(&cfg, SMMU_CS_CD)->addr, cdb, 8), 0);
	ck_assert_int_eq(smmu_device_config(smmu_device_find(t, "00:02.0"), false, 0, &cfg), 0);
	ck_assert(cfg.af_used);
	smmu_target_close(t);
}
END_TEST

Suite *suite_audit(void);
Suite *suite_audit(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, policy_grammar);
	tcase_add_test(tc, policy_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("audit");
	tcase_add_loop_test(tc, audit_bridge_alias, 0, 2);
	tcase_add_test(tc, audit_stale);
	tcase_add_test(tc, audit_hooks_waiting);
	tcase_add_test(tc, audit_nested_composed);
	tcase_add_test(tc, audit_acs_controls);
	tcase_add_test(tc, audit_substreams_live);
	suite_add_tcase(s, tc);
	return s;
}
