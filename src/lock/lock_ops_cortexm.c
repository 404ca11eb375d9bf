/*
 * lock_ops_cortexm.c: the per-heap lock objects of the Cortex-M archives
 * (sys_heap_lock.h): PRIMASK on every core, the BASEPRI callbacks behind
 * SYS_HEAP_LOCK_OPS_BASEPRI() where the core has BASEPRI, and the
 * handler-mode test of the context check. Apart from lock_cortexm.c, so
 * a firmware replacing the weak default lock keeps these.
 */
#include "sys_heap_lock.h"

static sys_heap_lock_key_t primask_lock(void *arg)
{
	(void)arg;
	return z_sysheap_primask_raise();
}

static void primask_unlock(void *arg, sys_heap_lock_key_t key)
{
	(void)arg;
	z_sysheap_primask_restore(key);
}

const struct sys_heap_lock_ops sys_heap_lock_ops_primask = {
	primask_lock, primask_unlock, NULL, NULL, SYS_HEAP_LOCK_IRQ_SAFE,
};

#ifdef Z_SYS_HEAP_HAVE_BASEPRI
sys_heap_lock_key_t z_sysheap_basepri_lock(void *arg)
{
	return z_sysheap_basepri_raise((uint32_t)(uintptr_t)arg);
}

void z_sysheap_basepri_unlock(void *arg, sys_heap_lock_key_t key)
{
	(void)arg;
	z_sysheap_basepri_restore(key);
}
#endif

bool z_sysheap_in_isr(void)
{
	uint32_t ipsr;

	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	return (ipsr & 0x1FFu) != 0u;
}
