/*
 * kernel.h: a small preemptive kernel for the heap stress tests (ours,
 * not a real RTOS): fixed-priority threads on the process stack,
 * round-robin among equals, switched by PendSV, which the SysTick tick
 * pends every tick. Sleep, and a blocking mutex without priority
 * inheritance. Enough to preempt a heap call at any instruction.
 *
 * Priorities: higher number runs first. Exceptions: SysTick above PendSV,
 * both under the BASEPRI threshold the heap tests use (0x80), so a heap
 * lock masks both the tick and the switch. The test's timer interrupt
 * (irq_timer.h) sits one step above SysTick, still under that threshold.
 */
#ifndef PREEMPT_KERNEL_H
#define PREEMPT_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#define KERNEL_MAX_THREADS 8u

struct kthread;

struct kmutex {
	struct kthread *volatile owner;
};

/** Create a thread (before kernel_start()): `stack` of `words` words. */
struct kthread *kthread_create(void (*entry)(void *arg), void *arg, uint32_t *stack,
			       uint32_t words, uint8_t prio);

/** Start the tick (every `tick_cycles` cycles) and switch to the threads;
 *  never returns. The tick calls kernel_tick_hook() first. */
void kernel_start(uint32_t tick_cycles) __attribute__((noreturn));

/** Supplied by the test: runs in the SysTick handler, every tick. */
void kernel_tick_hook(void);

#define KERNEL_STACK_FILL 0xDEADBEEFu

/** Bytes at the bottom of thread `index`'s stack (creation order) never
 *  written: 0 means it may have overflowed. */
uint32_t kthread_stack_unused(uint32_t index);

/** The running thread. */
struct kthread *kthread_self(void);

/** Sleep for `ticks` ticks (at least until the next tick for 0). */
void kthread_sleep(uint32_t ticks);

/** Give the CPU to another ready thread of the same priority. */
void kthread_yield(void);

/** Ticks since kernel_start(). */
uint32_t kernel_ticks(void);

/** Threads switched in since kernel_start() (PendSV runs that changed thread). */
uint32_t kernel_switches(void);

/** Suspend the scheduler (nesting): the running thread keeps the CPU,
 *  interrupts still run. It must not sleep or block meanwhile. As
 *  FreeRTOS's vTaskSuspendAll(). */
void kernel_suspend(void);

/** Undo one kernel_suspend(); at the outermost, switch if due. */
void kernel_resume(void);

void kmutex_lock(struct kmutex *m);
void kmutex_unlock(struct kmutex *m);

/** Stop the tick: from then on threads run only when others block. */
void kernel_stop_tick(void);

#endif /* PREEMPT_KERNEL_H */
