/*
 * exit_test.c: the smallest firmware: print a line, return a known status.
 * test-qemu checks that the line reaches the host console and that QEMU's
 * exit status is exactly main's return value (semihosting
 * SYS_EXIT_EXTENDED), which every other QEMU test relies on.
 */
#include <stdio.h>

#ifndef EXIT_TEST_STATUS
#define EXIT_TEST_STATUS 42
#endif

int main(void)
{
	printf("exit_test: console works, exiting with %d\n", EXIT_TEST_STATUS);
	return EXIT_TEST_STATUS;
}
