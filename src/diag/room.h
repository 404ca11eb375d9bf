/*
 * room.h: the largest request a free chunk can serve, shared by the walk
 * and the largest-free queries so that both always agree.
 */
#ifndef SYSHEAP_ROOM_H
#define SYSHEAP_ROOM_H

#include "chunk.h"

/* Bytes a request may have and still fit `units` units: the chunk less
 * the block's header, prefix and canary; none when the chunk is smaller
 * than those together (possible at hardening GUARDS and up, or with
 * caller tracing on 64-bit), where the subtraction would wrap. */
SYSHEAP_INLINE size_t chunk_room_bytes(const struct z_heap *h, chunksz_t units)
{
	size_t overhead = mem_offset(h) + BLOCK_TAIL_BYTES;

	return chunk_bytes(units) > overhead ? chunk_bytes(units) - overhead : 0u;
}

#endif /* SYSHEAP_ROOM_H */
