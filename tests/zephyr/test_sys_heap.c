/*
 * test_sys_heap.c: Zephyr's sys_heap API as a Zephyr test uses it, written
 * from Zephyr's documentation: only Zephyr's headers and Zephyr's calls
 * (SYS_HEAP_DEFINE, ours, only to give sys_heap_array_get() something to
 * find). Every operation is followed by sys_heap_validate().
 */
#include <zephyr/ztest.h>
#include <zephyr/sys/sys_heap.h>

#include "sys_heap_define.h"

#define HEAP_BYTES 4096u
#define STRESS_OPS 2000u

/* Aligned like Zephyr's tests do it; offsets into it test other starts. */
static uint8_t heapmem[HEAP_BYTES + 64u] __attribute__((aligned(64)));
static uint8_t scratchmem[1024];
static struct sys_heap heap;

static void *validated_alloc(void *arg, size_t bytes)
{
	struct sys_heap *h = arg;
	void *p = sys_heap_alloc(h, bytes);

	if (!sys_heap_validate(h)) {
		printf("    heap invalid after alloc(%lu)\n", (unsigned long)bytes);
		return NULL;
	}
	if (p != NULL) {
		memset(p, 0xa5, bytes);
	}
	return p;
}

static int invalid_frees;

static void validated_free(void *arg, void *p)
{
	struct sys_heap *h = arg;

	sys_heap_free(h, p);
	if (!sys_heap_validate(h)) {
		invalid_frees++;
	}
}

static bool is_aligned(const void *p, size_t align)
{
	return align == 0u || ((uintptr_t)p & (align - 1u)) == 0u;
}

static void fill(uint8_t *p, size_t bytes, uint8_t seed)
{
	for (size_t i = 0u; i < bytes; i++) {
		p[i] = (uint8_t)(seed + i * 7u);
	}
}

static bool filled(const uint8_t *p, size_t bytes, uint8_t seed)
{
	for (size_t i = 0u; i < bytes; i++) {
		if (p[i] != (uint8_t)(seed + i * 7u)) {
			return false;
		}
	}
	return true;
}

ZTEST_SUITE(lib_heap, NULL, NULL, NULL, NULL, NULL);

/* A heap of Z_HEAP_MIN_SIZE bytes serves a 1-byte request, at every start
 * offset. */
ZTEST(lib_heap, test_min_size)
{
	for (size_t offset = 0u; offset < 16u; offset++) {
		sys_heap_init(&heap, &heapmem[offset], Z_HEAP_MIN_SIZE);
		void *p = sys_heap_alloc(&heap, 1);

		zassert_not_null(p, "no 1-byte block in Z_HEAP_MIN_SIZE at offset %u",
				 (unsigned)offset);
		zassert_true(sys_heap_validate(&heap));
		sys_heap_free(&heap, p);
		zassert_true(sys_heap_validate(&heap));
	}
}

/* Z_HEAP_MIN_SIZE_FOR(n) bytes serve one request of n, at every start
 * offset; Z_HEAP_MIN_SIZE is Z_HEAP_MIN_SIZE_FOR(1). */
ZTEST(lib_heap, test_min_size_for)
{
	static const size_t sizes[] = { 1, 8, 12, 100, 1000, 2000 };

	zassert_equal(Z_HEAP_MIN_SIZE, Z_HEAP_MIN_SIZE_FOR(1));
	for (size_t i = 0u; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t bytes = Z_HEAP_MIN_SIZE_FOR(sizes[i]);

		zassert_true(bytes > sizes[i]);
		zassert_true(bytes + 8u <= sizeof(heapmem), "heapmem too small for %u",
			     (unsigned)sizes[i]);
		for (size_t offset = 0u; offset < 8u; offset++) {
			sys_heap_init(&heap, &heapmem[offset], bytes);
			void *p = sys_heap_alloc(&heap, sizes[i]);

			zassert_not_null(p, "no %u-byte block at offset %u", (unsigned)sizes[i],
					 (unsigned)offset);
			zassert_true(sys_heap_usable_size(&heap, p) >= sizes[i]);
			zassert_true(sys_heap_validate(&heap));
		}
	}
}

/* Runtime statistics as Zephyr reports them: -EINVAL for NULL, bytes in
 * use going up and down, a peak that reset_max brings down. */
ZTEST(lib_heap, test_runtime_stats)
{
	struct sys_memory_stats stats;

	sys_heap_init(&heap, heapmem, HEAP_BYTES);
	zassert_equal(sys_heap_runtime_stats_get(NULL, &stats), -22);
	zassert_equal(sys_heap_runtime_stats_get(&heap, NULL), -22);
	zassert_equal(sys_heap_runtime_stats_reset_max(NULL), -22);
	zassert_equal(sys_heap_runtime_stats_get(&heap, &stats), 0);
	zassert_equal(stats.allocated_bytes, 0u);
	size_t free_at_start = stats.free_bytes;

	void *a = sys_heap_alloc(&heap, 500);
	void *b = sys_heap_alloc(&heap, 100);

	zassert_not_null(a);
	zassert_not_null(b);
	zassert_true(sys_heap_usable_size(&heap, a) >= 500u);
	zassert_equal(sys_heap_runtime_stats_get(&heap, &stats), 0);
	zassert_true(stats.allocated_bytes >= 600u);
	zassert_equal(stats.allocated_bytes + stats.free_bytes, free_at_start);
	size_t peak = stats.max_allocated_bytes;

	sys_heap_free(&heap, a);
	zassert_equal(sys_heap_runtime_stats_get(&heap, &stats), 0);
	zassert_equal(stats.max_allocated_bytes, peak);
	zassert_equal(sys_heap_runtime_stats_reset_max(&heap), 0);
	zassert_equal(sys_heap_runtime_stats_get(&heap, &stats), 0);
	zassert_equal(stats.max_allocated_bytes, stats.allocated_bytes);
	zassert_true(stats.max_allocated_bytes < peak);
	sys_heap_free(&heap, b);
	zassert_true(sys_heap_validate(&heap));
}

static void run_stress(int target_percent, struct z_heap_stress_result *result)
{
	sys_heap_init(&heap, heapmem, HEAP_BYTES);
	invalid_frees = 0;
	sys_heap_stress(validated_alloc, validated_free, &heap, HEAP_BYTES, STRESS_OPS,
			scratchmem, sizeof(scratchmem), target_percent, result);
	TC_PRINT("    %d%%: %u allocs, %u successful, %u frees, average %u bytes in use\n",
		 target_percent, (unsigned)result->total_allocs,
		 (unsigned)result->successful_allocs, (unsigned)result->total_frees,
		 (unsigned)(result->accumulated_in_use_bytes / STRESS_OPS));
}

/* Zephyr's 9-argument rig at 50 % fill: the heap stays valid after every
 * operation, and most allocations succeed. */
ZTEST(lib_heap, test_stress_50)
{
	struct z_heap_stress_result result;

	run_stress(50, &result);
	zassert_equal(invalid_frees, 0);
	zassert_true(result.total_allocs > 0u);
	zassert_true(result.successful_allocs * 2u > result.total_allocs);
	zassert_true(result.total_frees >= result.successful_allocs - 1u);
	zassert_true(result.accumulated_in_use_bytes > 0u);
	zassert_true(sys_heap_validate(&heap));

	/* The same arguments run the same sequence. */
	struct z_heap_stress_result again;

	run_stress(50, &again);
	zassert_equal(again.total_allocs, result.total_allocs);
	zassert_equal(again.successful_allocs, result.successful_allocs);
	zassert_true(again.accumulated_in_use_bytes == result.accumulated_in_use_bytes);
}

/* At 100 % the heap runs full: allocations fail, the heap stays valid. */
ZTEST(lib_heap, test_stress_100)
{
	struct z_heap_stress_result result;

	run_stress(100, &result);
	zassert_equal(invalid_frees, 0);
	zassert_true(result.successful_allocs > 0u);
	zassert_true(result.successful_allocs < result.total_allocs,
		     "a full heap must refuse some requests");
	zassert_true(sys_heap_validate(&heap));
}

/* Align 0 is plain alloc; every power of two up to a quarter of the heap
 * is honoured. */
ZTEST(lib_heap, test_aligned_alloc)
{
	sys_heap_init(&heap, heapmem, HEAP_BYTES);
	void *plain = sys_heap_aligned_alloc(&heap, 0, 40);

	zassert_not_null(plain);
	zassert_true(is_aligned(plain, sizeof(void *)));
	zassert_true(sys_heap_validate(&heap));

	for (size_t align = 1u; align <= HEAP_BYTES / 4u; align *= 2u) {
		void *p = sys_heap_aligned_alloc(&heap, align, 24);

		zassert_not_null(p, "align %u", (unsigned)align);
		zassert_true(is_aligned(p, align), "%p not aligned to %u", p, (unsigned)align);
		zassert_true(sys_heap_validate(&heap));
		sys_heap_free(&heap, p);
		zassert_true(sys_heap_validate(&heap));
	}
	sys_heap_free(&heap, plain);
	zassert_true(sys_heap_validate(&heap));
}

/* sys_heap_realloc and sys_heap_aligned_realloc with align 0 shrink and
 * grow in place where they can, keep the contents, allocate from NULL and
 * free at 0 bytes. */
ZTEST(lib_heap, test_realloc_align_zero)
{
	sys_heap_init(&heap, heapmem, HEAP_BYTES);
	uint8_t *p = sys_heap_aligned_realloc(&heap, NULL, 0, 200);

	zassert_not_null(p);
	fill(p, 200, 3);
	zassert_equal_ptr(sys_heap_aligned_realloc(&heap, p, 0, 64), p, "shrink moved");
	zassert_true(filled(p, 64, 3));
	zassert_equal_ptr(sys_heap_realloc(&heap, p, 32), p, "shrink moved");
	zassert_equal_ptr(sys_heap_aligned_realloc(&heap, p, 0, 1000), p, "grow moved");
	zassert_true(filled(p, 32, 3));
	zassert_true(sys_heap_validate(&heap));

	/* A live right neighbour: growing moves, the contents follow. */
	void *wall = sys_heap_alloc(&heap, 16);

	zassert_not_null(wall);
	fill(p, 1000, 5);
	uint8_t *q = sys_heap_aligned_realloc(&heap, p, 0, 1500);

	zassert_not_null(q);
	zassert_true(filled(q, 1000, 5));
	zassert_true(sys_heap_validate(&heap));
	zassert_is_null(sys_heap_aligned_realloc(&heap, q, 0, 0));
	sys_heap_free(&heap, wall);
	zassert_true(sys_heap_validate(&heap));
}

/* Realloc through increasing alignments: each result is aligned and keeps
 * the contents. */
ZTEST(lib_heap, test_realloc_increasing_alignment)
{
	sys_heap_init(&heap, heapmem, HEAP_BYTES);
	uint8_t *p = sys_heap_alloc(&heap, 48);

	zassert_not_null(p);
	fill(p, 48, 9);
	for (size_t align = 0u; align <= 512u; align = align != 0u ? align * 2u : 1u) {
		size_t bytes = 48u + align / 4u;
		uint8_t *q = sys_heap_aligned_realloc(&heap, p, align, bytes);

		zassert_not_null(q, "align %u", (unsigned)align);
		zassert_true(is_aligned(q, align), "%p not aligned to %u", q, (unsigned)align);
		zassert_true(filled(q, 48, 9), "contents lost at align %u", (unsigned)align);
		zassert_true(sys_heap_validate(&heap));
		p = q;
	}
	sys_heap_free(&heap, p);
	zassert_true(sys_heap_validate(&heap));
}

/* sys_heap_print_info goes through the output function, which this test
 * replaces (and echoes to stdout, as Zephyr prints to its console). */
static char printed[4096];
static size_t printed_len;

void sys_heap_print_output(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stdout);
	for (; *text != '\0' && printed_len + 1u < sizeof(printed); text++) {
		printed[printed_len++] = *text;
	}
	printed[printed_len] = '\0';
}

/* Lines of the chunk dump ("chunk 0x... used|free N") of one kind. */
static unsigned count_chunk_lines(const char *kind)
{
	unsigned n = 0u;

	for (const char *line = printed; *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

		if (strncmp(line, "chunk 0x", 8) == 0) {
			const char *k = strstr(line, kind);

			n += k != NULL && k < line + len;
		}
		line += len + (end != NULL);
	}
	return n;
}

ZTEST(lib_heap, test_print_info)
{
	sys_heap_init(&heap, heapmem, HEAP_BYTES);
	void *a = sys_heap_alloc(&heap, 100);
	void *b = sys_heap_alloc(&heap, 300);

	zassert_not_null(a);
	zassert_not_null(b);
	sys_heap_free(&heap, a);

	printed_len = 0u;
	printed[0] = '\0';
	sys_heap_print_info(&heap, false);
	zassert_true(strstr(printed, "bucket") != NULL, "no bucket table");
	zassert_equal(count_chunk_lines(" "), 0u, "chunks dumped unasked");

	printed_len = 0u;
	printed[0] = '\0';
	sys_heap_print_info(&heap, true);
	zassert_true(strstr(printed, "bucket") != NULL, "no bucket table");
	zassert_equal(count_chunk_lines(" used "), 1u, "one live block");
	zassert_true(count_chunk_lines(" free ") >= 1u, "the free chunks");
	sys_heap_free(&heap, b);
	zassert_true(sys_heap_validate(&heap));
}

SYS_HEAP_DEFINE(zephyr_suite_heap, 1024);

static bool listed(struct sys_heap **heaps, int count, const struct sys_heap *h)
{
	for (int i = 0; i < count; i++) {
		if (heaps[i] == h) {
			return true;
		}
	}
	return false;
}

/* Every SYS_HEAP_DEFINE heap is listed; a run-time heap once saved. */
ZTEST(lib_heap, test_heap_array)
{
	struct sys_heap **heaps = NULL;
	static struct sys_heap runtime_heap;
	int count = sys_heap_array_get(&heaps);

	zassert_true(count >= 1, "got %d", count);
	zassert_not_null(heaps);
	zassert_true(listed(heaps, count, &zephyr_suite_heap));
	zassert_false(listed(heaps, count, &runtime_heap));

	sys_heap_init(&runtime_heap, &heapmem[HEAP_BYTES / 2u], HEAP_BYTES / 2u);
	zassert_equal(sys_heap_array_save(&runtime_heap), 0);
	zassert_equal(sys_heap_array_save(&runtime_heap), 0, "saved twice");
	zassert_equal(sys_heap_array_save(&zephyr_suite_heap), 0);
	int again = sys_heap_array_get(&heaps);

	zassert_equal(again, count + 1, "one more heap, listed once");
	zassert_true(listed(heaps, again, &runtime_heap));
	zassert_true(listed(heaps, again, &zephyr_suite_heap));
	zassert_equal(sys_heap_array_get(NULL), -22, "NULL is -EINVAL");
	zassert_equal(sys_heap_array_save(NULL), -22, "NULL is -EINVAL");

	/* Saving more than the array holds is refused, not dropped. */
	static struct sys_heap extra[SYS_HEAP_ARRAY_SIZE];
	int refused = 0;

	for (size_t i = 0u; i < SYS_HEAP_ARRAY_SIZE; i++) {
		refused += sys_heap_array_save(&extra[i]) != 0;
	}
	zassert_true(refused > 0, "the array took more than SYS_HEAP_ARRAY_SIZE");
	zassert_equal(sys_heap_array_get(&heaps), SYS_HEAP_ARRAY_SIZE);
	zassert_true(listed(heaps, SYS_HEAP_ARRAY_SIZE, &runtime_heap));
}
