/*
 * multi_heap.c: Zephyr's sys_multi_heap. A table of heaps sorted by start
 * address; the application's choice function allocates, and the owner of
 * a pointer is found by binary search of the table.
 *
 * No lock of its own: free and realloc enter the owning heap through
 * sys_heap_lock_for(), one heap at a time, so a multi-heap can never hold
 * two heap locks at once or deadlock with a heap's own users.
 */
#include "multi_internal.h"

void sys_multi_heap_init(struct sys_multi_heap *mheap, sys_multi_heap_fn_t choice_fn)
{
	mheap->nheaps = 0u;
	mheap->choice = choice_fn;
	mheap->error_hook = NULL;
}

void sys_multi_heap_set_error_hook(struct sys_multi_heap *mheap, sys_heap_error_hook_t hook)
{
	mheap->error_hook = hook;
}

void z_sysheap_multi_report(const struct sys_multi_heap *mheap, void *mem,
			    enum sys_heap_error error, void *caller)
{
	sys_heap_error_hook_t hook =
		mheap->error_hook != NULL ? mheap->error_hook : sys_heap_default_error_hook;

	hook(NULL, mem, error, caller);
}

static uintptr_t heap_start(const struct sys_heap *heap)
{
	return (uintptr_t)heap->init_mem;
}

static uintptr_t heap_end(const struct sys_heap *heap)
{
	return (uintptr_t)heap->init_mem + heap->init_bytes;
}

/* The number of heaps whose memory starts at or below `addr`: the owner,
 * if any, is the one just before that position. */
static unsigned int heaps_starting_at_or_below(const struct sys_multi_heap *mheap, uintptr_t addr)
{
	unsigned int lo = 0u;
	unsigned int hi = mheap->nheaps;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2u;

		if (heap_start(mheap->heaps[mid].heap) <= addr) {
			lo = mid + 1u;
		} else {
			hi = mid;
		}
	}
	return lo;
}

int z_sysheap_multi_add(struct sys_multi_heap *mheap, struct sys_heap *heap, void *user_data,
			void *caller)
{
	if (heap == NULL || heap->init_mem == NULL || heap->init_bytes == 0u ||
	    mheap->nheaps >= MAX_MULTI_HEAPS) {
		z_sysheap_multi_report(mheap, heap != NULL ? heap->init_mem : NULL,
				       SYS_HEAP_ERR_BAD_REGION, caller);
		return SYS_HEAP_ERR_INVALID;
	}
	unsigned int at = heaps_starting_at_or_below(mheap, heap_start(heap));

	/* Sorted and disjoint before, so only the neighbours can overlap. */
	bool overlaps_before = at > 0u && heap_end(mheap->heaps[at - 1u].heap) > heap_start(heap);
	bool overlaps_after = at < mheap->nheaps && heap_start(mheap->heaps[at].heap) < heap_end(heap);

	if (overlaps_before || overlaps_after) {
		z_sysheap_multi_report(mheap, heap->init_mem, SYS_HEAP_ERR_BAD_REGION, caller);
		return SYS_HEAP_ERR_INVALID;
	}
	for (unsigned int i = mheap->nheaps; i > at; i--) {
		mheap->heaps[i] = mheap->heaps[i - 1u];
	}
	mheap->heaps[at].heap = heap;
	mheap->heaps[at].user_data = user_data;
	mheap->nheaps++;
	return 0;
}

void sys_multi_heap_add_heap(struct sys_multi_heap *mheap, struct sys_heap *heap, void *user_data)
{
	(void)z_sysheap_multi_add(mheap, heap, user_data, __builtin_return_address(0));
}

void *sys_multi_heap_alloc(struct sys_multi_heap *mheap, void *cfg, size_t bytes)
{
	return mheap->choice(mheap, cfg, 0u, bytes);
}

void *sys_multi_heap_aligned_alloc(struct sys_multi_heap *mheap, void *cfg, size_t align,
				   size_t bytes)
{
	return mheap->choice(mheap, cfg, align, bytes);
}

const struct sys_multi_heap_rec *sys_multi_heap_get_heap(const struct sys_multi_heap *mheap,
							 void *addr)
{
	unsigned int below = heaps_starting_at_or_below(mheap, (uintptr_t)addr);

	if (below == 0u || (uintptr_t)addr >= heap_end(mheap->heaps[below - 1u].heap)) {
		return NULL;
	}
	return &mheap->heaps[below - 1u];
}

/* The owner of `mem`, or NULL after reporting it as foreign. */
const struct sys_multi_heap_rec *z_sysheap_multi_owner(const struct sys_multi_heap *mheap,
							void *mem, void *caller)
{
	const struct sys_multi_heap_rec *rec = sys_multi_heap_get_heap(mheap, mem);

	if (rec == NULL) {
		z_sysheap_multi_report(mheap, mem, SYS_HEAP_ERR_FOREIGN_POINTER, caller);
	}
	return rec;
}

void z_sysheap_multi_free_in(struct sys_heap *heap, void *mem)
{
	sys_heap_locked_free(heap, mem);
}

void *z_sysheap_multi_alloc_in(struct sys_heap *heap, size_t align, size_t bytes)
{
	/* The heap's aligned calls want a power of two; Zephyr's 0 means
	 * "no alignment". */
	return align > SYS_HEAP_NATURAL_ALIGN ? sys_heap_locked_aligned_alloc(heap, align, bytes)
					      : sys_heap_locked_alloc(heap, bytes);
}

void sys_multi_heap_free(struct sys_multi_heap *mheap, void *block)
{
	if (block == NULL) {
		return;
	}
	const struct sys_multi_heap_rec *rec =
		z_sysheap_multi_owner(mheap, block, __builtin_return_address(0));

	if (rec != NULL) {
		z_sysheap_multi_free_in(rec->heap, block);
	}
}

void *z_sysheap_multi_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr, size_t align,
			      size_t bytes, z_sysheap_may_stay_t may_stay, void *caller)
{
	if (ptr == NULL) {
		return mheap->choice(mheap, cfg, align, bytes);
	}
	const struct sys_multi_heap_rec *rec = z_sysheap_multi_owner(mheap, ptr, caller);

	if (rec == NULL) {
		return NULL;
	}
	struct sys_heap *heap = rec->heap;

	if (bytes == 0u) {
		z_sysheap_multi_free_in(heap, ptr);
		return NULL;
	}
	sys_heap_lock_key_t key = sys_heap_lock_for(heap);

	if (key == SYS_HEAP_LOCK_REFUSED) { /* reported: the block stays as it is */
		return NULL;
	}
	/* 0 for a block the heap does not recognise: its hook has heard of
	 * it, and nothing is resized or moved. */
	size_t old = sys_heap_usable_size(heap, ptr);
	void *in_place = NULL;

	if (old != 0u && (may_stay == NULL || may_stay(rec, cfg, bytes > old))) {
		in_place = align > SYS_HEAP_NATURAL_ALIGN ? sys_heap_aligned_realloc(heap, ptr, align, bytes)
							  : sys_heap_realloc(heap, ptr, bytes);
	}
	sys_heap_unlock_for(heap, key);
	if (in_place != NULL || old == 0u) {
		return in_place;
	}
	void *moved = mheap->choice(mheap, cfg, align, bytes);

	if (moved != NULL) {
		/* The old block is the caller's until freed: no lock held
		 * for the copy, and never two heaps' locks at once. */
		__builtin_memcpy(moved, ptr, old < bytes ? old : bytes);
		z_sysheap_multi_free_in(heap, ptr);
	}
	return moved;
}

void *sys_multi_heap_aligned_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
				     size_t align, size_t bytes)
{
	return z_sysheap_multi_realloc(mheap, cfg, ptr, align, bytes, NULL,
				       __builtin_return_address(0));
}
