/*
 * workload.c: the demo's allocation pattern. Sizes follow what firmware
 * tends to ask for (message headers and small records far more often
 * than buffers): 60 % are 4..32 bytes, 25 % 33..128, 15 % 129..512. A
 * third of the operations free a random live block, so the heap
 * fragments the way a long-running system's does.
 */
#include "workload.h"

#include <stddef.h>
#include <string.h>

/* Blocks live at once, at most: enough to fill a heap of a few dozen KiB
 * and make allocations fail now and then. Small-RAM boards lower it. */
#ifndef DEMO_MAX_LIVE
#define DEMO_MAX_LIVE 160u
#endif
#define MAX_LIVE DEMO_MAX_LIVE

struct live {
	struct sys_heap *heap;
	uint8_t *mem;
	size_t bytes;
	uint8_t fill;
};

static struct live live[MAX_LIVE];

static uint32_t next(uint32_t *state)
{
	/* xorshift32: small, and the same sequence on every target. */
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static size_t pick_size(uint32_t *rng)
{
	uint32_t r = next(rng) % 100u;
	uint32_t v = next(rng);

	if (r < 60u) {
		return 4u + v % 29u;
	}
	if (r < 85u) {
		return 33u + v % 96u;
	}
	return 129u + v % 384u;
}

static void fill(struct live *l, uint8_t pattern)
{
	l->fill = pattern;
	memset(l->mem, pattern, l->bytes);
}

static bool intact(const struct live *l)
{
	for (size_t i = 0; i < l->bytes; i++) {
		if (l->mem[i] != l->fill) {
			return false;
		}
	}
	return true;
}

static void release(struct live *l, struct workload_result *r)
{
	if (!intact(l)) {
		r->corrupt++;
	}
	sys_heap_free(l->heap, l->mem);
	l->mem = NULL;
	r->frees++;
}

void workload_run(struct sys_heap *heap, uint32_t ops, uint32_t seed,
		  uint32_t validate_every, struct workload_result *r)
{
	uint32_t rng = seed != 0u ? seed : 1u;

	for (uint32_t op = 1; op <= ops; op++) {
		struct live *l = &live[next(&rng) % MAX_LIVE];
		uint32_t kind = next(&rng) % 3u;

		if (l->mem != NULL && l->heap != heap) {
			continue; /* another heap's block: leave it alone */
		}
		if (l->mem == NULL) {
			l->heap = heap;
			l->bytes = pick_size(&rng);
			l->mem = sys_heap_alloc(heap, l->bytes);
			if (l->mem == NULL) {
				r->failures++;
				continue;
			}
			r->allocs++;
			fill(l, (uint8_t)next(&rng));
		} else if (kind == 0u) {
			size_t bytes = pick_size(&rng);
			bool ok = intact(l);
			uint8_t *mem = sys_heap_realloc(heap, l->mem, bytes);

			if (!ok) {
				r->corrupt++;
			}
			if (mem == NULL) {
				r->failures++;
				continue;
			}
			r->reallocs++;
			l->mem = mem;
			l->bytes = bytes;
			fill(l, (uint8_t)next(&rng));
		} else {
			release(l, r);
		}
		if (validate_every != 0u && op % validate_every == 0u && !sys_heap_validate(heap)) {
			r->invalid++;
		}
	}
}

void workload_release(struct sys_heap *heap, struct workload_result *r)
{
	for (size_t i = 0; i < MAX_LIVE; i++) {
		if (live[i].mem != NULL && live[i].heap == heap) {
			release(&live[i], r);
		}
	}
	if (!sys_heap_validate(heap)) {
		r->invalid++;
	}
}
