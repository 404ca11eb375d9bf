/*
 * ceiling.c: the packing ceiling of the utilisation figure.
 *
 *   bench_ceiling --arena BYTES --seeds N --capacity BYTES
 *
 * Runs suite_utilisation() (the realistic workload in fill mode, seeds
 * 1..N, on an arena of BYTES) on the ideal packer (alloc_ideal.h) for each
 * block format below, with --capacity bytes for blocks. The workload's
 * requests depend on the seed only (bench/common/workloads.c), so the host
 * replays exactly what the firmware's sys_heap was asked for. Prints, per
 * format, one line
 *
 *   P alloc= hdr= unit= arena= capacity=
 *
 * then suite_utilisation()'s U lines for that alloc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_ideal.h"
#include "suite.h"

static const struct {
	const char *name;
	size_t hdr;
	size_t unit;
} formats[] = {
	/* sys_heap's small heap: 4-byte headers, 8-byte chunk units. */
	{ "ideal-h4u8", 4u, 8u },
	/* Its big heap's 8-byte headers. */
	{ "ideal-h8u8", 8u, 8u },
	/* 4-byte headers, 4-byte units. */
	{ "ideal-h4u4", 4u, 4u },
	/* The requested bytes alone: the packer fails only on a request
	 * larger than the room left, so this shows how full the arena can
	 * get before the workload's next request does not fit. */
	{ "ideal-h0u1", 0u, 1u },
};

/* The value after option `name` at argv[*i], or 0 when argv[*i] is not it. */
static size_t option(int argc, char **argv, int *i, const char *name)
{
	if (strcmp(argv[*i], name) != 0 || *i + 1 >= argc) {
		return 0u;
	}
	*i += 1;
	return strtoul(argv[*i], NULL, 0);
}

int main(int argc, char **argv)
{
	size_t arena = 0u, seeds = 0u, capacity = 0u;

	for (int i = 1; i < argc; i++) {
		size_t v;

		if ((v = option(argc, argv, &i, "--arena")) != 0u) {
			arena = v;
		} else if ((v = option(argc, argv, &i, "--seeds")) != 0u) {
			seeds = v;
		} else if ((v = option(argc, argv, &i, "--capacity")) != 0u) {
			capacity = v;
		} else {
			arena = 0u;
			break;
		}
	}
	if (arena == 0u || seeds == 0u || capacity == 0u || capacity > arena) {
		fprintf(stderr, "usage: %s --arena BYTES --seeds N --capacity BYTES "
				"(0 < capacity <= arena)\n", argv[0]);
		return 2;
	}
	for (unsigned f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		struct ideal_packer p;
		struct bench_allocator A;

		ideal_allocator(&A, formats[f].name, &p, formats[f].hdr, formats[f].unit, capacity);
		bprintf("P alloc=%s hdr=%lu unit=%lu arena=%lu capacity=%lu\n", A.name,
			(unsigned long)formats[f].hdr, (unsigned long)formats[f].unit,
			(unsigned long)arena, (unsigned long)capacity);
		/* The packer's memory is the host's: the arena is not used. */
		suite_utilisation(&A, NULL, arena, (uint32_t)seeds);
	}
	bflush();
	return suite_failed ? 1 : 0;
}
