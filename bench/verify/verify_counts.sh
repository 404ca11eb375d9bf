#!/bin/sh
# verify_counts.sh: check the benchmark's instruction counts against gdb.
#
#   sh bench/verify/verify_counts.sh [N]        (or: make bench-verify)
#
# Builds the quick Cortex-M4 benchmark firmware with BENCH_TRACE_OPS=N (it
# then prints the count it measured for each of its first N timed calls),
# runs it under QEMU with -icount, then runs it again under QEMU's gdb stub
# and single-steps the same N calls with gdb. The two lists must be equal.
set -eu
n=${1:-12}
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BENCH_VERIFY_BUILD:-$here/build/bench-verify}
board=mps2-an386
level=$(printf '#include "sys_heap_config.h"\nSYS_HEAP_HARDENING\n' | cc -E -P -I"$here/include" - | tail -n 1)
elf=$build/bench/$board/sysheap-h$level-quick.elf
port=${BENCH_GDB_PORT:-1234}

cd "$here"
make -s BUILD="$build" CONFIG_DEFS="-DBENCH_TRACE_OPS=$n" "$elf" >/dev/null
measured=$(timeout 120 qemu-system-arm -M "$board" -nographic -monitor none -serial null \
	-semihosting-config enable=on,target=native -icount shift=7,align=off,sleep=off \
	-kernel "$elf" </dev/null 2>&1 | awk '/^D /{printf "%s%s", sep, $3; sep=" "}')
qemu-system-arm -M "$board" -nographic -monitor none -serial null \
	-semihosting-config enable=on,target=native -icount shift=7,align=off,sleep=off \
	-kernel "$elf" -gdb tcp::"$port" -S </dev/null >/dev/null 2>&1 &
qpid=$!
stepped=$(BENCH_VERIFY_OPS=$n BENCH_GDB_PORT=$port timeout 300 gdb-multiarch -q -batch \
	-x bench/verify/gdb_count.py "$elf" 2>/dev/null | sed -n 's/^GDB //p')
kill "$qpid" 2>/dev/null || true
echo "measured (SysTick, -icount): $measured"
echo "single-stepped (gdb):        $stepped"
if [ -n "$measured" ] && [ "$measured" = "$stepped" ]; then
	echo "bench-verify: the first $n timed calls match instruction for instruction"
else
	echo "bench-verify: MISMATCH"
	exit 1
fi
