/*
 * regions_main.c: the multi-region benchmark firmware (make bench-regions).
 * The same small-heap timing suite as bench-quick, on one arena used
 * three ways: one sys_heap (the reference), and capability region sets of
 * 2 and 4 equal regions (bench/adapters/alloc_regions.c). Lines as
 * bench/common/suite.c prints them, read by tools/bench_regions.py.
 */
#include <stdint.h>

#include "alloc_regions.h"
#include "alloc_sysheap.h"
#include "suite.h"
#include "timer.h"

/* BOARD_NAME and BENCH_CPU come from mk/regions.mk. The arena and the
 * rounds are those of bench-quick's small heap. */
#define REGIONS_ARENA_BYTES (128u * 1024u)
#define REGIONS_ROUNDS 200u

static uint8_t arena[REGIONS_ARENA_BYTES]
	__attribute__((aligned(4096), section(".noinit.bench_regions")));

int main(void)
{
	bench_timer_init();
	bool calibrated = bench_calibrate();

	bprintf("CFG board=%s cpu=%s alloc=regions hardening=%d small=%lu rounds=%lu\n",
		BOARD_NAME, BENCH_CPU, (int)SYS_HEAP_HARDENING, (unsigned long)REGIONS_ARENA_BYTES,
		(unsigned long)REGIONS_ROUNDS);
	bflush();

	struct bench_allocator A;

	sysheap_allocator(&A, "sysheap", BENCH_SYSHEAP_PLAIN);
	suite_timing(&A, "small", arena, REGIONS_ARENA_BYTES, REGIONS_ROUNDS, true);
	regions_allocator(&A, "regions2", 2u);
	suite_timing(&A, "small", arena, REGIONS_ARENA_BYTES, REGIONS_ROUNDS, true);
	regions_allocator(&A, "regions4", 4u);
	suite_timing(&A, "small", arena, REGIONS_ARENA_BYTES, REGIONS_ROUNDS, true);

	unsigned hooks = sysheap_error_hook_calls();

	if (hooks != 0u) {
		bprintf("ERROR the error hook was called %u times\n", hooks);
		suite_failed = true;
	}
	int status = (!calibrated ? 2 : 0) | (suite_failed ? 1 : 0);

	bprintf("END status=%d\n", status);
	bflush();
	return status;
}
