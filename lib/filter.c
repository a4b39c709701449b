/* SPDX-License-Identifier: MIT */
/*
 * The fault filter language, one for every front end (the shell's trace and
 * faults, the monitor's '/'): terms separated by ',', all of which must hold.
 * See smmu-manager.h for the terms.  Everything a term needs is worked out
 * when it is parsed (devices resolved, names checked, which devices a word
 * names), so a match costs a few compares a record, even during a storm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decoders/decode.h"
#include "lib/target.h"

#define MAX_TERMS 16
#define MAX_TEXT  96

enum term_key { T_DEV, T_SID, T_CODE, T_CODE_NAME, T_CLASS, T_ADDR, T_WORD };

struct term {
	enum term_key key;
	bool negate;
	const struct smmu_device *dev;  /* T_DEV: NULL when parsed without a target (matches no fault) */
	uint64_t lo, hi;
	char text[MAX_TEXT];
	/* a word: the devices and classes it names, whether it is a number
	 * (then lo is the SID it names), and the last reason name looked at */
	bool dev_hit[SMMU_MAX_DEVICES];
	unsigned class_hit;
	bool numeric;
	const char *memo_name;
	bool memo_hit;
};

struct smmu_fault_filter {
	const struct smmu_target *t;
	size_t n;
	struct term term[MAX_TERMS];
};

static const char *const keys_help = "keys: dev, sid, code, class, addr";

/* Every reason name some unit could report: SMMUv3 event names and VT-d
 * fault reasons, from the decoders.  i = 0, 1, ... until NULL. */
static const char *code_name_at(size_t i)
{
	const struct smmu_desc *d;

	if (!smmu_decoder_find("smmuv3.event", &d, NULL) && d->variants)
		for (const struct smmu_variant *v = d->variants; v->desc; v++)
			if (i-- == 0)
				return v->desc->name;
	if (!smmu_decoder_find("vtd.frcd", &d, NULL)) {
		const struct smmu_field *fr = smmu_desc_field(d, "FR");
		for (const struct smmu_enum *e = fr ? fr->enums : NULL; e && e->name; e++)
			if (i-- == 0)
				return e->name;
	}
	return NULL;
}

static bool has_text(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle);
}

/* A number, strictly: no sign, no blanks, nothing after it. */
static bool parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* One term, as typed (NUL-terminated, no ','): NULL, or why it is wrong. */
static const char *parse_term(struct smmu_target *t, char *tok, struct term *tm)
{
	char *eq = strchr(tok, '=');

	memset(tm, 0, sizeof(*tm));
	if (!*tok)
		return "empty term (two commas in a row, or one at an end)";
	if (!eq) { /* a word */
		size_t hits = 0;
		tm->key = T_WORD;
		if (strlen(tok) >= sizeof(tm->text))
			return "too long";
		strcpy(tm->text, tok);
		tm->numeric = parse_num(tok, &tm->lo) && tm->lo <= UINT32_MAX;
		for (size_t i = 0; t && i < t->ndevices; i++) {
			struct smmu_device_info di;
			smmu_device_info(&t->devices[i], &di); /* names are looked up when first asked for */
			if (has_text(di.addr, tok) || has_text(di.name, tok))
				tm->dev_hit[i] = true, hits++;
		}
		for (unsigned c = 0; c <= SMMU_FC_OTHER; c++)
			if (has_text(smmu_fault_class_name(c), tok))
				tm->class_hit |= 1u << c, hits++;
		for (size_t i = 0; !hits && code_name_at(i); i++)
			hits += has_text(code_name_at(i), tok);
		if (!hits && !tm->numeric && t) /* without a target: it may name a device */
			return "names no device, reason or class (or use KEY=VALUE; keys: dev, sid, code, class, addr)";
		return NULL;
	}
	if (eq > tok && eq[-1] == '!') {
		tm->negate = true;
		eq[-1] = '\0';
	}
	*eq = '\0';
	const char *key = tok, *val = eq + 1;
	if (!*key || !*val)
		return "expected KEY=VALUE or KEY!=VALUE (keys: dev, sid, code, class, addr)";
	if (!strcmp(key, "dev")) {
		tm->key = T_DEV;
		if (t && !(tm->dev = smmu_device_find(t, val)))
			return "no such device ('devices' lists them)";
	} else if (!strcmp(key, "sid")) {
		tm->key = T_SID;
		if (!parse_num(val, &tm->lo) || tm->lo > UINT32_MAX)
			return "sid must be a number";
	} else if (!strcmp(key, "code")) {
		bool known = false;
		for (size_t i = 0; !known && code_name_at(i); i++)
			known = !strcasecmp(code_name_at(i), val);
		if (parse_num(val, &tm->lo)) {
			tm->key = T_CODE;
		} else if (known && strlen(val) < sizeof(tm->text)) {
			tm->key = T_CODE_NAME;
			strcpy(tm->text, val);
		} else {
			return "unknown fault code (a number, or a name such as F_TRANSLATION)";
		}
	} else if (!strcmp(key, "class")) {
		tm->key = T_CLASS;
		tm->lo = SMMU_FC_OTHER + 1;
		for (unsigned c = 0; c <= SMMU_FC_OTHER; c++)
			if (!strcasecmp(val, smmu_fault_class_name(c)))
				tm->lo = c;
		if (tm->lo > SMMU_FC_OTHER)
			return "unknown class (translation, permission, access-flag, address-size, "
			       "configuration, table-fetch, stream, other)";
	} else if (!strcmp(key, "addr")) {
		const char *dash = strchr(val, '-');
		char lo[64];
		tm->key = T_ADDR;
		if (dash && (size_t)(dash - val) < sizeof(lo)) {
			snprintf(lo, sizeof(lo), "%.*s", (int)(dash - val), val);
			if (!parse_num(lo, &tm->lo) || !parse_num(dash + 1, &tm->hi) || tm->hi < tm->lo)
				return "expected addr=ADDR or addr=LOW-HIGH with LOW <= HIGH";
		} else if (dash || !parse_num(val, &tm->lo)) {
			return "expected addr=ADDR or addr=LOW-HIGH with LOW <= HIGH";
		} else {
			tm->hi = tm->lo;
		}
	} else {
		return "unknown key (dev, sid, code, class, addr)";
	}
	return NULL;
}

int smmu_fault_filter_parse(struct smmu_target *t, const char *text, struct smmu_fault_filter **out,
			    char *err, size_t errlen)
{
	struct smmu_fault_filter *f;
	char buf[512], typed[512] = "";
	const char *why = NULL;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!text || !*text) {
		snprintf(err, errlen, "empty filter (TERM[,TERM...]; %s)", keys_help);
		return -EINVAL;
	}
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "filter too long (at most %zu characters)", sizeof(buf) - 1);
		return -EINVAL;
	}
	if (!(f = calloc(1, sizeof(*f))))
		return -ENOMEM;
	f->t = t;
	strcpy(buf, text);
	/* strtok would skip empty terms (",," or a trailing ','): split by hand */
	for (char *tok = buf, *next; tok && !why; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		snprintf(typed, sizeof(typed), "%s", tok); /* the term as typed, for the error */
		if (f->n == MAX_TERMS)
			why = "too many terms (at most 16)";
		else if (!(why = parse_term(t, tok, &f->term[f->n])))
			f->n++;
	}
	if (why) {
		if (*typed)
			snprintf(err, errlen, "'%s': %s", typed, why);
		else
			snprintf(err, errlen, "%s", why);
		free(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

void smmu_fault_filter_free(struct smmu_fault_filter *f)
{
	free(f);
}

static bool word_match(const struct smmu_fault_filter *flt, struct term *tm, const struct smmu_fault *f)
{
	if (tm->numeric && f->stream.sid == tm->lo)
		return true;
	if (f->dev && flt->t && f->dev >= flt->t->devices && f->dev < flt->t->devices + flt->t->ndevices &&
	    tm->dev_hit[f->dev - flt->t->devices])
		return true;
	if ((unsigned)f->cls <= SMMU_FC_OTHER && (tm->class_hit >> f->cls & 1))
		return true;
	if (f->code_name != tm->memo_name || !tm->memo_name) {
		tm->memo_name = f->code_name;
		tm->memo_hit = has_text(f->code_name, tm->text);
	}
	return tm->memo_hit;
}

bool smmu_fault_filter_match(struct smmu_fault_filter *flt, const struct smmu_fault *f)
{
	if (!flt)
		return true;
	for (size_t i = 0; i < flt->n; i++) {
		struct term *tm = &flt->term[i];
		bool ok = false;
		switch (tm->key) {
		case T_DEV: ok = tm->dev && f->dev == tm->dev; break;
		case T_SID: ok = f->stream.sid == tm->lo; break;
		case T_CODE: ok = f->code == tm->lo; break;
		case T_CODE_NAME: ok = f->code_name && !strcasecmp(f->code_name, tm->text); break;
		case T_CLASS: ok = (uint64_t)f->cls == tm->lo; break;
		case T_ADDR: ok = f->addr >= tm->lo && f->addr <= tm->hi; break;
		case T_WORD: ok = word_match(flt, tm, f); break;
		}
		if (ok == tm->negate)
			return false;
	}
	return true;
}

bool smmu_fault_filter_match_source(struct smmu_fault_filter *flt, const struct smmu_fault_source *s)
{
	struct smmu_fault f = {
		.unit = s->unit, .dev = s->dev, .stream = { .sid = s->sid }, .addr = s->last_addr,
		.code = s->last_code, .code_name = s->last_code_name, .cls = s->last_cls,
	};

	return smmu_fault_filter_match(flt, &f);
}
