/*
 * fault.c: what happens when something goes wrong, or when nobody is
 * listening to semihosting.
 *
 * HardFault first checks for the one fault that is not a bug: a
 * semihosting `bkpt 0xab` executed with no debugger attached (on a dev
 * board running on its own). That breakpoint escalates to HardFault; we
 * step over it and make the call return -1, so the console goes quiet
 * instead of the board locking up. Anything else is reported over
 * semihosting with the faulting PC and LR (and, on mainline cores, the
 * fault status and address registers) and ends the program with status
 * 128 + exception number, so a QEMU run fails loudly.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cortexm.h"
#include "semihosting.h"

/* The frame the core pushes on exception entry. */
struct exception_frame {
	uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

#define BKPT_SEMIHOSTING 0xBEABu /* Thumb encoding of bkpt 0xab */

/* Called from Default_Handler (startup.c) with the stacked frame. */
void fault_dispatch(struct exception_frame *frame) __attribute__((used));

static void put_hex(char *out, uint32_t value)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = "0123456789abcdef"[value & 0xFu];
		value >>= 4;
	}
}

static uint32_t ipsr(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, ipsr" : "=r"(v));
	return v & 0x1FFu;
}

static bool skip_semihosting_trap(struct exception_frame *frame)
{
	if ((frame->pc & 1u) != 0u ||
	    *(const volatile uint16_t *)(uintptr_t)frame->pc != BKPT_SEMIHOSTING) {
		return false;
	}
	frame->pc += 2u;
	frame->r0 = UINT32_MAX; /* every semihosting call's "failed" */
#if !CORTEXM_BASELINE
	SCB_HFSR = SCB_HFSR; /* write-one-to-clear DEBUGEVT */
	SCB_DFSR = SCB_DFSR;
#endif
	return true;
}

void fault_dispatch(struct exception_frame *frame)
{
	uint32_t exception = ipsr();

	if (exception == 3u && skip_semihosting_trap(frame)) {
		return;
	}
	char msg[] = "\nfatal: exception xxxxxxxx at pc xxxxxxxx lr xxxxxxxx\n";

	put_hex(&msg[18], exception);
	put_hex(&msg[33], frame->pc);
	put_hex(&msg[45], frame->lr);
	(void)semihosting_write(msg, sizeof(msg) - 1u);
#if !CORTEXM_BASELINE
	/* Why: the configurable fault status (which fault, precise address
	 * valid or not) and the fault addresses. */
	char why[] = "       cfsr xxxxxxxx hfsr xxxxxxxx mmfar xxxxxxxx bfar xxxxxxxx\n";

	put_hex(&why[12], SCB_CFSR);
	put_hex(&why[26], SCB_HFSR);
	put_hex(&why[41], SCB_MMFAR);
	put_hex(&why[55], SCB_BFAR);
	(void)semihosting_write(why, sizeof(why) - 1u);
#endif
	semihosting_exit(128 + (int)(exception & 0x7Fu));
}
