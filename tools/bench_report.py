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
"""
import argparse
import glob
import math
import os
import re
import subprocess
import sys
import textwrap

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import tracetool  # noqa: E402

OPS = ["alloc", "free", "aligned_alloc", "realloc"]
ADVERSARIAL = ["holes", "near_miss", "split_merge", "realloc", "aligned"]
WORKLOADS = ["realistic"] + ADVERSARIAL
CPU_NAMES = {"cortex-m0": "M0", "cortex-m3": "M3", "cortex-m4": "M4", "cortex-m33": "M33"}
BOARD_CPU = {"microbit": "cortex-m0", "mps2-an385": "cortex-m3", "mps2-an386": "cortex-m4",
             "mps2-an505": "cortex-m33"}

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


# ---------------------------------------------------------------------------
# Parsing

def kv(tokens):
    out = {}
    for t in tokens:
        if "=" in t:
            k, v = t.split("=", 1)
            out[k] = v
    return out


class Hist:
    def __init__(self, n=0, mn=None, mx=0, total=0, bins=None):
        self.n, self.min, self.max, self.sum = n, mn, mx, total
        self.bins = bins or {}  # value -> count; approximate bins are (value, True)

    @staticmethod
    def parse(fields):
        bins = {}
        text = fields.get("bins", "")
        for item in filter(None, text.split(",")):
            v, c = item.split(":")
            approx = v.startswith("~")
            v = int(v.lstrip("~"))
            bins[(v, approx)] = bins.get((v, approx), 0) + int(c)
        n = int(fields["n"])
        return Hist(n, int(fields["min"]) if n else None, int(fields["max"]), int(fields["sum"]), bins)

    def merge(self, other):
        out = Hist(self.n + other.n,
                   min(x for x in (self.min, other.min) if x is not None)
                   if (self.min is not None or other.min is not None) else None,
                   max(self.max, other.max), self.sum + other.sum, dict(self.bins))
        for k, c in other.bins.items():
            out.bins[k] = out.bins.get(k, 0) + c
        return out

    def percentile(self, permille):
        """Nearest rank, as the firmware computes it. Returns (value, approx)."""
        if self.n == 0:
            return (0, False)
        rank = max(1, (self.n * permille + 999) // 1000)
        seen = 0
        for (v, approx) in sorted(self.bins):
            seen += self.bins[(v, approx)]
            if seen >= rank:
                return (min(v, self.max), approx)
        return (self.max, False)

    def p(self, permille):
        v, approx = self.percentile(permille)
        return ("~%d" % v) if approx else "%d" % v

    def mean(self):
        return self.sum / self.n if self.n else 0.0

    def cdf(self):
        pts, seen = [], 0
        for (v, _a) in sorted(self.bins):
            seen += self.bins[(v, _a)]
            pts.append((v, seen / self.n))
        return pts


class Log:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-4]
        self.cal, self.cfg = {}, {}
        self.hist, self.runs, self.util, self.arena = {}, {}, {}, {}
        self.over, self.traces, self.errors = {}, {}, []
        self.packers = {}
        self.end, self.runfail, self.fault = None, None, None
        with open(path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                t = line.split()
                if not t:
                    continue
                tag, f_ = t[0], kv(t[1:])
                if tag == "CAL":
                    self.cal = f_
                elif tag == "CFG":
                    self.cfg = f_
                elif tag == "H":
                    key = (f_["alloc"], f_["heap"], f_["wl"], f_["op"])
                    self.hist[key] = Hist.parse(f_)
                elif tag == "W":
                    self.runs[(f_["alloc"], f_["heap"], f_["wl"])] = f_
                elif tag == "U":
                    self.util.setdefault(f_["alloc"], []).append(f_)
                elif tag == "M":
                    self.arena[(f_["alloc"], f_["wl"])] = (int(f_["peak"]), int(f_["arena"]))
                elif tag == "O":
                    self.over[(f_["alloc"], int(f_["arena"]))] = f_
                elif tag == "T":
                    self.traces[(f_["alloc"], f_["trace"])] = f_
                elif tag == "P":
                    self.packers[f_["alloc"]] = f_
                elif tag == "ERROR":
                    self.errors.append(line)
                elif tag == "END":
                    self.end = int(f_.get("status", "1"))
                elif tag == "RUNFAIL":
                    self.runfail = int(f_.get("status", "1"))
                elif line.startswith("fatal:"):
                    self.fault = line.strip()

    @property
    def ok(self):
        return self.end == 0 and self.runfail is None

    def corrupt(self, alloc, heap, wl):
        r = self.runs.get((alloc, heap, wl))
        return r is not None and r.get("corrupt") == "1"

    def merged(self, alloc, heap, op, workloads=None):
        """Histogram of one op over workloads (all timing workloads by
        default), skipping runs that reported corruption."""
        out = Hist()
        for (a, h, wl, o), hist in self.hist.items():
            if a != alloc or h != heap or o != op or wl.startswith("trace:"):
                continue
            if workloads is not None and wl not in workloads:
                continue
            if self.corrupt(a, h, wl):
                continue
            out = out.merge(hist)
        return out

    def util_pct(self, alloc, field="live"):
        """Per seed, requested bytes live at the first failure (or, with
        field="peak", at most up to it) as % of the arena."""
        rows = self.util.get(alloc, [])
        vals = [100.0 * int(r[field]) / int(r["arena"]) for r in rows if int(r["live"]) > 0]
        return vals

    def block_overhead(self, alloc):
        """Per seed, at the first failed allocation of the fill run: bytes
        the live blocks took (the allocator's own statistics) minus the
        bytes requested, per live block. Empty when the allocator could not
        say (footprint=0) or the log predates the field."""
        vals = []
        for r in self.util.get(alloc, []):
            foot, live, blocks = int(r.get("footprint", 0)), int(r["live"]), int(r.get("blocks", 0))
            if foot > 0 and live > 0 and blocks > 0:
                vals.append((foot - live) / blocks)
        return vals


def load_logs(results):
    logs = {}
    for p in sorted(glob.glob(os.path.join(results, "results", "*.log"))):
        if os.path.basename(p).startswith("host-"):
            continue
        lg = Log(p)
        logs[lg.name] = lg
    return logs


# ---------------------------------------------------------------------------
# Code size

def lib_symbols(path):
    names = set()
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                names.add((parts[-1], parts[-2]))
    return names


STRING_FUNCS = {"memcpy", "memmove", "memset", "__aeabi_memcpy", "__aeabi_memset", "strlen",
                "__aeabi_memclr", "__aeabi_memmove"}
OWN = {"bench_size_entry", "_sbrk", "bench_size_sink", "_write", "_read", "_close", "_lseek",
       "_fstat", "_isatty"}


def elf_sums(nm_path, lib_nm=None):
    """(flash, rodata, data, memcpy) of the library's symbols (lib_nm given) or
    of everything but the program's own and the string functions. flash is
    .text + .rodata, the figure the issue compares allocators by."""
    if not os.path.exists(nm_path):
        return None
    lib = None
    if lib_nm is not None:
        if not os.path.exists(lib_nm):
            return None
        lib = {n for (n, _t) in lib_symbols(lib_nm)}
    text = rodata = data = memcpy = 0
    with open(nm_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4:
                continue
            size, typ, name = int(parts[1], 16), parts[2], parts[3]
            if name in STRING_FUNCS and typ in "tTwW":
                memcpy += size
                continue
            if lib is not None and name not in lib:
                continue
            if lib is None and (name in OWN or name.startswith("$")):
                continue
            if typ in "tTwW":
                text += size
            elif typ in "rR":
                rodata += size
            elif typ in "dDbBsS":
                data += size
    return text + rodata, rodata, data, memcpy


def code_sizes(results, levels, default_level):
    out = {}
    for cpu in CPU_NAMES:
        d = os.path.join(results, "size", cpu)
        for lvl in levels:
            lib_nm = os.path.join(d, "lib-h%s.nm" % lvl)
            for cfg in ("core", "full"):
                out[(cpu, "sysheap", cfg, lvl)] = elf_sums(
                    os.path.join(d, "sysheap-%s-h%s.elf.nm" % (cfg, lvl)), lib_nm)
        for base in ("nano", "newlib"):
            for cfg in ("core", "full"):
                out[(cpu, base, cfg, default_level)] = elf_sums(
                    os.path.join(d, "%s-%s-h%s.elf.nm" % (base, cfg, default_level)))
    return out


# ---------------------------------------------------------------------------
# Host (callgrind)

def callgrind_parts(prefix):
    """{label: {callee: (calls, inclusive Ir)}} for calls made by bench_call."""
    parts = {}
    for path in sorted(glob.glob(prefix + ".*")):
        if not re.search(r"\.\d+$", path):
            continue
        label, cur_fn, callee, pending = None, None, None, False
        costs = {}
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("desc: Trigger: Client Request: "):
                    label = line[len("desc: Trigger: Client Request: "):]
                elif line.startswith("fn="):
                    cur_fn = line[3:]
                elif line.startswith("cfn="):
                    callee = line[4:]
                elif line.startswith("calls="):
                    calls = int(line.split()[0][6:])
                    pending = cur_fn is not None and cur_fn.startswith("bench_call")
                    if pending:
                        c = costs.setdefault(callee, [0, 0])
                        c[0] += calls
                elif pending and line and line[0] in "0123456789+-*":
                    c = costs[callee]
                    c[1] += int(line.split()[1])
                    pending = False
        if label:
            parts[label] = costs
    return parts


HOST_NAMES = {
    "sysheap": {"alloc": "sys_heap_alloc", "free": "sys_heap_free",
                "aligned_alloc": "sys_heap_aligned_alloc", "realloc": "sys_heap_realloc"},
    "glibc": {"alloc": "malloc", "free": "free", "aligned_alloc": "memalign", "realloc": "realloc"},
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


def host_replay(results):
    out = {}
    path = os.path.join(results, "results", "host-replay.log")
    if not os.path.exists(path):
        return out
    effort = "plain"
    with open(path) as f:
        for line in f:
            if line.startswith("effort "):
                effort = line.split()[1]
            m = re.match(r"min-arena (\S+): (\d+) bytes \(([\d.]+)x peak live (\d+)\)", line)
            if m:
                out[(effort, m.group(1))] = (int(m.group(2)), int(m.group(4)))
            m = re.match(r"replay (\S+): .* (FAIL)?", line)
    return out


def header_define(header, name):
    """The number of `#define <name> <n>` (a `u` suffix allowed) in
    include/<header>, or None."""
    try:
        with open(os.path.join(REPO, "include", header)) as f:
            for line in f:
                m = re.match(r"#define\s+%s\s+(\d+)u?\b" % re.escape(name), line)
                if m:
                    return int(m.group(1))
    except OSError:
        pass
    return None


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


def format_ceiling(rows, o):
    """The row of sys_heap's own block format: its measured header bytes
    (the O line) in chunk units."""
    unit = header_define("sys_heap_layout.h", "SYS_HEAP_CHUNK_UNIT")
    for r in rows:
        if o is not None and r["hdr"] == int(o["per_block"]) and r["unit"] == unit:
            return r
    return None


# ---------------------------------------------------------------------------
# SVG

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Svg:
    def __init__(self, w, h):
        self.w, self.h, self.items = w, h, []

    def add(self, s):
        self.items.append(s)

    def text(self, x, y, s, size=12, anchor="start", weight="normal", color="#222", rotate=None):
        tr = ' transform="rotate(%d %.1f %.1f)"' % (rotate, x, y) if rotate else ""
        self.add('<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" font-weight="%s" '
                 'fill="%s"%s>%s</text>' % (x, y, size, anchor, weight, color, tr, esc(s)))

    def line(self, x1, y1, x2, y2, color="#222", width=1, dash=None):
        d = ' stroke-dasharray="%s"' % dash if dash else ""
        self.add('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%s"%s/>'
                 % (x1, y1, x2, y2, color, width, d))

    def rect(self, x, y, w, h, color, stroke="none", opacity=1.0):
        self.add('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s" '
                 'fill-opacity="%.2f"/>' % (x, y, max(w, 0), max(h, 0), color, stroke, opacity))

    def path(self, pts, color, width=2):
        d = " ".join(("M" if i == 0 else "L") + "%.1f %.1f" % p for i, p in enumerate(pts))
        self.add('<path d="%s" fill="none" stroke="%s" stroke-width="%s"/>' % (d, color, width))

    def save(self, path):
        with open(path, "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                    'viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">\n'
                    % (self.w, self.h, self.w, self.h))
            f.write('<rect width="100%" height="100%" fill="white"/>\n')
            f.write("\n".join(self.items))
            f.write("\n</svg>\n")


def log_ticks(lo, hi):
    ticks, d = [], 1
    while d <= hi * 10:
        for m in (1, 2, 5):
            v = d * m
            if lo <= v <= hi:
                ticks.append(v)
        d *= 10
    return ticks


def nice_step(span, target=8):
    raw = span / target
    mag = 10 ** int(math.floor(math.log10(raw))) if raw > 0 else 1
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def plot_ccdf(path, title, series, xlabel):
    """series: [(label, Hist)]. Tail plot: the share of calls that took at
    least x instructions, both axes logarithmic, so p99 and the worst case
    are as visible as the median."""
    series = [(lbl, h) for lbl, h in series if h.n]
    if not series:
        return False
    W, H, L, R, T, B = 780, 430, 70, 210, 40, 55
    svg = Svg(W, H)
    lo = max(1, min(h.min for _l, h in series))
    hi = max(h.max for _l, h in series)
    lo10, hi10 = math.log10(lo) - 0.05, math.log10(hi) + 0.05
    ymin = min(1.0 / h.n for _l, h in series)
    y10 = math.floor(math.log10(ymin))
    px = lambda v: L + (math.log10(max(v, 1)) - lo10) / (hi10 - lo10) * (W - L - R)  # noqa: E731
    py = lambda q: T + (0 - math.log10(q)) / (0 - y10) * (H - T - B)  # noqa: E731
    svg.text((L + W - R) / 2, 24, title, 15, "middle", "bold")
    for e in range(0, y10 - 1, -1):
        q = 10.0 ** e
        svg.line(L, py(q), W - R, py(q), "#ddd")
        svg.text(L - 6, py(q) + 4, ("%g%%" % (q * 100)), 11, "end")
    for v in log_ticks(lo, hi):
        svg.line(px(v), T, px(v), H - B, "#eee")
        svg.text(px(v), H - B + 16, str(v), 11, "middle")
    svg.line(L, H - B, W - R, H - B)
    svg.line(L, T, L, H - B)
    svg.text((L + W - R) / 2, H - 14, xlabel, 12, "middle")
    svg.text(16, (T + H - B) / 2, "share of calls taking at least x", 12, "middle", rotate=-90)
    for i, (lbl, h) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        values = sorted(h.bins.items())
        remaining = h.n
        pts = []
        prev_q = None
        for (v, _approx), c in values:
            q = remaining / h.n
            if prev_q is not None:
                pts.append((px(v), py(prev_q)))
            pts.append((px(v), py(q)))
            prev_q = q
            remaining -= c
        svg.path(pts, color)
        last = pts[-1]
        svg.add('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (last[0], last[1], color))
        y = T + 18 + i * 20
        svg.line(W - R + 12, y - 4, W - R + 32, y - 4, color, 3)
        svg.text(W - R + 38, y, "%s: median %s, max %d" % (lbl, h.p(500), h.max), 11)
    svg.save(path)
    return True


def plot_bars(path, title, rows, unit, target=None, target_label=None, xmax=None, log=False):
    """rows: [(label, value, lo, hi)] horizontal bars with optional range
    whiskers; log=True for values spanning decades."""
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return False
    W, L, R, T, B = 780, 190, 60, 40, 45
    H = T + B + 34 * len(rows)
    svg = Svg(W, H)
    vmax = xmax or max(max(r[1], r[3] or 0) for r in rows) * 1.1
    if log:
        vmin = 10 ** math.floor(math.log10(max(1, min(r[1] for r in rows))))
        px = lambda v: L + (math.log10(max(v, vmin)) - math.log10(vmin)) / \
            (math.log10(vmax) - math.log10(vmin)) * (W - L - R)  # noqa: E731
        ticks = log_ticks(vmin, vmax)
    else:
        px = lambda v: L + v / vmax * (W - L - R)  # noqa: E731
        step = nice_step(vmax)
        ticks = [k * step for k in range(int(vmax / step) + 1)]
    svg.text(W / 2, 24, title, 15, "middle", "bold")
    for v in ticks:
        svg.line(px(v), T, px(v), H - B, "#eee")
        svg.text(px(v), H - B + 16, ("%g" % v), 11, "middle")
    for i, (lbl, val, lo, hi) in enumerate(rows):
        y = T + 8 + i * 34
        svg.rect(L, y, px(val) - L, 20, PALETTE[i % len(PALETTE)], opacity=0.85)
        svg.text(L - 8, y + 15, lbl, 12, "end")
        if lo is not None and hi is not None:
            svg.line(px(lo), y + 10, px(hi), y + 10, "#111", 1.5)
            svg.line(px(lo), y + 4, px(lo), y + 16, "#111", 1.5)
            svg.line(px(hi), y + 4, px(hi), y + 16, "#111", 1.5)
        svg.text(px(max(val, hi or 0)) + 6, y + 15,
                 ("%.1f" % val) if isinstance(val, float) else str(val), 11)
    if target is not None:
        svg.line(px(target), T, px(target), H - B, "#d62728", 1.5, "5,4")
        svg.text(px(target), T - 4, target_label or "target", 11, "middle", color="#d62728")
    svg.line(L, H - B, W - R, H - B)
    svg.text((L + W - R) / 2, H - 12, unit, 12, "middle")
    svg.save(path)
    return True


# ---------------------------------------------------------------------------
# Markdown helpers

def table(head, rows, align=None):
    out = ["| " + " | ".join(head) + " |"]
    align = align or (["---"] + ["---:"] * (len(head) - 1))
    out.append("| " + " | ".join(align) + " |")
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def fmt_pct(vals):
    if not vals:
        return "n/a"
    return "%.1f" % (sum(vals) / len(vals))


def fmt_range(vals):
    if not vals:
        return ""
    return "%.1f–%.1f" % (min(vals), max(vals))


def verdict(ok):
    return "PASS" if ok else "MISS"


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
        return out.splitlines()[0].strip() if out else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# ---------------------------------------------------------------------------

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


# What the targets table says after its misses: the measured trade-offs and
# the next step for each (issue 12).
NEXT_STEPS = (
    "Where the default stands: one copy of alloc and free serves both header formats, and "
    "SYS_HEAP_OPTIMIZE_SPEED=1 keeps the per-format copies (the configuration table has both). "
    "The single copy tests the header width at field accesses, so the format costs about a "
    "third of the default's flash (compare SYS_HEAP_HEADER_FORMAT=SMALL) and 20-40 "
    "instructions per call. In the default now: the sampling loop once per format, one "
    "inlined unlink in alloc, and free's merge inside the one verifier, fed from registers. "
    "Measured and left out (median / worst): the list append inlined into alloc (-5 / -5 for "
    "132 bytes of core), the unlinks inlined into free (-9 / -5 for 266), alloc alone per "
    "format (-5 / -7 for 114), the verifier without GCC's per-format jump threading (-110 "
    "bytes, free +36), the field width as a shift (alloc 164 / 216, free 248 / 325). Next "
    "steps: (1) free at BASIC is the check (about 90 instructions: 12 header and link reads, "
    "each compared) plus the merge; without it the lean row frees in 105 at worst, so 130 "
    "needs the safe-unlink checks folded into the unlinks themselves; (2) a smaller heap_init "
    "(one layout pass, fewer descriptor fields), about a quarter of the core's flash; (3) for "
    "the lean target, a build without the sampling loop's policy parameters and statistics."
)


SIZE_METRIC = {
    "core": "flash, core: init, alloc, free (.text+.rodata, bytes)",
    "full": "flash, + realloc, aligned alloc, stats, usable_size (bytes)",
    "lean": "flash, core, lean: hardening 0, small headers (bytes)",
}


def na(v):
    return "n/a" if v is None else v


def mean(vals):
    return sum(vals) / len(vals) if vals else None


REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def config_value_names(prefix, name_pattern):
    """{value: NAME} from the `#define <prefix><NAME> <n>` lines of
    include/sys_heap_config.h."""
    names = {}
    try:
        with open(os.path.join(REPO, "include", "sys_heap_config.h")) as f:
            for line in f:
                m = re.match(r"#define\s+%s(%s)\s+(\d+)\b" % (prefix, name_pattern), line)
                if m:
                    names[m.group(2)] = m.group(1)
    except OSError:
        pass
    return names


def level_names():
    """{level: NAME} of the hardening levels (the same lines mk/bench.mk
    reads the levels from)."""
    return config_value_names("SYS_HEAP_HARDENING_", "[A-Z_]+")


def pv(h, permille):
    """(value, approx) of a percentile; 1000 is the exact max."""
    if permille >= 1000:
        return (h.max, False)
    return h.percentile(permille)


def fmt_v(v):
    return ("~%d" if v[1] else "%d") % v[0]


def fmt_delta(a, b):
    d = "%+d" % (a[0] - b[0])
    return "~" + d if (a[1] or b[1]) else d


def mw(h):
    """"median / worst" of a histogram."""
    return "%s / %d" % (h.p(500), h.max) if h.n else "n/a"


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


def hardening_table(rows, readme=False):
    out = []
    for r in rows:
        extra = ("%d (%s + %s)" % (r["extra_bytes"], r["prefix"], r["tail"])
                 if r["extra_bytes"] is not None else "n/a")
        cells = ["%s%s" % (r["level"], "" if r["ok"] else " (run failed)"), r["name"], extra,
                 na(r["per_block"])]
        if not readme:
            cells.append("%.1f" % r["mean_block"] if r["mean_block"] is not None else "n/a")
        cells += [mw(r["alloc"]), mw(r["free"]), r["alloc_extra"], r["free_extra"]]
        if not readme:
            cells.append(r["run"])
        out.append(cells)
    head = ["level", "name", "extra bytes per block (prefix + tail)",
            "bytes per block, measured (header + prefix + tail)"]
    if not readme:
        head.append("mean bytes per live block, realistic")
    head += ["alloc median / worst", "free median / worst", "alloc extra over level 0",
             "free extra over level 0"]
    if not readme:
        head.append("timing run")
    align = ["---", "---"] + ["---:"] * (len(head) - 2 - (0 if readme else 1)) + \
        ([] if readme else ["---"])
    return table(head, out, align)


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


def with_delta(v, b, fmt="%d", dfmt="%+d"):
    """A row's value, with its difference from the reference row's."""
    if v is None:
        return "n/a"
    if b is None:
        return fmt % v
    return (fmt + " (" + dfmt + ")") % (v, v - b)


def config_table(rows, readme=False):
    """The trade-off table: the first row absolute, the others with their
    difference from it in brackets (docs), or plain (README)."""
    base = rows[0] if rows else None
    out = []
    for r in rows:
        ref = base if (r is not base and not readme) else None

        def hv(key, permille, _r=r, _ref=ref):
            h = _r[key]
            if not h.n:
                return "n/a"
            v = pv(h, permille)
            if _ref is None or not _ref[key].n:
                return fmt_v(v)
            return "%s (%s)" % (fmt_v(v), fmt_delta(v, pv(_ref[key], permille)))

        def num(key, fmt="%d", dfmt="%+d", _r=r, _ref=ref):
            return with_delta(_r[key], _ref[key] if _ref else None, fmt, dfmt)

        label = r["label"] + ("" if r["ok"] else " (run failed)")
        if readme:
            out.append([label, hv("alloc", 1000), hv("free", 1000), num("core"), num("full")])
        else:
            out.append([label, hv("alloc", 500), hv("alloc", 1000), hv("free", 500),
                        hv("free", 1000), num("util", "%.1f", "%+.1f"), num("per_block"),
                        num("fixed"), num("core"), num("full")])
    if readme:
        return table(["configuration", "alloc worst", "free worst", "flash core", "flash full"], out,
                     ["---"] + ["---:"] * 4)
    return table(["configuration", "alloc median", "alloc worst", "free median", "free worst",
                  "in use at first failure (%)", "bytes per block", "fixed overhead of a 36 KiB heap",
                  "flash core", "flash full"], out, ["---"] + ["---:"] * 9)


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
                   "nothing either" % r["label"])
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


README_BEGIN = "<!-- bench-summary:begin -->"
README_END = "<!-- bench-summary:end -->"


def readme_markers(text):
    """Error message, or None when the markers are there once each, in order."""
    b, e = text.count(README_BEGIN), text.count(README_END)
    if b != 1 or e != 1:
        return "expected one %s and one %s line, found %d and %d" % (README_BEGIN, README_END, b, e)
    if text.index(README_BEGIN) > text.index(README_END):
        return "%s comes after %s" % (README_END, README_BEGIN)
    return None


def splice_readme(path, lines):
    """Replace what is between the markers; the markers stay. Returns an
    error message, or None."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        return "cannot read %s: %s" % (path, e)
    err = readme_markers(text)
    if err:
        return "%s: %s" % (path, err)
    head = text[:text.index(README_BEGIN) + len(README_BEGIN)]
    tail = text[text.index(README_END):]
    new = head + "\n" + "\n".join(lines).strip("\n") + "\n" + tail
    if new != text:
        with open(path, "w") as f:
            f.write(new)
    return None


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


def wrap_md(lines, width=78):
    """Wrap prose and bullets as the rest of the README is; tables, comments
    and headings stay as they are."""
    out = []
    for line in lines:
        if not line or line.startswith(("|", "<!--", "#")) or len(line) <= width:
            out.append(line)
            continue
        bullet = line.startswith("- ")
        out += textwrap.wrap(line, width, subsequent_indent="  " if bullet else "",
                             break_long_words=False, break_on_hyphens=False)
    return out


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


def full_report(args):
    logs = load_logs(args.results)
    board, level = args.board, args.default_level
    levels = args.levels.split() or sorted(
        {re.match(r".*-sysheap-h(\d+)$", n).group(1) for n in logs
         if re.match(r"%s-sysheap-h\d+$" % re.escape(board), n)}, key=int)
    if level not in levels:
        levels.append(level)
    sizes = code_sizes(args.results, levels, level)
    main_log = logs.get("%s-sysheap-h%s" % (board, level))
    nano = logs.get("%s-newlib-nano" % board)
    full = logs.get("%s-newlib" % board)
    traces = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                           "bench", "traces", "*.trace")))
    trace_info = {}
    for p in traces:
        ops, comments, cs = tracetool.parse(p)
        name = os.path.basename(p)[:-6]
        src = [c[len("# source: "):] for c in comments if c.startswith("# source: ")]
        trace_info[name] = (tracetool.stats(ops), src[0] if src else "")
    os.makedirs(args.docs, exist_ok=True)
    md = []
    problems = []
    expected = ["%s-sysheap-h%s" % (board, lvl) for lvl in levels] + \
        ["%s-newlib-nano" % board, "%s-newlib" % board] + \
        ["%s-%s" % (b, v) for b in ("microbit", "mps2-an385", "mps2-an505")
         for v in ("sysheap-h%s-quick" % level, "newlib-nano-quick")] + \
        ["%s-sysheap-cfg-%s" % (board, c) for c in args.configs.split()]
    for name in expected:
        if name not in logs:
            problems.append("`%s`: no result: its firmware did not build or did not run "
                            "(see the make output)." % name)
    ceil = ceiling_rows(args.results)
    main_over = over(main_log, "sysheap")
    own_ceil = format_ceiling(ceil, main_over)
    if own_ceil is None:
        problems.append("`host-ceiling`: no packing ceiling for sys_heap's block format: "
                        "bench_ceiling did not run or the headline firmware has no O line "
                        "(see the make output).")
    for name, lg in sorted(logs.items()):
        if not lg.ok:
            problems.append("`%s`: the run did not finish (%s%s). Results after the fault are "
                            "missing; its other numbers are shown." % (
                                name, lg.fault or "exit status %s" % lg.runfail,
                                "; " + "; ".join(lg.errors) if lg.errors else ""))
        else:
            for e in lg.errors:
                problems.append("`%s`: %s" % (name, e))
        for (a, h, wl), r in sorted(lg.runs.items()):
            if r.get("corrupt") == "1":
                problems.append("`%s`: %s on the %s heap, workload %s: a block's marker bytes or "
                                "the heap's structure were wrong (its timings are left out)."
                                % (name, a, h, wl))

    w = md.append
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
      "(SYS_HEAP_HARDENING=%s)." % (tool_version(["arm-none-eabi-gcc", "--version"]), level))
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
    if problems:
        w("## Problems found by this run")
        w("")
        for p in problems:
            w("- " + p)
        w("")

    # ---- targets
    w("## Targets (Cortex-M4, mps2-an386)")
    w("")
    w("The measured column is libsysheap; worst cases are over the realistic workload and every "
      "adversarial workload. PASS/MISS is information, not a test. Published figures are quoted "
      "from their authors' or the issue's measurements and were **not** run here.")
    w("")
    rows = key_numbers(logs, board, level, sizes, args.results)
    w(table(["metric", "target", "sys_heap", "", "newlib-nano", "newlib", "published (not measured here)"],
            [[r[0], r[1], na(r[2]), na(r[3]), na(r[4]), na(r[5]), r[6]] for r in rows],
            ["---", "---:", "---:", "---", "---:", "---:", "---"]))
    w("")
    if own_ceil is not None:
        w("Ceiling of the arena in use at first failure for %d-byte headers in %d-byte units on "
          "this workload, measured on an ideal packer that never fragments (*Packing ceiling* "
          "in *Memory efficiency*): %s %%." % (own_ceil["hdr"], own_ceil["unit"],
                                              fmt_pct(own_ceil["ceiling"])))
        w("")

    misses = []
    for r in rows:
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

    # ---- calibration
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
    for name, lg in sorted(logs.items()):
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

    # ---- per-op tables
    w("## Time per operation (Cortex-M4, small heap)")
    w("")
    w("Instructions per call, all timing workloads together. The plots show the whole "
      "distributions as tails: for each x, the share of calls that took at least x "
      "instructions (log-log), ending in a dot at the worst case.")
    w("")
    trows = []
    for lg, alloc in ((main_log, "sysheap"), (nano, "newlib-nano"), (full, "newlib")):
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
        for lg, alloc in ((main_log, "sysheap"), (nano, "newlib-nano"), (full, "newlib")):
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

    # ---- efforts
    w("## Search effort (sys_heap_alloc_effort)")
    w("")
    w("`SYS_HEAP_EFFORT_FAST` takes the first bucket that must fit; `DEFAULT` samples "
      "SYS_HEAP_ALLOC_LOOPS entries (%s) of the bucket that may fit; `FIT` samples "
      "SYS_HEAP_FIT_LOOPS (%s). Cortex-M4, small heap, default hardening. Utilisation is the mean "
      "over %s seeds; smallest arenas are multiples of the workload's peak live (requested) bytes."
      % (main_log.cfg.get("alloc_loops", "?") if main_log else "?",
         main_log.cfg.get("fit_loops", "?") if main_log else "?",
         main_log.cfg.get("seeds", "?") if main_log else "?"))
    w("")
    trace_names = sorted(trace_info)
    efforts = effort_rows(main_log, trace_names)
    erows = [[e["name"], e["all"].p(500) if e["all"].n else "n/a",
              e["realistic"].p(500) if e["realistic"].n else "n/a",
              e["all"].max if e["all"].n else "n/a", fmt_pct(e["util"])] + e["arena"]
             for e in efforts]
    w(table(["effort", "alloc median (all)", "alloc median (realistic)", "alloc worst",
             "in use at first failure (%)", "smallest arena, realistic"] +
            ["smallest arena, %s" % t for t in trace_names], erows,
            ["---"] + ["---:"] * (5 + len(trace_names))))
    w("")

    # ---- hardening levels
    hard = hardening_rows(logs, board, levels)
    for r in hard:
        if r["extra_bytes"] is not None and r["per_block"] is not None and r["header"] is not None \
                and r["per_block"] != r["header"] + r["extra_bytes"]:
            problems.append("level %s: a block measures %d bytes over its request, but the "
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
    w(hardening_table(hard))
    w("")
    short = sorted({r["run"] for r in hard} - {r["run"] for r in hard if r["level"] == level})
    if short:
        w("Levels that poison or validate on every call are O(block) or O(heap) by design; their "
          "firmware runs a shorter workload (%s, against %s for the others), so their medians "
          "and worst cases are over that run, and level 4's grow with the heap." % (
              "; ".join(short), next((r["run"] for r in hard if r["level"] == level), "?")))
        w("")
    w("Every operation per level (max with the median in brackets), utilisation and code size:")
    w("")
    hrows = []
    for lvl in levels:
        lg = logs.get("%s-sysheap-h%s" % (board, lvl))
        if lg is None:
            continue
        cells = [lvl]
        for op in OPS:
            h = lg.merged("sysheap", "small", op)
            cells.append("%d (%s)" % (h.max, h.p(500)) if h.n else "n/a")
        cells.append(fmt_pct(lg.util_pct("sysheap")))
        s = sizes.get(("cortex-m4", "sysheap", "core", lvl))
        s2 = sizes.get(("cortex-m4", "sysheap", "full", lvl))
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

    # ---- configuration trade-offs
    cfgs = config_rows(logs, board, args.configs.split(), args.results)
    if cfgs:
        base = cfgs[0]
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
              default_settings(base), smallest_note(cfgs),
              int(base["cfg"].get("small", 0)) // 1024 if base["cfg"] else "?",
              base["seeds"] or "?"))
        w("")
        w(config_table(cfgs))
        w("")
        for note in config_notes(cfgs, main_log, efforts, sizes, level, problems):
            w("- " + note)
        w("")

    # ---- header formats
    w("## Header formats")
    w("")
    w("A heap under 256 KiB gets 4-byte chunk headers, a larger one 8-byte headers (default "
      "`SYS_HEAP_HEADER_AUTO`). Same workloads on a %d KiB and a %d KiB heap, default hardening, "
      "max (median)." % (int(main_log.cfg.get("small", 0)) // 1024 if main_log else 0,
                         int(main_log.cfg.get("big", 0)) // 1024 if main_log else 0))
    w("")
    frows = []
    for heap in ("small", "big"):
        if main_log is None:
            break
        cells = [heap]
        for op in OPS:
            h = main_log.merged("sysheap", heap, op)
            cells.append("%d (%s)" % (h.max, h.p(500)) if h.n else "n/a")
        bad = [wl for (a, hp, wl), r in main_log.runs.items()
               if a == "sysheap" and hp == heap and r.get("corrupt") == "1"]
        missing = [wl for wl in WORKLOADS if ("sysheap", heap, wl) not in main_log.runs]
        note = []
        if bad:
            note.append("corrupt: " + ", ".join(sorted(bad)))
        if missing:
            note.append("not run (fault): " + ", ".join(missing))
        cells.append("; ".join(note))
        frows.append(cells)
    w(table(["heap"] + OPS + ["notes"], frows, ["---"] + ["---:"] * 4 + ["---"]))
    w("")

    # ---- memory efficiency
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
    util_plot = []
    for lg, alloc in ((main_log, "sysheap"), (main_log, "sysheap-fast"), (main_log, "sysheap-fit"),
                      (nano, "newlib-nano"), (full, "newlib")):
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
            util_plot.append((alloc, sum(u) / len(u), min(u), max(u)))
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
    packing_ceiling(w, ceil, own_ceil, main_log, main_over)

    # ---- DMA heaps
    gran = granular_rows(main_log, trace_names)
    w("## DMA heaps (granule)")
    w("")
    w("A heap formatted by `sys_heap_init_with()` with `.granule = 32` or `64` (a data-cache line) "
      "gives every block whole lines that no other block or header shares: each block's header "
      "takes a line of its own and its size is rounded up to whole lines. What that costs against "
      "the ordinary heap (`sys_heap_init()`, 8-byte granule), measured by the Cortex-M4 firmware "
      "(mps2-an386, 32-bit layout, hardening level %s) on the same realistic workload with the "
      "same seeds: utilisation at the first failure in the 36 KiB arena, the smallest arena as a "
      "multiple of peak live bytes, the bytes a block costs over its request, and the realistic "
      "workload's instructions per call." % level)
    w("")
    base = gran[0] if gran and gran[0]["granule"] is None else None
    grows = []
    for r in gran:
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
    w(table(["heap", "realistic"] + trace_names,
            [[r["label"]] + [ratio(r["arena"].get(wl)) for wl in
                             ["realistic"] + ["trace:" + t for t in trace_names]] for r in gran]))
    w("")
    w("At this level a block of *n* bytes on a granular heap takes a line for its header plus "
      "*n* rounded up to whole lines; on the ordinary heap it takes *n* plus its header, "
      "rounded up to 8 bytes.")
    w("")
    for r in gran:
        u = r["util"]
        if u and r["granule"] is not None:
            util_plot.append(("sysheap granule %d" % r["granule"], sum(u) / len(u), min(u), max(u)))

    # ---- code size
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
        for lvl in levels:
            for cfg in ("core", "full"):
                s = sizes.get((cpu, "sysheap", cfg, lvl))
                cells.append(s[0] if s else "n/a")
        for base in ("nano", "newlib"):
            for cfg in ("core", "full"):
                s = sizes.get((cpu, base, cfg, level))
                cells.append(s[0] if s else "n/a")
        crows.append(cells)
    head = ["CPU"]
    for lvl in levels:
        head += ["h%s core" % lvl, "h%s full" % lvl]
    head += ["newlib-nano core", "newlib-nano full", "newlib core", "newlib full"]
    w(table(head, crows))
    w("")
    w("(h*N* = SYS_HEAP_HARDENING level *N*; the default is %s. Flash is .text+.rodata; "
      "the library's .rodata, where it has any, is noted: %s.)" % (
          level, ", ".join("%s h%s %s rodata %d" % (CPU_NAMES[k[0]], k[3], k[2], v[1])
                           for k, v in sorted(sizes.items()) if v and k[1] == "sysheap" and v[1])
          or "none"))
    w("")

    # ---- per CPU
    w("## Per CPU")
    w("")
    w("Worst case and median over the small-heap timing workloads, default configuration, in "
      "instructions. The micro:bit (16 KiB of RAM) runs a scaled realistic workload: sizes "
      "4–64 bytes, 8–24 live blocks per round, a 4 KiB heap, and at most 96 blocks in the "
      "adversarial workloads.")
    w("")
    prow = []
    for b in ["microbit", "mps2-an385", board, "mps2-an505"]:
        cpu = BOARD_CPU.get(b, "")
        s_lg = logs.get("%s-sysheap-h%s-quick" % (b, level)) if b != board else main_log
        n_lg = logs.get("%s-newlib-nano-quick" % b) if b != board else nano
        cells = [CPU_NAMES.get(cpu, cpu), b]
        for lg, alloc in ((s_lg, "sysheap"), (n_lg, "newlib-nano")):
            for op in ("alloc", "free"):
                h = lg.merged(alloc, "small", op) if lg else Hist()
                cells.append("%d (%s)" % (h.max, h.p(500)) if h.n else "n/a")
        prow.append(cells)
    w(table(["CPU", "board", "sys_heap alloc", "sys_heap free", "newlib-nano alloc",
             "newlib-nano free"], prow, ["---", "---"] + ["---:"] * 4))
    w("")

    # ---- traces
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
    for t in trace_names:
        st, src = trace_info[t]
        rrows.append([t, src, st["ops"], st["ids"], st["peak"], "%d–%d" % (st["min"], st["max"])])
    w(table(["trace", "recorded from", "ops", "ids", "peak live bytes", "sizes"], rrows,
            ["---", "---", "---:", "---:", "---:", "---:"]))
    w("")
    host_arena = host_replay(args.results)
    trows2 = []
    for t in trace_names:
        for lg, alloc in ((main_log, "sysheap"), (nano, "newlib-nano"), (full, "newlib")):
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

    # ---- host
    w("## Host (x86-64, callgrind)")
    w("")
    w("The same workloads and traces on the host, sys_heap (`-O2`, 16-byte alignment, 8-byte "
      "headers) against glibc's malloc, counted by `valgrind --tool=callgrind`: the inclusive "
      "instructions of the calls `bench_call()` makes to each entry point, divided by their "
      "number (averages; callgrind gives no per-call distribution). Host counts include the frees "
      "that empty the heap after each run. Not comparable with the Cortex-M counts above.")
    w("")
    hrows2 = []
    host = host_table(args.results)
    for wl in WORKLOADS + ["trace:" + t for t in trace_names]:
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

    # ---- everything
    w("## All sys_heap timings")
    w("")
    w("<details><summary>Every hardening level, heap size, workload and operation "
      "(Cortex-M4, instructions)</summary>")
    w("")
    drows = []
    for lvl in levels:
        lg = logs.get("%s-sysheap-h%s" % (board, lvl))
        if lg is None:
            continue
        for heap in ("small", "big"):
            for wl in WORKLOADS + ["trace:" + t for t in trace_names]:
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

    # ---- plots
    if main_log is not None:
        for op in ("alloc", "free"):
            series = [("sys_heap", main_log.merged("sysheap", "small", op))]
            if op == "alloc":
                series += [("sys_heap FAST", main_log.merged("sysheap-fast", "small", op)),
                           ("sys_heap FIT", main_log.merged("sysheap-fit", "small", op))]
            if nano:
                series.append(("newlib-nano", nano.merged("newlib-nano", "small", op)))
            if full:
                series.append(("newlib", full.merged("newlib", "small", op)))
            plot_ccdf(os.path.join(args.docs, "bench-latency-%s.svg" % op),
                      "%s: instructions per call, Cortex-M4, small heap, all workloads" % op,
                      series, "instructions per call (log scale)")
    plot_bars(os.path.join(args.docs, "bench-utilisation.svg"),
              "Arena in use at the first failed allocation (36 KiB, realistic, 8 seeds)",
              util_plot, "% of the arena holding requested bytes (bar: mean, whisker: seed range)",
              TARGETS["util"], "target %.0f%%" % TARGETS["util"], 100)
    lvl_rows = []
    for lvl in levels:
        lg = logs.get("%s-sysheap-h%s" % (board, lvl))
        if lg is None:
            continue
        for op in ("alloc", "free"):
            h = lg.merged("sysheap", "small", op)
            if h.n:
                lvl_rows.append(("level %s %s" % (lvl, op), h.max, None, None))
    plot_bars(os.path.join(args.docs, "bench-hardening.svg"),
              "Worst-case instructions per call by hardening level (Cortex-M4)", lvl_rows,
              "instructions, worst case over all workloads (log scale)", log=True)

    with open(os.path.join(args.docs, "benchmarks.md"), "w") as f:
        f.write("\n".join(md) + "\n")

    if args.readme:
        err = splice_readme(args.readme, readme_summary(
            args, logs, rows, hard, gran, efforts, trace_names, main_log, nano, cfgs))
        if err:
            problems.append("README summary not written: " + err)

    # The console summary.
    print("bench: wrote %s/benchmarks.md and its plots%s" % (
        args.docs, " and the summary in %s" % args.readme if args.readme else ""))
    print("%-46s %8s %10s %6s %12s %8s" % ("", "target", "sys_heap", "", "newlib-nano", "newlib"))
    for r in rows:
        print("%-46s %8s %10s %6s %12s %8s" % (r[0], r[1], na(r[2]), na(r[3]) if r[3] else "",
                                                 na(r[4]), na(r[5])))
    for r in hard:
        print("hardening %s %-7s +%s bytes per block; alloc %s, free %s (median / worst); "
              "over level 0: alloc %s, free %s" % (
                  r["level"], r["name"], na(r["extra_bytes"]), mw(r["alloc"]), mw(r["free"]),
                  r["alloc_extra"], r["free_extra"]))
    for r in cfgs:
        print("config %-45s alloc %s, free %s (median / worst); %s %% in use; flash %s / %s" % (
            r["label"], mw(r["alloc"]), mw(r["free"]),
            "n/a" if r["util"] is None else "%.1f" % r["util"], na(r["core"]), na(r["full"])))
    for r in gran:
        print("%-10s in use at first failure %s %%, smallest arena %s x peak live, %s bytes per "
              "live block" % (r["label"], fmt_pct(r["util"]), ratio(r["arena"].get("realistic")),
                              "%.1f" % r["mean_block"] if r["mean_block"] is not None else "n/a"))
    for r in ceil:
        print("packing ceiling round_up(n + %d, %d): %s %% in use at first failure, ceiling %s %%"
              % (r["hdr"], r["unit"], fmt_pct(r["util"]), fmt_pct(r["ceiling"])))
    for p in problems:
        print("PROBLEM: " + re.sub(r"`", "", p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
