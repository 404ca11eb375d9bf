/* expect: SYS_HEAP_DEFINE(odd): alignment not a power of two */
#include "sys_heap_define.h"
SYS_HEAP_DEFINE_ALIGNED(odd, 4096, 24);
