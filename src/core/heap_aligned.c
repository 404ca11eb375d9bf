/*
 * heap_aligned.c: aligned alloc, realloc and aligned realloc. Alignment
 * needs no support from the chunk layout: over-allocate, then give the
 * unaligned head and the unused tail back to the heap at once.
 */
#include "chunk.h"

static size_t heap_granule_bytes(const struct z_heap *h)
{
	return (size_t)CHUNK_UNIT << h->granule_shift;
}

static bool is_power_of_two(size_t x)
{
	return x != 0u && (x & (x - 1u)) == 0u;
}

static void *aligned_alloc_from(struct sys_heap *heap, size_t align, size_t bytes)
{
	struct z_heap *h = (heap != NULL) ? heap->heap : NULL;

	if (h == NULL || !is_power_of_two(align)) {
		return NULL;
	}
	size_t natural = heap_granule_bytes(h);

	if (align <= natural) {
		return sys_heap_alloc(heap, bytes);
	}
	/* Rounding the start up to `align` skips at most align - natural
	 * bytes; both checks together keep bytes + padding from overflowing. */
	size_t padding = align - natural;

	if (bytes - 1u >= h->max_request || padding > h->max_request - bytes) {
		return NULL;
	}
	chunkid_t c0 = z_sysheap_alloc_chunk(h, bytes_to_chunksz(h, bytes + padding),
					     SYS_HEAP_ALLOC_LOOPS);

	if (c0 == 0u) {
		return NULL;
	}
	chunk_set_used(h, c0, true);
	uintptr_t mem = ((uintptr_t)chunk_mem(h, c0) + align - 1u) & ~(uintptr_t)(align - 1u);
	chunkid_t c = mem_to_chunk(h, (void *)mem);

	if (c != c0) {
		/* The head is a whole multiple of align > natural, so it is at
		 * least two granules: always big enough to be a chunk. */
		chunk_resize(h, c, chunk_size(h, c0) - (c - c0), true);
		chunk_resize(h, c0, c - c0, true);
		z_sysheap_free_chunk(h, c0);
	}
	z_sysheap_split_tail(h, c, bytes_to_chunksz(h, bytes));
	z_sysheap_account_alloc(h, chunk_size(h, c));
	return (void *)mem;
}

void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	return aligned_alloc_from(heap, align, bytes);
}

/* Resize c to `size` units without moving it, when it already has the
 * room or its free right neighbour supplies it. */
static bool resize_in_place(struct z_heap *h, chunkid_t c, chunksz_t size)
{
	chunksz_t have = chunk_size(h, c);
	chunkid_t right = c + have;

	if (size > have) {
		if (chunk_used(h, right) || size - have > chunk_size(h, right)) {
			return false;
		}
		z_sysheap_free_list_remove(h, right);
	}
	z_sysheap_account_free(h, have);
	if (size > have) {
		chunk_resize(h, c, have + chunk_size(h, right), true);
	}
	z_sysheap_split_tail(h, c, size);
	z_sysheap_account_alloc(h, chunk_size(h, c));
	return true;
}

static void *realloc_aligned(struct sys_heap *heap, void *mem, size_t align, size_t bytes,
			     void *caller)
{
	if (!is_power_of_two(align)) {
		return NULL;
	}
	if (mem == NULL) {
		return aligned_alloc_from(heap, align, bytes);
	}
	if (bytes == 0u) {
		sys_heap_free(heap, mem);
		return NULL;
	}
	chunkid_t c = z_sysheap_live_chunk(heap, mem, caller);

	if (c == 0u) {
		return NULL;
	}
	struct z_heap *h = heap->heap;

	if (((uintptr_t)mem & (align - 1u)) == 0u && bytes <= h->max_request &&
	    resize_in_place(h, c, bytes_to_chunksz(h, bytes))) {
		return mem;
	}
	void *moved = aligned_alloc_from(heap, align, bytes);

	if (moved != NULL) {
		size_t old = chunk_usable_bytes(h, c);

		__builtin_memcpy(moved, mem, old < bytes ? old : bytes);
		z_sysheap_account_free(h, chunk_size(h, c));
		z_sysheap_free_chunk(h, c);
	}
	return moved;
}

void *sys_heap_realloc(struct sys_heap *heap, void *mem, size_t bytes)
{
	return realloc_aligned(heap, mem, SYS_HEAP_NATURAL_ALIGN, bytes,
			       __builtin_return_address(0));
}

void *sys_heap_aligned_realloc(struct sys_heap *heap, void *mem, size_t align, size_t bytes)
{
	return realloc_aligned(heap, mem, align, bytes, __builtin_return_address(0));
}
