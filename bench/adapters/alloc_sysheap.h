/*
 * alloc_sysheap.h: sys_heap adapters for the benchmark.
 */
#ifndef BENCH_ALLOC_SYSHEAP_H
#define BENCH_ALLOC_SYSHEAP_H

#include "bench.h"
#include "sys_heap.h"

enum bench_sysheap_mode {
	BENCH_SYSHEAP_PLAIN = 0,   /* sys_heap_alloc() */
	BENCH_SYSHEAP_DEFAULT = 1, /* sys_heap_alloc_effort(DEFAULT) */
	BENCH_SYSHEAP_FAST = 2,    /* sys_heap_alloc_effort(FAST) */
	BENCH_SYSHEAP_FIT = 3,     /* sys_heap_alloc_effort(FIT) */
};

void sysheap_allocator(struct bench_allocator *a, const char *name, enum bench_sysheap_mode mode);

/* Plain sys_heap_alloc() on a heap formatted by sys_heap_init_with() with
 * this granule (a DMA heap: 32 or 64, a cache line). At most
 * BENCH_SYSHEAP_GRANULAR of them at a time. */
#define BENCH_SYSHEAP_GRANULAR 2u
void sysheap_granular_allocator(struct bench_allocator *a, const char *name, size_t granule);

/* The benchmarks' error hook: counts. Other adapters install it too. */
void sysheap_count_error(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller);

/* Calls of the error hook so far: must stay 0. */
unsigned sysheap_error_hook_calls(void);

#endif /* BENCH_ALLOC_SYSHEAP_H */
