/*
 * tests.h: what every suite shares: the build-time sizes, the one arena,
 * the suites' entry points, and the heap checking helpers.
 *
 * Sizes and effort are macros with host defaults; a small-RAM board
 * overrides them with -D:
 *
 *   TEST_BIG_HEAP_BYTES  size of test_arena, the one big buffer all suites
 *                        share. Host: 4 MiB. Tests that need more than the
 *                        arena holds (heaps above 256 KiB, several MiB)
 *                        print `skip:` and run what still fits.
 *   TEST_HEAP_BYTES      the "small heap" most suites use. Host: 64 KiB.
 *                        Must leave 1 KiB of the arena spare.
 *   TEST_SCALE           factor on the iteration counts of the heavy loops:
 *                        1 on the host; e.g. 0.25 for slow emulation. It may
 *                        be a floating constant: it is only used in constant
 *                        expressions the compiler folds.
 *   TEST_STRESS_SCRATCH_BYTES  live-block table handed to sys_heap_stress
 *                        (host: 4 KiB); the small stress heap is as big.
 */
#ifndef TESTS_TESTS_H
#define TESTS_TESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "sys_heap.h"

#if !SYS_HEAP_STATS
#error "the tests check the runtime statistics: build them with SYS_HEAP_STATS=1"
#endif

/* Heaps above 256 KiB exist on every configuration but a 32-bit one fixed
 * to small headers, which clips regions to the largest small heap. */
#define TEST_BIG_HEAPS_POSSIBLE \
	(sizeof(void *) > 4u || SYS_HEAP_HEADER_FORMAT != SYS_HEAP_HEADER_SMALL)

#ifndef TEST_BIG_HEAP_BYTES
#define TEST_BIG_HEAP_BYTES (4u * 1024u * 1024u)
#endif

#ifndef TEST_HEAP_BYTES
#define TEST_HEAP_BYTES (64u * 1024u)
#endif

#ifndef TEST_SCALE
#define TEST_SCALE 1
#endif

#ifndef TEST_STRESS_SCRATCH_BYTES
#define TEST_STRESS_SCRATCH_BYTES 4096u
#endif

/* The heap of the small stress scenarios. The rig keeps at most
 * scratch / (its entry) blocks live, mostly small ones, so on a heap much
 * bigger than the scratch it runs out of table long before the heap
 * fills, and neither "half full" nor "full" is ever reached. A heap as big
 * as the scratch (the seed used a 2 KiB heap) fills before the table. */
#ifndef TEST_STRESS_HEAP_BYTES
#define TEST_STRESS_HEAP_BYTES \
	(TEST_STRESS_SCRATCH_BYTES < TEST_HEAP_BYTES ? TEST_STRESS_SCRATCH_BYTES : TEST_HEAP_BYTES)
#endif

_Static_assert(TEST_HEAP_BYTES + 1024u <= TEST_BIG_HEAP_BYTES,
	       "TEST_BIG_HEAP_BYTES (the shared arena) must hold TEST_HEAP_BYTES plus 1 KiB");
_Static_assert(TEST_HEAP_BYTES >= 2048u, "the suites need at least a 2 KiB heap");

/* The plain layout: each block's chunk header right before its memory,
 * nothing else per block. Guards (hardening 2 and up) and caller tracing
 * put a prefix in between, so a few white-box checks only hold without. */
#define TEST_NATURAL_LAYOUT (SYS_HEAP_HARDENING < 2 && !SYS_HEAP_TRACE_CALLERS && !SYS_HEAP_OWNERS)
/* A granular heap's usable sizes are whole granules, except from level
 * GUARDS up, where usable_size() is the request and the canary fills the
 * rest of the last granule (sys_heap_options.granule). */
#define USABLE_ON_GRANULE(usable, granule) \
	(SYS_HEAP_HARDENING >= 2 || (usable) % (granule) == 0u)

/* Most bytes a block costs beyond its usable size: its header and the
 * rounding to the natural granule, plus the guard prefix and canary when
 * hardening adds them and the caller record when tracing does. */
#define TEST_BLOCK_OVERHEAD_MAX \
	(2u * SYS_HEAP_NATURAL_ALIGN + (SYS_HEAP_HARDENING >= 2 ? 32u : 0u) + \
	 (SYS_HEAP_TRACE_CALLERS ? 4u * sizeof(void *) : 0u) + (SYS_HEAP_OWNERS ? 16u : 0u))

/* Sizes for tests that grow or move one block: small enough for a
 * small board's heap, large enough to need a move on the host. */
#define TEST_GROW_BYTES (TEST_HEAP_BYTES / 4u < 3000u ? TEST_HEAP_BYTES / 4u : 3000u)
/* The largest alignment a test asks of a TEST_HEAP_BYTES heap. */
#define TEST_BIG_ALIGN \
	(TEST_HEAP_BYTES >= 65536u ? 4096u : TEST_HEAP_BYTES >= 16384u ? 1024u : 128u)

/* An iteration count scaled by TEST_SCALE, never below 1. */
#define SCALED(n) ((uint32_t)((n) * (TEST_SCALE)) > 0u ? (uint32_t)((n) * (TEST_SCALE)) : 1u)

/* The point where heaps switch from 4-byte to 8-byte headers (32-bit). */
#define TEST_SMALL_HEAP_LIMIT (256u * 1024u)

/* The one shared buffer (tests/test_buffers.c), 64-byte aligned so that
 * offsets from it give exact misalignments. */
extern uint8_t test_arena[TEST_BIG_HEAP_BYTES];
extern uint8_t test_stress_scratch[TEST_STRESS_SCRATCH_BYTES];

/* The suites, run in this order by tests/main.c. */
void test_init(void);
void test_alloc(void);
void test_aligned(void);
void test_realloc(void);
void test_bad_input(void);
void test_stats(void);
void test_effort(void);
void test_granule(void);
void test_hardening(void);
void test_validate(void);
void test_multi(void);
void test_regions(void);
void test_define(void);
void test_locked(void);
void test_lock_kinds(void);
void test_listeners(void);
void test_record(void);
void test_report(void);
void test_stress(void);
void test_fuzz_findings(void);
void test_know(void);

/* The suite running now (set by main.c), for crash reports. */
extern const char *test_current_suite;

/* Calls of sys_heap_fatal_error(), where the library's default error hook
 * ends, counted by tests/host_default_hook.c on the host instead of
 * aborting, and the kind of the last one. Weak: on firmware, whose fatal
 * hook halts, they are absent (their address is NULL) and tests must not
 * reach the default hook. */
extern unsigned long test_default_hook_calls __attribute__((weak));
extern enum sys_heap_error test_default_hook_last __attribute__((weak));

/* The stress rig with cookies on a granular heap (tests/test_stress.c). */
void stress_granular_heap(size_t granule);

/* ---- helpers (tests/heap_helpers.c) ---- */

/* Guard bytes on each side of a region placed with guarded_region(). */
#define TEST_GUARD_BYTES 64u
#define TEST_GUARD_FILL 0xc5u

/*
 * Place a region of `bytes` bytes at `offset` (0..63 gives that
 * misalignment from a 64-byte boundary) inside test_arena, with
 * TEST_GUARD_BYTES of known fill on both sides. NULL if it does not fit.
 */
uint8_t *guarded_region(size_t offset, size_t bytes);
/* True when the guards around a guarded_region() are untouched. */
bool guards_intact(const uint8_t *region, size_t bytes);
/* Largest region guarded_region() can give at that offset. */
size_t guarded_region_max(size_t offset);

/* Stats of a heap; a failing stats call counts as a failed check. */
struct sys_memory_stats heap_stats(struct sys_heap *heap);
/* True (and a passed check) when two snapshots agree in every field. */
bool stats_equal(const struct sys_memory_stats *a, const struct sys_memory_stats *b);
#define CHECK_STATS_EQUAL(a, b) CHECK(stats_equal((a), (b)))

/* Content patterns: byte i of a block is a function of (seed, i), so a
 * moved or overwritten byte shows up. */
void fill_pattern(void *mem, size_t bytes, uint32_t seed);
bool pattern_intact(const void *mem, size_t bytes, uint32_t seed);
/* The same over a live block's whole usable size (sys_heap_usable_size):
 * every byte the caller may write, slack included. */
void fill_usable(struct sys_heap *heap, void *mem, uint32_t seed);
bool usable_intact(struct sys_heap *heap, void *mem, uint32_t seed);

/*
 * The common contract of every block handed out: not NULL, aligned to
 * `align`, at least `bytes` usable, and wholly inside the region the heap
 * was initialised with. Returns true when all hold.
 */
#define check_block(heap, mem, bytes, align) \
	check_block_at((heap), (mem), (bytes), (align), __FILE__, __LINE__)
bool check_block_at(struct sys_heap *heap, const void *mem, size_t bytes, size_t align,
		    const char *file, int line);

/* The largest n for which sys_heap_alloc(heap, n) succeeds right now
 * (binary search; the heap is left as it was). 0 if nothing fits. */
size_t largest_alloc(struct sys_heap *heap);

/* What sys_heap_walk reports, summarised and checked for order. */
struct walk_summary {
	uint32_t chunks;
	uint32_t used_chunks;
	uint32_t free_chunks;
	size_t used_bytes;   /* usable bytes of live blocks */
	size_t free_bytes;   /* usable bytes of free chunks */
	bool in_order;       /* strictly increasing, non-overlapping */
	bool adjacent_free;  /* two free chunks in a row: a missed merge */
	bool granule_ok;     /* every chunk's memory on the checked granule */
	size_t granule;      /* granule to check (set before walking) */
	const uint8_t *last_end; /* one past the previous chunk's memory, +1 */
	bool last_used;
};
struct walk_summary walk_heap(struct sys_heap *heap, size_t granule);

/* Strings, kept to the functions the suites may use (no str* calls). */
size_t text_length(const char *s);
/* <0, 0, >0 as a sorts before, equal to or after b (unsigned bytes). */
int text_compare(const char *a, const char *b);
bool text_contains(const char *haystack, const char *needle);
/* Decimal digits of value into out (at least 24 bytes), NUL-terminated. */
void text_decimal(size_t value, char *out);

/* Round up to a power of two `a`. */
static inline size_t round_up_size(size_t x, size_t a)
{
	return (x + a - 1u) & ~(a - 1u);
}

static inline bool is_aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1u)) == 0u;
}

#endif /* TESTS_TESTS_H */
