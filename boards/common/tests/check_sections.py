#!/usr/bin/env python3
"""check_sections.py: prove, on the linked ELF, that SYS_HEAP_DEFINE put
each heap where it was asked to.

For every --expect NAME=SECTION[:REGION] it checks that
  - the buffer z_sys_heap_buf_NAME lies wholly inside output section
    SECTION, which is NOBITS (no flash image) and outside the .bss range
    the startup code zeroes;
  - when REGION is given, the buffer lies inside that MEMORY region of the
    board's linker script (REGION_ALIAS followed), e.g. RAM2;
  - the handle NAME is in .data (so its `heap` field starts out NULL from
    the flash image);
  - the descriptor z_sys_heap_desc_NAME is in a read-only, loaded section
    between __sysheap_registry_start and __sysheap_registry_end.

Usage: check_sections.py --board B --elf F --expect NAME=SECTION[:REGION]...
Exit status 0 when every check passes.
"""
import argparse
import os
import re
import subprocess
import sys

READELF = os.environ.get("READELF", "arm-none-eabi-readelf")


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def sections(elf):
    """name -> (type, addr, size, flags) from readelf -SW."""
    out = {}
    pat = re.compile(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)"
                     r"\s+[0-9a-f]+\s+([A-Z]*)")
    for line in run(READELF, "-SW", elf).splitlines():
        m = pat.match(line)
        if m:
            out[m.group(1)] = (m.group(2), int(m.group(3), 16), int(m.group(4), 16), m.group(5))
    return out


def symbols(elf):
    """name -> (value, size) from readelf -sW, demangled: a C++ file-scope
    static is _ZL<len><name> in the symbol table."""
    out = {}
    for line in run(READELF, "-sW", "--demangle", elf).splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[3] in ("OBJECT", "NOTYPE"):
            out[f[7]] = (int(f[1], 16), int(f[2], 0))
    return out


def memory_regions(ldscript):
    """MEMORY regions of a board script, REGION_ALIAS names resolved."""
    text = open(ldscript).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    units = {"": 1, "K": 1024, "M": 1024 * 1024}
    regions = {}
    for m in re.finditer(r"(\w+)\s*\([^)]*\)\s*:\s*ORIGIN\s*=\s*(0x[0-9a-fA-F]+|\d+)\s*,"
                         r"\s*LENGTH\s*=\s*(0x[0-9a-fA-F]+|\d+)([KM]?)", text):
        regions[m.group(1)] = (int(m.group(2), 0), int(m.group(3), 0) * units[m.group(4)])
    for m in re.finditer(r'REGION_ALIAS\s*\(\s*"(\w+)"\s*,\s*(\w+)\s*\)', text):
        regions[m.group(1)] = regions[m.group(2)]
    return regions


def section_of(secs, addr, size):
    for name, (_type, start, length, flags) in secs.items():
        if "A" in flags and start <= addr and addr + size <= start + length and length:
            return name
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--board", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--ldscript", help="default: boards/<board>/memory.ld")
    ap.add_argument("--expect", action="append", default=[], metavar="NAME=SECTION[:REGION]")
    args = ap.parse_args()

    secs = sections(args.elf)
    syms = symbols(args.elf)
    regions = memory_regions(args.ldscript or f"boards/{args.board}/memory.ld")
    errors = []

    def fail(msg):
        errors.append(msg)

    bss = (syms.get("__bss_start__", (0, 0))[0], syms.get("__bss_end__", (0, 0))[0])
    reg = (syms.get("__sysheap_registry_start", (None, 0))[0],
           syms.get("__sysheap_registry_end", (None, 0))[0])
    if None in reg:
        fail("no __sysheap_registry_start/_end: ld/sysheap_registry.ld not linked in")

    for spec in args.expect:
        name, _, where = spec.partition("=")
        want_sec, _, want_region = where.partition(":")
        buf = syms.get(f"z_sys_heap_buf_{name}")
        if buf is None:
            fail(f"{name}: no buffer symbol z_sys_heap_buf_{name}")
            continue
        addr, size = buf
        got = section_of(secs, addr, size)
        if got != want_sec:
            fail(f"{name}: buffer at {addr:#x} is in {got}, expected {want_sec}")
        elif secs[got][0] != "NOBITS":
            fail(f"{name}: section {got} is {secs[got][0]}, expected NOBITS (not loaded)")
        if bss[0] <= addr < bss[1]:
            fail(f"{name}: buffer inside .bss: the startup code would zero it")
        if want_region:
            if want_region not in regions:
                fail(f"{name}: no MEMORY region {want_region} in the board script")
            else:
                origin, length = regions[want_region]
                if not (origin <= addr and addr + size <= origin + length):
                    fail(f"{name}: buffer {addr:#x}+{size} outside {want_region} "
                         f"[{origin:#x}, {origin + length:#x})")

        handle = syms.get(name)
        if handle is None or section_of(secs, *handle) != ".data":
            fail(f"{name}: the struct sys_heap is not in .data")

        desc = syms.get(f"z_sys_heap_desc_{name}")
        if desc is None:
            fail(f"{name}: no descriptor z_sys_heap_desc_{name}")
        else:
            dsec = section_of(secs, *desc)
            if dsec is None or secs[dsec][0] != "PROGBITS" or "W" in secs[dsec][3]:
                fail(f"{name}: descriptor in {dsec}, expected a read-only loaded section")
            if None not in reg and not (reg[0] <= desc[0] and desc[0] + desc[1] <= reg[1]):
                fail(f"{name}: descriptor outside __sysheap_registry_start.._end")

        if not errors:
            print(f"  {name:14s} buffer {addr:#010x} +{size:<6d} in {got}"
                  f"{' (' + want_region + ')' if want_region else ''}; descriptor in registry")

    label = f"{args.board} {os.path.basename(args.elf)}"
    if errors:
        for e in errors:
            print(f"  {e}")
        print(f"FAIL sections {label}: {len(errors)} problem(s)")
        return 1
    print(f"PASS sections {label}: {len(args.expect)} heaps where expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
