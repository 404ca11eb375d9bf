/*
 * lock_cortexm.c: the heap lock of the Cortex-M archives, an interrupt
 * mask on PRIMASK. Every M profile has PRIMASK, so one definition serves
 * every CPU we ship; built into build/<cpu>/libsysheap.a only (the host
 * archive has no lock: a host program brings its own).
 *
 * Nesting: lock returns PRIMASK's previous value and unlock writes it
 * back, so an inner lock/unlock pair never unmasks what an outer one (or
 * the caller) masked.
 *
 * Weak, and alone in its archive member: a firmware that defines
 * sys_heap_lock()/sys_heap_unlock() (an RTOS port, or the BASEPRI lock of
 * sys_heap_lock_basepri.h) keeps this member out of the link entirely.
 */
#include "sys_heap_lock.h"

__attribute__((weak)) sys_heap_lock_key_t sys_heap_lock(void)
{
	return z_sysheap_primask_raise();
}

__attribute__((weak)) void sys_heap_unlock(sys_heap_lock_key_t key)
{
	z_sysheap_primask_restore(key);
}
