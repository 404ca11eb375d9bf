/*
 * fault_test.c: the fault-injection suite. One binary (host) or firmware
 * (QEMU) per SYS_HEAP_HARDENING level, built from the library sources with
 * that level: each bug class is injected several times (different sizes,
 * positions and written values), the error hook records what the heap
 * reported, and the level's promise is checked:
 *
 *   0 NONE    nothing. Only the injections that are harmless without checks
 *             run (they are reported as `miss`); the others would corrupt
 *             memory and are not run (`-`).
 *   1 BASIC   double free, foreign pointer, interior pointer, another
 *             heap's block, and an overflow that clobbers the next chunk's
 *             header (CORRUPT_HEADER at the free of either block).
 *   2 GUARDS  + 1-byte overflow (CANARY), underflow into the header
 *             (GUARD_HEADER).
 *   3 POISON  + write after free (USE_AFTER_FREE when the chunk is handed
 *             out again).
 *   4 FULL    all of the above; CORRUPT_HEAP (the whole-heap check on entry)
 *             is accepted for any of them.
 *
 * A promised class must be caught by every injection, with one of the
 * kinds listed for it. Then the stress rig runs with cookies and a
 * validate after every operation, and must draw no report at all.
 *
 * Output: a readable line per bug class, a machine line per class
 * (`cell|level|class|cell text|caught/runs|promised or not`) that
 * tests/fault/matrix.py turns into the detection matrix, and
 * `N passed, N failed` as the last line. Only printf is needed, so the
 * same file is a host program and a firmware main().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sys_heap.h"

#define LEVEL SYS_HEAP_HARDENING

#if !SYS_HEAP_STATS
#error "the fault suite reads the runtime statistics: build it with SYS_HEAP_STATS=1"
#endif

/* Each of the two injection heaps; the stress heap and its live-block
 * table. Small enough for a 16 KiB micro:bit. */
#ifndef FAULT_HEAP_BYTES
#define FAULT_HEAP_BYTES 2048u
#endif
#ifndef FAULT_STRESS_HEAP_BYTES
#define FAULT_STRESS_HEAP_BYTES 2048u
#endif
#ifndef FAULT_STRESS_SCRATCH_BYTES
#define FAULT_STRESS_SCRATCH_BYTES 512u
#endif
/* Stress operations per run; levels 3 and 4 make every operation (and
 * the validate after it) O(heap bytes), so they run a quarter. */
#ifndef FAULT_STRESS_OPS
#define FAULT_STRESS_OPS 3000u
#endif

#define VARIANTS 6u

#define KIND(k) (1u << (k))
#define K_FOREIGN KIND(SYS_HEAP_ERR_FOREIGN_POINTER)
#define K_DOUBLE KIND(SYS_HEAP_ERR_DOUBLE_FREE)
#define K_HEADER KIND(SYS_HEAP_ERR_CORRUPT_HEADER)
#define K_GUARD KIND(SYS_HEAP_ERR_GUARD_HEADER)
#define K_CANARY KIND(SYS_HEAP_ERR_CANARY)
#define K_UAF KIND(SYS_HEAP_ERR_USE_AFTER_FREE)
#define K_HEAP KIND(SYS_HEAP_ERR_CORRUPT_HEAP)
#define KIND_SLOTS 8u

/* What an injection came to. */
#define SETUP_FAILED (-1) /* the premise did not hold: a bug in this test */
#define NOT_CAUGHT 0      /* no report; otherwise the first kind reported */

static const char *const kind_names[KIND_SLOTS] = {
	"?",           "FOREIGN_POINTER", "DOUBLE_FREE",    "CORRUPT_HEADER",
	"GUARD_HEADER", "CANARY",          "USE_AFTER_FREE", "CORRUPT_HEAP",
};

static const char *const level_names[] = { "NONE", "BASIC", "GUARDS", "POISON", "FULL" };

static unsigned long passed;
static unsigned long failed;

static void verdict(bool ok)
{
	if (ok) {
		passed++;
	} else {
		failed++;
	}
}

/* ---- the heaps and the hook ------------------------------------------------ */

/* heap_a and heap_b side by side, so "another heap's block" is an address
 * right next to this heap's range. */
static _Alignas(16) uint8_t arena[2u * FAULT_HEAP_BYTES];
static struct sys_heap heap_a;
static struct sys_heap heap_b;

static struct {
	unsigned calls;
	struct sys_heap *heap; /* of the first report */
	enum sys_heap_error first;
	void *caller;
} hook;

static void record_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error, void *caller)
{
	(void)mem;
	if (hook.calls == 0u) {
		hook.heap = heap;
		hook.first = error;
		hook.caller = caller;
	}
	hook.calls++;
}

static void hook_reset(void)
{
	memset(&hook, 0, sizeof(hook));
}

/* The first report since hook_reset(), as an injection result. A report
 * with no caller, or from the wrong heap, is not a valid one. */
static int hook_result(const struct sys_heap *expected_heap)
{
	if (hook.calls == 0u) {
		return NOT_CAUGHT;
	}
	if (hook.heap != expected_heap || hook.caller == NULL || (unsigned)hook.first == 0u ||
	    (unsigned)hook.first >= KIND_SLOTS) {
		return SETUP_FAILED;
	}
	return (int)hook.first;
}

/* Two freshly formatted heaps over a known fill, each with the recording
 * hook (so the default hook, which halts firmware, is never reached). */
static void fresh_heaps(void)
{
	memset(arena, 0x3c, sizeof(arena));
	sys_heap_init(&heap_a, arena, FAULT_HEAP_BYTES);
	sys_heap_init(&heap_b, arena + FAULT_HEAP_BYTES, FAULT_HEAP_BYTES);
	sys_heap_set_error_hook(&heap_a, record_hook);
	sys_heap_set_error_hook(&heap_b, record_hook);
	hook_reset();
}

static const uint8_t masks[VARIANTS] = { 0xffu, 0x01u, 0x80u, 0x5au, 0x10u, 0x3cu };

/* The chunk that sys_heap_walk() visits right after the one at `mem`. */
struct next_walk {
	void *mem;
	void *next;
	bool seen;
};

static void find_next(void *ctx, void *mem, size_t bytes, bool used)
{
	struct next_walk *w = ctx;

	(void)bytes;
	(void)used;
	if (w->seen && w->next == NULL) {
		w->next = mem;
	}
	if (mem == w->mem) {
		w->seen = true;
	}
}

static bool adjacent(struct sys_heap *heap, void *left, void *right)
{
	struct next_walk w = { left, NULL, false };

	sys_heap_walk(heap, find_next, &w);
	return w.next == right;
}

/* ---- the injections -------------------------------------------------------- */

/* One byte past the request. Without guards the request is chosen with
 * slack after it, so the byte lands inside the block's own chunk (harmless
 * at levels 0 and 1: nothing to catch, nothing corrupted); with guards it
 * lands on the canary. */
static int inject_overflow1(unsigned v)
{
	static const size_t sizes[VARIANTS] = { 1u, 13u, 24u, 61u, 64u, 100u };
	size_t bytes = sizes[v];

	fresh_heaps();
	uint8_t *p = sys_heap_alloc(&heap_a, bytes);

	if (p != NULL && LEVEL < SYS_HEAP_HARDENING_GUARDS &&
	    sys_heap_usable_size(&heap_a, p) == bytes) {
		/* No slack: the byte would hit the next header. Ask for one less. */
		sys_heap_free(&heap_a, p);
		bytes--;
		p = sys_heap_alloc(&heap_a, bytes);
	}
	uint8_t *neighbour = sys_heap_alloc(&heap_a, 32u);

	if (p == NULL || neighbour == NULL || hook.calls != 0u) {
		return SETUP_FAILED;
	}
	p[bytes] ^= masks[v];
	sys_heap_free(&heap_a, p);
	sys_heap_free(&heap_a, neighbour);
	return hook_result(&heap_a);
}

/* Eight bytes from the end of the usable size (without guards: the very
 * next bytes are the neighbour's header; with guards: the canary, then
 * maybe the header), the neighbour allocated right after. Freed: the
 * overflowed block, then its neighbour. */
static int inject_overflow8(unsigned v)
{
	static const size_t sizes[VARIANTS] = { 8u, 24u, 40u, 60u, 64u, 100u };

	fresh_heaps();
	uint8_t *a = sys_heap_alloc(&heap_a, sizes[v]);
	uint8_t *b = sys_heap_alloc(&heap_a, 48u);
	uint8_t *c = sys_heap_alloc(&heap_a, 16u);

	if (a == NULL || b == NULL || c == NULL || !adjacent(&heap_a, a, b) ||
	    hook.calls != 0u) {
		return SETUP_FAILED;
	}
	size_t end = sys_heap_usable_size(&heap_a, a);

	for (size_t i = 0u; i < 8u; i++) {
		a[end + i] ^= masks[v];
	}
	sys_heap_free(&heap_a, a);
	sys_heap_free(&heap_a, b);
	sys_heap_free(&heap_a, c);
	return hook_result(&heap_a);
}

/* The byte just before the block (mem[-1]) changed: the chunk header's
 * last byte without guards, the guard word's with them. */
static int inject_underflow(unsigned v)
{
	static const size_t sizes[VARIANTS] = { 16u, 24u, 40u, 64u, 100u, 128u };

	fresh_heaps();
	uint8_t *x = sys_heap_alloc(&heap_a, 24u);
	uint8_t *a = sys_heap_alloc(&heap_a, sizes[v]);
	uint8_t *y = sys_heap_alloc(&heap_a, 24u);

	if (x == NULL || a == NULL || y == NULL || hook.calls != 0u) {
		return SETUP_FAILED;
	}
	a[-1] ^= masks[v];
	sys_heap_free(&heap_a, a);
	sys_heap_free(&heap_a, x);
	sys_heap_free(&heap_a, y);
	return hook_result(&heap_a);
}

/* A block freed twice: on its own (both neighbours live), after merging
 * into its free left neighbour, and after absorbing its free right one. */
static int inject_double_free(unsigned v)
{
	static const size_t sizes[2] = { 24u, 100u };
	size_t bytes = sizes[v / 3u];

	fresh_heaps();
	uint8_t *x = sys_heap_alloc(&heap_a, bytes);
	uint8_t *a = sys_heap_alloc(&heap_a, bytes);
	uint8_t *y = sys_heap_alloc(&heap_a, bytes);
	uint8_t *z = sys_heap_alloc(&heap_a, bytes);

	if (x == NULL || a == NULL || y == NULL || z == NULL) {
		return SETUP_FAILED;
	}
	if (v % 3u == 1u) {
		sys_heap_free(&heap_a, x);
	} else if (v % 3u == 2u) {
		sys_heap_free(&heap_a, y);
	}
	sys_heap_free(&heap_a, a);
	if (hook.calls != 0u) {
		return SETUP_FAILED;
	}
	sys_heap_free(&heap_a, a);
	return hook_result(&heap_a);
}

/* Pointers that were never this heap's: a static variable (at aligned
 * offsets), a stack array, a string literal (flash on firmware). */
static int inject_foreign(unsigned v)
{
	static _Alignas(16) uint8_t in_static[64];
	_Alignas(16) uint8_t on_stack[32];
	static const char *const literal = "not a heap block";
	void *bad;

	fresh_heaps();
	memset(on_stack, 0, sizeof(on_stack));
	if (v < 4u) {
		bad = in_static + 8u * v;
	} else if (v == 4u) {
		bad = on_stack;
	} else {
		bad = (void *)(uintptr_t)literal;
	}
	void *live = sys_heap_alloc(&heap_a, 40u);

	if (live == NULL) {
		return SETUP_FAILED;
	}
	sys_heap_free(&heap_a, bad);
	int result = hook_result(&heap_a);

	/* Refused and untouched: the heap is still consistent. */
	return sys_heap_validate(&heap_a) ? result : SETUP_FAILED;
}

/* mem + 8 and mem + 16 of a 64-byte block, over three contents of the
 * block (what the bogus "header" at the interior pointer is made of). */
static int inject_interior(unsigned v)
{
	static const uint8_t fills[3] = { 0x00u, 0xffu, 0xa5u };

	fresh_heaps();
	uint8_t *a = sys_heap_alloc(&heap_a, 64u);
	uint8_t *b = sys_heap_alloc(&heap_a, 64u);

	if (a == NULL || b == NULL) {
		return SETUP_FAILED;
	}
	memset(a, fills[v % 3u], 64u);
	sys_heap_free(&heap_a, a + (v < 3u ? 8u : 16u));
	return hook_result(&heap_a);
}

/* A live block of heap_b given to heap_a's free, and the other way round. */
static int inject_other_heap(unsigned v)
{
	static const size_t sizes[3] = { 16u, 64u, 200u };
	struct sys_heap *owner = (v % 2u == 0u) ? &heap_b : &heap_a;
	struct sys_heap *wrong = (v % 2u == 0u) ? &heap_a : &heap_b;

	fresh_heaps();
	(void)sys_heap_alloc(wrong, 40u);
	uint8_t *theirs = sys_heap_alloc(owner, sizes[v / 2u]);

	if (theirs == NULL) {
		return SETUP_FAILED;
	}
	memset(theirs, 0x77, sizes[v / 2u]);
	sys_heap_free(wrong, theirs);
	int result = hook_result(wrong);

	/* The owner's block is still live and intact, and both heaps valid. */
	if (!sys_heap_validate(owner) || !sys_heap_validate(wrong) ||
	    theirs[0] != 0x77u || theirs[sizes[v / 2u] - 1u] != 0x77u) {
		return SETUP_FAILED;
	}
	return result;
}

/* Free a block, write into it, and allocate the same size on an otherwise
 * full heap, so exactly that chunk comes back. The write skips the first 8
 * bytes, where a free chunk keeps its list links without guards (writing
 * those would corrupt the free list at the levels that cannot notice). */
static int inject_write_after_free(unsigned v)
{
	static const size_t sizes[VARIANTS] = { 16u, 16u, 40u, 40u, 100u, 100u };
	static const size_t offsets[VARIANTS] = { 8u, 15u, 20u, 39u, 8u, 50u };
	enum { MAX_BLOCKS = 128 };
	static uint8_t *blocks[MAX_BLOCKS];
	size_t bytes = sizes[v];
	unsigned count = 0u;

	fresh_heaps();
	while (count < MAX_BLOCKS && (blocks[count] = sys_heap_alloc(&heap_a, bytes)) != NULL) {
		count++;
	}
	/* Fill what is left with the smallest blocks: nothing but the freed
	 * chunk can then satisfy the allocation. */
	while (sys_heap_alloc(&heap_a, 1u) != NULL) {
	}
	if (count < 4u || count == MAX_BLOCKS || hook.calls != 0u) {
		return SETUP_FAILED;
	}
	uint8_t *victim = blocks[1u + v % (count - 2u)];

	sys_heap_free(&heap_a, victim);
	victim[offsets[v]] ^= masks[v];
	uint8_t *again = sys_heap_alloc(&heap_a, bytes);

	if (again != NULL && again != victim) {
		return SETUP_FAILED; /* the premise: the same chunk comes back */
	}
	if (again == NULL && hook.calls == 0u) {
		return SETUP_FAILED; /* refused without a report */
	}
	return hook_result(&heap_a);
}

/* ---- the contract -------------------------------------------------------- */

struct bug_class {
	const char *name;
	int (*inject)(unsigned variant);
	int promised_from; /* first level that must catch it */
	bool safe_at_0;    /* harmless without any checks, so run at level 0 */
	unsigned kinds;    /* reports that count as caught */
};

static const struct bug_class classes[] = {
	{ "1-byte overflow", inject_overflow1, SYS_HEAP_HARDENING_GUARDS, true, K_CANARY },
	{ "8-byte overflow", inject_overflow8, SYS_HEAP_HARDENING_BASIC, false,
	  K_HEADER | K_CANARY },
	{ "underflow into header", inject_underflow, SYS_HEAP_HARDENING_GUARDS, false, K_GUARD },
	{ "double free", inject_double_free, SYS_HEAP_HARDENING_BASIC, false, K_DOUBLE | K_HEADER },
	{ "foreign pointer", inject_foreign, SYS_HEAP_HARDENING_BASIC, false, K_FOREIGN },
	/* The bogus header at an interior pointer is whatever the block
	 * holds: it may read as free (DOUBLE_FREE), as nonsense
	 * (CORRUPT_HEADER), or not sit on the granule (FOREIGN_POINTER). */
	{ "interior pointer", inject_interior, SYS_HEAP_HARDENING_BASIC, false,
	  K_FOREIGN | K_HEADER | K_DOUBLE | K_GUARD },
	{ "another heap's block", inject_other_heap, SYS_HEAP_HARDENING_BASIC, false, K_FOREIGN },
	{ "write after free", inject_write_after_free, SYS_HEAP_HARDENING_POISON, true, K_UAF },
};

#define CLASS_COUNT (sizeof(classes) / sizeof(classes[0]))

static void run_class(const struct bug_class *bc)
{
	bool promised = LEVEL >= bc->promised_from;
	unsigned allowed = bc->kinds | (LEVEL >= SYS_HEAP_HARDENING_FULL ? K_HEAP : 0u);
	unsigned seen = 0u;
	unsigned caught = 0u;
	unsigned setup_failures = 0u;
	unsigned wrong_kind = 0u;
	char cell[96];

	if (LEVEL == SYS_HEAP_HARDENING_NONE && !bc->safe_at_0) {
		printf("  %-22s -  (not run: would corrupt memory without checks)\n", bc->name);
		printf("cell|%d|%s|-|0/0|%s\n", LEVEL, bc->name, promised ? "promised" : "-");
		return;
	}
	for (unsigned v = 0u; v < VARIANTS; v++) {
		int r = bc->inject(v);

		if (r == SETUP_FAILED) {
			setup_failures++;
			printf("FAIL %s, variant %u: the injection's premise did not hold\n", bc->name,
			       v);
			continue;
		}
		if (r != NOT_CAUGHT) {
			seen |= KIND((unsigned)r);
			caught++;
			if ((allowed & KIND((unsigned)r)) == 0u) {
				wrong_kind++;
				if (promised) {
					printf("FAIL %s, variant %u: reported as %s\n", bc->name, v,
					       kind_names[r]);
				}
			}
		} else if (promised) {
			printf("FAIL %s, variant %u: not caught\n", bc->name, v);
		}
	}

	/* The cell: the kinds reported, or miss; "k/n" when only some were. */
	size_t len = 0u;

	cell[0] = '\0';
	for (unsigned k = 1u; k < KIND_SLOTS; k++) {
		if ((seen & KIND(k)) != 0u) {
			len += (size_t)snprintf(cell + len, sizeof(cell) - len, "%s%s",
						len != 0u ? "/" : "", kind_names[k]);
		}
	}
	if (caught == 0u) {
		(void)snprintf(cell, sizeof(cell), "miss");
	} else if (caught < VARIANTS) {
		(void)snprintf(cell + len, sizeof(cell) - len, " %u/%u", caught, VARIANTS);
	}
	bool ok = setup_failures == 0u &&
		  (!promised || (caught == VARIANTS && wrong_kind == 0u));

	verdict(ok);
	printf("  %-22s %-34s %u/%u caught%s%s\n", bc->name, cell, caught, VARIANTS,
	       promised ? ", promised" : "", ok ? "" : "  <-- FAIL");
	printf("cell|%d|%s|%s|%u/%u|%s\n", LEVEL, bc->name, cell, caught, VARIANTS,
	       promised ? "promised" : "-");
}

/* ---- stress: no false reports ---------------------------------------------- */

static struct sys_heap stress_heap;
static _Alignas(16) uint8_t stress_mem[FAULT_STRESS_HEAP_BYTES];
static _Alignas(16) uint8_t stress_scratch[FAULT_STRESS_SCRATCH_BYTES];

static struct {
	unsigned long invalid;
	unsigned long bad_cookies;
	unsigned long bad_usable;
} stress;

static uint32_t cookie(const void *mem, size_t usable, uint32_t end)
{
	return hash32((uint32_t)(uintptr_t)mem ^ hash32((uint32_t)usable * 2u + end));
}

/* Cookies at both ends of the usable bytes (one at the start when the
 * block is too short for two). */
static void write_cookies(uint8_t *mem, size_t usable)
{
	uint32_t head = cookie(mem, usable, 0u);
	uint32_t tail = cookie(mem, usable, 1u);

	memcpy(mem, &head, usable < 4u ? usable : 4u);
	if (usable >= 8u) {
		memcpy(mem + usable - 4u, &tail, 4u);
	}
}

static bool cookies_intact(const uint8_t *mem, size_t usable)
{
	uint32_t head = cookie(mem, usable, 0u);
	uint32_t tail = cookie(mem, usable, 1u);

	return memcmp(mem, &head, usable < 4u ? usable : 4u) == 0 &&
	       (usable < 8u || memcmp(mem + usable - 4u, &tail, 4u) == 0);
}

static void *stress_alloc(void *arg, size_t bytes)
{
	uint8_t *p = sys_heap_alloc(arg, bytes);

	if (p != NULL) {
		size_t usable = sys_heap_usable_size(arg, p);

		if (usable < bytes) {
			stress.bad_usable++;
		}
		write_cookies(p, usable);
	}
	if (!sys_heap_validate(arg)) {
		stress.invalid++;
	}
	return p;
}

static void stress_free(void *arg, void *mem)
{
	if (!cookies_intact(mem, sys_heap_usable_size(arg, mem))) {
		stress.bad_cookies++;
	}
	sys_heap_free(arg, mem);
	if (!sys_heap_validate(arg)) {
		stress.invalid++;
	}
}

static void run_stress(int target, uint32_t seed)
{
	uint32_t ops = LEVEL >= SYS_HEAP_HARDENING_POISON ? FAULT_STRESS_OPS / 4u : FAULT_STRESS_OPS;
	struct z_heap_stress_result r;
	struct sys_memory_stats s;

	memset(&stress, 0, sizeof(stress));
	memset(stress_mem, 0x5a, sizeof(stress_mem));
	sys_heap_init(&stress_heap, stress_mem, sizeof(stress_mem));
	sys_heap_set_error_hook(&stress_heap, record_hook);
	hook_reset();
	sys_heap_stress_seeded(stress_alloc, stress_free, &stress_heap, sizeof(stress_mem), ops,
			       stress_scratch, sizeof(stress_scratch), target, seed, &r);
	bool drained = sys_heap_runtime_stats_get(&stress_heap, &s) == 0 && s.allocated_bytes == 0u;
	bool ok = hook.calls == 0u && stress.invalid == 0u && stress.bad_cookies == 0u &&
		  stress.bad_usable == 0u && r.successful_allocs > 0u &&
		  r.total_frees == r.successful_allocs && drained && sys_heap_validate(&stress_heap);

	verdict(ok);
	printf("  stress %3d%% full, %lu ops: %lu allocs (%lu failed), %lu frees; "
	       "%u error-hook calls, %lu invalid, %lu bad cookies%s\n",
	       target, (unsigned long)ops, (unsigned long)r.total_allocs,
	       (unsigned long)(r.total_allocs - r.successful_allocs), (unsigned long)r.total_frees,
	       hook.calls, stress.invalid, stress.bad_cookies, ok ? "" : "  <-- FAIL");
	if (hook.calls != 0u) {
		printf("FAIL stress: a false report, %s\n", kind_names[(unsigned)hook.first & 7u]);
	}
}

/* What a block costs at this level: the chunk bytes (header, guard prefix,
 * canary room, rounding) one allocation of each size takes from a fresh
 * heap, read from the statistics. */
static void print_costs(void)
{
	static const size_t sizes[] = { 1u, 8u, 24u, 64u, 100u, 256u };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	unsigned long cost[N];

	for (size_t i = 0u; i < N; i++) {
		struct sys_memory_stats before;
		struct sys_memory_stats after;

		fresh_heaps();
		(void)sys_heap_runtime_stats_get(&heap_a, &before);
		void *p = sys_heap_alloc(&heap_a, sizes[i]);

		(void)sys_heap_runtime_stats_get(&heap_a, &after);
		cost[i] = p != NULL ? (unsigned long)(after.allocated_bytes - before.allocated_bytes)
				    : 0ul;
	}
	printf("  bytes a block takes (request -> chunk bytes):");
	for (size_t i = 0u; i < N; i++) {
		printf(" %lu -> %lu%s", (unsigned long)sizes[i], cost[i], i + 1u < N ? "," : "\n");
	}
	for (size_t i = 0u; i < N; i++) {
		printf("cost|%d|%lu|%lu\n", LEVEL, (unsigned long)sizes[i], cost[i]);
	}
}

int main(void)
{
	fresh_heaps();
	printf("fault injection at SYS_HEAP_HARDENING=%d (%s), %u-bit pointers, "
	       "%u-byte chunk headers, blocks %u bytes after their chunk, %u runs per class\n",
	       LEVEL, level_names[LEVEL], (unsigned)(8u * sizeof(void *)),
	       (unsigned)(sizeof(void *) > 4u || heap_a.heap->big != 0u ? 8u : 4u),
	       (unsigned)heap_a.heap->mem_offset, VARIANTS);
	print_costs();
	for (size_t i = 0u; i < CLASS_COUNT; i++) {
		run_class(&classes[i]);
		(void)fflush(stdout);
	}
	run_stress(50, 0x1234567u);
	run_stress(100, 0x89abcdeu);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed == 0u ? 0 : 1;
}
