/*
 * heap_listener.c: Zephyr's global listener list (sys_heap_listener.h).
 * One singly linked list of listeners; each event walks it and calls the
 * listeners of that event on that heap. Nothing here exists when
 * SYS_HEAP_LISTENERS is 0.
 */
#include "listeners.h"

#if SYS_HEAP_LISTENERS
#include "sys_heap_listener.h"

static struct heap_listener_node *listeners;

/* The libc glue's system heap, told under HEAP_ID_LIBC as well. */
static struct sys_heap *libc_heap;

/* The node is the listener's first member. */
_Static_assert(offsetof(struct heap_listener, node) == 0u, "the node must come first");

static struct heap_listener *listener_of(struct heap_listener_node *node)
{
	return (struct heap_listener *)(void *)node;
}

void heap_listener_register(struct heap_listener *listener)
{
	struct heap_listener_node **link = &listeners;

	if (listener == NULL) {
		return;
	}
	/* Append, so listeners are called in the order they registered. */
	while (*link != NULL) {
		if (*link == &listener->node) {
			return;
		}
		link = &(*link)->next;
	}
	listener->node.next = NULL;
	*link = &listener->node;
}

void heap_listener_unregister(struct heap_listener *listener)
{
	for (struct heap_listener_node **link = &listeners; *link != NULL; link = &(*link)->next) {
		if (listener != NULL && *link == &listener->node) {
			*link = listener->node.next;
			listener->node.next = NULL;
			return;
		}
	}
}

/* The next listener after `node` (NULL: from the start) of `event` on
 * `heap_id`. Read before a callback runs, so a callback may unregister
 * its own listener. */
static struct heap_listener *next_listener(struct heap_listener_node *node, uintptr_t heap_id,
					   enum heap_event_types event)
{
	for (node = (node == NULL) ? listeners : node->next; node != NULL; node = node->next) {
		struct heap_listener *l = listener_of(node);

		if (l->heap_id == heap_id && l->event == event) {
			return l;
		}
	}
	return NULL;
}

/* Call every `event` listener of `heap_id`: alloc and free with (mem,
 * bytes), resize with (mem, new_end) as the old and new ends. */
static void notify(uintptr_t heap_id, enum heap_event_types event, void *mem, void *new_end,
		   size_t bytes)
{
	struct heap_listener *l = next_listener(NULL, heap_id, event);

	while (l != NULL) {
		struct heap_listener *next = next_listener(&l->node, heap_id, event);

		if (event == HEAP_ALLOC) {
			l->alloc_cb(heap_id, mem, bytes);
		} else if (event == HEAP_FREE) {
			l->free_cb(heap_id, mem, bytes);
		} else {
			l->resize_cb(heap_id, mem, new_end);
		}
		l = next;
	}
}

void heap_listener_notify_alloc(uintptr_t heap_id, void *mem, size_t bytes)
{
	notify(heap_id, HEAP_ALLOC, mem, NULL, bytes);
}

void heap_listener_notify_free(uintptr_t heap_id, void *mem, size_t bytes)
{
	notify(heap_id, HEAP_FREE, mem, NULL, bytes);
}

void heap_listener_notify_resize(uintptr_t heap_id, void *old_heap_end, void *new_heap_end)
{
	notify(heap_id, HEAP_RESIZE, old_heap_end, new_heap_end, 0u);
}

void z_sysheap_listen_alloc(struct sys_heap *heap, void *mem, size_t bytes)
{
	heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(heap), mem, bytes);
	if (heap == libc_heap) {
		heap_listener_notify_alloc(HEAP_ID_LIBC, mem, bytes);
	}
}

void z_sysheap_listen_free(struct sys_heap *heap, void *mem, size_t bytes)
{
	heap_listener_notify_free(HEAP_ID_FROM_POINTER(heap), mem, bytes);
	if (heap == libc_heap) {
		heap_listener_notify_free(HEAP_ID_LIBC, mem, bytes);
	}
}

void z_sysheap_listen_libc_heap(struct sys_heap *heap)
{
	libc_heap = heap;
	if (heap != NULL && heap->heap != NULL) {
		uint8_t *start = heap->init_mem;

		heap_listener_notify_resize(HEAP_ID_LIBC, start, start + heap->init_bytes);
	}
}
#endif /* SYS_HEAP_LISTENERS */
