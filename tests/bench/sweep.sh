#!/usr/bin/env bash
# make bench: sweeps of the default scenario (issue 4).
#
# 1. Speed-up and throughput: configs/sweep_motivator.cfg (200 Latin-hypercube points of
#    configs/eu_ca.cfg, 50 replicates each: 10,000 runs, --series none) with 1 and with 2
#    threads, REPEAT times each, alternating; prints the best and the median wall time,
#    runs per second and the speed-up from 1 to 2 threads (target >= 1.8).  The best of
#    REPEAT is the one to read on a shared machine (other processes only ever slow a run
#    down).  The two results directories must be byte-identical.
# 2. Memory: a POINTS-point sweep (default 10,000: Sobol points over KZ's three motivator
#    strengths and engagement.delta) of configs/eu_ca.cfg with 10 replicates per point and
#    --series summary, under /usr/bin/time -v: peak resident memory (target < 200 MB
#    however many points) and throughput.  It writes about 1.2 MB of summary.csv a point
#    (12 GB for 10,000 points) into a temporary directory, removed at the end; set
#    POINTS=1000 for a quick check.
set -euo pipefail
prog=${1:-build/coopsim}
repeat=${REPEAT:-5}
points=${POINTS:-10000}
threads=${THREADS:-2}
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-bench-sweep-XXXXXX")
trap 'rm -rf "$out"' EXIT

if [ ! -x /usr/bin/time ]; then  # Debian package `time` (GNU time, for -v)
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

one_sweep() { # threads -> seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$prog" sweep configs/sweep_motivator.cfg --threads "$1" --quiet --force -o "$out/t$1" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

runs=$(( 200 * 50 ))
echo "coopsim bench (sweep): configs/sweep_motivator.cfg, 200 points x 50 replicates, --series none, $repeat runs each"
: >"$out/w1"; : >"$out/w2"
for ((i = 0; i < repeat; i++)); do
    one_sweep 1 >>"$out/w1"
    one_sweep 2 >>"$out/w2"
done
s1=$(sort -g "$out/w1" | head -1); m1=$(median <"$out/w1")
s2=$(sort -g "$out/w2" | head -1); m2=$(median <"$out/w2")
cmp -s "$out/t1/outcomes.csv" "$out/t2/outcomes.csv" && cmp -s "$out/t1/milestones.csv" "$out/t2/milestones.csv" \
    || { echo "FAIL: 1 and 2 threads wrote different files"; exit 1; }
awk -v s1="$s1" -v s2="$s2" -v m1="$m1" -v m2="$m2" -v r="$runs" 'BEGIN {
    printf "threads=1: best %.3f s (%.0f runs/s), median %.3f s\n", s1, r / s1, m1
    printf "threads=2: best %.3f s (%.0f runs/s), median %.3f s\n", s2, r / s2, m2
    printf "speed-up 1 -> 2 threads: %.2f best, %.2f median (target >= 1.8); files identical\n",
           s1 / s2, m1 / m2
}'

# The memory sweep: the default scenario, POINTS Sobol points, written as a configuration
# that includes eu_ca.cfg (libconfig resolves @include from the working directory).
cat >"$out/big.cfg" <<EOF
@include "$PWD/configs/eu_ca.cfg"
sweep = {
  method = "sobol";
  n = $points;
  parameters = (
    { path = "actors.KZ.motivator.initiative_impact"; min = 0.0; max = 0.5; },
    { path = "actors.KZ.motivator.demonstration"; min = 0.0; max = 0.5; },
    { path = "actors.KZ.motivator.brokerage"; min = 0.0; max = 0.5; },
    { path = "engagement.delta"; min = 0.01; max = 0.2; log = true; }
  );
};
EOF
echo "coopsim bench (sweep memory): configs/eu_ca.cfg, $points Sobol points x 10 replicates, --series summary, $threads threads"
/usr/bin/time -v "$prog" sweep "$out/big.cfg" --replicates 10 --series summary --threads "$threads" \
    --quiet -o "$out/big" 2>"$out/time.txt"
du -sh "$out/big" | awk '{print "results: " $1}'
awk -v p="$points" -F': ' '
    /Maximum resident set size/ { kb = $2 }
    /Elapsed \(wall clock\) time/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
    END {
        printf "peak resident memory: %.1f MB (target < 200 MB)\n", kb / 1024
        printf "wall: %.1f s  %.0f runs/s  %.1f points/s\n", s, p * 10 / s, p / s
        if (kb / 1024 >= 200) exit 1
    }' "$out/time.txt"
