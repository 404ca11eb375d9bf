/*
 * irq_timer_microbit.c: the preemption stress's timer interrupt on the
 * micro:bit (nRF51822): TIMER0, IRQ 8, 16 MHz with prescaler 0, 32-bit
 * timer mode, cleared on COMPARE[0] by the shortcut.
 */
#include "cortexm.h"
#include "irq_timer.h"

#define TIMER0_BASE 0x40008000u
#define TIMER0_IRQ 8u
#define TIMER0_TASKS_START       CORTEXM_REG(TIMER0_BASE + 0x000u)
#define TIMER0_TASKS_STOP        CORTEXM_REG(TIMER0_BASE + 0x004u)
#define TIMER0_TASKS_CLEAR       CORTEXM_REG(TIMER0_BASE + 0x00Cu)
#define TIMER0_EVENTS_COMPARE0   CORTEXM_REG(TIMER0_BASE + 0x140u)
#define TIMER0_SHORTS            CORTEXM_REG(TIMER0_BASE + 0x200u)
#define TIMER0_INTENSET          CORTEXM_REG(TIMER0_BASE + 0x304u)
#define TIMER0_INTENCLR          CORTEXM_REG(TIMER0_BASE + 0x308u)
#define TIMER0_MODE              CORTEXM_REG(TIMER0_BASE + 0x504u)
#define TIMER0_BITMODE           CORTEXM_REG(TIMER0_BASE + 0x508u)
#define TIMER0_PRESCALER         CORTEXM_REG(TIMER0_BASE + 0x510u)
#define TIMER0_CC0               CORTEXM_REG(TIMER0_BASE + 0x540u)

#define SHORTS_COMPARE0_CLEAR (1u << 0)
#define INTEN_COMPARE0 (1u << 16)
/* 16 MHz ticks: 1.2 times SysTick's 5000 cycles at the 16 MHz core clock,
 * prime, so the two drift against each other. */
#define PERIOD 6007u

void irq_timer_start(void)
{
	TIMER0_TASKS_STOP = 1u;
	TIMER0_MODE = 0u;      /* timer */
	TIMER0_BITMODE = 3u;   /* 32 bits */
	TIMER0_PRESCALER = 0u; /* 16 MHz */
	TIMER0_CC0 = PERIOD;
	TIMER0_SHORTS = SHORTS_COMPARE0_CLEAR;
	TIMER0_EVENTS_COMPARE0 = 0u;
	TIMER0_INTENSET = INTEN_COMPARE0;
	TIMER0_TASKS_CLEAR = 1u;
	irq_timer_enable_irq(TIMER0_IRQ);
	TIMER0_TASKS_START = 1u;
}

void irq_timer_stop(void)
{
	TIMER0_TASKS_STOP = 1u;
	TIMER0_INTENCLR = INTEN_COMPARE0;
	irq_timer_disable_irq(TIMER0_IRQ);
}

void IRQ8_Handler(void);
void IRQ8_Handler(void)
{
	TIMER0_EVENTS_COMPARE0 = 0u;
	(void)TIMER0_EVENTS_COMPARE0; /* the write lands before return */
	irq_timer_hook();
}
