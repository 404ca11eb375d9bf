/* expect: SYS_HEAP_OPTIMIZE_SPEED must be 0 or 1 */
/* A build flag out of range, or a name the preprocessor would read as 0,
 * stops the build instead of choosing a configuration silently. */
#undef SYS_HEAP_OPTIMIZE_SPEED
#define SYS_HEAP_OPTIMIZE_SPEED on
#include "sys_heap.h"

int switch_word_unused;
