/* SPDX-License-Identifier: MIT */
/*
 * Firmware without a machine: `discover --fdt FILE --acpi FILE...` shows the
 * units, devices and ID mappings a device tree and ACPI tables describe
 * (through the library's `files` pseudo-target), and `decode fdt FILE`
 * prints a DTB's IOMMU-relevant nodes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/dtb.h"
#include "shell.h"

#define FW_FILE_MAX (16u << 20)

static const char *arch_name(enum smmu_arch a)
{
	return smmu_arch_name(a);
}

static void sids_text(const struct smmu_device_info *di, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!di->unit) {
		snprintf(buf, len, "-");
		return;
	}
	if (!di->nsids) {
		snprintf(buf, len, "0x%x", di->sid);
		return;
	}
	for (unsigned i = 0; i < di->nsids && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s0x%x", i ? "," : "", di->sids[i]);
}

/* "rw", "rwp": what a region allows (Device memory is in its attributes) */
static void resv_perms(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%s%s%s", prot & SMMU_PROT_R ? "r" : "", prot & SMMU_PROT_W ? "w" : "",
		 prot & SMMU_PROT_PRIV ? "p" : "");
}

void shell_reserved_text(struct shell *sh, const char *indent, const struct smmu_reserved_region *r)
{
	char words[96], perm[8], who[64];
	struct smmu_unit_info ui;

	resv_perms(perm, sizeof(perm), r->prot);
	if (r->pci)
		snprintf(who, sizeof(who), r->rid_first == r->rid_last ? "%04x:%02x:%02x.%x" : "%04x:%02x:%02x.%x-%02x:%02x.%x",
			 r->segment, r->rid_first >> 8, (r->rid_first >> 3) & 0x1f, r->rid_first & 7,
			 r->rid_last >> 8, (r->rid_last >> 3) & 0x1f, r->rid_last & 7);
	else if (r->unit) {
		smmu_unit_info(r->unit, &ui);
		snprintf(who, sizeof(who), r->sid_first == r->sid_last ? "unit %u StreamID 0x%x" : "unit %u StreamIDs 0x%x-0x%x",
			 ui.index, r->sid_first, r->sid_last);
	} else
		snprintf(who, sizeof(who), "StreamIDs 0x%x-0x%x", r->sid_first, r->sid_last);
	fprintf(sh->out, "%sreserved %s %s for %s", indent, smmu_reserved_words(r, words, sizeof(words)), perm, who);
	if (!r->pci)
		fprintf(sh->out, ", %s%s", r->attrs, r->remap_permitted ? ", remapping permitted" : "");
	if (r->dev && smmu_device_domain(r->dev))
		fprintf(sh->out, "%s", r->mapped ? ": mapped IOVA = PA in its domain" : ": not mapped in its domain");
	fputc('\n', sh->out);
}

void shell_reserved_json(struct shell *sh, const struct smmu_reserved_region *r)
{
	struct smmu_unit_info ui;
	struct smmu_device_info di;
	char perm[8];

	smmu_json_obj_begin(&sh->j);
	smmu_json_kstr(&sh->j, "source", r->source);
	smmu_json_khex(&sh->j, "offset", r->fw_offset);
	smmu_json_khex(&sh->j, "base", r->base);
	smmu_json_khex(&sh->j, "size", r->size);
	resv_perms(perm, sizeof(perm), r->prot);
	smmu_json_kstr(&sh->j, "permissions", perm);
	smmu_json_kbool(&sh->j, "device_memory", r->prot & SMMU_PROT_DEVICE);
	if (r->pci) {
		smmu_json_ku64(&sh->j, "segment", r->segment);
		smmu_json_khex(&sh->j, "rid_first", r->rid_first);
		smmu_json_khex(&sh->j, "rid_last", r->rid_last);
	} else {
		smmu_json_khex(&sh->j, "flags", r->rmr_flags);
		smmu_json_kbool(&sh->j, "remapping_permitted", r->remap_permitted);
		smmu_json_kstr(&sh->j, "attributes", r->attrs);
		smmu_json_key(&sh->j, "unit");
		if (r->unit) {
			smmu_unit_info(r->unit, &ui);
			smmu_json_u64(&sh->j, ui.index);
		} else {
			smmu_json_null(&sh->j);
		}
		smmu_json_khex(&sh->j, "sid_first", r->sid_first);
		smmu_json_khex(&sh->j, "sid_last", r->sid_last);
	}
	if (r->dev)
		smmu_device_info(r->dev, &di);
	smmu_json_kstr(&sh->j, "device", r->dev ? di.addr : NULL);
	smmu_json_kbool(&sh->j, "mapped", r->mapped);
	smmu_json_obj_end(&sh->j);
}

#define RESV_MAX 64

void shell_device_reserved_json(struct shell *sh, const struct smmu_device *d)
{
	struct smmu_reserved_region r[RESV_MAX];
	size_t n = smmu_device_reserved(d, r, RESV_MAX);

	smmu_json_key(&sh->j, "reserved");
	smmu_json_arr_begin(&sh->j);
	for (size_t i = 0; i < n && i < RESV_MAX; i++)
		shell_reserved_json(sh, &r[i]);
	smmu_json_arr_end(&sh->j);
}

void shell_device_reserved_text(struct shell *sh, const char *indent, const struct smmu_device *d)
{
	struct smmu_reserved_region r[RESV_MAX];
	size_t n = smmu_device_reserved(d, r, RESV_MAX);

	for (size_t i = 0; i < n && i < RESV_MAX; i++)
		shell_reserved_text(sh, indent, &r[i]);
}

static void show(struct shell *sh, struct smmu_target *t)
{
	struct smmu_reserved_region rr;
	struct smmu_unit_info ui;
	struct smmu_device_info di;
	struct smmu_id_map_info m;
	char sids[128];

	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "source", smmu_target_describe(t));
		smmu_json_key(&sh->j, "units");
		smmu_json_arr_begin(&sh->j);
		for (size_t i = 0; i < smmu_unit_count(t); i++) {
			smmu_unit_info(smmu_unit_at(t, i), &ui);
			smmu_json_obj_begin(&sh->j);
			smmu_json_ku64(&sh->j, "index", ui.index);
			smmu_json_kstr(&sh->j, "name", ui.name);
			smmu_json_kstr(&sh->j, "arch", arch_name(ui.arch));
			smmu_json_khex(&sh->j, "base", ui.base);
			smmu_json_kstr(&sh->j, "source", ui.source);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_arr_end(&sh->j);
		smmu_json_key(&sh->j, "devices");
		smmu_json_arr_begin(&sh->j);
		for (size_t i = 0; i < smmu_device_count(t); i++) {
			smmu_device_info(smmu_device_at(t, i), &di);
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "addr", di.addr);
			smmu_json_kstr(&sh->j, "name", di.name);
			smmu_json_key(&sh->j, "unit");
			if (di.unit) {
				smmu_unit_info(di.unit, &ui);
				smmu_json_u64(&sh->j, ui.index);
			} else {
				smmu_json_null(&sh->j);
			}
			smmu_json_key(&sh->j, "sids");
			smmu_json_arr_begin(&sh->j);
			for (unsigned k = 0; di.unit && k < (di.nsids ? di.nsids : 1); k++)
				smmu_json_hex(&sh->j, di.nsids ? di.sids[k] : di.sid);
			smmu_json_arr_end(&sh->j);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_arr_end(&sh->j);
		smmu_json_key(&sh->j, "id_maps");
		smmu_json_arr_begin(&sh->j);
		for (size_t i = 0; !smmu_id_map_get(t, i, &m); i++) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "source", m.source);
			smmu_json_ku64(&sh->j, "segment", m.segment);
			smmu_json_khex(&sh->j, "rid_base", m.rid_base);
			smmu_json_ku64(&sh->j, "count", m.count);
			smmu_json_khex(&sh->j, "rid_mask", m.rid_mask);
			smmu_json_key(&sh->j, "unit");
			if (m.unit) {
				smmu_unit_info(m.unit, &ui);
				smmu_json_u64(&sh->j, ui.index);
			} else {
				smmu_json_null(&sh->j);
			}
			smmu_json_khex(&sh->j, m.unit ? "sid_base" : "msi_id_base", m.out_base);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_arr_end(&sh->j);
		smmu_json_key(&sh->j, "reserved");
		smmu_json_arr_begin(&sh->j);
		for (size_t i = 0; !smmu_reserved_get(t, i, &rr); i++)
			shell_reserved_json(sh, &rr);
		smmu_json_arr_end(&sh->j);
		shell_json_end(sh);
		return;
	}
	fprintf(sh->out, "%s\nunits:\n", smmu_target_describe(t));
	for (size_t i = 0; i < smmu_unit_count(t); i++) {
		smmu_unit_info(smmu_unit_at(t, i), &ui);
		fprintf(sh->out, "  %zu  %-22s %-6s from %s\n", i, ui.name, arch_name(ui.arch), ui.source);
	}
	if (!smmu_unit_count(t))
		fprintf(sh->out, "  none\n");
	fprintf(sh->out, "devices:\n");
	for (size_t i = 0; i < smmu_device_count(t); i++) {
		char unit[8] = "-";
		smmu_device_info(smmu_device_at(t, i), &di);
		if (di.unit) {
			smmu_unit_info(di.unit, &ui);
			snprintf(unit, sizeof(unit), "%u", ui.index);
		}
		sids_text(&di, sids, sizeof(sids));
		fprintf(sh->out, "  %-20s unit %-3s StreamID %-16s %s\n", di.addr, unit, sids, di.name);
	}
	if (!smmu_device_count(t))
		fprintf(sh->out, "  none named by firmware (PCI devices need a machine to enumerate)\n");
	fprintf(sh->out, "ID mappings:\n");
	for (size_t i = 0; !smmu_id_map_get(t, i, &m); i++) {
		char mask[24] = "";
		uint32_t last = m.count ? m.count - 1 : 0;
		if (m.rid_mask != UINT32_MAX)
			snprintf(mask, sizeof(mask), " (mask 0x%x)", m.rid_mask);
		if (m.unit) {
			smmu_unit_info(m.unit, &ui);
			fprintf(sh->out, "  %-9s segment %u RID 0x%04x-0x%04x%s -> unit %u StreamID 0x%x-0x%x\n", m.source,
				m.segment, m.rid_base, m.rid_base + last, mask, ui.index, m.out_base, m.out_base + last);
		} else {
			fprintf(sh->out, "  %-9s segment %u RID 0x%04x-0x%04x%s -> MSI DeviceID 0x%x-0x%x\n", m.source,
				m.segment, m.rid_base, m.rid_base + last, mask, m.out_base, m.out_base + last);
		}
	}
	if (!smmu_id_map_count(t))
		fprintf(sh->out, "  none\n");
	fprintf(sh->out, "reserved regions:\n");
	for (size_t i = 0; !smmu_reserved_get(t, i, &rr); i++)
		shell_reserved_text(sh, "  ", &rr);
	if (!smmu_reserved_count(t))
		fprintf(sh->out, "  none\n");
}

static int cmd_discover(struct shell *sh, int argc, char **argv)
{
	char **opts = calloc((size_t)argc, sizeof(*opts)), err[256] = "";
	size_t nopts = 0;
	struct smmu_target *t = NULL;
	int rc = 0;

	if (!opts)
		return -ENOMEM;
	for (int i = 1; i < argc && !rc; i++) {
		const char *key = !strcmp(argv[i], "--fdt") ? "fdt" : !strcmp(argv[i], "--acpi") ? "acpi" : NULL;
		if (!key || i + 1 == argc) {
			shell_error("discover: %s '%s': expected discover [--fdt FILE] [--acpi FILE]...",
				    key ? "no file after" : "unknown argument", argv[i]);
			rc = -EINVAL;
			break;
		}
		size_t n = strlen(key) + strlen(argv[i + 1]) + 2;
		if (!(opts[nopts] = malloc(n))) {
			rc = -ENOMEM;
			break;
		}
		snprintf(opts[nopts++], n, "%s=%s", key, argv[++i]);
	}
	if (!rc && !nopts) {
		shell_error("discover: expected discover [--fdt FILE] [--acpi FILE]... (the target's firmware: 'units', "
			    "'devices')");
		rc = -EINVAL;
	}
	if (!rc && (rc = smmu_target_open("files", (const char *const *)opts, nopts, &t, err, sizeof(err))))
		shell_error("discover: %s", err[0] ? err : smmu_strerror(rc));
	if (!rc && (rc = smmu_discover(t, err, sizeof(err))))
		shell_error("discover: %s", err[0] ? err : smmu_strerror(rc));
	if (!rc)
		show(sh, t);
	smmu_target_close(t);
	while (nopts)
		free(opts[--nopts]);
	free(opts);
	return rc;
}

int shell_decode_fdt(struct shell *sh, const char *path)
{
	FILE *f = fopen(path, "rb");
	char err[256] = "", *buf;
	size_t n = 0;
	int rc;

	if (!f) {
		shell_error("decode fdt: %s: %s", path, strerror(errno));
		return -errno;
	}
	if (!(buf = malloc(FW_FILE_MAX + 1))) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, FW_FILE_MAX + 1, f);
	fclose(f);
	if (n > FW_FILE_MAX) {
		shell_error("decode fdt: %s: larger than %u bytes", path, FW_FILE_MAX);
		free(buf);
		return -EFBIG;
	}
	if (sh->json) {
		shell_error("decode fdt: text only (no JSON form yet)");
		free(buf);
		return -ENOTSUP;
	}
	rc = smmu_fdt_render_text(sh->out, buf, n, err, sizeof(err));
	if (rc)
		shell_error("decode fdt: %s: %s", path, err);
	free(buf);
	return rc;
}

const struct shell_cmd shell_cmds_discover[] = {
	{ "discover", "[--fdt FILE] [--acpi FILE]...",
	  "units, devices and ID mappings that firmware files describe (no machine needed)", 0, cmd_discover,
	  COMPLETE_WORDS, "--fdt --acpi" },
	{ .name = NULL },
};
