/*
 * semihosting.c: the bkpt 0xab calls behind the console and the exit
 * status. One trap per call; no state but the console handle.
 */
#include "semihosting.h"

#include <stdbool.h>

/* Operation numbers from Arm's "Semihosting for AArch32 and AArch64". */
#define SYS_OPEN 0x01u
#define SYS_WRITE 0x05u
#define SYS_EXIT 0x18u
#define SYS_EXIT_EXTENDED 0x20u

/* SYS_EXIT reason codes. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* SYS_OPEN mode 4 is "w": ":tt" opened for writing is the host's stdout. */
#define OPEN_MODE_W 4u

static uintptr_t semihosting_call(uintptr_t op, const void *arg)
{
	register uintptr_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

/* -1 until the first write opens ":tt"; a failed open is retried (the
 * debugger may attach later). */
static intptr_t console_handle = -1;

static bool console_open(void)
{
	static const char tt[] = ":tt";
	uintptr_t args[3] = { (uintptr_t)tt, OPEN_MODE_W, sizeof(tt) - 1u };

	if (console_handle < 0) {
		console_handle = (intptr_t)semihosting_call(SYS_OPEN, args);
	}
	return console_handle >= 0;
}

size_t semihosting_write(const void *buf, size_t len)
{
	if (len == 0u || !console_open()) {
		return len;
	}
	uintptr_t args[3] = { (uintptr_t)console_handle, (uintptr_t)buf, len };

	return (size_t)semihosting_call(SYS_WRITE, args);
}

void semihosting_exit(int status)
{
	/* SYS_EXIT_EXTENDED carries the status on AArch32; a host that does
	 * not know it returns, and plain SYS_EXIT can still tell 0 from not 0
	 * (QEMU maps "application exit" to 0 and any other reason to 1). */
	uintptr_t args[2] = { ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)(intptr_t)status };

	(void)semihosting_call(SYS_EXIT_EXTENDED, args);
	(void)semihosting_call(SYS_EXIT, (const void *)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
								  : 0x20023u /* RunTimeErrorUnknown */));
	for (;;) {
		__asm__ volatile("wfi");
	}
}
