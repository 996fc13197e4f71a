#!/bin/sh
# plot_fixtures.sh: regenerates the results directories tests/test_plot.c draws
# figures from (tests/data/plot_run, plot_hyp, plot_sweep, plot_hypsweep).
#
# Each is written by build/coopsim from a tiny scenario below (actors named EU,
# KZ, KG, UZ so that the observed milestones of configs/data/eu_ca_timeline.csv
# overlay the agreements figure), then made small enough to commit: summary.csv
# keeps only the rows the figures read (coop_target of every actor, engagement
# of the target EU, the population's coop_share) and every real is rounded to four
# significant digits.  Nothing else is changed, so each directory is still a
# results directory that `coopsim plot` reads like any other.  Run from the
# repository root after changing the results format:
#   sh tests/data/plot_fixtures.sh [build/coopsim]
set -eu
COOPSIM=${1:-build/coopsim}
TMP=$(mktemp -d /tmp/coopsim-fixtures-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# The base scenario: EU and three Central Asian states, yearly steps 1991-2011.
base() {
    cat <<EOF
experiment = { name = "$1"; seed = 11; replicates = 6; rng = "mt19937"; };
time = { start = 1991.0; end = 2011.0; steps_per_year = 1; };
output = { series = "$2"; };
institutions = {
  levels = [ "none", "framework_signed", "framework_in_force", "enhanced" ];
  theta = [ 0.0, 0.2, 0.35, 0.5 ];
  omega = [ 0.0, 0.2, 0.4, 0.6 ];
  tau = 2;
};
domains = ( { name = "trade"; R = 4.0; S = 1.0; T = 3.0; P = 0.0; } );
actors = (
  { name = "EU"; kind = "union"; engagement = 0.3; propensity = 0.6;
    rule_params = { learning_rate = 0.2; }; },
  { name = "KZ"; region = "ca"; openness = 0.8; propensity = 0.5;
    rule_params = { learning_rate = 0.2; };
    motivator = { target = "EU"; initiative_rate = 0.1; initiative_impact = 0.3;
                  demonstration = 0.3; brokerage = 0.1; }; },
  { name = "KG"; region = "ca"; openness = 0.7; propensity = 0.4;
    rule_params = { learning_rate = 0.2; }; },
  { name = "UZ"; region = "ca"; openness = 0.5; propensity = 0.4;
    rule_params = { learning_rate = 0.2; }; }
);
ties = ( { a = "EU"; b = "KZ"; }, { a = "EU"; b = "KG"; }, { a = "EU"; b = "UZ"; },
         { a = "KZ"; b = "KG"; }, { a = "KZ"; b = "UZ"; rivalry = 0.3; } );
EOF
}

base plot_run summary > "$TMP/run.cfg"
echo 'hypothesis = { motivator = "KZ"; target = "EU"; window_years = 5.0; };' >> "$TMP/run.cfg"

base plot_hyp summary > "$TMP/hyp.cfg"
cat >> "$TMP/hyp.cfg" <<'EOF'
hypothesis = { motivator = "KZ"; target = "EU"; window_years = 5.0; placebo = [ "KG" ];
               bootstrap = 200; };
EOF

base plot_sweep none > "$TMP/sweep.cfg"
cat >> "$TMP/sweep.cfg" <<'EOF'
hypothesis = { motivator = "KZ"; target = "EU"; window_years = 5.0; };
sweep = { method = "grid";
          parameters = ( { path = "actors.KZ.motivator.demonstration";
                           values = [ 0.0, 0.5, 1.0 ]; } ); };
EOF

base plot_hypsweep none > "$TMP/hypsweep.cfg"
cat >> "$TMP/hypsweep.cfg" <<'EOF'
hypothesis = { motivator = "KZ"; target = "EU"; window_years = 5.0; bootstrap = 100; };
sweep = { method = "grid";
          parameters = ( { path = "actors.KZ.motivator.demonstration"; values = [ 0.0, 1.0 ]; },
                         { path = "actors.KZ.motivator.brokerage"; values = [ 0.0, 0.5 ]; } ); };
EOF

"$COOPSIM" run "$TMP/run.cfg" --quiet -o "$TMP/plot_run"
"$COOPSIM" hypothesis "$TMP/hyp.cfg" --quiet -o "$TMP/plot_hyp" >/dev/null
"$COOPSIM" sweep "$TMP/sweep.cfg" --quiet -o "$TMP/plot_sweep"
"$COOPSIM" hypothesis "$TMP/hypsweep.cfg" --quiet -o "$TMP/plot_hypsweep" >/dev/null

for d in plot_run plot_hyp plot_sweep plot_hypsweep; do
    rm -rf "tests/data/$d"
    mkdir -p "tests/data/$d"
    cp "$TMP/$d/manifest.cfg" "tests/data/$d/"
    for f in "$TMP/$d"/*.csv; do
        name=$(basename "$f")
        case $name in
            summary.csv) keep='NR == 1 || $6 == "coop_target" || $6 == "coop_share" || ($6 == "engagement" && $5 == "EU")' ;;
            *) keep='1' ;;
        esac
        # Round reals (fields with a decimal point or an exponent) to 4 digits.
        awk -F, -v OFS=, "$keep"' {
            for (i = 1; i <= NF; i++)
                if (NR > 1 && $i ~ /^-?[0-9]*\.[0-9]+(e[-+]?[0-9]+)?$|^-?[0-9]+e[-+]?[0-9]+$/)
                    $i = sprintf("%.4g", $i) + 0
            print }' "$f" > "tests/data/$d/$name"
    done
done
du -sh tests/data/plot_run tests/data/plot_hyp tests/data/plot_sweep tests/data/plot_hypsweep
