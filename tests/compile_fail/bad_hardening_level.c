/* expect: SYS_HEAP_HARDENING must be 0 to 4 */
/* A build flag out of range, or a name the preprocessor would read as 0,
 * stops the build instead of choosing a configuration silently. */
#undef SYS_HEAP_HARDENING
#define SYS_HEAP_HARDENING 7
#include "sys_heap.h"

int bad_hardening_level_unused;
