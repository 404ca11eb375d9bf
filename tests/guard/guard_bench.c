/*
 * guard_bench.c: what the MPU guard costs, measured in QEMU with -icount
 * (a fixed time per instruction) and SysTick: the instructions of an
 * alloc+free pair through plain sys_heap_alloc/free, through the guard's
 * entry points when the call is not sampled (the sampling decision and the
 * pool-bounds check), and when it is (a slot, the MPU reprogrammed twice),
 * and the RAM each slot takes. Built with a sampling rate no loop reaches,
 * so sys_heap_guard_alloc() is never sampled here; the sampled path is
 * sys_heap_guard_alloc_marked(), the same code after the decision.
 * Printed as `guard-bench|name|value|unit` lines for mk/guard.mk.
 */
#include <stdio.h>

#include "guard.h"
#include "sys_heap.h"
#include "sys_heap_define.h"

#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

#define ROUNDS 64u
#define BYTES  32u

SYS_HEAP_DEFINE(bench_heap, 16 * 1024);

/* `n` times two instructions (subs, bne): the calibration. */
uint32_t guard_bench_spin(uint32_t n);
__asm__(".section .text.guard_bench_spin,\"ax\",%progbits\n"
	".syntax unified\n.thumb\n"
	".global guard_bench_spin\n.type guard_bench_spin, %function\n.thumb_func\n"
	"guard_bench_spin:\n"
	"1:\tsubs r0, r0, #1\n\tbne 1b\n\tbx lr\n"
	".text\n");

static uint32_t ticks_now(void)
{
	return SYST_CVR; /* counts down */
}

typedef void *(*alloc_fn)(struct sys_heap *heap, size_t bytes);
typedef void (*free_fn)(struct sys_heap *heap, void *mem);

static void *noop_alloc(struct sys_heap *heap, size_t bytes)
{
	(void)heap;
	return (void *)bytes;
}

static void noop_free(struct sys_heap *heap, void *mem)
{
	(void)heap;
	(void)mem;
}

/* Ticks of ROUNDS alloc+free pairs. */
static uint32_t pairs(alloc_fn a, free_fn f)
{
	uint32_t t0 = ticks_now();

	for (unsigned int i = 0u; i < ROUNDS; i++) {
		f(&bench_heap, a(&bench_heap, BYTES));
	}
	return (t0 - ticks_now()) & 0xFFFFFFu;
}

int main(void)
{
	SYST_RVR = 0xFFFFFFu;
	SYST_CVR = 0u;
	SYST_CSR = 5u; /* enabled, processor clock, no interrupt */

	/* Ticks per instruction, from 20000 instructions of known code. */
	uint32_t t0 = ticks_now();

	(void)guard_bench_spin(10000u);
	uint32_t spin = (t0 - ticks_now()) & 0xFFFFFFu;
	/* instructions = ticks * 20000 / spin, in hundredths per pair */
	uint32_t loop = pairs(noop_alloc, noop_free);
	uint32_t plain = pairs(sys_heap_alloc, sys_heap_free);
	uint32_t unsampled = pairs(sys_heap_guard_alloc, sys_heap_guard_free);
	uint32_t sampled = pairs(sys_heap_guard_alloc_marked, sys_heap_guard_free);
	struct sys_heap_guard_stats st;

	sys_heap_guard_stats_get(&st);
#define PER_PAIR(t) ((unsigned long)(((uint64_t)((t) - loop) * 20000u + spin * ROUNDS / 2u) / ((uint64_t)spin * ROUNDS)))
	printf("guard-bench|plain sys_heap_alloc+free, %u bytes|%lu|instructions\n", BYTES, PER_PAIR(plain));
	printf("guard-bench|guard alloc+free, not sampled|%lu|instructions\n", PER_PAIR(unsampled));
	printf("guard-bench|guard alloc+free, sampled (slot, MPU twice)|%lu|instructions\n", PER_PAIR(sampled));
	printf("guard-bench|sampling cost on an unsampled pair|%ld|instructions\n",
	       (long)PER_PAIR(unsampled) - (long)PER_PAIR(plain));
	printf("guard-bench|MPU|%s|\n", Z_GUARD_PMSAV8 ? "PMSAv8" : "PMSAv7");
	printf("guard-bench|slot size|%u|bytes\n", (unsigned int)SYS_HEAP_GUARD_SLOT_SIZE);
	printf("guard-bench|slots|%u|\n", (unsigned int)Z_GUARD_SLOTS);
	printf("guard-bench|pool RAM per slot (slot + guard share)|%u|bytes\n",
	       (unsigned int)(Z_GUARD_POOL_BYTES / Z_GUARD_SLOTS));
	printf("guard-bench|bookkeeping RAM per slot|%u|bytes\n",
	       (unsigned int)(sizeof(struct z_guard_slot) + 1u));
	printf("guard-bench|sampled served from slots|%u|calls\n", (unsigned int)st.sampled);
	return st.sampled == ROUNDS ? 0 : 1;
}
