/*
 * heap_stress.c: the seed's stress rig. A deterministic random walk of
 * allocations and frees that steers the heap towards a target fill level.
 * It knows nothing of sys_heap: the callbacks decide what an allocation
 * is, so tests wrap them with cookies and validation, and benchmarks can
 * point them at other allocators.
 */
#include "sys_heap.h"

struct live_block {
	void *mem;
	size_t bytes;
};

struct stress_state {
	struct live_block *blocks;
	uint32_t capacity;
	uint32_t live;
	size_t live_bytes;
	size_t total_bytes;
	uint32_t target_percent;
	uint32_t rng;
};

/* xorshift32: tiny, fast and plenty for picking operations and sizes. */
static uint32_t next_random(struct stress_state *s)
{
	uint32_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rng = x;
	return x;
}

/*
 * Allocate with certainty on an empty heap, with even odds at the target
 * fill, and never above it, tapering linearly in between. Allocations can
 * fail and frees cannot, so the heap settles a little below the target.
 */
static bool choose_alloc(struct stress_state *s)
{
	if (s->live == 0u) {
		return true;
	}
	if (s->live >= s->capacity) {
		return false;
	}
	uint32_t full_percent = (uint32_t)((s->live_bytes / (s->total_bytes / 100u + 1u)));

	if (full_percent >= s->target_percent) {
		return false;
	}
	/* Chance to free grows from 0 at empty to 1/2 at the target. */
	uint32_t free_chance = (full_percent * 50u) / (s->target_percent + 1u);

	return (next_random(s) % 100u) >= free_chance;
}

/* Sizes spread over every power of two, biased towards small ones the way
 * application requests are: half up to 64 bytes, a quarter up to 128, and
 * so on, capped at a quarter of the heap. */
static size_t choose_size(struct stress_state *s)
{
	uint32_t max_bits = 32u - (uint32_t)__builtin_clz((uint32_t)(s->total_bytes / 4u) | 1u);
	uint32_t bits = 6u + (uint32_t)__builtin_clz(next_random(s) | 1u) / 2u;

	if (bits > max_bits) {
		bits = max_bits;
	}
	return (size_t)(next_random(s) & ((1u << bits) - 1u)) + 1u;
}

/* The seed sys_heap_stress() runs with, and a 0 seed stands for (xorshift
 * would stay at 0 for ever). */
#define DEFAULT_SEED 0x9e3779b9u

void sys_heap_stress_seeded(void *(*alloc_fn)(void *arg, size_t bytes),
			    void (*free_fn)(void *arg, void *p), void *arg,
			    size_t total_bytes, uint32_t op_count, void *scratch_mem,
			    size_t scratch_bytes, int target_percent, uint32_t seed,
			    struct z_heap_stress_result *result)
{
	struct stress_state s = {
		.blocks = scratch_mem,
		.capacity = (uint32_t)(scratch_bytes / sizeof(struct live_block)),
		.total_bytes = total_bytes,
		.target_percent = target_percent < 0 ? 0u
				  : target_percent > 100 ? 100u : (uint32_t)target_percent,
		.rng = seed != 0u ? seed : DEFAULT_SEED,
	};

	if (result == NULL) {
		return;
	}
	*result = (struct z_heap_stress_result){ 0u, 0u, 0u, 0u };
	if (alloc_fn == NULL || free_fn == NULL || scratch_mem == NULL || s.capacity == 0u) {
		return;
	}
	for (uint32_t op = 0u; op < op_count; op++) {
		if (choose_alloc(&s)) {
			size_t bytes = choose_size(&s);
			void *mem = alloc_fn(arg, bytes);

			result->total_allocs++;
			if (mem != NULL) {
				result->successful_allocs++;
				s.blocks[s.live] = (struct live_block){ mem, bytes };
				s.live++;
				s.live_bytes += bytes;
			}
		} else {
			uint32_t victim = next_random(&s) % s.live;

			free_fn(arg, s.blocks[victim].mem);
			s.live_bytes -= s.blocks[victim].bytes;
			s.live--;
			s.blocks[victim] = s.blocks[s.live];
			result->total_frees++;
		}
		result->accumulated_in_use_bytes += s.live_bytes;
	}
	/* Leave the heap as we found it, so callers can check it drains. */
	while (s.live != 0u) {
		s.live--;
		free_fn(arg, s.blocks[s.live].mem);
		result->total_frees++;
	}
}

void sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
		     void (*free_fn)(void *arg, void *p), void *arg,
		     size_t total_bytes, uint32_t op_count, void *scratch_mem,
		     size_t scratch_bytes, int target_percent,
		     struct z_heap_stress_result *result)
{
	sys_heap_stress_seeded(alloc_fn, free_fn, arg, total_bytes, op_count, scratch_mem,
			       scratch_bytes, target_percent, DEFAULT_SEED, result);
}
