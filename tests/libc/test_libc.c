/*
 * test_libc.c: a C program on the libc glue, with the default "all RAM"
 * system heap. It does what firmware does (printf with floats, sprintf,
 * strdup, qsort, calloc, realloc, aligned_alloc, a buffered stream) and
 * checks through sys_heap's statistics that every allocation, the C
 * library's own included, landed in the system heap. Then the C
 * semantics the glue promises, one test each, the newlib reentrant
 * family, the lock hook, and malloc from an interrupt.
 *
 * Built for each C library (nano, newlib, picolibc) by mk/libc.mk; the
 * last line is `N passed, N failed`, the exit status nonzero on failure.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cortexm.h"
#include "libc_test.h"
#include "tick.h"

#if LIBC_IS_NEWLIB
#include <reent.h>
#endif

/* Sizes that reach the glue at run time: as constants the compiler would
 * warn about them, or fold a malloc/free pair away. */
static volatile size_t opaque_too_big = (size_t)64 * 1024 * 1024; /* fails on every board */
static volatile size_t opaque_size_max = SIZE_MAX;
#define TOO_BIG ((size_t)opaque_too_big)
#define HUGE_SIZE ((size_t)opaque_size_max)

/* Make the compiler believe `p` is used, so no allocation is elided. */
static inline void keep(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* ---- the lock: replaced once, counted everywhere ------------------------ */

/* The firmware's own sys_heap_lock()/sys_heap_unlock() (a PRIMASK mask
 * that counts), replacing the archive's weak pair the way an RTOS port
 * does. The glue and the locked API must both come through here. */
static volatile unsigned lock_calls;
static volatile int lock_depth;
static volatile int lock_depth_max;

sys_heap_lock_key_t sys_heap_lock(void)
{
	uint32_t key;

	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(key) : : "memory");
	lock_calls++;
	if (++lock_depth > lock_depth_max) {
		lock_depth_max = lock_depth;
	}
	return key;
}

void sys_heap_unlock(sys_heap_lock_key_t key)
{
	lock_depth--;
	__asm__ volatile("msr primask, %0" : : "r"(key) : "memory");
}

static uint32_t primask(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, primask" : "=r"(v));
	return v & 1u;
}

/* ---- before main ------------------------------------------------------- */

static char *early_block;
static int early_errno = -1;

/* Runs from __libc_init_array(), before main: the first allocation of the
 * program, so it also formats the "all RAM" heap. */
__attribute__((constructor)) static void allocate_before_main(void)
{
	early_block = malloc(40);
	early_errno = errno;
	if (early_block != NULL) {
		strcpy(early_block, "allocated before main");
	}
}

static void test_before_main(void)
{
	CHECK(early_block != NULL);
	CHECK(in_system_heap(early_block));
	CHECK(early_block != NULL && strcmp(early_block, "allocated before main") == 0);
	free(early_block);
}

/* ---- what firmware does ------------------------------------------------- */

static void test_printf_sprintf(void)
{
	char buf[64];
	size_t before = system_heap_allocated();

	/* newlib's float formatting allocates Bigints (kept in a cache
	 * afterwards) through _calloc_r: the first float printed shows up in
	 * the system heap. */
	printf("printf: pi %.4f, e %.3e, %d%%\n", 3.14159265, 2.718281828, 100);
	snprintf(buf, sizeof(buf), "%.3f|%5.1f|%g", 1.0 / 3.0, -2.25, 1e-5);
	CHECK(strcmp(buf, "0.333| -2.2|1e-05") == 0 || strcmp(buf, "0.333| -2.3|1e-05") == 0);
	sprintf(buf, "%d-%s-%x-%c", -42, "str", 0xbeefu, 'z');
	CHECK(strcmp(buf, "-42-str-beef-z") == 0);
#if LIBC_IS_NEWLIB
	CHECK(system_heap_allocated() > before);
#else
	(void)before; /* picolibc formats floats without the heap */
#endif
	CHECK(system_heap_valid());
}

static void test_strdup(void)
{
	size_t before = system_heap_allocated();
	char *s = strdup("the quick brown fox jumps over the lazy dog");

	CHECK(s != NULL);
	CHECK(in_system_heap(s));
	CHECK(system_heap_allocated() >= before + 44u);
	CHECK(s != NULL && strcmp(s, "the quick brown fox jumps over the lazy dog") == 0);
	free(s);
	CHECK_EQ(system_heap_allocated(), before);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a;
	int y = *(const int *)b;

	return (x > y) - (x < y);
}

static void test_qsort(void)
{
	enum { N = 200 };
	int *v = malloc(N * sizeof(int));

	if (!CHECK(v != NULL)) {
		return;
	}
	CHECK(in_system_heap(v));
	uint32_t x = 12345u;

	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = (int)(x >> 8) % 1000;
	}
	qsort(v, N, sizeof(int), cmp_int);
	bool sorted = true;

	for (int i = 1; i < N; i++) {
		sorted = sorted && v[i - 1] <= v[i];
	}
	CHECK(sorted);
	free(v);
}

static void test_calloc(void)
{
	/* Dirty a block, free it, and get it back through calloc. */
	unsigned char *dirty = malloc(96);

	if (!CHECK(dirty != NULL)) {
		return;
	}
	memset(dirty, 0xA5, 96);
	free(dirty);
	unsigned char *z = calloc(24, 4);

	if (!CHECK(z != NULL)) {
		return;
	}
	CHECK(in_system_heap(z));
	bool zero = true;

	for (size_t i = 0; i < 96u; i++) {
		zero = zero && z[i] == 0u;
	}
	CHECK(zero);
	free(z);
}

static void test_realloc(void)
{
	size_t before = system_heap_allocated();
	char *p = realloc(NULL, 10);

	if (!CHECK(p != NULL)) {
		return;
	}
	CHECK(in_system_heap(p));
	memcpy(p, "0123456789", 10);
	char *q = realloc(p, 1000);

	if (q == NULL) {
		CHECK(q != NULL);
		free(p);
		return;
	}
	CHECK(in_system_heap(q));
	CHECK(memcmp(q, "0123456789", 10) == 0);
	q = realloc(q, 5);
	CHECK(q != NULL && memcmp(q, "01234", 5) == 0);
	errno = 0;
	CHECK(realloc(q, 0) == NULL); /* frees, as documented */
	CHECK_EQ(errno, 0);
	CHECK_EQ(system_heap_allocated(), before);
}

static void test_aligned(void)
{
	size_t before = system_heap_allocated();
	void *a = aligned_alloc(64, 100);
	void *m = memalign(256, 10);
	void *pm = NULL;
	int rc = posix_memalign(&pm, 128, 50);
	void *v = valloc(16);
	void *pv = pvalloc(1);

	CHECK(a != NULL && ((uintptr_t)a & 63u) == 0u && in_system_heap(a));
	CHECK(m != NULL && ((uintptr_t)m & 255u) == 0u && in_system_heap(m));
	CHECK_EQ(rc, 0);
	CHECK(pm != NULL && ((uintptr_t)pm & 127u) == 0u && in_system_heap(pm));
	CHECK(v != NULL && ((uintptr_t)v & (SYS_HEAP_LIBC_PAGE_SIZE - 1u)) == 0u);
	CHECK(pv != NULL && ((uintptr_t)pv & (SYS_HEAP_LIBC_PAGE_SIZE - 1u)) == 0u);
	CHECK(malloc_usable_size(pv) >= SYS_HEAP_LIBC_PAGE_SIZE);
	/* realloc of an aligned block keeps the contents. */
	if (a != NULL) {
		memset(a, 0x5A, 100);
		void *b = realloc(a, 300);

		CHECK(b != NULL && ((unsigned char *)b)[99] == 0x5Au);
		a = b;
	}
	CHECK(system_heap_valid());
	free(a);
	free(m);
	free(pm);
	free(v);
	free(pv);
	CHECK_EQ(system_heap_allocated(), before);
}

/* aligned_alloc from every starting phase of the free space: k small
 * blocks (three chunk units each) shift where the next free chunk's memory
 * begins, so the padding in front of the aligned block takes every size
 * the layout allows. Big heaps (over 256 KiB, 8-byte headers: the all-RAM
 * heap of most boards) and small ones differ here. */
static void test_aligned_phases(void)
{
	size_t before = system_heap_allocated();
	bool ok = true;

	for (unsigned k = 0u; k < 8u; k++) {
		void *small[8] = { NULL };

		for (unsigned i = 0u; i < k; i++) {
			small[i] = malloc(16);
		}
		for (size_t align = 16u; align <= 256u; align *= 2u) {
			void *a = aligned_alloc(align, 40);

			ok = ok && a != NULL && ((uintptr_t)a & (align - 1u)) == 0u &&
			     system_heap_valid();
			if (a != NULL) {
				memset(a, 0x3C, 40);
			}
			free(a);
			ok = ok && system_heap_valid();
		}
		for (unsigned i = 0u; i < k; i++) {
			free(small[i]);
		}
		if (!ok) {
			printf("aligned_alloc broke the heap after %u small blocks\n", k);
			break;
		}
	}
	CHECK(ok);
	CHECK_EQ(system_heap_allocated(), before);
}

static void test_usable_size_and_mallinfo(void)
{
	void *p = malloc(13);

	CHECK(malloc_usable_size(p) >= 13u);
	CHECK_EQ(malloc_usable_size(NULL), 0);
	struct mallinfo mi = mallinfo();
	struct sys_memory_stats st;

	CHECK_EQ(sys_heap_runtime_stats_get(sys_heap_libc_heap(), &st), 0);
	CHECK_EQ(mi.uordblks, st.allocated_bytes);
	CHECK_EQ(mi.fordblks, st.free_bytes);
	CHECK_EQ(mi.arena, st.free_bytes + st.allocated_bytes);
	CHECK(mi.usmblks >= mi.uordblks);
	free(p);
}

/* ---- C semantics ----------------------------------------------------------- */

static void test_enomem(void)
{
	errno = 0;
	CHECK(malloc(TOO_BIG) == NULL);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(malloc(HUGE_SIZE) == NULL);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(aligned_alloc(64, TOO_BIG) == NULL);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(valloc(HUGE_SIZE) == NULL);
	CHECK_EQ(errno, ENOMEM);
}

static void test_calloc_overflow(void)
{
	errno = 0;
	CHECK(calloc(HUGE_SIZE / 2u, 3u) == NULL);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(calloc(HUGE_SIZE / 0xFFFFu + 1u, 0x10000u) == NULL); /* wraps to a small product */
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	void *p = malloc(8);

	CHECK(reallocarray(p, HUGE_SIZE / 4u, 8u) == NULL);
	CHECK_EQ(errno, ENOMEM);
	void *q = reallocarray(p, 4u, 8u); /* p survived the failure */

	CHECK(q != NULL && malloc_usable_size(q) >= 32u);
	free(q != NULL ? q : p);
}

static void test_posix_memalign_einval(void)
{
	void *p = (void *)0x1234;

	errno = 0;
	CHECK_EQ(posix_memalign(&p, 3, 16), EINVAL);
	CHECK_EQ(posix_memalign(&p, 0, 16), EINVAL);
	CHECK_EQ(posix_memalign(&p, sizeof(void *) / 2u, 16), EINVAL);
	CHECK_EQ(posix_memalign(&p, 48, 16), EINVAL);
	CHECK_EQ(posix_memalign(&p, 64, TOO_BIG), ENOMEM);
	CHECK_PTR_EQ(p, (void *)0x1234); /* untouched on failure */
	CHECK_EQ(errno, 0);              /* reported by return value only */
	errno = 0;
	CHECK(aligned_alloc(24, 48) == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(memalign(0, 16) == NULL);
	CHECK_EQ(errno, EINVAL);
}

static void test_failed_realloc_keeps_block(void)
{
	unsigned char *p = malloc(64);

	if (!CHECK(p != NULL)) {
		return;
	}
	for (int i = 0; i < 64; i++) {
		p[i] = (unsigned char)(i * 7);
	}
	size_t usable = malloc_usable_size(p);

	errno = 0;
	unsigned char *moved = realloc(p, TOO_BIG);

	if (moved != NULL) {
		CHECK(moved == NULL);
		free(moved);
		return;
	}
	CHECK_EQ(errno, ENOMEM);
	bool intact = true;

	for (int i = 0; i < 64; i++) {
		intact = intact && p[i] == (unsigned char)(i * 7);
	}
	CHECK(intact);
	CHECK_EQ(malloc_usable_size(p), usable);
	CHECK(system_heap_valid());
	free(p);
	CHECK(system_heap_valid());
}

static void test_malloc_zero(void)
{
	size_t before = system_heap_allocated();
	void *a = malloc(0);
	void *b = malloc(0);
	void *c = calloc(0, 8);
	void *d = aligned_alloc(32, 0);

	/* Documented choice: a unique minimal block, never NULL. */
	CHECK(a != NULL && b != NULL && c != NULL && d != NULL);
	CHECK(a != b && a != c && b != c);
	CHECK(in_system_heap(a) && in_system_heap(b));
	CHECK(system_heap_allocated() > before);
	free(a);
	free(b);
	free(c);
	free(d);
	CHECK_EQ(system_heap_allocated(), before);
}

/* ---- newlib's reentrant family ------------------------------------------- */

static void test_reentrant_family(void)
{
#if LIBC_IS_NEWLIB
	struct _reent *r = _REENT;
	size_t before = system_heap_allocated();
	char *p = _malloc_r(r, 20);

	CHECK(p != NULL && in_system_heap(p));
	CHECK(_malloc_usable_size_r(r, p) >= 20u);
	p = _realloc_r(r, p, 200);
	CHECK(p != NULL && in_system_heap(p));
	void *z = _calloc_r(r, 4, 4);

	CHECK(z != NULL && in_system_heap(z));
	void *m = _memalign_r(r, 128, 8);

	CHECK(m != NULL && ((uintptr_t)m & 127u) == 0u);
	r->_errno = 0;
	CHECK(_calloc_r(r, HUGE_SIZE, 2) == NULL);
	CHECK_EQ(r->_errno, ENOMEM);
	r->_errno = 0;
	CHECK(_malloc_r(r, TOO_BIG) == NULL);
	CHECK_EQ(r->_errno, ENOMEM);
	struct mallinfo mi = _mallinfo_r(r);

	CHECK_EQ(mi.uordblks, system_heap_allocated());
	_free_r(r, p);
	_free_r(r, z);
	_free_r(r, m);
	CHECK_EQ(system_heap_allocated(), before);
#else
	harness_skip("newlib's _malloc_r family: picolibc has none");
#endif
}

/* ---- a buffered stream ----------------------------------------------------- */

#if LIBC_IS_NEWLIB
static unsigned stream_writes;
static char stream_out[128];
static size_t stream_len;

static int stream_write(void *cookie, const char *buf, int len)
{
	(void)cookie;
	stream_writes++;
	for (int i = 0; i < len && stream_len < sizeof(stream_out) - 1u; i++) {
		stream_out[stream_len++] = buf[i];
	}
	return len;
}
#endif

static void test_buffered_stream(void)
{
	size_t before = system_heap_allocated();
#if LIBC_IS_NEWLIB
	/* funopen: a FILE (from newlib's FILE pool, which allocates) with a
	 * 256-byte buffer that setvbuf takes from malloc. */
	FILE *f = funopen(NULL, NULL, stream_write, NULL, NULL);

	if (!CHECK(f != NULL)) {
		return;
	}
	CHECK_EQ(setvbuf(f, NULL, _IOFBF, 256), 0);
	fprintf(f, "%s %d %.2f", "buffered", 42, 0.5);
	CHECK_EQ(stream_writes, 0); /* still in the buffer */
	size_t open_bytes = system_heap_allocated();

	CHECK(open_bytes >= before + 256u);
	CHECK_EQ(fflush(f), 0);
	CHECK_EQ(stream_writes, 1);
	CHECK(strcmp(stream_out, "buffered 42 0.50") == 0);
	CHECK_EQ(fclose(f), 0);
	/* The buffer went back; newlib keeps its FILE pool. */
	CHECK(system_heap_allocated() + 256u <= open_bytes);
#else
	/* picolibc: fopen on the semihosting console (":tt") makes a
	 * buffered stream whose FILE and buffer come from malloc. */
	FILE *f = fopen(":tt", "w");

	if (!CHECK(f != NULL)) {
		return;
	}
	size_t open_bytes = system_heap_allocated();

	CHECK(open_bytes > before);
	CHECK_EQ(setvbuf(f, NULL, _IOFBF, 128), 0);
	fprintf(f, "stream: %s %d %.2f\n", "buffered", 42, 0.5);
	CHECK_EQ(fflush(f), 0);
	CHECK_EQ(fclose(f), 0);
	CHECK_EQ(system_heap_allocated(), before);
#endif
	CHECK(system_heap_valid());
}

/* ---- the lock ------------------------------------------------------------- */

static void malloc_lock_pair(bool take)
{
#if LIBC_IS_NEWLIB
	if (take) {
		__malloc_lock(_REENT);
	} else {
		__malloc_unlock(_REENT);
	}
#else
	if (take) {
		__malloc_lock();
	} else {
		__malloc_unlock();
	}
#endif
}

static void test_lock_hook(void)
{
	unsigned calls = lock_calls;
	void *p = malloc(24);

	keep(p);
	CHECK(lock_calls > calls); /* every entry point goes through the hook */
	CHECK_EQ(lock_depth, 0);
	calls = lock_calls;
	free(p);
	CHECK(lock_calls > calls);
	CHECK_EQ(primask(), 0);

	/* One lock path: the locked API on the system heap takes the same
	 * lock as malloc, and so does sys_heap_libc_lock(). */
	calls = lock_calls;
	p = sys_heap_locked_alloc(sys_heap_libc_heap(), 24);
	CHECK(p != NULL && lock_calls > calls);
	calls = lock_calls;
	sys_heap_locked_free(sys_heap_libc_heap(), p);
	CHECK(lock_calls > calls);
	calls = lock_calls;
	sys_heap_lock_key_t key = sys_heap_libc_lock();
	CHECK(lock_calls > calls);
	CHECK_EQ(primask(), 1);
	sys_heap_libc_unlock(key);
	CHECK_EQ(lock_depth, 0);

	/* __malloc_lock nests around heap calls and masks interrupts. */
#if LIBC_IS_NEWLIB
	__malloc_lock(_REENT);
#else
	__malloc_lock();
#endif
	CHECK_EQ(primask(), 1);
	p = malloc(24);
	keep(p);
	free(p);
	CHECK_EQ(primask(), 1); /* the inner unlock kept the mask */
#if LIBC_IS_NEWLIB
	__malloc_unlock(_REENT);
#else
	__malloc_unlock();
#endif
	CHECK_EQ(primask(), 0);
	CHECK_EQ(lock_depth, 0);
	CHECK(lock_depth_max >= 2);

	/* With a lock of its own that does not nest (PRIMASK, re-entry
	 * reported), __malloc_lock is still recursive, as newlib's is, and
	 * malloc inside it works: nothing reported, the mask kept throughout. */
	struct sys_heap *h = sys_heap_libc_heap();
	size_t errors = h->error_count;

	sys_heap_set_lock(h, &sys_heap_lock_ops_primask);
	malloc_lock_pair(true);
	CHECK(sys_heap_lock_held(h));
	malloc_lock_pair(true);
	p = malloc(24);
	CHECK(p != NULL);
	free(p);
	malloc_lock_pair(false);
	CHECK_EQ(primask(), 1);
	CHECK(sys_heap_lock_held(h));
	malloc_lock_pair(false);
	CHECK_EQ(primask(), 0);
	CHECK(!sys_heap_lock_held(h));
	CHECK_EQ(h->error_count, errors);
	p = malloc(24); /* outside: the heap's own lock again */
	CHECK(p != NULL);
	free(p);
	CHECK_EQ(h->error_count, errors);
	sys_heap_set_lock(h, NULL);
}

/* ---- malloc from an interrupt ---------------------------------------------- */

#define ISR_SLOTS 8u
static void *isr_blocks[ISR_SLOTS];
static volatile unsigned isr_ops;
static volatile unsigned isr_bad;

void tick_handler(void)
{
	unsigned i = isr_ops % ISR_SLOTS;

	if (isr_blocks[i] != NULL) {
		if (*(unsigned *)isr_blocks[i] != i) {
			isr_bad++;
		}
		free(isr_blocks[i]);
		isr_blocks[i] = NULL;
	} else {
		isr_blocks[i] = malloc(8u + 16u * i);
		if (isr_blocks[i] != NULL) {
			*(unsigned *)isr_blocks[i] = i;
		}
	}
	isr_ops++;
}

static void test_malloc_in_isr(void)
{
	size_t before = system_heap_allocated();
	void *mine[8] = { NULL };
	unsigned iterations = 0u;

	tick_start(3000u);
	while (isr_ops < 2000u && iterations < 2000000u) {
		unsigned i = iterations % 8u;

		mine[i] = realloc(mine[i], (iterations % 5u) * 24u + 4u);
		if (mine[i] != NULL) {
			memset(mine[i], (int)i, 4);
		}
		iterations++;
	}
	tick_stop();
	for (unsigned i = 0u; i < 8u; i++) {
		free(mine[i]);
	}
	for (unsigned i = 0u; i < ISR_SLOTS; i++) {
		free(isr_blocks[i]);
		isr_blocks[i] = NULL;
	}
	CHECK(isr_ops >= 2000u);
	CHECK_EQ(isr_bad, 0);
	CHECK(system_heap_valid());
	CHECK_EQ(system_heap_allocated(), before);
}

int main(void)
{
	printf("libc glue test, C, %s\n", LIBC_TEST_FLAVOUR);
	system_heap_report("start");
	test_before_main();
	test_printf_sprintf();
	test_strdup();
	test_qsort();
	test_calloc();
	test_realloc();
	test_aligned_phases();
	test_aligned();
	test_usable_size_and_mallinfo();
	test_enomem();
	test_calloc_overflow();
	test_posix_memalign_einval();
	test_failed_realloc_keeps_block();
	test_malloc_zero();
	test_reentrant_family();
	test_buffered_stream();
	test_lock_hook();
	test_malloc_in_isr();
	CHECK(system_heap_valid());
	system_heap_report("end");
	fflush(stdout);
	malloc_stats(); /* newlib's report layout, on stderr */
	return harness_summary();
}
