#!/bin/sh
# size_report.sh: the table `make size-libc` prints. For each board and C
# library, tests/libc/size_app.c linked two ways (-Os, --gc-sections):
#   stock  the C library's own malloc (newlib-nano's, newlib's or
#          picolibc's), over the boards' sbrk arena
#   glue   libsysheap_libc_<libc>.a + libsysheap.a, "all RAM" system heap
# flash = .text + .data (its load image), RAM = .data + .bss (static RAM;
# in both builds the heap is the rest of RAM up to the stack reserve).
#
#   tests/libc/size_report.sh SIZE_TOOL BUILD_DIR "BOARDS" "LIBCS"
set -eu
size_tool=$1
build=$2
boards=$3
libcs=$4

# "text data bss" of one ELF.
tdb() {
	"$size_tool" "$1" | awk 'NR == 2 { print $1, $2, $3 }'
}

echo "size-libc: tests/libc/size_app.c, -Os --gc-sections; flash = text+data, RAM = data+bss (static)"
printf '%-11s %-9s %-22s %8s %8s %12s %10s\n' board libc allocator flash RAM "flash delta" "RAM delta"
for b in $boards; do
	for l in $libcs; do
		dir=$build/$b/libc-$l
		set -- $(tdb "$dir/$l-size_app-stock.elf")
		sf=$(($1 + $2)); sr=$(($2 + $3))
		set -- $(tdb "$dir/$l-size_app-gc.elf")
		gf=$(($1 + $2)); gr=$(($2 + $3))
		case $l in
		nano) stock="newlib-nano malloc" ;;
		newlib) stock="newlib malloc" ;;
		*) stock="$l malloc" ;;
		esac
		printf '%-11s %-9s %-22s %8d %8d\n' "$b" "$l" "$stock" "$sf" "$sr"
		printf '%-11s %-9s %-22s %8d %8d %+12d %+10d\n' "$b" "$l" "libsysheap glue" "$gf" "$gr" \
			$((gf - sf)) $((gr - sr))
	done
done
