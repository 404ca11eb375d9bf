/*
 * size_prog.c: the minimal programs behind the code-size table. Each
 * references exactly the functions of one configuration and is linked
 * with --gc-sections, so what is left of the library is what that
 * configuration costs. tools/bench_report.py sums the sizes (nm -S) of
 * the symbols that come from the library's objects, .text and .rodata.
 *
 *   SIZE_SYSHEAP_CORE  sys_heap_init, sys_heap_alloc, sys_heap_free
 *   SIZE_SYSHEAP_FULL  core + sys_heap_aligned_alloc, sys_heap_realloc,
 *                      sys_heap_runtime_stats_get, sys_heap_usable_size
 *   SIZE_LIBC_CORE     malloc, free            (newlib / newlib-nano)
 *   SIZE_LIBC_FULL     + memalign, realloc (not mallinfo: in this
 *                      toolchain's newlib it shares an object file with
 *                      malloc_stats, which drags all of stdio in)
 */
#include <stddef.h>
#include <stdint.h>

#if defined(SIZE_SYSHEAP_CORE) || defined(SIZE_SYSHEAP_FULL)
#include "sys_heap.h"
#else
#include <malloc.h>
#include <stdlib.h>
#endif

void bench_size_entry(void);
void *_sbrk(ptrdiff_t increment);

void *volatile bench_size_sink;

#if defined(SIZE_LIBC_CORE) || defined(SIZE_LIBC_FULL)
/* Not counted: the program's own stubs. The I/O ones only satisfy the
 * link if some libc object refers to them; --gc-sections drops whatever
 * nothing calls. */
int _write(int fd, const void *buf, int len);
int _read(int fd, void *buf, int len);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, void *st);
int _isatty(int fd);
int _write(int fd, const void *buf, int len) { (void)fd; (void)buf; return len; }
int _read(int fd, void *buf, int len) { (void)fd; (void)buf; (void)len; return 0; }
int _close(int fd) { (void)fd; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; return 0; }
int _fstat(int fd, void *st) { (void)fd; (void)st; return -1; }
int _isatty(int fd) { (void)fd; return 0; }
void *_sbrk(ptrdiff_t increment)
{
	(void)increment;
	return (void *)-1;
}
#endif

void bench_size_entry(void)
{
#if defined(SIZE_SYSHEAP_CORE) || defined(SIZE_SYSHEAP_FULL)
	static struct sys_heap heap;
	static uint8_t mem[1024];

	sys_heap_init(&heap, mem, sizeof(mem));
	void *p = sys_heap_alloc(&heap, (size_t)bench_size_sink);

	sys_heap_free(&heap, p);
#if defined(SIZE_SYSHEAP_FULL)
	struct sys_memory_stats stats;

	p = sys_heap_aligned_alloc(&heap, 64u, (size_t)bench_size_sink);
	p = sys_heap_realloc(&heap, p, (size_t)bench_size_sink);
	(void)sys_heap_runtime_stats_get(&heap, &stats);
	bench_size_sink = (void *)(stats.free_bytes + sys_heap_usable_size(&heap, p));
#endif
	bench_size_sink = p;
#else
	void *p = malloc((size_t)bench_size_sink);

	bench_size_sink = p;
	free(p);
#if defined(SIZE_LIBC_FULL)
	p = memalign(64u, (size_t)bench_size_sink);
	p = realloc(p, (size_t)bench_size_sink);
	bench_size_sink = p;
#endif
#endif
	for (;;) {
	}
}
