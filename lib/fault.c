/* SPDX-License-Identifier: MIT */
/*
 * The fault monitor: architecture drivers push normalized records here; it
 * numbers and timestamps them, keeps per-source statistics and a bounded
 * ring of the newest records, and hands each to subscribers.  Nothing here
 * allocates per record, so a storm costs CPU, never memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault.h"
#include "lib/target.h"

static const char *const class_names[] = {
	[SMMU_FC_TRANSLATION] = "translation", [SMMU_FC_PERMISSION] = "permission",
	[SMMU_FC_ACCESS] = "access-flag",      [SMMU_FC_ADDR_SIZE] = "address-size",
	[SMMU_FC_CONFIG] = "configuration",    [SMMU_FC_FETCH] = "table-fetch",
	[SMMU_FC_STREAM] = "stream",           [SMMU_FC_OTHER] = "other",
};

const char *smmu_fault_class_name(enum smmu_fault_class c)
{
	return (unsigned)c < sizeof(class_names) / sizeof(class_names[0]) ? class_names[c] : "other";
}

int smmu_fault_mon_init(struct smmu_fault_mon *m, size_t ring_cap)
{
	memset(m, 0, sizeof(*m));
	m->ring = calloc(ring_cap, sizeof(*m->ring));
	if (!m->ring)
		return -ENOMEM;
	m->ring_cap = ring_cap;
	return 0;
}

void smmu_fault_mon_fini(struct smmu_fault_mon *m)
{
	free(m->ring);
	m->ring = NULL;
}

/* Open addressing on (unit, sid): a source is found in O(1) during a storm. */
static struct smmu_fault_source *source_slot(struct smmu_target *t, struct smmu_unit *u,
					     uint32_t sid)
{
	struct smmu_fault_mon *m = &t->faults;
	uint32_t h = (sid * 2654435761u) ^ (u ? u->index * 40503u : 0);

	for (unsigned probe = 0; probe < SMMU_FAULT_SOURCES; probe++) {
		unsigned i = (h + probe) & (SMMU_FAULT_SOURCES - 1);
		int idx = m->source_index[i];
		if (idx == 0) {
			if (m->nsources == SMMU_FAULT_SOURCES / 2)
				return NULL; /* keep the table half empty */
			struct smmu_fault_source *s = &m->sources[m->nsources];
			memset(s, 0, sizeof(*s));
			s->unit = u;
			s->sid = sid;
			s->dev = smmu_device_by_sid(t, u, sid);
			m->source_index[i] = ++m->nsources;
			return s;
		}
		struct smmu_fault_source *s = &m->sources[idx - 1];
		if (s->unit == u && s->sid == sid)
			return s;
	}
	return NULL;
}

void smmu_fault_push(struct smmu_target *t, struct smmu_fault *f)
{
	struct smmu_fault_mon *m = &t->faults;
	struct smmu_fault_source *s = source_slot(t, f->unit, f->stream.sid);

	f->seq = ++m->totals.total;
	f->ts_ns = m->now_ns;
	f->dev = s ? s->dev : smmu_device_by_sid(t, f->unit, f->stream.sid);
	if (s) {
		if (!s->count++)
			s->first_ns = f->ts_ns;
		s->last_ns = f->ts_ns;
		s->last_addr = f->addr;
		s->last_code = f->code;
		s->last_code_name = f->code_name;
		s->last_cls = f->cls;
	} else {
		m->sources_dropped++;
	}
	m->ring[m->ring_head] = *f;
	m->ring_head = (m->ring_head + 1) % m->ring_cap;
	if (m->ring_len < m->ring_cap)
		m->ring_len++;
	for (size_t i = 0; i < m->nsubs; i++)
		if (m->subs[i].each)
			m->subs[i].each(m->subs[i].ctx, f);
	m->batch++;
}

int smmu_faults_poll(struct smmu_target *t)
{
	struct smmu_fault_mon *m = &t->faults;
	int rc = 0;

	m->now_ns = smmu_target_now_ns(t);
	m->batch = 0;
	for (size_t i = 0; i < t->nunits; i++) {
		struct smmu_unit *u = &t->units[i];
		if (!u->ops || !u->ops->drain)
			continue;
		int r = u->ops->drain(u);
		if (r < 0 && !rc)
			rc = r; /* keep draining the other units */
	}
	/* what the kernel drained from the units it drives, from its log */
	int k = smmu_kmsg_poll(t);
	if (k < 0 && !rc)
		rc = k;
	if (m->batch)
		for (size_t i = 0; i < m->nsubs; i++)
			if (m->subs[i].batch)
				m->subs[i].batch(m->subs[i].ctx, m->batch);
	return rc ? rc : (int)(m->batch > INT32_MAX ? INT32_MAX : m->batch);
}

void smmu_faults_totals(const struct smmu_target *t, struct smmu_fault_totals *out)
{
	*out = t->faults.totals;
}

size_t smmu_faults_kept(const struct smmu_target *t)
{
	return t->faults.ring_len;
}

int smmu_faults_get(const struct smmu_target *t, size_t i, struct smmu_fault *out)
{
	const struct smmu_fault_mon *m = &t->faults;

	if (i >= m->ring_len)
		return -ENOENT;
	*out = m->ring[(m->ring_head + m->ring_cap - m->ring_len + i) % m->ring_cap];
	return 0;
}

size_t smmu_fault_source_count(const struct smmu_target *t)
{
	return t->faults.nsources;
}

int smmu_fault_source_get(const struct smmu_target *t, size_t i, struct smmu_fault_source *out)
{
	if (i >= t->faults.nsources)
		return -ENOENT;
	*out = t->faults.sources[i];
	return 0;
}

void smmu_faults_clear(struct smmu_target *t)
{
	struct smmu_fault_mon *m = &t->faults;

	m->ring_len = 0;
	m->nsources = 0;
	memset(m->source_index, 0, sizeof(m->source_index));
}

int smmu_fault_subscribe(struct smmu_target *t, smmu_fault_cb each, smmu_fault_batch_cb batch,
			 void *ctx)
{
	struct smmu_fault_mon *m = &t->faults;

	if (m->nsubs == SMMU_FAULT_SUBSCRIBERS)
		return -ENOSPC;
	m->subs[m->nsubs++] = (struct smmu_fault_sub){ each, batch, ctx };
	return 0;
}

void smmu_fault_unsubscribe(struct smmu_target *t, void *ctx)
{
	struct smmu_fault_mon *m = &t->faults;

	for (size_t i = 0; i < m->nsubs; i++)
		if (m->subs[i].ctx == ctx) {
			memmove(&m->subs[i], &m->subs[i + 1], (m->nsubs - i - 1) * sizeof(m->subs[0]));
			m->nsubs--;
			i--;
		}
}
