/* expect: SYS_HEAP_DEFINE(sized): larger than a SYS_HEAP_HEADER_SMALL heap can use */
/* No small heap serves 300000 bytes: SYS_HEAP_BYTES_FOR refuses it. */
#undef SYS_HEAP_HEADER_FORMAT
#define SYS_HEAP_HEADER_FORMAT 1
#include "sys_heap_define.h"
SYS_HEAP_DEFINE(sized, SYS_HEAP_BYTES_FOR(300000));
