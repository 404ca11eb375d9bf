/*
 * test_know.c: the "know your heap" calls: sys_heap_largest_free() and
 * sys_heap_largest_free_chunk() against a walk of the heap (random
 * layouts, a crowded bucket, many equal chunks), the low-water marks
 * against a model kept by the test, and the out-of-memory hook's one
 * bounded retry.
 */
#include <string.h>

#include "tests.h"

/* The largest request one free chunk serves, from a walk: the reference
 * the bounded queries are held to. */
static void note_largest(void *ctx, void *mem, size_t bytes, bool used)
{
	size_t *largest = ctx;

	(void)mem;
	if (!used && bytes > *largest) {
		*largest = bytes;
	}
}

static size_t walk_largest(struct sys_heap *heap)
{
	size_t largest = 0u;

	sys_heap_walk(heap, note_largest, &largest);
	return largest;
}

/* One step of a random workload over the `n` slots of `live`: free a
 * live block or fill an empty slot, mostly small, one time in eight up
 * to `big` bytes, a third of them aligned when `aligned_too`. True when
 * an allocation was tried and failed. */
static bool random_step(struct sys_heap *heap, void **live, size_t n, uint32_t *seed, size_t big,
			bool aligned_too)
{
	*seed = *seed * 1103515245u + 12345u;
	size_t slot = (*seed >> 8) % n;

	if (live[slot] != NULL) {
		sys_heap_free(heap, live[slot]);
		live[slot] = NULL;
		return false;
	}
	size_t limit = ((*seed >> 20) % 8u == 0u) ? big : 96u;
	size_t bytes = 1u + (*seed >> 12) % limit;

	if (aligned_too && (*seed >> 24) % 3u == 0u) {
		live[slot] = sys_heap_aligned_alloc(heap, 64u, bytes);
	} else {
		live[slot] = sys_heap_alloc(heap, bytes);
	}
	return live[slot] == NULL;
}

/* What the queries must say of any heap, checked against a walk; and the
 * guaranteed size must be served, by every effort. */
static bool largest_agrees_with_walk(struct sys_heap *heap)
{
	bool exact = false;
	size_t walked = walk_largest(heap);
	size_t sure = sys_heap_largest_free(heap);
	size_t largest = sys_heap_largest_free_chunk(heap, &exact);
	bool ok = CHECK(sure <= walked) && CHECK(largest <= walked) &&
		  CHECK(!exact || largest == walked) &&
		  /* The top bucket holds less than twice its lower bound. */
		  CHECK(walked <= 2u * sure + TEST_BLOCK_OVERHEAD_MAX);

	if (exact && largest != 0u) {
		ok &= CHECK(largest >= sure);
	}
	if (sure != 0u) {
		static const enum sys_heap_effort efforts[] = { SYS_HEAP_EFFORT_FAST,
								SYS_HEAP_EFFORT_DEFAULT,
								SYS_HEAP_EFFORT_FIT };
		void *p = sys_heap_alloc(heap, sure);

		ok &= CHECK(p != NULL);
		sys_heap_free(heap, p);
		for (size_t i = 0u; i < sizeof(efforts) / sizeof(efforts[0]); i++) {
			p = sys_heap_alloc_effort(heap, sure, efforts[i]);
			ok &= CHECK(p != NULL);
			sys_heap_free(heap, p);
		}
		p = sys_heap_aligned_alloc(heap, SYS_HEAP_NATURAL_ALIGN, sure);
		ok &= CHECK(p != NULL);
		sys_heap_free(heap, p);
	}
	return ok & CHECK(sys_heap_validate(heap));
}

static void test_largest_bad_input(void)
{
	struct sys_heap zeroed;
	bool exact = false;

	memset(&zeroed, 0, sizeof(zeroed));
	CHECK_EQ(sys_heap_largest_free(NULL), 0u);
	CHECK_EQ(sys_heap_largest_free(&zeroed), 0u);
	CHECK_EQ(sys_heap_largest_free_chunk(NULL, &exact), 0u);
	CHECK(exact);
	CHECK_EQ(sys_heap_largest_free_chunk(&zeroed, NULL), 0u);
}

static void test_largest_fresh_and_full(void)
{
	struct sys_heap heap;
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	bool exact = false;

	if (!CHECK(region != NULL)) {
		return;
	}
	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	/* One free chunk: the exact answer is all of it, and served. */
	size_t all = sys_heap_largest_free_chunk(&heap, &exact);

	CHECK(exact);
	CHECK_EQ(all, walk_largest(&heap));
	largest_agrees_with_walk(&heap);

	void *p = sys_heap_alloc(&heap, all);

	CHECK(p != NULL);
	CHECK_EQ(sys_heap_largest_free(&heap), 0u);
	CHECK_EQ(sys_heap_largest_free_chunk(&heap, &exact), walk_largest(&heap));
	sys_heap_free(&heap, p);
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

/* Random allocs and frees, the queries checked after every step; on a
 * natural heap (granule 0) and on granular (DMA) ones. */
static void test_largest_random_layouts(size_t granule)
{
	struct sys_heap heap;
	struct sys_heap_options opt = { granule, 0u };
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	void *live[48];
	uint32_t seed = 0x2545f491u + (uint32_t)granule;
	bool ok = true;

	if (!CHECK(region != NULL) ||
	    !CHECK(sys_heap_init_with(&heap, region, TEST_HEAP_BYTES, &opt))) {
		return;
	}
	memset(live, 0, sizeof(live));
	for (uint32_t step = 0u; step < SCALED(1500) && ok; step++) {
		/* Now and then a big one, so the top bucket moves up and down. */
		(void)random_step(&heap, live, sizeof(live) / sizeof(live[0]), &seed,
				  TEST_HEAP_BYTES / 6u, false);
		ok = largest_agrees_with_walk(&heap);
	}
	for (size_t i = 0u; i < sizeof(live) / sizeof(live[0]); i++) {
		sys_heap_free(&heap, live[i]);
	}
	CHECK(ok);
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

#if SYS_HEAP_STATS
/* Block overhead in bytes: what a fresh heap's one free chunk holds less
 * what it serves. */
static size_t block_overhead(struct sys_heap *heap)
{
	return heap_stats(heap).free_bytes - walk_largest(heap);
}
#endif

/*
 * The adversarial layout: the top bucket crowded with more chunks of its
 * smallest size than sys_heap_largest_free_chunk() reads, and the one
 * chunk near the bucket's largest size filed behind them all. The scan
 * must say it is not exact; the guaranteed size must still be the crowd's;
 * once the crowd is thinned to the scan's bound the answer is exact.
 */
static void test_largest_crowded_bucket(void)
{
#if SYS_HEAP_STATS
	enum { CROWD = SYS_HEAP_LARGEST_FREE_SCAN + 8 };
	struct sys_heap heap;
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	void *crowd[CROWD];
	bool exact = true;

	if (!CHECK(region != NULL)) {
		return;
	}
	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	size_t overhead = block_overhead(&heap);
	/* A bucket [units, 2 units): its smallest size and, on the granule
	 * of a 64-bit host too, nearly its largest. */
	size_t units = 8u;

	while (units * 8u < 2u * overhead + 16u) {
		units *= 2u;
	}
	size_t small = units * 8u - overhead;
	size_t big = (2u * units - 2u) * 8u - overhead;

	if ((CROWD + 2u) * (units * 8u + 64u) + big > TEST_HEAP_BYTES) {
		harness_skip("know: crowded bucket needs a bigger TEST_HEAP_BYTES");
		return;
	}
	/* crowd, separator, crowd, separator, ..., big, separator, rest. */
	for (size_t i = 0u; i < CROWD; i++) {
		crowd[i] = sys_heap_alloc(&heap, small);
		CHECK(crowd[i] != NULL);
		CHECK(sys_heap_alloc(&heap, 1u) != NULL);
	}
	void *huge = sys_heap_alloc(&heap, big);

	CHECK(huge != NULL);
	CHECK(sys_heap_alloc(&heap, 1u) != NULL);
	CHECK(sys_heap_alloc(&heap, walk_largest(&heap)) != NULL);
	CHECK_EQ(sys_heap_largest_free(&heap), 0u);

	/* Many equal chunks: the answer is right even though unread ones
	 * remain, so it is not called exact. */
	for (size_t i = 0u; i < CROWD; i++) {
		sys_heap_free(&heap, crowd[i]);
	}
	CHECK_EQ(walk_largest(&heap), small);
	CHECK_EQ(sys_heap_largest_free(&heap), small);
	CHECK_EQ(sys_heap_largest_free_chunk(&heap, &exact), small);
	CHECK(!exact);

	/* One huge chunk behind the crowd. */
	sys_heap_free(&heap, huge);
	CHECK_EQ(walk_largest(&heap), big);
	CHECK_EQ(sys_heap_largest_free(&heap), small);
	CHECK_EQ(sys_heap_largest_free_chunk(&heap, &exact), small);
	CHECK(!exact);
	largest_agrees_with_walk(&heap);

	/* Take the crowd's heads until the bucket holds what the scan reads. */
	for (size_t i = 0u; i + SYS_HEAP_LARGEST_FREE_SCAN < CROWD + 1u; i++) {
		CHECK(sys_heap_alloc(&heap, small) != NULL);
	}
	CHECK_EQ(sys_heap_largest_free_chunk(&heap, &exact), big);
	CHECK(exact);
	CHECK_EQ(sys_heap_largest_free(&heap), small);
	largest_agrees_with_walk(&heap);
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
#else
	harness_skip("know: crowded bucket sizes its chunks from the statistics");
#endif
}

#if SYS_HEAP_WATERMARKS
/* What the marks must be, kept by the test from the public calls. */
struct marks_model {
	size_t min_free;
	size_t min_sure;
	uint32_t failed;
};

static void model_note(struct marks_model *m, struct sys_heap *heap)
{
	size_t free_bytes = heap_stats(heap).free_bytes;
	size_t sure = sys_heap_largest_free(heap);

	if (free_bytes < m->min_free) {
		m->min_free = free_bytes;
	}
	if (sure < m->min_sure) {
		m->min_sure = sure;
	}
}

static bool marks_match(struct sys_heap *heap, const struct marks_model *m)
{
	struct sys_heap_watermarks w;
	size_t free_bytes = heap_stats(heap).free_bytes;
	size_t sure = sys_heap_largest_free(heap);
	uint32_t frag = (free_bytes == 0u) ? 1000u
					   : (uint32_t)(1000u - (uint64_t)sure * 1000u / free_bytes);

	return CHECK_EQ(sys_heap_watermarks_get(heap, &w), 0) &&
	       CHECK_EQ(w.min_free_bytes, m->min_free) &&
	       CHECK_EQ(w.min_guaranteed_bytes, m->min_sure) &&
	       CHECK_EQ(w.failed_allocs, m->failed) &&
	       CHECK_EQ(w.fragmentation_permille, frag) && CHECK(frag <= 1000u);
}
#endif

static void test_watermarks(void)
{
	struct sys_heap heap;
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	struct sys_heap_watermarks w;

	if (!CHECK(region != NULL)) {
		return;
	}
	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	CHECK_EQ(sys_heap_watermarks_get(NULL, &w), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_watermarks_reset(NULL), SYS_HEAP_ERR_INVALID);
#if SYS_HEAP_WATERMARKS
	CHECK_EQ(sys_heap_watermarks_get(&heap, NULL), SYS_HEAP_ERR_INVALID);

	struct marks_model m = { SIZE_MAX, SIZE_MAX, 0u };
	void *live[32];
	uint32_t seed = 0x9e3779b9u;
	uint32_t failures = 0u;
	bool ok = true;

	model_note(&m, &heap);
	ok &= marks_match(&heap, &m);
	memset(live, 0, sizeof(live));
	for (uint32_t step = 0u; step < SCALED(1200) && ok; step++) {
		/* Aligned allocs too: they keep the marks as well. Big enough
		 * that the heap runs out now and then. */
		if (random_step(&heap, live, sizeof(live) / sizeof(live[0]), &seed,
				TEST_HEAP_BYTES / 2u, true)) {
			m.failed++;
			failures++;
		}
		model_note(&m, &heap);
		ok &= marks_match(&heap, &m);
		/* Reset now and then: the marks start again from here. */
		if (step % 400u == 399u) {
			ok &= CHECK_EQ(sys_heap_watermarks_reset(&heap), 0);
			m.min_free = SIZE_MAX;
			m.min_sure = SIZE_MAX;
			m.failed = 0u;
			model_note(&m, &heap);
			ok &= marks_match(&heap, &m);
		}
	}
	/* Neither 0 bytes nor a request beyond the heap counts as running
	 * out, and the free bytes never went below the low mark. */
	CHECK(sys_heap_alloc(&heap, 0u) == NULL);
	CHECK(sys_heap_alloc(&heap, SIZE_MAX / 2u) == NULL);
	marks_match(&heap, &m);
	CHECK(ok);
	/* The sizes are chosen so that the heap runs out now and then. */
	CHECK(failures != 0u);
	for (size_t i = 0u; i < sizeof(live) / sizeof(live[0]); i++) {
		sys_heap_free(&heap, live[i]);
	}
	/* With everything freed the index says one request takes it all,
	 * to within the bucket's factor of two (and a block's overhead). */
	CHECK_EQ(sys_heap_watermarks_get(&heap, &w), 0);
	CHECK(w.fragmentation_permille <=
	      500u + 1000u * TEST_BLOCK_OVERHEAD_MAX / (TEST_HEAP_BYTES / 2u));
#else
	CHECK_EQ(sys_heap_watermarks_get(&heap, &w), SYS_HEAP_ERR_UNSUPPORTED);
	CHECK_EQ(sys_heap_watermarks_reset(&heap), SYS_HEAP_ERR_UNSUPPORTED);
#endif
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

#if SYS_HEAP_OOM_HOOK
struct oom_log {
	struct sys_heap *heap;
	unsigned calls;
	size_t bytes;
	size_t align;
	void *caller;
	enum sys_heap_oom_reason reason;
	void *reserve;   /* freed by the hook when set */
	bool retry;      /* what the hook answers */
	bool nested;     /* the hook allocates too much itself */
	void *nested_got;
};

static bool oom_hook(struct sys_heap *heap, size_t bytes, size_t align, void *caller,
		     enum sys_heap_oom_reason reason, void *ctx)
{
	struct oom_log *log = ctx;

	log->heap = heap;
	log->calls++;
	log->bytes = bytes;
	log->align = align;
	log->caller = caller;
	log->reason = reason;
	if (log->nested) {
		log->nested_got = sys_heap_alloc(heap, bytes);
	}
	if (log->reserve != NULL) {
		sys_heap_free(heap, log->reserve);
		log->reserve = NULL;
	}
	return log->retry;
}

static void oom_reset(struct oom_log *log)
{
	memset(log, 0, sizeof(*log));
}
#endif

static void test_oom_hook(void)
{
	struct sys_heap heap;
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);

	if (!CHECK(region != NULL)) {
		return;
	}
	CHECK_EQ(sys_heap_set_oom_hook(NULL, NULL, NULL), SYS_HEAP_ERR_INVALID);
	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
#if SYS_HEAP_OOM_HOOK
	struct oom_log log;
	size_t third = TEST_HEAP_BYTES / 3u;

	oom_reset(&log);
	CHECK_EQ(sys_heap_set_oom_hook(&heap, oom_hook, &log), 0);
	void *a = sys_heap_alloc(&heap, third);
	void *b = sys_heap_alloc(&heap, third);

	CHECK(a != NULL && b != NULL);
	CHECK_EQ(log.calls, 0u);

	/* The hook drops a cache and asks again: the call succeeds. */
	log.reserve = b;
	log.retry = true;
	void *c = sys_heap_alloc(&heap, third + third / 2u);

	CHECK(c != NULL);
	CHECK_EQ(log.calls, 1u);
	CHECK(log.heap == &heap);
	CHECK_EQ(log.bytes, third + third / 2u);
	CHECK_EQ(log.align, 0u);
	CHECK(log.caller != NULL);
	CHECK_EQ(log.reason, SYS_HEAP_OOM_NO_MEMORY);
	CHECK(sys_heap_validate(&heap));

	/* Asking for a retry without releasing anything: one retry, no more
	 * calls, NULL. */
	oom_reset(&log);
	log.retry = true;
	CHECK(sys_heap_alloc(&heap, third + third / 2u) == NULL);
	CHECK_EQ(log.calls, 1u);

	/* Declining: NULL at once. Every allocating call reaches the hook;
	 * aligned ones with their alignment. */
	oom_reset(&log);
	CHECK(sys_heap_alloc_effort(&heap, third + third / 2u, SYS_HEAP_EFFORT_FAST) == NULL);
	CHECK(sys_heap_aligned_alloc(&heap, TEST_BIG_ALIGN, third + third / 2u) == NULL);
	CHECK_EQ(log.align, TEST_BIG_ALIGN);
	CHECK(sys_heap_realloc(&heap, a, TEST_HEAP_BYTES - third / 2u) == NULL);
	CHECK_EQ(log.align, 0u);
	CHECK_EQ(log.calls, 3u);

	/* Never re-entered: the hook's own failing allocation returns NULL
	 * without a second call. */
	oom_reset(&log);
	log.nested = true;
	log.retry = true;
	CHECK(sys_heap_alloc(&heap, third + third / 2u) == NULL);
	CHECK_EQ(log.calls, 1u);
	CHECK(log.nested_got == NULL);

	/* A request beyond the heap is bad input, not running out. */
	oom_reset(&log);
	CHECK(sys_heap_alloc(&heap, SIZE_MAX / 2u) == NULL);
	CHECK_EQ(log.calls, 0u);

	/* Removed: no more calls. */
	CHECK_EQ(sys_heap_set_oom_hook(&heap, NULL, NULL), 0);
	CHECK(sys_heap_alloc(&heap, third + third / 2u) == NULL);
	CHECK_EQ(log.calls, 0u);
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, c);
	CHECK(sys_heap_validate(&heap));
#else
	CHECK_EQ(sys_heap_set_oom_hook(&heap, NULL, NULL), SYS_HEAP_ERR_UNSUPPORTED);
#endif
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
}

#if SYS_HEAP_OWNERS
static uint32_t context_owner; /* what the owner hook answers */

static uint32_t owner_of_context(void *ctx)
{
	return *(const uint32_t *)ctx;
}

/* Every owner's bytes add up to the heap's allocated bytes. */
static bool owners_add_up(struct sys_heap *heap)
{
	size_t sum = 0u;

	for (uint32_t o = 0u; o < SYS_HEAP_OWNERS; o++) {
		struct sys_heap_owner_stats st;

		if (!CHECK_EQ(sys_heap_owner_stats_get(heap, o, &st), 0)) {
			return false;
		}
		CHECK(st.peak_bytes >= st.bytes);
		sum += st.bytes;
	}
#if SYS_HEAP_STATS
	return CHECK_EQ(sum, heap_stats(heap).allocated_bytes);
#else
	return true;
#endif
}

static size_t owner_bytes(struct sys_heap *heap, uint32_t owner)
{
	struct sys_heap_owner_stats st = { 0u, 0u, 0u };

	(void)sys_heap_owner_stats_get(heap, owner, &st);
	return st.bytes;
}

struct leak_text {
	char text[2048];
	size_t len;
};

static void leak_print(void *ctx, const char *piece)
{
	struct leak_text *t = ctx;

	for (size_t i = 0u; piece[i] != '\0' && t->len + 1u < sizeof(t->text); i++) {
		t->text[t->len++] = piece[i];
	}
	t->text[t->len] = '\0';
}

#if SYS_HEAP_OOM_HOOK
struct quota_log {
	unsigned calls;
	enum sys_heap_oom_reason reason;
	void *release; /* freed by the hook */
};

static bool quota_hook(struct sys_heap *heap, size_t bytes, size_t align, void *caller,
		       enum sys_heap_oom_reason reason, void *ctx)
{
	struct quota_log *log = ctx;

	(void)bytes;
	(void)align;
	(void)caller;
	log->calls++;
	log->reason = reason;
	sys_heap_free(heap, log->release);
	log->release = NULL;
	return true;
}
#endif
#endif

/* Owners: per-block ids set per call or by the context hook, O(1) counts
 * and peaks that add up to the heap's, limits that refuse and tell the
 * OOM hook why, and the leak report grouped by owner. */
static void test_owners(void)
{
#if SYS_HEAP_OWNERS
	static struct sys_heap_owners table;
	static struct sys_heap_owners other;
	struct sys_heap heap;
	uint8_t *region = guarded_region(0u, TEST_HEAP_BYTES);
	const uint32_t last = SYS_HEAP_OWNERS - 1u;

	if (!CHECK(region != NULL)) {
		return;
	}
	sys_heap_init(&heap, region, TEST_HEAP_BYTES);
	CHECK_EQ(sys_heap_owner_stats_get(&heap, 0u, NULL), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_set_owner_hook(&heap, owner_of_context, &context_owner),
		 SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_owners_attach(NULL, &table), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_owners_attach(&heap, NULL), SYS_HEAP_ERR_INVALID);
#if SYS_HEAP_STATS
	void *early = sys_heap_alloc(&heap, 16u);

	CHECK_EQ(sys_heap_owners_attach(&heap, &table), SYS_HEAP_ERR_INVALID);
	sys_heap_free(&heap, early);
#endif
	CHECK_EQ(sys_heap_owners_attach(&heap, &table), 0);
	CHECK_EQ(sys_heap_owners_attach(&heap, &other), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_set_owner_hook(&heap, owner_of_context, &context_owner), 0);

	/* The hook names the owner; an id out of range counts as 0. */
	context_owner = 1u;
	void *a = sys_heap_alloc(&heap, 100u);
	context_owner = SYS_HEAP_OWNERS + 5u;
	void *z = sys_heap_alloc(&heap, 40u);
	context_owner = 1u;
	void *d = sys_heap_aligned_alloc(&heap, 64u, 50u);
	/* Per call, over the hook. */
	void *b = sys_heap_alloc_owned(&heap, 200u, last);

	CHECK(a != NULL && z != NULL && b != NULL && d != NULL);
	CHECK(sys_heap_alloc_owned(&heap, 8u, SYS_HEAP_OWNERS) == NULL);
	CHECK_EQ(sys_heap_get_owner(&heap, a), 1u);
	CHECK_EQ(sys_heap_get_owner(&heap, z), 0u);
	CHECK_EQ(sys_heap_get_owner(&heap, d), 1u);
	CHECK_EQ(sys_heap_get_owner(&heap, b), last);
	CHECK_EQ(sys_heap_get_owner(&heap, NULL), (uint32_t)SYS_HEAP_OWNERS);
	CHECK(owner_bytes(&heap, 1u) > 150u && owner_bytes(&heap, last) > 200u);
	owners_add_up(&heap);

	/* Realloc in place keeps the owner and its count right. */
	size_t before = owner_bytes(&heap, last);
	void *b2 = sys_heap_realloc(&heap, b, 64u);

	CHECK(b2 == b);
	CHECK_EQ(sys_heap_get_owner(&heap, b2), last);
	CHECK(owner_bytes(&heap, last) < before);
	owners_add_up(&heap);

	/* A limit: what would pass it is refused; the peak restarts. The
	 * room left holds one 16-byte block in every layout (64 bytes, or
	 * more where guards, caller records and the owner word make a block
	 * cost more), never 200 bytes. */
	struct sys_heap_owner_stats st;
	const size_t room = 16u + TEST_BLOCK_OVERHEAD_MAX > 64u ? 16u + TEST_BLOCK_OVERHEAD_MAX : 64u;

	CHECK_EQ(sys_heap_owner_set_limit(&heap, 1u, owner_bytes(&heap, 1u) + room), 0);
	CHECK_EQ(sys_heap_owner_set_limit(&heap, SYS_HEAP_OWNERS, 1u), SYS_HEAP_ERR_INVALID);
	CHECK(sys_heap_alloc(&heap, 200u) == NULL);
	CHECK(sys_heap_aligned_alloc(&heap, 64u, 200u) == NULL);
	void *small = sys_heap_alloc(&heap, 16u);

	CHECK(small != NULL);
	CHECK_EQ(sys_heap_owner_stats_get(&heap, 1u, &st), 0);
	CHECK(st.bytes <= st.limit_bytes && st.peak_bytes == st.bytes);
	/* Other owners are not limited by owner 1's quota. */
	void *zero = sys_heap_alloc_owned(&heap, 200u, 0u);

	CHECK(zero != NULL);
#if SYS_HEAP_OOM_HOOK
	struct quota_log log = { 0u, SYS_HEAP_OOM_NO_MEMORY, a };

	sys_heap_set_oom_hook(&heap, quota_hook, &log);
	void *again = sys_heap_alloc(&heap, 90u); /* fits once `a` is freed */

	CHECK(again != NULL);
	CHECK_EQ(log.calls, 1u);
	CHECK_EQ(log.reason, SYS_HEAP_OOM_QUOTA);
	a = again;
	sys_heap_set_oom_hook(&heap, NULL, NULL);
#endif
	owners_add_up(&heap);

	/* The leak report groups by owner. */
	static struct leak_text leak;

	leak.len = 0u;
	leak.text[0] = '\0';
	sys_heap_leak_report(&heap, leak_print, &leak);
	char line[48] = "owner ";

	text_decimal(last, line + 6);
	CHECK(text_contains(leak.text, line));
	CHECK(text_contains(leak.text, "owner 1:  "));
	CHECK(text_contains(leak.text, "owner 0:  "));

	/* Free everything: every count back to 0. */
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, z);
	sys_heap_free(&heap, d);
	sys_heap_free(&heap, b2);
	sys_heap_free(&heap, small);
	sys_heap_free(&heap, zero);
	for (uint32_t o = 0u; o < SYS_HEAP_OWNERS; o++) {
		CHECK_EQ(owner_bytes(&heap, o), 0u);
	}
	CHECK(sys_heap_validate(&heap));
	CHECK(guards_intact(region, TEST_HEAP_BYTES));
#endif
}

void test_know(void)
{
	test_largest_bad_input();
	test_largest_fresh_and_full();
	test_largest_random_layouts(0u);
	test_largest_random_layouts(32u);
	test_largest_random_layouts(64u);
	test_largest_crowded_bucket();
	test_watermarks();
	test_oom_hook();
	test_owners();
}
