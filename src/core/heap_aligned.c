/*
 * heap_aligned.c: aligned alloc, realloc and aligned realloc. Alignment
 * needs no support from the chunk layout: over-allocate, then give the
 * unaligned head and the unused tail back to the heap at once.
 */
#include "hardening.h"
#include "listeners.h"

static size_t heap_granule_bytes(const struct z_heap *h)
{
	return (size_t)CHUNK_UNIT << h->granule_shift;
}

static bool is_power_of_two(size_t x)
{
	return x != 0u && (x & (x - 1u)) == 0u;
}

static void *aligned_alloc_from(struct sys_heap *heap, size_t align, size_t bytes, void *caller)
{
	struct z_heap *h = (heap != NULL) ? heap->heap : NULL;

	if (h == NULL) {
		return z_sysheap_unformatted(heap, NULL);
	}
	/* Align 0 passes (Zephyr's "no alignment") and becomes the natural one. */
	if ((align & (align - 1u)) != 0u) {
		return NULL;
	}
	size_t natural = heap_granule_bytes(h);
	size_t min_head = chunk_bytes(min_chunk_size(h));
	size_t padding = 0u;

	/* The head cut off in front of the aligned start becomes a free
	 * chunk, so it must be empty or at least a minimum chunk. Rounding up
	 * skips at most align - natural bytes, plus one more align when the
	 * minimum chunk is wider than the natural granule (big headers on
	 * 32-bit). Both checks below keep bytes + padding from overflowing.
	 * Up to the natural alignment every chunk is aligned already. */
	if (align > natural) {
		padding = align - natural + (min_head > natural ? min_head : 0u);
	} else {
		align = natural;
	}

	if (bytes - 1u >= h->max_request || padding > h->max_request - bytes ||
	    !heap_entry_ok(heap, caller)) {
		return NULL;
	}
#if SYS_HEAP_OWNERS
	if (!z_sysheap_owner_admit(heap, bytes_to_chunksz(h, bytes), bytes,
				   padding != 0u ? align : 0u, caller)) {
		return NULL;
	}
#endif
	/* As in alloc_block(): a chunk found written while free is kept out
	 * of circulation and the request served from another. */
	for (;;) {
		chunkid_t c0 = z_sysheap_alloc_chunk(h, bytes_to_chunksz(h, bytes + padding),
						     SYS_HEAP_ALLOC_LOOPS, SYS_HEAP_ALLOC_BEST_FIT);

#if SYSHEAP_ALLOC_FAILURE_HOOK
		if (c0 == 0u) {
			c0 = z_sysheap_alloc_failed(heap, bytes_to_chunksz(h, bytes + padding), bytes,
						    padding != 0u ? align : 0u, caller,
						    SYS_HEAP_ALLOC_LOOPS, SYS_HEAP_ALLOC_BEST_FIT);
		}
#endif
		if (c0 == 0u) {
			return NULL;
		}
		chunksz_t size0 = chunk_size(h, c0);
		uintptr_t start = (uintptr_t)chunk_mem(h, c0);
		uintptr_t mem = (start + align - 1u) & ~(uintptr_t)(align - 1u);

		if (mem != start && mem - start < min_head) {
			mem += align;
		}
		chunkid_t c = mem_to_chunk(h, (void *)mem);

		/* c0 was free, so the chunk on its left is in use: the head cut
		 * off is filed as it is, with nothing to merge. */
		if (c != c0) {
			z_sysheap_file_free(h, c0, c - c0);
		}
		chunksz_t size = size0 - (c - c0);

		chunk_resize(h, c, size, true);
		size = z_sysheap_split_tail(h, c, size, bytes_to_chunksz(h, bytes));

		void *block = block_hand_out(heap, h, c, size, bytes, caller, NULL);

		if (!HARDENING_POISON || block != NULL) {
			return block;
		}
	}
}

void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	void *mem = aligned_alloc_from(heap, align, bytes, __builtin_return_address(0));

	return notify_alloc(heap, mem, bytes);
}

/* Resize the live block c to hold `bytes` without moving it, when it
 * already has the room or its free right neighbour supplies it. */
static bool resize_in_place(struct sys_heap *heap, chunkid_t c, size_t bytes, void *caller)
{
	struct z_heap *h = heap->heap;
	chunksz_t size = bytes_to_chunksz(h, bytes);
	chunksz_t have = chunk_size(h, c);
	chunksz_t grown = have;

	if (size > have) {
		/* Memory written while free is not taken in; the block moves. */
		uint32_t right_word = chunk_field(h, c + have, FIELD_SIZE_AND_USED);

		if (word_used(right_word) || size - have > word_size(right_word) ||
		    !block_free_memory_clean(h, c + have)) {
			return false;
		}
		grown = z_sysheap_absorb_right(h, c, have, word_size(right_word));
	} else {
		block_retire_tail(h, c, size);
	}
#if SYS_HEAP_OWNERS
	uint32_t owner = z_sysheap_owner_release(h, c);
#endif
	z_sysheap_account_free(h, have);
	z_sysheap_account_alloc(h, z_sysheap_split_tail(h, c, grown, size));
#if SYS_HEAP_OWNERS
	z_sysheap_owner_charge(h, c, owner);
#endif
	(void)block_arm(h, c, bytes, caller, NULL);
	return true;
}

static void *realloc_aligned(struct sys_heap *heap, void *mem, size_t align, size_t bytes,
			     void *caller)
{
	if (!is_power_of_two(align)) {
		return NULL;
	}
	if (mem == NULL) {
		return notify_alloc(heap, aligned_alloc_from(heap, align, bytes, caller), bytes);
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
	size_t listened = LISTENED_BYTES(h, c);

	if (((uintptr_t)mem & (align - 1u)) == 0u && bytes <= h->max_request &&
	    resize_in_place(heap, c, bytes, caller)) {
		return notify_resize(heap, mem, mem, bytes, listened);
	}
	void *moved = aligned_alloc_from(heap, align, bytes, caller);

	if (moved != NULL) {
		size_t old = block_bytes(h, c);

		__builtin_memcpy(moved, mem, old < bytes ? old : bytes);
		z_sysheap_free_block(heap, c);
	}
	return notify_resize(heap, mem, moved, bytes, listened);
}

void *sys_heap_realloc(struct sys_heap *heap, void *mem, size_t bytes)
{
	return realloc_aligned(heap, mem, SYS_HEAP_NATURAL_ALIGN, bytes,
			       __builtin_return_address(0));
}

void *sys_heap_aligned_realloc(struct sys_heap *heap, void *mem, size_t align, size_t bytes)
{
	/* Zephyr's align 0: no alignment beyond the natural one (Zephyr's
	 * own sys_heap_realloc() passes 0). */
	if (align == 0u) {
		align = SYS_HEAP_NATURAL_ALIGN;
	}
	return realloc_aligned(heap, mem, align, bytes, __builtin_return_address(0));
}
