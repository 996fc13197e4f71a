#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target of tests/fuzz/ (built by the Makefile with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer) for SECONDS seconds
# (default 60; FUZZ_SECONDS in make) from a seed corpus, with a dictionary of the
# configuration's keys taken from docs/CONFIG.md.
#   fuzz_config: configuration files (seeds: configs/, tests/bad/)
#   fuzz_set:    --set overrides on configs/eu_ca.cfg (seeds: below)
# The corpus grows in DIR/corpus/ and is kept between runs; an input that breaks a
# property (tests/fuzz/fuzz.h) is saved as DIR/crashes/TARGET-crash-HASH, and the
# script exits 1.  Reproduce one with: DIR/fuzz_TARGET DIR/crashes/FILE
set -euo pipefail
dir=${1:-build/fuzz}
secs=${2:-60}
mkdir -p "$dir/corpus/config" "$dir/corpus/set" "$dir/crashes"

cp configs/*.cfg configs/classic/*.cfg tests/bad/*.cfg "$dir/corpus/config/"
seed=0
while IFS= read -r line; do
    seed=$((seed + 1))
    printf '%b' "$line" >"$dir/corpus/set/seed$seed"
done <<'SEEDS'
actors.KZ.openness=0.7
domains.security.T=5\nnoise=0.05
experiment.seed=7\nexperiment.replicates=3
time.end=2000.0\ntime.steps_per_year=2
institutions.theta=[0.0,0.2,0.5,0.7]\ninstitutions.tau=2
hypothesis.placebo=["KG"]\nhypothesis.window_years=5
output.snapshots=[0,10]\noutput.series="full"
actors.KZ.motivator.initiative_rate=0.5\nactors.EU.attention_budget=2
actors.UZ.rule="fermi"\nactors.UZ.rule_params.K=0.2
engagement.alpha=0.5\nengagement.delta=0.1\nupdate_every=3
interaction="node"\nexperiment.rng="mt19937"
SEEDS

{
    for t in '=' ';' '{' '}' '(' ')' '[' ']' ',' '\"' 'L' 'true' 'false' '1e9' '-1' '0.5'; do
        printf '"%s"\n' "$t"
    done
    grep -o '^| `[A-Za-z_.]*`' docs/CONFIG.md | sed 's/^| `//; s/`$//' | tr '.' '\n' | sort -u \
        | grep -v '^$' | sed 's/.*/"&"/'
} >"$dir/config.dict"

export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fail=0
for t in config set; do
    echo "make fuzz: fuzz_$t for $secs s"
    "$dir/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -max_len=16384 \
        -dict="$dir/config.dict" -artifact_prefix="$dir/crashes/$t-" -print_final_stats=1 \
        "$dir/corpus/$t" </dev/null 2>"$dir/fuzz_$t.log" || fail=1
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' "$dir/fuzz_$t.log" || true
    if [ "$fail" = 1 ]; then
        tail -40 "$dir/fuzz_$t.log"
        echo "make fuzz: fuzz_$t found an input that breaks a property: $dir/crashes/"
        exit 1
    fi
done
echo "make fuzz: no crash, leak, undefined behaviour or broken round trip"
