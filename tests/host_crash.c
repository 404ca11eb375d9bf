/*
 * host_crash.c (host only): a test that crashes the binary still ends
 * with the summary line, marked as a failure, and still writes its
 * coverage counters (exit() runs the gcov dump; a raw signal death does
 * not). Not under AddressSanitizer, whose own handler reports better.
 */
#if !defined(__SANITIZE_ADDRESS__)
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests.h"

static void on_crash(int sig)
{
	/* Not async-signal-safe, but the process is doomed either way and
	 * the summary is worth the risk. */
	printf("FAIL crash: signal %d in suite %s\n", sig,
	       test_current_suite != NULL ? test_current_suite : "?");
	(void)harness_check(false, __FILE__, __LINE__, "the suite ran to the end");
	(void)harness_summary();
	exit(1);
}

__attribute__((constructor)) static void install_crash_handler(void)
{
	struct sigaction sa;
	const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };

	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	/* One shot: a crash inside the handler kills the process for real. */
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0u; i < sizeof(signals) / sizeof(signals[0]); i++) {
		sigaction(signals[i], &sa, NULL);
	}
}
#else
/* ISO C wants something in every translation unit. */
typedef int host_crash_unused;
#endif
