/*
 * fuzz_libfuzzer.c: the libFuzzer entry point (clang -fsanitize=fuzzer,
 * with ASan and UBSan). A failed check aborts, so libFuzzer saves the
 * input; the operation count is printed when the process exits.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static unsigned long long ops_total;

static void print_total(void)
{
	printf("operations: %llu\n", ops_total);
	fflush(stdout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool registered;
	bool failed = false;

	if (!registered) {
		registered = true;
		atexit(print_total);
	}
	ops_total += fuzz_run(data, size, &failed);
	if (failed) {
		fprintf(stderr, "FAIL %s\n", fuzz_failure());
		abort();
	}
	return 0;
}
