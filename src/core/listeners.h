/*
 * listeners.h: tell a heap's listener (SYS_HEAP_LISTENERS) what happened.
 * Compiled out entirely when listeners are off.
 */
#ifndef SYSHEAP_LISTENERS_H
#define SYSHEAP_LISTENERS_H

#include "chunk.h"

/* Pass-through so allocating calls can notify in their return statement. */
static inline void *notify_alloc(struct sys_heap *heap, void *mem, size_t bytes)
{
#if SYS_HEAP_LISTENERS
	/* A failed call may come from an unformatted heap: test mem first. */
	const struct sys_heap_listener *l = (mem != NULL) ? heap->heap->listener : NULL;

	if (l != NULL && l->on_alloc != NULL) {
		l->on_alloc(l->ctx, heap, mem, bytes);
	}
#else
	(void)heap;
	(void)bytes;
#endif
	return mem;
}

static inline void notify_free(struct sys_heap *heap, void *mem)
{
#if SYS_HEAP_LISTENERS
	const struct sys_heap_listener *l = heap->heap->listener;

	if (l != NULL && l->on_free != NULL) {
		l->on_free(l->ctx, heap, mem);
	}
#else
	(void)heap;
	(void)mem;
#endif
}

static inline void *notify_resize(struct sys_heap *heap, void *old_mem, void *new_mem,
				  size_t bytes)
{
#if SYS_HEAP_LISTENERS
	const struct sys_heap_listener *l = (new_mem != NULL) ? heap->heap->listener : NULL;

	if (l != NULL && l->on_resize != NULL) {
		l->on_resize(l->ctx, heap, old_mem, new_mem, bytes);
	}
#else
	(void)heap;
	(void)old_mem;
	(void)bytes;
#endif
	return new_mem;
}

#endif /* SYSHEAP_LISTENERS_H */
