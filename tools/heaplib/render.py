"""render.py: draw results: Markdown tables and cells, plain SVG written
by hand (CCDF, bars and line plots), and the README block splice. Shared by
tools/bench_report.py and tools/heapsize."""
import math
import textwrap
from .parse import (README_BEGIN, README_END, block_markers, header_define, mw, pv)


def format_ceiling(rows, o):
    """The row of sys_heap's own block format: its measured header bytes
    (the O line) in chunk units."""
    unit = header_define("sys_heap_layout.h", "SYS_HEAP_CHUNK_UNIT")
    for r in rows:
        if o is not None and r["hdr"] == int(o["per_block"]) and r["unit"] == unit:
            return r
    return None


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


def na(v):
    return "n/a" if v is None else v


def fmt_v(v):
    return ("~%d" if v[1] else "%d") % v[0]


def fmt_delta(a, b):
    d = "%+d" % (a[0] - b[0])
    return "~" + d if (a[1] or b[1]) else d


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


def splice_block(path, lines, begin, end):
    """Replace what is between the markers; the markers stay. Returns an
    error message, or None."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        return "cannot read %s: %s" % (path, e)
    err = block_markers(text, begin, end)
    if err:
        return "%s: %s" % (path, err)
    head = text[:text.index(begin) + len(begin)]
    tail = text[text.index(end):]
    new = head + "\n" + "\n".join(lines).strip("\n") + "\n" + tail
    if new != text:
        with open(path, "w") as f:
            f.write(new)
    return None


def splice_readme(path, lines):
    """splice_block() of the README's bench summary."""
    return splice_block(path, lines, README_BEGIN, README_END)


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


def plot_lines(path, title, series, xlabel, ylabel, hlines=(), mark_x=None):
    """series: [(label, [(x, y)...])], linear axes from 0; hlines: [(label,
    y)] dashed reference lines (a configured size, an answer); mark_x: (label,
    x), a dotted vertical line (the peak)."""
    series = [(lbl, pts) for lbl, pts in series if pts]
    if not series:
        return False
    W, H, L, R, T, B = 780, 430, 70, 230, 40, 55
    svg = Svg(W, H)
    xmax = max(p[0] for _l, pts in series for p in pts) or 1
    ymax = max([p[1] for _l, pts in series for p in pts] + [y for _l, y in hlines]) or 1
    ystep = nice_step(ymax, 8)
    ymax = ystep * math.ceil(ymax * 1.05 / ystep)
    xstep = nice_step(xmax, 8)
    px = lambda v: L + v / xmax * (W - L - R)  # noqa: E731
    py = lambda v: H - B - v / ymax * (H - T - B)  # noqa: E731
    svg.text((L + W - R) / 2, 24, title, 15, "middle", "bold")
    y = 0
    while y <= ymax:
        svg.line(L, py(y), W - R, py(y), "#ddd")
        svg.text(L - 6, py(y) + 4, "%d" % y, 11, "end")
        y += ystep
    x = 0
    while x <= xmax:
        svg.line(px(x), T, px(x), H - B, "#eee")
        svg.text(px(x), H - B + 16, "%d" % x, 11, "middle")
        x += xstep
    svg.line(L, H - B, W - R, H - B)
    svg.line(L, T, L, H - B)
    svg.text((L + W - R) / 2, H - 14, xlabel, 12, "middle")
    svg.text(16, (T + H - B) / 2, ylabel, 12, "middle", rotate=-90)
    legend = []
    for i, (lbl, pts) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        svg.path([(px(a), py(b)) for a, b in pts], color, 1.5)
        legend.append((lbl, color, None))
    for j, (lbl, yv) in enumerate(hlines):
        color = PALETTE[(len(series) + j) % len(PALETTE)]
        svg.line(L, py(yv), W - R, py(yv), color, 1.5, "6 4")
        legend.append((lbl, color, "6 4"))
    if mark_x is not None:
        svg.line(px(mark_x[1]), T, px(mark_x[1]), H - B, "#555", 1, "2 3")
        legend.append((mark_x[0], "#555", "2 3"))
    for i, (lbl, color, dash) in enumerate(legend):
        ly = T + 18 + i * 20
        svg.line(W - R + 12, ly - 4, W - R + 32, ly - 4, color, 3, dash)
        svg.text(W - R + 38, ly, lbl, 11)
    svg.save(path)
    return True
