/*
 * heap.c: the hot path. Free lists and buckets, alloc, free, split and
 * merge.
 */
#include "hardening.h"
#include "listeners.h"

#define ALL_BITS_FROM(b) (~((2u << (b)) - 1u)) /* bits strictly above b */

void z_sysheap_free_list_add(struct z_heap *h, chunkid_t c)
{
	uint32_t b = bucket_index(h, chunk_size(h, c));
	chunkid_t head = h->buckets[b];

	if (head == 0u) {
		h->avail_buckets |= 1u << b;
		h->buckets[b] = c;
		set_free_prev(h, c, c);
		set_free_next(h, c, c);
	} else {
		/* Append at the tail: the sampling loop starts at the head, so
		 * older entries are looked at first. */
		chunkid_t tail = free_prev(h, head);

		set_free_prev(h, c, tail);
		set_free_next(h, c, head);
		set_free_next(h, tail, c);
		set_free_prev(h, head, c);
	}
}

void z_sysheap_free_list_remove(struct z_heap *h, chunkid_t c)
{
	uint32_t b = bucket_index(h, chunk_size(h, c));
	chunkid_t next = free_next(h, c);

	if (next == c) {
		h->avail_buckets &= ~(1u << b);
		h->buckets[b] = 0u;
	} else {
		chunkid_t prev = free_prev(h, c);

		set_free_next(h, prev, next);
		set_free_prev(h, next, prev);
		h->buckets[b] = next;
	}
}

void z_sysheap_account_alloc(struct z_heap *h, chunksz_t size)
{
#if SYS_HEAP_STATS
	size_t bytes = chunk_bytes(size);

	h->free_bytes -= bytes;
	h->allocated_bytes += bytes;
	if (h->allocated_bytes > h->max_allocated_bytes) {
		h->max_allocated_bytes = h->allocated_bytes;
	}
#else
	(void)h;
	(void)size;
#endif
}

void z_sysheap_account_free(struct z_heap *h, chunksz_t size)
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

/* Mark c free, merge it with whichever neighbours are free, and file the
 * result in its bucket. Chunk 0 and the end marker are always used, so
 * neither merge needs a bounds check. */
void z_sysheap_free_chunk(struct z_heap *h, chunkid_t c)
{
	chunksz_t size = chunk_size(h, c);
	chunkid_t right = c + size;
	chunkid_t left = left_chunk(h, c);

	if (!chunk_used(h, right)) {
		z_sysheap_free_list_remove(h, right);
		size += chunk_size(h, right);
		block_retire_header(h, right);
	}
	if (!chunk_used(h, left)) {
		z_sysheap_free_list_remove(h, left);
		size += chunk_size(h, left);
		/* c's header is left behind inside the merged chunk; marked free
		 * (or poisoned), it lets a second free of c be named a double free. */
		chunk_set_used(h, c, false);
		block_retire_header(h, c);
		c = left;
	}
	chunk_resize(h, c, size, false);
	z_sysheap_free_list_add(h, c);
}

/* Cut a used chunk down to `keep` units when what is left over makes a
 * chunk of its own, and give that back to the heap straight away. */
void z_sysheap_split_tail(struct z_heap *h, chunkid_t c, chunksz_t keep)
{
	chunksz_t size = chunk_size(h, c);

	if (size - keep >= min_chunk_size(h)) {
		chunkid_t rest = c + keep;

		chunk_resize(h, c, keep, true);
		chunk_resize(h, rest, size - keep, true);
		z_sysheap_free_chunk(h, rest);
	}
}

/* Find a free chunk of at least `size` units and take it off its list.
 * First look at up to `loops` entries of the smallest bucket that may hold
 * one, keeping the best fit; then take the head of the smallest bucket
 * whose every entry fits. Returns 0 when nothing fits. */
chunkid_t z_sysheap_alloc_chunk(struct z_heap *h, chunksz_t size, uint32_t loops)
{
	uint32_t b = bucket_index(h, size);
	chunkid_t head = h->buckets[b];

	if (head != 0u && loops != 0u) {
		chunkid_t c = head;
		chunkid_t best = 0u;
		chunksz_t best_size = UINT32_MAX;

		do {
			chunksz_t s = chunk_size(h, c);

			if (s >= size && s < best_size) {
				best = c;
				best_size = s;
			}
			c = free_next(h, c);
		} while (--loops != 0u && c != head && best_size != size);

		/* Start the next search where this one stopped, so repeated
		 * misses do not keep sampling the same entries. */
		h->buckets[b] = c;
		if (best != 0u) {
			z_sysheap_free_list_remove(h, best);
			return best;
		}
	}

	uint32_t larger = h->avail_buckets & ALL_BITS_FROM(b);

	if (larger == 0u) {
		return 0u;
	}
	chunkid_t c = h->buckets[__builtin_ctz(larger)];

	z_sysheap_free_list_remove(h, c);
	return c;
}

/* Common body of the plain allocating calls: `bytes` is checked here, once. */
static void *alloc_block(struct sys_heap *heap, size_t bytes, uint32_t loops, void *caller,
			 const struct sys_heap_site *site)
{
	struct z_heap *h = (heap != NULL) ? heap->heap : NULL;

	/* bytes - 1 wraps for 0, so one compare rejects both 0 and too big. */
	if (SYSHEAP_UNLIKELY(h == NULL || bytes - 1u >= h->max_request) ||
	    !heap_entry_ok(heap, caller)) {
		return NULL;
	}
	chunksz_t size = bytes_to_chunksz(h, bytes);
	chunkid_t c = z_sysheap_alloc_chunk(h, size, loops);

	if (SYSHEAP_UNLIKELY(c == 0u)) {
		return NULL;
	}
	chunk_set_used(h, c, true);
	z_sysheap_split_tail(h, c, size);
	return notify_alloc(heap, block_hand_out(heap, c, bytes, caller, site), bytes);
}

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	return alloc_block(heap, bytes, SYS_HEAP_ALLOC_LOOPS, __builtin_return_address(0), NULL);
}

void *sys_heap_alloc_at(struct sys_heap *heap, size_t bytes, const struct sys_heap_site *site)
{
	return alloc_block(heap, bytes, SYS_HEAP_ALLOC_LOOPS, __builtin_return_address(0), site);
}

void *sys_heap_alloc_effort(struct sys_heap *heap, size_t bytes, enum sys_heap_effort effort)
{
	uint32_t loops = SYS_HEAP_ALLOC_LOOPS;

	if (effort == SYS_HEAP_EFFORT_FAST) {
		loops = 0u;
	} else if (effort == SYS_HEAP_EFFORT_FIT) {
		loops = SYS_HEAP_FIT_LOOPS;
	}
	return alloc_block(heap, bytes, loops, __builtin_return_address(0), NULL);
}

/* Give a live block back: poison it when asked to, count it, merge it. */
void z_sysheap_free_block(struct sys_heap *heap, chunkid_t c)
{
	struct z_heap *h = heap->heap;

	block_retire(h, c);
	z_sysheap_account_free(h, chunk_size(h, c));
	z_sysheap_free_chunk(h, c);
}

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, __builtin_return_address(0));

	if (c != 0u) {
		z_sysheap_free_block(heap, c);
		notify_free(heap, mem);
	}
}

size_t sys_heap_usable_size(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return 0u;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, __builtin_return_address(0));

	return (c != 0u) ? block_bytes(heap->heap, c) : 0u;
}
