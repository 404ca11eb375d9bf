/*
 * alloc_ideal.h: the ideal packer, a reference allocator that bounds the
 * utilisation figure from above. Host only: its memory comes from malloc.
 *
 * It never fragments. It keeps a running total of the bytes its live
 * blocks would take in a heap where a block of n requested bytes costs
 * round_up(n + hdr, unit), and fails a request only when that total would
 * go over `capacity`. Alignment padding is not counted. No allocator whose
 * blocks cost that much, with that much room for blocks, can run the same
 * requests further, so the live bytes at its first failure are a ceiling
 * for every such allocator.
 *
 * The memory it hands out is real and never overlaps (the workloads write
 * marker bytes into every block), but where it lies plays no part in the
 * decision to fail.
 */
#ifndef BENCH_ALLOC_IDEAL_H
#define BENCH_ALLOC_IDEAL_H

#include "bench.h"

struct ideal_packer {
	size_t hdr;      /* bytes every block costs over its request ... */
	size_t unit;     /* ... rounded up to a multiple of this */
	size_t capacity; /* bytes the live blocks may cost in all */
	size_t used;     /* bytes the live blocks cost now */
};

/* Make *a the packer *p with this block cost and capacity. */
void ideal_allocator(struct bench_allocator *a, const char *name, struct ideal_packer *p,
		     size_t hdr, size_t unit, size_t capacity);

#endif /* BENCH_ALLOC_IDEAL_H */
