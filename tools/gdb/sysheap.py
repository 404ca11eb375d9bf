# sysheap.py: gdb commands for libsysheap heaps, on a live target (OpenOCD)
# or on QEMU's gdbstub. Load it with
#
#     (gdb) source tools/gdb/sysheap.py
#
# Commands:
#     sysheap list                    every SYS_HEAP_DEFINE heap, from the
#                                     linker-section registry
#     sysheap dump <name|expr|addr>   one heap: its figures, then one line per
#                                     chunk, `chunk 0x<mem> used|free <bytes>`,
#                                     as sys_heap_report(..., true) prints them
#                                     (tools/heapmap.py draws either)
#     sysheap validate <name|expr|addr>
#                                     the structural checks of
#                                     sys_heap_validate(), in Python: OK, or
#                                     the first violation
#     sysheap record <recorder> <file>
#                                     the unflushed bytes of a
#                                     `struct sys_heap_recorder`
#                                     (include/sys_heap_record.h) written to
#                                     file, for tools/heapsize
#
# A heap is named by its registry name (app_heap), by any expression of type
# `struct sys_heap` or `struct sys_heap *` (&my_heap, ctx->heap), or by an
# address: of a handle, of a registry buffer, or anything else taken as a
# `struct sys_heap *`.
#
# The layout comes from the firmware's debug info (build with -g:
# `struct z_heap`, `struct sys_heap`, `struct sys_heap_static`), the chunk
# format from src/core/chunk.h, mirrored below: a chunk is a run of 8-byte
# units; its header holds SIZE_AND_USED (size in units << 1 | used) and
# LEFT_SIZE, 16-bit fields on small heaps and 32-bit on big ones, and a free
# chunk's FREE_PREV and FREE_NEXT follow. Target memory is read in pages,
# once per command, so a command costs a few round trips over SWD.
import struct

import gdb

UNIT = 8  # SYS_HEAP_CHUNK_UNIT
FIELD_SIZE_AND_USED, FIELD_LEFT_SIZE, FIELD_FREE_PREV, FIELD_FREE_NEXT = range(4)
PAGE = 1024
ERROR_NAMES = {1: "FOREIGN_POINTER", 2: "DOUBLE_FREE", 3: "CORRUPT_HEADER",
               4: "GUARD_HEADER", 5: "CANARY", 6: "USE_AFTER_FREE", 7: "CORRUPT_HEAP"}


class SysheapError(Exception):
    """A message for the user; no traceback."""


def _type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise SysheapError(f"no type '{name}' in the debug info: load the firmware "
                           "ELF built with -g (file fw.elf)") from None


class Target:
    """Cached little/big-endian reads of target memory for one command."""

    def __init__(self):
        self.inferior = gdb.selected_inferior()
        self.ptr_size = gdb.lookup_type("void").pointer().sizeof
        endian = gdb.execute("show endian", to_string=True)
        self.order = ">" if "big endian" in endian else "<"
        self.pages = {}

    def read(self, addr, length):
        out = bytearray()
        while length > 0:
            base = addr - addr % PAGE
            page = self.pages.get(base)
            if page is None:
                try:
                    page = bytes(self.inferior.read_memory(base, PAGE))
                except gdb.MemoryError:
                    # The page may run past the end of RAM: read just this.
                    try:
                        return bytes(out) + bytes(self.inferior.read_memory(addr, length))
                    except gdb.MemoryError:
                        raise SysheapError(f"cannot read target memory at 0x{addr:x}") from None
                self.pages[base] = page
            take = min(length, base + PAGE - addr)
            out += page[addr - base:addr - base + take]
            addr += take
            length -= take
        return bytes(out)

    def u16(self, addr):
        return struct.unpack(self.order + "H", self.read(addr, 2))[0]

    def u32(self, addr):
        return struct.unpack(self.order + "I", self.read(addr, 4))[0]

    def hexaddr(self, value):
        """An address as the C reports print it: 0x and 2 * sizeof(void *) digits."""
        return f"0x{value:0{2 * self.ptr_size}x}"


def registry(target):
    """[(name, handle address, buffer address, bytes, granule)] in name order."""
    desc_t = _type("struct sys_heap_static")
    try:
        start = int(gdb.parse_and_eval("(unsigned long)&__sysheap_registry_start"))
        end = int(gdb.parse_and_eval("(unsigned long)&__sysheap_registry_end"))
    except gdb.error:
        raise SysheapError("no __sysheap_registry_start/_end symbols: the firmware has no "
                           "SYS_HEAP_DEFINE heaps (or ld/sysheap_registry.ld is missing)") from None
    heaps = []
    for addr in range(start, end, desc_t.sizeof):
        d = gdb.Value(addr).cast(desc_t.pointer()).dereference()
        try:
            name = d["name"].string()
        except gdb.error:
            name = "?"
        heaps.append((name, int(d["heap"]), int(d["mem"]), int(d["bytes"]), int(d["granule"])))
    return heaps, start


class Heap:
    """One heap read through its handle (struct sys_heap) and descriptor
    (struct z_heap): the accessors of src/core/chunk.h, in Python."""

    def __init__(self, target, handle_addr, name=None):
        self.t = target
        self.name = name
        self.handle = handle_addr
        handle_t = _type("struct sys_heap")
        h = gdb.Value(handle_addr).cast(handle_t.pointer()).dereference()
        self.z = int(h["heap"])
        self.init_mem = int(h["init_mem"])
        self.init_bytes = int(h["init_bytes"])
        if self.z == 0:
            return
        zt = _type("struct z_heap")
        z = gdb.Value(self.z).cast(zt.pointer()).dereference()
        fields = {f.name: f for f in zt.fields()}
        self.fields = fields
        self.end_chunk = int(z["end_chunk"])
        self.avail_buckets = int(z["avail_buckets"])
        self.max_request = int(z["max_request"])
        self.mem_offset = int(z["mem_offset"])
        self.granule_shift = int(z["granule_shift"])
        if target.ptr_size > 4:
            self.big = True
        elif "big" in fields:
            self.big = int(z["big"]) != 0
        else:  # chunk 0 of a small heap sits at 4 mod 8 (chunk.h)
            self.big = self.z % 8 == 0
        self.hdr = 8 if self.big else 4
        self.fw = 4 if self.big else 2
        self.granule = 1 << self.granule_shift
        links = 2 if self.big else 1
        self.min_chunk = int(z["min_chunk"]) if "min_chunk" in fields else max(links, self.granule)
        self.stats = None
        if "allocated_bytes" in fields:
            # Only the allocated bytes are counted; the free ones are the
            # rest of the chunks between chunk 0 and the end marker.
            allocated = int(z["allocated_bytes"])
            self.stats = (self.area_bytes() - allocated, allocated,
                          int(z["max_allocated_bytes"]))
        # Guards (hardening 2 and up) add the descriptor's key and a 4-byte tail.
        self.guards = "guard_key" in fields
        self.tail = 4 if self.guards else 0
        self.buckets_addr = self.z + fields["buckets"].bitpos // 8
        self.hook = int(z["error_hook"]) if "error_hook" in fields else 0

    @property
    def formatted(self):
        return self.z != 0

    def label(self):
        return self.name or self.t.hexaddr(self.handle)

    # chunk.h accessors
    def field(self, c, f):
        addr = self.z + c * UNIT + f * self.fw
        return self.t.u32(addr) if self.big else self.t.u16(addr)

    def size(self, c):
        return self.field(c, FIELD_SIZE_AND_USED) >> 1

    def used(self, c):
        return self.field(c, FIELD_SIZE_AND_USED) & 1 != 0

    def left(self, c):
        return self.field(c, FIELD_LEFT_SIZE)

    def prev(self, c):
        return self.field(c, FIELD_FREE_PREV)

    def next(self, c):
        return self.field(c, FIELD_FREE_NEXT)

    def chunk_addr(self, c):
        return self.z + c * UNIT

    def mem(self, c):
        return self.chunk_addr(c) + self.mem_offset

    def usable(self, c):
        return self.size(c) * UNIT - self.mem_offset

    def first(self):
        return self.size(0)

    def area_bytes(self):
        return (self.end_chunk - self.first()) * UNIT

    def bucket_head(self, b):
        return self.t.u32(self.buckets_addr + 4 * b)

    def bucket_index(self, size):
        # Buckets by units, unshifted, since the layout that keeps min_chunk
        # in the descriptor; before it, by granules (size >> granule_shift).
        if "min_chunk" not in self.fields:
            size >>= self.granule_shift
        return size.bit_length() - 1 if size > 0 else -1

    def bucket_count(self):
        return self.bucket_index(self.end_chunk) + 1

    def walk(self):
        """(chunk id, size, used) in address order, as sys_heap_walk():
        stops at a zero size rather than spin on a corrupt heap."""
        c = self.first()
        steps = 0
        while c < self.end_chunk and steps <= self.end_chunk:
            s = self.size(c)
            if s == 0:
                return
            yield c, s, self.used(c)
            c += s
            steps += 1

    def describe(self, c):
        return f"chunk {c} at {self.t.hexaddr(self.chunk_addr(c))}"

    # sys_heap_validate(), check by check (src/core/heap_validate.c)
    def violation(self):
        """None when the heap passes every check, else the first violation."""
        t = self.t
        region_end = self.init_mem + self.init_bytes
        if self.z < self.init_mem:
            return (f"descriptor {t.hexaddr(self.z)} lies before the region "
                    f"{t.hexaddr(self.init_mem)}")
        if self.granule_shift >= 10:
            return f"descriptor: granule_shift {self.granule_shift} (at most 9)"
        if self.chunk_addr(self.end_chunk) + self.hdr > region_end:
            return (f"descriptor: end marker {self.end_chunk} "
                    f"({t.hexaddr(self.chunk_addr(self.end_chunk))}) past the region's end "
                    f"{t.hexaddr(region_end)}")
        first = self.first()
        g = self.granule
        if not self.used(0) or self.left(0) != 0:
            return "chunk 0 (the descriptor) is not a used chunk with left_size 0"
        if not (0 < first < self.end_chunk) or first % g or self.end_chunk % g:
            return (f"descriptor: first chunk {first} / end marker {self.end_chunk} out of "
                    f"range or off the {g}-unit granule")
        if not self.used(self.end_chunk) or self.size(self.end_chunk) != 0:
            return (f"end marker {self.describe(self.end_chunk)} is not used with size 0 "
                    f"(size {self.size(self.end_chunk)}, used {int(self.used(self.end_chunk))})")
        if self.mem_offset < self.hdr:
            return f"descriptor: mem_offset {self.mem_offset} below the {self.hdr}-byte header"
        expect = (self.end_chunk - first) * UNIT - self.mem_offset - self.tail
        if self.max_request != expect:
            return f"descriptor: max_request {self.max_request}, expected {expect}"

        # I1, I2, I3, I5: the walk
        c, prev_size, prev_free = first, first, False
        free_chunks = free_bytes = used_bytes = chunks = 0
        while c < self.end_chunk:
            s, u = self.size(c), self.used(c)
            if s < self.min_chunk or s > self.end_chunk - c or s % g:
                return (f"{self.describe(c)}: size {s} units is not sane (at least "
                        f"{self.min_chunk}, at most {self.end_chunk - c} to the end marker, "
                        f"a multiple of {g})")
            if self.left(c) != prev_size:
                return (f"{self.describe(c)}: left_size {self.left(c)}, but the chunk to its "
                        f"left has size {prev_size}")
            if not u and prev_free:
                return f"{self.describe(c)}: free, and so is the chunk to its left (not merged)"
            chunks += 1
            if u:
                used_bytes += s * UNIT
            else:
                free_chunks += 1
                free_bytes += s * UNIT
            prev_free, prev_size = not u, s
            c += s
        if c != self.end_chunk or self.left(c) != prev_size:
            return (f"end marker: the walk ends at chunk {c}, left_size "
                    f"{self.left(self.end_chunk)} (last chunk's size {prev_size})")

        # I4: bucket lists and the bitmap
        nb = self.bucket_count()
        if nb < 32 and self.avail_buckets >> nb:
            return (f"avail_buckets 0x{self.avail_buckets:08x} has bits at or above the "
                    f"bucket count {nb}")
        listed = 0
        for b in range(nb):
            head = self.bucket_head(b)
            bit = (self.avail_buckets >> b) & 1
            if (head != 0) != bool(bit):
                return f"bucket {b}: head {head}, but its avail_buckets bit is {bit}"
            if head == 0:
                continue
            c = head
            while True:
                if listed >= free_chunks:
                    return (f"bucket {b}: the lists hold more entries than the {free_chunks} "
                            f"free chunks of the walk (a cycle, or a listed used chunk)")
                why = self.listed_problem(c, b)
                if why:
                    return f"bucket {b}: listed chunk {c}: {why}"
                listed += 1
                c = self.next(c)
                if c == head:
                    break
        if listed != free_chunks:
            return (f"the walk found {free_chunks} free chunks, the bucket lists hold {listed}")

        # I6: statistics
        if self.stats:
            sf, sa, smax = self.stats
            if sf != free_bytes or sa != used_bytes or smax < sa:
                return (f"stats: free_bytes {sf}, allocated_bytes {sa}, max {smax}; the walk "
                        f"found {free_bytes} free and {used_bytes} allocated")
        self.summary = (chunks, chunks - free_chunks, free_chunks, nb)
        return None

    def listed_problem(self, c, b):
        first = self.first()
        if c < first or c >= self.end_chunk or c % self.granule:
            return f"not a chunk id of this heap ({first}..{self.end_chunk - 1})"
        s, left, nxt = self.size(c), self.left(c), self.next(c)
        if self.used(c):
            return f"{self.describe(c)} is used"
        if s < self.min_chunk or s > self.end_chunk - c or s % self.granule:
            return f"{self.describe(c)}: size {s} is not sane"
        if self.bucket_index(s) != b:
            return f"{self.describe(c)}: size {s} belongs in bucket {self.bucket_index(s)}"
        if left > c or c - left + self.size(c - left) != c:
            return f"{self.describe(c)}: its left neighbour does not end where it starts"
        if nxt < first or nxt >= self.end_chunk or self.prev(nxt) != c:
            return f"{self.describe(c)}: next {nxt} does not link back (prev {self.prev(nxt) if first <= nxt < self.end_chunk else '?'})"
        return None


def find_heap(target, arg):
    arg = arg.strip()
    if not arg:
        raise SysheapError("which heap? a registry name, an expression or an address "
                           "(sysheap list shows the names)")
    try:
        heaps, _ = registry(target)
    except SysheapError:
        heaps = []
    for name, handle, mem, _bytes, _granule in heaps:
        if name == arg:
            return Heap(target, handle, name)
    try:
        v = gdb.parse_and_eval(arg)
    except gdb.error as e:
        raise SysheapError(f"no heap '{arg}': not a registry name, and {e}") from None
    ty = v.type.strip_typedefs()
    if ty.code == gdb.TYPE_CODE_STRUCT and ty.tag == "sys_heap":
        addr = int(v.address)
    elif ty.code == gdb.TYPE_CODE_PTR and ty.target().strip_typedefs().tag == "sys_heap":
        addr = int(v)
    else:
        addr = int(v.cast(gdb.lookup_type("unsigned long")))
        for name, handle, mem, _bytes, _granule in heaps:
            if addr in (handle, mem):
                return Heap(target, handle, name)
    name = next((n for n, handle, *_ in heaps if handle == addr), None)
    return Heap(target, addr, name)


def heap_figures(h):
    """What sys_heap_info_get() computes, from one walk: (total, used
    chunks, free chunks, free bytes, largest free usable, fragmentation
    permille). Free bytes count whole chunks, headers included."""
    total = (h.end_chunk - h.first()) * UNIT
    used = free = free_bytes = largest = 0
    for c, s, u in h.walk():
        if u:
            used += 1
        else:
            free += 1
            free_bytes += s * UNIT
            largest = max(largest, s * UNIT - h.mem_offset)
    frag = 0
    if free_bytes:
        frag = 1000 - ((largest + h.mem_offset) * 1000) // free_bytes
    return total, used, free, free_bytes, largest, frag


class SysheapCommand(gdb.Command):
    """Inspect libsysheap heaps: sysheap list | dump HEAP | validate HEAP."""

    def __init__(self):
        super().__init__("sysheap", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class SysheapSubcommand(gdb.Command):
    def __init__(self, name):
        super().__init__("sysheap " + name, gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        try:
            self.run(Target(), arg)
        except SysheapError as e:
            print(f"sysheap: {e}")
        except gdb.MemoryError as e:
            print(f"sysheap: cannot read target memory ({e}): is the target connected "
                  "and the heap's memory readable?")


class SysheapList(SysheapSubcommand):
    """List every SYS_HEAP_DEFINE heap, from the linker-section registry.
Usage: sysheap list
Name, handle and region addresses, size, header bytes, granule, and used
and free bytes (from the heap's statistics, or a walk when they are
compiled out)."""

    def __init__(self):
        super().__init__("list")

    def run(self, t, arg):
        heaps, start = registry(t)
        print(f"{len(heaps)} heap{'s' if len(heaps) != 1 else ''} in the registry at "
              f"{t.hexaddr(start)}")
        w = 2 * t.ptr_size + 2
        print(f"  {'name':<16} {'handle':<{w}} {'region':<{w}} {'bytes':>8} {'hdr':>3} "
              f"{'granule':>7} {'used':>8} {'free':>8}")
        for name, handle, mem, nbytes, _granule in heaps:
            h = Heap(t, handle, name)
            if not h.formatted:
                print(f"  {name:<16} {t.hexaddr(handle)} {t.hexaddr(mem)} {nbytes:>8}   "
                      "(not formatted)")
                continue
            if h.stats:
                free, used = h.stats[0], h.stats[1]
            else:
                total, _u, _f, free, _l, _fr = heap_figures(h)
                used = total - free
            print(f"  {name:<16} {t.hexaddr(handle)} {t.hexaddr(mem)} {nbytes:>8} {h.hdr:>3} "
                  f"{h.granule * UNIT:>7} {used:>8} {free:>8}")


class SysheapDump(SysheapSubcommand):
    """Print one heap's figures and every chunk, as sys_heap_report does.
Usage: sysheap dump HEAP
HEAP: a registry name, an expression of type struct sys_heap or
struct sys_heap *, or an address (of a handle or a registry buffer).
One line per chunk in address order, `chunk 0x<mem> used|free <bytes>`
(usable bytes): the format tools/heapmap.py draws."""

    def __init__(self):
        super().__init__("dump")

    def run(self, t, arg):
        h = find_heap(t, arg)
        if not h.formatted:
            print("heap: not formatted")
            return
        total, used, free, free_bytes, largest, frag = heap_figures(h)
        print(f"heap {t.hexaddr(h.init_mem)}: {total} bytes in chunks, {h.hdr}-byte headers, "
              f"granule {h.granule * UNIT}")
        print(f"  used {total - free_bytes} bytes in {used} blocks, free {free_bytes} bytes "
              f"in {free} chunks")
        if h.stats:
            print(f"  peak allocated {h.stats[2]} bytes")
        print(f"  largest free block {largest} bytes, fragmentation {frag // 10}.{frag % 10}%")
        print(f"  name {h.label()}, handle {t.hexaddr(h.handle)}, descriptor "
              f"{t.hexaddr(h.z)}, region {h.init_bytes} bytes, mem_offset {h.mem_offset}, "
              f"end_chunk {h.end_chunk}, avail_buckets 0x{h.avail_buckets:08x}")
        if h.stats:
            print(f"  stats: free_bytes {h.stats[0]}, allocated_bytes {h.stats[1]}, "
                  f"max_allocated_bytes {h.stats[2]}")
        for c, s, u in h.walk():
            print(f"chunk {t.hexaddr(h.mem(c))} {'used' if u else 'free'} "
                  f"{s * UNIT - h.mem_offset}")


class SysheapValidate(SysheapSubcommand):
    """Check one heap's structure as sys_heap_validate() does.
Usage: sysheap validate HEAP
The descriptor, neighbour sizes, no adjacent free chunks, every free chunk
once in its bucket's list, the bucket bitmap, the statistics. Prints OK or
the first violation. (Guards and poison, hardening 2 and up, are not
checked.)"""

    def __init__(self):
        super().__init__("validate")

    def run(self, t, arg):
        h = find_heap(t, arg)
        if not h.formatted:
            print(f"sysheap validate {h.label()}: OK (not formatted)")
            return
        problem = h.violation()
        if problem is None:
            chunks, used, free, nb = h.summary
            print(f"sysheap validate {h.label()}: OK ({chunks} chunks: {used} used, {free} "
                  f"free; {nb} buckets)")
        else:
            print(f"sysheap validate {h.label()}: VIOLATION: {problem}")


class SysheapRecord(SysheapSubcommand):
    """Save a recorder's log for tools/heapsize.
Usage: sysheap record RECORDER FILE
RECORDER is an expression of type `struct sys_heap_recorder` (or a pointer
to one). Writes its buffer's `used` bytes to FILE: a whole log when the
recorder has no flush callback (it keeps the first records and counts the
rest in `lost`), else what has not been flushed yet."""

    def __init__(self):
        super().__init__("record")

    def run(self, t, arg):
        words = gdb.string_to_argv(arg)
        if len(words) != 2:
            raise SysheapError("usage: sysheap record RECORDER FILE")
        rec = gdb.parse_and_eval(words[0])
        if rec.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            rec = rec.dereference()
        if rec.type.strip_typedefs().tag != "sys_heap_recorder":
            raise SysheapError(f"{words[0]} is not a struct sys_heap_recorder")
        used, lost = int(rec["used"]), int(rec["lost"])
        data = t.read(int(rec["buf"]), used) if used else b""
        with open(words[1], "wb") as f:
            f.write(data)
        print(f"sysheap record: {used} bytes, {int(rec['records'])} calls recorded, "
              f"{lost} lost -> {words[1]}" + (" (INCOMPLETE: calls were lost)" if lost else ""))


SysheapCommand()
SysheapList()
SysheapDump()
SysheapValidate()
SysheapRecord()
