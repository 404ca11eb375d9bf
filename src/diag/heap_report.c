/*
 * heap_report.c: the shape of a heap (sys_heap_info_get) and the printed
 * report built on it. Both walk the heap, so they are O(chunks): for a
 * console or a debugger, not for a hot path.
 */
#include "chunk.h"
#include "text.h"

static void count_chunk(void *ctx, void *mem, size_t bytes, bool used)
{
	struct sys_heap_info *info = ctx;

	(void)mem;
	if (used) {
		info->used_chunks++;
	} else {
		info->free_chunks++;
		if (bytes > info->largest_free_bytes) {
			info->largest_free_bytes = bytes;
		}
	}
}

int sys_heap_info_get(struct sys_heap *heap, struct sys_heap_info *info)
{
	if (heap == NULL || heap->heap == NULL || info == NULL) {
		return SYS_HEAP_ERR_INVALID;
	}
	const struct z_heap *h = heap->heap;

	*info = (struct sys_heap_info){ 0 };
	info->bucket_count = bucket_count(h);
	info->total_bytes = chunk_bytes(h->end_chunk - first_chunk(h));
	sys_heap_walk(heap, count_chunk, info);
	for (uint32_t b = 0u; b < info->bucket_count; b++) {
		chunkid_t head = h->buckets[b];
		chunkid_t c = head;

		/* Bounded by the free count the walk found, even if corrupt. */
		while (c != 0u && info->bucket_chunks[b] < info->free_chunks) {
			info->bucket_chunks[b]++;
			info->free_bytes += chunk_bytes(chunk_size(h, c));
			c = free_next(h, c);
			if (c == head) {
				break;
			}
		}
	}
	if (info->free_bytes != 0u) {
		/* Back from the largest request to the chunk that serves it; free
		 * chunks too small to serve any request count as lost (1000). */
		size_t largest = info->largest_free_bytes != 0u
					 ? info->largest_free_bytes + h->mem_offset + BLOCK_TAIL_BYTES
					 : 0u;

		info->fragmentation_permille =
			(uint32_t)(1000u - (largest * 1000u) / info->free_bytes);
	}
	return 0;
}

static void print_chunk(void *ctx, void *mem, size_t bytes, bool used)
{
	struct text_line *line = ctx;

	z_sysheap_text_str(line, "chunk ");
	z_sysheap_text_hex(line, (uintptr_t)mem);
	z_sysheap_text_str(line, used ? " used " : " free ");
	z_sysheap_text_dec(line, bytes);
	z_sysheap_text_end(line);
}

static void print_bucket_table(struct text_line *line, const struct sys_heap_info *info)
{
	z_sysheap_text_str(line, "  bucket  chunk bytes");
	z_sysheap_text_column(line, 32u);
	z_sysheap_text_str(line, "free chunks");
	z_sysheap_text_end(line);
	for (uint32_t b = 0u; b < info->bucket_count; b++) {
		if (info->bucket_chunks[b] == 0u) {
			continue;
		}
		z_sysheap_text_column(line, 4u);
		z_sysheap_text_dec(line, b);
		z_sysheap_text_column(line, 10u);
		z_sysheap_text_dec(line, (size_t)CHUNK_UNIT << b);
		z_sysheap_text_str(line, "..");
		z_sysheap_text_dec(line, ((size_t)CHUNK_UNIT << (b + 1u)) - 1u);
		z_sysheap_text_column(line, 32u);
		z_sysheap_text_dec(line, info->bucket_chunks[b]);
		z_sysheap_text_end(line);
	}
}

void sys_heap_report(struct sys_heap *heap, sys_heap_print_t print, void *ctx, bool every_chunk)
{
	struct sys_heap_info info;
	struct text_line line;

	if (print == NULL) {
		return;
	}
	z_sysheap_text_start(&line, print, ctx);
	if (sys_heap_info_get(heap, &info) != 0) {
		z_sysheap_text_str(&line, "heap: not formatted");
		z_sysheap_text_end(&line);
		return;
	}
	const struct z_heap *h = heap->heap;

	z_sysheap_text_str(&line, "heap ");
	z_sysheap_text_hex(&line, (uintptr_t)heap->init_mem);
	z_sysheap_text_str(&line, ": ");
	z_sysheap_text_dec(&line, info.total_bytes);
	z_sysheap_text_str(&line, " bytes in chunks, ");
	z_sysheap_text_dec(&line, chunk_header_bytes(h));
	z_sysheap_text_str(&line, "-byte headers, granule ");
	z_sysheap_text_dec(&line, (size_t)CHUNK_UNIT << h->granule_shift);
	z_sysheap_text_end(&line);

	z_sysheap_text_str(&line, "  used ");
	z_sysheap_text_dec(&line, info.total_bytes - info.free_bytes);
	z_sysheap_text_str(&line, " bytes in ");
	z_sysheap_text_dec(&line, info.used_chunks);
	z_sysheap_text_str(&line, " blocks, free ");
	z_sysheap_text_dec(&line, info.free_bytes);
	z_sysheap_text_str(&line, " bytes in ");
	z_sysheap_text_dec(&line, info.free_chunks);
	z_sysheap_text_str(&line, " chunks");
	z_sysheap_text_end(&line);

#if SYS_HEAP_STATS
	z_sysheap_text_str(&line, "  peak allocated ");
	z_sysheap_text_dec(&line, h->max_allocated_bytes);
	z_sysheap_text_str(&line, " bytes");
	z_sysheap_text_end(&line);
#endif
	z_sysheap_text_str(&line, "  largest free block ");
	z_sysheap_text_dec(&line, info.largest_free_bytes);
	z_sysheap_text_str(&line, " bytes, fragmentation ");
	z_sysheap_text_dec(&line, info.fragmentation_permille / 10u);
	z_sysheap_text_str(&line, ".");
	z_sysheap_text_dec(&line, info.fragmentation_permille % 10u);
	z_sysheap_text_str(&line, "%");
	z_sysheap_text_end(&line);

	print_bucket_table(&line, &info);
	if (every_chunk) {
		sys_heap_walk(heap, print_chunk, &line);
	}
}
