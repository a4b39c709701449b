/* SPDX-License-Identifier: MIT */
/*
 * Policies in QNX smmuman's configuration language (see smmu-audit.h for
 * the grammar): parsed in one pass, compared with what the audit found the
 * hardware allows, and applied (own --policy).
 *
 * Addresses are physical, as smmuman's are: an `allow` range is what the
 * device may reach, and applying it maps IOVA = PA.  Ranges are rounded
 * out to 4 KiB pages, as smmuman rounds them.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/target.h"

#define PAGE 4096ull

struct pobj {
	char *name;
	struct smmu_policy_dev *devs;
	size_t ndevs;
	struct smmu_policy_range *ranges;
	size_t nranges;
	unsigned first_use; /* the line of an allow/reserved before any device line */
	struct smmu_policy_obj pub;
};

struct smmu_policy {
	struct pobj *objs;
	size_t nobjs;
};

void smmu_policy_free(struct smmu_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nobjs; i++) {
		free(p->objs[i].name);
		free(p->objs[i].devs);
		free(p->objs[i].ranges);
	}
	free(p->objs);
	free(p);
}

size_t smmu_policy_obj_count(const struct smmu_policy *p)
{
	return p->nobjs;
}

const struct smmu_policy_obj *smmu_policy_obj_at(const struct smmu_policy *p, size_t i)
{
	if (i >= p->nobjs)
		return NULL;
	struct pobj *o = &p->objs[i];
	o->pub = (struct smmu_policy_obj){ o->name, o->devs, o->ndevs, o->ranges, o->nranges };
	return &o->pub;
}

static struct pobj *obj(struct smmu_policy *p, const char *name, size_t len, bool create)
{
	for (size_t i = 0; i < p->nobjs; i++)
		if (strlen(p->objs[i].name) == len && !memcmp(p->objs[i].name, name, len))
			return &p->objs[i];
	if (!create)
		return NULL;
	struct pobj *v = realloc(p->objs, (p->nobjs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	p->objs = v;
	memset(&v[p->nobjs], 0, sizeof(*v));
	if (!(v[p->nobjs].name = strndup(name, len)))
		return NULL;
	return &v[p->nobjs++];
}

/* A number: hex (0x optional), then an optional K, M or G. */
static int number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
		i = 2;
	if (i == len)
		return -EINVAL;
	for (; i < len && isxdigit((unsigned char)s[i]); i++) {
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	}
	if (i < len) {
		switch (s[i] | 0x20) {
		case 'k': mul = 1ull << 10; break;
		case 'm': mul = 1ull << 20; break;
		case 'g': mul = 1ull << 30; break;
		default: return -EINVAL;
		}
		if (++i != len)
			return -EINVAL;
		/* "4k": a decimal-looking count is still hex (smmuman's rule); only the suffix multiplies */
	}
	if (v && mul > UINT64_MAX / v)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

struct lex {
	const char *file;
	unsigned line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int perr(struct lex *lx, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(lx->err, lx->errlen, "%s:%u: %s", lx->file, lx->line, msg);
	return -EINVAL;
}

/* A field of pci:...: hex, or '*' (-1). */
static int pci_field(const char *s, size_t len, unsigned max, int *out)
{
	uint64_t v;

	if (len == 1 && *s == '*') {
		*out = -1;
		return 0;
	}
	if (!len || len > 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
	if (number(s, len, &v) || v > max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* pci:[SEG:]BUS:DEV.FUNC or mem:PADDR */
static int parse_devspec(struct lex *lx, const char *s, size_t len, struct smmu_policy_dev *d)
{
	if (len > 4 && !strncasecmp(s, "mem:", 4)) {
		d->pci = false;
		if (number(s + 4, len - 4, &d->paddr))
			return perr(lx, "'%.*s': expected mem:PADDR (hex)", (int)len, s);
		return 0;
	}
	if (len < 4 || strncasecmp(s, "pci:", 4))
		return perr(lx, "'%.*s': expected pci:BUS:DEV.FUNC or mem:PADDR", (int)len, s);
	const char *f[4];
	size_t fl[4], nf = 0;
	const char *p = s + 4, *end = s + len;
	/* split on ':' then the last on '.' */
	while (p <= end && nf < 4) {
		const char *c = memchr(p, ':', end - p);
		const char *e = c ? c : end;
		f[nf] = p;
		fl[nf++] = e - p;
		p = e + 1;
		if (!c)
			break;
	}
	if (p <= end && nf == 4)
		return perr(lx, "'%.*s': expected pci:BUS:DEV.FUNC", (int)len, s);
	if (nf < 2 || nf > 3)
		return perr(lx, "'%.*s': expected pci:BUS:DEV.FUNC", (int)len, s);
	const char *last = f[nf - 1], *dot = memchr(last, '.', fl[nf - 1]);
	if (!dot)
		return perr(lx, "'%.*s': expected DEV.FUNC after the bus", (int)len, s);
	d->pci = true;
	d->seg = 0;
	if ((nf == 3 && pci_field(f[0], fl[0], 0xffff, &d->seg)) || pci_field(f[nf - 2], fl[nf - 2], 0xff, &d->bus) ||
	    pci_field(last, dot - last, 0x1f, &d->dev) ||
	    pci_field(dot + 1, fl[nf - 1] - (dot + 1 - last), 7, &d->fn))
		return perr(lx, "'%.*s': a field is out of range (bus 0-ff, device 0-1f, function 0-7, or *)", (int)len, s);
	return 0;
}

static int parse_perms(const char *s, size_t len, unsigned *out)
{
	unsigned p = 0;

	if (len == 4 && !strncasecmp(s, "none", 4)) {
		*out = 0;
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned b = (s[i] | 0x20) == 'r' ? SMMU_PROT_R : (s[i] | 0x20) == 'w' ? SMMU_PROT_W :
			     (s[i] | 0x20) == 'x' ? SMMU_PROT_X : 0;
		if (!b || (p & b))
			return -EINVAL;
		p |= b;
	}
	if (!len)
		return -EINVAL;
	*out = p;
	return 0;
}

static int parse_range(struct lex *lx, const char *s, size_t len, struct smmu_policy_range *r)
{
	const char *c1 = memchr(s, ',', len);
	if (!c1)
		return perr(lx, "'%.*s': expected START,LEN[,PERMS]", (int)len, s);
	const char *c2 = memchr(c1 + 1, ',', s + len - c1 - 1);
	size_t llen = (c2 ? c2 : s + len) - (c1 + 1);
	if (number(s, c1 - s, &r->start))
		return perr(lx, "'%.*s': START is not a number (hex, K/M/G suffix)", (int)(c1 - s), s);
	if (number(c1 + 1, llen, &r->len) || !r->len)
		return perr(lx, "'%.*s': LEN is not a non-zero number (hex, K/M/G suffix)", (int)llen, c1 + 1);
	if (r->start + r->len - 1 < r->start)
		return perr(lx, "%.*s: the range goes past the end of the address space", (int)len, s);
	r->prot = SMMU_PROT_R | SMMU_PROT_W;
	if (c2 && parse_perms(c2 + 1, s + len - c2 - 1, &r->prot))
		return perr(lx, "'%.*s': PERMS are letters of r, w, x (or none)", (int)(s + len - c2 - 1), c2 + 1);
	return 0;
}

static int grow(void **v, size_t n, size_t size)
{
	void *p = realloc(*v, (n + 1) * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	return 0;
}

static int parse_line(struct smmu_policy *p, struct lex *lx, const char *s, size_t len)
{
	const char *w[8];
	size_t wl[8], n = 0;

	for (size_t i = 0; i < len;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i >= len || s[i] == '#')
			break;
		if (n == 8)
			return perr(lx, "too many words");
		w[n] = s + i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '#')
			i++;
		wl[n] = s + i - w[n];
		for (size_t k = 0; k < wl[n]; k++)
			if ((unsigned char)w[n][k] < 0x20 || (unsigned char)w[n][k] == 0x7f)
				return perr(lx, "a control character in the line");
		n++;
	}
	if (!n)
		return 0;
#define KW(k) (wl[0] == strlen(k) && !strncasecmp(w[0], k, wl[0]))
	if (KW("device")) {
		if (n != 3)
			return perr(lx, "expected: device pci:BUS:DEV.FUNC NAME | device mem:PADDR NAME");
		struct smmu_policy_dev d = { .line = lx->line };
		int rc = parse_devspec(lx, w[1], wl[1], &d);
		if (rc)
			return rc;
		struct pobj *o = obj(p, w[2], wl[2], true);
		if (!o || grow((void **)&o->devs, o->ndevs, sizeof(*o->devs)))
			return -ENOMEM;
		o->devs[o->ndevs++] = d;
		return 0;
	}
	if (KW("allow") || KW("reserved")) {
		bool reserved = KW("reserved");
		if (n != 3)
			return perr(lx, "expected: %s NAME START,LEN[,PERMS]", reserved ? "reserved" : "allow");
		struct smmu_policy_range r = { .reserved = reserved, .line = lx->line };
		int rc = parse_range(lx, w[2], wl[2], &r);
		if (rc)
			return rc;
		struct pobj *o = obj(p, w[1], wl[1], true);
		if (!o || grow((void **)&o->ranges, o->nranges, sizeof(*o->ranges)))
			return -ENOMEM;
		if (!o->ndevs && !o->first_use)
			o->first_use = lx->line;
		o->ranges[o->nranges++] = r;
		return 0;
	}
	/* the service's own options: nothing to audit in them */
	if (KW("smmu") || KW("unit") || KW("debug") || KW("foreground") || KW("verbose") || KW("safety"))
		return 0;
	return perr(lx, "unknown keyword '%.*s' (device, allow, reserved, smmu, unit, debug, foreground)",
		    (int)(wl[0] > 40 ? 40 : wl[0]), w[0]);
#undef KW
}

int smmu_policy_parse(const char *text, size_t len, const char *file, struct smmu_policy **out, char *err,
		      size_t errlen)
{
	struct smmu_policy *p = calloc(1, sizeof(*p));
	struct lex lx = { file ? file : "policy", 0, err, errlen };
	int rc = 0;

	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < len && !rc;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = (nl ? (size_t)(nl - text) : len) - i;
		lx.line++;
		if (memchr(text + i, '\0', l))
			rc = perr(&lx, "a NUL byte: not a text file");
		else
			rc = parse_line(p, &lx, text + i, l);
		i += l + 1;
	}
	for (size_t i = 0; i < p->nobjs && !rc; i++)
		if (!p->objs[i].ndevs) {
			lx.line = p->objs[i].first_use;
			rc = perr(&lx, "'%s' has ranges but no device line names it", p->objs[i].name);
		}
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", lx.file);
	if (rc) {
		smmu_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int smmu_policy_load(const char *path, struct smmu_policy **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	for (;;) {
		if (n == cap) {
			if (cap > (64u << 20)) {
				fclose(f);
				free(buf);
				snprintf(err, errlen, "%s: larger than 64 MiB: not a policy", path);
				return -EFBIG;
			}
			char *b = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!b) {
				fclose(f);
				free(buf);
				return -ENOMEM;
			}
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	else
		rc = smmu_policy_parse(buf, n, path, out, err, errlen);
	free(buf);
	return rc;
}

bool smmu_policy_dev_match(const struct smmu_policy_dev *pd, struct smmu_device *d)
{
	const struct smmu_device_info *di = &d->info;

	if (!pd->pci)
		return di->bus == SMMU_BUS_PLATFORM && di->mmio_size && pd->paddr >= di->mmio_base &&
		       pd->paddr - di->mmio_base < di->mmio_size;
	if (di->bus != SMMU_BUS_PCI)
		return false;
	return (pd->seg < 0 || pd->seg == di->segment) && (pd->bus < 0 || pd->bus == di->bdf >> 8) &&
	       (pd->dev < 0 || pd->dev == ((di->bdf >> 3) & 0x1f)) && (pd->fn < 0 || pd->fn == (di->bdf & 7));
}

/* --- interval arithmetic on [lo, hi] (inclusive: the top of the space fits) -------- */
struct ival {
	uint64_t lo, hi;
	unsigned prot;
};

static void round_out(const struct smmu_policy_range *r, struct ival *iv)
{
	iv->lo = r->start & ~(PAGE - 1);
	uint64_t hi = r->start + r->len - 1;
	iv->hi = hi | (PAGE - 1);
	iv->prot = r->prot;
}

/* The permission bits the intervals give at x, and where that answer ends. */
static unsigned prot_at(const struct ival *v, size_t n, uint64_t x, uint64_t *next_change)
{
	unsigned p = 0;
	uint64_t nc = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		if (v[i].lo <= x && x <= v[i].hi) {
			p |= v[i].prot;
			if (v[i].hi < nc)
				nc = v[i].hi;
		} else if (v[i].lo > x && v[i].lo - 1 < nc) {
			nc = v[i].lo - 1;
		}
	}
	*next_change = nc;
	return p;
}

/* For each piece of [lo, hi] where have & ~allowed-by(v) is not empty, call fn. */
static int excess(const struct ival *v, size_t n, uint64_t lo, uint64_t hi, unsigned have,
		  int (*fn)(void *ctx, uint64_t lo, uint64_t hi, unsigned extra), void *ctx)
{
	uint64_t x = lo, plo = 0;
	unsigned pextra = 0;
	int rc;

	for (;;) {
		uint64_t nc;
		unsigned extra = have & ~prot_at(v, n, x, &nc) & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X);
		uint64_t end = nc < hi ? nc : hi;
		if (extra != pextra) {
			if (pextra && (rc = fn(ctx, plo, x - 1, pextra)))
				return rc;
			plo = x;
			pextra = extra;
		}
		if (end == hi)
			break;
		x = end + 1;
	}
	return pextra ? fn(ctx, plo, hi, pextra) : 0;
}

int smmu_audit_add_finding(struct smmu_audit *a, const struct smmu_audit_finding *f);

struct pctx {
	struct smmu_audit *a;
	const struct smmu_audit_device *d;
	const char *name;
	bool fault; /* policy allows, hardware does not */
	unsigned count;
};

static const char *perm_letters(unsigned p, char *b)
{
	snprintf(b, 4, "%s%s%s", p & SMMU_PROT_R ? "r" : "", p & SMMU_PROT_W ? "w" : "", p & SMMU_PROT_X ? "x" : "");
	return b;
}

static int report(void *ctx, uint64_t lo, uint64_t hi, unsigned extra)
{
	struct pctx *c = ctx;
	struct smmu_audit_finding f = { .unit = c->d->unit, .dev = c->d->addr, .has_range = true, .pa = lo,
					.size = hi - lo + 1 };
	char b[4];

	if (c->count++ >= 64)
		return 0; /* enough to make the point */
	if (c->fault) {
		f.sev = SMMU_SEV_MEDIUM;
		f.id = "policy-fault";
		snprintf(f.reason, sizeof(f.reason),
			 "the policy lets %s (%s) %s 0x%" PRIx64 "-0x%" PRIx64 ", the hardware does not: its DMA there faults",
			 c->d->addr, c->name, perm_letters(extra, b), lo, hi);
	} else {
		f.sev = SMMU_SEV_HIGH;
		f.id = "policy-violation";
		if (c->name)
			snprintf(f.reason, sizeof(f.reason),
				 "%s (%s) can %s 0x%" PRIx64 "-0x%" PRIx64 ", beyond what the policy allows",
				 c->d->addr, c->name, perm_letters(extra, b), lo, hi);
		else
			snprintf(f.reason, sizeof(f.reason),
				 "%s is in no device line of the policy, yet can %s 0x%" PRIx64 "-0x%" PRIx64,
				 c->d->addr, perm_letters(extra, b), lo, hi);
	}
	return smmu_audit_add_finding(c->a, &f);
}

int smmu_audit_policy_check(struct smmu_audit *a, const struct smmu_policy *p);
int smmu_audit_policy_check(struct smmu_audit *a, const struct smmu_policy *p)
{
	size_t nd = smmu_audit_device_count(a);
	int rc = 0;

	/* a device line that names nothing on this machine */
	for (size_t o = 0; o < p->nobjs && !rc; o++) {
		const struct pobj *ob = &p->objs[o];
		for (size_t k = 0; k < ob->ndevs && !rc; k++) {
			bool any = false;
			for (size_t i = 0; i < nd && !any; i++)
				any = smmu_policy_dev_match(&ob->devs[k], smmu_audit_device_at(a, i)->dev);
			if (any)
				continue;
			struct smmu_audit_finding f = { .sev = SMMU_SEV_MEDIUM, .id = "policy-fault" };
			snprintf(f.reason, sizeof(f.reason), "the policy's device line %u (%s) names no DMA device of this machine",
				 ob->devs[k].line, ob->name);
			rc = smmu_audit_add_finding(a, &f);
		}
	}
	for (size_t i = 0; i < nd && !rc; i++) {
		const struct smmu_audit_device *d = smmu_audit_device_at(a, i);
		struct ival *pol = NULL, *hw = NULL;
		size_t np = 0;
		const char *name = NULL;
		/* the device's allowed ranges: every object naming it */
		for (size_t o = 0; o < p->nobjs && !rc; o++) {
			const struct pobj *ob = &p->objs[o];
			bool named = false;
			for (size_t k = 0; k < ob->ndevs && !named; k++)
				named = smmu_policy_dev_match(&ob->devs[k], d->dev);
			if (!named)
				continue;
			name = name ? name : ob->name;
			struct ival *v = realloc(pol, (np + ob->nranges + 1) * sizeof(*v));
			if (!v) {
				rc = -ENOMEM;
				break;
			}
			pol = v;
			for (size_t r = 0; r < ob->nranges; r++)
				round_out(&ob->ranges[r], &pol[np++]);
		}
		if (!rc && d->nranges && !(hw = calloc(d->nranges, sizeof(*hw))))
			rc = -ENOMEM;
		for (size_t r = 0; r < d->nranges && !rc; r++)
			hw[r] = (struct ival){ d->ranges[r].pa, d->ranges[r].pa + d->ranges[r].size - 1, d->ranges[r].prot };
		struct pctx c = { a, d, name, false, 0 };
		for (size_t r = 0; r < d->nranges && !rc; r++)
			rc = excess(pol, np, hw[r].lo, hw[r].hi, hw[r].prot, report, &c);
		c.fault = true;
		c.count = 0;
		/* an aborting device that the policy names faults on all of it */
		for (size_t r = 0; r < np && !rc && name; r++)
			rc = excess(hw, d->nranges, pol[r].lo, pol[r].hi, pol[r].prot, report, &c);
		free(pol);
		free(hw);
	}
	return rc;
}

/* --- own --policy ------------------------------------------------------------------- */
static int apply_map(struct smmu_domain *dom, const struct ival *v, size_t n, char *err, size_t errlen)
{
	/* the union of the object's ranges, in pieces of equal permissions */
	uint64_t lo = UINT64_MAX, hi = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		lo = v[i].lo < lo ? v[i].lo : lo;
		hi = v[i].hi > hi ? v[i].hi : hi;
	}
	for (uint64_t x = lo; n && x <= hi;) {
		uint64_t nc;
		unsigned p = prot_at(v, n, x, &nc);
		uint64_t end = nc < hi ? nc : hi;
		if (p && (rc = smmu_map(dom, x, x, end - x + 1, p))) {
			snprintf(err, errlen, "mapping 0x%" PRIx64 "-0x%" PRIx64 " in domain %s: %s", x, end,
				 smmu_domain_name(dom), smmu_strerror(rc));
			return rc;
		}
		if (end == hi)
			break;
		x = end + 1;
	}
	return 0;
}

int smmu_policy_apply(struct smmu_target *t, const struct smmu_policy *p, char *err, size_t errlen)
{
	int rc;

	for (size_t o = 0; o < p->nobjs; o++) {
		const struct pobj *ob = &p->objs[o];
		struct smmu_domain *dom = smmu_domain_find(t, ob->name);
		size_t attached = 0;
		if (!dom && (rc = smmu_domain_create(t, ob->name, 0, &dom))) {
			snprintf(err, errlen, "creating domain %s: %s", ob->name, smmu_strerror(rc));
			return rc;
		}
		for (size_t i = 0; i < t->ndevices; i++) {
			struct smmu_device *d = &t->devices[i];
			bool named = false;
			for (size_t k = 0; k < ob->ndevs && !named; k++)
				named = smmu_policy_dev_match(&ob->devs[k], d);
			if (!named || (d->info.bus == SMMU_BUS_PCI && (d->info.class_rev >> 24) == 0x06))
				continue;
			if (smmu_device_domain(d) == dom) {
				attached++;
				continue;
			}
			if ((rc = smmu_device_attach(d, dom))) {
				snprintf(err, errlen, "attaching %s to domain %s (line %u): %s", d->addr, ob->name,
					 ob->devs[0].line, smmu_strerror(rc));
				return rc;
			}
			attached++;
		}
		if (!attached) {
			snprintf(err, errlen, "'%s' (line %u): no device of this machine matches its device lines", ob->name,
				 ob->devs[0].line);
			return -ENOENT;
		}
		struct ival *v = calloc(ob->nranges + 1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t r = 0; r < ob->nranges; r++)
			round_out(&ob->ranges[r], &v[r]);
		rc = apply_map(dom, v, ob->nranges, err, errlen);
		free(v);
		if (rc)
			return rc;
	}
	return 0;
}
