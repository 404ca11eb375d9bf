/* expect: SYS_HEAP_OPTIMIZE_SIZE is gone */
/* A build that still sets the option the small default replaced must
 * stop, not silently get a different trade-off. */
#define SYS_HEAP_OPTIMIZE_SIZE 1
#include "sys_heap.h"

int old_optimize_size_unused;
