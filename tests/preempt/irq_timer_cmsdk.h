/*
 * irq_timer_cmsdk.h: the preemption stress's timer interrupt on an ARM
 * CMSDK APB timer (CTRL, VALUE, RELOAD, INTSTATUS/INTCLEAR), for the MPS2
 * boards. Included once by the board's irq_timer_<board>.c, which defines
 * CMSDK_TIMER_BASE, CMSDK_TIMER_IRQ and CMSDK_TIMER_HANDLER (the IRQn_Handler
 * name startup.c gives that interrupt).
 */
#ifndef PREEMPT_IRQ_TIMER_CMSDK_H
#define PREEMPT_IRQ_TIMER_CMSDK_H

#include "cortexm.h"
#include "irq_timer.h"

#define CMSDK_TIMER_CTRL     CORTEXM_REG(CMSDK_TIMER_BASE + 0x0u)
#define CMSDK_TIMER_VALUE    CORTEXM_REG(CMSDK_TIMER_BASE + 0x4u)
#define CMSDK_TIMER_RELOAD   CORTEXM_REG(CMSDK_TIMER_BASE + 0x8u)
#define CMSDK_TIMER_INTCLEAR CORTEXM_REG(CMSDK_TIMER_BASE + 0xCu)
#define CMSDK_CTRL_ENABLE (1u << 0)
#define CMSDK_CTRL_IRQEN  (1u << 3)

/* Timer clock cycles between interrupts: about 1.2 times SysTick's 5000
 * core cycles, prime, so the two drift against each other. */
#define CMSDK_TIMER_PERIOD 6007u

void irq_timer_start(void)
{
	CMSDK_TIMER_CTRL = 0u;
	CMSDK_TIMER_INTCLEAR = 1u;
	CMSDK_TIMER_RELOAD = CMSDK_TIMER_PERIOD;
	CMSDK_TIMER_VALUE = CMSDK_TIMER_PERIOD;
	irq_timer_enable_irq(CMSDK_TIMER_IRQ);
	CMSDK_TIMER_CTRL = CMSDK_CTRL_ENABLE | CMSDK_CTRL_IRQEN;
}

void irq_timer_stop(void)
{
	CMSDK_TIMER_CTRL = 0u;
	CMSDK_TIMER_INTCLEAR = 1u;
	irq_timer_disable_irq(CMSDK_TIMER_IRQ);
}

void CMSDK_TIMER_HANDLER(void);
void CMSDK_TIMER_HANDLER(void)
{
	CMSDK_TIMER_INTCLEAR = 1u;
	(void)CMSDK_TIMER_CTRL; /* the clear lands before return */
	irq_timer_hook();
}

#endif /* PREEMPT_IRQ_TIMER_CMSDK_H */
