/*
 * zephyr/sys/multi_heap.h: Zephyr's include path for the multi-heap, so
 * `#include <zephyr/sys/multi_heap.h>` compiles unchanged with -Iinclude.
 */
#ifndef ZEPHYR_SYS_MULTI_HEAP_H_FORWARD
#define ZEPHYR_SYS_MULTI_HEAP_H_FORWARD

#include "../../sys_multi_heap.h"

#endif
