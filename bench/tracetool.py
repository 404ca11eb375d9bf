#!/usr/bin/env python3
"""tracetool.py: allocation traces (format: bench/traces/README.md).

  tracetool.py seal RAW OUT [--source TEXT]   raw recorder output -> a sealed trace:
                                              ids renumbered densely, header, checksum
  tracetool.py check TRACE...                 parse and verify every trace
  tracetool.py c OUT.c TRACE...               emit the traces as C arrays for firmware
  tracetool.py stats TRACE...                 ops, ids, peak live bytes, size range

Needs only the Python standard library.
"""
import os
import sys

FNV_INIT = 0x811C9DC5
FNV_PRIME = 16777619


def fnv1a(h, text):
    for byte in text.encode("ascii"):
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return h


def canonical(op):
    """The line the checksum covers, exactly as bench/common/workloads.c
    builds it in trace_hash_op()."""
    kind = op[0]
    if kind == "a" or kind == "r":
        return "%s %d %d\n" % (kind, op[1], op[2])
    if kind == "c":
        return "c %d %d %d\n" % (op[1], op[2], op[3])
    if kind == "m":
        return "m %d %d %d\n" % (op[1], op[2], op[3])
    if kind == "f":
        return "f %d\n" % op[1]
    raise ValueError(kind)


class TraceError(Exception):
    pass


def parse(path, sealed=True):
    """Return (ops, comments, checksum). ops are tuples:
    ('a', id, size) ('c', id, nmemb, each) ('m', id, align, size)
    ('r', id, size) ('f', id). Checks liveness of every id."""
    ops, comments, checksum = [], [], None
    live = set()
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("#"):
                comments.append(line)
                continue
            if checksum is not None:
                raise TraceError("%s:%d: op after the checksum line" % (path, n))
            f_ = line.split()
            kind, args = f_[0], f_[1:]
            try:
                if kind == "k" and len(args) == 1:
                    checksum = int(args[0], 16)
                    continue
                nums = [int(a) for a in args]
            except ValueError:
                raise TraceError("%s:%d: bad line: %s" % (path, n, line))
            want = {"a": 2, "r": 2, "c": 3, "m": 3, "f": 1}.get(kind)
            if want is None or len(nums) != want or min(nums) < 0:
                raise TraceError("%s:%d: bad line: %s" % (path, n, line))
            op = (kind,) + tuple(nums)
            ident = nums[0]
            if ident > 65535:
                raise TraceError("%s:%d: id above 65535" % (path, n))
            if kind in "acm":
                if kind == "m" and (nums[1] & (nums[1] - 1) or nums[1] == 0):
                    raise TraceError("%s:%d: alignment not a power of two" % (path, n))
                if (kind == "c" and nums[1] * nums[2] == 0) or (kind != "c" and nums[-1] == 0):
                    raise TraceError("%s:%d: zero-byte request" % (path, n))
                if ident in live:
                    raise TraceError("%s:%d: id %d already live" % (path, n, ident))
                live.add(ident)
            else:
                if ident not in live:
                    raise TraceError("%s:%d: id %d not live" % (path, n, ident))
                if kind == "r" and nums[1] == 0:
                    raise TraceError("%s:%d: realloc to 0 (record it as f)" % (path, n))
                if kind == "f":
                    live.discard(ident)
            ops.append(op)
    if sealed:
        if checksum is None:
            raise TraceError("%s: no checksum line" % path)
        got = checksum_of(ops)
        if got != checksum:
            raise TraceError("%s: checksum mismatch: file %08x, ops %08x" % (path, checksum, got))
    return ops, comments, checksum


def checksum_of(ops):
    h = FNV_INIT
    for op in ops:
        h = fnv1a(h, canonical(op))
    return h


def renumber(ops):
    """Give ids from a pool, lowest free first, so ids stay below the peak
    live count (the replayer's table is that big)."""
    free, mapping, nxt, out = [], {}, 0, []
    import heapq
    for op in ops:
        kind, ident = op[0], op[1]
        if kind in "acm":
            if free:
                new = heapq.heappop(free)
            else:
                new, nxt = nxt, nxt + 1
            mapping[ident] = new
        new = mapping[ident]
        out.append((kind, new) + op[2:])
        if kind == "f":
            heapq.heappush(free, new)
            del mapping[ident]
    return out


def stats(ops):
    live, peak, cur, sizes = {}, 0, 0, []
    kinds = {}
    for op in ops:
        kinds[op[0]] = kinds.get(op[0], 0) + 1
        kind, ident = op[0], op[1]
        if kind == "a" or kind == "r":
            size = op[2]
        elif kind == "c":
            size = op[2] * op[3]
        elif kind == "m":
            size = op[3]
        if kind == "f":
            cur -= live.pop(ident)
            continue
        cur += size - live.get(ident, 0)
        live[ident] = size
        sizes.append(size)
        peak = max(peak, cur)
    ids = 1 + max((op[1] for op in ops), default=-1)
    return {"ops": len(ops), "ids": ids, "peak": peak, "kinds": kinds,
            "min": min(sizes, default=0), "max": max(sizes, default=0),
            "mean": (sum(sizes) / len(sizes)) if sizes else 0}


def write_trace(path, ops, comments):
    with open(path, "w") as f:
        f.write("# sysheap-trace 1\n")
        for c in comments:
            if not c.startswith("# sysheap-trace"):
                f.write(c + "\n")
        st = stats(ops)
        f.write("# ops %d, ids %d, peak live %d bytes, sizes %d..%d\n"
                % (st["ops"], st["ids"], st["peak"], st["min"], st["max"]))
        for op in ops:
            f.write(canonical(op))
        f.write("k %08x\n" % checksum_of(ops))


def cmd_seal(args):
    raw, out = args[0], args[1]
    source = None
    if "--source" in args:
        source = args[args.index("--source") + 1]
    ops, comments, _ = parse(raw, sealed=False)
    ops = renumber(ops)
    if source:
        comments = ["# source: " + source] + comments
    write_trace(out, ops, comments)
    parse(out)  # round trip
    print("%s: %s" % (out, stats(ops)))


def cmd_check(args):
    bad = 0
    for p in args:
        try:
            ops, _, cs = parse(p)
            print("%s: ok, checksum %08x, %s" % (p, cs, stats(ops)))
        except TraceError as e:
            print("FAIL " + str(e))
            bad = 1
    return bad


def c_name(path):
    base = os.path.basename(path)
    if base.endswith(".trace"):
        base = base[:-6]
    return base, "".join(ch if ch.isalnum() else "_" for ch in base)


def cmd_c(args):
    out, paths = args[0], args[1:]
    lines = ["/* Generated by bench/tracetool.py from %s. Do not edit. */"
             % " ".join(paths),
             '#include "bench.h"', ""]
    names = []
    for p in paths:
        ops, _, cs = parse(p)
        name, ident = c_name(p)
        names.append(ident)
        st = stats(ops)
        lines.append("static const struct trace_op ops_%s[%d] = {" % (ident, max(1, len(ops))))
        for op in ops:
            kind = op[0]
            if kind == "a" or kind == "r":
                lines.append("\t{'%s', 0, %d, %d, 0}," % (kind, op[1], op[2]))
            elif kind == "c":
                lines.append("\t{'c', 0, %d, %d, %d}," % (op[1], op[2] * op[3], op[2]))
            elif kind == "m":
                lines.append("\t{'m', %d, %d, %d, 0}," % (op[2].bit_length() - 1, op[1], op[3]))
            else:
                lines.append("\t{'f', 0, %d, 0, 0}," % op[1])
        lines.append("};")
        lines.append("static const struct bench_trace trace_%s = {" % ident)
        lines.append('\t"%s", ops_%s, %du, %du, 0x%08xu,' % (name, ident, len(ops), st["ids"], cs))
        lines.append("};")
        lines.append("")
    lines.append("const struct bench_trace *const bench_traces[%d] = {" % max(1, len(names)))
    lines += ["\t&trace_%s," % n for n in names] or ["\t0,"]
    lines.append("};")
    lines.append("const unsigned bench_trace_count = %du;" % len(names))
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, out)


def cmd_stats(args):
    for p in args:
        ops, _, _ = parse(p)
        print(p, stats(ops))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "seal":
            cmd_seal(args)
        elif cmd == "check":
            return cmd_check(args)
        elif cmd == "c":
            cmd_c(args)
        elif cmd == "stats":
            cmd_stats(args)
        else:
            print(__doc__)
            return 2
    except TraceError as e:
        print("tracetool: " + str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
