/*
 * irq_timer_mps2-an386.c: the preemption stress's timer interrupt on MPS2
 * AN386: CMSDK APB TIMER0 at 0x40000000, IRQ 8, clocked at 25 MHz.
 */
#define CMSDK_TIMER_BASE 0x40000000u
#define CMSDK_TIMER_IRQ 8u
#define CMSDK_TIMER_HANDLER IRQ8_Handler
#include "irq_timer_cmsdk.h"
