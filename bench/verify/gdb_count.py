"""gdb_count.py: count, by single-stepping under gdb, the instructions of
the first N timed allocator calls of the realistic workload, and print
them as "GDB n1 n2 ...". Run by bench/verify/verify_counts.sh.

A call's count runs from the first instruction of the callee to its
return, inclusive: the same definition as bench_elapsed()."""
import os

import gdb

N = int(os.environ.get("BENCH_VERIFY_OPS", "12"))
gdb.execute("set pagination off")
gdb.execute("target remote :%s" % os.environ.get("BENCH_GDB_PORT", "1234"))
gdb.execute("break wl_realistic")
gdb.execute("continue")
addr = int(gdb.parse_and_eval("(unsigned)&bench_call")) & ~1
while "blx" not in gdb.execute("x/i 0x%x" % addr, to_string=True):
    addr += 2
gdb.execute("break *0x%x" % addr)
counts = []
for _ in range(N):
    gdb.execute("continue", to_string=True)
    n = 0
    while True:
        gdb.execute("stepi", to_string=True)
        if int(gdb.parse_and_eval("$pc")) == addr + 2:
            break
        n += 1
    counts.append(n)
print("GDB " + " ".join(str(c) for c in counts))
gdb.execute("kill")
