"""record.py: the recorder's binary log (include/sys_heap_record.h) read
back and turned into an allocation trace (bench/traces/README.md), so the
oracle replays it through the bench's own trace code."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import tracetool  # noqa: E402

MAGIC = b"SHR1"
HEX_LINE = re.compile(r"^R ([0-9a-f]+)\s*$")


class LogError(Exception):
    pass


def log_bytes(path):
    """The log's bytes: a raw binary log (starts with SHR1; what the gdb
    extension's `sysheap record` writes), or a console log whose "R <hex>"
    lines the firmware streamed (other lines ignored)."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(MAGIC):
        return data
    out = bytearray()
    for line in data.decode("ascii", "replace").splitlines():
        m = HEX_LINE.match(line)
        if m:
            out += bytes.fromhex(m.group(1))
    if not out.startswith(MAGIC):
        raise LogError("%s: no recorder log (no SHR1 header)" % path)
    return bytes(out)


def varints(data, pos):
    """Yield (value, next position) decoding unsigned LEB128 from pos."""
    value = shift = 0
    while True:
        if pos >= len(data):
            raise LogError("log ends inside a record")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def decode(data):
    """Return (header dict, ops) with ops as tracetool tuples keyed by the
    block's offset in the heap: ('a', off, size), ('r', off, size), ('f', off).
    A realloc that moves a block renames its key; the caller renumbers."""
    pos = len(MAGIC)
    header = {}
    for key in ("heap_addr", "heap_bytes", "header_bytes"):
        header[key], pos = varints(data, pos)
    ops, live, names = [], {}, 0
    while pos < len(data):
        tag = chr(data[pos])
        pos += 1
        if tag == "a":
            off, pos = varints(data, pos)
            size, pos = varints(data, pos)
            if off in live:
                raise LogError("allocation at a live offset %#x" % off)
            live[off] = names
            ops.append(("a", names, size))
            names += 1
        elif tag == "f":
            off, pos = varints(data, pos)
            if off not in live:
                raise LogError("free of an offset not live %#x" % off)
            ops.append(("f", live.pop(off)))
        elif tag == "r":
            old, pos = varints(data, pos)
            new, pos = varints(data, pos)
            size, pos = varints(data, pos)
            if old not in live:
                raise LogError("realloc of an offset not live %#x" % old)
            name = live.pop(old)
            live[new] = name
            ops.append(("r", name, size))
        elif tag == "e":
            header["records"], pos = varints(data, pos)
            header["lost"], pos = varints(data, pos)
            if pos != len(data):
                raise LogError("bytes after the end record")
        else:
            raise LogError("unknown record tag %r at byte %d" % (tag, pos - 1))
    if header.get("lost"):
        raise LogError("the recorder lost %d calls (its buffer filled without a flush "
                       "callback): the log is not the whole sequence" % header["lost"])
    if "records" in header and header["records"] != len(ops):
        raise LogError("the end record counts %d calls, the log holds %d"
                       % (header["records"], len(ops)))
    return header, ops


def to_trace(log_path, trace_path, source):
    """Decode a recorder log and write it as a sealed trace. Returns the
    log's header."""
    header, ops = decode(log_bytes(log_path))
    if not ops:
        raise LogError("%s: the log records no calls" % log_path)
    comments = ["# source: %s" % source,
                "# recorded heap: %d bytes at %#x, %d-byte headers"
                % (header["heap_bytes"], header["heap_addr"], header["header_bytes"])]
    if "records" not in header:
        comments.append("# no end record: the log covers the calls until it was read")
    tracetool.write_trace(trace_path, tracetool.renumber(ops), comments)
    tracetool.parse(trace_path)
    return header
