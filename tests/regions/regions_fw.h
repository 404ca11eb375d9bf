/* regions_fw.h: what the C and C++ parts of the regions firmware share. */
#ifndef TESTS_REGIONS_FW_H
#define TESTS_REGIONS_FW_H

#include "sys_heap_caps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The index of the region holding `mem` in the default set's rank order
 * (0 = the system heap), or -1 for none. */
int region_rank_of(const void *mem);
/* C++ new and delete across the regions (regions_new.cpp). */
void test_new_across_regions(void);

#ifdef __cplusplus
}
#endif

#endif
