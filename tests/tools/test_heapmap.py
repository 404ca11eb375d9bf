#!/usr/bin/env python3
"""test-heapmap: tools/heapmap.py on known dumps.

    test_heapmap.py [--demo HEAPMAP_DEMO_BINARY] [--workdir DIR]

1. tests/tools/heapmap_fixture.txt (a sys_heap_report of one heap and a
   `sysheap dump` of another, worked out by hand): the SVG has one group per
   chunk, the right number of rects per row it spans at --row-bytes 128, the
   byte totals, largest free block and fragmentation the report states;
   --heap picks one heap.
2. The checker can fail: the same checks on the fixture with one chunk line
   removed must report mismatches.
3. With --demo: the program's own report against the figures heapmap draws.
4. Input without chunk lines is refused.
Prints PASS/FAIL lines and `N passed, N failed` last; exit status 1 on
failure.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEAPMAP = os.path.join(ROOT, "tools", "heapmap.py")
FIXTURE = os.path.join(ROOT, "tests", "tools", "heapmap_fixture.txt")
NS = "{http://www.w3.org/2000/svg}"

# What the fixture's heaps are, worked out by hand from their chunk lines
# (see the comments): at --row-bytes 128, fixture_heap's bytes from the
# region start 0x20000100 are the descriptor [0, 92) and chunks at
# [92,108) [108,172) [172,300) [300,332) [332,588) [588,596) [596,716)
# [716,764): rows 0..5, so the used chunks take 1+2+1+1+1 rects and the
# free ones 2+3+2. gdb_heap (8-byte headers, region 0x20001000): the
# descriptor [0,64), chunks [64,96) [96,160) [160,256): two rows, the free
# chunk split across both.
EXPECT = {
    "fixture_heap": dict(used_groups=5, free_groups=3, used_rects=6, free_rects=7, meta_rects=1,
                         used=232, free=440, largest=252, fragmentation="41.9", rows=6,
                         used_usable=212, free_usable=428),
    "gdb_heap": dict(used_groups=2, free_groups=1, used_rects=2, free_rects=2, meta_rects=1,
                     used=128, free=64, largest=56, fragmentation="0.0", rows=2,
                     used_usable=112, free_usable=56),
}

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {what}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f": {detail}" if detail else ""))
    return ok


def heapmap(args, workdir, name):
    out = os.path.join(workdir, name)
    r = subprocess.run([sys.executable, HEAPMAP] + args + ["-o", out],
                       capture_output=True, text=True, timeout=60)
    return r, out


def read_svg(path):
    """Per heap, in order: figures, chunk groups and rect counts."""
    root = ET.parse(path).getroot()
    heaps = []
    for el in root.iter():
        cls = el.get("class", "")
        if el.tag == NS + "g" and cls == "figures":
            heaps.append(dict(figures=dict(el.attrib), groups=[], rects={"used": 0, "free": 0,
                                                                          "meta": 0}))
        elif el.tag == NS + "g" and cls.startswith("chunk ") and heaps:
            heaps[-1]["groups"].append((cls.split()[1], int(el.get("data-bytes"))))
        elif el.tag == NS + "rect" and cls in ("used", "free", "meta") and heaps:
            heaps[-1]["rects"][cls] += 1
    return heaps


def mismatches(heap, want):
    """Every way the drawn heap differs from the expectation."""
    f, groups, rects = heap["figures"], heap["groups"], heap["rects"]
    got = dict(
        used_groups=sum(1 for s, _ in groups if s == "used"),
        free_groups=sum(1 for s, _ in groups if s == "free"),
        used_rects=rects["used"], free_rects=rects["free"], meta_rects=rects["meta"],
        used=int(f["data-used"]), free=int(f["data-free"]), largest=int(f["data-largest"]),
        fragmentation=f["data-fragmentation"], rows=int(f["data-rows"]),
        used_usable=sum(b for s, b in groups if s == "used"),
        free_usable=sum(b for s, b in groups if s == "free"))
    return [f"{k}: drawn {got[k]}, expected {v}" for k, v in want.items() if got[k] != v]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo", help="tests/tools/heapmap_demo built for the host")
    ap.add_argument("--workdir", help="where the SVGs go (default: a temporary directory)")
    args = ap.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="heapmap-test-")
    os.makedirs(workdir, exist_ok=True)

    # 1. the fixture
    r, svg = heapmap([FIXTURE, "--row-bytes", "128"], workdir, "fixture.svg")
    if check(r.returncode == 0, "heapmap draws the fixture", r.stderr.strip()):
        heaps = read_svg(svg)
        check(len(heaps) == 2, "two heaps in the fixture's map", f"{len(heaps)}")
        for heap, name in zip(heaps, EXPECT):
            problems = mismatches(heap, EXPECT[name])
            check(not problems, f"{name}: chunks, rects per row, totals, largest free block, "
                  "fragmentation", "; ".join(problems))
    r, svg = heapmap([FIXTURE, "--row-bytes", "128", "--heap", "gdb_heap"], workdir, "one.svg")
    if check(r.returncode == 0, "--heap gdb_heap", r.stderr.strip()):
        heaps = read_svg(svg)
        check(len(heaps) == 1 and not mismatches(heaps[0], EXPECT["gdb_heap"]),
              "--heap draws just that heap, the same")
    r, _ = heapmap([FIXTURE, "--heap", "nonesuch"], workdir, "none.svg")
    check(r.returncode != 0 and "no heap 'nonesuch'" in (r.stdout + r.stderr),
          "--heap with an unknown name is refused")

    # 2. the checks can fail: one chunk line less
    with open(FIXTURE) as f:
        lines = f.read().splitlines()
    broken = os.path.join(workdir, "broken.txt")
    with open(broken, "w") as f:
        f.write("\n".join(l for l in lines if l != "chunk 0x20000250 free 252") + "\n")
    r, svg = heapmap([broken, "--row-bytes", "128"], workdir, "broken.svg")
    if check(r.returncode == 0, "heapmap draws the broken fixture", r.stderr.strip()):
        problems = mismatches(read_svg(svg)[0], EXPECT["fixture_heap"])
        check(len(problems) >= 3, "a dropped chunk line is noticed by the checks",
              f"only {problems}")

    # 3. a real heap's report against the map's figures
    if args.demo:
        dump = subprocess.run([args.demo], capture_output=True, text=True, timeout=60)
        report = dump.stdout
        path = os.path.join(workdir, "demo.txt")
        with open(path, "w") as f:
            f.write(report)
        check(dump.returncode == 0, "heapmap_demo ran (its heap valid)")
        r, svg = heapmap([path], workdir, "demo.svg")
        m_used = re.search(r"used (\d+) bytes in (\d+) blocks, free (\d+) bytes in (\d+) chunks",
                           report)
        m_large = re.search(r"largest free block (\d+) bytes, fragmentation ([\d.]+)%", report)
        if check(r.returncode == 0 and m_used and m_large, "heapmap draws the demo's report"):
            f = read_svg(svg)[0]
            fig = f["figures"]
            got = (fig["data-used"], fig["data-used-blocks"], fig["data-free"],
                   fig["data-free-chunks"], fig["data-largest"], fig["data-fragmentation"])
            want = m_used.groups() + m_large.groups()
            check(got == want, "the map's figures are the report's", f"map {got}, report {want}")
            check(len(f["groups"]) == report.count("\nchunk "),
                  "one group per chunk line", f"{len(f['groups'])}")

    # 4. nothing to draw
    empty = os.path.join(workdir, "empty.txt")
    with open(empty, "w") as f:
        f.write("no heap here\n")
    r, _ = heapmap([empty], workdir, "empty.svg")
    check(r.returncode == 1 and "no chunk lines" in r.stderr, "input without chunks is refused")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
