/*
 * libc_test.h: what the C and C++ libc-glue tests share: which C library
 * this build is for, and "did this land in the system heap" checks built
 * on sys_heap's own statistics and walk.
 */
#ifndef TESTS_LIBC_TEST_H
#define TESTS_LIBC_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_heap_libc.h"

#ifdef __cplusplus
extern "C" {
#endif

#include "harness.h"

#if defined(__PICOLIBC__)
#define LIBC_IS_NEWLIB 0
#else
#define LIBC_IS_NEWLIB 1
#endif

/* mk/libc.mk names the flavour; the headers cannot tell nano from full
 * newlib apart reliably. */
#ifndef LIBC_TEST_FLAVOUR
#define LIBC_TEST_FLAVOUR "unknown"
#endif

/* True when `p` points into the system heap's region. */
bool in_system_heap(const void *p);

/* The system heap's allocated_bytes right now. */
size_t system_heap_allocated(void);

/* The system heap's structural check. */
bool system_heap_valid(void);

/* Live blocks in the system heap whose usable size is in [lo, hi]. */
size_t system_heap_used_blocks_between(size_t lo, size_t hi);

/* Print one line about the system heap: region, size, in use. */
void system_heap_report(const char *when);

#ifdef __cplusplus
}
#endif

#endif /* TESTS_LIBC_TEST_H */
