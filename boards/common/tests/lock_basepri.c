/*
 * lock_basepri.c: isr_test_basepri's lock, the documented way: the
 * threshold (from the firmware's flags) and one include.
 */
#include "sys_heap_lock_basepri.h"
