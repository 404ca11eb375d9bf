/*
 * tick_systick.c: tick.h on the core's SysTick, clocked by the processor
 * clock. Its priority is the lowest there is, so PRIMASK and any BASEPRI
 * threshold mask it.
 */
#include "cortexm.h"
#include "tick.h"

void SysTick_Handler(void);

void tick_start(uint32_t cycles)
{
	SYST_CSR = 0u;
	SYST_RVR = (cycles - 1u) & 0x00FFFFFFu;
	SYST_CVR = 0u;
	SCB_SHPR3 |= 0xFFu << 24; /* SysTick priority: lowest */
	SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void tick_stop(void)
{
	SYST_CSR = 0u;
	SCB_ICSR = 1u << 25; /* PENDSTCLR: drop a tick that is already pending */
}

void SysTick_Handler(void)
{
	tick_handler();
}
