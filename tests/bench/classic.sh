#!/usr/bin/env bash
# make bench: the classic models (issue 7, docs/VALIDATION.md).
#
# 1. Tournament: 8 memory-one strategies (allc, alld, tft, stft, tf2t, grim, wsls,
#    gtft), 200 turns, noise 0.05, REPS repetitions (default 20000, so that the
#    process start-up is negligible; the 100 repetitions take about 10 ms),
#    with 1 and 2 threads: turns per second.  Target: >= 50 million turns per
#    second per core, speed-up 1 -> 2 threads >= 1.8.
# 2. Nowak & May: L x L lattice (default L = 1000), GENS generations (default
#    1000; the 100 generations take about 0.1-0.3 s, less than the
#    run-to-run variation of the 2 s set-up), with 1 and 2 threads: nanoseconds per cell-update (payoff and
#    imitation), through the node kernel of sim/model/model.c (docs/ODD.md, "Node
#    kernel").  The set-up (building a network of 10^6 nodes, about 2 s) is
#    measured by a run of 1 generation and subtracted; each run is repeated
#    REPEAT times (default 3) and the fastest kept.  Within-run threads come from omp_get_max_threads(), so
#    the script sets OMP_NUM_THREADS as well as --threads.  Target: <= 2 ns on
#    one core, speed-up 1 -> 2 threads >= 1.8.  Measured as coopsim runs it (the
#    kernel skips the cumulative gains, which coopsim never reads).
#    ENGINE=general measures the general engine instead (--set
#    experiment.engine=general; docs/CONFIG.md); the default is auto.
# 3. Fermi imitation on the same lattice: see below.
set -euo pipefail
prog=${1:-build/coopsim}
reps=${REPS:-20000}
L=${L:-1000}
gens=${GENS:-1000}
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

engine=${ENGINE:-auto}
echo "coopsim bench: Nowak-May, L = $L, $gens generations (experiment.engine = $engine)"
repeat=${REPEAT:-3}
fastest() { # threads generations -> the fastest of $repeat runs of "${model[@]}", in seconds
    local best="" s
    for _ in $(seq "$repeat"); do
        s=$(OMP_NUM_THREADS=$1 seconds "$prog" run "${model[@]}" --set network.L="$L" \
            --set experiment.engine="${run_engine:-$engine}" \
            --set time.end="$2" --threads "$1" --quiet --force -o "$out/n$1")
        best=$(awk -v a="$s" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    echo "$best"
}
nowak() { # label generations target: 1 and 2 threads, ns per cell-update and the speed-up
    local t base s x1 x2 g=$2
    for t in 1 2; do
        base=$(fastest "$t" 1)
        s=$(fastest "$t" $((g + 1)))
        x=$(awk -v s="$s" -v b="$base" -v L="$L" -v g="$g" 'BEGIN { printf "%.3f", (s - b) / (L * L * g) * 1e9 }')
        [ "$t" = 1 ] && x1=$x || x2=$x
        awk -v s="$s" -v b="$base" -v t="$t" -v g="$g" -v x="$x" -v l="$1" -v tg="$3" 'BEGIN {
            printf "%s threads=%d: %.3f s for %d generations (set-up %.3f s excluded): %.2f ns per cell-update%s\n", l, t, s - b, g, b, x, tg }'
    done
    awk -v a="$x1" -v b="$x2" -v l="$1" 'BEGIN { printf "%s speed-up 1 -> 2 threads: %.2f (target >= 1.8)\n", l, a / b }'
}
model=(configs/classic/nowak_may.cfg)
nowak "$engine:" "$gens" " (target <= 2)"

# 3. Fermi imitation (K = 0.1, b = 1.05, half the nodes C at random) on the same
#    lattice: the rule draws random numbers, from one GSL stream per block of 4096
#    nodes derived from (run seed, block), so any thread count gives the same
#    numbers; the kernel makes the general engine's draws (tests/test_kernel.c).
#    FERMI_GENS generations (default 100); the general engine (experiment.engine = general)
#    for comparison on ENGINE_GENS (default 10) generations, fastest of ENGINE_REPEAT
#    (default 3: one run each read 1.52 to 2.00 on 2 threads on the development VM).
model=(configs/classic/nowak_may.cfg --set 'actor_template.rule="fermi"'
       --set actor_template.rule_params.K=0.1 --set network.initial_c=0.5 --set domains.pd.T=1.05)
echo "coopsim bench: Fermi imitation, L = $L (draws from one stream per block of nodes)"
nowak "fermi, $engine:" "${FERMI_GENS:-100}" ""
repeat=${ENGINE_REPEAT:-3} run_engine=general nowak "fermi, general engine:" "${ENGINE_GENS:-10}" ""
