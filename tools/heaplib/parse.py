"""parse.py: read what the benchmark firmware and host tools print: the
firmware consoles (bench/common/suite.c's line format), nm listings of the
code-size programs, callgrind dumps, the host replays, C headers' defines,
and the README's generated-block markers. Shared by tools/bench_report.py
and tools/heapsize."""
import glob
import os
import re
import subprocess


OPS = ["alloc", "free", "aligned_alloc", "realloc"]


ADVERSARIAL = ["holes", "near_miss", "split_merge", "realloc", "aligned"]


WORKLOADS = ["realistic"] + ADVERSARIAL


CPU_NAMES = {"cortex-m0": "M0", "cortex-m3": "M3", "cortex-m4": "M4", "cortex-m33": "M33"}


BOARD_CPU = {"microbit": "cortex-m0", "mps2-an385": "cortex-m3", "mps2-an386": "cortex-m4",
             "mps2-an505": "cortex-m33"}


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


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
        return out.splitlines()[0].strip() if out else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


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


def mw(h):
    """"median / worst" of a histogram."""
    return "%s / %d" % (h.p(500), h.max) if h.n else "n/a"


README_BEGIN = "<!-- bench-summary:begin -->"


README_END = "<!-- bench-summary:end -->"


def block_markers(text, begin, end):
    """Error message, or None when the markers are there once each, in order."""
    b, e = text.count(begin), text.count(end)
    if b != 1 or e != 1:
        return "expected one %s and one %s line, found %d and %d" % (begin, end, b, e)
    if text.index(begin) > text.index(end):
        return "%s comes after %s" % (end, begin)
    return None


def readme_markers(text):
    """block_markers() of the README's bench summary."""
    return block_markers(text, README_BEGIN, README_END)
