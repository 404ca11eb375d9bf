"""compute.py: turn parsed benchmark results into the rows and figures
the report shows: code sizes, the key numbers against their targets, the
hardening, DMA-heap, search-effort and configuration rows, the packing
ceiling."""
import os
import re
from .parse import (BOARD_CPU, HOST_NAMES, Hist, Log, callgrind_parts, config_value_names,
    elf_sums, kv, level_names, pv)
from .render import (fmt_delta, verdict)


# The targets, and numbers published for allocators we do not run
# (quoted, not measured here).
TARGETS = {
    "alloc": 110, "free": 130, "util": 90.6, "core": 1100, "full": 2000, "lean": 600,
    "alloc_median": 85, "free_median": 128, "big_ratio": 1.10,
}


PUBLISHED = {
    "alloc": "o1heap ~118, TLSF ~246",
    "free": "o1heap ~110, TLSF ~243",
    "util": "umm_malloc 93.3, newlib-nano 89.6, FreeRTOS heap_4 89.1, TLSF 85.2, o1heap 64.5",
    "core": "o1heap 608, TLSF 1087, umm_malloc 560",
    "full": "TLSF 1465, umm_malloc 972",
}


def host_table(results):
    rows = {}
    for alloc in ("sysheap", "glibc"):
        parts = callgrind_parts(os.path.join(results, "results", "host-%s.callgrind" % alloc))
        for label, costs in parts.items():
            f_ = kv(label.split())
            wl = f_.get("wl")
            for op, fn in HOST_NAMES[alloc].items():
                hit = [v for k, v in costs.items() if k == fn or k.startswith(fn + "'")]
                if hit:
                    calls = sum(h[0] for h in hit)
                    ir = sum(h[1] for h in hit)
                    rows[(alloc, wl, op)] = (calls, ir)
    return rows


def ceiling_rows(results):
    """One dict per block format the ideal packer ran (bench_ceiling): its
    header and unit bytes, room for blocks, and per seed the arena in use at
    its first failure and its peak live up to it (the ceiling), in %."""
    path = os.path.join(results, "results", "host-ceiling.log")
    if not os.path.exists(path):
        return []
    lg = Log(path)
    return [{"alloc": a, "hdr": int(p["hdr"]), "unit": int(p["unit"]),
             "capacity": int(p["capacity"]), "arena": int(p["arena"]),
             "util": lg.util_pct(a), "ceiling": lg.util_pct(a, "peak"),
             "mean_block": mean(lg.block_overhead(a))}
            for a, p in lg.packers.items()]


def lean_size(results, board):
    """.text+.rodata of the lean row's core program (mk/bench.mk's `lean`), or None."""
    if results is None:
        return None
    d = os.path.join(results, "size", BOARD_CPU.get(board, "cortex-m4"))
    s = elf_sums(os.path.join(d, "cfg-lean-core.elf.nm"), os.path.join(d, "lib-cfg-lean.nm"))
    return s[0] if s else None


def key_numbers(logs, board, level, sizes, results=None, quick_log=False):
    """The target rows: (metric, target, measured, verdict, nano, newlib, published)."""
    full_name, quick_name = ("%s-sysheap-h%s" % (board, level), "%s-sysheap-h%s-quick" % (board, level))
    main = logs.get(quick_name) if quick_log else (logs.get(full_name) or logs.get(quick_name))
    nano = logs.get("%s-newlib-nano" % board)
    full = logs.get("%s-newlib" % board)
    rows = []

    def stat(lg, alloc, op, heap="small", permille=None):
        if lg is None:
            return None
        h = lg.merged(alloc, heap, op)
        if not h.n:
            return None
        return h.max if permille is None else h.percentile(permille)[0]

    def util(lg, alloc):
        if lg is None:
            return None
        v = lg.util_pct(alloc)
        return sum(v) / len(v) if v else None

    for op in ("alloc", "free"):
        m = stat(main, "sysheap", op)
        rows.append(("worst-case %s (instructions)" % op, "≤ %d" % TARGETS[op],
                     m, None if m is None else verdict(m <= TARGETS[op]),
                     stat(nano, "newlib-nano", op), stat(full, "newlib", op), PUBLISHED[op]))
    for op in ("alloc", "free"):
        m = stat(main, "sysheap", op, permille=500)
        t = TARGETS[op + "_median"]
        rows.append(("median %s (instructions)" % op, "≤ %d" % t,
                     m, None if m is None else verdict(m <= t),
                     stat(nano, "newlib-nano", op, permille=500),
                     stat(full, "newlib", op, permille=500), ""))
    for op in ("alloc", "free"):
        small = stat(main, "sysheap", op)
        m = stat(main, "sysheap", op, heap="big")
        limit = None if small is None else int(small * TARGETS["big_ratio"])
        rows.append(("worst-case %s, big heap (instructions)" % op,
                     "≤ %s" % ("n/a" if limit is None else limit), m,
                     None if m is None or limit is None else verdict(m <= limit), None, None,
                     "within %d %% of the small heap" % round((TARGETS["big_ratio"] - 1) * 100)))
    u = util(main, "sysheap")
    rows.append(("arena in use at first failure, realistic (%)", "≥ %.1f" % TARGETS["util"],
                 None if u is None else round(u, 1),
                 None if u is None else verdict(round(u, 1) >= TARGETS["util"]),
                 None if util(nano, "newlib-nano") is None else round(util(nano, "newlib-nano"), 1),
                 None if util(full, "newlib") is None else round(util(full, "newlib"), 1),
                 PUBLISHED["util"]))
    for cfg in ("core", "full"):
        s = sizes.get(("cortex-m4", "sysheap", cfg, level))
        n = sizes.get(("cortex-m4", "nano", cfg, level))
        f_ = sizes.get(("cortex-m4", "newlib", cfg, level))
        rows.append((SIZE_METRIC[cfg], "≤ %d" % TARGETS[cfg], s[0] if s else None,
                     verdict(s[0] <= TARGETS[cfg]) if s else None,
                     n[0] if n else None, f_[0] if f_ else None, PUBLISHED[cfg]))
    lean = lean_size(results, board)
    if lean is not None:
        rows.append((SIZE_METRIC["lean"], "≤ %d" % TARGETS["lean"], lean,
                     verdict(lean <= TARGETS["lean"]), None, None, ""))
    return rows


SIZE_METRIC = {
    "core": "flash, core: init, alloc, free (.text+.rodata, bytes)",
    "full": "flash, + realloc, aligned alloc, stats, usable_size (bytes)",
    "lean": "flash, core, lean: hardening 0, small headers (bytes)",
}


def mean(vals):
    return sum(vals) / len(vals) if vals else None


def over(lg, alloc):
    """The O line of an allocator on the utilisation arena."""
    if lg is None:
        return None
    return lg.over.get((alloc, int(lg.cfg.get("util", 36864))))


def ratio(pair):
    """Smallest arena over peak live, from an M line's (peak, arena)."""
    return "%.3f" % (pair[1] / pair[0]) if pair and pair[0] and pair[1] else "n/a"


def hardening_rows(logs, board, levels):
    """One dict per level: names, the per-block bytes the firmware was
    compiled with and measured, and the alloc/free median and worst case
    over the small-heap timing workloads, with their increase over level 0."""
    names = level_names()
    base = logs.get("%s-sysheap-h0" % board)
    base_h = {op: base.merged("sysheap", "small", op) for op in ("alloc", "free")} if base else {}
    base_o = over(base, "sysheap")
    rows = []
    for lvl in levels:
        lg = logs.get("%s-sysheap-h%s" % (board, lvl))
        if lg is None:
            continue
        o = over(lg, "sysheap")
        r = {"level": lvl, "name": names.get(lvl, "?"), "log": lg, "ok": lg.ok,
             "prefix": lg.cfg.get("block_prefix"), "tail": lg.cfg.get("block_tail"),
             "per_block": int(o["per_block"]) if o else None,
             "min_block": int(o["min_block"]) if o else None,
             "header": int(base_o["per_block"]) if base_o else None,
             "mean_block": mean(lg.block_overhead("sysheap")),
             "util": mean(lg.util_pct("sysheap")),
             "run": "%s rounds, %d KiB heap" % (lg.cfg.get("rounds", "?"),
                                                int(lg.cfg.get("small", 0)) // 1024)}
        for op in ("alloc", "free"):
            h = lg.merged("sysheap", "small", op)
            r[op] = h
            b = base_h.get(op)
            if h.n and b is not None and b.n:
                r[op + "_extra"] = "%s / %s" % (fmt_delta(pv(h, 500), pv(b, 500)),
                                                fmt_delta(pv(h, 1000), pv(b, 1000)))
            else:
                r[op + "_extra"] = "n/a"
        if r["prefix"] is not None and r["tail"] is not None:
            r["extra_bytes"] = int(r["prefix"]) + int(r["tail"])
        else:
            r["extra_bytes"] = None
        rows.append(r)
    return rows


def granular_rows(lg, trace_names):
    """The ordinary heap and each granular (DMA) heap of the default-level
    firmware: memory at the first failure, smallest arenas, per-block
    bytes and the realistic workload's timings."""
    rows = []
    if lg is None:
        return rows
    allocs = ["sysheap"] + sorted({a for a in lg.util if re.match(r"sysheap-g\d+$", a)},
                                  key=lambda a: int(a[len("sysheap-g"):]))
    for alloc in allocs:
        g = re.match(r"sysheap-g(\d+)$", alloc)
        o = over(lg, alloc)
        r = {"alloc": alloc, "granule": int(g.group(1)) if g else None,
             "label": ("granule %s" % g.group(1)) if g else "ordinary",
             "util": lg.util_pct(alloc), "mean_block": mean(lg.block_overhead(alloc)),
             "per_block": o["per_block"] if o else "n/a", "min_block": o["min_block"] if o else "n/a",
             "fixed": int(o["arena"]) - int(o["max_single"]) if o else "n/a",
             "arena": {wl: lg.arena.get((alloc, wl))
                       for wl in ["realistic"] + ["trace:" + t for t in trace_names]},
             "alloc_h": lg.merged(alloc, "small", "alloc", ["realistic"]),
             "free_h": lg.merged(alloc, "small", "free", ["realistic"])}
        rows.append(r)
    return rows


def effort_rows(lg, trace_names):
    rows = []
    for name in ("sysheap-fast", "sysheap-default", "sysheap-fit"):
        if lg is None:
            break
        h = lg.merged(name, "small", "alloc")
        hr = lg.merged(name, "small", "alloc", ["realistic"])
        rows.append({"name": name.replace("sysheap-", "").upper(), "all": h, "realistic": hr,
                     "util": lg.util_pct(name),
                     "arena": [ratio(lg.arena.get((name, wl)))
                               for wl in ["realistic"] + ["trace:" + t for t in trace_names]]})
    return rows


# The options a configuration row may change, as the firmware's CFG line
# names them, and their macros in include/sys_heap_config.h.
CFG_OPTIONS = [("header_format", "SYS_HEAP_HEADER_FORMAT"), ("alloc_loops", "SYS_HEAP_ALLOC_LOOPS"),
               ("stats", "SYS_HEAP_STATS"), ("hardening", "SYS_HEAP_HARDENING"),
               ("fit_loops", "SYS_HEAP_FIT_LOOPS"), ("optimize_speed", "SYS_HEAP_OPTIMIZE_SPEED"),
               ("alloc_best_fit", "SYS_HEAP_ALLOC_BEST_FIT")]


def header_format_names():
    """{value: NAME} of the header formats (SYS_HEAP_HEADER_<NAME>)."""
    return config_value_names("SYS_HEAP_HEADER_", "AUTO|SMALL|BIG")


def cfg_setting(key, value):
    """An option's value as the firmware printed it; the header format by
    its name (SYS_HEAP_HEADER_<NAME>)."""
    if key == "header_format":
        return header_format_names().get(value, value)
    return value


def config_rows(logs, board, names, results):
    """One dict per configuration row (mk/bench.mk's BENCH_CFG_ROWS, in that
    order): its firmware's settings and numbers and its code size. The
    first row is the reference the others are labelled and compared
    against."""
    cpu = BOARD_CPU.get(board, "cortex-m4")
    rows = []
    for name in names:
        lg = logs.get("%s-sysheap-cfg-%s" % (board, name))
        d = os.path.join(results, "size", cpu)
        lib_nm = os.path.join(d, "lib-cfg-%s.nm" % name)
        size = {g: elf_sums(os.path.join(d, "cfg-%s-%s.elf.nm" % (name, g)), lib_nm)
                for g in ("core", "full")}
        o = over(lg, "sysheap")
        r = {"name": name, "log": lg, "ok": lg is not None and lg.ok,
             "cfg": lg.cfg if lg else {},
             "alloc": lg.merged("sysheap", "small", "alloc") if lg else Hist(),
             "free": lg.merged("sysheap", "small", "free") if lg else Hist(),
             "util": mean(lg.util_pct("sysheap")) if lg else None,
             "seeds": lg.cfg.get("seeds") if lg else None,
             "per_block": int(o["per_block"]) if o else None,
             "max_single": int(o["max_single"]) if o else None,
             "fixed": int(o["arena"]) - int(o["max_single"]) if o else None,
             "core": size["core"][0] if size["core"] else None,
             "full": size["full"][0] if size["full"] else None}
        rows.append(r)
    base = rows[0] if rows else None
    for r in rows:
        if r is base:
            r["changed"] = []
        else:
            r["changed"] = ["%s=%s" % (macro, cfg_setting(key, r["cfg"].get(key, "?")))
                            for key, macro in CFG_OPTIONS
                            if r["cfg"].get(key) != base["cfg"].get(key)]
        r["label"] = "default" if r is base else (", ".join(r["changed"]) or
                                                  "%s (no option differs from default)" % r["name"])
    return rows


def default_settings(base):
    """The reference row's options, as macros."""
    return ", ".join("%s=%s" % (macro, cfg_setting(key, base["cfg"].get(key, "?")))
                     for key, macro in CFG_OPTIONS[:4])


def smallest_note(cfgs):
    """The row with the least flash (full), as a clause."""
    sized = [r for r in cfgs if r["full"] is not None]
    if not sized:
        return ""
    r = min(sized, key=lambda x: x["full"])
    return ". The smallest code is that of %s" % r["label"]
