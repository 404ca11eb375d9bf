/*
 * heap_largest.c: how big a request the heap can serve, without walking
 * it. The bucket bitmap gives the guaranteed size in O(1); the largest
 * free chunk is in the highest non-empty bucket, read for a bounded
 * number of entries.
 */
#include "largest.h"

/* Bucket b holds chunks of at least 2^b units and every allocating call
 * takes such a chunk before it gives up (heap.c, take_chunk()), so that is
 * the size it serves for sure when b is the highest bucket in `avail`. */
size_t z_sysheap_guaranteed_bytes(const struct z_heap *h, uint32_t avail)
{
	if (avail == 0u) {
		return 0u;
	}
	return chunk_room_bytes(h, (chunksz_t)1u << bucket_index(avail));
}

size_t sys_heap_largest_free(struct sys_heap *heap)
{
	if (heap == NULL || heap->heap == NULL) {
		return 0u;
	}
	return z_sysheap_guaranteed_bytes(heap->heap, heap->heap->avail_buckets);
}

size_t sys_heap_largest_free_chunk(struct sys_heap *heap, bool *exact)
{
	bool seen_all = true;
	chunksz_t largest = 0u;

	if (heap != NULL && heap->heap != NULL && heap->heap->avail_buckets != 0u) {
		const struct z_heap *h = heap->heap;
		uint32_t b = bucket_index(h->avail_buckets);
		chunksz_t bucket_max = (chunksz_t)((2u << b) - 1u);
		chunkid_t head = h->buckets[b];
		chunkid_t c = head;
		uint32_t left = SYS_HEAP_LARGEST_FREE_SCAN;

		/* Stop early at the list's end, or at a chunk no other in the
		 * bucket can beat. */
		do {
			chunksz_t size = chunk_size(h, c);

			if (size > largest) {
				largest = size;
			}
			c = free_next(h, c);
		} while (c != head && largest < bucket_max && --left != 0u);
		seen_all = c == head || largest >= bucket_max;
	}
	if (exact != NULL) {
		*exact = seen_all;
	}
	return (largest != 0u) ? chunk_room_bytes(heap->heap, largest) : 0u;
}
