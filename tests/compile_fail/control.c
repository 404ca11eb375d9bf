/* expect: compiles (the control: the same macros with good arguments) */
#include "sys_heap_define.h"
SYS_HEAP_DEFINE(fine, SYS_HEAP_MIN_BYTES);
SYS_HEAP_DEFINE_ALIGNED(aligned, 4096, 4096);
SYS_HEAP_DEFINE_GRANULAR(dma, SYS_HEAP_GRANULAR_MIN_BYTES(64), ".dma", 64);
