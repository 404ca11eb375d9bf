/*
 * error_name.c: the names of the error kinds, for reports.
 */
#include "sys_heap.h"

const char *sys_heap_error_name(enum sys_heap_error error)
{
	static const char *const names[] = {
		"UNKNOWN",        "FOREIGN_POINTER", "DOUBLE_FREE",  "CORRUPT_HEADER", "GUARD_HEADER",
		"CANARY",         "USE_AFTER_FREE",  "CORRUPT_HEAP", "UNFORMATTED",    "SBRK",
		"BAD_REGION",     "LOCK_CONTEXT",    "LOCK_REENTRY", "GUARD_FAULT",
	};
	size_t i = (size_t)error;

	return names[i < sizeof(names) / sizeof(names[0]) ? i : 0u];
}
