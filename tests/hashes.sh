#!/usr/bin/env bash
# tests/hashes.sh PROG [MPIPROG]: the SHA-256 of every data file that a fixed set of
# workloads writes, one "hash  workload/file" line each, sorted.  A change that must
# not change results (a renovation, a refactor) compares the lists before and after:
#
#   tests/hashes.sh build/coopsim build/coopsim-mpi > /tmp/before.txt
#   ... change, rebuild ...
#   tests/hashes.sh build/coopsim build/coopsim-mpi | diff /tmp/before.txt -
#
# Workloads: `make run`'s hypothesis test (configs/eu_ca.cfg), every configs/classic
# configuration, the motivator sweep at 3 replicates, the historical validation, and,
# when MPIPROG is given, the same sweep under mpirun with 2 ranks.  Data files are
# every file a command writes except figures (figures/, which depend on gnuplot);
# a manifest's run group records when and where it ran, so its times are dropped and
# the temporary directory is replaced by OUT.
# HASH_QUICK=1 cuts the hypothesis test to 200 replicates.
set -euo pipefail
prog=${1:-build/coopsim}
mprog=${2:-}
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-hashes-XXXXXX")
trap 'rm -rf "$out"' EXIT
q=(--quiet --force)
hyp=()
[ "${HASH_QUICK:-0}" = 1 ] && hyp=(--replicates 200)

"$prog" hypothesis configs/eu_ca.cfg -o "$out/eu_ca" "${q[@]}" "${hyp[@]}" >/dev/null
for c in configs/classic/*.cfg; do
    n=$(basename "$c" .cfg)
    cmd=run
    [ "$n" = tournament ] && cmd=tournament
    "$prog" "$cmd" "$c" -o "$out/classic_$n" "${q[@]}" >/dev/null
done
"$prog" sweep configs/sweep_motivator.cfg --replicates 3 -o "$out/sweep" "${q[@]}" >/dev/null
"$prog" validate configs/eu_ca_history.cfg -o "$out/validate" "${q[@]}" >/dev/null
if [ -n "$mprog" ]; then
    OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1 \
        mpirun --allow-run-as-root --oversubscribe -np 2 \
        "$mprog" sweep configs/sweep_motivator.cfg --replicates 3 --threads 1 \
        -o "$out/sweep_mpi" "${q[@]}" >/dev/null
fi
cd "$out"
find . -type f -not -path '*/figures/*' -printf '%P\n' | LC_ALL=C sort | while IFS= read -r f; do
    printf '%s  %s\n' "$(sed -e "s#$out#OUT#g" -e '/^  \(started\|finished\|wall_seconds\) = /d' "$f" | sha256sum | cut -d' ' -f1)" "$f"
done
