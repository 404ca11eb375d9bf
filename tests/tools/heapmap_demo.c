/*
 * heapmap_demo.c: a host program that builds a fragmented heap the way
 * long-running firmware does, deterministically, and prints its report
 * with every chunk: the input of `make heapmap` (docs/heapmap-example.svg)
 * and of test-heapmap's round trip.
 *
 * A 16 KiB heap serves a day of "firmware": long-lived objects (tasks,
 * tables) allocated early, then rounds of message buffers and records of
 * mixed sizes, a random half of which are freed each round, while a few
 * become long-lived. What is left is interleaved live blocks and holes.
 */
#include <stdint.h>
#include <stdio.h>

#include "sys_heap.h"

#define HEAP_BYTES (16u * 1024u)
#define MAX_LIVE 256u

static _Alignas(16) uint8_t region[HEAP_BYTES];
static struct sys_heap heap;
static void *live[MAX_LIVE];

static uint32_t rng = 0x2545f491u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static size_t pick_size(void)
{
	uint32_t r = next() % 100u;

	if (r < 55u) {
		return 8u + next() % 40u; /* headers, small records */
	}
	if (r < 85u) {
		return 48u + next() % 160u; /* messages */
	}
	return 256u + next() % 512u; /* buffers */
}

static void print_line(void *ctx, const char *text)
{
	(void)ctx;
	fputs(text, stdout);
}

int main(void)
{
	unsigned count = 0u;

	sys_heap_init(&heap, region, sizeof(region));
	/* Long-lived objects first. */
	for (unsigned i = 0u; i < 6u; i++) {
		live[count++] = sys_heap_alloc(&heap, 96u + 64u * i);
	}
	unsigned keep = count;

	for (unsigned round = 0u; round < 12u; round++) {
		while (count < MAX_LIVE) {
			void *p = sys_heap_alloc(&heap, pick_size());

			if (p == NULL) {
				break;
			}
			live[count++] = p;
		}
		/* Free a random half of the transient blocks; one in eight
		 * of the survivors becomes long-lived. */
		for (unsigned i = keep; i < count;) {
			if (next() % 2u == 0u) {
				sys_heap_free(&heap, live[i]);
				live[i] = live[--count];
			} else {
				i++;
			}
		}
		while (keep < count && next() % 8u == 0u) {
			keep++;
		}
		if (count > keep + 40u) {
			/* Shed the oldest transients now and then. */
			for (unsigned i = keep; i < keep + 20u; i++) {
				sys_heap_free(&heap, live[i]);
				live[i] = live[--count];
			}
		}
	}
	/* The day ends mid-round: a last burst of allocations. */
	for (unsigned i = 0u; i < 40u && count < MAX_LIVE; i++) {
		void *p = sys_heap_alloc(&heap, pick_size());

		if (p != NULL) {
			live[count++] = p;
		}
	}
	printf("== report demo_heap\n");
	sys_heap_report(&heap, print_line, NULL, true);
	return sys_heap_validate(&heap) ? 0 : 1;
}
