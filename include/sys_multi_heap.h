/**
 * @file sys_multi_heap.h
 * @brief Zephyr's `sys_multi_heap`: one allocator over several separately
 *        formatted heaps (different RAMs), with Zephyr's names and
 *        signatures, so Zephyr code compiles unchanged.
 *
 * A multi-heap is a table of heaps kept sorted by address, plus a *choice*
 * function the application writes: every allocation goes to the choice
 * function with an opaque `cfg` (a capability mask, an attribute, a CPU
 * number...), and it picks a heap and allocates from it. Frees and
 * reallocs find the owning heap from the pointer alone, by binary search
 * of the table: O(log number of heaps), never a walk of blocks.
 *
 * For capability masks, ranks and reserves ready-made, see
 * sys_heap_caps.h, which is a multi-heap with a choice function of its own.
 *
 * **Differences from Zephyr**, all of them additions:
 * - a pointer that lies in no heap of the table, given to
 *   sys_multi_heap_free() or a realloc, goes to the error hook as
 *   ::SYS_HEAP_ERR_FOREIGN_POINTER (Zephyr ignores it);
 * - sys_multi_heap_add_heap() refuses a heap that overlaps one already in
 *   the table, a heap with no memory, and a full table, and reports the
 *   refusal as ::SYS_HEAP_ERR_BAD_REGION (Zephyr trusts the caller);
 * - the hook is the multi-heap's own (sys_multi_heap_set_error_hook()),
 *   by default sys_heap_default_error_hook() with `heap` NULL.
 *
 * **Thread safety.** A multi-heap has no lock of its own. Free and realloc
 * take the owning heap's lock (sys_heap_lock_for()) around each call on
 * that heap, one heap at a time, so they never hold two locks and cannot
 * deadlock with a heap's own users; the copy of a moving realloc runs with
 * no lock held. The choice function is the application's: lock inside it
 * (sys_heap_locked_alloc() and friends) when heaps are shared. Adding
 * heaps is not thread-safe: build the table before other threads use it.
 */
#ifndef SYS_MULTI_HEAP_H
#define SYS_MULTI_HEAP_H

#include <stddef.h>

#include "sys_heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most heaps one multi-heap can hold (Zephyr's default). Override with
 *  -DMAX_MULTI_HEAPS=n for the whole build, library included. */
#ifndef MAX_MULTI_HEAPS
#define MAX_MULTI_HEAPS 8
#endif

struct sys_multi_heap;

/**
 * The application's allocation policy: pick a heap for a request and
 * allocate from it. Called by sys_multi_heap_alloc() (`align` 0),
 * sys_multi_heap_aligned_alloc() and a realloc that must move.
 *
 * @param mheap The multi-heap; its `heaps[0..nheaps-1]` are sorted by address.
 * @param cfg   What the caller passed: opaque to the multi-heap.
 * @param align 0 or a power of two.
 * @param size  Bytes requested.
 * @return A block from one of the heaps, or NULL.
 */
typedef void *(*sys_multi_heap_fn_t)(struct sys_multi_heap *mheap, void *cfg, size_t align,
				     size_t size);

/** One heap of a multi-heap and the user data it was added with. */
struct sys_multi_heap_rec {
	struct sys_heap *heap; /**< The heap. */
	void *user_data;       /**< Whatever sys_multi_heap_add_heap() was given. */
};

/** A multi-heap. Zephyr's fields first, under Zephyr's names. */
struct sys_multi_heap {
	unsigned int nheaps;        /**< Heaps in the table. */
	sys_multi_heap_fn_t choice; /**< The allocation policy. */
	/** The heaps, sorted by start address. */
	struct sys_multi_heap_rec heaps[MAX_MULTI_HEAPS];
	/** Where foreign pointers and refused heaps are reported; NULL for
	 *  sys_heap_default_error_hook(). */
	sys_heap_error_hook_t error_hook;
};

/**
 * Make `mheap` an empty multi-heap with policy `choice_fn`. O(1).
 */
void sys_multi_heap_init(struct sys_multi_heap *mheap, sys_multi_heap_fn_t choice_fn);

/**
 * Add a heap (formatted, or defined with SYS_HEAP_DEFINE and formatted
 * before first use). Its memory is `heap->init_mem` .. `+ init_bytes`.
 *
 * **Refused** (the table is unchanged and the error hook gets
 * ::SYS_HEAP_ERR_BAD_REGION with `mem` the heap's memory): a NULL heap or
 * one with no memory, memory that overlaps a heap already added (the same
 * heap twice included), or a full table (::MAX_MULTI_HEAPS).
 * O(number of heaps). Not thread-safe.
 */
void sys_multi_heap_add_heap(struct sys_multi_heap *mheap, struct sys_heap *heap,
			     void *user_data);

/** The choice function's answer for (`cfg`, no alignment, `bytes`). */
void *sys_multi_heap_alloc(struct sys_multi_heap *mheap, void *cfg, size_t bytes);

/** The choice function's answer for (`cfg`, `align`, `bytes`). `align` is
 *  0 or a power of two. */
void *sys_multi_heap_aligned_alloc(struct sys_multi_heap *mheap, void *cfg, size_t align,
				   size_t bytes);

/**
 * The heap that owns `addr` (any address inside its memory), or NULL when
 * it is in none. O(log number of heaps). Reads the table only: safe from
 * any context once the table is built.
 */
const struct sys_multi_heap_rec *sys_multi_heap_get_heap(const struct sys_multi_heap *mheap,
							 void *addr);

/**
 * Free `block` into the heap that owns it, under that heap's lock.
 * NULL does nothing. A pointer in no heap goes to the multi-heap's error
 * hook as ::SYS_HEAP_ERR_FOREIGN_POINTER; a bad pointer inside a heap
 * goes to that heap's own hook, as with sys_heap_free().
 */
void sys_multi_heap_free(struct sys_multi_heap *mheap, void *block);

/**
 * Resize `ptr`: in place in its own heap when that heap can (under its
 * lock), else a new block from the choice function with `cfg`, a copy
 * (with no lock held) and a free of the old one. NULL `ptr` is an
 * allocation; `bytes` 0 frees and returns NULL. On failure `ptr` is
 * untouched and NULL is returned. A pointer in no heap is reported as by
 * sys_multi_heap_free() and NULL returned.
 */
void *sys_multi_heap_aligned_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
				     size_t align, size_t bytes);

/** sys_multi_heap_aligned_realloc() with no alignment. */
static inline void *sys_multi_heap_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
					   size_t bytes)
{
	return sys_multi_heap_aligned_realloc(mheap, cfg, ptr, 0u, bytes);
}

/** Route this multi-heap's reports to `hook` (NULL: the default hook). */
void sys_multi_heap_set_error_hook(struct sys_multi_heap *mheap, sys_heap_error_hook_t hook);

#ifdef __cplusplus
}
#endif

#endif /* SYS_MULTI_HEAP_H */
