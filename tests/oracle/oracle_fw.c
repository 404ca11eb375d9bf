/*
 * oracle_fw.c: the firmware `make test-oracle` sizes (tools/heapsize,
 * docs/tools.md). A small device's day on one heap of ORACLE_HEAP_BYTES:
 * long-lived configuration blocks made at start-up, a message queue of
 * packets of many sizes filled and drained in bursts, a log buffer grown
 * with realloc, and per-burst scratch buffers. Deterministic (a fixed
 * xorshift seed), and what it asks for never depends on the addresses it
 * gets, so every build runs the same sequence until a call fails.
 *
 * The heap is recorded (include/sys_heap_record.h) into a 256-byte RAM
 * buffer streamed to the console as "R <hex>" lines whenever it fills; or,
 * with ORACLE_RECORD_KEEP, into a 16 KiB buffer that keeps the whole log
 * for gdb to pull out (`sysheap record recorder FILE` in
 * oracle_recorded(), tests/oracle/gdb_pull.py).
 * The last line is "oracle_fw: completed N calls, heap H bytes" (exit 0)
 * or "oracle_fw: call N failed: B bytes, heap H bytes" (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "sys_heap_define.h"
#include "sys_heap_record.h"

#ifndef ORACLE_HEAP_BYTES
#define ORACLE_HEAP_BYTES 24576u
#endif

SYS_HEAP_DEFINE(oracle_heap, ORACLE_HEAP_BYTES);

#if defined(ORACLE_RECORD_KEEP)
static uint8_t record_buf[16384];
#else
static uint8_t record_buf[256];
#endif
static struct sys_heap_recorder recorder;
static unsigned long calls;

/* Where gdb breaks to pull the kept log. */
void oracle_recorded(void) __attribute__((noinline));
void oracle_recorded(void)
{
	__asm__ volatile("" ::: "memory");
}

#if defined(ORACLE_RECORD_KEEP)
#define ORACLE_FLUSH NULL
#else
#define ORACLE_FLUSH stream_hex
static void stream_hex(void *ctx, const uint8_t *data, size_t bytes)
{
	static const char digits[] = "0123456789abcdef";
	char line[2u + 2u * sizeof(record_buf) + 2u];
	size_t k = 0;

	(void)ctx;
	line[k++] = 'R';
	line[k++] = ' ';
	for (size_t i = 0; i < bytes; i++) {
		line[k++] = digits[data[i] >> 4];
		line[k++] = digits[data[i] & 15u];
	}
	line[k++] = '\n';
	line[k] = '\0';
	fputs(line, stdout);
}
#endif

/* The test harness's xorshift (tests/harness.c), from a fixed seed. */
static struct rng rng = { 0x2545f491u };
static uint32_t next_random(void)
{
	return rng_next(&rng);
}
static uint32_t between(uint32_t lo, uint32_t hi)
{
	return lo + next_random() % (hi - lo + 1u);
}

static void fail(size_t bytes)
{
	sys_heap_record_stop(&recorder, &oracle_heap);
	printf("oracle_fw: call %lu failed: %u bytes, heap %u bytes\n", calls + 1u,
	       (unsigned)bytes, (unsigned)ORACLE_HEAP_BYTES);
	fflush(stdout);
	exit(1);
}

static void *take(size_t bytes)
{
	void *p = sys_heap_alloc(&oracle_heap, bytes);

	if (p == NULL) {
		fail(bytes);
	}
	calls++;
	return p;
}

static void give(void *p)
{
	if (p != NULL) {
		sys_heap_free(&oracle_heap, p);
		calls++;
	}
}

static void *grow(void *p, size_t bytes)
{
	void *q = sys_heap_realloc(&oracle_heap, p, bytes);

	if (q == NULL) {
		fail(bytes);
	}
	calls++;
	return q;
}

#define QUEUE_SLOTS 48u
#define CONFIG_BLOCKS 12u

int main(void)
{
	void *config[CONFIG_BLOCKS];
	void *queue[QUEUE_SLOTS] = { 0 };
	void *log = NULL;
	size_t log_bytes = 0;

	if (!sys_heap_record_start(&recorder, &oracle_heap, record_buf, sizeof(record_buf),
				   ORACLE_FLUSH, NULL)) {
		puts("oracle_fw: cannot record (built without SYS_HEAP_LISTENERS?)");
		return 2;
	}
	for (unsigned i = 0; i < CONFIG_BLOCKS; i++) {
		config[i] = take(between(16u, 320u));
	}
	for (unsigned burst = 0; burst < 60u; burst++) {
		/* A burst of packets arrives; some are dropped at once. */
		unsigned arrivals = between(4u, 30u);

		for (unsigned a = 0; a < arrivals; a++) {
			unsigned slot = next_random() % QUEUE_SLOTS;

			give(queue[slot]);
			queue[slot] = take((next_random() & 7u) == 0u ? between(256u, 1536u)
								       : between(8u, 200u));
		}
		/* Scratch for decoding the burst, freed before the next. */
		void *scratch = take(between(64u, 2048u));

		/* The log grows by a line or two, and is flushed every 8 bursts. */
		log_bytes += between(24u, 160u);
		log = grow(log, log_bytes);
		if ((burst & 7u) == 7u) {
			give(log);
			log = NULL;
			log_bytes = 0;
		}
		give(scratch);
		/* The consumer drains part of the queue. */
		for (unsigned d = between(0u, QUEUE_SLOTS / 2u); d > 0u; d--) {
			unsigned slot = next_random() % QUEUE_SLOTS;

			give(queue[slot]);
			queue[slot] = NULL;
		}
		/* Reconfiguration now and then replaces a long-lived block. */
		if ((burst % 10u) == 9u) {
			unsigned c = next_random() % CONFIG_BLOCKS;

			give(config[c]);
			config[c] = take(between(16u, 320u));
		}
	}
	sys_heap_record_stop(&recorder, &oracle_heap);
	oracle_recorded();
	printf("oracle_fw: recorded %lu calls, %lu lost\n", (unsigned long)recorder.records,
	       (unsigned long)recorder.lost);
	printf("oracle_fw: completed %lu calls, heap %u bytes\n", calls,
	       (unsigned)ORACLE_HEAP_BYTES);
	return recorder.lost == 0u ? 0 : 1;
}
