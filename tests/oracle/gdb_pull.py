#!/usr/bin/env python3
"""gdb_pull.py: pull a recorder's log out of a running firmware with the gdb
extension (tools/gdb/sysheap.py: `sysheap record`), as a user does over SWD.

    gdb_pull.py --machine MACHINE --elf oracle_fw_keep.elf --out LOG [--timeout S]

Starts qemu-system-arm halted with its gdbstub, breaks in oracle_recorded()
(tests/oracle/oracle_fw.c with ORACLE_RECORD_KEEP: the whole log kept in
RAM), runs `sysheap record recorder LOG`, lets the firmware finish and
requires its exit status 0 and a log that starts with the recorder's
header. Prints one PASS/FAIL line.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from test_gdb import gdb_session  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--machine", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--gdb", default=os.environ.get("GDB", "gdb-multiarch"))
    args = ap.parse_args()
    if os.path.exists(args.out):
        os.remove(args.out)
    with open(args.out + ".console", "w") as console:
        out, problems = gdb_session(
            args.machine, args.elf, console, args.timeout, args.gdb,
            ["-ex", f"source {ROOT}/tools/gdb/sysheap.py",
             "-ex", "break oracle_recorded", "-ex", "continue",
             "-ex", f"sysheap record recorder {args.out}",
             "-ex", "delete", "-ex", "detach"])
    line = [l for l in out.splitlines() if l.startswith("sysheap record")]
    if not line or "lost" not in line[-1] or "INCOMPLETE" in line[-1]:
        problems.append("sysheap record: " + (line[-1] if line else "no output"))
    if not os.path.exists(args.out) or open(args.out, "rb").read(4) != b"SHR1":
        problems.append("the pulled log does not start with the recorder's header")
    if problems:
        print(out)
        print("FAIL %s gdb pull: %s" % (args.machine, "; ".join(problems)))
        return 1
    print("PASS %s gdb pull: %s" % (args.machine, line[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
