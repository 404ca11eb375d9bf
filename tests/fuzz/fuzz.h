/*
 * fuzz.h: the differential fuzzer's decoder. One byte stream becomes one
 * heap (region size, offset, junk fill, granule, guard key) and a run of
 * API calls; a shadow model of every live block is checked after every
 * call (tests/fuzz/fuzz_heap.c says what is checked).
 *
 * Three drivers feed it: libFuzzer (fuzz_libfuzzer.c), a plain random
 * driver that also replays saved inputs (fuzz_random.c), and firmware
 * fed by a PRNG (fuzz_firmware.c). All of them see the same decoder.
 *
 * Sizes are macros with host defaults; a board overrides them with -D:
 *   FUZZ_ARENA_BYTES  the buffer regions are cut from. The host's covers
 *                     the small/big header switch at 256 KiB.
 *   FUZZ_ARENA_ALIGN  its alignment: regions at every granule's boundary.
 *   FUZZ_SLOTS        live blocks the model tracks at most.
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_ARENA_BYTES
#define FUZZ_ARENA_BYTES (320u * 1024u)
#endif

#ifndef FUZZ_ARENA_ALIGN
#define FUZZ_ARENA_ALIGN 4096u
#endif

#ifndef FUZZ_SLOTS
#define FUZZ_SLOTS 48u
#endif

/* Longest input the random drivers make, and the longest the decoder reads. */
#define FUZZ_MAX_INPUT 4096u

/* Run one input. Returns the number of API calls made and checked; sets
 * *failed (and prints the first failed check) when a check failed, after
 * which the rest of the input is skipped. */
uint32_t fuzz_run(const uint8_t *data, size_t size, bool *failed);

/* The first failed check of the last run, "file:line: expr", or "". */
const char *fuzz_failure(void);

/* Fill buf with a random input of at most max bytes from an xorshift32
 * state; returns its length. Shared by the random and firmware drivers. */
size_t fuzz_random_input(uint32_t *state, uint8_t *buf, size_t max);

/* The compile-time configuration this decoder was built for, one line. */
const char *fuzz_variant(void);

#endif /* TESTS_FUZZ_H */
