/*
 * largest.h: the guaranteed request size behind sys_heap_largest_free(),
 * shared with the low-water marks.
 */
#ifndef SYSHEAP_LARGEST_H
#define SYSHEAP_LARGEST_H

#include "room.h"

/* The largest request every allocating call serves when the bucket bitmap
 * is `avail`: 0 when it is empty. O(1). */
size_t z_sysheap_guaranteed_bytes(const struct z_heap *h, uint32_t avail);

#endif /* SYSHEAP_LARGEST_H */
