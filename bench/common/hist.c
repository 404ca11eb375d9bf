/*
 * hist.c: per-operation latency histograms. Values below HIST_EXACT get a
 * bin each, so min, median, p99 and max are exact there; above it, 32
 * log-linear bins per power of two (about 3%) and an exact max.
 */
#include "bench.h"

void hist_reset(struct bench_hist *h)
{
	uint32_t *w = (uint32_t *)(void *)h;

	for (size_t i = 0; i < sizeof(*h) / sizeof(uint32_t); i++) {
		w[i] = 0u;
	}
	h->min = UINT32_MAX;
}

static unsigned log2_u32(uint32_t v)
{
	return 31u - (unsigned)__builtin_clz(v);
}

/* Log bin of a value >= HIST_EXACT: octave above HIST_EXACT's, and the
 * next log2(HIST_SUB) bits below the leading one. */
static uint32_t log_bin(uint32_t v)
{
	unsigned top = log2_u32(v);
	unsigned base = log2_u32(HIST_EXACT);
	uint32_t octave = top - base;
	uint32_t sub = (v >> (top - 5u)) & (HIST_SUB - 1u);

	if (octave >= HIST_OCTAVES) {
		return HIST_OCTAVES * HIST_SUB - 1u;
	}
	return octave * HIST_SUB + sub;
}

/* Largest value that lands in log bin i. */
static uint32_t log_bin_high(uint32_t i)
{
	unsigned top = (unsigned)(i / HIST_SUB) + log2_u32(HIST_EXACT);
	uint32_t sub = i % HIST_SUB;
	uint64_t lo = ((uint64_t)(HIST_SUB + sub)) << (top - 5u);
	uint64_t hi = lo + ((uint64_t)1u << (top - 5u)) - 1u;

	return hi > UINT32_MAX ? UINT32_MAX : (uint32_t)hi;
}

void hist_add(struct bench_hist *h, uint32_t v)
{
	h->n++;
	h->sum += v;
	if (v < h->min) {
		h->min = v;
	}
	if (v > h->max) {
		h->max = v;
	}
	if (v < HIST_EXACT) {
		h->exact[v]++;
	} else {
		h->log[log_bin(v)]++;
	}
}

uint32_t hist_percentile(const struct bench_hist *h, uint32_t permille)
{
	if (h->n == 0u) {
		return 0u;
	}
	/* Nearest rank: the smallest value with at least ceil(q * n) values
	 * at or below it. */
	uint64_t rank = ((uint64_t)h->n * permille + 999u) / 1000u;
	uint64_t seen = 0u;

	if (rank == 0u) {
		rank = 1u;
	}
	for (uint32_t v = 0; v < HIST_EXACT; v++) {
		seen += h->exact[v];
		if (seen >= rank) {
			return v;
		}
	}
	for (uint32_t i = 0; i < HIST_OCTAVES * HIST_SUB; i++) {
		seen += h->log[i];
		if (seen >= rank) {
			uint32_t hi = log_bin_high(i);

			return hi < h->max ? hi : h->max;
		}
	}
	return h->max;
}

void hist_print(const struct bench_hist *h, const char *key)
{
	bprintf("H %s n=%lu min=%lu p50=%lu p99=%lu max=%lu sum=%llu bins=", key,
		(unsigned long)h->n, (unsigned long)(h->n ? h->min : 0u),
		(unsigned long)hist_percentile(h, 500u), (unsigned long)hist_percentile(h, 990u),
		(unsigned long)h->max, (unsigned long long)h->sum);
	bool first = true;

	for (uint32_t v = 0; v < HIST_EXACT; v++) {
		if (h->exact[v] != 0u) {
			bprintf("%s%lu:%lu", first ? "" : ",", (unsigned long)v,
				(unsigned long)h->exact[v]);
			first = false;
		}
	}
	/* Approximate bins print as "~high:count". */
	for (uint32_t i = 0; i < HIST_OCTAVES * HIST_SUB; i++) {
		if (h->log[i] != 0u) {
			bprintf("%s~%lu:%lu", first ? "" : ",", (unsigned long)log_bin_high(i),
				(unsigned long)h->log[i]);
			first = false;
		}
	}
	bprintf("\n");
}
