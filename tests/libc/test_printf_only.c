/*
 * test_printf_only.c: the "nothing extracted" trap. This program never
 * calls an allocator itself: its only allocations are the ones the C
 * library makes behind its back (strdup, stdio). A linker that has no
 * undefined malloc when it scans libsysheap_libc_*.a extracts nothing
 * from it, and libc's own malloc silently serves those calls.
 * ld/sysheap_libc.ld's EXTERN lines prevent that; this program proves it,
 * in plain, --gc-sections and -flto links: the blocks libc allocates
 * must be in the SYS_HEAP_LIBC_HEAP heap, as that heap's own statistics
 * show. (Checking through the heap, not the glue, keeps this file free of
 * any reference that would pull the glue in by itself.)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sys_heap_libc.h"

#ifndef LIBC_TEST_HEAP_BYTES
#define LIBC_TEST_HEAP_BYTES (8u * 1024u)
#endif

SYS_HEAP_LIBC_HEAP(printf_only_heap, LIBC_TEST_HEAP_BYTES);

static size_t heap_allocated(void)
{
	struct sys_memory_stats st = { 0u, 0u, 0u, 0u };

	(void)sys_heap_runtime_stats_get(&printf_only_heap, &st);
	return st.allocated_bytes;
}

static int in_heap(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	uintptr_t start = (uintptr_t)printf_only_heap.init_mem;

	return p != NULL && a >= start && a < start + printf_only_heap.init_bytes;
}

int main(void)
{
	size_t before = heap_allocated();

	printf("printf only: %s, %d %.2f\n", LIBC_TEST_FLAVOUR, 7, 2.5);
	char *s = strdup("allocated by the C library");

	CHECK(s != NULL);
	CHECK(in_heap(s));
	CHECK(heap_allocated() >= before + 27u);
	CHECK(s != NULL && strcmp(s, "allocated by the C library") == 0);
	CHECK(sys_heap_validate(&printf_only_heap));
	printf("heap in use: %lu bytes (%lu before)\n", (unsigned long)heap_allocated(),
	       (unsigned long)before);
	return harness_summary();
}
