#!/bin/sh
# run_qemu.sh: run one benchmark firmware under QEMU with the instruction
# counter on, and keep its console as the result log.
#
#   bench/run_qemu.sh [-k] [-t SECONDS] [-i ICOUNT] MACHINE ELF LOG
#
# -icount makes QEMU's virtual clock advance a fixed 2^shift ns per
# instruction (align=off, sleep=off: never tied to the host's clock), so
# SysTick readings are exact functions of the instructions executed and
# every run prints the same numbers. A run passes when the firmware exits
# 0 and its last line is "END status=0"; otherwise its tail is shown and
# the run fails. With -k (keep going) a failed run still keeps its log,
# ending with a "RUNFAIL" line for tools/bench_report.py to flag, and
# exits 0, so one fault costs only that run's remaining results.
set -u
timeout_s=300
keep=0
icount="shift=7,align=off,sleep=off"
while getopts "kt:i:" opt; do
	case "$opt" in
	k) keep=1 ;;
	t) timeout_s=$OPTARG ;;
	i) icount=$OPTARG ;;
	*) echo "usage: $0 [-k] [-t SECONDS] [-i ICOUNT] MACHINE ELF LOG" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || { echo "usage: $0 [-k] [-t SECONDS] [-i ICOUNT] MACHINE ELF LOG" >&2; exit 2; }
machine=$1
elf=$2
log=$3
mkdir -p "$(dirname "$log")"
start=$(date +%s)
timeout -k 5 "$timeout_s" qemu-system-arm -M "$machine" -nographic -monitor none -serial null \
	-semihosting-config enable=on,target=native -icount "$icount" \
	-kernel "$elf" </dev/null >"$log.tmp" 2>&1
status=$?
secs=$(( $(date +%s) - start ))
name="$machine $(basename "$elf" .elf)"
last=$(grep -v '^[[:space:]]*$' "$log.tmp" | tail -n 1 | tr -d '\r')
if [ "$status" -ne 0 ] || [ "$last" != "END status=0" ]; then
	echo "---- $name: last lines of the console ----"
	tail -n 15 "$log.tmp" | cut -c1-300
	echo "FAIL bench $name (${secs}s): exit status $status, last line '$(printf '%s' "$last" | cut -c1-80)'"
	if [ "$keep" -eq 1 ]; then
		echo "RUNFAIL status=$status" >>"$log.tmp"
		mv "$log.tmp" "$log"
		exit 0
	fi
	exit 1
fi
mv "$log.tmp" "$log"
echo "bench $name: ${secs}s"
