/* expect: SYS_HEAP_DEFINE(huge): larger than a SYS_HEAP_HEADER_SMALL heap can use */
/* With 4-byte headers only, init would clip this buffer to 256 KiB. */
#undef SYS_HEAP_HEADER_FORMAT
#define SYS_HEAP_HEADER_FORMAT 1
#include "sys_heap_define.h"
SYS_HEAP_DEFINE(huge, 300000);
