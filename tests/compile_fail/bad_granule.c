/* expect: SYS_HEAP_DEFINE_GRANULAR(dma): granule not a power of two up to 4096 */
#include "sys_heap_define.h"
SYS_HEAP_DEFINE_GRANULAR(dma, 8192, ".dma", 48);
