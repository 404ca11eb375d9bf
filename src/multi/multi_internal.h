/*
 * multi_internal.h: what the multi-heap (multi_heap.c) shares with the
 * capability regions built on it (regions.c, regions_default.c).
 */
#ifndef SYSHEAP_MULTI_INTERNAL_H
#define SYSHEAP_MULTI_INTERNAL_H

#include "sys_heap_caps.h"
#include "sys_heap_lock.h"
#include "sys_multi_heap.h"

/* Report `error` about `mem` to the multi-heap's hook (heap NULL). */
void z_sysheap_multi_report(const struct sys_multi_heap *mheap, void *mem,
			    enum sys_heap_error error, void *caller);

/* Add `heap` to the sorted table; 0, or SYS_HEAP_ERR_INVALID after
 * reporting SYS_HEAP_ERR_BAD_REGION. */
int z_sysheap_multi_add(struct sys_multi_heap *mheap, struct sys_heap *heap, void *user_data,
			void *caller);

/* The table entry owning `mem`, or NULL after reporting a foreign pointer. */
const struct sys_multi_heap_rec *z_sysheap_multi_owner(const struct sys_multi_heap *mheap,
							void *mem, void *caller);

/* sys_heap_free() under the heap's lock. */
void z_sysheap_multi_free_in(struct sys_heap *heap, void *mem);

/* sys_heap_alloc(), or sys_heap_aligned_alloc() for an alignment above
 * the natural one, under the heap's lock. */
void *z_sysheap_multi_alloc_in(struct sys_heap *heap, size_t align, size_t bytes);

/* May the block stay in (be resized within) the heap of `rec` for `cfg`?
 * `grows`: the new size is above the block's usable size. */
typedef bool (*z_sysheap_may_stay_t)(const struct sys_multi_heap_rec *rec, void *cfg, bool grows);

/* The one realloc of both layers: in place in the owning heap when
 * `may_stay` (NULL: always) allows and the heap can, else a block from
 * the choice function, a copy with no lock held, and a free. */
void *z_sysheap_multi_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr, size_t align,
			      size_t bytes, z_sysheap_may_stay_t may_stay, void *caller);

/* The libc system heap as the first region of the default set, when the
 * glue serves malloc from regions (src/libc/malloc_regions.c); a weak
 * NULL otherwise (regions_default.c). */
const struct sys_heap_region *z_sysheap_libc_system_region(void);

#endif
