/*
 * heap_walk.c: visit every chunk in address order. Dumps, maps and tests
 * build on it; it trusts the heap, so validate first when in doubt.
 */
#include "chunk.h"

void sys_heap_walk(struct sys_heap *heap, sys_heap_walker_t walker, void *ctx)
{
	if (heap == NULL || heap->heap == NULL || walker == NULL) {
		return;
	}
	const struct z_heap *h = heap->heap;

	/* A zero size would only come from corruption; stop rather than spin. */
	for (chunkid_t c = first_chunk(h); c < h->end_chunk && chunk_size(h, c) != 0u;
	     c = right_chunk(h, c)) {
		walker(ctx, chunk_mem(h, c), chunk_usable_bytes(h, c), chunk_used(h, c));
	}
}
