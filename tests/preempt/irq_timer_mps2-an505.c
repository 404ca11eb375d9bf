/*
 * irq_timer_mps2-an505.c: the preemption stress's timer interrupt on MPS2
 * AN505 (SSE-200): the subsystem's CMSDK APB TIMER0, IRQ 3. The firmware
 * runs Secure, so it uses the timer's Secure alias, 0x50000000 (its
 * Non-secure address is 0x40000000).
 */
#define CMSDK_TIMER_BASE 0x50000000u
#define CMSDK_TIMER_IRQ 3u
#define CMSDK_TIMER_HANDLER IRQ3_Handler
#include "irq_timer_cmsdk.h"
