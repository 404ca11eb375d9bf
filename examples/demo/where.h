/* where.h: the demo's report of where the C library's memory comes from. */
#ifndef DEMO_WHERE_H
#define DEMO_WHERE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Allocate with malloc, strdup, new; print the heap each block (and
 * printf's stdout buffer) came from. Returns how many came from no heap. */
unsigned where_memory_comes_from(void);

#ifdef __cplusplus
}
#endif

#endif /* DEMO_WHERE_H */
