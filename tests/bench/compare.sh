#!/usr/bin/env bash
# tests/bench/compare.sh BASE NEW: two builds of coopsim timed side by side on the
# same machine, runs interleaved (base, new, base, new, ...), median of N (default 5)
# per workload, and the ratio new/base.  For a change that must not cost speed (a
# refactor): build the previous commit in a git worktree and compare, e.g.
#   git worktree add /tmp/base HEAD~1 && make -C /tmp/base all
#   tests/bench/compare.sh /tmp/base/build/coopsim build/coopsim
# Workloads: the default scenario at 1 and 2 threads (3000 replicates, --series
# none), Nowak-May at L = 200 (the node kernel), the Fermi ring (the general
# engine), the motivator sweep at 5 replicates.
set -euo pipefail
base=${1:?usage: compare.sh BASE NEW}
new=${2:?usage: compare.sh BASE NEW}
n=${N:-5}
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-compare-XXXXXX")
trap 'rm -rf "$out"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
secs() { # command... -> wall seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}

names=(eu_ca_1_thread eu_ca_2_threads nowak_may_L200 fermi_ring sweep_5_replicates)
loads=(
    "run configs/eu_ca.cfg --series none --replicates 3000 --threads 1"
    "run configs/eu_ca.cfg --series none --replicates 3000 --threads 2"
    "run configs/classic/nowak_may.cfg --set network.L=200"
    "run configs/classic/fermi_ring.cfg"
    "sweep configs/sweep_motivator.cfg --replicates 5 --series none"
)
echo "coopsim compare: median of $n interleaved runs; ratio new/base (below 1: new is faster)"
for k in "${!names[@]}"; do
    : >"$out/b"; : >"$out/n"
    for ((i = 0; i < n; i++)); do
        # shellcheck disable=SC2086
        secs "$base" ${loads[k]} --quiet --force -o "$out/rb" >>"$out/b"
        # shellcheck disable=SC2086
        secs "$new" ${loads[k]} --quiet --force -o "$out/rn" >>"$out/n"
    done
    b=$(median <"$out/b"); m=$(median <"$out/n")
    awk -v k="${names[k]}" -v b="$b" -v m="$m" \
        'BEGIN { printf "%-20s base %7.3f s   new %7.3f s   new/base %.3f\n", k, b, m, m / b }'
done
