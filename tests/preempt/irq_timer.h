/*
 * irq_timer.h: a peripheral timer interrupt for the preemption stress,
 * one file per board (irq_timer_<board>.c: the registers live there).
 * Its priority is above SysTick's, so it preempts the threads and the
 * tick handler; on v7-M/v8-M Mainline it stays at 0x80, under the BASEPRI
 * threshold the interrupt-masked heap locks with, so that lock masks it.
 */
#ifndef PREEMPT_IRQ_TIMER_H
#define PREEMPT_IRQ_TIMER_H

#include <stdint.h>

#include "cortexm.h"

/** NVIC priority byte of the timer interrupt: one step above SysTick's
 *  (kernel_start(): 0x80 on v6-M, 0xC0 on Mainline). */
#if defined(__ARM_ARCH_6M__)
#define IRQ_TIMER_PRIORITY 0x40u
#else
#define IRQ_TIMER_PRIORITY 0x80u
#endif

/** Start the timer: irq_timer_hook() runs in its interrupt, periodically
 *  (a period a little longer than the tick's, never a multiple of it). */
void irq_timer_start(void);

/** Stop it: no irq_timer_hook() call starts after this returns. */
void irq_timer_stop(void);

/** Supplied by the test; runs in the timer interrupt. */
void irq_timer_hook(void);

/** Set the NVIC priority of external interrupt `irq` to
 *  IRQ_TIMER_PRIORITY and enable it (word access: v6-M has no byte access
 *  to the priority registers). */
static inline void irq_timer_enable_irq(uint32_t irq)
{
	uint32_t shift = (irq % 4u) * 8u;

	NVIC_IPR(irq) = (NVIC_IPR(irq) & ~(0xFFu << shift)) | IRQ_TIMER_PRIORITY << shift;
	NVIC_ISER(irq) = 1u << (irq % 32u);
}

/** Disable external interrupt `irq` and wait until that has taken effect. */
static inline void irq_timer_disable_irq(uint32_t irq)
{
	NVIC_ICER(irq) = 1u << (irq % 32u);
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

#endif /* PREEMPT_IRQ_TIMER_H */
