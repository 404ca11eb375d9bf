/*
 * error_default.c: what happens to a detected error when nobody asked for
 * anything else. Not silence: a heap error is a bug in the firmware, and
 * running on hides it. Its own archive member, so a firmware that defines
 * its own default hook does not carry this one.
 */
#include "sys_heap.h"

/* ARMv7-M and ARMv8-M Mainline let software read DHCSR; on ARMv6-M and
 * ARMv8-M Baseline that is left to the implementation, and a `bkpt` with
 * no debugger attached escalates to a HardFault anyway. */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
	defined(__ARM_ARCH_8_1M_MAIN__)
#define DHCSR (*(volatile const uint32_t *)0xE000EDF0u)
#define DHCSR_C_DEBUGEN 1u

static void stop_if_debugged(void)
{
	if ((DHCSR & DHCSR_C_DEBUGEN) != 0u) {
		__asm__ volatile("bkpt 0");
	}
}
#else
static void stop_if_debugged(void)
{
}
#endif

__attribute__((weak)) void sys_heap_default_error_hook(struct sys_heap *heap, void *mem,
						       enum sys_heap_error error, void *caller)
{
	stop_if_debugged();
	sys_heap_fatal_error(heap, mem, error, caller);
}

void sys_heap_silent_error_hook(struct sys_heap *heap, void *mem, enum sys_heap_error error,
				void *caller)
{
	(void)heap;
	(void)mem;
	(void)error;
	(void)caller;
}
