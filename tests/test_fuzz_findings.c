/*
 * test_fuzz_findings.c: one named test for each bug the differential
 * fuzzer (tests/fuzz/) found. Its input is committed in tests/fuzz/regress/;
 * the test here says what it taught in a few calls.
 */
#include <string.h>

#include "sys_heap_define.h"
#include "tests.h"

struct walk_max {
	size_t largest_free;
	uint32_t free_chunks;
};

static void note_free(void *ctx, void *mem, size_t bytes, bool used)
{
	struct walk_max *w = ctx;

	(void)mem;
	if (!used) {
		w->free_chunks++;
		if (bytes > w->largest_free) {
			w->largest_free = bytes;
		}
	}
}

/*
 * A free chunk smaller than the block prefix (guards, or caller tracing)
 * was reported as serving its bytes minus the prefix, which wrapped to
 * nearly SIZE_MAX (regress/walk-free-chunk-underflow.bin).
 */
static void test_walk_small_free_chunk(void)
{
	struct sys_heap heap;
	const size_t bytes = 1024u;
	uint8_t *region = guarded_region(0u, bytes);
	struct walk_max w = { 0u, 0u };

	sys_heap_init(&heap, region, bytes);
	void *a = sys_heap_alloc(&heap, 20u);
	void *b = sys_heap_alloc(&heap, 20u);

	if (!CHECK(a != NULL && b != NULL)) {
		return;
	}
	sys_heap_free(&heap, a);
	void *c = sys_heap_alloc(&heap, 1u);

	sys_heap_walk(&heap, note_free, &w);
	CHECK(w.free_chunks >= 1u);
	CHECK(w.largest_free < bytes);
	sys_heap_free(&heap, c);
	sys_heap_free(&heap, b);
	CHECK(sys_heap_validate(&heap));
}

/*
 * A granular heap whose only free chunk is one granule too small to serve
 * anything had a fragmentation figure below zero, printed as 4294967234
 * (from level GUARDS up, where the prefix and canary need more than a
 * granule).
 */
static void test_info_one_granule_free(void)
{
	const size_t granule = 32u;
	bool found = false;

	/* Fill heaps of a few sizes with the smallest blocks; in some of them
	 * exactly one granule is left over. */
	for (size_t extra = 0u; extra < 4u * granule && !found; extra += granule) {
		struct sys_heap heap;
		struct sys_heap_options opt = { granule, 0u };
		size_t bytes = 2048u + extra;
		uint8_t *region = guarded_region(0u, bytes);

		if (!CHECK(region != NULL) || !CHECK(sys_heap_init_with(&heap, region, bytes, &opt))) {
			return;
		}
		while (sys_heap_alloc(&heap, 1u) != NULL) {
		}
		struct sys_heap_info info;

		if (!CHECK_EQ(sys_heap_info_get(&heap, &info), 0)) {
			return;
		}
		if (info.free_chunks == 1u && info.free_bytes == granule) {
			found = true;
			CHECK(info.fragmentation_permille <= 1000u);
			CHECK(sys_heap_validate(&heap));
		}
	}
	CHECK(found);
}

/*
 * With SYS_HEAP_HEADER_FORMAT = SMALL, init clips a region to the largest
 * small heap, so SYS_HEAP_OVERHEAD(n) must count what is clipped, and
 * SYS_HEAP_BYTES_FOR(n) of a request no small heap can serve must refuse
 * (SIZE_MAX; SYS_HEAP_DEFINE refuses such sizes at compile time:
 * tests/compile_fail/small_format_too_big.c).
 */
static void test_small_format_sizing(void)
{
	const size_t n = 300000u;

	if (sizeof(void *) > 4u || SYS_HEAP_HEADER_FORMAT != SYS_HEAP_HEADER_SMALL) {
		harness_skip("fuzz_findings: small-format sizing needs a 32-bit SMALL build");
		return;
	}
	CHECK_EQ(SYS_HEAP_BYTES_FOR(n), SIZE_MAX);
	if (guarded_region_max(0u) < n) {
		harness_skip("fuzz_findings: small-format sizing needs a 300 KB arena");
		return;
	}
	struct sys_heap heap;
	struct sys_memory_stats s;

	sys_heap_init(&heap, guarded_region(0u, n), n);
	if (CHECK_EQ(sys_heap_runtime_stats_get(&heap, &s), 0)) {
		CHECK(s.free_bytes + SYS_HEAP_OVERHEAD(n) >= n);
	}
	/* The largest promise that can be kept is kept. */
	size_t biggest = Z_SYS_HEAP_SMALL_MAX_REQUEST;

	CHECK(SYS_HEAP_BYTES_FOR(biggest) <= n);
	void *p = sys_heap_alloc(&heap, biggest);

	CHECK(p != NULL);
	sys_heap_free(&heap, p);
}

void test_fuzz_findings(void)
{
	test_walk_small_free_chunk();
	test_info_one_granule_free();
	test_small_format_sizing();
}
