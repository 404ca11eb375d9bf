/*
 * isr_test.c: a heap shared by thread code and an interrupt, through the
 * locked API.
 *
 * A periodic interrupt (tick.h) allocates and frees blocks of 4..512
 * bytes, mostly small, from the same SYS_HEAP_DEFINE heap the main loop
 * is churning. Every live block is filled with a pattern of its own; a
 * block is checked byte by byte before it is freed, and the heap is
 * validated under the lock, from both contexts, throughout. The run ends
 * after ISR_TEST_OPS interrupt-context operations; any corrupted byte,
 * failed validation or leaked byte fails it.
 *
 * It also checks what the lock promises: it nests (an inner unlock leaves
 * interrupts masked), it masks the tick, and, with the BASEPRI lock, an
 * interrupt more urgent than the threshold (PendSV here) still runs.
 *
 * The last line is the suite's usual `N passed, N failed`; the exit
 * status is the number of failed checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cortexm.h"
#include "sys_heap_define.h"
#include "sys_heap_lock.h"
#include "tick.h"

#ifndef ISR_TEST_HEAP_BYTES
#define ISR_TEST_HEAP_BYTES 16384
#endif
#ifndef ISR_TEST_OPS
#define ISR_TEST_OPS 100000u /* interrupt-context operations to complete */
#endif
#ifndef ISR_TEST_TICK_CYCLES
#define ISR_TEST_TICK_CYCLES 1000u /* 25 kHz at 25 MHz */
#endif
#define ISR_SLOTS 16u
#define MAIN_SLOTS 32u
#define OPS_PER_TICK 8u
#define ISR_VALIDATE_EVERY 64u  /* ticks */
#define MAIN_VALIDATE_EVERY 256u /* main-loop iterations */

SYS_HEAP_DEFINE(isr_heap, ISR_TEST_HEAP_BYTES);

struct block {
	uint8_t *mem;
	size_t bytes;
	uint8_t pattern;
};

struct owner {
	struct block *slots;
	uint32_t nslots;
	uint32_t rng;
	uint32_t ops, allocs, frees, alloc_failures, validations;
	uint32_t corrupt_bytes, bad_sizes, failed_validations;
};

static struct block isr_blocks[ISR_SLOTS];
static struct block main_blocks[MAIN_SLOTS];
static volatile struct owner isr_side = { isr_blocks, ISR_SLOTS, 0x2545F491u, 0, 0, 0, 0, 0, 0, 0, 0 };
static struct owner main_side = { main_blocks, MAIN_SLOTS, 0x9E3779B9u, 0, 0, 0, 0, 0, 0, 0, 0 };
static volatile uint32_t ticks;
static volatile bool pendsv_ran;

static unsigned passed, failed;

static void check(bool ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

static uint32_t xorshift(volatile struct owner *o)
{
	uint32_t x = o->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	o->rng = x;
	return x;
}

/* 4..512 bytes, biased small: 7 in 8 requests are 4..64. */
static size_t random_size(volatile struct owner *o)
{
	uint32_t r = xorshift(o);

	return (r & 7u) != 0u ? 4u + (r >> 8) % 61u : 4u + (r >> 8) % 509u;
}

static uint8_t pattern_of(const void *mem, size_t bytes)
{
	uintptr_t a = (uintptr_t)mem;

	return (uint8_t)((a >> 3) ^ (a >> 11) ^ bytes ^ 0x5Au);
}

static void fill(struct block *b)
{
	b->pattern = pattern_of(b->mem, b->bytes);
	memset(b->mem, b->pattern, b->bytes);
}

static void verify(volatile struct owner *o, const struct block *b)
{
	for (size_t i = 0; i < b->bytes; i++) {
		if (b->mem[i] != b->pattern) {
			o->corrupt_bytes++;
		}
	}
	if (sys_heap_locked_usable_size(&isr_heap, b->mem) < b->bytes) {
		o->bad_sizes++;
	}
}

/* One operation on a random slot: free a live block (after checking its
 * bytes), or allocate into an empty slot. */
static void step(volatile struct owner *o)
{
	struct block *b = &o->slots[xorshift(o) % o->nslots];

	if (b->mem != NULL) {
		verify(o, b);
		sys_heap_locked_free(&isr_heap, b->mem);
		b->mem = NULL;
		o->frees++;
	} else {
		size_t bytes = random_size(o);
		uint8_t *mem = sys_heap_locked_alloc(&isr_heap, bytes);

		if (mem == NULL) {
			o->alloc_failures++;
		} else {
			b->mem = mem;
			b->bytes = bytes;
			fill(b);
			o->allocs++;
		}
	}
	o->ops++;
}

static void validate(volatile struct owner *o)
{
	o->validations++;
	if (!sys_heap_locked_validate(&isr_heap)) {
		o->failed_validations++;
	}
}

void tick_handler(void)
{
	if (isr_side.ops >= ISR_TEST_OPS) {
		return;
	}
	for (unsigned i = 0; i < OPS_PER_TICK; i++) {
		step(&isr_side);
	}
	if (++ticks % ISR_VALIDATE_EVERY == 0u) {
		validate(&isr_side);
	}
}

/* Realloc and aligned alloc from thread context too, so the ISR sees
 * those paths' intermediate states masked as well. */
static void main_extra(void)
{
	struct block *b = &main_blocks[xorshift(&main_side) % MAIN_SLOTS];

	if (b->mem != NULL) {
		verify(&main_side, b);
		size_t bytes = random_size(&main_side);
		uint8_t *mem = sys_heap_locked_realloc(&isr_heap, b->mem, bytes);

		if (mem != NULL) {
			b->mem = mem;
			b->bytes = bytes;
			fill(b);
		}
	} else {
		uint8_t *mem = sys_heap_locked_aligned_alloc(&isr_heap, 64u, random_size(&main_side));

		if (mem != NULL) {
			b->mem = mem;
			b->bytes = 4u; /* only the first bytes are ours to check */
			if (((uintptr_t)mem & 63u) != 0u) {
				main_side.bad_sizes++;
			}
			fill(b);
			main_side.allocs++;
		}
	}
	main_side.ops++;
}

static uint32_t primask(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, primask" : "=r"(v));
	return v;
}

static bool lock_masks_interrupts(void)
{
#if defined(SYS_HEAP_LOCK_BASEPRI)
	uint32_t v;

	__asm__ volatile("mrs %0, basepri" : "=r"(v));
	return v != 0u;
#else
	return primask() != 0u;
#endif
}

void PendSV_Handler(void);
void PendSV_Handler(void)
{
	pendsv_ran = true;
}

/* Nesting: the locked calls lock and unlock inside an outer lock; the
 * outer mask must survive them. */
static void test_nesting(void)
{
	sys_heap_lock_key_t outer = sys_heap_lock();
	void *p = sys_heap_locked_alloc(&isr_heap, 16);

	check(lock_masks_interrupts(), "an inner unlock keeps the outer lock's mask");
	sys_heap_locked_free(&isr_heap, p);
	check(lock_masks_interrupts(), "still masked after a second inner pair");
	sys_heap_unlock(outer);
	check(!lock_masks_interrupts() && primask() == 0u, "the outer unlock unmasks");
}

/* PendSV at a priority more urgent than any BASEPRI threshold: the BASEPRI
 * lock lets it run, the PRIMASK lock holds it until unlock. */
static void test_lock_scope(void)
{
	SCB_SHPR3 &= ~(0xFFu << 16); /* PendSV priority 0: the most urgent */
	pendsv_ran = false;
	sys_heap_lock_key_t key = sys_heap_lock();

	SCB_ICSR = 1u << 28; /* PENDSVSET */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	bool ran_while_locked = pendsv_ran;

	sys_heap_unlock(key);
	__asm__ volatile("dsb\n\tisb" ::: "memory");
#if defined(SYS_HEAP_LOCK_BASEPRI)
	check(ran_while_locked, "BASEPRI lock: an interrupt above the threshold still runs");
#else
	check(!ran_while_locked, "PRIMASK lock: no interrupt runs while locked");
#endif
	check(pendsv_ran, "the held interrupt runs at unlock");
}

/* The tick must not run while the lock is held. */
static void test_tick_masked(void)
{
	tick_start(ISR_TEST_TICK_CYCLES);
	sys_heap_lock_key_t key = sys_heap_lock();
	uint32_t before = ticks + isr_side.ops;

	for (volatile uint32_t i = 0; i < 20u * ISR_TEST_TICK_CYCLES; i++) {
	}
	bool quiet = ticks + isr_side.ops == before;

	sys_heap_unlock(key);
	tick_stop();
	check(quiet, "the tick interrupt is masked while the lock is held");
}

static void free_all(volatile struct owner *o)
{
	for (uint32_t i = 0; i < o->nslots; i++) {
		struct block *b = &o->slots[i];

		if (b->mem != NULL) {
			verify(o, b);
			sys_heap_locked_free(&isr_heap, b->mem);
			b->mem = NULL;
			o->frees++;
		}
	}
}

int main(void)
{
#if defined(SYS_HEAP_LOCK_BASEPRI)
	printf("isr_test: lock = BASEPRI 0x%02x\n", (unsigned)SYS_HEAP_LOCK_BASEPRI);
#else
	printf("isr_test: lock = PRIMASK\n");
#endif
	check(isr_heap.heap != NULL, "the SYS_HEAP_DEFINE heap is formatted before main");
	test_nesting();
	test_lock_scope();
	test_tick_masked();

	/* The race: the main loop churns while the tick does the same. */
	ticks = 0;
	isr_side.ops = 0;
	uint32_t spins = 0;

	tick_start(ISR_TEST_TICK_CYCLES);
	while (isr_side.ops < ISR_TEST_OPS) {
		spins++;
		step(&main_side);
		if ((spins & 7u) == 0u) {
			main_extra();
		}
		if (spins % MAIN_VALIDATE_EVERY == 0u) {
			validate(&main_side);
		}
		if (spins > 10000000u && ticks == 0u) {
			break; /* the tick never came: fail below rather than hang */
		}
	}
	tick_stop();

	free_all(&main_side);
	free_all(&isr_side);
	validate(&main_side);

	struct sys_memory_stats stats;

	check(sys_heap_locked_runtime_stats_get(&isr_heap, &stats) == 0, "stats readable");
	printf("isr_test: interrupt: %lu ops (%lu allocs, %lu frees, %lu failed allocs), "
	       "%lu validations in %lu ticks\n",
	       (unsigned long)isr_side.ops, (unsigned long)isr_side.allocs,
	       (unsigned long)isr_side.frees, (unsigned long)isr_side.alloc_failures,
	       (unsigned long)isr_side.validations, (unsigned long)ticks);
	printf("isr_test: main: %lu ops (%lu allocs, %lu frees, %lu failed allocs), "
	       "%lu validations; peak %lu of %lu bytes allocated\n",
	       (unsigned long)main_side.ops, (unsigned long)main_side.allocs,
	       (unsigned long)main_side.frees, (unsigned long)main_side.alloc_failures,
	       (unsigned long)main_side.validations, (unsigned long)stats.max_allocated_bytes,
	       (unsigned long)(stats.free_bytes + stats.allocated_bytes));

	check(isr_side.ops >= ISR_TEST_OPS, "100000 interrupt-context operations completed");
	check(main_side.ops >= 1000u, "the main loop made progress alongside the interrupt");
	check(isr_side.allocs > ISR_TEST_OPS / 4u, "most interrupt allocations succeeded");
	check(isr_side.corrupt_bytes == 0u && main_side.corrupt_bytes == 0u,
	      "no block's bytes changed while it was live");
	check(isr_side.bad_sizes == 0u && main_side.bad_sizes == 0u,
	      "usable sizes and alignments as promised");
	check(isr_side.failed_validations == 0u && main_side.failed_validations == 0u,
	      "every validation passed, in both contexts");
	check(stats.allocated_bytes == 0u, "everything freed: no leak");

	printf("%u passed, %u failed\n", passed, failed);
	return (int)failed;
}
