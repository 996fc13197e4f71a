#!/usr/bin/env bash
# make bench: sweeps across processes with MPI (issue 9, docs/CLUSTER.md "Sizing").
#
# 1. Parallel efficiency on this machine: configs/sweep_motivator.cfg (200 points x 50
#    replicates = 10,000 work items, --series none) run by build/coopsim with 1 thread
#    (T1) and 2 threads, and by build/coopsim-mpi under mpirun with 2 ranks x 1 thread
#    and 1 rank x 2 threads; REPEAT times each (best of REPEAT is reported).  Efficiency
#    = T1 / (2 x T).  Every results directory must be byte-identical to the first.
# 2. On paper, for N nodes of T threads: rank 0 handles every record serially (receive,
#    unpack, write), h = o + b/W + s per work item, while the cluster finishes
#    N x T / t_item items a second; a worker also sends its block after computing it.
#       E(N) ~= min(1, t_item / (N x T x h)) x  t_item / (t_item + T x (o + b/W))
#    t_item: measured (T1 / items); b: bytes sent per item (the record's message: 8 + 8 x 6
#    outcomes + 4 x ties x levels milestones, + the per-step arrays with --series
#    summary|full); s: rank 0's own serial cost per item (sink calls, receiving and
#    unpacking), measured by the 2-rank run (COOPSIM_MPI_STATS=1); o and W: the
#    network's per-message overhead and bandwidth (InfiniBand-class: 2 us, 10 GB/s).
#    Compare the plain 1 x 2 threads line with the MPI lines: on a shared machine
#    both lose to the other load alike.
set -euo pipefail
prog=${1:-build/coopsim}
mprog=${2:-build/coopsim-mpi}
repeat=${REPEAT:-3}
nodes=${NODES:-100}
tpn=${TPN:-32}              # threads per node on the imagined cluster
o_us=${O_US:-2}             # per-message overhead, microseconds
w_gbs=${W_GBS:-10}          # bandwidth, GB/s
cfg=configs/sweep_motivator.cfg
items=$(( 200 * 50 ))
if [ ! -x "$mprog" ]; then
    echo "coopsim bench (mpi): $mprog missing (make mpi): skipped"
    exit 0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-bench-mpi-XXXXXX")
trap 'rm -rf "$out"' EXIT
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
mpirun="mpirun --allow-run-as-root --oversubscribe"

secs() { # command... -> wall seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
best() { sort -g | head -1; }

echo "coopsim bench (mpi): $cfg, $items work items, --series none, best of $repeat"
declare -A t
for k in $(seq "$repeat"); do
    t[t1]+="$(secs "$prog" sweep $cfg --threads 1 --quiet --force -o "$out/t1") "
    t[t2]+="$(secs "$prog" sweep $cfg --threads 2 --quiet --force -o "$out/t2") "
    t[r2]+="$(secs $mpirun -np 2 --bind-to core "$mprog" sweep $cfg --threads 1 --quiet --force -o "$out/r2") "
    t[r1]+="$(secs $mpirun -np 1 --bind-to none "$mprog" sweep $cfg --threads 2 --quiet --force -o "$out/r1") "
done
for d in t2 r2 r1; do
    for f in "$out"/t1/*.csv; do
        cmp -s "$f" "$out/$d/$(basename "$f")" || { echo "FAIL: $d/$(basename "$f") differs"; exit 1; }
    done
done
T1=$(echo ${t[t1]} | tr ' ' '\n' | best)
for key in t2 r2 r1; do
    T=$(echo ${t[$key]} | tr ' ' '\n' | best)
    case $key in
        t2) what="build/coopsim, 1 process x 2 threads   ";;
        r2) what="coopsim-mpi, 2 ranks x 1 thread       ";;
        r1) what="coopsim-mpi, 1 rank x 2 threads       ";;
    esac
    awk -v w="$what" -v t="$T" -v t1="$T1" 'BEGIN { printf "  %s %7.3f s  speed-up %.2f  efficiency %.0f%%\n", w, t, t1 / t, 100 * t1 / (2 * t) }'
done
echo "  (1 process x 1 thread: $T1 s; the mpirun times include about 0.3 s of MPI start-up)"

# On paper.
ties=$("$prog" check $cfg | awk '/^ties = \(/{f=1;next} f&&/^\);/{f=0} f&&/^    a = /{n++} END{print n}')
levels=$("$prog" check $cfg | awk -F'[][]' '/^  levels = \[/{print split($2, a, ",")}')
bytes=$(( 8 + 8 * 6 + 4 * ties * levels ))
stats=$(COOPSIM_MPI_STATS=1 $mpirun -np 2 "$mprog" sweep $cfg --threads 1 --quiet --force \
        -o "$out/stats" 2>&1 >/dev/null | grep 'coopsim-mpi: rank 0')
echo "  $stats"
S=$(echo "$stats" | awk '{for (i = 1; i <= NF; i++) if ($i == "us") v += $(i - 1); print v}')
awk -v t1="$T1" -v n="$items" -v b="$bytes" -v s="$S" -v N="$nodes" -v T="$tpn" \
    -v o="$o_us" -v W="$w_gbs" 'BEGIN {
    ti = t1 / n * 1e6; h = o + b / (W * 1e3) + s;
    root = ti / (N * T * h); if (root > 1) root = 1;
    wk = ti / (ti + T * (o + b / (W * 1e3)));
    printf "on paper: t_item %.1f us (one thread), %d bytes sent per item, rank 0 %.1f us per item (s = %.1f us measured, o = %g us, W = %g GB/s)\n", ti, b, h, s, o, W;
    printf "  %d nodes x %d threads: rank 0 bound %.0f%%, worker send %.0f%%: expected efficiency %.0f%%\n", N, T, 100 * root, 100 * wk, 100 * root * wk;
    need = N * T * h / 0.9;
    printf "  (90%% needs t_item >= %.0f us: longer runs, more replicates per item, or fewer nodes)\n", need;
}'
