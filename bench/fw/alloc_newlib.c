/*
 * alloc_newlib.c: the C library's malloc as a bench_allocator. Built
 * twice: against newlib-nano (--specs=nano.specs, BENCH_NEWLIB_NANO) and
 * against full newlib. The timed calls are malloc, free, memalign and
 * realloc themselves, as firmware calls them.
 *
 * Starting over: both mallocs keep their state in a few globals and grow
 * with _sbrk. reset() puts those globals back to their power-on values
 * and points _sbrk at the new arena, which is what a fresh boot would do.
 * The power-on values of the initialised ones (full newlib's bins) are
 * read from the .data load image in flash, so they are right even if
 * something allocated before main. Nothing should: until the first reset
 * _sbrk refuses every request (bench/fw/syscalls_bench.c).
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_newlib.h"
#include "syscalls_bench.h"

#if defined(BENCH_NEWLIB_NANO)
/* newlib/libc/stdlib/nano-mallocr.c */
extern void *__malloc_free_list;
extern char *__malloc_sbrk_start;
#else
/* newlib/libc/stdlib/mallocr.c: the bins (NAV * 2 + 2 pointers, 0x408
 * bytes on 32-bit; mk/bench.mk checks the size with nm), the sbrk base
 * (-1 until the first sbrk) and the statistics. */
#define AV_BYTES 0x408u
extern char __malloc_av_[AV_BYTES];
extern char *__malloc_sbrk_base;
extern unsigned long __malloc_trim_threshold;
extern unsigned long __malloc_top_pad;
extern unsigned long __malloc_max_sbrked_mem;
extern unsigned long __malloc_max_total_mem;
extern struct mallinfo __malloc_current_mallinfo;

/* boards/common/cortexm.ld: .data in RAM and its image in flash. */
extern char __data_start__[];
extern const char __data_load_start__[];

/* Copy a .data variable's power-on value back from flash. */
static void from_image(void *var, size_t bytes)
{
	memcpy(var, __data_load_start__ + ((char *)var - __data_start__), bytes);
}
#endif

static bool newlib_reset(struct bench_allocator *a, void *arena, size_t bytes)
{
	(void)a;
#if defined(BENCH_NEWLIB_NANO)
	__malloc_free_list = NULL;
	__malloc_sbrk_start = NULL;
#else
	from_image(__malloc_av_, AV_BYTES);
	from_image(&__malloc_sbrk_base, sizeof(__malloc_sbrk_base));
	from_image(&__malloc_trim_threshold, sizeof(__malloc_trim_threshold));
	__malloc_top_pad = 0u;
	__malloc_max_sbrked_mem = 0u;
	__malloc_max_total_mem = 0u;
	memset(&__malloc_current_mallinfo, 0, sizeof(__malloc_current_mallinfo));
#endif
	bench_sbrk_set(arena, bytes);
	return true;
}

/* Bytes in live chunks, headers included: mallinfo()'s uordblks (both
 * mallocs count what _sbrk gave them minus their free chunks). Untimed. */
static size_t newlib_footprint(struct bench_allocator *a)
{
	(void)a;
	return (size_t)mallinfo().uordblks;
}

void newlib_allocator(struct bench_allocator *a, const char *name)
{
	*a = (struct bench_allocator){
		.name = name,
		.alloc_fn = (void *)malloc,
		.free_fn = (void *)free,
		.aligned_fn = (void *)memalign,
		.realloc_fn = (void *)realloc,
		.reset = newlib_reset,
		.footprint = newlib_footprint,
		.hdr_bytes = 8u,
	};
}
