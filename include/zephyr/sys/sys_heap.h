/**
 * @file zephyr/sys/sys_heap.h
 * @brief Zephyr's `<zephyr/sys/sys_heap.h>`, served by libsysheap.
 *
 * Code written against Zephyr includes this name and compiles unchanged:
 * every declaration of Zephyr's header is in sys_heap.h, under Zephyr's
 * name and signature, beside libsysheap's own extensions. This file adds
 * the sizing macros Zephyr code takes from `<zephyr/kernel.h>`.
 * docs/zephyr.md lists where the behaviour deliberately differs.
 */
#ifndef SYS_HEAP_ZEPHYR_SYS_SYS_HEAP_H
#define SYS_HEAP_ZEPHYR_SYS_SYS_HEAP_H

/* Relative, so that it finds our header in the tree and once installed. */
#include "../../sys_heap.h"

/** Zephyr's smallest heap: a region of this many bytes, at any start
 *  address, serves sys_heap_alloc(heap, 1). libsysheap's
 *  ::SYS_HEAP_MIN_BYTES (larger than Zephyr's on 64-bit hosts, whose
 *  blocks are 16-byte aligned). A constant expression. */
#ifndef Z_HEAP_MIN_SIZE
#define Z_HEAP_MIN_SIZE SYS_HEAP_MIN_BYTES
#endif

/** Zephyr's heap size for one allocation of `bytes`: a region this big, at
 *  any start address, serves sys_heap_alloc(heap, bytes) on a fresh heap.
 *  libsysheap's SYS_HEAP_BYTES_FOR(). A constant expression. */
#ifndef Z_HEAP_MIN_SIZE_FOR
#define Z_HEAP_MIN_SIZE_FOR(bytes) SYS_HEAP_BYTES_FOR(bytes)
#endif

#endif /* SYS_HEAP_ZEPHYR_SYS_SYS_HEAP_H */
