/**
 * @file zephyr/sys/heap_listener.h
 * @brief Zephyr's `<zephyr/sys/heap_listener.h>`, served by libsysheap.
 *
 * Everything is in sys_heap_listener.h, under Zephyr's names; listeners
 * need ::SYS_HEAP_LISTENERS = 1 (Zephyr: CONFIG_SYS_HEAP_LISTENER).
 */
#ifndef SYS_HEAP_ZEPHYR_SYS_HEAP_LISTENER_H
#define SYS_HEAP_ZEPHYR_SYS_HEAP_LISTENER_H

/* Relative, so that it finds our header in the tree and once installed. */
#include "../../sys_heap_listener.h"

#endif /* SYS_HEAP_ZEPHYR_SYS_HEAP_LISTENER_H */
