/*
 * host_bench.c: the workloads on the host, for callgrind to count.
 *
 *   bench_host sysheap|glibc [TRACE...]
 *
 * Runs the realistic workload, every adversarial workload and each trace,
 * untimed; `valgrind --tool=callgrind` charges every operation to a call
 * from bench_call() to the allocator's entry point, and
 * tools/bench_report.py divides each entry point's inclusive cost by its
 * call count.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_sysheap.h"
#include "suite.h"
#include "trace_load.h"

#define ARENA_BYTES (128u * 1024u)

static _Alignas(16) uint8_t arena[ARENA_BYTES];

static bool glibc_reset(struct bench_allocator *a, void *mem, size_t bytes)
{
	(void)a;
	(void)mem;
	(void)bytes;
	return true;
}

int main(int argc, char **argv)
{
	struct bench_allocator A;
	struct bench_trace traces[16];
	const struct bench_trace *tp[16];
	unsigned ntraces = 0u;

	if (argc < 2) {
		fprintf(stderr, "usage: %s sysheap|glibc [TRACE...]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc && ntraces < 16u; i++) {
		if (!trace_load(argv[i], &traces[ntraces])) {
			return 1;
		}
		tp[ntraces] = &traces[ntraces];
		ntraces++;
	}
	if (strcmp(argv[1], "sysheap") == 0) {
		sysheap_allocator(&A, "sysheap", BENCH_SYSHEAP_PLAIN);
	} else if (strcmp(argv[1], "glibc") == 0) {
		A = (struct bench_allocator){
			.name = "glibc",
			.alloc_fn = (void *)malloc,
			.free_fn = (void *)free,
			.aligned_fn = (void *)memalign,
			.realloc_fn = (void *)realloc,
			.reset = glibc_reset,
			.hdr_bytes = 8u,
		};
	} else {
		fprintf(stderr, "unknown allocator %s\n", argv[1]);
		return 2;
	}
	suite_timing(&A, "host", arena, ARENA_BYTES, 200u, true);
	suite_traces(&A, "host", arena, ARENA_BYTES, tp, ntraces);
	bflush();
	return suite_failed ? 1 : 0;
}
