/*
 * stats.h: keep the O(1) runtime statistics in step with every chunk that
 * changes hands (invariant I6 of chunk.h). Compiled out with SYS_HEAP_STATS 0.
 */
#ifndef SYSHEAP_STATS_H
#define SYSHEAP_STATS_H

#include "chunk.h"

SYSHEAP_INLINE void account_alloc(struct z_heap *h, chunksz_t size)
{
#if SYS_HEAP_STATS
	size_t bytes = chunk_bytes(size);
	size_t allocated = h->allocated_bytes + bytes;

	h->free_bytes -= bytes;
	h->allocated_bytes = allocated;
	if (allocated > h->max_allocated_bytes) {
		h->max_allocated_bytes = allocated;
	}
#else
	(void)h;
	(void)size;
#endif
}

SYSHEAP_INLINE void account_free(struct z_heap *h, chunksz_t size)
{
#if SYS_HEAP_STATS
	size_t bytes = chunk_bytes(size);

	h->free_bytes += bytes;
	h->allocated_bytes -= bytes;
#else
	(void)h;
	(void)size;
#endif
}

#endif /* SYSHEAP_STATS_H */
