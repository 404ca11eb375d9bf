"""heaplib: what tools/bench_report.py and tools/heapsize share.

  parse    read what the firmware and host tools print: bench logs, nm and
           callgrind output, C defines, the generated-block markers
  compute  turn parsed bench results into rows and figures
  render   draw them: Markdown tables, plain hand-written SVG plots (CCDF,
           bars, lines), generated blocks spliced into Markdown
  record   the recorder's binary log (include/sys_heap_record.h) -> a trace
  oracle   the heap-sizing oracle: run its replayer (bench/host/oracle.c),
           read its report, the answer, the report text and pictures

Standard library only.
"""
