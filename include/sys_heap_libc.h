/**
 * @file sys_heap_libc.h
 * @brief The C library glue: malloc, newlib's _malloc_r family and C++
 *        operator new/delete, all served by one sys_heap, the *system heap*.
 *
 * Link `libsysheap_libc_<libc>.a` (nano, newlib or picolibc) before
 * `libsysheap.a`, and pass `ld/sysheap_libc.ld` to the linker
 * (docs/libc.md has the three lines). Every allocator entry point of the C
 * library and of libstdc++ then draws from the system heap, including the
 * ones libc calls behind your back (stdio buffers, strdup, printf's
 * Bigints, the C++ emergency exception pool).
 *
 * **Which heap.** By default the system heap is all RAM between the end of
 * the static data and the stack reserve, as computed by
 * `ld/sysheap_libc.ld` (`__sysheap_ram_start` .. `__sysheap_ram_end`). To
 * give it a fixed size instead, write once, at file scope of any C or C++
 * file:
 *
 * @code
 * #include "sys_heap_libc.h"
 * SYS_HEAP_LIBC_HEAP(system_heap, 32 * 1024);
 * @endcode
 *
 * For full control (a heap in external SDRAM, formatted by your own code)
 * define sys_heap_libc_heap_select() yourself.
 *
 * **When it is formatted.** On first use, whichever comes first: the
 * first allocation (which may run before main, from crt0 or a C++
 * constructor) or sys_heap_init_all() for a SYS_HEAP_LIBC_HEAP() heap.
 * Nothing has to run before the first malloc.
 *
 * **Locking.** Every call holds the system heap's lock,
 * sys_heap_lock_for(heap), around the heap operation: the same lock the
 * sys_heap_locked_*() calls take, so malloc and sys_heap_locked_alloc()
 * on the system heap exclude each other. The archives' default is an
 * interrupt mask (sys_heap_lock.h), so threads and ISRs may allocate. An
 * RTOS port replaces sys_heap_lock()/sys_heap_unlock(), for every entry
 * point at once, or gives the system heap a lock of its own with
 * sys_heap_set_lock(sys_heap_libc_heap(), ops). A call the lock refuses
 * (wrong context, re-entry: reported) fails with ENOMEM. __malloc_lock()
 * is recursive over either.
 *
 * **C semantics** (tested in tests/libc/):
 * - failure returns NULL and sets errno to ENOMEM; the old block of a
 *   failed realloc is left intact;
 * - malloc(0), calloc(0, n), aligned_alloc(a, 0) return a unique minimal
 *   block (like glibc), which must be freed; realloc(p, 0) frees p and
 *   returns NULL (like glibc and newlib) without touching errno;
 * - calloc and reallocarray detect an overflowing product (ENOMEM);
 * - aligned_alloc and memalign take any power of two; anything else
 *   returns NULL with errno EINVAL. posix_memalign returns EINVAL for an
 *   alignment that is not a power of two multiple of sizeof(void *), and
 *   ENOMEM when out of memory; it never touches errno;
 * - every pointer, aligned or not, may go to free() and realloc().
 */
#ifndef SYS_HEAP_LIBC_H
#define SYS_HEAP_LIBC_H

#include <stddef.h>

#include "sys_heap.h"
#include "sys_heap_define.h"
#include "sys_heap_lock.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
/* Defined by ld/sysheap_libc.ld and referred to by the glue at no cost, so
 * that a link without the script says so in these words. */
#define Z_SYS_HEAP_LIBC_SCRIPT_SYMBOL "the libc glue needs -T sysheap_libc.ld after the linker script"
/** @endcond */

/**
 * The "page" of valloc() and pvalloc(): their alignment, and pvalloc's
 * size granule. 4096, as in newlib. Only these two calls use it, and the
 * alignment padding goes back to the heap at once.
 */
#ifndef SYS_HEAP_LIBC_PAGE_SIZE
#define SYS_HEAP_LIBC_PAGE_SIZE 4096u
#endif

/**
 * The system heap, formatted. Takes the lock for the first call's
 * formatting. Never NULL; a region too small for a heap gives a heap from
 * which every allocation fails. Use it with sys_heap_runtime_stats_get()
 * and friends (under sys_heap_libc_lock(), or the sys_heap_locked_*()
 * calls, if other contexts allocate).
 */
struct sys_heap *sys_heap_libc_heap(void);

/**
 * The link-time choice of the system heap. Called once, with the lock
 * held, by the first allocation. It returns the heap; the glue formats it
 * from its `init_mem`/`init_bytes` if it is not formatted yet.
 *
 * The library's default (an archive member, linked only when nothing
 * else defines this function) returns a heap over
 * `__sysheap_ram_start`..`__sysheap_ram_end`. SYS_HEAP_LIBC_HEAP()
 * defines it to return a SYS_HEAP_DEFINE() heap.
 */
struct sys_heap *sys_heap_libc_heap_select(void);

/**
 * Make a SYS_HEAP_DEFINE(name, bytes) heap the system heap. Use it once,
 * at file scope. `name` is an ordinary heap: sys_heap_alloc(&name, n)
 * draws from the same memory as malloc (take the libc lock if other
 * contexts allocate).
 */
#define SYS_HEAP_LIBC_HEAP(name, bytes)                          \
	SYS_HEAP_DEFINE(name, bytes);                            \
	struct sys_heap *sys_heap_libc_heap_select(void)         \
	{                                                        \
		return &name;                                    \
	}                                                        \
	struct sys_heap *sys_heap_libc_heap_select(void)

/**
 * Enter the system heap's critical section: sys_heap_lock_for() of the
 * system heap, for code that brackets several calls on it. Not a
 * replacement point (a definition of your own is a multiple-definition
 * link error): to change the lock, define sys_heap_lock() and
 * sys_heap_unlock(). Nests. O(1).
 *
 * @return a key for the matching sys_heap_libc_unlock().
 */
sys_heap_lock_key_t sys_heap_libc_lock(void);

/** Leave the critical section entered by the sys_heap_libc_lock() that
 *  returned `key`. */
void sys_heap_libc_unlock(sys_heap_lock_key_t key);

#ifdef __cplusplus
}
#endif

#endif /* SYS_HEAP_LIBC_H */
