/* expect: SYS_HEAP_HEADER_FORMAT must be 0 to 2 */
/* A build flag out of range, or a name the preprocessor would read as 0,
 * stops the build instead of choosing a configuration silently. */
#undef SYS_HEAP_HEADER_FORMAT
#define SYS_HEAP_HEADER_FORMAT 3
#include "sys_heap.h"

int bad_header_format_unused;
