/*
 * malloc.c: the C library's allocator entry points, served by the system
 * heap (include/sys_heap_libc.h). One object on purpose: pulling any one
 * symbol from the archive brings every entry point, so no libc allocator
 * object can be extracted for a name we forgot, and the link map shows a
 * single allocator.
 *
 * Built once per C library (mk/libc.mk): newlib-nano and full newlib share
 * this source but not struct _reent's layout; picolibc has no reentrant
 * _r family and keeps errno in thread-local storage.
 *
 * Every entry point is a thin shell over four locked operations
 * (heap_alloc, heap_realloc, heap_free, heap_usable) that set errno on
 * failure; the policy for the odd cases (size 0, bad alignment, overflow)
 * lives in the shells, next to the call it belongs to.
 */
/* The POSIX, BSD and GNU names (posix_memalign, reallocarray, valloc...)
 * are declared only for these. */
#define _DEFAULT_SOURCE 1
#define _GNU_SOURCE 1

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys_heap_libc.h"
#include "sys_heap_listener.h"

#if defined(__PICOLIBC__)
#define LIBC_NEWLIB 0
/* picolibc: errno is thread-local; there is no reentrancy structure. */
typedef void reent_t;
#define REENT_SELF NULL
static inline void set_errno(reent_t *r, int e)
{
	(void)r;
	errno = e;
}
#elif defined(_NEWLIB_VERSION)
#define LIBC_NEWLIB 1
#include <reent.h>
typedef struct _reent reent_t;
#define REENT_SELF _REENT
static inline void set_errno(reent_t *r, int e)
{
	__errno_r(r) = e;
}
#else
#error "src/libc: neither newlib nor picolibc headers (build with --specs=nano.specs, none, or --specs=picolibc.specs)"
#endif

#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---------------------------------------------------------------------- */
/* The lock and the system heap                                           */

/* NULL until the first call, which picks the heap and formats it. Written
 * once, under the lock; read without it (one aligned word, and the heap
 * it points to never changes). In .bss, so it is NULL from the first C
 * statement on: crt0 and constructors may allocate. */
static struct sys_heap *system_heap;

static __attribute__((noinline, cold)) struct sys_heap *system_heap_setup(void)
{
	/* No heap yet, so the lock of "no heap": the shared one. */
	sys_heap_lock_key_t key = sys_heap_lock_for(NULL);

	if (system_heap == NULL) {
		struct sys_heap *h = sys_heap_libc_heap_select();

		/* A SYS_HEAP_DEFINE heap that sys_heap_init_all() has not
		 * formatted yet (an allocation from before it ran, or startup
		 * code that never calls it): format it now.
		 * sys_heap_init_all() skips it later. */
		if (h->heap == NULL && h->init_mem != NULL) {
			sys_heap_init(h, h->init_mem, h->init_bytes);
		}
#if SYS_HEAP_LISTENERS
		z_sysheap_listen_libc_heap(h);
#endif
		system_heap = h;
	}
	sys_heap_unlock_for(NULL, key);
	return system_heap;
}

/* The system heap, selected and formatted. */
static inline struct sys_heap *system_heap_get(void)
{
	struct sys_heap *h = system_heap;

	return UNLIKELY(h == NULL) ? system_heap_setup() : h;
}

struct sys_heap *sys_heap_libc_heap(void)
{
	return system_heap_get();
}

/* The system heap's lock is the lock of that heap, the one
 * sys_heap_locked_*() takes: strong definitions, so a firmware that
 * still defines its own sys_heap_libc_lock() gets a link error instead of
 * a second lock. */
sys_heap_lock_key_t sys_heap_libc_lock(void)
{
	return sys_heap_lock_for(system_heap_get());
}

void sys_heap_libc_unlock(sys_heap_lock_key_t key)
{
	sys_heap_unlock_for(system_heap_get(), key);
}

/* Depth of __malloc_lock() (below). While it is held here, the heap
 * operations run inside it without taking the lock again, so newlib code
 * that calls malloc under __malloc_lock works whatever lock the system
 * heap has (recursive or not). */
static unsigned int malloc_lock_depth;
#define GLUE_INSIDE_MALLOC_LOCK (SYS_HEAP_LOCK_REFUSED - 1u)

static sys_heap_lock_key_t glue_lock(struct sys_heap *h)
{
	if (malloc_lock_depth != 0u && sys_heap_lock_held(h)) {
		return GLUE_INSIDE_MALLOC_LOCK;
	}
	return sys_heap_lock_for(h);
}

static void glue_unlock(struct sys_heap *h, sys_heap_lock_key_t key)
{
	if (key != GLUE_INSIDE_MALLOC_LOCK) {
		sys_heap_unlock_for(h, key);
	}
}

/* ---------------------------------------------------------------------- */
/* The four locked operations                                             */

static bool is_power_of_two(size_t x)
{
	return x != 0u && (x & (x - 1u)) == 0u;
}

#if defined(SYS_HEAP_LIBC_REGIONS) && SYS_HEAP_LIBC_REGIONS
/* malloc over several regions: the same four operations on the default
 * capability regions. */
#include "malloc_regions.h"
#else

/* `bytes` may be 0: the caller gets a unique minimal block. `align` is a
 * power of two, or 0 for the natural alignment. Sets ENOMEM on failure. */
static void *heap_alloc(reent_t *r, size_t align, size_t bytes)
{
	if (bytes == 0u) {
		bytes = 1u;
	}
	struct sys_heap *h = system_heap_get();
	sys_heap_lock_key_t key = glue_lock(h);
	void *mem = NULL;

	if (key != SYS_HEAP_LOCK_REFUSED) { /* refused: reported, ENOMEM */
		mem = (align > SYS_HEAP_NATURAL_ALIGN) ? sys_heap_aligned_alloc(h, align, bytes)
						       : sys_heap_alloc(h, bytes);
		glue_unlock(h, key);
	}
	if (UNLIKELY(mem == NULL)) {
		set_errno(r, ENOMEM);
	}
	return mem;
}

static void heap_free(void *mem)
{
	if (mem == NULL) {
		return;
	}
	struct sys_heap *h = system_heap_get();
	sys_heap_lock_key_t key = glue_lock(h);

	if (key != SYS_HEAP_LOCK_REFUSED) {
		sys_heap_free(h, mem);
		glue_unlock(h, key);
	}
}

/* realloc(NULL, n) is malloc(n); realloc(p, 0) frees p and returns NULL
 * (glibc's and newlib's choice; C23 leaves it undefined). On failure the
 * old block is untouched and errno is ENOMEM. */
static void *heap_realloc(reent_t *r, void *mem, size_t bytes)
{
	if (mem == NULL) {
		return heap_alloc(r, 0u, bytes);
	}
	if (bytes == 0u) {
		heap_free(mem);
		return NULL;
	}
	struct sys_heap *h = system_heap_get();
	sys_heap_lock_key_t key = glue_lock(h);
	void *moved = NULL;

	if (key != SYS_HEAP_LOCK_REFUSED) {
		moved = sys_heap_realloc(h, mem, bytes);
		glue_unlock(h, key);
	}
	if (UNLIKELY(moved == NULL)) {
		set_errno(r, ENOMEM);
	}
	return moved;
}

static size_t heap_usable(void *mem)
{
	if (mem == NULL) {
		return 0u;
	}
	struct sys_heap *h = system_heap_get();
	sys_heap_lock_key_t key = glue_lock(h);
	size_t bytes = 0u;

	if (key != SYS_HEAP_LOCK_REFUSED) {
		bytes = sys_heap_usable_size(h, mem);
		glue_unlock(h, key);
	}
	return bytes;
}
#endif /* SYS_HEAP_LIBC_REGIONS */

/* ---------------------------------------------------------------------- */
/* The policy shells, shared by the plain and the reentrant names         */

static void *do_calloc(reent_t *r, size_t count, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(count, size, &bytes)) {
		set_errno(r, ENOMEM);
		return NULL;
	}
	void *mem = heap_alloc(r, 0u, bytes);

	if (mem != NULL) {
		/* Freed blocks keep their old contents: clear what was asked. */
		memset(mem, 0, bytes);
	}
	return mem;
}

static void *do_reallocarray(reent_t *r, void *mem, size_t count, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(count, size, &bytes)) {
		set_errno(r, ENOMEM);
		return NULL;
	}
	return heap_realloc(r, mem, bytes);
}

/* BSD reallocf: a failed resize frees the old block. */
static void *do_reallocf(reent_t *r, void *mem, size_t bytes)
{
	void *moved = heap_realloc(r, mem, bytes);

	if (moved == NULL && bytes != 0u) {
		heap_free(mem);
	}
	return moved;
}

/* memalign and aligned_alloc: any power of two. C17 (DR 460) lets
 * aligned_alloc fail for an unsupported alignment; it does not require
 * the size to be a multiple of it, and neither do we. */
static void *do_memalign(reent_t *r, size_t align, size_t bytes)
{
	if (!is_power_of_two(align)) {
		set_errno(r, EINVAL);
		return NULL;
	}
	return heap_alloc(r, align, bytes);
}

static size_t page_round_up(reent_t *r, size_t bytes, bool *ok)
{
	const size_t page = SYS_HEAP_LIBC_PAGE_SIZE;

	_Static_assert((SYS_HEAP_LIBC_PAGE_SIZE & (SYS_HEAP_LIBC_PAGE_SIZE - 1u)) == 0u,
		       "SYS_HEAP_LIBC_PAGE_SIZE must be a power of two");
	*ok = bytes <= SIZE_MAX - (page - 1u);
	if (!*ok) {
		set_errno(r, ENOMEM);
		return 0u;
	}
	return (bytes + page - 1u) & ~(page - 1u);
}

static void *do_pvalloc(reent_t *r, size_t bytes)
{
	bool ok;
	size_t rounded = page_round_up(r, bytes == 0u ? 1u : bytes, &ok);

	return ok ? heap_alloc(r, SYS_HEAP_LIBC_PAGE_SIZE, rounded) : NULL;
}

/* mallinfo from the O(1) statistics: no walk with the lock held. The
 * fields newlib-nano fills (arena, uordblks, fordblks) plus the peak;
 * ordblks stays 0 as in newlib-nano (counting free chunks is a walk:
 * sys_heap_info_get() does it). With SYS_HEAP_STATS 0 every field is 0. */
static struct mallinfo do_mallinfo(void)
{
	struct mallinfo mi;
	struct sys_memory_stats st;

	memset(&mi, 0, sizeof(mi));
	struct sys_heap *h = system_heap_get();
	sys_heap_lock_key_t key = glue_lock(h);
	int err = SYS_HEAP_ERR_INVALID;

	if (key != SYS_HEAP_LOCK_REFUSED) {
		err = sys_heap_runtime_stats_get(h, &st);
		glue_unlock(h, key);
	}
	if (err == 0) {
		mi.arena = st.free_bytes + st.allocated_bytes; /* heap bytes, headers included */
		mi.usmblks = st.max_allocated_bytes;           /* peak, as newlib's max_total_mem */
		mi.uordblks = st.allocated_bytes;
		mi.fordblks = st.free_bytes;
	}
	return mi;
}

/* ---------------------------------------------------------------------- */
/* The C and POSIX names                                                  */

void *malloc(size_t bytes)
{
	return heap_alloc(REENT_SELF, 0u, bytes);
}

void free(void *mem)
{
	heap_free(mem);
}

void cfree(void *mem)
{
	heap_free(mem);
}

void *calloc(size_t count, size_t size)
{
	return do_calloc(REENT_SELF, count, size);
}

void *realloc(void *mem, size_t bytes)
{
	return heap_realloc(REENT_SELF, mem, bytes);
}

void *reallocarray(void *mem, size_t count, size_t size)
{
	return do_reallocarray(REENT_SELF, mem, count, size);
}

void *reallocf(void *mem, size_t bytes)
{
	return do_reallocf(REENT_SELF, mem, bytes);
}

void *memalign(size_t align, size_t bytes)
{
	return do_memalign(REENT_SELF, align, bytes);
}

void *aligned_alloc(size_t align, size_t bytes)
{
	return do_memalign(REENT_SELF, align, bytes);
}

int posix_memalign(void **memptr, size_t align, size_t bytes)
{
	if (!is_power_of_two(align) || align % sizeof(void *) != 0u) {
		return EINVAL;
	}
	/* POSIX: report through the return value, leave errno alone. */
	int saved = errno;
	void *mem = heap_alloc(REENT_SELF, align, bytes);

	errno = saved;
	if (mem == NULL) {
		return ENOMEM;
	}
	*memptr = mem;
	return 0;
}

void *valloc(size_t bytes)
{
	return heap_alloc(REENT_SELF, SYS_HEAP_LIBC_PAGE_SIZE, bytes);
}

void *pvalloc(size_t bytes)
{
	return do_pvalloc(REENT_SELF, bytes);
}

size_t malloc_usable_size(void *mem)
{
	return heap_usable(mem);
}

struct mallinfo mallinfo(void)
{
	return do_mallinfo();
}

/* Nothing to tune and nothing to give back to a system: the heap is a
 * fixed region. Both report "not done", as glibc does for an unknown
 * option. */
int mallopt(int param, int value)
{
	(void)param;
	(void)value;
	return 0;
}

int malloc_trim(size_t pad)
{
	(void)pad;
	return 0;
}

/* ld/sysheap_libc.ld binds every reference to _sbrk here: the system heap
 * owns the memory a vendor's _sbrk would hand out, so a HAL that calls it
 * is caught at its first call instead of sharing bytes with malloc. */
void *z_sysheap_sbrk_trap(ptrdiff_t increment);
void *z_sysheap_sbrk_trap(ptrdiff_t increment)
{
	struct sys_heap *h = sys_heap_libc_heap();

	(void)increment;
	h->error_count++;
	sys_heap_default_error_hook(h, NULL, SYS_HEAP_ERR_SBRK, __builtin_return_address(0));
	set_errno(REENT_SELF, ENOMEM);
	return (void *)-1;
}

/* ---------------------------------------------------------------------- */
/* The lock newlib's allocator used, for code that brackets several heap  */
/* calls with it. Weak: an RTOS port's own definition wins.               */

static sys_heap_lock_key_t malloc_lock_outer_key;
static sys_heap_lock_key_t malloc_lock_inner_key;

/* Recursive, as newlib's is: the holder of a heap's own lock counts
 * instead of taking it again (the shared default lock nests by itself). */
static void malloc_lock_enter(void)
{
	if (malloc_lock_depth != 0u && sys_heap_lock_held(system_heap_get())) {
		malloc_lock_depth++;
		malloc_lock_inner_key = GLUE_INSIDE_MALLOC_LOCK;
		return;
	}
	sys_heap_lock_key_t key = sys_heap_libc_lock();

	/* Only the holder gets here, so the counters need no more locking.
	 * Nested keys all record the same "already locked" state. */
	if (malloc_lock_depth++ == 0u) {
		malloc_lock_outer_key = key;
	} else {
		malloc_lock_inner_key = key;
	}
}

static void malloc_lock_leave(void)
{
	if (malloc_lock_depth == 0u) {
		return; /* unbalanced unlock: ignore rather than unmask */
	}
	sys_heap_lock_key_t key = --malloc_lock_depth == 0u ? malloc_lock_outer_key
							   : malloc_lock_inner_key;

	if (key != GLUE_INSIDE_MALLOC_LOCK) {
		sys_heap_libc_unlock(key);
	}
}

#if LIBC_NEWLIB

__attribute__((weak)) void __malloc_lock(struct _reent *r)
{
	(void)r;
	malloc_lock_enter();
}

__attribute__((weak)) void __malloc_unlock(struct _reent *r)
{
	(void)r;
	malloc_lock_leave();
}

/* ---------------------------------------------------------------------- */
/* newlib's reentrant names: stdio, strdup, printf and the rest of newlib */
/* call these directly. nano and full newlib between them define all of   */
/* these; leaving one out would let its libc object in.                   */

void *_malloc_r(struct _reent *r, size_t bytes)
{
	return heap_alloc(r, 0u, bytes);
}

void _free_r(struct _reent *r, void *mem)
{
	(void)r;
	heap_free(mem);
}

void _cfree_r(struct _reent *r, void *mem);
void _cfree_r(struct _reent *r, void *mem)
{
	(void)r;
	heap_free(mem);
}

void *_calloc_r(struct _reent *r, size_t count, size_t size)
{
	return do_calloc(r, count, size);
}

void *_realloc_r(struct _reent *r, void *mem, size_t bytes)
{
	return heap_realloc(r, mem, bytes);
}

void *_reallocf_r(struct _reent *r, void *mem, size_t bytes)
{
	return do_reallocf(r, mem, bytes);
}

void *_memalign_r(struct _reent *r, size_t align, size_t bytes)
{
	return do_memalign(r, align, bytes);
}

void *_valloc_r(struct _reent *r, size_t bytes)
{
	return heap_alloc(r, SYS_HEAP_LIBC_PAGE_SIZE, bytes);
}

void *_pvalloc_r(struct _reent *r, size_t bytes)
{
	return do_pvalloc(r, bytes);
}

size_t _malloc_usable_size_r(struct _reent *r, void *mem)
{
	(void)r;
	return heap_usable(mem);
}

struct mallinfo _mallinfo_r(struct _reent *r)
{
	(void)r;
	return do_mallinfo();
}

int _mallopt_r(struct _reent *r, int param, int value)
{
	(void)r;
	return mallopt(param, value);
}

int _malloc_trim_r(struct _reent *r, size_t pad)
{
	(void)r;
	return malloc_trim(pad);
}

#else /* picolibc */

/* picolibc's <malloc.h> declares these without an argument. */
__attribute__((weak)) void __malloc_lock(void)
{
	malloc_lock_enter();
}

__attribute__((weak)) void __malloc_unlock(void)
{
	malloc_lock_leave();
}

#endif

/* The entry points are weak, so that a C library linked ahead of the glue
 * meets no "multiple definition" of each: its allocator then wins quietly
 * and the tripwire of ld/sysheap_libc.ld (on by default) fails the link
 * with one line that says what to change. In the documented order the
 * glue's definitions come first and libc's allocator is never extracted. */
#pragma weak malloc
#pragma weak free
#pragma weak cfree
#pragma weak calloc
#pragma weak realloc
#pragma weak reallocarray
#pragma weak reallocf
#pragma weak memalign
#pragma weak aligned_alloc
#pragma weak posix_memalign
#pragma weak valloc
#pragma weak pvalloc
#pragma weak malloc_usable_size
#pragma weak mallinfo
#pragma weak mallopt
#pragma weak malloc_trim
#if LIBC_NEWLIB
#pragma weak _malloc_r
#pragma weak _free_r
#pragma weak _cfree_r
#pragma weak _calloc_r
#pragma weak _realloc_r
#pragma weak _reallocf_r
#pragma weak _memalign_r
#pragma weak _valloc_r
#pragma weak _pvalloc_r
#pragma weak _malloc_usable_size_r
#pragma weak _mallinfo_r
#pragma weak _mallopt_r
#pragma weak _malloc_trim_r
#endif

/* Without ld/sysheap_libc.ld the link fails naming it (sys_heap_libc.h). */
Z_SYS_HEAP_LINK_REQUIRE(Z_SYS_HEAP_LIBC_SCRIPT_SYMBOL);
