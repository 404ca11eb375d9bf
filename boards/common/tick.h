/**
 * @file tick.h
 * @brief A periodic interrupt for tests: SysTick on most boards, a
 *        peripheral timer where the core's SysTick is missing.
 */
#ifndef BOARD_TICK_H
#define BOARD_TICK_H

#include <stdint.h>

/** Call tick_handler() from an interrupt every `cycles` CPU cycles (at
 *  the lowest interrupt priority, so any lock masks it). */
void tick_start(uint32_t cycles);

/** Stop the interrupt; no tick_handler() call runs after it returns. */
void tick_stop(void);

/** Supplied by the application; runs in interrupt context. */
void tick_handler(void);

#endif /* BOARD_TICK_H */
