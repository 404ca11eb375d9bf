/* expect: compiles (the control for the option checks: levels and formats by name) */
#undef SYS_HEAP_HARDENING
#define SYS_HEAP_HARDENING SYS_HEAP_HARDENING_GUARDS
#undef SYS_HEAP_HEADER_FORMAT
#define SYS_HEAP_HEADER_FORMAT SYS_HEAP_HEADER_SMALL
#include "sys_heap.h"

int config_names_unused = SYS_HEAP_HARDENING + SYS_HEAP_HEADER_FORMAT;
