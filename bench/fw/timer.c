/*
 * timer.c: the firmware's clock, its calibration, and the console.
 *
 * Two counters, chosen at compile time:
 *   BENCH_TIMER_SYSTICK  SysTick, 24 bits, counting down, on the processor
 *                        clock (CLKSOURCE=1). Every core has it; the only
 *                        choice on M0/M0+, and the one QEMU models.
 *   BENCH_TIMER_DWT      DWT CYCCNT, 32 bits, counting up. M3 and later on
 *                        real silicon; QEMU does not model it.
 *
 * Under QEMU with `-icount shift=N` virtual time advances 2^N ns per
 * instruction and SysTick ticks every 1e9/SYSCLK ns, so a reading is an
 * exact function of the instructions executed. With shift=7 a tick is
 * 1/2.05..1/3.2 of an instruction on our boards (SYSCLK 16..25 MHz), so
 * rounding ticks / (ticks per instruction) recovers the exact count: the
 * reading is off by less than one tick, less than half an instruction.
 * bench_calibrate() measures the ratio on code of known length, checks
 * that the rounding is exact on every probe, and prints all of it.
 *
 * BENCH_UNIT_INSN (set for QEMU builds) reports instructions; without
 * it the firmware reports cycles: ticks minus the empty-call overhead.
 */
#include <stdint.h>

#include "bench.h"
#include "cortexm.h"
#include "semihosting.h"
#include "timer.h"

#if !defined(BENCH_TIMER_DWT) && !defined(BENCH_TIMER_SYSTICK)
#if defined(BENCH_QEMU) || CORTEXM_BASELINE
#define BENCH_TIMER_SYSTICK 1
#else
#define BENCH_TIMER_DWT 1
#endif
#endif

#define DEMCR CORTEXM_REG(0xE000EDFCu)
#define DWT_CTRL CORTEXM_REG(0xE0001000u)
#define DWT_CYCCNT_ADDR 0xE0001004u
#define SYST_CVR_ADDR 0xE000E018u

/* Read by timed_call.S. */
volatile uint32_t *bench_counter_addr;
volatile uint32_t bench_ticks[2];

const bool bench_timed = true;

static uint32_t counter_mask;
static bool counter_down;
static uint64_t ratio_q24;      /* ticks per instruction, Q24 */
static uint32_t overhead_units; /* what an empty call measures, minus its one instruction */

extern void bench_cal_1(void);
extern void bench_cal_7(void);
extern void bench_cal_100(void);
extern void bench_cal_1000(void);
extern uint32_t bench_cal_loop(uint32_t n);

void bench_timer_init(void)
{
#if defined(BENCH_TIMER_DWT)
	DEMCR |= 1u << 24; /* TRCENA */
	CORTEXM_REG(DWT_CYCCNT_ADDR) = 0u;
	DWT_CTRL |= 1u; /* CYCCNTENA */
	bench_counter_addr = (volatile uint32_t *)DWT_CYCCNT_ADDR;
	counter_mask = 0xffffffffu;
	counter_down = false;
#else
	SYST_CSR = 0u;
	SYST_RVR = 0x00ffffffu;
	SYST_CVR = 0u;
	SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE; /* no interrupt */
	bench_counter_addr = (volatile uint32_t *)SYST_CVR_ADDR;
	counter_mask = 0x00ffffffu;
	counter_down = true;
#endif
}

static uint32_t last_ticks(void)
{
	uint32_t t0 = bench_ticks[0];
	uint32_t t1 = bench_ticks[1];

	return (counter_down ? t0 - t1 : t1 - t0) & counter_mask;
}

/* Ticks -> instructions, rounded to nearest. */
static uint32_t ticks_to_units(uint32_t ticks)
{
#if defined(BENCH_UNIT_INSN)
	return (uint32_t)((((uint64_t)ticks << 24) + ratio_q24 / 2u) / ratio_q24);
#else
	return ticks;
#endif
}

uint32_t bench_elapsed(void)
{
	uint32_t u = ticks_to_units(last_ticks());

	return u > overhead_units ? u - overhead_units : 0u;
}

static uint32_t ticks_of(void *fn, uint32_t arg)
{
	(void)bench_call(fn, arg, 0u, 0u);
	return last_ticks();
}

/* Shift the counter's phase against the instruction stream between
 * trials, so every rounding case gets exercised. */
static void jitter(uint32_t k)
{
	(void)bench_cal_loop(1u + k % 13u);
}

bool bench_calibrate(void)
{
	/* 1. A rough ratio, to size the long loop to about 8M ticks: long
	 *    enough for a precise ratio, short of the 24-bit wrap. */
	uint32_t empty = ticks_of((void *)bench_cal_1, 0u);
	uint32_t t1000 = ticks_of((void *)bench_cal_1000, 0u);
	uint32_t per_k = t1000 > empty ? t1000 - empty : 1u; /* ticks per 999 insns */
	uint32_t n = (uint32_t)(((uint64_t)8000000u * 999u / per_k) / 2u);

	if (n < 1000u) {
		n = 1000u;
	}
	if (n > 4000000u) {
		n = 4000000u;
	}
	/* 2. The ratio from 4 long loops against 4 empty calls: the loop runs
	 *    2n + 1 instructions, the empty callee 1. */
	uint64_t loop_sum = 0u, empty_sum = 0u;

	for (uint32_t k = 0; k < 4u; k++) {
		jitter(k);
		loop_sum += ticks_of((void *)bench_cal_loop, n);
		jitter(k + 5u);
		empty_sum += ticks_of((void *)bench_cal_1, 0u);
	}
	ratio_q24 = ((loop_sum - empty_sum) << 24) / (4u * 2u * (uint64_t)n);
	if (ratio_q24 == 0u) {
		ratio_q24 = 1u;
	}
	/* 3. The fixed cost of a measurement: an empty call reads as this
	 *    many units plus its one instruction. */
#if defined(BENCH_UNIT_INSN)
	overhead_units = ticks_to_units(ticks_of((void *)bench_cal_1, 0u)) - 1u;
#else
	overhead_units = ticks_to_units(ticks_of((void *)bench_cal_1, 0u));
#endif
	/* 4. Verify: every probe of known length must read exactly. */
	static const struct {
		void *fn;
		uint32_t arg;
		uint32_t insns;
	} probes[] = {
		{ (void *)bench_cal_1, 0u, 1u },
		{ (void *)bench_cal_7, 0u, 7u },
		{ (void *)bench_cal_100, 0u, 100u },
		{ (void *)bench_cal_1000, 0u, 1000u },
		{ (void *)bench_cal_loop, 1u, 3u },
		{ (void *)bench_cal_loop, 10u, 21u },
		{ (void *)bench_cal_loop, 1000u, 2001u },
		{ (void *)bench_cal_loop, 100000u, 200001u },
	};
	uint32_t checks = 0u, exact = 0u, worst = 0u;

	for (unsigned p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
		for (uint32_t k = 0; k < 16u; k++) {
			jitter(k * 3u + p);
			(void)bench_call(probes[p].fn, probes[p].arg, 0u, 0u);
			uint32_t got = bench_elapsed();
			uint32_t err = got > probes[p].insns ? got - probes[p].insns
							     : probes[p].insns - got;

			checks++;
			exact += err == 0u ? 1u : 0u;
			worst = err > worst ? err : worst;
		}
	}
	uint64_t micro = (ratio_q24 * 1000000u) >> 24;

	bprintf("CAL timer=%s unit=%s ticks_per_unit_x1e6=%lu overhead=%lu loop_n=%lu "
		"checks=%lu exact=%lu worst_error=%lu\n",
#if defined(BENCH_TIMER_DWT)
		"dwt",
#else
		"systick",
#endif
#if defined(BENCH_UNIT_INSN)
		"insn",
#else
		"cycle",
#endif
		(unsigned long)micro,
		(unsigned long)overhead_units, (unsigned long)n, (unsigned long)checks,
		(unsigned long)exact, (unsigned long)worst);
	bflush();
#if defined(BENCH_UNIT_INSN)
	return exact == checks;
#else
	return true;
#endif
}

void bench_mark(const char *label)
{
	(void)label;
}

void bench_write(const char *buf, size_t len)
{
	(void)semihosting_write(buf, len);
}
