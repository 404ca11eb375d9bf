#ifndef BENCH_SYSCALLS_H
#define BENCH_SYSCALLS_H

#include <stddef.h>

/* Make _sbrk hand out exactly [base, base + bytes), from its start. */
void bench_sbrk_set(void *base, size_t bytes);

#endif
