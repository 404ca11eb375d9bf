/*
 * suite.h: the measurement runs shared by firmware and host.
 */
#ifndef BENCH_SUITE_H
#define BENCH_SUITE_H

#include "bench.h"

#ifndef BENCH_TRACE_MAX_IDS
#define BENCH_TRACE_MAX_IDS 2048u
#endif

/* Set when any run saw a corrupt block or heap, or a bad trace checksum. */
extern bool suite_failed;
/* Whether bench_call() times calls (firmware) or not (host). */
extern const bool bench_timed;

/* Per-op histograms of the realistic workload (`rounds` rounds) and, with
 * `adversarial`, of every adversarial workload, on a fresh heap of
 * `bytes` each. */
void suite_timing(struct bench_allocator *A, const char *heap, uint8_t *arena, size_t bytes,
		  uint32_t rounds, bool adversarial);

/* Requested bytes live at the first failure, fill mode, seeds 1..seeds. */
void suite_utilisation(struct bench_allocator *A, uint8_t *arena, size_t bytes, uint32_t seeds);

/* Smallest arena for the realistic workload and for each trace. */
void suite_min_arena(struct bench_allocator *A, uint8_t *arena, size_t hi, uint32_t rounds,
		     const struct bench_trace *const *traces, unsigned ntraces);

/* Timed replay of each trace, with its checksum checked. */
void suite_traces(struct bench_allocator *A, const char *heap, uint8_t *arena, size_t bytes,
		  const struct bench_trace *const *traces, unsigned ntraces);

/* Largest single block of a fresh heap and bytes of overhead per block.
 * Also sets A->hdr_bytes for the near-miss workload. */
void suite_overhead(struct bench_allocator *A, uint8_t *arena, size_t bytes);

#endif /* BENCH_SUITE_H */
