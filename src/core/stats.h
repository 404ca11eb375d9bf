/*
 * stats.h: keep the O(1) runtime statistics in step with every chunk that
 * changes hands (invariant I6 of chunk.h). Only the allocated bytes and
 * their peak are counted: the free bytes are the rest of the chunk area,
 * so the hot path updates one counter, not two. Compiled out with
 * SYS_HEAP_STATS 0.
 */
#ifndef SYSHEAP_STATS_H
#define SYSHEAP_STATS_H

#include "chunk.h"

SYSHEAP_INLINE void account_alloc(struct z_heap *h, chunksz_t size)
{
#if SYS_HEAP_STATS
	size_t allocated = h->allocated_bytes + chunk_bytes(size);

	h->allocated_bytes = allocated;
	if (allocated > h->max_allocated_bytes) {
		h->max_allocated_bytes = allocated;
	}
#if SYS_HEAP_WATERMARKS
	/* A lower avail_buckets never has a higher top bit, so its minimum
	 * keeps the lowest top bucket: the smallest guaranteed request. */
	if (~h->avail_buckets > h->low_avail_inverted) {
		h->low_avail_inverted = ~h->avail_buckets;
	}
#endif
#else
	(void)h;
	(void)size;
#endif
}

SYSHEAP_INLINE void account_free(struct z_heap *h, chunksz_t size)
{
#if SYS_HEAP_STATS
	h->allocated_bytes -= chunk_bytes(size);
#else
	(void)h;
	(void)size;
#endif
}

/* Whether the allocating calls report a search that found nothing
 * (heap_oom.c), for the low-water marks or the OOM hook. */
#define SYSHEAP_ALLOC_FAILURE_HOOK (SYS_HEAP_WATERMARKS || SYS_HEAP_OOM_HOOK)

/* An allocating call found no chunk of `size` units for `bytes` at
 * `align` (0: natural): count it, and unless the hook is running already
 * ask it; when it asks for a retry, search once more, with the call's
 * `loops` and `best_fit`. Returns the chunk found, off its list, or 0.
 * Out of line, and the retry inside it, so the path that succeeds keeps
 * its registers and nothing loops back. */
chunkid_t z_sysheap_alloc_failed(struct sys_heap *heap, chunksz_t size, size_t bytes,
				 size_t align, void *caller, uint32_t loops, bool best_fit);

/* Count a failed allocation and ask the OOM hook, unless it is running
 * already, whether to retry: its answer (heap_oom.c). */
bool z_sysheap_oom_ask(struct sys_heap *heap, size_t bytes, size_t align, void *caller,
		       enum sys_heap_oom_reason reason);

#if SYS_HEAP_OWNERS
/* Owners (heap_owner.c). Choose the owner of the allocation starting and
 * check its quota for a chunk of `size` units; false: refuse it. */
bool z_sysheap_owner_admit(struct sys_heap *heap, chunksz_t size, size_t bytes, size_t align,
			   void *caller);
/* The owner admit chose for the allocation in progress. */
uint32_t z_sysheap_owner_of_call(const struct z_heap *h);
/* Charge used chunk c to `owner`, recorded in its prefix. */
void z_sysheap_owner_charge(struct z_heap *h, chunkid_t c, uint32_t owner);
/* Take used chunk c off its owner's count: the owner it had. */
uint32_t z_sysheap_owner_release(struct z_heap *h, chunkid_t c);
#endif

/* Bytes of all chunks between chunk 0 and the end marker, headers
 * included: what is not allocated of these is free. */
SYSHEAP_INLINE size_t chunk_area_bytes(const struct z_heap *h)
{
	return chunk_bytes(h->end_chunk - first_chunk(h));
}

#endif /* SYSHEAP_STATS_H */
