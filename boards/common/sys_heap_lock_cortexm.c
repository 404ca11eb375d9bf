/*
 * sys_heap_lock_cortexm.c: the heap lock as an interrupt mask, for every
 * Cortex-M. Chosen by the compiler's architecture macros:
 *
 *   ARMv6-M, ARMv8-M Baseline   PRIMASK (they have nothing else).
 *   ARMv7-M, ARMv7E-M,          PRIMASK by default; BASEPRI when built
 *   ARMv8-M Mainline            with -DSYS_HEAP_LOCK_BASEPRI=<value>, so
 *                               interrupts more urgent than <value> still
 *                               run (they must not touch the heap).
 *
 * SYS_HEAP_LOCK_BASEPRI is the raw byte written to BASEPRI: the priority
 * already shifted into the implemented top bits, as in FreeRTOS's
 * configMAX_SYSCALL_INTERRUPT_PRIORITY. On a part with 4 priority bits,
 * masking priorities 5..15 is (5 << 4) = 0x50.
 *
 * Nesting: lock returns the register's previous value and unlock writes it
 * back, so an inner lock/unlock pair never unmasks what an outer one (or
 * the caller) masked. BASEPRI_MAX only ever raises the mask, for the same
 * reason.
 *
 * Both functions are weak: an RTOS defines its own to replace them.
 */
#include <stdint.h>

#include "cortexm.h"
#include "sys_heap_lock.h"

#if defined(SYS_HEAP_LOCK_BASEPRI)
#if CORTEXM_BASELINE
#error "SYS_HEAP_LOCK_BASEPRI: ARMv6-M and ARMv8-M Baseline have no BASEPRI; use the PRIMASK default"
#endif
_Static_assert(SYS_HEAP_LOCK_BASEPRI > 0 && SYS_HEAP_LOCK_BASEPRI <= 255,
	       "SYS_HEAP_LOCK_BASEPRI must be 1..255 (0 would mask nothing)");

__attribute__((weak)) sys_heap_lock_key_t sys_heap_lock(void)
{
	uint32_t key;

	__asm__ volatile("mrs %0, basepri\n\t"
			 "msr basepri_max, %1\n\t"
			 "isb" /* the new mask applies from the next instruction */
			 : "=&r"(key)
			 : "r"((uint32_t)(SYS_HEAP_LOCK_BASEPRI))
			 : "memory");
	return key;
}

__attribute__((weak)) void sys_heap_unlock(sys_heap_lock_key_t key)
{
	__asm__ volatile("msr basepri, %0\n\t"
			 "isb"
			 :
			 : "r"(key)
			 : "memory");
}

#else /* PRIMASK */

__attribute__((weak)) sys_heap_lock_key_t sys_heap_lock(void)
{
	uint32_t key;

	/* cpsid is self-synchronising: no isb needed. */
	__asm__ volatile("mrs %0, primask\n\t"
			 "cpsid i"
			 : "=r"(key)
			 :
			 : "memory");
	return key;
}

__attribute__((weak)) void sys_heap_unlock(sys_heap_lock_key_t key)
{
	__asm__ volatile("msr primask, %0" : : "r"(key) : "memory");
}

#endif
