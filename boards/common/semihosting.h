/**
 * @file semihosting.h
 * @brief The few Arm semihosting calls the boards use: console output and
 *        an exit status that reaches the host.
 *
 * Semihosting is a `bkpt 0xab` trap that a debugger (OpenOCD with
 * `arm semihosting enable`) or QEMU (`-semihosting-config
 * enable=on,target=native`) services. Without either, the trap would
 * HardFault; boards/common/fault.c skips it instead, so firmware keeps
 * running with its console silently dropped.
 *
 * Not reentrant with respect to itself on a debugger that serialises
 * calls, but every call is a single trap, so calling it from an ISR is
 * safe in QEMU.
 */
#ifndef BOARD_SEMIHOSTING_H
#define BOARD_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

/** Write `len` bytes to the host console. @return bytes not written (0 on
 *  success), as SYS_WRITE does. */
size_t semihosting_write(const void *buf, size_t len);

/** Stop the program with `status` as the host's exit status (QEMU exits
 *  with it). Never returns: spins if no host is listening. */
void semihosting_exit(int status) __attribute__((noreturn));

#endif /* BOARD_SEMIHOSTING_H */
