#!/usr/bin/env python3
"""bench_report.py: turn the benchmark runs into docs/benchmarks.md and SVG plots.

  bench_report.py --results build/bench --docs docs [--readme README.md] [--elapsed S] ...
  bench_report.py --quick --results build/bench     (print the M4 numbers only)
  bench_report.py --check-readme README.md          (are the summary markers there?)

With --readme, the block between <!-- bench-summary:begin --> and
<!-- bench-summary:end --> in that file is rewritten (markers kept) with a
summary of this run: headline numbers, hardening costs, DMA-heap costs and
search efforts, every number generated.

Reads what `make bench` leaves under build/bench/:
  results/<board>-<variant>.log   firmware consoles (format: bench/common/suite.c)
  size/<cpu>/<config>-h<L>.elf.nm nm --size-sort -S of each code-size program
  size/<cpu>/lib-h<L>.nm          nm -A of libsysheap.a at level L
  results/host-<alloc>.callgrind* callgrind dumps, one part per workload
  results/host-replay.log         host trace replays (bench_replay)
  results/host-ceiling.log        the ideal packer's fill runs (bench_ceiling)
Standard library only; the plots are written as SVG by hand.

This file is the report's text and layout: one function per section of
docs/benchmarks.md (report_inputs() gathers what they share). Reading the
results, computing the rows and drawing are tools/heaplib's parse, compute
and render modules, which tools/heapsize uses too.
"""
import argparse
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import tracetool  # noqa: E402
from heaplib.parse import (BOARD_CPU, CPU_NAMES, Hist, OPS, WORKLOADS, code_sizes, host_replay,
    load_logs, mw, pv, readme_markers, tool_version)
from heaplib.compute import (SIZE_METRIC, TARGETS, ceiling_rows, config_rows, default_settings,
    effort_rows, granular_rows, hardening_rows, header_format_names, host_table, key_numbers,
    mean, over, ratio, smallest_note)
from heaplib.render import (config_table, fmt_pct, fmt_range, format_ceiling, hardening_table, na,
    plot_bars, plot_ccdf, splice_readme, table, wrap_md)


# What the targets table says after its misses: the measured trade-offs and
# the next step for each (issue 12).
NEXT_STEPS = (
    "Where the default stands: one copy of alloc and free serves both header formats, and "
    "SYS_HEAP_OPTIMIZE_SPEED=1 keeps the per-format copies (the configuration table has both). "
    "The single copy tests the header width at field accesses, so the format costs about a "
    "third of the default's flash (compare SYS_HEAP_HEADER_FORMAT=SMALL) and 20-40 "
    "instructions per call. In the default now: the sampling loop once per format, one "
    "inlined unlink in alloc, free's merge inside the one verifier, fed from registers, and one "
    "shared file_free() that writes a free chunk's header as it files it, so no caller carries "
    "both formats' header stores (heap_init, aligned alloc and realloc use it too). "
    "Measured and left out (median / worst): the list append inlined into alloc (-5 / -5 for "
    "132 bytes of core), the unlinks inlined into free (-9 / -5 for 266), alloc alone per "
    "format (-5 / -7 for 114), the verifier without GCC's per-format jump threading (-110 "
    "bytes, free +36), the field width as a shift (alloc 164 / 216, free 248 / 325), "
    "allocating from the end of a larger chunk so that a remainder staying in its bucket is "
    "not filed again (alloc +4 / +9 for 80 bytes: the case is rare in these workloads), alloc "
    "without GCC's jump threading (-6 bytes for worst alloc +10), BASIC without the "
    "neighbours' link checks (free 144 / 189 for 66 bytes less: the safe unlink is 44 "
    "instructions of the worst free). Why the rest is a decision, not tuning: with the issue's "
    "three decisions (BASIC, both formats chosen per heap, one copy) no build measured meets "
    "the flash and time targets together. Dropping the run-time format (SMALL) leaves 1208 "
    "bytes of core, dropping the checks (level 0) 1120, both (the lean row) 882: each above "
    "its target of 1100, or 600 for lean, and the speed option meets neither flash target. "
    "Both formats as an option and the safe unlink moved from BASIC to GUARDS, together, "
    "would still leave the core above 1100: SMALL alone is 1208 bytes, and the safe unlink "
    "66 of them. The remaining targets need a decision on the targets, or on what the "
    "default build contains, before more code work can close them."
)


def config_notes(cfgs, main_log, efforts, sizes, level, problems):
    """What the trade-off table needs said beside it, every number from
    this run. A default row that disagrees with the headline firmware
    (the same code, built twice) is a problem of the run."""
    notes = []
    base = cfgs[0]
    if main_log is not None and base["log"] is not None:
        head = {"alloc": main_log.merged("sysheap", "small", "alloc"),
                "free": main_log.merged("sysheap", "small", "free")}
        hu = mean(main_log.util_pct("sysheap"))
        hs = {g: sizes.get(("cortex-m4", "sysheap", g, level)) for g in ("core", "full")}
        diff = []
        for op in ("alloc", "free"):
            if (pv(head[op], 500), head[op].max) != (pv(base[op], 500), base[op].max):
                diff.append("%s %s here, %s in the headline" % (op, mw(base[op]), mw(head[op])))
        if hu is None or base["util"] is None or round(hu, 1) != round(base["util"], 1):
            diff.append("in use %s %% here, %s %% in the headline" % (
                "n/a" if base["util"] is None else "%.1f" % base["util"],
                "n/a" if hu is None else "%.1f" % hu))
        for g in ("core", "full"):
            if not hs[g] or hs[g][0] != base[g]:
                diff.append("flash %s %s here, %s in the headline" % (
                    g, na(base[g]), hs[g][0] if hs[g] else "n/a"))
        if diff:
            problems.append("the configuration table's default row does not match the headline "
                            "firmware built with the same options: " + "; ".join(diff) + ".")
            notes.append("**The default row does not match the headline**: " + "; ".join(diff) +
                         ".")
        else:
            notes.append("The default row is a build of its own and matches the headline "
                         "firmware's figures (alloc %s, free %s, %.1f %% in use, flash %s / %s)."
                         % (mw(base["alloc"]), mw(base["free"]), base["util"], base["core"],
                            base["full"]))
    fmt_names = header_format_names()
    said = set()
    for r in cfgs[1:]:
        hf = r["cfg"].get("header_format")
        if hf != base["cfg"].get("header_format") and hf not in said:
            said.add(hf)
            if fmt_names.get(hf) == "SMALL":
                notes.append("%s: every heap gets 4-byte headers, and a region larger than the "
                             "largest small heap (about 256 KiB) is clipped to it; no run-time "
                             "choice of format per heap." % r["label"])
            elif fmt_names.get(hf) == "BIG":
                notes.append("%s: every heap gets 8-byte headers, small ones too: %s bytes per "
                             "block here against %s." % (r["label"], na(r["per_block"]),
                                                        na(base["per_block"])))
    for r in cfgs[1:]:
        if r["cfg"].get("alloc_loops") == "0" and r["cfg"].get("alloc_loops") != \
                base["cfg"].get("alloc_loops"):
            fast = next((e for e in efforts if e["name"] == "FAST"), None)
            txt = ("%s skips the sampling in every call of the build. The default build offers "
                   "it per call instead: `sys_heap_alloc_effort(SYS_HEAP_EFFORT_FAST)` samples "
                   "nothing either (both look once at the head of the bucket that may fit)"
                   % r["label"])
            if fast is not None and fast["all"].n:
                txt += (", and measured alloc %s (median / worst) and %s %% in use (*Search "
                        "effort*): the same search behind sys_heap_alloc_effort's own entry "
                        "point, and only for the alloc calls; aligned_alloc and realloc in that "
                        "build still sample SYS_HEAP_ALLOC_LOOPS entries" % (
                            mw(fast["all"]), fmt_pct(fast["util"])))
            txt += "."
            if r["max_single"] is not None and base["max_single"] is not None and \
                    r["max_single"] != base["max_single"]:
                txt += (" Without sampling an allocation only takes a chunk from a bucket whose "
                        "every chunk fits it, so a fresh 36 KiB heap (one free chunk) grants at "
                        "most %d bytes in one allocation, against %d by default: the fixed "
                        "overhead column." % (r["max_single"], base["max_single"]))
            notes.append(txt)
    for r in cfgs[1:]:
        if r["cfg"].get("stats") == "0" and base["cfg"].get("stats") != "0":
            notes.append("%s: `sys_heap_runtime_stats_get()` returns SYS_HEAP_ERR_UNSUPPORTED "
                         "(the full program still calls it), and the heap keeps no free, "
                         "allocated or peak counts." % r["label"])
    return notes


def quick(args):
    logs = load_logs(args.results)
    level = args.default_level
    lg = logs.get("%s-sysheap-h%s-quick" % (args.board, level))
    sizes = code_sizes(args.results, [level], level)
    print("bench-quick: %s (Cortex-M4), -Os, SYS_HEAP_HARDENING=%s, small heap, all workloads"
          % (args.board, level))
    if lg is None:
        print("  no firmware log")
        return 1
    if not lg.ok:
        print("  RUN FAILED: %s %s" % (lg.fault or "", "; ".join(lg.errors)))
    print("  calibration: %s" % " ".join("%s=%s" % kv_ for kv_ in lg.cal.items()))
    print("  %-18s %8s %8s %8s %8s" % ("", "min", "median", "p99", "max"))
    for op in OPS:
        h = lg.merged("sysheap", "small", op)
        if h.n:
            print("  %-18s %8s %8s %8s %8s" % (op, h.p(0), h.p(500), h.p(990), h.max))
    print("  per workload (max alloc / max free):")
    for wl in WORKLOADS:
        a = lg.hist.get(("sysheap", "small", wl, "alloc"))
        f_ = lg.hist.get(("sysheap", "small", wl, "free"))
        print("    %-12s %6s / %-6s" % (wl, a.max if a else "-", f_.max if f_ else "-"))
    print()
    print("  %-60s %8s %10s %6s" % ("target", "goal", "measured", ""))
    for r in key_numbers(logs, args.board, level, sizes, quick_log=True):
        if r[2] is not None and "arena" not in r[0]:
            print("  %-60s %8s %10s %6s" % (r[0], r[1].replace("≤", "<="), r[2], r[3] or ""))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default="build/bench")
    ap.add_argument("--docs", default="docs")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--board", default="mps2-an386")
    ap.add_argument("--default-level", default="1")
    ap.add_argument("--icount", default="shift=7,align=off,sleep=off")
    ap.add_argument("--elapsed", type=int, default=None)
    ap.add_argument("--levels", default="", help="hardening levels expected (space separated)")
    ap.add_argument("--configs", default="",
                    help="configuration rows expected (space separated, the reference first)")
    ap.add_argument("--readme", default=None,
                    help="rewrite this file's block between the bench-summary markers")
    ap.add_argument("--check-readme", default=None, metavar="README",
                    help="only check that README has the bench-summary markers")
    args = ap.parse_args()
    if args.check_readme:
        try:
            with open(args.check_readme) as f:
                err = readme_markers(f.read())
        except OSError as e:
            err = str(e)
        if err:
            print("%s: %s" % (args.check_readme, err), file=sys.stderr)
            return 1
        return 0
    if args.quick:
        return quick(args)
    return full_report(args)


def readme_summary(args, logs, rows, hard, gran, efforts, trace_names, main_log, nano, cfgs):
    """The README block: generated numbers only, each from this run."""
    level = args.default_level
    docs = os.path.relpath(os.path.join(args.docs, "benchmarks.md"),
                           os.path.dirname(os.path.abspath(args.readme)) or ".")
    out = []
    o = out.append
    o("<!-- Generated by `make bench` (tools/bench_report.py); edits here are overwritten. -->")
    o("")
    o("## Benchmarks")
    o("")
    o("Measured by `make bench` on Cortex-M4 (mps2-an386 in QEMU, instructions counted exactly), "
      "`-Os`, SYS_HEAP_HARDENING=%s unless a table says otherwise; newlib-nano's malloc beside, "
      "from the same run. Every figure, and how it is taken: [%s](%s)." % (level, docs, docs))
    o("")
    by = {r[0]: r for r in rows}

    def pair(metric):
        r = by.get(metric)
        return (na(r[2]), na(r[4])) if r else ("n/a", "n/a")
    a, an = pair("worst-case alloc (instructions)")
    f_, fn = pair("worst-case free (instructions)")
    u, un = pair("arena in use at first failure, realistic (%)")
    c, cn = pair(SIZE_METRIC["core"])
    x, xn = pair(SIZE_METRIC["full"])
    seeds = main_log.cfg.get("seeds", "?") if main_log else "?"
    o("- Worst-case alloc, all workloads: **%s** instructions (newlib-nano %s)." % (a, an))
    o("- Worst-case free, all workloads: **%s** instructions (newlib-nano %s)." % (f_, fn))
    o("- Arena in use at the first failed allocation, realistic workload, 36 KiB, mean of %s "
      "seeds: **%s %%** (newlib-nano %s %%)." % (seeds, u, un))
    o("- Flash (.text+.rodata), core (init, alloc, free) / with realloc, aligned alloc, stats "
      "and usable_size: **%s / %s** bytes (newlib-nano %s / %s)."
      % (c, x, cn, xn))
    o("")
    o("**Hardening levels**: bytes each block carries beyond its request, and instructions per "
      "call over all workloads (median / worst), with the increase over level 0.")
    o("")
    o(hardening_table(hard, readme=True))
    o("")
    short = [r for r in hard if r["run"] != next((h["run"] for h in hard if h["level"] == level), None)]
    if short:
        lv = [r["level"] for r in short]
        o("Level%s %s %s O(block) or O(heap) per call by design and ran a shorter workload (%s)."
          % ("s" if len(lv) > 1 else "", " and ".join([", ".join(lv[:-1]), lv[-1]] if len(lv) > 1
                                                        else lv),
             "are" if len(lv) > 1 else "is", "; ".join(sorted({r["run"] for r in short}))))
        o("")
    if cfgs:
        o("**Configuration options**: one library and firmware build per row. The default is "
          "%s; each other row changes the options it names%s. Worst-case instructions over all "
          "workloads, and flash (.text+.rodata) core and full in bytes." % (default_settings(cfgs[0]),
                                                             smallest_note(cfgs)))
        o("")
        o(config_table(cfgs, readme=True))
        o("")
    base = gran[0] if gran and gran[0]["granule"] is None else None
    if base is not None and len(gran) > 1:
        o("**DMA heaps** (`sys_heap_init_with()`, `.granule` = a cache line) against the ordinary "
          "heap, same realistic workload and seeds, Cortex-M4 firmware:")
        o("")
        grows = []
        bu, ba = mean(base["util"]), base["arena"].get("realistic")
        for r in gran:
            u, a = mean(r["util"]), r["arena"].get("realistic")
            grows.append([r["label"], fmt_pct(r["util"]),
                          "%+.1f" % (u - bu) if r is not base and u is not None and bu is not None
                          else "", ratio(a),
                          "%.2f×" % (a[1] / ba[1]) if r is not base and a and a[1] and ba and ba[1]
                          else "",
                          "%.1f" % r["mean_block"] if r["mean_block"] is not None else "n/a",
                          r["per_block"]])
        o(table(["heap", "in use at first failure (%)", "points vs ordinary",
                 "smallest arena / peak live", "arena vs ordinary", "mean bytes per live block",
                 "bytes per block, smallest"], grows))
        o("")
    if efforts:
        o("**Search effort** per call (`sys_heap_alloc_effort`): alloc instructions over all "
          "workloads, utilisation, and the smallest arena as a multiple of peak live bytes for "
          "the realistic workload and each shipped trace.")
        o("")
        o(table(["effort", "alloc median", "alloc worst", "in use at first failure (%)",
                 "smallest arena, realistic"] + ["smallest arena, %s" % t for t in trace_names],
                [[e["name"], e["all"].p(500) if e["all"].n else "n/a",
                  e["all"].max if e["all"].n else "n/a", fmt_pct(e["util"])] + e["arena"]
                 for e in efforts]))
        o("")
    return wrap_md(out)


def packing_ceiling(w, ceil, own, main_log, o):
    """Memory efficiency's packing-ceiling table: sys_heap measured, then
    the ideal packer per block format (ceiling_rows)."""
    if not ceil:
        return
    w("**Packing ceiling**: the fill runs above, same seeds and arena, on an ideal packer "
      "(bench/adapters/alloc_ideal.c) that never fragments. A block of n requested bytes costs "
      "round_up(n + H, U) bytes, alignment padding is not counted, and a request fails only "
      "when the live blocks would cost more than a fresh sys_heap of this arena has room for: "
      "%d bytes, its largest single block plus that block's header (so %d bytes of fixed "
      "overhead). The requests depend on the seed only, so bench/host/ceiling.c replays the "
      "firmware's runs exactly, on the host. An allocator whose blocks cost at least "
      "round_up(n + H, U) in that room fails at the packer's first failure or before it, so the "
      "arena in use at its own first failure is at most the packer's peak live up to then: the "
      "*ceiling* column. H = 0, U = 1 "
      "counts the requested bytes alone: how full the arena gets before the workload's next "
      "request no longer fits." % (ceil[0]["capacity"], ceil[0]["arena"] - ceil[0]["capacity"]))
    w("")
    u = main_log.util_pct("sysheap") if main_log is not None else []
    mb = mean(main_log.block_overhead("sysheap")) if main_log is not None else None
    crows = []
    if own is not None:
        crows.append(["sysheap (measured)",
                      "round_up(n + %d, %d), in a heap that fragments" % (own["hdr"], own["unit"]),
                      fmt_pct(u), fmt_range(u), "", "%.1f" % mb if mb is not None else "n/a"])
    for r in ceil:
        crows.append(["ideal packer", "round_up(n + %d, %d)" % (r["hdr"], r["unit"]),
                      fmt_pct(r["util"]), fmt_range(r["util"]), fmt_pct(r["ceiling"]),
                      "%.1f" % r["mean_block"] if r["mean_block"] is not None else "n/a"])
    w(table(["allocator", "block of n bytes costs", "in use at first failure (%)",
             "range over seeds", "ceiling: peak live up to it (%)", "mean bytes per live block"],
            crows,
            ["---", "---"] + ["---:"] * 4))
    w("")


def report_inputs(args):
    """What every section reads (the logs, sizes, traces and the problems
    found so far, in one namespace), and the page's head."""
    rep = argparse.Namespace(args=args)
    rep.logs = load_logs(args.results)
    rep.board, rep.level = args.board, args.default_level
    rep.levels = args.levels.split() or sorted(
        {re.match(r".*-sysheap-h(\d+)$", n).group(1) for n in rep.logs
         if re.match(r"%s-sysheap-h\d+$" % re.escape(rep.board), n)}, key=int)
    if rep.level not in rep.levels:
        rep.levels.append(rep.level)
    rep.sizes = code_sizes(args.results, rep.levels, rep.level)
    rep.main_log = rep.logs.get("%s-sysheap-h%s" % (rep.board, rep.level))
    rep.nano = rep.logs.get("%s-newlib-nano" % rep.board)
    rep.full = rep.logs.get("%s-newlib" % rep.board)
    traces = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                           "bench", "traces", "*.trace")))
    rep.trace_info = {}
    for p in traces:
        ops, comments, cs = tracetool.parse(p)
        name = os.path.basename(p)[:-6]
        src = [c[len("# source: "):] for c in comments if c.startswith("# source: ")]
        rep.trace_info[name] = (tracetool.stats(ops), src[0] if src else "")
    os.makedirs(args.docs, exist_ok=True)
    rep.md = []
    rep.problems = []
    expected = ["%s-sysheap-h%s" % (rep.board, lvl) for lvl in rep.levels] + \
        ["%s-newlib-nano" % rep.board, "%s-newlib" % rep.board] + \
        ["%s-%s" % (b, v) for b in ("microbit", "mps2-an385", "mps2-an505")
         for v in ("sysheap-h%s-quick" % rep.level, "newlib-nano-quick")] + \
        ["%s-sysheap-cfg-%s" % (rep.board, c) for c in args.configs.split()]
    for name in expected:
        if name not in rep.logs:
            rep.problems.append("`%s`: no result: its firmware did not build or did not run "
                            "(see the make output)." % name)
    rep.ceil = ceiling_rows(args.results)
    rep.main_over = over(rep.main_log, "sysheap")
    rep.own_ceil = format_ceiling(rep.ceil, rep.main_over)
    if rep.own_ceil is None:
        rep.problems.append("`host-ceiling`: no packing ceiling for sys_heap's block format: "
                        "bench_ceiling did not run or the headline firmware has no O line "
                        "(see the make output).")
    for name, lg in sorted(rep.logs.items()):
        if not lg.ok:
            rep.problems.append("`%s`: the run did not finish (%s%s). Results after the fault are "
                            "missing; its other numbers are shown." % (
                                name, lg.fault or "exit status %s" % lg.runfail,
                                "; " + "; ".join(lg.errors) if lg.errors else ""))
        else:
            for e in lg.errors:
                rep.problems.append("`%s`: %s" % (name, e))
        for (a, h, wl), r in sorted(lg.runs.items()):
            if r.get("corrupt") == "1":
                rep.problems.append("`%s`: %s on the %s heap, workload %s: a block's marker bytes or "
                                "the heap's structure were wrong (its timings are left out)."
                                % (name, a, h, wl))

    w = rep.md.append
    w("# Benchmarks")
    w("")
    w("<!-- Generated by `make bench` (tools/bench_report.py). Do not edit: every number and "
      "figure here comes from that command. -->")
    w("")
    w("Four numbers decide whether an allocator fits a firmware: the worst-case time of one "
      "call (the ISR budget), how much of the heap can be used before an allocation fails, flash, "
      "and bytes of overhead. `make bench` measures all four for libsysheap and, in the same run, "
      "for the allocators firmware uses today: newlib-nano's and full newlib's malloc (both "
      "shipped with the toolchain) on the same board, and glibc's malloc on the host.")
    w("")
    w("- Toolchain: %s, `-Os`, default configuration unless a table says otherwise "
      "(SYS_HEAP_HARDENING=%s)." % (tool_version(["arm-none-eabi-gcc", "--version"]), rep.level))
    w("- Emulator: %s, `-icount %s`." % (tool_version(["qemu-system-arm", "--version"]), args.icount))
    if args.elapsed is not None:
        w("- `make bench` took %d s on this machine (%d CPUs)." % (args.elapsed, os.cpu_count() or 0))
    w("- Times are **instructions per call** (Cortex-M, counted exactly; see *Method*) and "
      "callgrind instructions on the host. A real board reports cycles from the same firmware.")
    w("")
    w("Commands: `make bench` (this page), `make bench-quick` (Cortex-M4 worst cases and flash "
      "only, printed, in seconds), `make bench-verify` (recounts the first timed calls by "
      "single-stepping them in gdb), `make bench-hw` (the same firmware for the dev boards, "
      "counting cycles, to flash by hand), `make test-bench` (part of `make test`: the firmware builds, "
      "the traces verify and replay cleanly, a tampered trace is refused). mk/bench.mk has the "
      "knobs; docs/benchmarks.md is rewritten by every `make bench`.")
    w("")
    if rep.problems:
        w("## Problems found by this run")
        w("")
        for p in rep.problems:
            w("- " + p)
        w("")
    return rep


def section_targets(rep):
    w = rep.md.append
    # targets
    w("## Targets (Cortex-M4, mps2-an386)")
    w("")
    w("The measured column is libsysheap; worst cases are over the realistic workload and every "
      "adversarial workload. PASS/MISS is information, not a test. Published figures are quoted "
      "from their authors' or the issue's measurements and were **not** run here.")
    w("")
    rep.rows = key_numbers(rep.logs, rep.board, rep.level, rep.sizes, rep.args.results)
    w(table(["metric", "target", "sys_heap", "", "newlib-nano", "newlib", "published (not measured here)"],
            [[r[0], r[1], na(r[2]), na(r[3]), na(r[4]), na(r[5]), r[6]] for r in rep.rows],
            ["---", "---:", "---:", "---", "---:", "---:", "---"]))
    w("")
    if rep.own_ceil is not None:
        w("Ceiling of the arena in use at first failure for %d-byte headers in %d-byte units on "
          "this workload, measured on an ideal packer that never fragments (*Packing ceiling* "
          "in *Memory efficiency*): %s %%." % (rep.own_ceil["hdr"], rep.own_ceil["unit"],
                                              fmt_pct(rep.own_ceil["ceiling"])))
        w("")

    misses = []
    for r in rep.rows:
        if r[3] != "MISS" or r[2] is None:
            continue
        goal = float(r[1].split()[-1])
        misses.append("%s: %s against %s (%s by %s)" % (
            r[0], r[2], r[1], "over" if r[1].startswith("≤") else "under",
            ("%.1f" % abs(float(r[2]) - goal)).rstrip("0").rstrip(".")))
    if misses:
        w("Targets not reached, and by how much: " + "; ".join(misses) + ".")
        w("")
        w(NEXT_STEPS)
        w("")


def section_calibration(rep):
    w = rep.md.append
    # calibration
    w("## Method")
    w("")
    w("Each call is timed by `bench_call()` (bench/fw/timed_call.S): read the counter, `blx` the "
      "allocator's own entry point (`sys_heap_alloc`, `malloc`, ...), read the counter again. In "
      "QEMU the counter is SysTick on the processor clock, and `-icount shift=7` advances virtual "
      "time exactly 128 ns per instruction, so a SysTick reading is an exact function of the "
      "instructions executed. A tick (40 ns at 25 MHz) is less than half an instruction, so "
      "rounding ticks / (ticks per instruction) gives the exact count. Every firmware run "
      "calibrates first: it measures the ratio on a loop of known length (about 2.5 million "
      "instructions), measures the fixed cost of an empty call, then checks 128 probes of known "
      "length (1 to 200,001 instructions, at shifting counter phases). The count reported for a "
      "call is the callee's instructions including its return. On a real board the same firmware "
      "uses DWT CYCCNT (M3 and later) or SysTick (M0) and reports cycles. `make bench-verify` "
      "checks the method end to end: it recounts the first timed calls by single-stepping them "
      "under gdb, and the counts must be equal.")
    w("")
    cal_rows = []
    for name, lg in sorted(rep.logs.items()):
        if lg.cal:
            c = lg.cal
            cal_rows.append([name, lg.cfg.get("cpu", ""), c.get("timer"),
                             "%.6f" % (int(c.get("ticks_per_unit_x1e6", 0)) / 1e6),
                             c.get("overhead"), "%s/%s" % (c.get("exact"), c.get("checks")),
                             c.get("worst_error")])
    w(table(["firmware", "cpu", "counter", "ticks per instruction", "empty-call overhead",
             "exact probes", "worst error"], cal_rows))
    w("")
    w("Workloads (bench/common/workloads.c; all allocators see the same requests):")
    w("")
    w("- **realistic**: sizes 4–512 bytes, log-uniform by octave (median about 45 bytes); rounds "
      "fill to 32–160 live blocks with 6% aligned allocations (16–64) and 10% reallocs; the round's "
      "blocks are then freed in random order, except one in eight, which is kept for 1–16 more "
      "rounds. 200 rounds, about 40,000 calls.")
    w("- **holes**: 300 free 24–40-byte holes between 8-byte pins, then requests that fit none "
      "(a first-fit list walks every hole on each alloc, and on each free above them).")
    w("- **near_miss**: for each size class, 20 free chunks exactly 8 bytes smaller than the "
      "requests that follow, so every sampled entry misses.")
    w("- **split_merge**: frees that merge with both neighbours (taking both out of populated "
      "lists), and allocations that split the result.")
    w("- **realloc**: grow in place, shrink in place, grow by moving (copying up to 512 bytes).")
    w("- **aligned**: aligned_alloc with alignments 16–512 on a fragmented heap.")
    w("")
    w("Every block carries marker bytes checked before it is freed or reallocated, so an "
      "allocator handing out overlapping memory is caught; sys_heap's error hook must stay "
      "silent.")
    w("")


def section_per_op_tables(rep):
    w = rep.md.append
    # per-op tables
    w("## Time per operation (Cortex-M4, small heap)")
    w("")
    w("Instructions per call, all timing workloads together. The plots show the whole "
      "distributions as tails: for each x, the share of calls that took at least x "
      "instructions (log-log), ending in a dot at the worst case.")
    w("")
    trows = []
    for lg, alloc in ((rep.main_log, "sysheap"), (rep.nano, "newlib-nano"), (rep.full, "newlib")):
        if lg is None:
            continue
        for op in OPS:
            h = lg.merged(alloc, "small", op)
            if h.n:
                trows.append([alloc, op, h.n, h.p(0), h.p(500), h.p(990), h.max, "%.1f" % h.mean()])
    w(table(["allocator", "operation", "calls", "min", "median", "p99", "max", "mean"], trows,
            ["---", "---"] + ["---:"] * 6))
    w("")
    w("![alloc latency](bench-latency-alloc.svg)")
    w("")
    w("![free latency](bench-latency-free.svg)")
    w("")
    w("Per workload (max, with the median in brackets):")
    w("")
    wrows = []
    for wl in WORKLOADS:
        for lg, alloc in ((rep.main_log, "sysheap"), (rep.nano, "newlib-nano"), (rep.full, "newlib")):
            if lg is None:
                continue
            cells = []
            for op in OPS:
                h = lg.hist.get((alloc, "small", wl, op))
                if lg.corrupt(alloc, "small", wl):
                    cells.append("corrupt")
                else:
                    cells.append("%d (%s)" % (h.max, h.p(500)) if h and h.n else "–")
            wrows.append([wl, alloc] + cells)
    w(table(["workload", "allocator"] + OPS, wrows, ["---", "---"] + ["---:"] * 4))
    w("")


def section_efforts(rep):
    w = rep.md.append
    # efforts
    w("## Search effort (sys_heap_alloc_effort)")
    w("")
    w("`SYS_HEAP_EFFORT_FAST` looks once at the head of the bucket that may fit, then takes the "
      "first bucket that must fit; `DEFAULT` samples "
      "SYS_HEAP_ALLOC_LOOPS entries (%s) of the bucket that may fit; `FIT` samples "
      "SYS_HEAP_FIT_LOOPS (%s). Cortex-M4, small heap, default hardening. Utilisation is the mean "
      "over %s seeds; smallest arenas are multiples of the workload's peak live (requested) bytes."
      % (rep.main_log.cfg.get("alloc_loops", "?") if rep.main_log else "?",
         rep.main_log.cfg.get("fit_loops", "?") if rep.main_log else "?",
         rep.main_log.cfg.get("seeds", "?") if rep.main_log else "?"))
    w("")
    rep.trace_names = sorted(rep.trace_info)
    rep.efforts = effort_rows(rep.main_log, rep.trace_names)
    erows = [[e["name"], e["all"].p(500) if e["all"].n else "n/a",
              e["realistic"].p(500) if e["realistic"].n else "n/a",
              e["all"].max if e["all"].n else "n/a", fmt_pct(e["util"])] + e["arena"]
             for e in rep.efforts]
    w(table(["effort", "alloc median (all)", "alloc median (realistic)", "alloc worst",
             "in use at first failure (%)", "smallest arena, realistic"] +
            ["smallest arena, %s" % t for t in rep.trace_names], erows,
            ["---"] + ["---:"] * (5 + len(rep.trace_names))))
    w("")


def section_hardening_levels(rep):
    w = rep.md.append
    # hardening levels
    rep.hard = hardening_rows(rep.logs, rep.board, rep.levels)
    for r in rep.hard:
        if r["extra_bytes"] is not None and r["per_block"] is not None and r["header"] is not None \
                and r["per_block"] != r["header"] + r["extra_bytes"]:
            rep.problems.append("level %s: a block measures %d bytes over its request, but the "
                            "firmware was compiled with a %d-byte header (measured at level 0) "
                            "+ %s + %s bytes of prefix and tail." % (
                                r["level"], r["per_block"], r["header"], r["prefix"], r["tail"]))
    w("## Hardening levels")
    w("")
    w("What each level of include/sys_heap_config.h costs per block and per call, Cortex-M4, "
      "small heap (4-byte headers), all timing workloads. *Extra bytes per block* are the "
      "prefix before the memory and the tail after it, as the level's firmware was compiled "
      "(`Z_SYS_HEAP_BLOCK_PREFIX_BYTES`, `Z_SYS_HEAP_BLOCK_TAIL_BYTES`, printed by the firmware); "
      "*bytes per block, measured* is what the firmware finds at run time: the smallest "
      "block's footprint (the distance between two fresh allocations) minus the largest "
      "request it holds, so the header plus prefix plus tail; `make bench` checks that it "
      "equals level 0's figure plus the compiled prefix and tail. *Mean bytes per live block* "
      "is the same on the realistic workload's mix of sizes, rounding to 8-byte units "
      "included: the heap's allocated bytes minus the requested bytes, over the live blocks, at "
      "the first failed allocation in the 36 KiB arena (mean over the seeds). Extra "
      "instructions are the level's median and worst case minus level 0's.")
    w("")
    w(hardening_table(rep.hard))
    w("")
    short = sorted({r["run"] for r in rep.hard} - {r["run"] for r in rep.hard if r["level"] == rep.level})
    if short:
        w("Levels that poison or validate on every call are O(block) or O(heap) by design; their "
          "firmware runs a shorter workload (%s, against %s for the others), so their medians "
          "and worst cases are over that run, and level 4's grow with the heap." % (
              "; ".join(short), next((r["run"] for r in rep.hard if r["level"] == rep.level), "?")))
        w("")
    w("Every operation per level (max with the median in brackets), utilisation and code size:")
    w("")
    hrows = []
    for lvl in rep.levels:
        lg = rep.logs.get("%s-sysheap-h%s" % (rep.board, lvl))
        if lg is None:
            continue
        cells = [lvl]
        for op in OPS:
            h = lg.merged("sysheap", "small", op)
            cells.append("%d (%s)" % (h.max, h.p(500)) if h.n else "n/a")
        cells.append(fmt_pct(lg.util_pct("sysheap")))
        s = rep.sizes.get(("cortex-m4", "sysheap", "core", lvl))
        s2 = rep.sizes.get(("cortex-m4", "sysheap", "full", lvl))
        cells.append(s[0] if s else "n/a")
        cells.append(s2[0] if s2 else "n/a")
        cells.append("%s rounds, %d KiB; big: %d KiB, %s rounds%s; %s seeds" % (
            lg.cfg.get("rounds", "?"), int(lg.cfg.get("small", 0)) // 1024,
            int(lg.cfg.get("big", 0)) // 1024, lg.cfg.get("big_rounds", lg.cfg.get("rounds", "?")),
            "" if lg.cfg.get("big_adversarial", "1") == "1" else ", realistic only",
            lg.cfg.get("seeds", "8")))
        if not lg.ok:
            cells[0] = "%s (run failed)" % lvl
        hrows.append(cells)
    w(table(["level"] + OPS + ["in use at first failure (%)", "flash core", "flash full", "run"],
            hrows, ["---"] + ["---:"] * 7 + ["---"]))
    w("")
    w("![hardening levels](bench-hardening.svg)")
    w("")


def section_configuration_trade_offs(rep):
    w = rep.md.append
    # configuration trade-offs
    rep.cfgs = config_rows(rep.logs, rep.board, rep.args.configs.split(), rep.args.results)
    if rep.cfgs:
        base = rep.cfgs[0]
        w("## Configuration trade-offs")
        w("")
        w("What the compile-time options of include/sys_heap_config.h trade, measured. Each row is "
          "its own build of the library, the firmware and the code-size programs, all compiled "
          "with the same `-D`. The first is the default configuration, %s; each of the others "
          "changes the options it names%s. Cortex-M4 (mps2-an386), `-Os`, the headline's "
          "workloads on the %s KiB heap: instructions per call over all timing workloads; the "
          "arena in use at the first failed allocation (realistic workload, 36 KiB arena, mean of "
          "%s seeds); *bytes per block* and *fixed overhead* as in *Memory efficiency*; flash (.text+.rodata) of "
          "the core and full programs of *Code size*. In brackets: the difference from the "
          "default row." % (
              default_settings(base), smallest_note(rep.cfgs),
              int(base["cfg"].get("small", 0)) // 1024 if base["cfg"] else "?",
              base["seeds"] or "?"))
        w("")
        w(config_table(rep.cfgs))
        w("")
        for note in config_notes(rep.cfgs, rep.main_log, rep.efforts, rep.sizes, rep.level, rep.problems):
            w("- " + note)
        w("")


def section_header_formats(rep):
    w = rep.md.append
    # header formats
    w("## Header formats")
    w("")
    w("A heap under 256 KiB gets 4-byte chunk headers, a larger one 8-byte headers (default "
      "`SYS_HEAP_HEADER_AUTO`). Same workloads on a %d KiB and a %d KiB heap, default hardening, "
      "max (median)." % (int(rep.main_log.cfg.get("small", 0)) // 1024 if rep.main_log else 0,
                         int(rep.main_log.cfg.get("big", 0)) // 1024 if rep.main_log else 0))
    w("")
    frows = []
    for heap in ("small", "big"):
        if rep.main_log is None:
            break
        cells = [heap]
        for op in OPS:
            h = rep.main_log.merged("sysheap", heap, op)
            cells.append("%d (%s)" % (h.max, h.p(500)) if h.n else "n/a")
        bad = [wl for (a, hp, wl), r in rep.main_log.runs.items()
               if a == "sysheap" and hp == heap and r.get("corrupt") == "1"]
        missing = [wl for wl in WORKLOADS if ("sysheap", heap, wl) not in rep.main_log.runs]
        note = []
        if bad:
            note.append("corrupt: " + ", ".join(sorted(bad)))
        if missing:
            note.append("not run (fault): " + ", ".join(missing))
        cells.append("; ".join(note))
        frows.append(cells)
    w(table(["heap"] + OPS + ["notes"], frows, ["---"] + ["---:"] * 4 + ["---"]))
    w("")


def section_memory_efficiency(rep):
    w = rep.md.append
    # memory efficiency
    w("## Memory efficiency")
    w("")
    w("**In use at first failure**: the realistic workload on a fixed 36 KiB arena runs until an "
      "allocation fails (kept blocks are never freed, so live memory climbs); the figure is the "
      "requested bytes live at that moment over the arena size, for 8 fixed seeds. newlib's "
      "arena is what its `_sbrk` may hand out. **Smallest arena**: binary search (8-byte steps) "
      "for the smallest arena that completes the workload without a failed allocation, as a "
      "multiple of the workload's peak live requested bytes (realistic workload: 60 rounds). "
      "Arenas start on a 4 KiB boundary; full newlib grows its heap through `_sbrk` in whole "
      "4 KiB pages, so its smallest arenas come out as multiples of 4 KiB, as they would in "
      "firmware.")
    w("")
    mrows = []
    rep.util_plot = []
    for lg, alloc in ((rep.main_log, "sysheap"), (rep.main_log, "sysheap-fast"), (rep.main_log, "sysheap-fit"),
                      (rep.nano, "newlib-nano"), (rep.full, "newlib")):
        if lg is None:
            continue
        u = lg.util_pct(alloc)
        o = over(lg, "sysheap" if alloc.startswith("sysheap") else alloc)
        mb = mean(lg.block_overhead(alloc))
        mrows.append([alloc, fmt_pct(u), fmt_range(u), ratio(lg.arena.get((alloc, "realistic"))),
                      o["per_block"] if o else "n/a",
                      "%.1f" % mb if mb is not None else "n/a",
                      o["min_block"] if o else "n/a",
                      int(o["arena"]) - int(o["max_single"]) if o else "n/a"])
        if u:
            rep.util_plot.append((alloc, sum(u) / len(u), min(u), max(u)))
    w(table(["allocator", "in use at first failure (%)", "range over seeds",
             "smallest arena / peak live", "bytes per block", "mean bytes per live block, realistic",
             "smallest block", "fixed overhead of a 36 KiB heap"], mrows,
            ["---"] + ["---:"] * 7))
    w("")
    w("*Bytes per block* is the request that still fits the smallest block, subtracted from "
      "that block's footprint (so: header bytes); *mean bytes per live block* is, at the first "
      "failed allocation, the allocator's own count of bytes in live blocks (sys_heap's "
      "statistics, newlib's `mallinfo().uordblks`) minus the requested bytes, over the live "
      "blocks, mean over the seeds: headers and rounding on the realistic mix of sizes; "
      "*fixed overhead* is the arena minus the largest single allocation a fresh heap grants.")
    w("")
    w("![utilisation](bench-utilisation.svg)")
    w("")
    packing_ceiling(w, rep.ceil, rep.own_ceil, rep.main_log, rep.main_over)


def section_dma_heaps(rep):
    w = rep.md.append
    # DMA heaps
    rep.gran = granular_rows(rep.main_log, rep.trace_names)
    w("## DMA heaps (granule)")
    w("")
    w("A heap formatted by `sys_heap_init_with()` with `.granule = 32` or `64` (a data-cache line) "
      "gives every block whole lines that no other block or header shares: each block's header "
      "takes a line of its own and its size is rounded up to whole lines. What that costs against "
      "the ordinary heap (`sys_heap_init()`, 8-byte granule), measured by the Cortex-M4 firmware "
      "(mps2-an386, 32-bit layout, hardening level %s) on the same realistic workload with the "
      "same seeds: utilisation at the first failure in the 36 KiB arena, the smallest arena as a "
      "multiple of peak live bytes, the bytes a block costs over its request, and the realistic "
      "workload's instructions per call." % rep.level)
    w("")
    base = rep.gran[0] if rep.gran and rep.gran[0]["granule"] is None else None
    grows = []
    for r in rep.gran:
        u = mean(r["util"])
        a = r["arena"].get("realistic")
        cells = [r["label"], fmt_pct(r["util"]), fmt_range(r["util"])]
        if base is not None and r is not base and u is not None and mean(base["util"]) is not None:
            cells.append("%+.1f" % (u - mean(base["util"])))
        else:
            cells.append("")
        cells.append(ratio(a))
        ba = base["arena"].get("realistic") if base else None
        if base is not None and r is not base and a and a[1] and ba and ba[1]:
            cells.append("%.2f×" % (a[1] / ba[1]))
        else:
            cells.append("")
        cells += [r["per_block"], "%.1f" % r["mean_block"] if r["mean_block"] is not None else "n/a",
                  r["min_block"], r["fixed"], mw(r["alloc_h"]), mw(r["free_h"])]
        grows.append(cells)
    w(table(["heap", "in use at first failure (%)", "range over seeds", "points vs ordinary",
             "smallest arena / peak live, realistic", "arena vs ordinary", "bytes per block",
             "mean bytes per live block, realistic", "smallest block",
             "fixed overhead of a 36 KiB heap", "alloc median / worst, realistic",
             "free median / worst, realistic"], grows, ["---"] + ["---:"] * 11))
    w("")
    w("Smallest arena / peak live on the recorded traces, same firmware:")
    w("")
    w(table(["heap", "realistic"] + rep.trace_names,
            [[r["label"]] + [ratio(r["arena"].get(wl)) for wl in
                             ["realistic"] + ["trace:" + t for t in rep.trace_names]] for r in rep.gran]))
    w("")
    w("At this level a block of *n* bytes on a granular heap takes a line for its header plus "
      "*n* rounded up to whole lines; on the ordinary heap it takes *n* plus its header, "
      "rounded up to 8 bytes.")
    w("")
    for r in rep.gran:
        u = r["util"]
        if u and r["granule"] is not None:
            rep.util_plot.append(("sysheap granule %d" % r["granule"], sum(u) / len(u), min(u), max(u)))


def section_code_size(rep):
    w = rep.md.append
    # code size
    w("## Code size")
    w("")
    w("Minimal programs (bench/fw/size_prog.c) that reference exactly one configuration, linked "
      "with `--gc-sections`; the figure is the sum of `nm --size-sort -S` sizes of the symbols "
      "that come from libsysheap's objects. *core* = init, alloc, free; *full* = core + "
      "aligned_alloc, realloc, runtime_stats_get. libc's memcpy (used by realloc) is not counted, "
      "nor are newlib's string functions. newlib columns count every function the program pulls "
      "in from libc except the string functions and the program's `_sbrk` stub.")
    w("")
    crows = []
    for cpu in CPU_NAMES:
        cells = [CPU_NAMES[cpu]]
        for lvl in rep.levels:
            for cfg in ("core", "full"):
                s = rep.sizes.get((cpu, "sysheap", cfg, lvl))
                cells.append(s[0] if s else "n/a")
        for base in ("nano", "newlib"):
            for cfg in ("core", "full"):
                s = rep.sizes.get((cpu, base, cfg, rep.level))
                cells.append(s[0] if s else "n/a")
        crows.append(cells)
    head = ["CPU"]
    for lvl in rep.levels:
        head += ["h%s core" % lvl, "h%s full" % lvl]
    head += ["newlib-nano core", "newlib-nano full", "newlib core", "newlib full"]
    w(table(head, crows))
    w("")
    w("(h*N* = SYS_HEAP_HARDENING level *N*; the default is %s. Flash is .text+.rodata; "
      "the library's .rodata, where it has any, is noted: %s.)" % (
          rep.level, ", ".join("%s h%s %s rodata %d" % (CPU_NAMES[k[0]], k[3], k[2], v[1])
                           for k, v in sorted(rep.sizes.items()) if v and k[1] == "sysheap" and v[1])
          or "none"))
    w("")


def section_per_cpu(rep):
    w = rep.md.append
    # per CPU
    w("## Per CPU")
    w("")
    w("Worst case and median over the small-heap timing workloads, default configuration, in "
      "instructions. The micro:bit (16 KiB of RAM) runs a scaled realistic workload: sizes "
      "4–64 bytes, 8–24 live blocks per round, a 4 KiB heap, and at most 96 blocks in the "
      "adversarial workloads.")
    w("")
    prow = []
    for b in ["microbit", "mps2-an385", rep.board, "mps2-an505"]:
        cpu = BOARD_CPU.get(b, "")
        s_lg = rep.logs.get("%s-sysheap-h%s-quick" % (b, rep.level)) if b != rep.board else rep.main_log
        n_lg = rep.logs.get("%s-newlib-nano-quick" % b) if b != rep.board else rep.nano
        cells = [CPU_NAMES.get(cpu, cpu), b]
        for lg, alloc in ((s_lg, "sysheap"), (n_lg, "newlib-nano")):
            for op in ("alloc", "free"):
                h = lg.merged(alloc, "small", op) if lg else Hist()
                cells.append("%d (%s)" % (h.max, h.p(500)) if h.n else "n/a")
        prow.append(cells)
    w(table(["CPU", "board", "sys_heap alloc", "sys_heap free", "newlib-nano alloc",
             "newlib-nano free"], prow, ["---", "---"] + ["---:"] * 4))
    w("")


def section_traces(rep):
    w = rep.md.append
    # traces
    w("## Traces")
    w("")
    w("Allocation traces recorded from real programs (bench/traces/README.md has the format and "
      "how each was made) are compiled into the firmware as C arrays and replayed, timed; the "
      "replayer checks the trace's checksum and every block's markers. The host replayer "
      "(`build/bench/host/bench_replay`) replays them against sys_heap on the host with "
      "`sys_heap_validate()` after every operation. calloc counts as alloc (the zeroing is not "
      "timed), memalign as aligned_alloc.")
    w("")
    rrows = []
    for t in rep.trace_names:
        st, src = rep.trace_info[t]
        rrows.append([t, src, st["ops"], st["ids"], st["peak"], "%d–%d" % (st["min"], st["max"])])
    w(table(["trace", "recorded from", "ops", "ids", "peak live bytes", "sizes"], rrows,
            ["---", "---", "---:", "---:", "---:", "---:"]))
    w("")
    host_arena = host_replay(rep.args.results)
    trows2 = []
    for t in rep.trace_names:
        for lg, alloc in ((rep.main_log, "sysheap"), (rep.nano, "newlib-nano"), (rep.full, "newlib")):
            if lg is None:
                continue
            cells = [t, alloc]
            for op in OPS:
                h = lg.hist.get((alloc, "small", "trace:" + t, op))
                cells.append("%d (%s)" % (h.max, h.p(500)) if h and h.n else "–")
            a = lg.arena.get((alloc, "trace:" + t))
            cells.append("%.3f" % (a[1] / a[0]) if a and a[0] and a[1] else "n/a")
            tr = lg.traces.get((alloc, t))
            cells.append(tr["checksum"] if tr else "n/a")
            trows2.append(cells)
        ha = host_arena.get(("plain", t))
        if ha:
            trows2.append([t, "sysheap on the host (64-bit)", "", "", "", "",
                           "%.3f" % (ha[0] / ha[1]) if ha[1] else "n/a", "ok"])
    w(table(["trace", "allocator"] + ["%s max (median)" % o for o in OPS] +
            ["smallest arena / peak live", "checksum"], trows2,
            ["---", "---"] + ["---:"] * 5 + ["---"]))
    w("")


def section_host(rep):
    w = rep.md.append
    # host
    w("## Host (x86-64, callgrind)")
    w("")
    w("The same workloads and traces on the host, sys_heap (`-O2`, 16-byte alignment, 8-byte "
      "headers) against glibc's malloc, counted by `valgrind --tool=callgrind`: the inclusive "
      "instructions of the calls `bench_call()` makes to each entry point, divided by their "
      "number (averages; callgrind gives no per-call distribution). Host counts include the frees "
      "that empty the heap after each run. Not comparable with the Cortex-M counts above.")
    w("")
    hrows2 = []
    host = host_table(rep.args.results)
    for wl in WORKLOADS + ["trace:" + t for t in rep.trace_names]:
        cells = [wl]
        for op in OPS:
            for alloc in ("sysheap", "glibc"):
                v = host.get((alloc, wl, op))
                cells.append("%.0f" % (v[1] / v[0]) if v and v[0] else "–")
        hrows2.append(cells)
    head = ["workload"]
    for op in OPS:
        head += ["%s sys_heap" % op, "%s glibc" % op]
    w(table(head, hrows2))
    w("")


def section_everything(rep):
    w = rep.md.append
    # everything
    w("## All sys_heap timings")
    w("")
    w("<details><summary>Every hardening level, heap size, workload and operation "
      "(Cortex-M4, instructions)</summary>")
    w("")
    drows = []
    for lvl in rep.levels:
        lg = rep.logs.get("%s-sysheap-h%s" % (rep.board, lvl))
        if lg is None:
            continue
        for heap in ("small", "big"):
            for wl in WORKLOADS + ["trace:" + t for t in rep.trace_names]:
                for op in OPS:
                    h = lg.hist.get(("sysheap", heap, wl, op))
                    if h is None or not h.n:
                        continue
                    bad = lg.corrupt("sysheap", heap, wl)
                    drows.append([lvl, heap, wl, op, h.n, h.p(0), h.p(500), h.p(990), h.max,
                                  "corrupt run" if bad else ""])
    w(table(["level", "heap", "workload", "operation", "calls", "min", "median", "p99", "max", ""],
            drows, ["---", "---", "---", "---"] + ["---:"] * 5 + ["---"]))
    w("")
    w("Values above 4096 come from histogram bins about 3% wide and are marked `~` (upper "
      "bound); every max is exact.")
    w("")
    w("</details>")
    w("")


def section_plots(rep):
    """The plots, the README block and the console summary; the exit status."""
    if rep.main_log is not None:
        for op in ("alloc", "free"):
            series = [("sys_heap", rep.main_log.merged("sysheap", "small", op))]
            if op == "alloc":
                series += [("sys_heap FAST", rep.main_log.merged("sysheap-fast", "small", op)),
                           ("sys_heap FIT", rep.main_log.merged("sysheap-fit", "small", op))]
            if rep.nano:
                series.append(("newlib-nano", rep.nano.merged("newlib-nano", "small", op)))
            if rep.full:
                series.append(("newlib", rep.full.merged("newlib", "small", op)))
            plot_ccdf(os.path.join(rep.args.docs, "bench-latency-%s.svg" % op),
                      "%s: instructions per call, Cortex-M4, small heap, all workloads" % op,
                      series, "instructions per call (log scale)")
    plot_bars(os.path.join(rep.args.docs, "bench-utilisation.svg"),
              "Arena in use at the first failed allocation (36 KiB, realistic, 8 seeds)",
              rep.util_plot, "% of the arena holding requested bytes (bar: mean, whisker: seed range)",
              TARGETS["util"], "target %.0f%%" % TARGETS["util"], 100)
    lvl_rows = []
    for lvl in rep.levels:
        lg = rep.logs.get("%s-sysheap-h%s" % (rep.board, lvl))
        if lg is None:
            continue
        for op in ("alloc", "free"):
            h = lg.merged("sysheap", "small", op)
            if h.n:
                lvl_rows.append(("level %s %s" % (lvl, op), h.max, None, None))
    plot_bars(os.path.join(rep.args.docs, "bench-hardening.svg"),
              "Worst-case instructions per call by hardening level (Cortex-M4)", lvl_rows,
              "instructions, worst case over all workloads (log scale)", log=True)

    with open(os.path.join(rep.args.docs, "benchmarks.md"), "w") as f:
        f.write("\n".join(rep.md) + "\n")

    if rep.args.readme:
        err = splice_readme(rep.args.readme, readme_summary(
            rep.args, rep.logs, rep.rows, rep.hard, rep.gran, rep.efforts, rep.trace_names, rep.main_log, rep.nano, rep.cfgs))
        if err:
            rep.problems.append("README summary not written: " + err)

    # The console summary.
    print("bench: wrote %s/benchmarks.md and its plots%s" % (
        rep.args.docs, " and the summary in %s" % rep.args.readme if rep.args.readme else ""))
    print("%-46s %8s %10s %6s %12s %8s" % ("", "target", "sys_heap", "", "newlib-nano", "newlib"))
    for r in rep.rows:
        print("%-46s %8s %10s %6s %12s %8s" % (r[0], r[1], na(r[2]), na(r[3]) if r[3] else "",
                                                 na(r[4]), na(r[5])))
    for r in rep.hard:
        print("hardening %s %-7s +%s bytes per block; alloc %s, free %s (median / worst); "
              "over level 0: alloc %s, free %s" % (
                  r["level"], r["name"], na(r["extra_bytes"]), mw(r["alloc"]), mw(r["free"]),
                  r["alloc_extra"], r["free_extra"]))
    for r in rep.cfgs:
        print("config %-45s alloc %s, free %s (median / worst); %s %% in use; flash %s / %s" % (
            r["label"], mw(r["alloc"]), mw(r["free"]),
            "n/a" if r["util"] is None else "%.1f" % r["util"], na(r["core"]), na(r["full"])))
    for r in rep.gran:
        print("%-10s in use at first failure %s %%, smallest arena %s x peak live, %s bytes per "
              "live block" % (r["label"], fmt_pct(r["util"]), ratio(r["arena"].get("realistic")),
                              "%.1f" % r["mean_block"] if r["mean_block"] is not None else "n/a"))
    for r in rep.ceil:
        print("packing ceiling round_up(n + %d, %d): %s %% in use at first failure, ceiling %s %%"
              % (r["hdr"], r["unit"], fmt_pct(r["util"]), fmt_pct(r["ceiling"])))
    for p in rep.problems:
        print("PROBLEM: " + re.sub(r"`", "", p))
    return 1 if rep.problems else 0


def full_report(args):
    rep = report_inputs(args)
    for section in (section_targets,
                    section_calibration,
                    section_per_op_tables,
                    section_efforts,
                    section_hardening_levels,
                    section_configuration_trade_offs,
                    section_header_formats,
                    section_memory_efficiency,
                    section_dma_heaps,
                    section_code_size,
                    section_per_cpu,
                    section_traces,
                    section_host,
                    section_everything):
        section(rep)
    return section_plots(rep)


if __name__ == "__main__":
    sys.exit(main())
