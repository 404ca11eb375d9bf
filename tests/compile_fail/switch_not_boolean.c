/* expect: SYS_HEAP_STATS must be 0 or 1 */
/* A build flag out of range, or a name the preprocessor would read as 0,
 * stops the build instead of choosing a configuration silently. */
#undef SYS_HEAP_STATS
#define SYS_HEAP_STATS 2
#include "sys_heap.h"

int switch_not_boolean_unused;
