#!/bin/sh
# qemu_run.sh: run one firmware ELF under QEMU and turn the run into an
# exit status the build can trust.
#
#   tools/qemu_run.sh [-q] [-k] [-t SECONDS] [-l LOG] [-s] [-L LINE] [-e STATUS]
#                     [-i ICOUNT] MACHINE ELF
#
#   -t SECONDS  kill QEMU after this long (default 300; exit status 124)
#   -l LOG      keep the console output here (default: a temporary file)
#   -s          also require the last line to be "N passed, 0 failed"
#   -L LINE     also require the last line to be exactly LINE
#   -e STATUS   the exit status the firmware must end with (default 0)
#   -i ICOUNT   run with QEMU's instruction counter, -icount ICOUNT (the
#               benchmarks: shift=7,align=off,sleep=off makes the virtual
#               clock a fixed 2^7 ns per instruction, never tied to the
#               host's, so every run prints the same numbers)
#   -k          keep going: a failed run still reports FAIL, appends a line
#               "RUNFAIL status=N" to the log (tools/bench_report.py flags
#               it) and exits 0, so one fault costs only that run
#   -q          quiet: one PASS/FAIL line, plus the log's tail on failure
#               (for parallel runs); otherwise the console streams through
#
# The firmware talks to the host over semihosting only: the console, and
# its exit status via SYS_EXIT_EXTENDED, which QEMU makes its own exit
# status. QEMU never reads stdin (no monitor, no serial, stdin from
# /dev/null), so it runs the same in CI as in a terminal.
set -u

timeout_s=300
log=""
want_summary=0
want_status=0
want_last=""
quiet=0
keep=0
icount=""
usage="usage: $0 [-q] [-k] [-t SECONDS] [-l LOG] [-s] [-L LINE] [-e STATUS] [-i ICOUNT] MACHINE ELF"
while getopts "qkt:l:sL:e:i:" opt; do
	case "$opt" in
	q) quiet=1 ;;
	k) keep=1 ;;
	t) timeout_s=$OPTARG ;;
	l) log=$OPTARG ;;
	s) want_summary=1 ;;
	L) want_last=$OPTARG ;;
	e) want_status=$OPTARG ;;
	i) icount=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
machine=$1
elf=$2
[ -f "$elf" ] || { echo "qemu_run: no such firmware: $elf" >&2; exit 2; }

tmp=""
if [ -z "$log" ]; then
	tmp=$(mktemp)
	log=$tmp
else
	mkdir -p "$(dirname "$log")"
fi
trap '[ -n "$tmp" ] && rm -f "$tmp"' EXIT
name="$machine $(basename "$elf" .elf)"

start=$(date +%s)
# The exit status of QEMU, not of tee: run it in a subshell that saves it.
status_file=$(mktemp)
{
	timeout -k 5 "$timeout_s" qemu-system-arm -M "$machine" -nographic \
		-monitor none -serial null \
		-semihosting-config enable=on,target=native \
		${icount:+-icount "$icount"} -kernel "$elf" </dev/null 2>&1
	echo $? >"$status_file"
} | if [ "$quiet" -eq 1 ]; then cat >"$log"; else tee "$log"; fi
status=$(cat "$status_file")
rm -f "$status_file"
secs=$(( $(date +%s) - start ))

last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 | tr -d '\r')
problem=""
if [ "$status" -eq 124 ]; then
	problem="timed out after ${timeout_s}s"
elif [ "$status" -ne "$want_status" ]; then
	problem="exit status $status, expected $want_status"
elif [ "$want_summary" -eq 1 ] && ! printf '%s\n' "$last" | grep -Eq '^[0-9]+ passed, 0 failed$'; then
	problem="last line is not 'N passed, 0 failed': '$last'"
elif [ -n "$want_last" ] && [ "$last" != "$want_last" ]; then
	problem="last line is not '$want_last': '$(printf '%s' "$last" | cut -c1-80)'"
fi

if [ -n "$problem" ]; then
	if [ "$quiet" -eq 1 ]; then
		echo "---- $name: last lines of the console ----"
		tail -n 25 "$log" | cut -c1-300
	fi
	echo "FAIL $name (${secs}s): $problem"
	if [ "$keep" -eq 1 ]; then
		echo "RUNFAIL status=$status" >>"$log"
		exit 0
	fi
	exit 1
fi
if [ "$want_summary" -eq 1 ] || [ -n "$want_last" ]; then
	echo "PASS $name (${secs}s): $last"
else
	echo "PASS $name (${secs}s): exit status $status"
fi
exit 0
