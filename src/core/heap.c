/*
 * heap.c: the hot path. Free lists and buckets, alloc, free, split and
 * merge, and the pointer check that guards free.
 */
#include "chunk.h"

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
	}
	if (!chunk_used(h, left)) {
		z_sysheap_free_list_remove(h, left);
		size += chunk_size(h, left);
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

/* Common body of every allocating call: `bytes` is checked here, once. */
static void *alloc_with_loops(struct sys_heap *heap, size_t bytes, uint32_t loops)
{
	struct z_heap *h = (heap != NULL) ? heap->heap : NULL;

	/* bytes - 1 wraps for 0, so one compare rejects both 0 and too big. */
	if (SYSHEAP_UNLIKELY(h == NULL || bytes - 1u >= h->max_request)) {
		return NULL;
	}
	chunksz_t size = bytes_to_chunksz(h, bytes);
	chunkid_t c = z_sysheap_alloc_chunk(h, size, loops);

	if (SYSHEAP_UNLIKELY(c == 0u)) {
		return NULL;
	}
	chunk_set_used(h, c, true);
	z_sysheap_split_tail(h, c, size);
	z_sysheap_account_alloc(h, chunk_size(h, c));
	return chunk_mem(h, c);
}

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	return alloc_with_loops(heap, bytes, SYS_HEAP_ALLOC_LOOPS);
}

void *sys_heap_alloc_effort(struct sys_heap *heap, size_t bytes, enum sys_heap_effort effort)
{
	uint32_t loops = SYS_HEAP_ALLOC_LOOPS;

	if (effort == SYS_HEAP_EFFORT_FAST) {
		loops = 0u;
	} else if (effort == SYS_HEAP_EFFORT_FIT) {
		loops = SYS_HEAP_FIT_LOOPS;
	}
	return alloc_with_loops(heap, bytes, loops);
}

__attribute__((weak)) void sys_heap_default_error_hook(struct sys_heap *heap, void *mem,
						       enum sys_heap_error error, void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
}

void sys_heap_set_error_hook(struct sys_heap *heap, sys_heap_error_hook_t hook)
{
	if (heap != NULL && heap->heap != NULL) {
		heap->heap->error_hook = hook;
	}
}

#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
static chunkid_t report(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	sys_heap_error_hook_t hook = heap->heap->error_hook;

	(hook != NULL ? hook : sys_heap_default_error_hook)(heap, mem, error, caller);
	return 0u;
}

/* Prove `mem` is the start of a live block of this heap before anything
 * trusts its header. Every read stays inside the heap, whatever `mem` is. */
static chunkid_t checked_live_chunk(struct sys_heap *heap, void *mem, void *caller)
{
	struct z_heap *h = heap->heap;
	uintptr_t addr = (uintptr_t)mem;
	uintptr_t lowest = (uintptr_t)chunk_mem(h, first_chunk(h));
	uintptr_t limit = (uintptr_t)chunk_mem(h, h->end_chunk);
	uintptr_t granule_bytes = (uintptr_t)CHUNK_UNIT << h->granule_shift;

	if (addr < lowest || addr >= limit || ((addr - lowest) & (granule_bytes - 1u)) != 0u) {
		return report(heap, mem, SYS_HEAP_ERR_FOREIGN_POINTER, caller);
	}
	chunkid_t c = mem_to_chunk(h, mem);

	if (!chunk_used(h, c)) {
		return report(heap, mem, SYS_HEAP_ERR_DOUBLE_FREE, caller);
	}
	chunksz_t size = chunk_size(h, c);
	chunksz_t left = left_size(h, c);

	if (size < min_chunk_size(h) || size > h->end_chunk - c ||
	    left_size(h, c + size) != size || left > c || right_chunk(h, c - left) != c) {
		return report(heap, mem, SYS_HEAP_ERR_CORRUPT_HEADER, caller);
	}
	return c;
}
#endif

chunkid_t z_sysheap_live_chunk(struct sys_heap *heap, void *mem, void *caller)
{
	if (heap == NULL || heap->heap == NULL) {
		return 0u;
	}
#if SYS_HEAP_HARDENING >= SYS_HEAP_HARDENING_BASIC
	return checked_live_chunk(heap, mem, caller);
#else
	(void)caller;
	return mem_to_chunk(heap->heap, mem);
#endif
}

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, __builtin_return_address(0));

	if (c != 0u) {
		struct z_heap *h = heap->heap;

		z_sysheap_account_free(h, chunk_size(h, c));
		z_sysheap_free_chunk(h, c);
	}
}

size_t sys_heap_usable_size(struct sys_heap *heap, void *mem)
{
	if (mem == NULL) {
		return 0u;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, __builtin_return_address(0));

	return (c != 0u) ? chunk_usable_bytes(heap->heap, c) : 0u;
}
