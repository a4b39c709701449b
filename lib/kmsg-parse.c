/* SPDX-License-Identifier: MIT */
/*
 * Kernel log lines -> the IOMMU fault records the kernel drained (kmsg.h).
 * Pure: no I/O and no allocation, every read bounded by the line's length,
 * so the fuzz harness (tests/fuzz/fuzz-kmsg.c) can hammer it alone.
 */
#include <stdio.h>
#include <string.h>

#include "lib/amdvi.h"
#include "lib/kmsg.h"

/* Bit positions of a VT-d fault recording register (VT-d specification,
 * "Fault Recording Registers"), written here once for rebuilding one:
 * qword 0 FI [63:12]; qword 1 SID [15:0], PP [31], FR [39:32], PV [59:40],
 * T1 [62] (1 = read), F [63].  The decoders describe the same register as
 * "vtd.frcd" and decode what is built here. */
#define FRCD_FI_PAGE  (~0xfffull)
#define FRCD_PP       (1ull << 31)
#define FRCD_FR_SHIFT 32
#define FRCD_PV_SHIFT 40
#define FRCD_PV_MASK  0xfffffull
#define FRCD_T1       (1ull << 62)
#define FRCD_F        (1ull << 63)

void smmu_kmsg_init(struct smmu_kmsg_parser *p)
{
	memset(p, 0, sizeof(*p));
}

/* A cursor over the (unescaped, NUL-terminated) line. */
struct cur {
	const char *s;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool lit(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(c->s, word, n))
		return false;
	c->s += n;
	return true;
}

static void spaces(struct cur *c)
{
	while (*c->s == ' ' || *c->s == '\t')
		c->s++;
}

/* Hex digits, "0x" optional; at most 16 digits (a longer number is not ours). */
static bool hexnum(struct cur *c, uint64_t *v)
{
	unsigned n = 0;

	if (c->s[0] == '0' && (c->s[1] == 'x' || c->s[1] == 'X') && hexval(c->s[2]) >= 0)
		c->s += 2;
	*v = 0;
	while (hexval(*c->s) >= 0) {
		if (++n > 16)
			return false;
		*v = *v << 4 | (uint64_t)hexval(*c->s++);
	}
	return n > 0;
}

/* "0x.." is hex; anything else decimal (older kernels print the reason "%02d"). */
static bool reason_num(struct cur *c, uint64_t *v)
{
	unsigned n = 0;

	if (c->s[0] == '0' && (c->s[1] == 'x' || c->s[1] == 'X'))
		return hexnum(c, v);
	*v = 0;
	while (*c->s >= '0' && *c->s <= '9') {
		if (++n > 10)
			return false;
		*v = *v * 10 + (uint64_t)(*c->s++ - '0');
	}
	return n > 0;
}

/* The text of a record: kmsg's "prio,seq,ts,flags;", a syslog "<N>" or a
 * dmesg "[ seconds]" prefix is skipped; kmsg's \xNN escapes are undone
 * (arm-smmu-v3 indents its dwords with a tab, which kmsg writes as \x09). */
static size_t clean_line(const char *line, size_t len, char *out, uint64_t *seq)
{
	size_t i = 0, n = 0;

	if (len > SMMU_KMSG_LINE_MAX)
		len = SMMU_KMSG_LINE_MAX;
	for (size_t k = 0; k < len; k++)
		if (line[k] == '\n' || line[k] == '\0') {
			len = k; /* kmsg's dictionary lines follow the first newline */
			break;
		}
	*seq = 0;
	/* kmsg: digits ',' digits ',' ... ';' with no space before the ';' */
	if (len && line[0] >= '0' && line[0] <= '9') {
		size_t k = 0, commas = 0;
		while (k < len && line[k] != ';' && line[k] != ' ')
			commas += line[k++] == ',';
		if (k < len && line[k] == ';' && commas >= 2) {
			size_t q = 0;
			while (q < k && line[q] != ',')
				q++;
			for (q++; q < k && line[q] >= '0' && line[q] <= '9'; q++)
				*seq = *seq * 10 + (uint64_t)(line[q] - '0');
			i = k + 1;
		}
	} else if (len > 2 && line[0] == '<') {
		size_t k = 1;
		while (k < len && k < 5 && line[k] >= '0' && line[k] <= '9')
			k++;
		if (k > 1 && k < len && line[k] == '>')
			i = k + 1;
	}
	if (i == 0 && len && line[0] == '[') { /* dmesg's timestamp */
		size_t k = 1;
		while (k < len && (line[k] == ' ' || line[k] == '.' || (line[k] >= '0' && line[k] <= '9')))
			k++;
		if (k > 1 && k < len && line[k] == ']') {
			i = k + 1;
			while (i < len && line[i] == ' ')
				i++;
		}
	}
	for (; i < len && n < SMMU_KMSG_LINE_MAX; i++) {
		int h1, h2;
		if (line[i] == '\\' && i + 3 < len && line[i + 1] == 'x' &&
		    (h1 = hexval(line[i + 2])) >= 0 && (h2 = hexval(line[i + 3])) >= 0) {
			char ch = (char)(h1 << 4 | h2);
			out[n++] = ch ? ch : ' ';
			i += 3;
			continue;
		}
		out[n++] = line[i];
	}
	out[n] = '\0';
	return n;
}

/* "bb:dd.f", "0xbb:0xdd.f" (5.x) or "ssss:bb:dd.f" */
static bool parse_bdf(struct cur *c, uint16_t *seg, uint16_t *bdf)
{
	uint64_t v[3], fn;
	unsigned n = 0;

	for (;;) {
		if (n == 3 || !hexnum(c, &v[n]))
			return false;
		n++;
		if (*c->s == ':') {
			c->s++;
			continue;
		}
		if (*c->s != '.' || n < 2)
			return false;
		c->s++;
		break;
	}
	if (*c->s < '0' || *c->s > '7')
		return false;
	fn = (uint64_t)(*c->s++ - '0');
	uint64_t bus = v[n - 2], dev = v[n - 1];
	if (bus > 0xff || dev > 0x1f || (n == 3 && v[0] > 0xffff))
		return false;
	*seg = n == 3 ? (uint16_t)v[0] : 0;
	*bdf = (uint16_t)(bus << 8 | dev << 3 | fn);
	return true;
}

static void vtd_set_reason(struct smmu_kmsg_fault *f, uint64_t reason)
{
	f->raw[1] |= (reason & 0xff) << FRCD_FR_SHIFT;
}

/* A DMAR fault line.  Returns 1 complete, 2 waiting for the reason line
 * (3.x kernels), 0 not a DMAR fault line, -1 a fault line that is malformed. */
static int parse_dmar(const char *msg, struct smmu_kmsg_fault *f)
{
	const char *rq = strstr(msg, "] Request device [");
	struct cur c;
	bool read = false, ir = false, pasid_present = false;
	uint64_t pasid = 0, addr = 0, reason = 0;
	uint16_t seg, bdf;

	if (!rq)
		return 0;
	/* the bracket before it: "[DMA Read NO_PASID]", "[DMA Write PASID 0x5]", "[INTR-REMAP]" */
	const char *open = rq;
	while (open > msg && open[-1] != '[')
		open--;
	if (open == msg)
		return -1;
	c.s = open;
	if (lit(&c, "DMA Read"))
		read = true;
	else if (lit(&c, "DMA Write"))
		read = false;
	else if (lit(&c, "INTR-REMAP"))
		ir = true;
	else
		return -1;
	if (lit(&c, " NO_PASID")) {
		/* nothing */
	} else if (lit(&c, " PASID ")) {
		if (!hexnum(&c, &pasid))
			return -1;
		pasid_present = true;
	}
	if (c.s != rq)
		return -1;
	c.s = rq + strlen("] Request device [");
	if (!parse_bdf(&c, &seg, &bdf) || !lit(&c, "]"))
		return -1;
	spaces(&c);
	if (lit(&c, "PASID ")) { /* 5.x: "[DMA Read] Request device [..] PASID %x fault addr" */
		if (!hexnum(&c, &pasid))
			return -1;
		pasid_present = true;
		spaces(&c);
	}
	if (ir ? !lit(&c, "fault index ") : !lit(&c, "fault addr "))
		return -1;
	if (!hexnum(&c, &addr))
		return -1;
	memset(f, 0, sizeof(*f));
	f->kind = ir ? SMMU_KMSG_VTD_IR : SMMU_KMSG_VTD;
	f->segment = seg;
	f->nraw = 2;
	f->raw[0] = ir ? (addr & 0xffff) << 48 : addr & FRCD_FI_PAGE;
	f->raw[1] = bdf | FRCD_F | (read && !ir ? FRCD_T1 : 0);
	if (pasid_present && !ir)
		f->raw[1] |= FRCD_PP | (pasid & FRCD_PV_MASK) << FRCD_PV_SHIFT;
	spaces(&c);
	if (!*c.s)
		return 2; /* the reason comes on the next line */
	if (!lit(&c, "[fault reason ") || !reason_num(&c, &reason) || !lit(&c, "]") || reason > 0xff)
		return -1;
	vtd_set_reason(f, reason);
	return 1;
}

/* --- AMD-Vi: "AMD-Vi: Event logged [NAME key=value ...]" ---------------------------
 * The kernel prints an event's operands, decoded from the 16-byte event log
 * entry; the entry is rebuilt from them (the decoders' amdvi.evt layout):
 * qword 0 DeviceID [15:0], PASID[19:16] [19:16], DomainID or PASID[15:0]
 * [47:32], the flags [59:48] (the kernel's "flags"), EventCode [63:60];
 * qword 1 the address.  Names the kernel gives the event codes: */
static const struct {
	const char *name;
	unsigned code;
} amdvi_events[] = {
	{ "ILLEGAL_DEV_TABLE_ENTRY", AMDVI_EV_ILLEGAL_DTE },
	{ "IO_PAGE_FAULT", AMDVI_EV_IO_PAGE_FAULT },
	{ "DEV_TAB_HARDWARE_ERROR", AMDVI_EV_DEV_TAB_HW_ERROR },
	{ "PAGE_TAB_HARDWARE_ERROR", AMDVI_EV_PAGE_TAB_HW_ERROR },
	{ "ILLEGAL_COMMAND_ERROR", AMDVI_EV_ILLEGAL_COMMAND },
	{ "COMMAND_HARDWARE_ERROR", AMDVI_EV_COMMAND_HW_ERROR },
	{ "IOTLB_INV_TIMEOUT", AMDVI_EV_IOTLB_INV_TIMEOUT },
	{ "INVALID_DEVICE_REQUEST", AMDVI_EV_INVALID_DEVICE_REQUEST },
	{ "INVALID_PPR_REQUEST", 0x9 },
};

#define AMDVI_MARK "AMD-Vi: Event logged ["

/* A key: a word of [A-Za-z0-9_], "event[N]" for the raw dwords, then '='. */
static bool amdvi_key(struct cur *c, char *key, size_t len)
{
	size_t n = 0;

	while ((*c->s >= 'a' && *c->s <= 'z') || (*c->s >= 'A' && *c->s <= 'Z') ||
	       (*c->s >= '0' && *c->s <= '9') || *c->s == '_') {
		if (n + 4 >= len)
			return false;
		key[n++] = *c->s++;
	}
	if (n && c->s[0] == '[' && c->s[1] >= '0' && c->s[1] <= '9' && c->s[2] == ']') {
		memcpy(key + n, c->s, 3);
		n += 3;
		c->s += 3;
	}
	key[n] = '\0';
	return n && lit(c, "=");
}

/* The printing device before "AMD-Vi: " (text before mark): its name, or
 * "" when there is none. */
static void amdvi_printer(const char *msg, const char *mark, char *name, size_t len)
{
	const char *end = mark, *start;

	name[0] = '\0';
	if (end - msg < 2 || end[-1] != ' ' || end[-2] != ':')
		return;
	end -= 2;
	start = end;
	while (start > msg && start[-1] != ' ')
		start--;
	size_t n = (size_t)(end - start) < len - 1 ? (size_t)(end - start) : len - 1;
	memcpy(name, start, n);
	name[n] = '\0';
}

static void amdvi_set_device(struct smmu_kmsg_fault *f, uint16_t seg, uint16_t bdf)
{
	f->segment = seg;
	f->raw[0] &= ~SMMU_MASK(AMDVI_EVT_IO_PAGE_FAULT_DeviceID);
	f->raw[0] |= SMMU_PREP(AMDVI_EVT_IO_PAGE_FAULT_DeviceID, bdf);
}

/* The event after the mark ("NAME key=value ...]").  1 an event, -1 one
 * that is malformed. */
static int parse_amdvi_event(const char *printer, const char *text, struct smmu_kmsg_fault *f)
{
	bool have_dev = false, raw = false;
	unsigned code = 0, nraw = 0;
	uint64_t dw[4] = { 0 };
	struct cur c = { text };

	memset(f, 0, sizeof(*f));
	f->kind = SMMU_KMSG_AMDVI;
	f->nraw = 2;
	for (size_t i = 0; i < sizeof(amdvi_events) / sizeof(amdvi_events[0]) && !code; i++) {
		size_t n = strlen(amdvi_events[i].name);
		if (!strncmp(c.s, amdvi_events[i].name, n) && (c.s[n] == ' ' || c.s[n] == ']')) {
			code = amdvi_events[i].code;
			c.s += n;
		}
	}
	/* an event the kernel cannot name: it prints the entry's four dwords */
	if (!code && lit(&c, "UNKNOWN"))
		raw = true;
	else if (!code)
		return -1;
	for (;;) {
		char key[16];
		uint64_t v;

		while (*c.s == ' ' || *c.s == ',')
			c.s++;
		if (!*c.s || *c.s == ']')
			break;
		if (!amdvi_key(&c, key, sizeof(key)))
			return -1;
		if (!strcmp(key, "device") || !strcmp(key, "deice")) { /* "deice": a kernel's typo */
			uint16_t seg, bdf;
			if (!parse_bdf(&c, &seg, &bdf))
				return -1;
			amdvi_set_device(f, seg, bdf);
			have_dev = true;
			continue;
		}
		if (!hexnum(&c, &v))
			return -1;
		if (raw && !strncmp(key, "event[", 6) && key[6] <= '3' && !key[8]) {
			if (v > 0xffffffffull)
				return -1;
			dw[key[6] - '0'] = v;
			nraw |= 1u << (key[6] - '0');
		} else if (!strcmp(key, "domain") || !strcmp(key, "pasid")) {
			/* the domain of a page fault; a PASID (20 bits) elsewhere,
			 * which 4.x kernels also printed as "domain=" */
			if (v > 0xfffff)
				return -1;
			f->raw[0] |= SMMU_PREP(AMDVI_EVT_IO_PAGE_FAULT_DomainID, v & 0xffff) |
				     SMMU_PREP(AMDVI_EVT_IO_PAGE_FAULT_PASID_19_16, v >> 16);
		} else if (!strcmp(key, "address")) {
			f->raw[1] = v;
		} else if (!strcmp(key, "flags")) {
			if (v > 0xfff)
				return -1;
			f->raw[0] |= v << AMDVI_EVT_IO_PAGE_FAULT_GN_LO; /* the flags start at GN */
		}
		/* other operands (vflags, tag) are not in the first 16 bytes: skipped */
	}
	if (raw) {
		if (nraw != 0xf)
			return -1;
		f->raw[0] = dw[0] | dw[1] << 32;
		f->raw[1] = dw[2] | dw[3] << 32;
		snprintf(f->dev, sizeof(f->dev), "%s", printer);
		return 1;
	}
	f->raw[0] |= SMMU_PREP(AMDVI_EVT_EventCode, code);
	/* Who printed the line: a page fault without device= comes from the
	 * requester's function (pci_err); any other line from the IOMMU, by
	 * its name ("ivhd0") or, in older kernels, its PCI function. */
	bool about_request = code <= AMDVI_EV_PAGE_TAB_HW_ERROR || code == AMDVI_EV_IOTLB_INV_TIMEOUT ||
			     code == AMDVI_EV_INVALID_DEVICE_REQUEST || code == 0x9;
	if (about_request && !have_dev) {
		struct cur pc = { printer };
		uint16_t seg, bdf;
		if (!parse_bdf(&pc, &seg, &bdf) || *pc.s)
			return -1; /* the requester is not named */
		amdvi_set_device(f, seg, bdf);
		return 1;
	}
	snprintf(f->dev, sizeof(f->dev), "%s", printer);
	return 1;
}

/* 1 an event, 2 the event's text comes in the next record (older kernels,
 * early 4.19 releases among them, printed "Event logged [" alone first), 0 not an
 * AMD-Vi event line, -1 one that is malformed. */
static int parse_amdvi(const char *msg, struct smmu_kmsg_fault *f, char *printer, size_t plen)
{
	const char *mark = strstr(msg, AMDVI_MARK);

	if (!mark)
		return 0;
	amdvi_printer(msg, mark, printer, plen);
	const char *text = mark + strlen(AMDVI_MARK);
	while (*text == ' ')
		text++;
	if (!*text)
		return 2;
	return parse_amdvi_event(printer, text, f);
}

/* "<prefix>: event 0xNN received:" -> the prefix length and the EventID */
static bool smmuv3_header(const char *msg, size_t *plen, unsigned *id)
{
	const char *ev = strstr(msg, ": event 0x");
	struct cur c;
	uint64_t v;

	if (!ev || ev == msg)
		return false;
	c.s = ev + strlen(": event ");
	if (!hexnum(&c, &v) || v > 0xff || !lit(&c, " received:"))
		return false;
	*plen = (size_t)(ev - msg) + 2; /* with ": " */
	*id = (unsigned)v;
	return true;
}

int smmu_kmsg_parse(struct smmu_kmsg_parser *p, const char *line, size_t len,
		    struct smmu_kmsg_fault *out)
{
	char msg[SMMU_KMSG_LINE_MAX + 1];
	uint64_t seq;
	struct cur c;
	uint64_t v;

	clean_line(line, len, msg, &seq);
	if (p->state == KMSG_SMMUV3) {
		if (!strncmp(msg, p->prefix, p->prefix_len)) {
			c.s = msg + p->prefix_len;
			spaces(&c);
			if (c.s[0] == '0' && c.s[1] == 'x' && hexnum(&c, &v)) {
				spaces(&c);
				if (!*c.s) {
					p->pending.raw[p->pending.nraw++] = v;
					if (p->pending.nraw < 4)
						return 0;
					p->state = KMSG_IDLE;
					*out = p->pending;
					if ((out->raw[0] & 0xff) != p->id)
						p->malformed++; /* the header disagrees: the record is the truth */
					return 1;
				}
			}
		}
		p->malformed++; /* the event was cut short: look at this line afresh */
		p->state = KMSG_IDLE;
	} else if (p->state == KMSG_AMDVI_REST) {
		/* "<the same prefix>NAME key=value ...]" */
		p->state = KMSG_IDLE;
		if (!strncmp(msg, p->prefix, p->prefix_len)) {
			struct smmu_kmsg_fault f;
			if (parse_amdvi_event(p->dev, msg + p->prefix_len, &f) == 1) {
				f.seq = p->pending.seq;
				*out = f;
				return 1;
			}
		}
		p->malformed++;
	} else if (p->state == KMSG_VTD_REASON) {
		const char *r = strstr(msg, "[fault reason ");
		p->state = KMSG_IDLE;
		if (r && !strstr(msg, "Request device [")) {
			c.s = r + strlen("[fault reason ");
			if (reason_num(&c, &v) && v <= 0xff && lit(&c, "]")) {
				*out = p->pending;
				vtd_set_reason(out, v);
				return 1;
			}
		}
		p->malformed++;
	}

	size_t plen;
	unsigned id;
	if (smmuv3_header(msg, &plen, &id)) {
		if (plen >= sizeof(p->prefix)) {
			p->malformed++;
			return 0;
		}
		memcpy(p->prefix, msg, plen);
		p->prefix[plen] = '\0';
		p->prefix_len = plen;
		/* the device is the last word before ": " ("arm-smmu-v3 arm-smmu-v3.0.auto") */
		size_t end = plen - 2, start = end;
		while (start > 0 && msg[start - 1] != ' ')
			start--;
		memset(&p->pending, 0, sizeof(p->pending));
		p->pending.kind = SMMU_KMSG_SMMUV3;
		p->pending.seq = seq;
		size_t dl = end - start < sizeof(p->pending.dev) - 1 ? end - start : sizeof(p->pending.dev) - 1;
		memcpy(p->pending.dev, msg + start, dl);
		p->pending.dev[dl] = '\0';
		p->id = id;
		p->state = KMSG_SMMUV3;
		return 0;
	}
	struct smmu_kmsg_fault f;
	char printer[sizeof(p->dev)];
	int rc = parse_amdvi(msg, &f, printer, sizeof(printer));
	if (rc == 2) {
		/* the text before "AMD-Vi: " starts the next record too */
		size_t plen = (size_t)(strstr(msg, AMDVI_MARK) - msg);
		if (plen >= sizeof(p->prefix)) {
			p->malformed++;
			return 0;
		}
		memcpy(p->prefix, msg, plen);
		p->prefix[plen] = '\0';
		p->prefix_len = plen;
		memcpy(p->dev, printer, sizeof(p->dev));
		memset(&p->pending, 0, sizeof(p->pending));
		p->pending.seq = seq;
		p->state = KMSG_AMDVI_REST;
		return 0;
	}
	if (rc == 0)
		rc = parse_dmar(msg, &f);
	if (rc < 0) {
		p->malformed++;
		return 0;
	}
	if (rc == 0)
		return 0;
	f.seq = seq;
	if (rc == 2) {
		p->pending = f;
		p->state = KMSG_VTD_REASON;
		return 0;
	}
	*out = f;
	return 1;
}
