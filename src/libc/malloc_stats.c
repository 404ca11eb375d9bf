/*
 * malloc_stats.c: malloc_stats() and mstats(), the two allocator calls
 * that print. A separate object so that stdio comes into a firmware only
 * when it calls one of them (no linker script forces these in: libc never
 * calls them itself, so a reference can only come from the firmware).
 *
 * The report has newlib's layout, on stderr, from the system heap's
 * statistics: "system bytes" is the heap's size, "in use" the bytes in
 * live blocks (headers included), "max" the peak of that.
 */
#define _DEFAULT_SOURCE 1
#define _GNU_SOURCE 1

#include <malloc.h>
#include <stdio.h>

#include "sys_heap_libc.h"

#if defined(__PICOLIBC__)
#define LIBC_NEWLIB 0
#elif defined(_NEWLIB_VERSION)
#define LIBC_NEWLIB 1
#include <reent.h>
#endif

void malloc_stats(void)
{
	struct sys_heap *h = sys_heap_libc_heap();
	struct sys_memory_stats st = { 0u, 0u, 0u, 0u };

	int err = sys_heap_locked_runtime_stats_get(h, &st);

	if (err != 0) {
		/* Statistics compiled out, or a heap too small to format. */
		fprintf(stderr, "malloc_stats: no statistics (error %d)\n", err);
		return;
	}
	fprintf(stderr, "max system bytes = %10lu\n",
		(unsigned long)(st.free_bytes + st.allocated_bytes));
	fprintf(stderr, "system bytes     = %10lu\n",
		(unsigned long)(st.free_bytes + st.allocated_bytes));
	fprintf(stderr, "in use bytes     = %10lu\n", (unsigned long)st.allocated_bytes);
	fprintf(stderr, "max in use bytes = %10lu\n", (unsigned long)st.max_allocated_bytes);
}

void mstats(char *title)
{
	fprintf(stderr, "Memory allocation statistics %s\n", title != NULL ? title : "");
	malloc_stats();
}

#if LIBC_NEWLIB
void _mstats_r(struct _reent *r, char *title)
{
	(void)r;
	mstats(title);
}

void _malloc_stats_r(struct _reent *r)
{
	(void)r;
	malloc_stats();
}
#endif
