# gdb_check.py: run inside gdb-multiarch (-batch -x) by tests/tools/test_gdb.py,
# against tests/tools/gdb_fw.c stopped in QEMU, with tools/gdb/sysheap.py
# sourced. Checks the three commands against the firmware's own view:
#
#   sysheap list      the registry's heap count and names
#   sysheap dump      the same chunk lines, totals, largest free block and
#                     fragmentation as the firmware's sys_heap_report(); the
#                     same output whether the heap is named, given as an
#                     expression, or by address
#   sysheap validate  OK on every heap; then, for each of several headers
#                     and descriptor fields poked with `set var`, a
#                     VIOLATION naming the problem, the firmware's own
#                     sys_heap_validate() (an inferior call) agreeing, and
#                     OK again once the value is put back
#
# Environment: SYSHEAP_CONSOLE (QEMU's console log so far), SYSHEAP_HEAPS
# (the expected heap names, comma-separated). Prints PASS/FAIL lines and
# `N passed, N failed` last.
import os
import re

import gdb

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {what}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""))
    return ok


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def value(expr):
    return int(gdb.parse_and_eval(expr))


def firmware_reports():
    """{heap name: [report lines]} from the console log."""
    reports, current = {}, None
    with open(os.environ["SYSHEAP_CONSOLE"], encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            m = re.match(r"== report (\w+)$", line)
            if m:
                current = m.group(1)
                reports[current] = []
            elif line.startswith("=="):
                current = None
            elif current:
                reports[current].append(line)
    return reports


def chunk_lines(lines):
    return [l for l in lines if l.startswith("chunk ")]


def summary_lines(lines):
    """The lines both the report and the dump print: totals, used/free,
    largest free block and fragmentation."""
    keep = ("heap 0x", "  used ", "  largest free block ")
    return [l for l in lines if l.startswith(keep)]


def validate(name):
    return run(f"sysheap validate {name}").strip()


def firmware_validate(name):
    return value(f"(int)sys_heap_validate(&{name})")


def poke(name, what, addr, ctype, new, expect):
    """Write `new` at addr, expect a VIOLATION mentioning `expect` from both
    validators, put the old value back, expect OK from both."""
    old = value(f"*({ctype} *){addr:#x}")
    gdb.execute(f"set var *({ctype} *){addr:#x} = {new:#x}")
    out = validate(name)
    check("VIOLATION" in out and expect in out, f"{name}: {what} -> validate reports it",
          f"expected a violation mentioning '{expect}', got: {out}")
    check(firmware_validate(name) == 0, f"{name}: {what} -> sys_heap_validate() agrees (false)")
    gdb.execute(f"set var *({ctype} *){addr:#x} = {old:#x}")
    out = validate(name)
    check(out.endswith(")") and ": OK (" in out, f"{name}: {what} restored -> OK", out)
    check(firmware_validate(name) == 1, f"{name}: {what} restored -> sys_heap_validate() true")


def heap_layout(name):
    mem_offset = value(f"{name}.heap->mem_offset")
    ptr = gdb.lookup_type("void").pointer().sizeof
    big = ptr > 4 or value(f"{name}.heap->big") != 0
    return mem_offset, big


def parse_chunks(lines):
    out = []
    for l in chunk_lines(lines):
        _, addr, state, size = l.split()
        out.append((int(addr, 16), state == "used", int(size)))
    return out


def main():
    gdb.execute("break checkpoint")
    gdb.execute("continue")
    frame = gdb.selected_frame().name()
    if not check(frame == "checkpoint", "stopped in checkpoint()", f"in {frame}"):
        return
    expected = os.environ["SYSHEAP_HEAPS"].split(",")
    reports = firmware_reports()

    # list
    out = run("sysheap list")
    print(out, end="")
    m = re.match(r"(\d+) heaps? in the registry", out)
    check(m is not None and int(m.group(1)) == len(expected),
          f"sysheap list: {len(expected)} heaps", out.splitlines()[0] if out else "")
    names = [l.split()[0] for l in out.splitlines()[2:]]
    check(sorted(names) == sorted(expected), "sysheap list: the names", f"{names}")

    # dump and validate, each heap
    for name in expected:
        dump = run(f"sysheap dump {name}").splitlines()
        report = reports.get(name, [])
        check(len(chunk_lines(report)) > 4, f"{name}: the firmware printed its chunks")
        check(chunk_lines(dump) == chunk_lines(report),
              f"{name}: dump's {len(chunk_lines(dump))} chunk lines == the report's",
              "\n     ".join(l for l in set(chunk_lines(dump)) ^ set(chunk_lines(report))))
        check(summary_lines(dump) == summary_lines(report),
              f"{name}: dump's totals, largest free block, fragmentation == the report's",
              f"dump {summary_lines(dump)}\n     report {summary_lines(report)}")
        chunks = parse_chunks(dump)
        check(any(u for _, u, _ in chunks) and any(not u for _, u, _ in chunks),
              f"{name}: fragmented (used and free chunks)")
        handle = value(f"(unsigned long)&{name}")
        region = value(f"(unsigned long){name}.init_mem")
        for alias in (f"&{name}", f"{handle:#x}", f"{region:#x}", f"*&{name}"):
            check(run(f"sysheap dump {alias}").splitlines() == dump,
                  f"{name}: 'sysheap dump {alias}' == 'sysheap dump {name}'")
        out = validate(name)
        print(out)
        check(": OK (" in out, f"{name}: validate OK", out)

    # corruption, app_heap (small headers: 16-bit fields)
    name = "app_heap"
    mem_offset, big = heap_layout(name)
    fw, ctype = (4, "unsigned int") if big else (2, "unsigned short")
    chunks = parse_chunks(run(f"sysheap dump {name}").splitlines())
    used = [a for i, (a, u, _) in enumerate(chunks[:-1]) if u and chunks[i + 1][1]]
    free = [a for a, u, _ in chunks if not u]
    hdr_used = used[len(used) // 2] - mem_offset
    hdr_free = free[0] - mem_offset
    old_left = value(f"*({ctype} *){hdr_used + fw:#x}")
    poke(name, "a used chunk's left_size + 1", hdr_used + fw, ctype, old_left + 1, "left_size")
    old_size = value(f"*({ctype} *){hdr_free:#x}")
    poke(name, "a free chunk marked used", hdr_free, ctype, old_size | 1, "is used")
    old_size = value(f"*({ctype} *){hdr_used:#x}")
    poke(name, "a used chunk's size + 1 unit", hdr_used, ctype, old_size + 2, "")
    avail = value(f"{name}.heap->avail_buckets")
    empty = next(b for b in range(16) if not (avail >> b) & 1)
    poke(name, f"bucket bitmap bit {empty} set on an empty bucket",
         value(f"(unsigned long)&{name}.heap->avail_buckets"), "unsigned int",
         avail | (1 << empty), f"bucket {empty}")
    allocated = value(f"{name}.heap->allocated_bytes")
    poke(name, "stats allocated_bytes + 8",
         value(f"(unsigned long)&{name}.heap->allocated_bytes"),
         "unsigned int", allocated + 8, "stats")
    end = value(f"{name}.heap->end_chunk")
    zaddr = value(f"(unsigned long){name}.heap")
    old = value(f"*({ctype} *){zaddr + 8 * end:#x}")
    poke(name, "end marker's size", zaddr + 8 * end, ctype, old | 0x10, "end marker")

    # the other header formats: a used chunk's left_size
    for name in expected[1:] if "dma_heap" in expected else []:
        mem_offset, big = heap_layout(name)
        fw, ctype = (4, "unsigned int") if big else (2, "unsigned short")
        chunks = parse_chunks(run(f"sysheap dump {name}").splitlines())
        used = [a for i, (a, u, _) in enumerate(chunks[:-1]) if u and chunks[i + 1][1]]
        hdr = used[-1] - mem_offset
        old_left = value(f"*({ctype} *){hdr + fw:#x}")
        poke(name, f"a used chunk's left_size + 4 ({8 if big else 4}-byte headers)",
             hdr + fw, ctype, old_left + 4, "left_size")
        if big:
            # The high half of a 32-bit field: invisible to a 16-bit reader.
            poke(name, "a used chunk's left_size + 0x10000 (the high half)", hdr + fw, ctype,
                 old_left + 0x10000, "left_size")

    # The firmware runs on and validates every heap itself (test_gdb.py
    # checks its exit status and last line).
    gdb.execute("delete")
    print(f"{passed} passed, {failed} failed")
    gdb.execute("detach")


try:
    main()
except Exception as e:  # a broken script is a failure, not a hang
    failed += 1
    print(f"FAIL gdb_check.py raised {type(e).__name__}: {e}")
    print(f"{passed} passed, {failed} failed")
