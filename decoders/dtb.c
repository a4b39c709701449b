/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU-relevant nodes of a flattened device tree, as text: IOMMUs
 * (#iommu-cells, arm,smmu-v3), PCI hosts (iommu-map, iommu-map-mask,
 * msi-map, linux,pci-domain) and devices that name IOMMUs (iommus), each
 * with its status, compatible and raw reg.  Phandles are shown as the
 * paths they name.  The blob is untrusted: it is checked whole first, and
 * every property's length before it is read.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decoders/dtb.h"

static void ph_path(const void *fdt, uint32_t ph, char *buf, size_t len)
{
	int node = fdt_node_offset_by_phandle(fdt, ph);

	if (node < 0 || fdt_get_path(fdt, node, buf, (int)len))
		snprintf(buf, len, "<phandle 0x%x: no such node>", ph);
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n > 2 ? n - 2 : 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static bool relevant(const void *fdt, int node)
{
	static const char *const props[] = { "iommus", "iommu-map", "msi-map", "#iommu-cells", "iommu-map-mask" };
	int len;

	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (fdt_getprop(fdt, node, props[i], &len))
			return true;
	return !fdt_node_check_compatible(fdt, node, "arm,smmu-v3");
}

static void print_map(FILE *out, const void *fdt, int node, const char *prop, bool msi)
{
	int len;
	const fdt32_t *m = fdt_getprop(fdt, node, prop, &len);
	char path[256];

	if (!m)
		return;
	if (len % 16) {
		fprintf(out, "\t%s: %d bytes, not whole <rid-base phandle out-base length> entries\n", prop, len);
		return;
	}
	for (int i = 0; i < len / 16; i++) {
		uint32_t rid = fdt32_to_cpu(m[i * 4]), out_base = fdt32_to_cpu(m[i * 4 + 2]);
		uint32_t n = fdt32_to_cpu(m[i * 4 + 3]);
		ph_path(fdt, fdt32_to_cpu(m[i * 4 + 1]), path, sizeof(path));
		fprintf(out, "\t%s[%d]: RID 0x%x-0x%x -> %s %s 0x%x-0x%x (%u IDs)\n", prop, i, rid,
			rid + (n ? n - 1 : 0), path, msi ? "DeviceID" : "StreamID", out_base, out_base + (n ? n - 1 : 0), n);
	}
}

static void print_node(FILE *out, const void *fdt, int node)
{
	char path[256], ipath[256];
	int len, parent = fdt_parent_offset(fdt, node);
	const char *s;
	const fdt32_t *p;

	if (fdt_get_path(fdt, node, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", fdt_get_name(fdt, node, NULL));
	fprintf(out, "%s\n", path);
	if ((s = fdt_getprop(fdt, node, "compatible", &len)) && len > 0) {
		fprintf(out, "\tcompatible:");
		for (int off = 0; off < len;) { /* a string list */
			int n = (int)strnlen(s + off, (size_t)(len - off));
			fprintf(out, " \"%.*s\"", n, s + off);
			off += n + 1;
		}
		fprintf(out, "\n");
	}
	s = fdt_getprop(fdt, node, "status", &len);
	fprintf(out, "\tstatus: %.*s\n", s && len > 0 ? (int)strnlen(s, (size_t)len) : 4, s && len > 0 ? s : "okay");
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2, sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	if ((p = fdt_getprop(fdt, node, "reg", &len)) && ac >= 1 && ac <= 3 && sc >= 0 && sc <= 2) {
		int ent = ac + sc;
		for (int i = 0; (i + 1) * ent * 4 <= len; i++)
			fprintf(out, "\treg[%d]: 0x%llx size 0x%llx (on the parent bus)\n", i,
				(unsigned long long)cells(p + i * ent, ac),
				(unsigned long long)(sc ? cells(p + i * ent + ac, sc) : 0));
	}
	if ((p = fdt_getprop(fdt, node, "#iommu-cells", &len)) && len == 4)
		fprintf(out, "\t#iommu-cells: %u\n", fdt32_to_cpu(*p));
	if ((p = fdt_getprop(fdt, node, "linux,pci-domain", &len)) && len == 4)
		fprintf(out, "\tlinux,pci-domain: %u\n", fdt32_to_cpu(*p));
	print_map(out, fdt, node, "iommu-map", false);
	if ((p = fdt_getprop(fdt, node, "iommu-map-mask", &len)) && len == 4)
		fprintf(out, "\tiommu-map-mask: 0x%x\n", fdt32_to_cpu(*p));
	print_map(out, fdt, node, "msi-map", true);
	if ((p = fdt_getprop(fdt, node, "iommus", &len))) {
		for (int i = 0, k = 0; (i + 1) * 4 <= len; k++) {
			uint32_t ph = fdt32_to_cpu(p[i]);
			int in = fdt_node_offset_by_phandle(fdt, ph), clen;
			const fdt32_t *nc = in >= 0 ? fdt_getprop(fdt, in, "#iommu-cells", &clen) : NULL;
			int n = nc && clen == 4 ? (int)fdt32_to_cpu(*nc) : 1;
			ph_path(fdt, ph, ipath, sizeof(ipath));
			if (n > 4 || (i + 1 + n) * 4 > len) {
				fprintf(out, "\tiommus[%d]: %s: its %d specifier cells run past the property\n", k, ipath, n);
				break;
			}
			fprintf(out, "\tiommus[%d]: %s", k, ipath);
			for (int c = 0; c < n; c++)
				fprintf(out, " 0x%x", fdt32_to_cpu(p[i + 1 + c]));
			fprintf(out, "\n");
			i += 1 + n;
		}
	}
}

int smmu_fdt_render_text(FILE *out, const void *fdt, size_t len, char *err, size_t errlen)
{
	unsigned n = 0;

	if (len < sizeof(struct fdt_header) || fdt_check_full(fdt, len)) {
		snprintf(err, errlen, "not a well-formed flattened device tree (%zu bytes)", len);
		return -EINVAL;
	}
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL))
		if (relevant(fdt, node)) {
			print_node(out, fdt, node);
			n++;
		}
	if (!n)
		fprintf(out, "no IOMMU-relevant nodes (no arm,smmu-v3, #iommu-cells, iommus, iommu-map or msi-map)\n");
	return 0;
}
