/*
 * heap_helpers.c: checks every suite needs: guarded regions, stats
 * snapshots, content patterns, the per-block contract, the largest
 * allocation, and a summary of sys_heap_walk.
 */
#include <string.h>

#include "tests.h"

/* What the region itself holds before init: not zero, so an allocator
 * that relies on zeroed memory shows it. */
#define REGION_FILL 0x3cu

size_t guarded_region_max(size_t offset)
{
	size_t reserved = 2u * TEST_GUARD_BYTES + offset;

	return reserved < sizeof(test_arena) ? sizeof(test_arena) - reserved : 0u;
}

uint8_t *guarded_region(size_t offset, size_t bytes)
{
	if (bytes > guarded_region_max(offset)) {
		return NULL;
	}
	uint8_t *region = test_arena + TEST_GUARD_BYTES + offset;

	memset(region - TEST_GUARD_BYTES, TEST_GUARD_FILL, TEST_GUARD_BYTES);
	memset(region, REGION_FILL, bytes);
	memset(region + bytes, TEST_GUARD_FILL, TEST_GUARD_BYTES);
	return region;
}

bool guards_intact(const uint8_t *region, size_t bytes)
{
	for (size_t i = 1u; i <= TEST_GUARD_BYTES; i++) {
		if (region[-(ptrdiff_t)i] != TEST_GUARD_FILL) {
			return false;
		}
	}
	for (size_t i = 0u; i < TEST_GUARD_BYTES; i++) {
		if (region[bytes + i] != TEST_GUARD_FILL) {
			return false;
		}
	}
	return true;
}

struct sys_memory_stats heap_stats(struct sys_heap *heap)
{
	struct sys_memory_stats stats;
	int err;

	memset(&stats, 0, sizeof(stats));
	err = sys_heap_runtime_stats_get(heap, &stats);
	if (err != 0) {
		CHECK_EQ(err, 0);
	}
	return stats;
}

bool stats_equal(const struct sys_memory_stats *a, const struct sys_memory_stats *b)
{
	return a->free_bytes == b->free_bytes && a->allocated_bytes == b->allocated_bytes &&
	       a->max_allocated_bytes == b->max_allocated_bytes;
}

static uint8_t pattern_byte(uint32_t seed, size_t i)
{
	/* Cheap but position dependent: a shifted copy does not match. */
	uint32_t x = seed ^ (uint32_t)(i * 0x9e3779b1u);

	return (uint8_t)(x ^ (x >> 11) ^ (x >> 23));
}

void fill_pattern(void *mem, size_t bytes, uint32_t seed)
{
	uint8_t *p = mem;

	for (size_t i = 0u; i < bytes; i++) {
		p[i] = pattern_byte(seed, i);
	}
}

bool pattern_intact(const void *mem, size_t bytes, uint32_t seed)
{
	const uint8_t *p = mem;

	for (size_t i = 0u; i < bytes; i++) {
		if (p[i] != pattern_byte(seed, i)) {
			return false;
		}
	}
	return true;
}

void fill_usable(struct sys_heap *heap, void *mem, uint32_t seed)
{
	fill_pattern(mem, sys_heap_usable_size(heap, mem), seed);
}

bool usable_intact(struct sys_heap *heap, void *mem, uint32_t seed)
{
	return pattern_intact(mem, sys_heap_usable_size(heap, mem), seed);
}

/* Reported at the caller's file and line: that is where the block came
 * from. */
bool check_block_at(struct sys_heap *heap, const void *mem, size_t bytes, size_t align,
		    const char *file, int line)
{
	if (!harness_check(mem != NULL, file, line, "block != NULL")) {
		return false;
	}
	size_t usable = sys_heap_usable_size(heap, (void *)(uintptr_t)mem);
	const uint8_t *start = heap->init_mem;
	const uint8_t *p = mem;
	bool ok = harness_check(is_aligned(mem, align), file, line, "block aligned");

	ok = harness_check(usable >= bytes, file, line, "usable_size(block) >= bytes") && ok;
	ok = harness_check(p >= start && usable <= heap->init_bytes &&
				   (size_t)(p - start) <= heap->init_bytes - usable,
			   file, line, "block inside the heap's region") &&
	     ok;
	return ok;
}

size_t largest_alloc(struct sys_heap *heap)
{
	size_t fits = 0u;                      /* largest size seen to succeed */
	size_t fails = heap->init_bytes + 1u;  /* smallest size seen to fail */

	while (fails - fits > 1u) {
		size_t mid = fits + (fails - fits) / 2u;
		void *p = sys_heap_alloc(heap, mid);

		if (p != NULL) {
			sys_heap_free(heap, p);
			fits = mid;
		} else {
			fails = mid;
		}
	}
	return fits;
}

static void walk_summarise(void *ctx, void *mem, size_t bytes, bool used)
{
	struct walk_summary *w = ctx;
	const uint8_t *p = mem;

	if (w->chunks != 0u && (w->last_end == NULL || p < w->last_end)) {
		w->in_order = false;
	}
	if (w->chunks != 0u && !used && w->free_chunks != 0u && !w->last_used) {
		w->adjacent_free = true;
	}
	if (!is_aligned(p, w->granule)) {
		w->granule_ok = false;
	}
	w->chunks++;
	if (used) {
		w->used_chunks++;
		w->used_bytes += bytes;
	} else {
		w->free_chunks++;
		w->free_bytes += bytes;
	}
	/* Each chunk's memory must end before the next chunk's memory starts
	 * (its header is in between): strictly increasing, no overlap. */
	w->last_end = p + bytes + 1u;
	w->last_used = used;
}

struct walk_summary walk_heap(struct sys_heap *heap, size_t granule)
{
	struct walk_summary w;

	memset(&w, 0, sizeof(w));
	w.in_order = true;
	w.granule_ok = true;
	w.granule = granule;
	sys_heap_walk(heap, walk_summarise, &w);
	return w;
}

size_t text_length(const char *s)
{
	size_t n = 0u;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

int text_compare(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x != 0u && *x == *y) {
		x++;
		y++;
	}
	return (int)*x - (int)*y;
}

bool text_contains(const char *haystack, const char *needle)
{
	for (;; haystack++) {
		size_t i = 0u;

		while (needle[i] != '\0' && haystack[i] == needle[i]) {
			i++;
		}
		if (needle[i] == '\0') {
			return true;
		}
		if (*haystack == '\0') {
			return false;
		}
	}
}

void text_decimal(size_t value, char *out)
{
	char reversed[24];
	size_t n = 0u;

	do {
		reversed[n++] = (char)('0' + value % 10u);
		value /= 10u;
	} while (value != 0u);
	for (size_t i = 0u; i < n; i++) {
		out[i] = reversed[n - 1u - i];
	}
	out[n] = '\0';
}
