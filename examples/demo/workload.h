/**
 * @file workload.h
 * @brief A firmware-like allocation pattern: many small short-lived
 *        blocks, a few larger ones, frees in random order.
 */
#ifndef DEMO_WORKLOAD_H
#define DEMO_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "sys_heap.h"

/** What a run did. */
struct workload_result {
	uint32_t allocs, frees, reallocs, failures;
	uint32_t corrupt;      /**< blocks whose contents changed while live */
	uint32_t invalid;      /**< sys_heap_validate() failures */
};

/**
 * Run `ops` random operations on `heap`: allocate 4..512 bytes (biased
 * small), free a random live block, or resize one. Every block is filled
 * with a pattern and checked before it is freed; the heap is validated
 * every `validate_every` operations. Blocks still live at the end stay
 * allocated until workload_release().
 */
void workload_run(struct sys_heap *heap, uint32_t ops, uint32_t seed,
		  uint32_t validate_every, struct workload_result *result);

/** Free, after checking, every block workload_run() left live on `heap`. */
void workload_release(struct sys_heap *heap, struct workload_result *result);

#endif /* DEMO_WORKLOAD_H */
