#!/usr/bin/env bash
# make bench: the node kernel's two forms (issue 18, item 3; docs/ODD.md, "Node
# kernel"): the bit-sliced kernel (sim/model/kernel_bits.c, 64 cells per word) and
# the byte kernel it replaces on lattices (experiment.engine = "bytes"), on the
# Nowak-May lattice of configs/classic/nowak_may.cfg (Moore, self-interaction,
# periodic, b = 1.85), L = 1000 and 3000, 1 and 2 threads.  Both run in the same
# process on the same model, interleaved (bits, bytes, bits, ...), REPEAT times
# (default 5), GENS generations each (default 100 at L = 1000, 12 at L = 3000);
# the set-up is outside the timing (tests/bench/kernel_time.c, built here against
# the objects of PROG's build).  Printed per case: the best time of each in ns per
# cell-update and the ratio bytes / bits, and the target (>= 5 on one core).
#   state: the generation alone (output.series = "none": nothing reads the gains);
#   series: with the population series (coopsim's default for these runs): the
#     mean gain is summed per node in the byte kernel's order, so that the numbers
#     stay byte-identical; that sum costs both kernels the same and bounds the ratio.
# L = 3000 is skipped when the peak memory per node measured at L = 1000 says it
# would not fit in MemAvailable.  KERNEL_L="1000" chooses the sides;
# KERNEL_CPU_TIME=1 times the process's CPU time on one thread (a busy machine;
# two threads are always timed by the wall clock, and the speed-up is then not printed).
set -euo pipefail
prog=${1:-build/coopsim}
build=$(dirname "$prog")
repeat=${REPEAT:-5}
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-kernel-XXXXXX")
trap 'rm -rf "$out"' EXIT
tests/bench/helpers.sh "$out" "$build" # kernel_time
echo "coopsim bench: node kernel, bit-sliced against bytes (Nowak-May, Moore, self, b = 1.85)"
per_node=0
for L in ${KERNEL_L:-1000 3000}; do
    n=$((L * L))
    avail=$(awk '/MemAvailable/ { print $2 * 1024 }' /proc/meminfo)
    if [ "$per_node" != 0 ] && awk -v p="$per_node" -v n="$n" -v a="$avail" 'BEGIN { exit !(p * n * 1.5 > a) }'; then
        awk -v p="$per_node" -v n="$n" -v a="$avail" -v L="$L" 'BEGIN {
            printf "L=%d skipped: about %.1f GB needed (%.0f bytes per node at peak, and half again), %.1f GB available\n", L, p * n * 1.5 / 1e9, p, a / 1e9 }'
        continue
    fi
    gens=${GENS:-$([ "$L" -le 1000 ] && echo 100 || echo 12)}
    declare -A bits=()
    for t in 1 2; do
        for series in 0 1; do
            label=$([ "$series" = 0 ] && echo "state " || echo "series")
            # CPU time (KERNEL_CPU_TIME) only on one thread: it adds up the threads
            r=$(if [ "$t" != 1 ]; then unset KERNEL_CPU_TIME; fi
                OMP_NUM_THREADS=$t "$out/kernel_time" configs/classic/nowak_may.cfg "$gens" "$t" \
                "$repeat" "$series" --set network.L="$L") || {
                echo "L=$L threads=$t: kernel_time failed (out of memory?)"
                continue
            }
            set -- $r
            bits[$t$series]=$2
            per_node=${11}
            awk -v L="$L" -v t="$t" -v l="$label" -v b="$2" -v y="$6" -v ok="$9" 'BEGIN {
                printf "L=%d threads=%d %s: bits %.3f ns, bytes %.3f ns per cell-update: ratio %.2f%s%s\n",
                    L, t, l, b, y, y / b, (t == 1 && l == "state ") ? " (target >= 5 on one core: " ((y / b >= 5) ? "met)" : "NOT met)") : "",
                    ok == "same" ? "" : "  WARNING: the two kernels end in different states" }'
        done
    done
    [ -n "${KERNEL_CPU_TIME:-}" ] && continue # CPU time on 1 thread, wall on 2: no ratio
    awk -v L="$L" -v a="${bits[10]:-0}" -v b="${bits[20]:-0}" -v c="${bits[11]:-0}" -v d="${bits[21]:-0}" 'BEGIN {
        if (a * b * c * d > 0)
            printf "L=%d bits speed-up 1 -> 2 threads: state %.2f, series %.2f\n", L, a / b, c / d }'
done
