/* expect: SYS_HEAP_DEFINE_GRANULAR(dma): size too small for its granule */
#include "sys_heap_define.h"
SYS_HEAP_DEFINE_GRANULAR(dma, SYS_HEAP_MIN_BYTES + 64, ".dma", 64);
