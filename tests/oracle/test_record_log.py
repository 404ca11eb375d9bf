#!/usr/bin/env python3
"""test_record_log.py: tools/heaplib/record.py refuses what is not a whole,
consistent log (calls lost, counts that disagree, a free of a block never
allocated, bytes after the end) and decodes a good one.

    test_record_log.py LOG      (a whole log, e.g. gdb_pull.py's)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from heaplib import record  # noqa: E402


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def main():
    data = record.log_bytes(sys.argv[1])
    end = data.rindex(b"e")
    body = data[:end]
    header, ops = record.decode(data)
    passed, failed = 0, 0

    def expect(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL", what)

    expect(header["lost"] == 0 and header["records"] == len(ops) > 0, "the good log decodes")
    bad = {
        "calls lost": body + b"e" + varint(len(ops)) + varint(3),
        "count disagrees": body + b"e" + varint(len(ops) + 1) + varint(0),
        "bytes after the end": data + b"a",
        "free never allocated": body + b"f" + varint(0xFFFFF0) + b"e" + varint(len(ops) + 1)
        + varint(0),
        "cut inside a record": body + b"a\x80",
    }
    for what, blob in bad.items():
        try:
            record.decode(blob)
            expect(False, "accepted: " + what)
        except record.LogError:
            expect(True, what)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
