#!/usr/bin/env python3
"""heapmap.py: draw a heap dump as an SVG map of used and free chunks.

    tools/heapmap.py dump.txt -o map.svg [--heap NAME|ADDR|INDEX] [--row-bytes N]
                     [--width PX] [--title TEXT]
    some-command | tools/heapmap.py - -o map.svg

Input: the chunk lines of sys_heap_report(heap, print, ctx, true) or of the
gdb extension's `sysheap dump` (tools/gdb/sysheap.py), which print the same

    heap 0x20000108: 8104 bytes in chunks, 4-byte headers, granule 8
    chunk 0x20000160 used 12
    chunk 0x20000170 free 36
    ...

Anything else in the file (console chatter, the bucket table) is ignored.
Every `heap 0x...:` line starts a heap; chunk lines before any start an
anonymous one. A `== report NAME` line or the dump's `name NAME,` names it.

The map, one strip per heap: the heap's bytes in address order, left to
right, wrapped into rows like a disk defragmenter's; each chunk drawn from
its header to the end of its memory, live blocks and free chunks in two
colours, with a legend and the heap's figures: used and free bytes (whole
chunks, headers included, as the report counts them), the largest free block
(usable bytes) and fragmentation (1 - largest free chunk / free bytes, the
report's formula). Plain SVG written by hand: no dependencies.

Each chunk is an SVG group `<g class="chunk used|free" data-addr data-bytes>`
of one rect per row it spans; the figures are on `<g class="figures" ...>`
too, so tests can read them back.
"""
import argparse
import re
import sys
from xml.sax.saxutils import escape

HEAP_LINE = re.compile(r"^\s*heap (0x[0-9a-fA-F]+): (\d+) bytes in chunks, (\d+)-byte headers"
                       r"(?:, granule (\d+))?")
CHUNK_LINE = re.compile(r"^\s*chunk (0x[0-9a-fA-F]+) (used|free) (\d+)\b")
REPORT_NAME = re.compile(r"^== report (\S+)")
DUMP_NAME = re.compile(r"^\s*name (\S+?),")

USED_COLOUR = "#3b6fb6"
FREE_COLOUR = "#d9e8d0"
FREE_EDGE = "#7aa36a"
META_COLOUR = "#9a9a9a"


class Heap:
    def __init__(self, addr=None, total=None, header=None, granule=None, name=None):
        self.addr, self.total, self.header, self.granule = addr, total, header, granule
        self.name = name
        self.chunks = []  # (mem address, used, usable bytes)

    def label(self):
        where = f"0x{self.addr:08x}" if self.addr is not None else "(address unknown)"
        return f"{self.name} at {where}" if self.name else f"heap at {where}"

    def overhead(self):
        """Bytes from a chunk's start to its memory (the report's
        mem_offset): the gap between consecutive chunks, all equal; or what
        the total leaves when there is one chunk."""
        gaps = {b[0] - (a[0] + a[2]) for a, b in zip(self.chunks, self.chunks[1:])}
        gaps = {g for g in gaps if g >= 0}
        if gaps:
            return min(gaps)
        if self.total is not None and self.chunks:
            rest = self.total - sum(c[2] for c in self.chunks)
            if rest >= 0 and rest % len(self.chunks) == 0:
                return rest // len(self.chunks)
        return self.header or 0

    def figures(self):
        """(used bytes, used blocks, free bytes, free chunks, largest free
        usable, fragmentation permille): sys_heap_report's figures."""
        off = self.overhead()
        used = sum(c[2] + off for c in self.chunks if c[1])
        free = sum(c[2] + off for c in self.chunks if not c[1])
        largest = max((c[2] for c in self.chunks if not c[1]), default=0)
        frag = 1000 - ((largest + off) * 1000) // free if free else 0
        return (used, sum(1 for c in self.chunks if c[1]), free,
                sum(1 for c in self.chunks if not c[1]), largest, frag)


def parse(lines):
    heaps, current, pending_name = [], None, None
    for line in lines:
        m = REPORT_NAME.match(line)
        if m:
            pending_name = m.group(1)
            continue
        m = HEAP_LINE.match(line)
        if m:
            current = Heap(int(m.group(1), 16), int(m.group(2)), int(m.group(3)),
                           int(m.group(4)) if m.group(4) else None, pending_name)
            pending_name = None
            heaps.append(current)
            continue
        m = DUMP_NAME.match(line)
        if m and current is not None and current.name is None:
            current.name = m.group(1)
            continue
        m = CHUNK_LINE.match(line)
        if m:
            if current is None:
                current = Heap(name=pending_name)
                heaps.append(current)
            current.chunks.append((int(m.group(1), 16), m.group(2) == "used", int(m.group(3))))
    return [h for h in heaps if h.chunks]


def pick(heaps, which):
    if which is None:
        return heaps
    for i, h in enumerate(heaps):
        if which in (str(i), h.name) or (h.addr is not None and which.lower() in (
                f"0x{h.addr:x}", f"0x{h.addr:08x}")):
            return [h]
    raise SystemExit(f"heapmap: no heap '{which}' in the dump "
                     f"({', '.join(h.name or hex(h.addr or 0) for h in heaps)})")


def auto_row_bytes(span):
    """Bytes per row: a power of two giving 8 to 32 rows."""
    row = 64
    while span / row > 32:
        row *= 2
    return row


def fmt_bytes(n):
    return f"{n} bytes" if n < 10240 else f"{n} bytes ({n / 1024:.1f} KiB)"


def render(heaps, title, width, row_bytes_opt):
    margin, label_w, row_h, row_gap = 16, 92, 16, 3
    strip_w = width - 2 * margin - label_w
    out, y = [], margin

    def text(x, ty, s, size=12, anchor="start", weight="normal", fill="#222"):
        out.append(f'<text x="{x}" y="{ty}" font-size="{size}" text-anchor="{anchor}" '
                   f'font-weight="{weight}" fill="{fill}">{escape(s)}</text>')

    text(margin, y + 16, title, size=16, weight="bold")
    y += 30
    # legend
    out.append('<g class="legend">')
    lx = margin
    for colour, edge, what in ((USED_COLOUR, USED_COLOUR, "used (live block)"),
                               (FREE_COLOUR, FREE_EDGE, "free chunk"),
                               (META_COLOUR, META_COLOUR, "chunk headers, heap descriptor")):
        out.append(f'<rect class="legend" x="{lx}" y="{y}" width="14" height="12" fill="{colour}" '
                   f'stroke="{edge}"/>')
        text(lx + 20, y + 11, what)
        lx += 170
    out.append("</g>")
    y += 26

    for h in heaps:
        off = h.overhead()
        first = h.chunks[0][0] - off
        # From the region's start when the dump gives it: the descriptor
        # and bucket heads (chunk 0) are drawn as metadata.
        base = h.addr if h.addr is not None and first - 4096 <= h.addr <= first else first
        end = h.chunks[-1][0] + h.chunks[-1][2]
        span = end - base
        row_bytes = row_bytes_opt or auto_row_bytes(span)
        rows = (span + row_bytes - 1) // row_bytes
        scale = strip_w / row_bytes
        used, nused, free, nfree, largest, frag = h.figures()
        text(margin, y + 13, h.label() + f": {end - first} bytes of chunks, {off} bytes from "
             "chunk start to memory"
             + (f", granule {h.granule}" if h.granule else "")
             + f", {row_bytes} bytes per row", size=13, weight="bold")
        y += 20
        out.append(f'<g class="figures" data-used="{used}" data-used-blocks="{nused}" '
                   f'data-free="{free}" data-free-chunks="{nfree}" data-largest="{largest}" '
                   f'data-fragmentation="{frag / 10:.1f}" data-rows="{rows}" '
                   f'data-row-bytes="{row_bytes}">')
        text(margin, y + 12, f"used {fmt_bytes(used)} in {nused} blocks; free {fmt_bytes(free)} "
             f"in {nfree} chunks; largest free block {largest} bytes; fragmentation "
             f"{frag // 10}.{frag % 10}%")
        out.append("</g>")
        y += 20
        top = y
        for r in range(rows):
            text(margin + label_w - 6, top + r * (row_h + row_gap) + 12,
                 f"0x{base + r * row_bytes:08x}", size=10, anchor="end", fill="#555")
        seps = []
        if first > base:
            r_end = first - base
            out.append(f'<g class="meta" data-bytes="{r_end}"><title>heap descriptor and '
                       f'bucket heads, {r_end} bytes</title>')
            pos = 0
            while pos < r_end:
                r, col = divmod(pos, row_bytes)
                piece = min(r_end - pos, row_bytes - col)
                out.append(f'<rect class="meta" x="{margin + label_w + col * scale:.2f}" '
                           f'y="{top + r * (row_h + row_gap)}" width="{piece * scale:.2f}" '
                           f'height="{row_h}" fill="{META_COLOUR}"/>')
                pos += piece
            out.append("</g>")
        for mem, is_used, usable in h.chunks:
            start, stop = mem - off - base, mem + usable - base
            cls = "used" if is_used else "free"
            out.append(f'<g class="chunk {cls}" data-addr="0x{mem:x}" data-bytes="{usable}">')
            out.append(f"<title>chunk 0x{mem:08x} {cls} {usable} bytes</title>")
            pos = start
            while pos < stop:
                r, col = divmod(pos, row_bytes)
                piece = min(stop - pos, row_bytes - col)
                x = margin + label_w + col * scale
                ry = top + r * (row_h + row_gap)
                fill = USED_COLOUR if is_used else FREE_COLOUR
                edge = ' stroke="%s" stroke-width="0.5"' % FREE_EDGE if not is_used else ""
                out.append(f'<rect class="{cls}" x="{x:.2f}" y="{ry}" '
                           f'width="{max(piece * scale, 0.5):.2f}" height="{row_h}" '
                           f'fill="{fill}"{edge}/>')
                pos += piece
            out.append("</g>")
            # the header: a mark at the chunk's start, as wide as it is
            r, col = divmod(start, row_bytes)
            x = margin + label_w + col * scale
            ry = top + r * (row_h + row_gap)
            seps.append(f"M{x:.2f} {ry}h{max(off * scale, 1):.2f}v{row_h}h-{max(off * scale, 1):.2f}z")
        if seps and off:
            out.append(f'<path class="headers" d="{"".join(seps)}" fill="{META_COLOUR}"/>')
        y = top + rows * (row_h + row_gap) + 18
    height = y + margin
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif">\n'
            f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#fff"/>')
    return "\n".join([head] + out + ["</svg>", ""])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump", help="the report or `sysheap dump` output; - for stdin")
    ap.add_argument("-o", "--output", required=True, help="the SVG to write")
    ap.add_argument("--heap", help="draw only this heap: its name, address or index")
    ap.add_argument("--row-bytes", type=int, help="bytes per row (default: 8..32 rows)")
    ap.add_argument("--width", type=int, default=960, help="picture width in pixels")
    ap.add_argument("--title", default="libsysheap heap map", help="the picture's title")
    args = ap.parse_args(argv)
    if args.row_bytes is not None and args.row_bytes <= 0:
        ap.error("--row-bytes must be positive")

    if args.dump == "-":
        lines = sys.stdin.read().splitlines()
    else:
        with open(args.dump, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    heaps = pick(parse(lines), args.heap)
    if not heaps:
        print("heapmap: no chunk lines ('chunk 0x... used|free N') in the input", file=sys.stderr)
        return 1
    svg = render(heaps, args.title, args.width, args.row_bytes)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(svg)
    for h in heaps:
        used, nused, free, nfree, largest, frag = h.figures()
        print(f"heapmap: {h.label()}: {len(h.chunks)} chunks, used {used} bytes in {nused} "
              f"blocks, free {free} bytes in {nfree} chunks, largest free block {largest} "
              f"bytes, fragmentation {frag // 10}.{frag % 10}% -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
