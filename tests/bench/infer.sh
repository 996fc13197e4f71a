#!/usr/bin/env bash
# make bench: `coopsim infer` (docs/INFERENCE.md).
#
# 1. The known answer at a larger population: configs/infer/coin.cfg with 5000
#    particles; the posterior of p must be Beta(8, 14) (mean 0.3636, sd 0.1003) and
#    P(fair) 0.6082.
# 2. The inference's own cost (issue 16: at most 10% on top of the simulations it
#    runs): `coopsim infer` on configs/eu_ca_history.cfg stopped after GENS
#    generations (no predictive checks), on one thread, against `coopsim run` of as
#    many replicates (--series none) on one thread: simulations per CPU second of
#    each, side by side (CPU time, since the machine may be shared; wall times too).
set -euo pipefail
prog=${1:-build/coopsim}
gens=${GENS:-4}
out=$(mktemp -d /tmp/coopsim-bench-XXXXXX)
tmpcfg=configs/.bench_infer_$$.cfg
trap 'rm -rf "$out" "$tmpcfg" configs/.bench_coin_$$.cfg' EXIT

sed 's/population = 1000;/population = 5000;/' configs/infer/coin.cfg >configs/.bench_coin_$$.cfg
"$prog" infer configs/.bench_coin_$$.cfg -o "$out/coin" --quiet --threads 2 >/dev/null
echo "coopsim bench infer: coin.cfg with 5000 particles (exact: Beta(8, 14), P(fair) 0.6082)"
awk -F, 'NR == 2 { printf "  p: mean %.4f (0.3636), sd %.4f (0.1003), q2.5 %.4f (0.1810), q97.5 %.4f (0.5697)\n", $6, $7, $8, $10 }' \
    "$out/coin/infer_summary.csv"
awk -F, '$2 == "fair" { p = $3 } END { printf "  P(fair) %.4f (0.6082)\n", p }' "$out/coin/models.csv"

sed "s/max_generations = 8;/max_generations = $gens;\n  predictive = 0;/" configs/eu_ca_history.cfg >"$tmpcfg"
TIMEFORMAT='%U %R'
ti=$( { time "$prog" infer "$tmpcfg" -o "$out/inf" --quiet --threads 1 >/dev/null; } 2>&1 )
sims=$(awk -F, 'NR > 1 { s += $3 } END { print s }' "$out/inf/generations.csv")
tr=$( { time "$prog" run configs/eu_ca_history.cfg --series none --replicates "$sims" --threads 1 \
    --quiet --force -o "$out/run" >/dev/null; } 2>&1 )
awk -v ti="$ti" -v tr="$tr" -v n="$sims" -v g="$gens" 'BEGIN {
    split(ti, a, " "); split(tr, b, " ")
    ri = n / a[1]; rr = n / b[1]
    printf "eu_ca_history.cfg, %d generations, %d simulations, one thread (CPU time; wall %.1f s and %.1f s):\n", g, n, a[2], b[2]
    printf "  coopsim infer %.0f simulations/s, coopsim run %.0f runs/s: overhead %.1f%% (target <= 10%%)\n", ri, rr, 100 * (rr / ri - 1)
    printf "  1,000,000 simulations on 2 cores at this rate: %.0f s (target <= 600)\n", 1e6 / (2 * ri)
}'
