"""oracle.py: the heap-sizing oracle's computation: run the replayer
(bench/host/oracle.c), read its report, and derive the answer."""
import re
import shlex
import subprocess

NUM = re.compile(r"^(\S+) (.*)$")


def run_replayer(replayer, trace, config, series=None, heap_map=None):
    cmd = shlex.split(replayer) + ["--config", str(config)]
    if series:
        cmd += ["--series", series]
    if heap_map:
        cmd += ["--map", heap_map]
    out = subprocess.run(cmd + [trace], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (" ".join(cmd), out.returncode,
                                                    out.stdout, out.stderr))
    return parse_replay(out.stdout)


def parse_replay(text):
    """The replayer's "key value..." lines as a dict of ints (and words)."""
    r = {}
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "trace":
            r["trace"], r["ops"], r["ids"] = w[1], int(w[3]), int(w[5])
        elif w[0] == "target":
            r["pointer_bytes"], r["header_bytes"] = int(w[2]), int(w[4])
        elif w[0] == "config":
            r["config"], r["config_ok"], r["config_fails"] = int(w[1]), w[3] == "yes", int(w[5])
        elif w[0] == "peak_chunks":
            r["peak_chunks"], r["peak_at"] = int(w[1]), int(w[3])
        elif w[0] == "low_water":
            r["min_free"], r["min_largest"] = int(w[2]), int(w[4])
        elif w[0] == "scan":
            r["scan_lo"], r["scan_hi"], r["replays"] = int(w[2]), int(w[4]), int(w[7])
        elif w[0] == "arena":
            r["arena"] = int(w[1], 16)
        elif w[0] == "error":
            raise RuntimeError(line)
        elif len(w) == 2 and w[1].isdigit():
            r[w[0]] = int(w[1])
    return r


def answer(r):
    """The figures the report states, from a parsed replay."""
    a = dict(r)
    a["never_fails"] = r.get("never_fails", 0)
    a["margin"] = r["config"] - a["never_fails"] if a["never_fails"] else None
    a["overhead"] = a["never_fails"] - r["peak_live"] if a["never_fails"] else None
    a["block_overhead"] = r["peak_chunks"] - r["peak_live"]
    a["below"] = r.get("largest_failing", 0)
    return a


def read_series(path):
    """bench_oracle --series: (op, live, used, free, largest) per line."""
    rows = []
    with open(path) as f:
        for line in f:
            rows.append(tuple(int(v) for v in line.split()))
    return rows


def report_lines(a, header, name):
    """The oracle's report, as text lines (the test reads the first two
    figure lines: keep their wording)."""
    config = a["config"]
    src = ("the log's heap at %#x" % header["heap_addr"]) if header else "--config"
    lines = ["heapsize: %s, %d calls, replayed with %d-byte chunk headers (%d-bit target)"
             % (name, a["ops"], a["header_bytes"], 8 * a["pointer_bytes"]),
             "configured heap: %d bytes (%s)" % (config, src)]
    if not a["never_fails"]:
        lines.append("the configured heap fails the sequence: %d failed allocations"
                     % a["config_fails"])
        return lines
    lines += [
        "smallest heap that never fails: %d bytes (every size from it to %d completes; "
        "%d replays, 8-byte steps)" % (a["never_fails"], config, a["replays"]),
        "next size down: %d bytes fails" % a["below"] if a["below"] else
        "next size down: not replayed (the scan stops %d sizes below the configured one; "
        "the answer may be smaller)" % (a["replays"] - 1),
    ]
    if a["smallest_completing"] != a["never_fails"]:
        lines.append("smallest size that completes at all: %d bytes (%d sizes between it and "
                     "the answer fail: a bigger heap is not always enough)"
                     % (a["smallest_completing"], a["failing_sizes_above_smallest"]))
    lines += [
        "bench binary search (bench_min_arena): %d bytes" % a["binary_search"],
        "margin at the configured size: %d bytes (%.1f %% of it)"
        % (a["margin"], 100.0 * a["margin"] / config),
        "peak live: %d bytes requested" % a["peak_live"],
        "overhead: %d bytes over peak live (%.2fx): %d in block headers and rounding at the "
        "peak, the rest heap metadata and fragmentation"
        % (a["overhead"], a["never_fails"] / max(a["peak_live"], 1), a["block_overhead"]),
        "low-water marks at %d bytes: least free %d bytes, least largest free block %d "
        "bytes, %d failed allocations" % (config, a["min_free"], a["min_largest"],
                                          a["config_fails"]),
    ]
    return lines


def firmware_replay(log_path):
    """The trace's histograms from a firmware replay log: {op: Hist}."""
    from .parse import Log
    lg = Log(log_path)
    if not lg.ok:
        raise RuntimeError("%s: the firmware replay did not finish: %s" % (
            log_path, lg.fault or "; ".join(lg.errors) or "no END line"))
    bad = [t for t in lg.traces.values() if t.get("checksum") != "ok" or t.get("fails") != "0"]
    if bad or not lg.traces:
        raise RuntimeError("%s: the firmware replay failed or saw a bad checksum" % log_path)
    return lg, {op: h for (_a, _h, wl, op), h in lg.hist.items()
                if wl.startswith("trace:") and h.n}


def icount_lines(log_path, record_log_path=None):
    """The worst instruction counts per call of the trace replayed as
    firmware in QEMU -icount (the bench firmware's BENCH_TRACES_ONLY build:
    its H lines, exact counts of each call, bench/fw/timer.c); with the
    same replay recording its heap (BENCH_RECORD), what recording adds."""
    lg, hists = firmware_replay(log_path)
    recorded = firmware_replay(record_log_path)[1] if record_log_path else {}
    out = ["worst instruction counts per call, the same sequence as firmware on %s "
           "(QEMU -icount, %s)%s:" % (lg.cfg.get("board", "?"), lg.cfg.get("cpu", "?"),
                                      "; in brackets, with the recorder attached"
                                      if recorded else "")]
    for op in sorted(hists):
        h, r = hists[op], recorded.get(op)
        extra = (" (%s, %s, %d: +%d worst)" % (r.p(500), r.p(990), r.max, r.max - h.max)
                 if r else "")
        out.append("  %-8s %5d calls, median %4s, p99 %4s, worst %4d%s"
                   % (op, h.n, h.p(500), h.p(990), h.max, extra))
    return out


ADDRESS = re.compile(r"\b0x([0-9a-fA-F]+)\b")


def rebase_map(text, host_base, target_base):
    """The replayer's heap dump with the target's addresses: every address
    of a heap or chunk line moved from the host arena to the recorded heap."""
    def move(m):
        return "0x%08x" % (int(m.group(1), 16) - host_base + target_base)
    return "\n".join(ADDRESS.sub(move, line) if line.lstrip().startswith(("heap ", "chunk "))
                     else line for line in text.splitlines())


def draw(a, series_path, map_path, prefix, name, header=None):
    """The pictures: live and free bytes over time at the configured size,
    and the heap map at the peak (tools/heapmap.py on the replayer's
    sys_heap_report() dump). Returns the report lines naming them."""
    import os
    import sys
    from .render import plot_lines
    rows = read_series(series_path)
    timeline = prefix + "-timeline.svg"
    plot_lines(timeline, "%s: the heap over time (%d-byte heap)" % (name, a["config"]),
               [("live bytes (requested)", [(r[0], r[1]) for r in rows]),
                ("used (chunks, with headers)", [(r[0], r[2]) for r in rows]),
                ("free bytes", [(r[0], r[3]) for r in rows]),
                ("largest free block", [(r[0], r[4]) for r in rows])],
               "operation", "bytes",
               hlines=[("never fails from %d" % a["never_fails"], a["never_fails"])]
               if a["never_fails"] else [],
               mark_x=("peak (op %d)" % a["peak_at"], a["peak_at"]))
    heap_map = prefix + "-map.svg"
    tools = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    sys.path.insert(0, tools)
    import heapmap
    with open(map_path) as f:
        text = f.read()
    if header:
        text = rebase_map(text, a["arena"], header["heap_addr"])
        with open(map_path, "w") as f:
            f.write(text + "\n")
    heaps = heapmap.parse(text.splitlines())
    if not heaps:
        raise RuntimeError("%s: no heap dump at the peak" % map_path)
    svg = heapmap.render(heaps, "%s: the heap at its peak (op %d of %d)"
                         % (name, a["peak_at"], a["ops"]), 960, None)
    with open(heap_map, "w") as f:
        f.write(svg)
    return ["pictures: %s, %s" % (os.path.relpath(timeline), os.path.relpath(heap_map))]
