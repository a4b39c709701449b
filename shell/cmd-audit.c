/* SPDX-License-Identifier: MIT */
/* audit: is DMA isolation in place?  The library audits; this formats it. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static const char *human(uint64_t v, char *buf, size_t n)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned i = 0;

	if (v == UINT64_MAX) {
		snprintf(buf, n, "16 EiB");
		return buf;
	}
	while (i < 6 && v >= 1024 && !(v & 1023)) {
		v >>= 10;
		i++;
	}
	snprintf(buf, n, "%" PRIu64 " %s", v, u[i]);
	return buf;
}

static const char *perms(unsigned p, char *b)
{
	snprintf(b, 6, "%c%c%c%s", p & SMMU_PROT_R ? 'r' : '-', p & SMMU_PROT_W ? 'w' : '-', p & SMMU_PROT_X ? 'x' : '-',
		 p & SMMU_PROT_PRIV ? "p" : "");
	return b;
}

/* What the architecture calls a requester's ID. */
static const char *id_name(unsigned arch)
{
	return arch == SMMU_ARCH_VTD ? "source-id" : arch == SMMU_ARCH_AMDVI ? "DeviceID" : "StreamID";
}

static const char *stages(const struct smmu_audit_device *d, char *b, size_t n)
{
	struct smmu_unit_info ui = { 0 };

	if (d->unit)
		smmu_unit_info(d->unit, &ui);
	const char *s1 = ui.arch == SMMU_ARCH_VTD ? "first level" : "stage 1";
	const char *s2 = ui.arch == SMMU_ARCH_VTD ? "second level" : "stage 2";
	if (d->stages & SMMU_AUDIT_V1)
		snprintf(b, n, "host translation (v1 tables)");
	else if ((d->stages & SMMU_AUDIT_S1) && (d->stages & SMMU_AUDIT_S2))
		snprintf(b, n, "%s + %s (nested)", s1, s2);
	else
		snprintf(b, n, "%s", d->stages & SMMU_AUDIT_S1 ? s1 : d->stages & SMMU_AUDIT_S2 ? s2 : "-");
	return b;
}

/* The PASID whose requests reach range r (VT-d scalable mode), or NULL. */
static const struct smmu_audit_pasid *range_pasid(const struct smmu_audit_device *d, size_t r)
{
	for (size_t i = 0; i < d->npasids; i++)
		if (r >= d->pasids[i].first && r - d->pasids[i].first < d->pasids[i].nranges)
			return &d->pasids[i];
	return NULL;
}

/* Hit x's piece inside range g in [*lo, *hi] (inclusive), false when none. */
static bool clip_hit(const struct smmu_audit_hit *x, const struct smmu_audit_range *g, uint64_t *lo, uint64_t *hi)
{
	uint64_t gend = g->pa + (g->size - 1), xend = x->pa + (x->size - 1);
	if (x->pa > gend || xend < g->pa)
		return false;
	*lo = x->pa > g->pa ? x->pa : g->pa;
	*hi = xend < gend ? xend : gend;
	return true;
}

/* Hit h's piece of range g, unless another hit on the same memory gives a
 * larger one or the same one earlier: the hits are the pieces of all the
 * device's ranges, and where substreams reach one page several cover a range. */
static bool range_hit(const struct smmu_audit_device *d, const struct smmu_audit_range *g, size_t h, uint64_t *lo,
		      uint64_t *hi)
{
	if (!clip_hit(&d->hits[h], g, lo, hi))
		return false;
	for (size_t k = 0; k < d->nhits; k++) {
		uint64_t l, e;
		if (k == h || d->hits[k].kind != d->hits[h].kind || d->hits[k].what != d->hits[h].what ||
		    !clip_hit(&d->hits[k], g, &l, &e) || l > *lo || e < *hi)
			continue;
		if (l < *lo || e > *hi || k < h)
			return false;
	}
	return true;
}

/* "PASID 0x5 (domain d1)", "SubstreamID 0x3": the unit's word, smmush's domain when it attached it. */
static const char *ssid_words(const struct smmu_audit_device *d, const struct smmu_audit_pasid *ps, char *b, size_t n)
{
	struct smmu_unit_info ui = { .arch = SMMU_ARCH_SMMUV3 };
	if (d->unit)
		smmu_unit_info(d->unit, &ui);
	bool vtd = ui.arch == SMMU_ARCH_VTD;
	snprintf(b, n, "%s 0x%x%s%s%s", vtd ? "PASID" : "SubstreamID", ps->pasid, ps->domain ? " (domain " : "",
		 ps->domain ? ps->domain : "", ps->domain ? ")" : "");
	return b;
}

static void text_device(struct shell *sh, const struct smmu_audit_device *d)
{
	char sw[96];
	char b1[32], b2[32], b3[32], st[80], p[8];
	struct smmu_unit_info ui = { 0 };

	if (d->unit)
		smmu_unit_info(d->unit, &ui);
	fprintf(sh->out, "%s  %s\n", d->addr, d->name ? d->name : "");
	switch (d->verdict) {
	case SMMU_AUDIT_UNCOVERED:
		fprintf(sh->out, "  verdict: NO IOMMU COVERS IT: its DMA reaches ALL of memory\n");
		break;
	case SMMU_AUDIT_BYPASS:
		fprintf(sh->out, "  verdict: BYPASS on %s (%s 0x%x): its DMA reaches ALL of memory\n", ui.name,
			id_name(ui.arch), d->dma_sid);
		break;
	case SMMU_AUDIT_ABORT:
		fprintf(sh->out, "  verdict: abort on %s (%s 0x%x): its DMA reaches nothing\n", ui.name,
			id_name(ui.arch), d->dma_sid);
		break;
	case SMMU_AUDIT_TRANSLATED:
		fprintf(sh->out, "  verdict: translated by %s on %s (%s 0x%x%s%s)\n", stages(d, st, sizeof(st)), ui.name,
			id_name(ui.arch), d->dma_sid, d->domain ? ", domain " : "",
			d->domain ? d->domain : "");
		break;
	}
	if (d->aliased)
		fprintf(sh->out, "  its DMA carries requester ID %02x:%02x.%x (taken over by bridge %s), not its own: "
			"it gets %s 0x%x's configuration; the one for 0x%x is never used\n",
			d->dma_rid >> 8, (d->dma_rid >> 3) & 0x1f, d->dma_rid & 7, d->alias_via ? d->alias_via : "?",
			id_name(ui.arch), d->dma_sid, d->sid);
	if (d->reason[0])
		fprintf(sh->out, "  why: %s\n", d->reason);
	if (d->bar_sizes_unknown)
		fprintf(sh->out, "  note: this target cannot tell its BARs' sizes: each counts as its first page of MMIO\n");
	if (d->verdict == SMMU_AUDIT_TRANSLATED || d->nranges) {
		fprintf(sh->out, "  reaches %s in %zu range%s (read %s, write %s, execute %s): RAM %s, MMIO %s, IOMMU %s\n",
			human(d->bytes_total, b1, sizeof(b1)), d->nranges, d->nranges == 1 ? "" : "s", human(d->bytes_r, b2, sizeof(b2)),
			human(d->bytes_w, b3, sizeof(b3)), human(d->bytes_x, (char[32]){ 0 }, 32),
			human(d->bytes[SMMU_MEM_RAM], (char[32]){ 0 }, 32), human(d->bytes[SMMU_MEM_MMIO], (char[32]){ 0 }, 32),
			human(d->bytes[SMMU_MEM_IOMMU_TABLE] + d->bytes[SMMU_MEM_IOMMU_REGS], (char[32]){ 0 }, 32));
	}
	for (size_t i = 0; i < d->npasids; i++)
		if (!d->pasids[i].nranges)
			fprintf(sh->out, "  %s: reaches nothing\n", ssid_words(d, &d->pasids[i], sw, sizeof(sw)));
	for (size_t r = 0; r < d->nranges; r++) {
		const struct smmu_audit_range *g = &d->ranges[r];
		const struct smmu_audit_pasid *ps = range_pasid(d, r);
		if (ps && r == ps->first)
			fprintf(sh->out, "  %s reaches:\n", ssid_words(d, ps, sw, sizeof(sw)));
		if (d->verdict == SMMU_AUDIT_TRANSLATED)
			fprintf(sh->out, "    IOVA 0x%" PRIx64 "-0x%" PRIx64 " -> PA 0x%" PRIx64 "-0x%" PRIx64 " %s\n", g->iova,
				g->iova + g->size - 1, g->pa, g->pa + g->size - 1, perms(g->prot, p));
		else
			fprintf(sh->out, "    PA 0x%" PRIx64 "-0x%" PRIx64 " %s (everything)\n", g->pa, g->pa + g->size - 1,
				perms(g->prot, p));
		for (size_t h = 0; h < d->nhits; h++) {
			const struct smmu_audit_hit *x = &d->hits[h];
			uint64_t lo, hi;
			if (!range_hit(d, g, h, &lo, &hi))
				continue;
			fprintf(sh->out, "      0x%" PRIx64 "-0x%" PRIx64 "  %s: %s\n", lo, hi, smmu_mem_kind_name(x->kind),
				x->what);
		}
	}
	if (d->ats || d->pri || d->pasid)
		fprintf(sh->out, "  PCIe: %s%s%s%s\n", d->ats ? (d->ats_enabled ? "ATS enabled" : "ATS (off)") : "",
			d->ats && d->ats_accepted ? ", translated requests accepted" : "", d->pri ? " PRI" : "",
			d->pasid ? " PASID" : "");
}

static void json_device(struct shell *sh, const struct smmu_audit_device *d)
{
	struct smmu_json *j = &sh->j;
	struct smmu_unit_info ui = { 0 };
	char p[8];

	if (d->unit)
		smmu_unit_info(d->unit, &ui);
	smmu_json_obj_begin(j);
	smmu_json_kstr(j, "device", d->addr);
	smmu_json_kstr(j, "name", d->name ? d->name : "");
	smmu_json_key(j, "unit");
	d->unit ? smmu_json_str(j, ui.name) : smmu_json_null(j);
	smmu_json_khex(j, "sid", d->sid);
	smmu_json_khex(j, "dma_sid", d->dma_sid);
	smmu_json_key(j, "alias_via");
	d->aliased && d->alias_via ? smmu_json_str(j, d->alias_via) : smmu_json_null(j);
	smmu_json_kstr(j, "verdict", smmu_audit_verdict_name(d->verdict));
	smmu_json_key(j, "stages");
	smmu_json_arr_begin(j);
	if (d->stages & SMMU_AUDIT_S1)
		smmu_json_u64(j, 1);
	if (d->stages & SMMU_AUDIT_S2)
		smmu_json_u64(j, 2);
	if (d->stages & SMMU_AUDIT_V1)
		smmu_json_str(j, "v1");
	smmu_json_arr_end(j);
	smmu_json_kbool(j, "nested", d->nested);
	smmu_json_kbool(j, "complete", !d->walk_incomplete);
	smmu_json_kbool(j, "bar_sizes_known", !d->bar_sizes_unknown);
	smmu_json_key(j, "domain");
	d->domain ? smmu_json_str(j, d->domain) : smmu_json_null(j);
	smmu_json_kstr(j, "reason", d->reason);
	smmu_json_key(j, "ranges");
	smmu_json_arr_begin(j);
	for (size_t r = 0; r < d->nranges; r++) {
		const struct smmu_audit_range *g = &d->ranges[r];
		const struct smmu_audit_pasid *ps = range_pasid(d, r);
		smmu_json_obj_begin(j);
		if (ps) /* a PASID's range; without the key: requests without a PASID */
			smmu_json_ku64(j, "pasid", ps->pasid);
		smmu_json_khex(j, "iova", g->iova);
		smmu_json_khex(j, "pa", g->pa);
		smmu_json_khex(j, "size", g->size);
		smmu_json_kstr(j, "perms", perms(g->prot, p));
		smmu_json_key(j, "memory");
		smmu_json_arr_begin(j);
		for (size_t h = 0; h < d->nhits; h++) {
			const struct smmu_audit_hit *x = &d->hits[h];
			uint64_t lo, hi;
			if (!range_hit(d, g, h, &lo, &hi))
				continue;
			smmu_json_obj_begin(j);
			smmu_json_khex(j, "pa", lo);
			smmu_json_khex(j, "size", hi - lo + 1);
			smmu_json_kstr(j, "kind", smmu_mem_kind_name(x->kind));
			smmu_json_kstr(j, "what", x->what);
			smmu_json_obj_end(j);
		}
		smmu_json_arr_end(j);
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
	smmu_json_key(j, "pasids"); /* its SubstreamIDs / PASIDs from the live tables, audited too */
	smmu_json_arr_begin(j);
	for (size_t i = 0; i < d->npasids; i++) {
		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "pasid", d->pasids[i].pasid);
		smmu_json_key(j, "domain");
		d->pasids[i].domain ? smmu_json_str(j, d->pasids[i].domain) : smmu_json_null(j);
		smmu_json_ku64(j, "ranges", d->pasids[i].nranges);
		smmu_json_obj_end(j);
	}
	smmu_json_arr_end(j);
	smmu_json_key(j, "bytes");
	smmu_json_obj_begin(j);
	for (int k = 0; k <= SMMU_MEM_UNKNOWN; k++)
		smmu_json_khex(j, smmu_mem_kind_name(k), d->bytes[k]);
	smmu_json_khex(j, "total", d->bytes_total);
	smmu_json_khex(j, "read", d->bytes_r);
	smmu_json_khex(j, "write", d->bytes_w);
	smmu_json_khex(j, "execute", d->bytes_x);
	smmu_json_obj_end(j);
	smmu_json_key(j, "pcie");
	smmu_json_obj_begin(j);
	smmu_json_kbool(j, "ats", d->ats);
	smmu_json_kbool(j, "ats_enabled", d->ats_enabled);
	smmu_json_kbool(j, "ats_accepted", d->ats_accepted);
	smmu_json_kbool(j, "pri", d->pri);
	smmu_json_kbool(j, "pasid", d->pasid);
	smmu_json_obj_end(j);
	smmu_json_obj_end(j);
}

static void json_finding(struct shell *sh, const struct smmu_audit_finding *f)
{
	struct smmu_json *j = &sh->j;
	struct smmu_unit_info ui;

	smmu_json_obj_begin(j);
	smmu_json_kstr(j, "severity", smmu_severity_name(f->sev));
	smmu_json_kstr(j, "id", f->id);
	smmu_json_key(j, "unit");
	if (f->unit) {
		smmu_unit_info(f->unit, &ui);
		smmu_json_str(j, ui.name);
	} else {
		smmu_json_null(j);
	}
	smmu_json_key(j, "device");
	f->dev ? smmu_json_str(j, f->dev) : smmu_json_null(j);
	smmu_json_key(j, "other");
	f->other ? smmu_json_str(j, f->other) : smmu_json_null(j);
	if (f->has_range) {
		smmu_json_khex(j, "pa", f->pa);
		smmu_json_khex(j, "size", f->size);
	}
	smmu_json_kstr(j, "reason", f->reason);
	smmu_json_obj_end(j);
}

static int cmd_audit(struct shell *sh, int argc, char **argv)
{
	const char *policy_file = NULL;
	bool strict = false;
	enum smmu_severity thr = SMMU_SEV_HIGH;
	struct smmu_policy *pol = NULL;
	struct smmu_audit *a;
	struct smmu_target *t;
	char err[256];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--policy") && i + 1 < argc) {
			policy_file = argv[++i];
		} else if (!strcmp(argv[i], "--strict")) {
			strict = true;
			if (i + 1 < argc && argv[i + 1][0] != '-' && smmu_severity_parse(argv[++i], &thr)) {
				shell_error("audit: --strict '%s' is not a severity (info, low, medium, high, critical)", argv[i]);
				return -EINVAL;
			}
		} else {
			shell_error("audit: expected audit [--policy FILE] [--strict [SEVERITY]] (SEVERITY: info, low, medium, high, critical)");
			return -EINVAL;
		}
	}
	/* the options and the policy file before the target opens (CMD_OPENS_LATE) */
	if (policy_file && (rc = smmu_policy_load(policy_file, &pol, err, sizeof(err)))) {
		shell_error("audit: %s", err);
		return rc;
	}
	if (!(t = shell_target(sh))) {
		smmu_policy_free(pol);
		return -ENODEV;
	}
	rc = smmu_audit_run(t, &(struct smmu_audit_opts){ .policy = pol }, &a);
	smmu_policy_free(pol);
	if (rc)
		return shell_lib_error("audit", smmu_target_spec(t), rc);
	size_t nu = smmu_audit_unit_count(a), nd = smmu_audit_device_count(a), nf = smmu_audit_finding_count(a);
	size_t count[5] = { 0 }, over = 0;
	for (size_t i = 0; i < nf; i++) {
		const struct smmu_audit_finding *f = smmu_audit_finding_at(a, i);
		count[f->sev]++;
		over += f->sev >= thr;
	}
	if (sh->json) {
		struct smmu_json *j = &sh->j;
		shell_json_begin(sh);
		smmu_json_kstr(j, "target", smmu_target_spec(t));
		smmu_json_key(j, "policy");
		policy_file ? smmu_json_str(j, policy_file) : smmu_json_null(j);
		smmu_json_key(j, "units");
		smmu_json_arr_begin(j);
		for (size_t i = 0; i < nu; i++) {
			const struct smmu_audit_unit *u = smmu_audit_unit_at(a, i);
			smmu_json_obj_begin(j);
			smmu_json_kstr(j, "unit", u->name);
			smmu_json_kbool(j, "owned", u->owned);
			smmu_json_kbool(j, "translating", u->translating);
			smmu_json_kstr(j, "global", smmu_audit_verdict_name(u->global));
			smmu_json_kstr(j, "state", u->state);
			smmu_json_ku64(j, "devices", u->ndevices);
			smmu_json_obj_end(j);
		}
		smmu_json_arr_end(j);
		smmu_json_key(j, "devices");
		smmu_json_arr_begin(j);
		for (size_t i = 0; i < nd; i++)
			json_device(sh, smmu_audit_device_at(a, i));
		smmu_json_arr_end(j);
		smmu_json_key(j, "findings");
		smmu_json_arr_begin(j);
		for (size_t i = 0; i < nf; i++)
			json_finding(sh, smmu_audit_finding_at(a, i));
		smmu_json_arr_end(j);
		smmu_json_key(j, "summary");
		smmu_json_obj_begin(j);
		for (int s = SMMU_SEV_CRITICAL; s >= 0; s--)
			smmu_json_ku64(j, smmu_severity_name(s), count[s]);
		smmu_json_obj_end(j);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "DMA isolation audit of %s%s%s\n", smmu_target_spec(t), policy_file ? " against " : "",
			policy_file ? policy_file : "");
		for (size_t i = 0; i < nu; i++) {
			const struct smmu_audit_unit *u = smmu_audit_unit_at(a, i);
			fprintf(sh->out, "unit %s: %s%s, %zu device%s behind it\n", u->name,
				u->translating ? "translating" : u->global == SMMU_AUDIT_BYPASS ? "DMA BYPASSES IT: " : "off: ",
				u->translating ? "" : u->state, u->ndevices, u->ndevices == 1 ? "" : "s");
		}
		for (size_t i = 0; i < nd; i++) {
			fputc('\n', sh->out);
			text_device(sh, smmu_audit_device_at(a, i));
		}
		fprintf(sh->out, "\n%zu finding%s", nf, nf == 1 ? "" : "s");
		for (int s = SMMU_SEV_CRITICAL; s >= 0; s--)
			if (count[s])
				fprintf(sh->out, ", %zu %s", count[s], smmu_severity_name(s));
		fprintf(sh->out, "%s\n", nf ? ":" : "");
		for (size_t i = 0; i < nf; i++) {
			const struct smmu_audit_finding *f = smmu_audit_finding_at(a, i);
			char sev[16];
			snprintf(sev, sizeof(sev), "%s", smmu_severity_name(f->sev));
			for (char *c = sev; *c; c++)
				*c = (char)(*c - 'a' + 'A');
			fprintf(sh->out, "  %-8s %-17s %s", sev, f->id, f->reason);
			if (f->has_range)
				fprintf(sh->out, " [PA 0x%" PRIx64 "-0x%" PRIx64 "]", f->pa, f->pa + f->size - 1);
			fputc('\n', sh->out);
		}
	}
	smmu_audit_free(a);
	if (strict && over) {
		fflush(sh->out);
		shell_error("audit: %zu finding%s at or above %s (--strict)", over, over == 1 ? "" : "s",
			    smmu_severity_name(thr));
		return -EPERM;
	}
	return 0;
}

/* own --policy FILE (cmd-program.c): read the file before owning anything */
int shell_policy_load(const char *cmd, const char *file, struct smmu_policy **out)
{
	char err[256];
	int rc = smmu_policy_load(file, out, err, sizeof(err));

	if (rc)
		shell_error("%s: %s", cmd, err);
	return rc;
}

int shell_policy_apply(struct shell *sh, const char *cmd, const char *file, struct smmu_policy *p)
{
	char err[256];
	int rc = smmu_policy_apply(shell_target(sh), p, err, sizeof(err));

	if (rc) {
		shell_error("%s: %s: %s", cmd, file, err);
		return rc;
	}
	if (!sh->json)
		fprintf(sh->out, "applied %s: %zu domain%s, identity mappings from its allow lines\n", file,
			smmu_policy_obj_count(p), smmu_policy_obj_count(p) == 1 ? "" : "s");
	return 0;
}

const struct shell_cmd shell_cmds_audit[] = {
	{ "audit", "[--policy FILE] [--strict [SEVERITY]]",
	  "is DMA isolation in place? per unit and device: verdict, the memory it reaches, findings by severity",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_audit, COMPLETE_WORDS, "--policy --strict", COMPLETE_FILE,
	  "Per unit: translating, or what every device behind it gets.\n"
	  "Per DMA-capable device: translated (by which stages), BYPASS, abort, or no IOMMU at all;\n"
	  "the physical ranges it reaches (IOVA -> PA, rwx, p: privileged only) and what they are\n"
	  "(RAM, another device's MMIO, the IOMMU's registers or tables, firmware-reserved);\n"
	  "each SubstreamID / PASID the live tables hold is walked too, its ranges marked with it.\n"
	  "Findings: uncovered, bypass, unit-bypass, identity-shared, p2p, reaches-iommu, overlap,\n"
	  "write-exec, priv-unusable, ats-translated, ats-unaccepted, pri, pasid, stale,\n"
	  "walk-incomplete, policy-violation, policy-fault.\n"
	  "--policy FILE: check against a QNX smmuman configuration (device pci:B:D.F NAME,\n"
	  "device mem:PADDR NAME, allow NAME START,LEN[,PERMS], reserved ...; hex numbers, K/M/G).\n"
	  "--strict [SEVERITY]: fail (exit status 1) when a finding at or above SEVERITY exists\n"
	  "(default high)." },
	{ .name = NULL },
};
