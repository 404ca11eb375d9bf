/*
 * timer.h: the firmware's per-call counter and its calibration.
 */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

#include <stdbool.h>

void bench_timer_init(void);

/* Measure the counter against code of known length; print a CAL line.
 * Returns false when, in instruction mode, any probe reads inexactly. */
bool bench_calibrate(void);

#endif
