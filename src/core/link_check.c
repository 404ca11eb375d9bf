/*
 * link_check.c: the symbol every user of sys_heap.h refers to, for the
 * options this archive is built with (include/sys_heap_link_check.h). A
 * firmware compiled with other options finds no definition and fails to
 * link, naming its own options. Zero bytes.
 */
#include "sys_heap.h"

Z_SYS_HEAP_LINK_PROVIDE(Z_SYS_HEAP_OPTIONS_SYMBOL);
