/**
 * @file heap_report.h
 * @brief Print a heap's layout (a compact chunk map from sys_heap_walk())
 *        and its statistics (sys_heap_runtime_stats_get()).
 */
#ifndef DEMO_HEAP_REPORT_H
#define DEMO_HEAP_REPORT_H

#include "sys_heap.h"

/** Print `name`'s chunk map and statistics to stdout. Walks the heap:
 *  O(chunks); call it with the heap quiescent. */
void heap_report(const char *name, struct sys_heap *heap);

#endif /* DEMO_HEAP_REPORT_H */
