/*
 * test_report.c: the diagnostics built on the walk. sys_heap_info_get
 * agrees with the stats and with an independent walk (chunk counts, the
 * largest free block, each bucket's count, the fragmentation figure);
 * the printed report and leak report carry those figures, one line per
 * chunk or live block; caller tracing answers as configured.
 */
#include <stdio.h>
#include <string.h>

#include "tests.h"

static struct sys_heap heap;

/* What a print callback received: the start of the text (for searching)
 * and counts of the rest, so small boards need no big buffer. */
struct capture {
	char head[640];
	size_t head_len;
	size_t total;
	unsigned lines;
	bool bad_piece; /* an empty or overlong piece */
};

static struct capture cap;

static void capture_print(void *ctx, const char *text)
{
	struct capture *c = ctx;
	size_t n = text_length(text);

	if (n == 0u || n > 200u) {
		c->bad_piece = true;
	}
	for (size_t i = 0u; i < n; i++) {
		if (text[i] == '\n') {
			c->lines++;
		}
	}
	if (c->head_len + n < sizeof(c->head)) {
		memcpy(c->head + c->head_len, text, n + 1u);
		c->head_len += n;
	}
	c->total += n;
}

static void capture_reset(void)
{
	memset(&cap, 0, sizeof(cap));
}

/* The decimal form of `value` appears in the captured text. */
static bool captured_number(size_t value)
{
	char digits[24];

	text_decimal(value, digits);
	return text_contains(cap.head, digits);
}

/* The walk's view: free chunks by bucket (their whole size in 8-byte
 * units, header included: the bucket rule in sys_heap.h), and the
 * largest. */
struct free_walk {
	size_t header;     /* whole chunk minus usable bytes */
	size_t unit;
	size_t largest;
	size_t free_usable;
	uint32_t chunks;
	uint32_t used;
	uint32_t per_bucket[SYS_HEAP_MAX_BUCKETS];
};

static void walk_free(void *ctx, void *mem, size_t bytes, bool used)
{
	struct free_walk *w = ctx;

	(void)mem;
	if (used) {
		w->used++;
		return;
	}
	w->chunks++;
	w->free_usable += bytes;
	if (bytes > w->largest) {
		w->largest = bytes;
	}
	size_t units = (bytes + w->header) / w->unit;
	uint32_t b = 0u;

	while (units >> (b + 1u) != 0u) {
		b++;
	}
	if (b < SYS_HEAP_MAX_BUCKETS) {
		w->per_bucket[b]++;
	}
}

static void check_info(void)
{
	struct sys_heap_info info;
	struct sys_memory_stats stats = heap_stats(&heap);
	struct walk_summary summary = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);
	struct free_walk w;

	if (!CHECK_EQ(sys_heap_info_get(&heap, &info), 0)) {
		return;
	}
	CHECK_EQ(info.total_bytes, stats.free_bytes + stats.allocated_bytes);
	CHECK_EQ(info.free_bytes, stats.free_bytes);
	CHECK_EQ(info.used_chunks, summary.used_chunks);
	CHECK_EQ(info.free_chunks, summary.free_chunks);
	CHECK(info.bucket_count >= 1u && info.bucket_count <= SYS_HEAP_MAX_BUCKETS);

	memset(&w, 0, sizeof(w));
	w.unit = SYS_HEAP_CHUNK_UNIT;
	w.header = summary.free_chunks != 0u
			   ? (stats.free_bytes - summary.free_bytes) / summary.free_chunks
			   : 0u;
	sys_heap_walk(&heap, walk_free, &w);
	CHECK_EQ(info.largest_free_bytes, w.largest);
	uint32_t listed = 0u;

	for (uint32_t b = 0u; b < SYS_HEAP_MAX_BUCKETS; b++) {
		CHECK_EQ(info.bucket_chunks[b], b < info.bucket_count ? w.per_bucket[b] : 0u);
		listed += info.bucket_chunks[b];
	}
	CHECK_EQ(listed, info.free_chunks);
	/* 1000 * (1 - largest / all free), whichever of usable or whole
	 * bytes the figure uses for the largest chunk. */
	if (info.free_bytes != 0u) {
		size_t from_usable = 1000u - (w.largest * 1000u) / info.free_bytes;
		size_t from_whole = 1000u - ((w.largest + w.header) * 1000u) / info.free_bytes;

		CHECK(info.fragmentation_permille <= from_usable &&
		      info.fragmentation_permille + 1u >= from_whole);
	}
	if (info.free_chunks == 1u) {
		CHECK(info.fragmentation_permille <= 10u);
	}
}

static void test_info(void)
{
	struct sys_heap_info info;
	static struct sys_heap zeroed;

	sys_heap_init(&heap, guarded_region(3u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	check_info();
	CHECK_EQ(sys_heap_info_get(&heap, &info), 0);
	/* Fresh: one free chunk, as big as the largest allocation. */
	CHECK_EQ(info.free_chunks, 1u);
	CHECK_EQ(info.used_chunks, 0u);
	CHECK_EQ(info.largest_free_bytes, largest_alloc(&heap));
	CHECK_EQ(info.fragmentation_permille, 0u);

	/* Fragmented: free chunks of many sizes between live blocks. */
	void *blocks[40];

	for (uint32_t i = 0u; i < 40u; i++) {
		blocks[i] = sys_heap_alloc(&heap, 8u + (i * 37u) % (TEST_HEAP_BYTES / 64u));
	}
	for (uint32_t i = 0u; i < 40u; i += 2u) {
		sys_heap_free(&heap, blocks[i]);
	}
	check_info();
	CHECK_EQ(sys_heap_info_get(&heap, &info), 0);
	CHECK(info.free_chunks > 10u);
	CHECK(info.fragmentation_permille > 0u);
	for (uint32_t i = 1u; i < 40u; i += 2u) {
		sys_heap_free(&heap, blocks[i]);
	}
	check_info();

	CHECK_EQ(sys_heap_info_get(&zeroed, &info), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_info_get(NULL, &info), SYS_HEAP_ERR_INVALID);
	CHECK_EQ(sys_heap_info_get(&heap, NULL), SYS_HEAP_ERR_INVALID);
}

static void test_report_text(void)
{
	struct sys_heap_info info;
	static struct sys_heap zeroed;

	sys_heap_init(&heap, guarded_region(3u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *a = sys_heap_alloc(&heap, 100u);
	void *b = sys_heap_alloc(&heap, 200u);
	void *c = sys_heap_alloc(&heap, 300u);

	sys_heap_free(&heap, b);
	CHECK_EQ(sys_heap_info_get(&heap, &info), 0);
	struct walk_summary walk = walk_heap(&heap, SYS_HEAP_NATURAL_ALIGN);

	capture_reset();
	sys_heap_report(&heap, capture_print, &cap, false);
	unsigned summary_lines = cap.lines;

	CHECK(!cap.bad_piece);
	CHECK(cap.total > 0u && cap.head[cap.head_len - 1u] == '\n');
	CHECK(captured_number(info.total_bytes));
	CHECK(captured_number(info.free_bytes));
	CHECK(captured_number(info.largest_free_bytes));
	CHECK(summary_lines >= 3u);

	/* With every chunk: one more line per chunk. */
	capture_reset();
	sys_heap_report(&heap, capture_print, &cap, true);
	CHECK_EQ(cap.lines, summary_lines + walk.chunks);
	CHECK(!cap.bad_piece);

	/* The leak report: a line per live block, plus a heading and a total. */
	capture_reset();
	sys_heap_leak_report(&heap, capture_print, &cap);
	CHECK(cap.lines >= walk.used_chunks + 1u && cap.lines <= walk.used_chunks + 3u);
	CHECK(!cap.bad_piece);

	/* Unformatted heap, and no printer: nothing breaks. */
	capture_reset();
	sys_heap_report(&zeroed, capture_print, &cap, true);
	CHECK(cap.lines <= 1u);
	capture_reset();
	sys_heap_leak_report(&zeroed, capture_print, &cap);
	CHECK_EQ(cap.lines, 0u);
	sys_heap_report(&heap, NULL, NULL, true);
	sys_heap_leak_report(&heap, NULL, NULL);
	sys_heap_free(&heap, a);
	sys_heap_free(&heap, c);
	CHECK(sys_heap_validate(&heap));
}

static unsigned hook_calls;

static void count_hook(struct sys_heap *h, void *mem, enum sys_heap_error error, void *caller)
{
	(void)h;
	(void)mem;
	(void)error;
	(void)caller;
	hook_calls++;
}

/* Who allocated a block: the caller when tracing is on, else NULL. */
static void test_callers(void)
{
	sys_heap_init(&heap, guarded_region(3u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *p = sys_heap_alloc(&heap, 40u);
#if defined(SYS_HEAP_ALLOC_HERE)
	void *q = SYS_HEAP_ALLOC_HERE(&heap, 40u);
	const int q_line = __LINE__ - 1;
#else
	void *q = sys_heap_alloc(&heap, 40u);
#endif

#if SYS_HEAP_TRACE_CALLERS
	CHECK(sys_heap_get_caller(&heap, p) != NULL);
	CHECK(sys_heap_get_site(&heap, p) == NULL);
#if defined(SYS_HEAP_ALLOC_HERE)
	const struct sys_heap_site *site = sys_heap_get_site(&heap, q);

	CHECK(site != NULL && site->line == q_line && text_compare(site->file, __FILE__) == 0);
#endif
#else
	CHECK(sys_heap_get_caller(&heap, p) == NULL);
	CHECK(sys_heap_get_site(&heap, q) == NULL);
#if defined(SYS_HEAP_ALLOC_HERE)
	(void)q_line;
#endif
#endif
	CHECK(sys_heap_get_caller(&heap, NULL) == NULL);
	CHECK(sys_heap_get_site(&heap, NULL) == NULL);
	sys_heap_free(&heap, p);
	/* A freed block is not live: no caller. The queries are quiet about
	 * it, and about pointers into a block or outside the heap: asking is
	 * not a misuse, and the default hook halts on a target. */
	sys_heap_set_error_hook(&heap, count_hook);
	hook_calls = 0u;
	CHECK(sys_heap_get_caller(&heap, p) == NULL);
	CHECK(sys_heap_get_site(&heap, p) == NULL);
	CHECK(sys_heap_get_caller(&heap, (uint8_t *)q + 8) == NULL);
	CHECK(sys_heap_get_caller(&heap, &hook_calls) == NULL);
	CHECK(hook_calls == 0u);
	sys_heap_set_error_hook(&heap, NULL);
	sys_heap_free(&heap, q);
}

/* Zephyr's sys_heap_print_info() prints the same report on the console
 * (tests/zephyr/ checks its text through a replaced output function) and
 * leaves the heap as it was. */
static void test_print_info(void)
{
	sys_heap_init(&heap, guarded_region(0u, TEST_HEAP_BYTES), TEST_HEAP_BYTES);
	void *p = sys_heap_alloc(&heap, 100u);
	struct sys_memory_stats before = heap_stats(&heap);

	printf("   sys_heap_print_info, with the chunks:\n");
	sys_heap_print_info(&heap, true);
	sys_heap_print_info(NULL, false);
	struct sys_memory_stats after = heap_stats(&heap);

	CHECK_STATS_EQUAL(&after, &before);
	CHECK(sys_heap_usable_size(&heap, p) >= 100u);
	CHECK(sys_heap_validate(&heap));
}

void test_report(void)
{
	test_info();
	test_report_text();
	test_print_info();
	test_callers();
}
