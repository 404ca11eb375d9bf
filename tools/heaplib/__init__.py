"""heaplib: what tools/bench_report.py and tools/heapsize share.

  parse    read what the firmware and host tools print: bench logs, nm and
           callgrind output, recorder logs (include/sys_heap_record.h), the
           oracle replayer's report (bench/host/oracle.c)
  compute  turn parsed results into rows and figures
  render   draw them: Markdown tables and plain hand-written SVG plots

Standard library only.
"""
