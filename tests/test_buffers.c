/*
 * test_buffers.c: the one big buffer every suite reuses, so a board's RAM
 * holds it once rather than once per suite.
 */
#include "tests.h"

_Alignas(64) uint8_t test_arena[TEST_BIG_HEAP_BYTES];
_Alignas(16) uint8_t test_stress_scratch[TEST_STRESS_SCRATCH_BYTES];
