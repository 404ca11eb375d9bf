/*
 * heap_walk.c: visit every chunk in address order. Dumps, maps and tests
 * build on it; it trusts the heap, so validate first when in doubt.
 */
#include "hardening.h"
#include "room.h"

void sys_heap_walk(struct sys_heap *heap, sys_heap_walker_t walker, void *ctx)
{
	if (heap == NULL || heap->heap == NULL || walker == NULL) {
		return;
	}
	const struct z_heap *h = heap->heap;

	/* A zero size would only come from corruption; stop rather than spin. */
	for (chunkid_t c = first_chunk(h); c < h->end_chunk && chunk_size(h, c) != 0u;
	     c = right_chunk(h, c)) {
		bool used = chunk_used(h, c);
		/* What usable_size() says of a live block; for a free chunk, the
		 * largest request it can serve. */
		size_t bytes = used ? block_bytes(h, c) : chunk_room_bytes(h, chunk_size(h, c));

		walker(ctx, chunk_mem(h, c), bytes, used);
	}
}
