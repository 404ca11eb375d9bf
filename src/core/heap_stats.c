/*
 * heap_stats.c: the O(1) runtime statistics. heap.c keeps the counters up
 * to date; this file only reads and resets them.
 */
#include "stats.h"

static int check_heap(const struct sys_heap *heap)
{
	if (heap == NULL || heap->heap == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
	return SYS_HEAP_STATS ? 0 : SYS_HEAP_ERR_UNSUPPORTED;
}

int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats)
{
	int err = (stats == NULL) ? SYS_HEAP_ERR_INVALID : check_heap(heap);

	if (err != 0) {
		return err;
	}
#if SYS_HEAP_STATS
	const struct z_heap *h = heap->heap;

	stats->free_bytes = chunk_area_bytes(h) - h->allocated_bytes;
	stats->allocated_bytes = h->allocated_bytes;
	stats->max_allocated_bytes = h->max_allocated_bytes;
	stats->error_count = heap->error_count;
#endif
	return 0;
}

int sys_heap_runtime_stats_reset_max(struct sys_heap *heap)
{
	int err = check_heap(heap);

	if (err != 0) {
		return err;
	}
#if SYS_HEAP_STATS
	heap->heap->max_allocated_bytes = heap->heap->allocated_bytes;
#endif
	return 0;
}
