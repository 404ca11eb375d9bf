/*
 * freertos_shim.c: the test kernel standing in for the FreeRTOS scheduler
 * calls that ports/freertos uses (declared by tests/freertos/FreeRTOS.h
 * and task.h, our stand-ins), so the port runs under real preemption in
 * make test-preempt.
 */
#include "FreeRTOS.h"
#include "kernel.h"
#include "task.h"

volatile uint32_t freertos_asserts;
volatile uint32_t freertos_malloc_failed;

void vTaskSuspendAll(void)
{
	kernel_suspend();
}

BaseType_t xTaskResumeAll(void)
{
	kernel_resume();
	return 0;
}

void test_freertos_assert_failed(const char *file, int line)
{
	(void)file;
	(void)line;
	freertos_asserts++;
}

void vApplicationMallocFailedHook(void)
{
	freertos_malloc_failed++;
}
