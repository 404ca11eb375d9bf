/*
 * fuzz_firmware.c: the fuzz decoder as firmware (QEMU Cortex-M boards),
 * fed by a PRNG until FUZZ_FW_OPS operations have run. Every input runs
 * with the same checks as on the host. A failing input is printed in hex:
 * `xxd -r -p` turns it into a file for tests/fuzz/regress/ (replay it on
 * the host with the board's FUZZ_ARENA_BYTES for the same region sizes).
 */
#include <stdio.h>

#include "fuzz.h"

#ifndef FUZZ_FW_OPS
#define FUZZ_FW_OPS 1000000u
#endif

#ifndef FUZZ_FW_SEED
#define FUZZ_FW_SEED 1u
#endif

/* Inputs stay short on a small board; FUZZ_MAX_INPUT is the host's. */
#ifndef FUZZ_FW_INPUT
#define FUZZ_FW_INPUT 1024u
#endif

static uint8_t input[FUZZ_FW_INPUT];

int main(void)
{
	uint32_t state = FUZZ_FW_SEED;
	unsigned long ops = 0u;
	unsigned long passed = 0u;
	unsigned long failed = 0u;

	printf("fuzz: %s, %u-bit, arena %u bytes\n", fuzz_variant(),
	       (unsigned)(sizeof(void *) * 8u), (unsigned)FUZZ_ARENA_BYTES);
	while (ops < FUZZ_FW_OPS && failed == 0u) {
		size_t size = fuzz_random_input(&state, input, sizeof(input));
		bool bad = false;

		ops += fuzz_run(input, size, &bad);
		if (bad) {
			failed++;
			printf("FAIL input %lu: %s\ninput:", passed + failed, fuzz_failure());
			for (size_t i = 0u; i < size; i++) {
				printf("%s%02x", (i % 32u) == 0u ? "\n" : "", input[i]);
			}
			printf("\n");
		} else {
			passed++;
		}
	}
	printf("fuzz: %lu operations in %lu inputs\n", ops, passed + failed);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed == 0u ? 0 : 1;
}
