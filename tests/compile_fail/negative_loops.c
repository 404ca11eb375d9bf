/* expect: count samples: 0 or more */
/* A build flag out of range, or a name the preprocessor would read as 0,
 * stops the build instead of choosing a configuration silently. */
#undef SYS_HEAP_ALLOC_LOOPS
#define SYS_HEAP_ALLOC_LOOPS -1
#include "sys_heap.h"

int negative_loops_unused;
