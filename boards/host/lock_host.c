/*
 * lock_host.c: the heap lock for host builds (tests, tools). Host tests
 * are single-threaded, so the lock only has to exist and nest; the key
 * counts the depth, which lets a test check that every lock is undone.
 *
 * Weak, like the Cortex-M shim: a host test that wants a real mutex, or a
 * counter of its own, defines sys_heap_lock()/sys_heap_unlock() itself.
 *
 * Link it into host builds through HOST_BOARD_SRCS (mk/boards.mk).
 */
#include "sys_heap_lock.h"

static sys_heap_lock_key_t depth;

__attribute__((weak)) sys_heap_lock_key_t sys_heap_lock(void)
{
	return depth++;
}

__attribute__((weak)) void sys_heap_unlock(sys_heap_lock_key_t key)
{
	depth = key;
}

/* Host programs have no handler mode; a test sets this to pretend it runs
 * in an interrupt (the context check of sys_heap_lock_for()). */
bool sys_heap_host_in_isr;

__attribute__((weak)) bool z_sysheap_in_isr(void)
{
	return sys_heap_host_in_isr;
}
