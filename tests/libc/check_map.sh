#!/bin/sh
# check_map.sh: read a firmware's link map (-Wl,-Map) and fail if any
# allocator object of the C library or of libstdc++ was linked, or if the
# glue itself was not.
#
#   tests/libc/check_map.sh MAP GLUE_ARCHIVE [cxx]
#
# The map's first section lists every archive member the linker pulled in,
# as "archive(member)". Members of the glue must be there; none of these:
#   newlib, newlib-nano  lib_a-[nano-]mallocr.o and every other malloc,
#                        free, calloc, realloc, memalign, valloc, mallinfo,
#                        mstats, mtrim, msize, mlock object, and the sbrk
#                        wrappers lib_a-sbrkr.o / lib_a-syssbrk.o
#   picolibc             nano-malloc-*.c.o, libc_picolib_picosbrk.c.o, and
#                        the stdlib wrappers reallocarray/reallocf/mstats
#   libstdc++/libsupc++  new_op*.o, del_op*.o (with "cxx": the glue's
#                        new_delete.o must be there instead)
set -u
map=$1
glue=$(basename "$2")
cxx=${3:-}
[ -f "$map" ] || { echo "check_map: no such map: $map" >&2; exit 2; }

members=$(sed -n '/^Archive member included/,/^Discarded input sections/p' "$map" |
	grep -o '[^ /]*\.a([^)]*)' | sort -u)

bad=$(printf '%s\n' "$members" | grep -E \
	-e '^libc(_nano)?\.a\(lib_a-(nano-)?(mallocr|freer|callocr|reallocr|malignr|vallocr|pvallocr|msizer|mallinfor|mallstatsr|malloptr|cfreer|mlock|sbrkr|syssbrk)\.o\)$' \
	-e '^libc(_nano)?\.a\(lib_a-(malloc|calloc|realloc|reallocarray|reallocf|malign|msize|mstats|mtrim|valloc|aligned_alloc)\.o\)$' \
	-e '^libc\.a\((nano-malloc-[a-z_]*|libc_picolib_picosbrk|libc_stdlib_(reallocarray|reallocf|mstats))\.c\.o\)$' \
	-e '^lib(stdc\+\+|supc\+\+)(_nano)?\.a\((new_op[a-z]*|del_op[a-z]*)\.o\)$')
status=0
if [ -n "$bad" ]; then
	echo "check_map: $map: the C library's allocator is linked:"
	printf '  %s\n' $bad
	status=1
fi
if ! printf '%s\n' "$members" | grep -q "^$glue(malloc\.o)\$"; then
	echo "check_map: $map: $glue(malloc.o) is not linked"
	status=1
fi
if [ "$cxx" = cxx ] && ! printf '%s\n' "$members" | grep -q "^$glue(new_delete\.o)\$"; then
	echo "check_map: $map: $glue(new_delete.o) is not linked"
	status=1
fi
[ $status -eq 0 ] && echo "PASS map $(basename "$map"): no libc allocator object, the glue's allocator linked"
exit $status
