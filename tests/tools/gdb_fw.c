/*
 * gdb_fw.c: the firmware tests/tools/test_gdb.py debugs through QEMU's
 * gdbstub to test tools/gdb/sysheap.py.
 *
 * Compile-time heaps of every header format the extension decodes:
 *   app_heap  8 KiB, 4-byte headers (16-bit fields)
 *   dma_heap  4 KiB, 32-byte granules (granular heaps take 8-byte headers)
 *   big_heap  320 KiB, 8-byte headers (32-bit fields): boards with the RAM
 *             (not ARMv6-M, whose micro:bit has 16 KiB)
 * A fixed pattern of allocations and frees fragments each; each heap's
 * report (every chunk) is printed, then checkpoint() is called, where the
 * test breaks, inspects and corrupts and restores the heaps. Afterwards the
 * firmware validates every heap itself and exits 0 only if all are valid,
 * which also proves the test put back everything it poked.
 */
#include <stdio.h>

#include "sys_heap_define.h"

SYS_HEAP_DEFINE(app_heap, 8192);
SYS_HEAP_DEFINE_GRANULAR(dma_heap, 4096, ".ram2.dma_heap", 32);
#if !defined(__ARM_ARCH_6M__)
#define GDB_FW_BIG_HEAP 1
SYS_HEAP_DEFINE_IN(big_heap, 320u * 1024u, ".ram2.big_heap");
#endif

/* Where the test breaks. noinline and an asm barrier keep the call. */
void checkpoint(void) __attribute__((noinline));
void checkpoint(void)
{
	__asm__ volatile("" ::: "memory");
}

static void print_line(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stdout);
}

/* Blocks of growing sizes, then every third one freed, plus one freed
 * neighbour pair (merged): a heap with used and free chunks interleaved. */
static void fragment(struct sys_heap *heap, unsigned count, size_t step)
{
	void *blocks[48];

	if (count > sizeof(blocks) / sizeof(blocks[0])) {
		count = sizeof(blocks) / sizeof(blocks[0]);
	}
	for (unsigned i = 0u; i < count; i++) {
		blocks[i] = sys_heap_alloc(heap, 8u + step * (i % 7u) + 3u * i);
	}
	for (unsigned i = 1u; i < count; i += 3u) {
		sys_heap_free(heap, blocks[i]);
	}
	if (count > 6u) {
		sys_heap_free(heap, blocks[5]);
		sys_heap_free(heap, blocks[6]);
	}
}

static void report(const char *name, struct sys_heap *heap)
{
	printf("== report %s\n", name);
	sys_heap_report(heap, print_line, NULL, true);
}

int main(void)
{
	fragment(&app_heap, 40u, 24u);
	fragment(&dma_heap, 20u, 40u);
	report("app_heap", &app_heap);
	report("dma_heap", &dma_heap);
#ifdef GDB_FW_BIG_HEAP
	fragment(&big_heap, 48u, 900u);
	report("big_heap", &big_heap);
#endif
	printf("== checkpoint\n");
	fflush(stdout);
	checkpoint();

	int bad = 0;

	for (size_t i = 0u; i < sys_heap_static_count(); i++) {
		const struct sys_heap_static *d = sys_heap_static_at(i);

		if (!sys_heap_validate(d->heap)) {
			printf("gdb_fw: %s is not valid after the checkpoint\n", d->name);
			bad++;
		}
	}
	printf("gdb_fw: %u heaps %s\n", (unsigned)sys_heap_static_count(),
	       bad == 0 ? "valid after the checkpoint" : "NOT valid");
	return bad == 0 ? 0 : 1;
}
