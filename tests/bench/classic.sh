#!/usr/bin/env bash
# make bench: the classic models (issue 7, docs/VALIDATION.md).
#
# 1. Tournament: 8 memory-one strategies (allc, alld, tft, stft, tf2t, grim, wsls,
#    gtft), 200 turns, noise 0.05, REPS repetitions (default 20000, so that the
#    process start-up is negligible; the 100 repetitions take about 10 ms),
#    with 1 and 2 threads: turns per second.  Target: >= 50 million turns per
#    second per core, speed-up 1 -> 2 threads >= 1.8.
# 2. Nowak & May: L x L lattice (default L = 1000), GENS generations (default
#    100), with 1 and 2 threads: nanoseconds per cell-update (payoff and
#    imitation).  Target: <= 2 ns on one core (not met: the per-tie engine; the
#    node-level kernel and within-run threads are not built yet).
set -euo pipefail
prog=${1:-build/coopsim}
reps=${REPS:-20000}
L=${L:-1000}
gens=${GENS:-100}
out=$(mktemp -d /tmp/coopsim-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

seconds() { # command... -> wall seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

cfg=$out/tournament8.cfg
grep -v -e alternator -e bully -e 'rule_params = { p_cc' configs/classic/tournament.cfg \
    | sed 's/{ name = "gtft"; rule = "gtft"; },/{ name = "gtft"; rule = "gtft"; }/' >"$cfg"
echo "coopsim bench: tournament of 8 memory-one strategies, 200 turns, noise 0.05, $reps repetitions"
t1=$(seconds "$prog" tournament "$cfg" --set noise=0.05 --replicates "$reps" --threads 1 --quiet -o "$out/t1")
t2=$(seconds "$prog" tournament "$cfg" --set noise=0.05 --replicates "$reps" --threads 2 --quiet -o "$out/t2")
cmp -s "$out/t1/tournament.csv" "$out/t2/tournament.csv" || echo "WARNING: 1 and 2 threads differ"
awk -v s1="$t1" -v s2="$t2" -v r="$reps" 'BEGIN {
    turns = r * 36 * 200
    printf "threads=1: %.3f s  %.1f million turns/s\n", s1, turns / s1 / 1e6
    printf "threads=2: %.3f s  %.1f million turns/s (%.1f per core)\n", s2, turns / s2 / 1e6, turns / s2 / 2e6
    printf "speed-up 1 -> 2 threads: %.2f (target >= 1.8)\n", s1 / s2
    printf "throughput target (>= 50 million turns/s per core): %s\n", (turns / s1 >= 50e6) ? "met" : "NOT met"
}'

echo "coopsim bench: Nowak-May, L = $L, $gens generations (per-tie engine)"
base=$(seconds "$prog" run configs/classic/nowak_may.cfg --set network.L="$L" --set time.end=1 --threads 1 --quiet --force -o "$out/n0")
for t in 1 2; do
    s=$(seconds "$prog" run configs/classic/nowak_may.cfg --set network.L="$L" --set time.end=$((gens + 1)) --threads "$t" --quiet --force -o "$out/n$t")
    awk -v s="$s" -v b="$base" -v L="$L" -v g="$gens" -v t="$t" 'BEGIN {
        printf "threads=%d: %.3f s for %d generations (set-up %.3f s excluded): %.1f ns per cell-update (target <= 2)\n", t, s - b, g, b, (s - b) / (L * L * g) * 1e9 }'
done
