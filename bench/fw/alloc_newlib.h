#ifndef BENCH_ALLOC_NEWLIB_H
#define BENCH_ALLOC_NEWLIB_H

#include "bench.h"

/* newlib's (or newlib-nano's, by build) malloc as an allocator. */
void newlib_allocator(struct bench_allocator *a, const char *name);

#endif
