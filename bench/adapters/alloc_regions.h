/*
 * alloc_regions.h: capability regions (include/sys_heap_caps.h) as a
 * bench_allocator: the arena split into `count` equal regions of ranks
 * 0..count-1, plain requests (caps 0), so a workload that fills the first
 * region spills into the next ones, as malloc over regions does.
 */
#ifndef BENCH_ALLOC_REGIONS_H
#define BENCH_ALLOC_REGIONS_H

#include "bench.h"

/* Most regions one allocator splits its arena into. */
#define BENCH_REGIONS_MAX 4u

void regions_allocator(struct bench_allocator *a, const char *name, unsigned count);
/* Its hook is the sysheap adapter's: sysheap_error_hook_calls() counts. */

#endif
