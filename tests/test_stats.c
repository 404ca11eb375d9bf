/*
 * test_stats.c: runtime statistics exact after every operation, checked
 * against an independent account from sys_heap_walk; the walk itself in
 * strictly increasing address order with exactly the live blocks the test
 * holds.
 */
#include <stdio.h>
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

static void test_simple_sequence(void)
{
	sys_heap_init(&heap, guarded_region(6u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	struct sys_memory_stats s0 = heap_stats(&heap);
	size_t total = s0.free_bytes + s0.allocated_bytes;

	CHECK_EQ(s0.allocated_bytes, 0u);
	CHECK_EQ(s0.max_allocated_bytes, 0u);

	void *a = sys_heap_alloc(&heap, 100u);
	struct sys_memory_stats s1 = heap_stats(&heap);

	/* A block costs at least what was asked for, headers included. */
	CHECK(s1.allocated_bytes >= 100u);
	CHECK(s1.allocated_bytes <= 100u + TEST_BLOCK_OVERHEAD_MAX);
	CHECK_EQ(s1.free_bytes + s1.allocated_bytes, total);
	CHECK_EQ(s1.max_allocated_bytes, s1.allocated_bytes);

	void *b = sys_heap_alloc(&heap, 1000u);
	struct sys_memory_stats s2 = heap_stats(&heap);

	CHECK(s2.allocated_bytes >= s1.allocated_bytes + 1000u);
	CHECK_EQ(s2.free_bytes + s2.allocated_bytes, total);
	CHECK_EQ(s2.max_allocated_bytes, s2.allocated_bytes);

	/* Freeing gives back exactly what the block took. */
	sys_heap_free(&heap, b);
	struct sys_memory_stats s3 = heap_stats(&heap);

	CHECK_EQ(s3.allocated_bytes, s1.allocated_bytes);
	CHECK_EQ(s3.free_bytes, s1.free_bytes);
	CHECK_EQ(s3.max_allocated_bytes, s2.allocated_bytes); /* the peak stays */

	CHECK_EQ(sys_heap_runtime_stats_reset_max(&heap), 0);
	CHECK_EQ(heap_stats(&heap).max_allocated_bytes, s1.allocated_bytes);

	sys_heap_free(&heap, a);
	struct sys_memory_stats s4 = heap_stats(&heap);

	CHECK_EQ(s4.allocated_bytes, 0u);
	CHECK_EQ(s4.free_bytes, total);
	CHECK_EQ(s4.max_allocated_bytes, s1.allocated_bytes);
	CHECK_EQ(sys_heap_runtime_stats_reset_max(&heap), 0);
	CHECK_EQ(heap_stats(&heap).max_allocated_bytes, 0u);
}

/* ---- the randomized run ---- */

/* The walk records a few more used chunks than the test can hold, so
 * an extra one shows as a count mismatch rather than an overflow. */
enum { SLOTS = 48, MAX_WALKED = SLOTS + 8 };

struct live_block {
	void *mem;
	size_t size;
	uint32_t seed;
};

/* Used blocks as the walk reports them, in walk order. */
struct walk_record {
	void *mem[MAX_WALKED];
	size_t bytes[MAX_WALKED];
	uint32_t used;
	uint32_t overflow;
};

static void record_used(void *ctx, void *mem, size_t bytes, bool used)
{
	struct walk_record *w = ctx;

	if (!used) {
		return;
	}
	if (w->used < MAX_WALKED) {
		w->mem[w->used] = mem;
		w->bytes[w->used] = bytes;
		w->used++;
	} else {
		w->overflow++;
	}
}

/* The walk's live blocks must be exactly the test's, with the usable
 * sizes usable_size reports. The walk lists them in address order, so
 * a binary search finds each of ours. */
static bool walk_matches(struct live_block *slots, uint32_t live)
{
	static struct walk_record w;

	memset(&w, 0, sizeof(w));
	sys_heap_walk(&heap, record_used, &w);
	if (w.overflow != 0u || w.used != live) {
		return false;
	}
	for (uint32_t i = 0u; i < SLOTS; i++) {
		if (slots[i].mem == NULL) {
			continue;
		}
		uint32_t lo = 0u;
		uint32_t hi = w.used;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2u;

			if ((uintptr_t)w.mem[mid] < (uintptr_t)slots[i].mem) {
				lo = mid + 1u;
			} else {
				hi = mid;
			}
		}
		if (lo == w.used || w.mem[lo] != slots[i].mem ||
		    w.bytes[lo] != sys_heap_usable_size(&heap, slots[i].mem)) {
			return false;
		}
	}
	return true;
}

struct run_state {
	size_t total;          /* free + allocated, constant */
	size_t expected_max;   /* running max of allocated at op boundaries */
	size_t header;         /* whole chunk minus usable bytes, learnt once */
	unsigned long failures;
};

/*
 * After every operation: the stats add up, the peak is the running peak,
 * and the walk accounts for every byte: each chunk is its usable bytes
 * plus one fixed per-chunk overhead, the same for used and free chunks.
 */
static void check_after_op(struct run_state *st, const struct sys_memory_stats *now,
			   struct live_block *slots, uint32_t live, const char *op)
{
	struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);
	bool ok = true;

	ok &= now->free_bytes + now->allocated_bytes == st->total;
	ok &= now->max_allocated_bytes == st->expected_max;
	ok &= walk.in_order && !walk.adjacent_free && walk.granule_ok;
	ok &= walk.used_chunks == live;
	ok &= now->allocated_bytes >= walk.used_bytes && now->free_bytes >= walk.free_bytes;
#if !TEST_NATURAL_LAYOUT
	/* With guards or tracing, a live block's usable size leaves out its
	 * prefix (and a canary that depends on the size asked for): bounds,
	 * not a constant. */
	ok &= now->allocated_bytes - walk.used_bytes <= walk.used_chunks * TEST_BLOCK_OVERHEAD_MAX;
	ok &= now->allocated_bytes - walk.used_bytes >= walk.used_chunks * 4u;
	if (walk.used_chunks == 0u && st->header == 0u && walk.free_chunks != 0u) {
		st->header = (now->free_bytes - walk.free_bytes) / walk.free_chunks;
	}
#else
	if (walk.used_chunks != 0u) {
		size_t per_chunk = (now->allocated_bytes - walk.used_bytes) / walk.used_chunks;

		ok &= per_chunk * walk.used_chunks == now->allocated_bytes - walk.used_bytes;
		if (st->header == 0u) {
			st->header = per_chunk;
		}
		ok &= per_chunk == st->header;
	}
#endif
	/* A free chunk smaller than a block's header, prefix and canary
	 * serves nothing: the walk says 0, and it holds less than that. */
	if (walk.free_chunks != 0u && st->header != 0u) {
		ok &= now->free_bytes - walk.free_bytes <= walk.free_chunks * st->header;
	}
	ok &= walk_matches(slots, live);
	ok &= sys_heap_validate(&heap);
	if (!ok) {
		st->failures++;
		if (st->failures <= 3u) {
			printf("     stats/walk mismatch after %s\n", op);
		}
	}
}

static void test_randomized_stats(void)
{
	static struct live_block slots[SLOTS];
	struct run_state st;
	struct rng rng;
	uint32_t live = 0u;

	memset(slots, 0, sizeof(slots));
	memset(&st, 0, sizeof(st));
	rng_seed(&rng, 0x57a75u);
	sys_heap_init(&heap, guarded_region(13u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	struct sys_memory_stats prev = heap_stats(&heap);

	st.total = prev.free_bytes + prev.allocated_bytes;

	for (uint32_t op = 0u; op < SCALED(4000u); op++) {
		struct live_block *s = &slots[rng_below(&rng, SLOTS)];
		uint32_t kind = rng_below(&rng, 16u);
		const char *name;
		struct sys_memory_stats now;

		if (kind == 0u) {
			name = "reset_max";
			CHECK_EQ(sys_heap_runtime_stats_reset_max(&heap), 0);
			now = heap_stats(&heap);
			st.expected_max = now.allocated_bytes;
			CHECK_EQ(now.allocated_bytes, prev.allocated_bytes);
		} else if (kind == 1u) {
			name = "impossible alloc";
			CHECK(sys_heap_alloc(&heap, TEST_HEAP_BYTES * 2u) == NULL);
			now = heap_stats(&heap);
			CHECK_STATS_EQUAL(&now, &prev);
		} else if (s->mem != NULL && kind < 8u) {
			name = "free";
			size_t usable = sys_heap_usable_size(&heap, s->mem);

			CHECK(pattern_intact(s->mem, s->size, s->seed));
			sys_heap_free(&heap, s->mem);
			s->mem = NULL;
			live--;
			now = heap_stats(&heap);
			/* Gives back the usable bytes and at least a header. */
			CHECK(now.allocated_bytes + usable < prev.allocated_bytes);
		} else if (s->mem != NULL) {
			name = "realloc";
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 32u);
			void *r = sys_heap_realloc(&heap, s->mem, size);

			now = heap_stats(&heap);
			if (r != NULL) {
				size_t kept = s->size < size ? s->size : size;

				CHECK(pattern_intact(r, kept, s->seed));
				s->mem = r;
				s->size = size;
				fill_pattern(r, size, s->seed);
			} else {
				CHECK_STATS_EQUAL(&now, &prev);
			}
			/* A moving realloc holds both blocks for a moment: the
			 * peak may include that instant, but no more. */
			if (now.max_allocated_bytes > st.expected_max) {
				CHECK(now.max_allocated_bytes <= prev.allocated_bytes + now.allocated_bytes);
				st.expected_max = now.max_allocated_bytes;
			}
		} else {
			name = "alloc";
			size_t size = rng_size(&rng, TEST_HEAP_BYTES / 32u);
			uint32_t how = rng_below(&rng, 4u);
			void *p = how == 0u ? sys_heap_alloc(&heap, size)
				  : how == 1u ? sys_heap_aligned_alloc(&heap, (size_t)16u << rng_below(&rng, 6u), size)
				  : how == 2u ? sys_heap_alloc_effort(&heap, size, SYS_HEAP_EFFORT_FIT)
					      : sys_heap_alloc_effort(&heap, size, SYS_HEAP_EFFORT_FAST);

			now = heap_stats(&heap);
			if (p != NULL) {
				/* Takes the usable bytes and at least a header. */
				CHECK(now.allocated_bytes > prev.allocated_bytes + sys_heap_usable_size(&heap, p));
				s->mem = p;
				s->size = size;
				s->seed = rng_next(&rng);
				fill_pattern(p, size, s->seed);
				live++;
			} else {
				CHECK_STATS_EQUAL(&now, &prev);
			}
		}
		if (now.allocated_bytes > st.expected_max) {
			st.expected_max = now.allocated_bytes;
		}
		check_after_op(&st, &now, slots, live, name);
		prev = now;
	}
	CHECK_EQ(st.failures, 0u);
	/* The per-chunk overhead the walk implied is a header: small. */
	CHECK(st.header > 0u && st.header <= TEST_BLOCK_OVERHEAD_MAX);

	for (uint32_t i = 0u; i < SLOTS; i++) {
		if (slots[i].mem != NULL) {
			sys_heap_free(&heap, slots[i].mem);
			slots[i].mem = NULL;
		}
	}
	struct sys_memory_stats end = heap_stats(&heap);

	CHECK_EQ(end.allocated_bytes, 0u);
	CHECK_EQ(end.free_bytes, st.total);
	CHECK_EQ(end.max_allocated_bytes, st.expected_max);
	CHECK(sys_heap_validate(&heap));
}

/* The walk visits every chunk once, in address order, and covers the
 * heap: used + free + headers is everything the stats count. */
static void test_walk_covers_heap(void)
{
	struct rng rng;
	void *blocks[32];

	rng_seed(&rng, 0x3a1cu);
	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	for (uint32_t i = 0u; i < 32u; i++) {
		blocks[i] = sys_heap_alloc(&heap, rng_size(&rng, TEST_HEAP_BYTES / 128u));
	}
	for (uint32_t i = 0u; i < 32u; i += 3u) {
		sys_heap_free(&heap, blocks[i]);
	}
	struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);
	struct sys_memory_stats stats = heap_stats(&heap);

	CHECK(walk.in_order);
	CHECK(!walk.adjacent_free);
	CHECK_EQ(walk.used_chunks, 32u - 11u);
	CHECK_EQ(walk.chunks, walk.used_chunks + walk.free_chunks);
	CHECK(walk.used_bytes + walk.free_bytes < stats.free_bytes + stats.allocated_bytes);
	CHECK(walk.used_bytes + walk.free_bytes + walk.chunks * TEST_BLOCK_OVERHEAD_MAX >=
	      stats.free_bytes + stats.allocated_bytes);
	CHECK(sys_heap_validate(&heap));
}

void test_stats(void)
{
	test_simple_sequence();
	test_randomized_stats();
	test_walk_covers_heap();
}
