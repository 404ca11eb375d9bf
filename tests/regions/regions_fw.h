/*
 * regions_fw.h: what the parts of the regions test share (make
 * test-regions). The same sources build the QEMU firmware (mps2-an386,
 * three RAMs, malloc over regions) and a host program (the capability
 * API over the same SYS_HEAP_REGION_DEFINE() regions, under ASan).
 *
 *   rank  region  memory (firmware)  capabilities
 *   0     system  PSRAM              FAST (the libc system heap; firmware only)
 *   +0    tcm     SSRAM2             FAST
 *   +1    dma     SSRAM3             DMA | NOCACHE, 8 KiB reserved for DMA,
 *                                    32-byte granule (SYS_HEAP_DEFINE_GRANULAR)
 *   +2    ext     PSRAM              EXTERNAL | DMA
 */
#ifndef TESTS_REGIONS_FW_H
#define TESTS_REGIONS_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_heap_caps.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCM_BYTES (32u * 1024u)
#define DMA_BYTES (32u * 1024u)
#define DMA_RESERVE (8u * 1024u)
#define DMA_GRANULE 32u
#define EXT_BYTES (96u * 1024u)
#define SYSTEM_BYTES (48u * 1024u)
/* A capability no region has. */
#define CAP_CAMERA SYS_HEAP_CAP_USER(0)
/* The system heap is a region when malloc is served from regions. */
#define SYSTEM_REGIONS (SYS_HEAP_LIBC_REGIONS ? 1 : 0)

SYS_HEAP_DECLARE(tcm);
SYS_HEAP_DECLARE(dma);
SYS_HEAP_DECLARE(ext);

/* The memories of tests/regions/memory.ld (firmware only). */
#if defined(__arm__)
#define REGIONS_ON_TARGET 1
#define IN_SSRAM2(p) regions_in_memory((p), 0x20000000u, 0x200000u)
#define IN_SSRAM3(p) regions_in_memory((p), 0x20200000u, 0x200000u)
#define IN_PSRAM(p) regions_in_memory((p), 0x21000000u, 0x1000000u)
#else
#define REGIONS_ON_TARGET 0
#define IN_SSRAM2(p) true
#define IN_SSRAM3(p) true
#define IN_PSRAM(p) true
#endif
bool regions_in_memory(const void *p, uintptr_t origin, uintptr_t length);

/* Index of the region holding `mem` in the default set's rank order, or
 * -1 for none; and the index of `heap`'s region. */
int region_rank_of(const void *mem);
int region_rank_of_heap(const struct sys_heap *heap);
size_t allocated(struct sys_heap *heap);
size_t free_of(struct sys_heap *heap);
/* Bytes allocated in the three regions (not the system heap). */
size_t regions_allocated(void);
/* Validate every heap of the default set; a failure names the phase. */
void validate_all(const char *phase);

/* Blocks of `unit` bytes from `alloc` until it fails or `max` are live,
 * each filled with its index: whether their regions never went back in
 * rank, and the ranks seen (bit r for rank r). */
struct flood {
	void **blocks;
	unsigned int count;
	bool ordered;
	unsigned int seen;
};
void flood_fill(struct flood *f, void **blocks, unsigned int max, void *(*alloc)(size_t),
		size_t unit);
/* Check every block still holds its index, free each with `release`;
 * true when all were intact. */
bool flood_release(struct flood *f, void (*release)(void *), size_t unit);

/* A hook that counts foreign pointers reported by the default set. */
extern unsigned int foreign_reports;
void counting_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller);

/* The capability API (regions_caps.c): host and firmware. */
void test_default_set(void);
void test_caps_flood(void);
void test_caps_placement(void);
void test_caps_foreign(void);

/* malloc, new and printf over regions (regions_libc.c, regions_new.cpp):
 * firmware with SYS_HEAP_LIBC_REGIONS=1. */
void test_printf_and_new_spill(void);
void test_malloc_flood(void);
void test_libc_realloc_and_foreign(void);
void test_new_across_regions(void);

#ifdef __cplusplus
}
#endif

#endif
