/*
 * listeners.h: tell a heap's listener (sys_heap_set_listener) and the
 * global list (heap_listener.c, Zephyr's heap_listener_register) what
 * happened. Compiled out entirely when SYS_HEAP_LISTENERS is 0.
 *
 * The global list hears what Zephyr's sys_heap tells it: the usable size
 * of a block handed out or freed, and a realloc as the block's new
 * allocation followed by the free of the old one.
 */
#ifndef SYSHEAP_LISTENERS_H
#define SYSHEAP_LISTENERS_H

#include "hardening.h"

#if SYS_HEAP_LISTENERS
/* heap_listener.c: the global list, told of one heap's event. */
void z_sysheap_listen_alloc(struct sys_heap *heap, void *mem, size_t bytes);
void z_sysheap_listen_free(struct sys_heap *heap, void *mem, size_t bytes);

/* The usable bytes of live block c, for the free that realloc reports
 * after the block has changed. */
#define LISTENED_BYTES(h, c) block_bytes((h), (c))

SYSHEAP_INLINE size_t listened_block_bytes(const struct z_heap *h, const void *mem)
{
	return block_bytes(h, mem_to_chunk(h, mem));
}
#else
#define LISTENED_BYTES(h, c) 0u
#endif

/* Pass-through so allocating calls can notify in their return statement. */
static inline void *notify_alloc(struct sys_heap *heap, void *mem, size_t bytes)
{
#if SYS_HEAP_LISTENERS
	/* A failed call may come from an unformatted heap: test mem first. */
	const struct sys_heap_listener *l = (mem != NULL) ? heap->heap->listener : NULL;

	if (l != NULL && l->on_alloc != NULL) {
		l->on_alloc(l->ctx, heap, mem, bytes);
	}
	if (mem != NULL) {
		z_sysheap_listen_alloc(heap, mem, listened_block_bytes(heap->heap, mem));
	}
#else
	(void)heap;
	(void)bytes;
#endif
	return mem;
}

/* Called while the block at mem is still live. */
static inline void notify_free(struct sys_heap *heap, void *mem)
{
#if SYS_HEAP_LISTENERS
	const struct sys_heap_listener *l = heap->heap->listener;

	if (l != NULL && l->on_free != NULL) {
		l->on_free(l->ctx, heap, mem);
	}
	z_sysheap_listen_free(heap, mem, listened_block_bytes(heap->heap, mem));
#else
	(void)heap;
	(void)mem;
#endif
}

/* `old_bytes`: LISTENED_BYTES() of the block before the realloc. */
static inline void *notify_resize(struct sys_heap *heap, void *old_mem, void *new_mem,
				  size_t bytes, size_t old_bytes)
{
#if SYS_HEAP_LISTENERS
	const struct sys_heap_listener *l = (new_mem != NULL) ? heap->heap->listener : NULL;

	if (l != NULL && l->on_resize != NULL) {
		l->on_resize(l->ctx, heap, old_mem, new_mem, bytes);
	}
	if (new_mem != NULL) {
		z_sysheap_listen_alloc(heap, new_mem, listened_block_bytes(heap->heap, new_mem));
		z_sysheap_listen_free(heap, old_mem, old_bytes);
	}
#else
	(void)heap;
	(void)old_mem;
	(void)bytes;
	(void)old_bytes;
#endif
	return new_mem;
}

#endif /* SYSHEAP_LISTENERS_H */
