#!/bin/sh
# check_map.sh: from the regions firmware's link map, check that each
# region's buffer landed in the memory its section names (memory.ld), and
# that malloc is the glue's (tests/libc/check_map.sh).
#
#   tests/regions/check_map.sh MAP GLUE_ARCHIVE
set -u
map=$1
[ -f "$map" ] || { echo "regions check_map: no such map: $map" >&2; exit 2; }
failed=0
passed=0
# section  lowest address  highest address (exclusive)
while read -r section low high; do
	# The map lists an input section as " .ram3.dma  0x20200000  0x8000 file";
	# a long name puts the address on the next line.
	line=$(awk -v s="$section" '
		$1 == s && NF >= 3 { print $2, $3; exit }
		$1 == s && NF == 1 { getline; print $1, $2; exit }' "$map")
	addr=${line%% *}
	size=${line##* }
	if [ -z "$line" ]; then
		echo "FAIL regions map: no input section $section"; failed=$((failed + 1)); continue
	fi
	if [ $((addr)) -ge $((low)) ] && [ $((addr + size)) -le $((high)) ]; then
		passed=$((passed + 1))
	else
		echo "FAIL regions map: $section at $addr (+$size) is outside $low..$high"
		failed=$((failed + 1))
	fi
done <<EOT
.ram2.tcm 0x20000000 0x20200000
.ram3.dma 0x20200000 0x20400000
.noinit.ext 0x21000000 0x22000000
EOT
if sh tests/libc/check_map.sh "$map" "$2" cxx >/dev/null; then
	passed=$((passed + 1))
else
	sh tests/libc/check_map.sh "$map" "$2" cxx; failed=$((failed + 1))
fi
echo "regions map: $passed passed, $failed failed"
[ $failed -eq 0 ]
