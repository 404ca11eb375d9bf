/* expect: SYS_HEAP_DEFINE(tiny): size below SYS_HEAP_MIN_BYTES */
#include "sys_heap_define.h"
SYS_HEAP_DEFINE(tiny, 16);
