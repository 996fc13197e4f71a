#!/usr/bin/env bash
# make bench: the size of `coopsim hypothesis` under a true null (issue 15, item 8).
#
# tests/data/hyp_twin.cfg makes KG an exact copy of the motivator KZ in a symmetric
# position, so factual (KZ holds the role) vs placebo:KG (KG holds it instead) is a
# true null on its primary outcome regional_cohesion, which is symmetric in KZ and
# KG.  SEEDS experiments (default 400; seeds 1..SEEDS, unseen by tests/test_hypothesis.c,
# which uses 5000 and up), each of the config's 30 replicates per world, are run
# through the command line, once with the default SESOI (0.02) and once with
# hypothesis.sesoi.regional_cohesion = 0 (no threshold: the verdict is then the
# paired t-test's, each direction at alpha / 2).  For the placebo comparison's
# primary outcome it prints the rate of each verdict and of raw rejections (paired
# t-test p < alpha = 0.05, either sign) with exact 95% Clopper-Pearson intervals
# (tests/bench/binom_ci.c).  Under the null, supported and contradicted are false
# claims: their rate should be at most alpha / 2 each (about alpha / 2 with SESOI 0,
# far below with a SESOI); raw rejections about alpha; negligible is the
# equivalence test's power at this many replicates.  About a minute on 2 cores.
set -euo pipefail
prog=${1:-build/coopsim}
seeds=${SEEDS:-400}
cfg=tests/data/hyp_twin.cfg
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-bench-null-XXXXXX")
trap 'rm -rf "$out"' EXIT

tests/bench/helpers.sh "$out" # binom_ci

# One line per seed: verdict and p_t of (placebo:KG, regional_cohesion).
run() { # $1: label, the rest: extra options
    local label=$1; shift
    for s in $(seq 1 "$seeds"); do
        "$prog" hypothesis "$cfg" --seed "$s" -o "$out/r" --force --quiet --threads 1 "$@" \
            > /dev/null
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
                 $col["comparison"] == "placebo:KG" && $col["outcome"] == "regional_cohesion" {
                     print $col["verdict"], $col["p_t"] }' "$out/r/hypothesis.csv"
    done > "$out/$label.txt"
    awk -v L="$label" -v n="$seeds" '
        { v[$1]++; if ($2 + 0 < 0.05) raw++ }
        END { split("supported contradicted negligible inconclusive", k, " ")
              for (i = 1; i <= 4; i++) print L ":" k[i], v[k[i]] + 0, n
              print L ":raw_t_rejection", raw + 0, n }' "$out/$label.txt" | "$out/binom_ci"
}

echo "Null: $cfg, factual vs placebo:KG (an exact copy of KZ), regional_cohesion;"
echo "$seeds experiments of 30 pairs; alpha = 0.05 (rates with 95% Clopper-Pearson CIs):"
start=$(date +%s)
run sesoi_0.02
run sesoi_0 --set hypothesis.sesoi.regional_cohesion=0
echo "($(( $(date +%s) - start )) s)"
