/**
 * @file sys_heap_lock_basepri.h
 * @brief The heap lock as a BASEPRI threshold (ARMv7-M, ARMv7E-M,
 *        ARMv8-M Mainline), in place of the archives' PRIMASK lock.
 *
 * Include it in exactly one C file of the firmware, after defining the
 * threshold:
 *
 * @code
 * #define SYS_HEAP_LOCK_BASEPRI 0x50   // masks priorities 5..15 on a 4-bit part
 * #include "sys_heap_lock_basepri.h"
 * @endcode
 *
 * It defines sys_heap_lock() and sys_heap_unlock(), so the archive's
 * weak PRIMASK pair is not linked. Interrupts more urgent than the
 * threshold keep running and must not touch a heap.
 *
 * SYS_HEAP_LOCK_BASEPRI is the raw byte written to BASEPRI: the priority
 * already shifted into the implemented top bits, as FreeRTOS's
 * configMAX_SYSCALL_INTERRUPT_PRIORITY. BASEPRI_MAX only ever raises the
 * mask, and unlock restores the previous value, so the lock nests.
 * A bad threshold, or a core without BASEPRI, is a compile error.
 *
 * This replaces the default lock of every heap without a lock of its
 * own. For one heap only, attach SYS_HEAP_LOCK_OPS_BASEPRI() to it with
 * sys_heap_set_lock() instead (sys_heap_lock.h).
 */
#ifndef SYS_HEAP_LOCK_BASEPRI_H
#define SYS_HEAP_LOCK_BASEPRI_H

#include "sys_heap_lock.h"

#ifndef SYS_HEAP_LOCK_BASEPRI
#error "sys_heap_lock_basepri.h: define SYS_HEAP_LOCK_BASEPRI (the raw BASEPRI byte) first"
#endif
#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)
#error "SYS_HEAP_LOCK_BASEPRI: ARMv6-M and ARMv8-M Baseline have no BASEPRI; keep the archive's PRIMASK lock"
#endif
_Static_assert(SYS_HEAP_LOCK_BASEPRI > 0 && SYS_HEAP_LOCK_BASEPRI <= 255,
	       "SYS_HEAP_LOCK_BASEPRI must be 1..255 (0 would mask nothing)");

sys_heap_lock_key_t sys_heap_lock(void)
{
	return z_sysheap_basepri_raise((uint32_t)(SYS_HEAP_LOCK_BASEPRI));
}

void sys_heap_unlock(sys_heap_lock_key_t key)
{
	z_sysheap_basepri_restore(key);
}

#endif /* SYS_HEAP_LOCK_BASEPRI_H */
