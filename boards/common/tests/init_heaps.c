/*
 * init_heaps.c: the heaps init_test.cpp allocates from in its static
 * constructors, one per SYS_HEAP_DEFINE variant, defined in C so the test
 * also shows C and C++ sharing them. check_sections.py later checks where
 * the linker put each buffer.
 */
#include "sys_heap_define.h"

/* The heaps' NOLOAD section (ld/sysheap_buffers.ld). */
SYS_HEAP_DEFINE(init_plain, 2048);
/* The board's second RAM (cortexm.ld's .ram2 output section). */
SYS_HEAP_DEFINE_IN(init_ram2, 2048, ".ram2.init_ram2");
/* An MPU-style region: 1 KiB buffer aligned to 1 KiB. */
SYS_HEAP_DEFINE_ALIGNED(init_aligned, 1024, 1024);
/* Cache-line blocks for DMA, in the second RAM. */
SYS_HEAP_DEFINE_GRANULAR(init_dma, 2048, ".ram2.init_dma", 32);
