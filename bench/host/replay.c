/*
 * replay.c: replay allocation traces against sys_heap on the host.
 *
 *   bench_replay [--check] [--min-arena] [--arena BYTES]
 *                [--effort plain|default|fast|fit | --granule BYTES] TRACE...
 *
 * Every trace's checksum line is verified first. --check runs
 * sys_heap_validate() after every operation and checks the marker bytes
 * of every block; --min-arena binary-searches the smallest arena (in
 * 8-byte steps) that completes the trace. --granule formats the heap with
 * sys_heap_init_with() and that granule (a DMA heap). Exits 1 when a
 * checksum, a validation, a marker or an allocation fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sysheap.h"
#include "suite.h"
#include "trace_load.h"

static struct bench_slot slots[65536];

static void work(struct bench_run *r, const void *arg)
{
	wl_trace(r, arg, slots);
}

int main(int argc, char **argv)
{
	bool check = false, min_arena = false;
	size_t bytes = 4u << 20;
	enum bench_sysheap_mode mode = BENCH_SYSHEAP_PLAIN;
	size_t granule = 0u;
	int status = 0;
	int first = 1;

	for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
		if (strcmp(argv[first], "--check") == 0) {
			check = true;
		} else if (strcmp(argv[first], "--min-arena") == 0) {
			min_arena = true;
		} else if (strcmp(argv[first], "--arena") == 0 && first + 1 < argc) {
			bytes = strtoul(argv[++first], NULL, 0);
		} else if (strcmp(argv[first], "--granule") == 0 && first + 1 < argc) {
			granule = strtoul(argv[++first], NULL, 0);
		} else if (strcmp(argv[first], "--effort") == 0 && first + 1 < argc) {
			const char *e = argv[++first];

			mode = strcmp(e, "fast") == 0      ? BENCH_SYSHEAP_FAST
			       : strcmp(e, "fit") == 0     ? BENCH_SYSHEAP_FIT
			       : strcmp(e, "default") == 0 ? BENCH_SYSHEAP_DEFAULT
							   : BENCH_SYSHEAP_PLAIN;
		} else {
			fprintf(stderr, "unknown option %s\n", argv[first]);
			return 2;
		}
	}
	if (first == argc) {
		fprintf(stderr, "usage: %s [--check] [--min-arena] [--arena BYTES] "
				"[--effort plain|default|fast|fit | --granule BYTES] TRACE...\n",
			argv[0]);
		return 2;
	}
	uint8_t *arena = malloc(bytes);

	if (arena == NULL) {
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct bench_trace tr;
		struct bench_allocator A;
		struct bench_run r;

		if (!trace_load(argv[i], &tr)) {
			status = 1;
			continue;
		}
		if (granule != 0u) {
			sysheap_granular_allocator(&A, "sysheap", granule);
		} else {
			sysheap_allocator(&A, "sysheap", mode);
		}
		if (!A.reset(&A, arena, bytes)) {
			fprintf(stderr, "cannot format a %zu-byte heap\n", bytes);
			return 2;
		}
		run_begin(&r, &A, NULL);
		r.check = check;
		wl_trace(&r, &tr, slots);
		bool ok = !r.corrupt && !r.failed && r.checksum == tr.checksum;

		printf("replay %s", tr.name);
		if (granule != 0u) {
			printf(" (granule %zu)", granule);
		}
		printf(": %lu ops (+%lu frees of what was left), %lu ids, checksum %08lx %s, "
		       "peak live %zu bytes, %lu failed, %s%s\n",
		       (unsigned long)tr.count,
		       (unsigned long)(r.ops > tr.count ? r.ops - tr.count : 0u), (unsigned long)tr.ids,
		       (unsigned long)r.checksum,
		       r.checksum == tr.checksum ? "ok" : "BAD", r.peak, (unsigned long)r.fails,
		       r.corrupt ? "CORRUPT" : check ? "validated after every op" : "not validated",
		       ok ? "" : " -> FAIL");
		if (!ok) {
			status = 1;
		}
		if (min_arena) {
			size_t peak;
			size_t best = bench_min_arena(&A, arena, bytes, work, &tr, &peak);

			printf("min-arena %s: %zu bytes (%.3fx peak live %zu)\n", tr.name, best,
			       peak ? (double)best / (double)peak : 0.0, peak);
		}
		free((void *)tr.ops);
	}
	free(arena);
	return status;
}
