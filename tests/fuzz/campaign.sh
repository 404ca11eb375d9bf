#!/bin/sh
# campaign.sh: `make fuzz`. Runs every variant's random driver, then the
# libFuzzer driver of a few variants, one process at a time, sharing
# SECONDS between them: three quarters to the random drivers (they run
# the most operations), a quarter to libFuzzer (it finds the odd paths).
# Prints operations per variant and driver, the total, and the findings.
#
#   campaign.sh SECONDS FUZZ_DIR RUN32 "RANDOM VARIANTS" "LIBFUZZER VARIANTS"
#
# RUN32 says how 32-bit (m32*) binaries run: native, qemu-i386, or empty
# (skipped). The corpus of each variant grows in FUZZ_DIR/corpus/<variant>
# (seeded from tests/fuzz/corpus); failing inputs land in FUZZ_DIR/crashes.
set -u

seconds=$1
dir=$2
run32=$3
random_variants=$4
libfuzzer_variants=$5

crashes=$dir/crashes
mkdir -p "$crashes"
seed=$(date +%s)
total=0
findings=0

runner() {
	case $1 in
	m32*) [ "$run32" = qemu-i386 ] && echo qemu-i386 ;;
	esac
}

runnable() {
	case $1 in
	m32*) [ -n "$run32" ] ;;
	*) true ;;
	esac
}

count() {
	set -- $1
	echo $#
}

n_random=$(count "$random_variants")
n_lib=$(count "$libfuzzer_variants")
random_each=$((seconds * 3 / 4 / n_random))
lib_each=$((seconds / 4 / n_lib))
[ "$random_each" -ge 1 ] || random_each=1
[ "$lib_each" -ge 1 ] || lib_each=1
echo "fuzz: ${seconds}s: ${random_each}s per random driver ($n_random), ${lib_each}s per libFuzzer driver ($n_lib), seed $seed"

note() { # variant driver log status
	ops=$(sed -n 's/^operations: //p' "$3" | tail -n 1)
	ops=${ops:-0}
	total=$((total + ops))
	result=ok
	if [ "$4" -ne 0 ]; then
		findings=$((findings + 1))
		result="FINDING (see $3)"
	fi
	printf '  %-16s %-9s %12s operations  %s\n' "$1" "$2" "$ops" "$result"
}

for v in $random_variants; do
	if ! runnable "$v"; then
		echo "  $v: skipped, this host cannot run 32-bit code"
		continue
	fi
	log=$dir/$v/campaign-random.log
	# shellcheck disable=SC2046
	$(runner "$v") "$dir/$v/fuzz_random" -s "$random_each" -S "$seed" -o "$crashes" \
		tests/fuzz/corpus tests/fuzz/regress >"$log" 2>&1
	note "$v" random "$log" $?
done

for v in $libfuzzer_variants; do
	if ! runnable "$v"; then
		echo "  $v: skipped, this host cannot run 32-bit code"
		continue
	fi
	log=$dir/$v/campaign-libfuzzer.log
	mkdir -p "$dir/corpus/$v"
	# shellcheck disable=SC2046
	$(runner "$v") "$dir/$v/fuzz_libfuzzer" -max_total_time="$lib_each" -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$crashes/$v-" \
		"$dir/corpus/$v" tests/fuzz/corpus >"$log" 2>&1
	note "$v" libfuzzer "$log" $?
done

echo "fuzz: $total operations checked in all, $findings findings"
echo "fuzz: corpus in $dir/corpus/, failing inputs in $crashes/"
[ "$findings" -eq 0 ]
