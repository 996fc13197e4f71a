#!/usr/bin/env bash
# make bench: throughput of the engine on the default scenario.
#
# Runs `coopsim run configs/eu_ca.cfg --series none` with 1 and with 2 threads,
# REPEAT times each, and prints the median wall time, replicate-runs per second
# per core, and the speed-up from 1 to 2 threads.  Targets (issue 3): at least
# 4,000 replicate-runs per second per core, speed-up at least 1.8.
set -euo pipefail
prog=${1:-build/coopsim}
config=${CONFIG:-configs/eu_ca.cfg}
reps=${REPLICATES:-8000}
repeat=${REPEAT:-5}
out=$(mktemp -d /tmp/coopsim-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

time_runs() { # threads -> median seconds
    local t=$1 i
    for ((i = 0; i < repeat; i++)); do
        local t0 t1
        t0=$(date +%s.%N)
        "$prog" run "$config" --series none --replicates "$reps" --threads "$t" \
            --quiet --force -o "$out/r" >/dev/null
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
    done | median
}

echo "coopsim bench: $config, $reps replicates, --series none, median of $repeat runs"
s1=$(time_runs 1)
s2=$(time_runs 2)
awk -v s1="$s1" -v s2="$s2" -v r="$reps" 'BEGIN {
    printf "threads=1: %.3f s  %.0f runs/s per core\n", s1, r / s1
    printf "threads=2: %.3f s  %.0f runs/s per core (%.0f runs/s)\n", s2, r / s2 / 2, r / s2
    printf "speed-up 1 -> 2 threads: %.2f (target >= 1.8)\n", s1 / s2
    printf "throughput target (>= 4000 runs/s per core): %s\n", (r / s1 >= 4000) ? "met" : "NOT met"
}'
