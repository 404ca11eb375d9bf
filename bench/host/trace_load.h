/*
 * trace_load.h: read a text trace (bench/traces/README.md) on the host.
 */
#ifndef BENCH_TRACE_LOAD_H
#define BENCH_TRACE_LOAD_H

#include "bench.h"

/*
 * Parse `path` into *tr (ops are malloc'd). Checks the syntax, that every
 * id is live when used and free when allocated, and that the `k` line
 * matches the checksum of the ops. Returns false, with a message on
 * stderr, on any error.
 */
bool trace_load(const char *path, struct bench_trace *tr);

#endif
