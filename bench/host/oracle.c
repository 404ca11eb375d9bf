/*
 * oracle.c: the heap-sizing oracle's replayer (tools/heapsize drives it).
 *
 *   bench_oracle --config BYTES [--series FILE] [--map FILE] TRACE
 *
 * Built with the library's own sources for the target's word size (-m32
 * for Cortex-M: 4-byte headers under 256 KiB, 8-byte granules) and the
 * firmware's options, it replays a trace (bench/traces/README.md) through
 * the bench's replay code (wl_trace) on heaps of real sizes:
 *
 *   - every size in 8-byte steps from just below the peak live bytes to
 *     the configured size, each a whole replay on a fresh heap, and
 *     reports the smallest size from which every size up to the
 *     configured one completes (the answer), the smallest that completes
 *     at all and how many sizes in between fail (the search cannot assume
 *     that a bigger heap never fails);
 *   - once more at the configured size, untruncated, with the heap
 *     watched after every operation: peak live (requested) bytes, peak
 *     bytes in chunks (headers included), the low-water marks of free
 *     bytes and of the largest free block, and failed allocations;
 *     --series writes one line per op, --map the heap's chunks
 *     (sys_heap_report) at the peak, for tools/heapmap.py.
 *
 * Output: "key value..." lines that tools/heaplib/oracle.py parses.
 * Exits 1 when the trace is bad or the heap fails validation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sysheap.h"
#include "suite.h"
#include "trace_load.h"

static struct bench_slot slots[65536];

/* The scan replays at most this many sizes, down from the configured one
 * (a 1 MiB heap is 131072 sizes); below them it says nothing. */
#define ORACLE_MAX_SCAN 40000u

struct watch {
	struct sys_heap *heap;
	FILE *series;
	uint32_t map_at;          /* op index to dump at (UINT32_MAX: none) */
	FILE *map;
	size_t peak_live;
	size_t peak_chunks;       /* bytes in used chunks, headers included */
	uint32_t peak_at;         /* op where peak_chunks was reached */
	size_t min_free;
	size_t min_largest;
	bool invalid;
};

static void print_to_file(void *ctx, const char *text)
{
	fputs(text, ctx);
}

static void observe(struct bench_run *r, uint32_t i, void *ctx)
{
	struct watch *w = ctx;
	struct sys_heap_info info;

	if (sys_heap_info_get(w->heap, &info) != 0) {
		w->invalid = true;
		return;
	}
	size_t used = info.total_bytes - info.free_bytes;

	if (r->live > w->peak_live) {
		w->peak_live = r->live;
	}
	if (used > w->peak_chunks) {
		w->peak_chunks = used;
		w->peak_at = i;
	}
	if (info.free_bytes < w->min_free) {
		w->min_free = info.free_bytes;
	}
	if (info.largest_free_bytes < w->min_largest) {
		w->min_largest = info.largest_free_bytes;
	}
	if (w->series != NULL) {
		fprintf(w->series, "%lu %zu %zu %zu %zu\n", (unsigned long)i, r->live, used,
			info.free_bytes, info.largest_free_bytes);
	}
	if (i == w->map_at && w->map != NULL) {
		sys_heap_report(w->heap, print_to_file, w->map, true);
	}
}

static void work(struct bench_run *r, const void *arg)
{
	wl_trace(r, arg, slots);
}

static bool completes(struct bench_allocator *A, uint8_t *arena, size_t bytes,
		      const struct bench_trace *tr)
{
	struct bench_run r;

	if (!A->reset(A, arena, bytes)) {
		return false;
	}
	run_begin(&r, A, NULL);
	r.stop_on_fail = true;
	wl_trace(&r, tr, slots);
	return !r.failed && !r.corrupt;
}

/* The watched replay at `bytes`: every op, no stop at a failure. */
static bool watched(struct bench_allocator *A, uint8_t *arena, size_t bytes,
		    const struct bench_trace *tr, struct watch *w, struct bench_run *r)
{
	if (!A->reset(A, arena, bytes)) {
		return false;
	}
	w->heap = A->heap;
	w->min_free = w->min_largest = SIZE_MAX;
	run_begin(r, A, NULL);
	r->check = true;
	r->after_op = observe;
	r->after_op_ctx = w;
	wl_trace(r, tr, slots);
	return !r->corrupt && !w->invalid;
}

int main(int argc, char **argv)
{
	size_t config = 0u;
	const char *series_path = NULL, *map_path = NULL;
	int first = 1;

	for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
		if (strcmp(argv[first], "--config") == 0 && first + 1 < argc) {
			config = strtoul(argv[++first], NULL, 0) & ~(size_t)7u;
		} else if (strcmp(argv[first], "--series") == 0 && first + 1 < argc) {
			series_path = argv[++first];
		} else if (strcmp(argv[first], "--map") == 0 && first + 1 < argc) {
			map_path = argv[++first];
		} else {
			fprintf(stderr, "unknown option %s\n", argv[first]);
			return 2;
		}
	}
	if (first + 1 != argc || config == 0u) {
		fprintf(stderr, "usage: %s --config BYTES [--series FILE] [--map FILE] TRACE\n",
			argv[0]);
		return 2;
	}
	struct bench_trace tr;
	struct bench_allocator A;
	uint8_t *arena = malloc(config);

	if (arena == NULL || !trace_load(argv[first], &tr)) {
		return 2;
	}
	sysheap_allocator(&A, "sysheap", BENCH_SYSHEAP_PLAIN);
	printf("trace %s ops %lu ids %lu\n", tr.name, (unsigned long)tr.count,
	       (unsigned long)tr.ids);
	printf("target pointer_bytes %zu header_bytes %u\n", sizeof(void *), A.hdr_bytes);
	/* Where the heap is here: the map's addresses are rebased from it. */
	printf("arena %#lx\n", (unsigned long)(uintptr_t)arena);

	/* Where the peak is, at the configured size, and its figures. */
	struct watch w = { .map_at = UINT32_MAX };
	struct bench_run r;

	if (!watched(&A, arena, config, &tr, &w, &r)) {
		printf("error heap invalid during the replay at %zu bytes\n", config);
		return 1;
	}
	printf("config %zu completes %s failed_allocs %lu\n", config, r.fails ? "no" : "yes",
	       (unsigned long)r.fails);
	printf("peak_live %zu\n", w.peak_live);
	printf("peak_chunks %zu at_op %lu\n", w.peak_chunks, (unsigned long)w.peak_at);
	printf("low_water free %zu largest_free %zu\n", w.min_free, w.min_largest);
	if (series_path != NULL || map_path != NULL) {
		struct watch again = { .map_at = w.peak_at };

		again.series = series_path != NULL ? fopen(series_path, "w") : NULL;
		again.map = map_path != NULL ? fopen(map_path, "w") : NULL;
		(void)watched(&A, arena, config, &tr, &again, &r);
		if (again.series != NULL) {
			fclose(again.series);
		}
		if (again.map != NULL) {
			fclose(again.map);
		}
	}

	/* The binary search of the bench, then every size checked. */
	size_t peak = 0u;
	size_t searched = bench_min_arena(&A, arena, config, work, &tr, &peak);

	printf("binary_search %zu\n", searched);
	size_t lo = peak > 8u ? (peak & ~(size_t)7u) : 8u;

	if ((config - lo) / 8u > ORACLE_MAX_SCAN) {
		lo = config - 8u * ORACLE_MAX_SCAN;
	}
	size_t smallest_ok = 0u, never_fails = 0u, failing_above = 0u;
	size_t largest_failing = 0u;

	for (size_t s = config; s >= lo && s >= 8u; s -= 8u) {
		if (completes(&A, arena, s, &tr)) {
			smallest_ok = s;
			if (never_fails == s + 8u || s == config) {
				never_fails = s;
			}
		} else if (largest_failing == 0u) {
			largest_failing = s;
		}
	}
	for (size_t s = smallest_ok; smallest_ok != 0u && s < never_fails; s += 8u) {
		failing_above += completes(&A, arena, s, &tr) ? 0u : 1u;
	}
	printf("scan from %zu to %zu step 8: %zu replays\n", lo, config, (config - lo) / 8u + 1u);
	printf("never_fails %zu\n", never_fails);
	printf("smallest_completing %zu\n", smallest_ok);
	printf("failing_sizes_above_smallest %zu\n", failing_above);
	printf("largest_failing %zu\n", largest_failing);
	free((void *)tr.ops);
	free(arena);
	return 0;
}
