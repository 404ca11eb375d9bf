#!/bin/sh
# check_region.sh: the "all RAM" system heap that ld/sysheap_libc.ld
# computed must run from START to TOP - RESERVE.
#
#   tests/libc/check_region.sh NM ELF START TOP RESERVE
#
# START and TOP are symbols of the ELF; RESERVE is a symbol or a number.
# The vendor check: _end _estack _Min_Stack_Size (an STM32CubeIDE script);
# the stack-reserve check: __sbrk_start__ __stack_top__ 4096.
set -eu
nm_tool=$1
elf=$2
sym() {
	case $1 in
	[0-9]*) echo $(($1)); return ;;
	esac
	v=$("$nm_tool" "$elf" | awk -v s="$1" '$3 == s { print $1 }')
	[ -n "$v" ] || { echo "FAIL region: no symbol $1 in $elf" >&2; exit 1; }
	echo $((0x$v))
}
start=$(sym __sysheap_ram_start)
end=$(sym __sysheap_ram_end)
want_start=$(sym "$3")
want_end=$(( $(sym "$4") - $(sym "$5") ))
name=$(basename "$elf")
if [ "$start" -ne "$want_start" ] || [ "$end" -ne "$want_end" ]; then
	printf 'FAIL region %s: system heap 0x%x..0x%x, expected %s .. %s - %s = 0x%x..0x%x\n' \
		"$name" "$start" "$end" "$3" "$4" "$5" "$want_start" "$want_end"
	exit 1
fi
printf 'PASS region %s: system heap 0x%x..0x%x = %s .. %s - %s (%d bytes)\n' \
	"$name" "$start" "$end" "$3" "$4" "$5" $((end - start))
