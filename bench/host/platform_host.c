/*
 * platform_host.c: the host side of bench.h. bench_call() is a plain,
 * never-inlined call, so callgrind charges each operation to a call from
 * bench_call to the allocator's entry point; tools/bench_report.py reads
 * those call costs (calls= lines) from the callgrind output.
 */
#include <stdio.h>

#include <valgrind/callgrind.h>

#include "bench.h"
#include "suite.h"

const bool bench_timed = false;

typedef uintptr_t (*call3_t)(uintptr_t, uintptr_t, uintptr_t);

static volatile uintptr_t last_result;

__attribute__((noinline, optimize("no-optimize-sibling-calls"))) uintptr_t
bench_call(void *fn, uintptr_t a0, uintptr_t a1, uintptr_t a2)
{
	/* Every allocator entry point takes at most three integer or pointer
	 * arguments, which the SysV and AAPCS ABIs pass in registers, so
	 * calling through one three-argument type is what the firmware's
	 * trampoline does too. */
	uintptr_t r = ((call3_t)fn)(a0, a1, a2);

	last_result = r;
	return r;
}

uint32_t bench_elapsed(void)
{
	return 0u;
}

void bench_mark(const char *label)
{
	/* A no-op outside valgrind. */
	CALLGRIND_DUMP_STATS_AT(label);
}

void bench_write(const char *buf, size_t len)
{
	fwrite(buf, 1u, len, stdout);
}
