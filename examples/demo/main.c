/*
 * main.c: the libsysheap demo firmware (`make run`, any board).
 *
 * Two compile-time heaps in two sections:
 *   app_heap  general-purpose, in the heaps' own NOLOAD section in RAM;
 *   io_heap   DMA buffers, in the board's second RAM (.ram2), with
 *             32-byte granules so no block shares a cache line.
 * Both are formatted by the startup code before main. malloc, printf and
 * new draw from a third, the system heap (the C library glue): the demo
 * shows where each got its memory. The demo runs a
 * firmware-like workload on each, prints each heap's chunk map and
 * statistics while blocks are live, frees everything, and exits 0 when
 * every check held (contents intact, heap valid, nothing leaked).
 */
#include <stdio.h>

#include "heap_report.h"
#include "sys_heap_define.h"
#include "where.h"
#include "workload.h"

#ifndef BOARD_NAME
#define BOARD_NAME "unknown board"
#endif
#ifndef DEMO_APP_HEAP_BYTES
#define DEMO_APP_HEAP_BYTES (24u * 1024u)
#endif
#ifndef DEMO_IO_HEAP_BYTES
#define DEMO_IO_HEAP_BYTES (8u * 1024u)
#endif
#ifndef DEMO_OPS
#define DEMO_OPS 20000u
#endif

SYS_HEAP_DEFINE(app_heap, DEMO_APP_HEAP_BYTES);
SYS_HEAP_DEFINE_GRANULAR(io_heap, DEMO_IO_HEAP_BYTES, ".ram2.io_heap", 32);

static void list_heaps(void)
{
	printf("compile-time heaps (formatted before main):\n");
	for (size_t i = 0; i < sys_heap_static_count(); i++) {
		const struct sys_heap_static *d = sys_heap_static_at(i);

		printf("  %-9s %6u bytes at %p, granule %u, %s\n", d->name, (unsigned)d->bytes,
		       d->mem, (unsigned)(d->granule != 0u ? d->granule : SYS_HEAP_NATURAL_ALIGN),
		       d->heap->heap != NULL ? "formatted" : "NOT FORMATTED");
	}
}

static unsigned report_run(const char *name, const struct workload_result *r)
{
	printf("%s: %lu allocs, %lu reallocs, %lu frees, %lu failed (heap full), "
	       "%lu corrupted, %lu invalid\n",
	       name, (unsigned long)r->allocs, (unsigned long)r->reallocs, (unsigned long)r->frees,
	       (unsigned long)r->failures, (unsigned long)r->corrupt, (unsigned long)r->invalid);
	return (unsigned)(r->corrupt + r->invalid);
}

static unsigned check_empty(const char *name, struct sys_heap *heap)
{
	struct sys_memory_stats s;

	if (sys_heap_runtime_stats_get(heap, &s) != 0 || s.allocated_bytes != 0u) {
		printf("%s: %u bytes still allocated after the release\n", name,
		       (unsigned)s.allocated_bytes);
		return 1u;
	}
	return 0u;
}

int main(void)
{
	struct workload_result app = { 0 }, io = { 0 };
	unsigned problems = 0;

	printf("libsysheap demo on %s\n", BOARD_NAME);
	list_heaps();
	problems += where_memory_comes_from();

	workload_run(&app_heap, DEMO_OPS, 0x1234567u, 64u, &app);
	workload_run(&io_heap, DEMO_OPS / 4u, 0x89abcdeu, 64u, &io);

	printf("\nmaps: one column per slice of the region; '#' live blocks, '.' free, "
	       "'+' both, ' ' heap metadata\n");
	printf("\nafter the workload, blocks still live:\n");
	heap_report("app_heap", &app_heap);
	heap_report("io_heap", &io_heap);

	workload_release(&app_heap, &app);
	workload_release(&io_heap, &io);
	printf("\n");
	problems += report_run("app_heap", &app);
	problems += report_run("io_heap", &io);
	problems += check_empty("app_heap", &app_heap);
	problems += check_empty("io_heap", &io_heap);

	printf("\nafter freeing everything:\n");
	heap_report("app_heap", &app_heap);
	heap_report("io_heap", &io_heap);

	printf("demo %s\n", problems == 0u ? "ok" : "FAILED");
	return problems == 0u ? 0 : 1;
}
