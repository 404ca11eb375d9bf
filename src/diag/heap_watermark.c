/*
 * heap_watermark.c: the low-water marks (SYS_HEAP_WATERMARKS). stats.h
 * keeps the lowest bucket bitmap seen after an allocation and heap_oom.c
 * counts the failures; this file reads and resets them, all in O(1).
 */
#include "largest.h"
#include "stats.h"

static int check_heap(const struct sys_heap *heap)
{
	if (heap == NULL || heap->heap == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
	return SYS_HEAP_WATERMARKS ? 0 : SYS_HEAP_ERR_UNSUPPORTED;
}

int sys_heap_watermarks_get(struct sys_heap *heap, struct sys_heap_watermarks *marks)
{
	int err = (marks == NULL) ? SYS_HEAP_ERR_INVALID : check_heap(heap);

	if (err != 0) {
		return err;
	}
#if SYS_HEAP_WATERMARKS
	const struct z_heap *h = heap->heap;
	uint32_t low_avail = ~h->low_avail_inverted;
	size_t free_bytes = chunk_area_bytes(h) - h->allocated_bytes;
	size_t guaranteed = z_sysheap_guaranteed_bytes(h, h->avail_buckets);

	/* Nothing allocated since the reset: the heap as it is now is the
	 * low mark (low_avail is then all ones). */
	if (h->avail_buckets < low_avail) {
		low_avail = h->avail_buckets;
	}
	marks->min_free_bytes = chunk_area_bytes(h) - h->max_allocated_bytes;
	marks->min_guaranteed_bytes = z_sysheap_guaranteed_bytes(h, low_avail);
	marks->failed_allocs = h->failed_allocs;
	marks->fragmentation_permille =
		(free_bytes == 0u || guaranteed >= free_bytes)
			? (free_bytes == 0u ? 1000u : 0u)
			: (uint32_t)(1000u - (uint64_t)guaranteed * 1000u / free_bytes);
#endif
	return 0;
}

int sys_heap_watermarks_reset(struct sys_heap *heap)
{
	int err = check_heap(heap);

	if (err != 0) {
		return err;
	}
#if SYS_HEAP_WATERMARKS
	struct z_heap *h = heap->heap;

	h->max_allocated_bytes = h->allocated_bytes;
	h->low_avail_inverted = ~h->avail_buckets;
	h->failed_allocs = 0u;
#endif
	return 0;
}
