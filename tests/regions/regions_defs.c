/*
 * regions_defs.c: the regions of the test, defined at compile time: each
 * buffer in the section of its memory (tests/regions/memory.ld), gathered
 * by the registry, formatted before main and added to the default set in
 * rank order. The firmware's system heap is a fixed 48 KiB one, so a
 * flood reaches the other regions quickly.
 */
#include "regions_fw.h"

#if SYS_HEAP_LIBC_REGIONS
#include "sys_heap_libc.h"

SYS_HEAP_LIBC_HEAP(system_heap, SYSTEM_BYTES);
#endif

SYS_HEAP_REGION_DEFINE(tcm, TCM_BYTES, ".ram2.tcm", SYS_HEAP_CAP_FAST, 1);
/* A DMA heap with cache-line blocks, made a region of its own. */
SYS_HEAP_DEFINE_GRANULAR(dma, DMA_BYTES, ".ram3.dma", DMA_GRANULE);
SYS_HEAP_REGION(dma, SYS_HEAP_CAP_DMA | SYS_HEAP_CAP_NOCACHE, 2, SYS_HEAP_CAP_DMA, DMA_RESERVE);
SYS_HEAP_REGION_DEFINE(ext, EXT_BYTES, ".noinit.ext", SYS_HEAP_CAP_EXTERNAL | SYS_HEAP_CAP_DMA, 3);
