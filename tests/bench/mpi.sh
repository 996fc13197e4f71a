#!/usr/bin/env bash
# make bench: experiments across processes with MPI (issue 18 item 1; docs/CLUSTER.md, "Sizing").
#
# 1. This machine: configs/sweep_motivator.cfg (200 points x 50 replicates = 10,000 work
#    items, --series none; SWEEP_REPLICATES replicates per point instead of 50) run by build/coopsim with 1 thread (T1) and 2 threads, and by
#    build/coopsim-mpi under mpirun with 2 ranks x 1 thread and 1 rank x 2 threads, in
#    REPEAT interleaved rounds (default 5); medians.  Target: 2 ranks x 1 thread within
#    10% of 2 OpenMP threads.  Every results directory must be byte-identical to T1's.
# 2. Rank 0's serial cost per work item h (its CPU time receiving and in sink calls,
#    COOPSIM_MPI_STATS=1, 2 ranks x 1 thread, median of REPEAT) for the sweep and for a
#    hypothesis test (configs/eu_ca.cfg --series none, HYP_REPLICATES replicates x its 10
#    worlds; the per-point statistics, run by rank 0, included), next to the target
#    t_item / 2000.  h counts every item, rank 0's own included (whose rows rank 0 writes
#    itself); with the workers writing their own rows (direct writes, the default) the
#    benchmark also prints h_w, what an item a worker ran costs rank 0: the sink time of
#    workers' blocks, each committed as one unit (point_done and rank 0's writes aside),
#    plus, over the block size B, the receive time per block (the descriptor's message, or
#    the word that the worker put it into rank 0's window, and taking its slots) and the
#    steering messages per block (requests, blocks handed out, placements, syncs; each
#    timed with two clock readings of about 0.6 us here, counted as cost).  Rank 0 commits a worker's block as one unit, so
#    h_w falls with B: it is measured at this machine's blocks (16 items per worker
#    thread) and, for the model, at the cluster's B = min(512, 16 TPN) (COOPSIM_MPI_BLOCK,
#    which changes no result; these runs have BLK_RUNS = 6 times the items, so that the
#    worker sends some 65 blocks and their one-off costs fade); rank 0's point_done time (checkpoints:
#    per unit of time; summaries and statistics: per point) is printed as a share of the
#    run's wall time.  With COOPSIM_MPI_WRITE=root the same for rank 0 writing every row
#    (the previous path, still the fallback), and with OLD_MPI=path (build/coopsim-mpi of
#    the previous implementation, e.g. built in a second git worktree) for that one, and
#    the ratios.  Also: the bytes rank 0 receives and the bytes written per item, and what
#    writing them costs here (the kernel's write, measured with dd as CPU s per byte).
# 3. On paper, N nodes of T threads (NODES, TPN; default 100 x 32): rank 0 handles
#    (1 - p) / h_w items a second (p: its point_done share) while the cluster finishes
#    N x T / t_item; a worker sends one message per block of B = min(512, 16 T) items:
#       E ~= min(1, (1 - p) t_item / (N x T x h_w)) x t_item / (t_item + T x (o / B + b / W))
#    o and W: the network's per-message overhead and bandwidth (InfiniBand-class: 2 us,
#    10 GB/s); the worker's own pwrite of its rows is part of its t_item.  Target: E >= 80%
#    for the sweep and the hypothesis test, with h_w as measured here.  Descriptors of 4 kB
#    or more are put by the worker into rank 0's memory (MPI_Put; COOPSIM_MPI_PUT): rank 0's
#    receive is then a word and MPI_Win_sync, whatever the bytes, on a cluster's network
#    (RDMA) as here.  Smaller ones come as messages, and a message above Open MPI's eager
#    limit is copied by rank 0 itself (cross-memory attach, about 0.5 GB/s on the
#    development VM).  The model is also printed with rank 0's receive costed as the
#    workers' sends are (o / B + b / W per item, b the bytes rank 0 receives).
# 4. The statistics after the items (docs/CLUSTER.md, "The statistics phase").
#    One point (the hypothesis test above, one thread): its statistics' CPU time and
#    largest task, as the test runs them on a few threads (a task per comparison and per
#    channel outcome) and split as on many threads (COOPSIM_HYP_PARTS=8: each comparison's
#    bootstraps in 8 parts), so that a point on TH threads (default 16) takes about
#    items / TH + max(statistics / TH, largest task).  A hypothesis sweep
#    (configs/sweep_motivator.cfg, HSWEEP_REPLICATES replicates x its 10 worlds per point,
#    default 20, run once on 2 threads; then its statistics again with --resume under
#    mpirun -np 2, COOPSIM_MPI_STATS): rank 0's cost per point, the farm's messages per
#    task the workers ran (m: receiving and putting in place its packed result) and the
#    serial part (finding the points, assembling, writing their rows: s), and the tasks'
#    CPU time per item.  On paper at N x T, a point of I items costs
#       I max(t_item / P, h_w) + max(I t_s / P, k m) + s
#    (P = N T, t_s the statistics' CPU per item, k tasks a point: rank 0's messages run
#    while the tasks do, its serial part after them), against I (t_item + t_s) / P: the
#    efficiency at the sweep's replicates and the replicates from which it is >= 80%.
set -euo pipefail
prog=${1:-build/coopsim}
mprog=${2:-build/coopsim-mpi}
old=${OLD_MPI:-}
repeat=${REPEAT:-5}
nodes=${NODES:-100}
tpn=${TPN:-32}              # threads per node on the imagined cluster
o_us=${O_US:-2}             # per-message overhead, microseconds
w_gbs=${W_GBS:-10}          # bandwidth, GB/s
hyp_reps=${HYP_REPLICATES:-1000}
blk_runs=${BLK_RUNS:-6}     # the cluster-block runs have this many times the items
cfg=configs/sweep_motivator.cfg
hcfg=configs/eu_ca.cfg
sweep_reps=${SWEEP_REPLICATES:-50}  # replicates per point of the sweep (its default: 50)
sr=(--replicates "$sweep_reps")
items=$(( 200 * sweep_reps ))
if [ ! -x "$mprog" ]; then
    echo "coopsim bench (mpi): $mprog missing (make mpi): skipped"
    exit 0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-bench-mpi-XXXXXX")
trap 'rm -rf "$out"' EXIT
export OMPI_MCA_rmaps_base_oversubscribe=1
mpirun="mpirun --allow-run-as-root --oversubscribe"
q=(--quiet --force)
# Open MPI's shared-memory copy: with cross-memory attach (cma, the default) rank 0
# copies a received block itself inside MPI_Irecv, which COOPSIM_MPI_STATS counts
# as receiving; with copy-in/copy-out (none, for containers without cma) the copy
# is spread over the polls that follow and is not counted.  So cma where it works.
copy=${MPI_COPY:-cma}
if [ "$copy" = cma ] && ! OMPI_MCA_btl_vader_single_copy_mechanism=cma COOPSIM_MPI_BLOCK=256 \
        timeout 60 $mpirun -np 2 "$mprog" sweep tests/data/sweep_small.cfg --series none \
        --replicates 200 --threads 1 "${q[@]}" -o "$out/cma" >/dev/null 2>&1; then
    echo "coopsim bench (mpi): cross-memory attach does not work here: copy-in/copy-out (receive times understated)"
    copy=none
fi
export OMPI_MCA_btl_vader_single_copy_mechanism=$copy

secs() { # command... -> wall seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "coopsim bench (mpi): $cfg, $items work items, --series none, median of $repeat interleaved rounds (Open MPI shared-memory copy: $copy)"
declare -A t
for k in $(seq "$repeat"); do
    t[t1]+="$(secs "$prog" sweep $cfg "${sr[@]}" --threads 1 "${q[@]}" -o "$out/t1") "
    t[t2]+="$(secs "$prog" sweep $cfg "${sr[@]}" --threads 2 "${q[@]}" -o "$out/t2") "
    t[r2]+="$(secs $mpirun -np 2 --bind-to none "$mprog" sweep $cfg "${sr[@]}" --threads 1 "${q[@]}" -o "$out/r2") "
    t[r1]+="$(secs $mpirun -np 1 --bind-to none "$mprog" sweep $cfg "${sr[@]}" --threads 2 "${q[@]}" -o "$out/r1") "
    [ -z "$old" ] || t[o2]+="$(secs $mpirun -np 2 --bind-to none "$old" sweep $cfg "${sr[@]}" --threads 1 "${q[@]}" -o "$out/o2") "
    t[su]+="$(secs $mpirun -np 2 --bind-to none "$mprog" --version) "  # mpirun's start-up
done
SU=$(echo ${t[su]} | tr ' ' '\n' | median)
keys="t2 r2 r1"
[ -z "$old" ] || keys="$keys o2"
for d in $keys; do
    for f in "$out"/t1/*.csv; do
        cmp -s "$f" "$out/$d/$(basename "$f")" || { echo "FAIL: $d/$(basename "$f") differs"; exit 1; }
    done
done
T1=$(echo ${t[t1]} | tr ' ' '\n' | median)
T2=$(echo ${t[t2]} | tr ' ' '\n' | median)
for key in $keys; do
    T=$(echo ${t[$key]} | tr ' ' '\n' | median)
    case $key in
        t2) what="build/coopsim, 1 process x 2 threads   ";;
        r2) what="coopsim-mpi, 2 ranks x 1 thread       ";;
        r1) what="coopsim-mpi, 1 rank x 2 threads       ";;
        o2) what="OLD_MPI, 2 ranks x 1 thread           ";;
    esac
    awk -v w="$what" -v t="$T" -v t1="$T1" -v t2="$T2" -v k="$key" -v su="$SU" 'BEGIN {
        printf "  %s %7.3f s  speed-up %.2f  efficiency %.0f%%", w, t, t1 / t, 100 * t1 / (2 * t);
        if (k != "t2")
            printf "  time / 2 threads %.2f, %.2f without mpirun'"'"'s start-up (target <= 1.10)",
                   t / t2, (t - su) / t2;
        printf "\n" }'
done
echo "  (1 process x 1 thread: $T1 s; the mpirun times include MPI's start-up: $SU s for mpirun -np 2 coopsim-mpi --version)"

# COOPSIM_MPI_STATS's lines -> "h bytes_per_item items sink_w recv_per_msg point_ms wall_s
# steer_per_block stats_serial farm_ms" (the last two: a hypothesis test's statistics, rank 0's
# serial part per item and its farm messages in all):
# h the sum of the line's "us sink" and "us receive", the others "-" when not printed.
stats_h() { # prog args...
    local t0 t1
    t0=$(date +%s.%N)
    "$@" 2>"$out/stats.err" >/dev/null
    t1=$(date +%s.%N)
    awk -v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
        /items delivered/ { for (i = 1; i <= NF; i++) {
                                if ($i == "us" && ($(i + 1) == "sink" || $(i + 1) == "receive")) h += $(i - 1)
                                if ($i == "bytes") b = substr($(i - 1), 2) }
                            n = $6 }
        /receive time per message/ { rm = $(NF - 1) }
        /per worker.s item/ { sw = $(NF - 1) }
        /in point_done/ { for (i = 1; i <= NF; i++) if ($i == "ms") pm = $(i - 1) }
        /steering messages/ { for (i = 1; i <= NF; i++) if ($i == "block" && $(i + 1) == "received") sb = $(i - 3) }
        /hypothesis statistics:/ { ss = $(NF - 3) }
        /farm tasks,/ { for (i = 1; i <= NF; i++) if ($i == "took") fm = $(i + 1) }
        END { print h, b, n, sw == "" ? "-" : sw, rm == "" ? "-" : rm, pm == "" ? "-" : pm, wall,
                    sb == "" ? "-" : sb, ss == "" ? "-" : ss, fm == "" ? "-" : fm }' \
        "$out/stats.err"
}
declare -A h b hw rm pf sg ss fm
# blk: the new program with the cluster's block size (COOPSIM_MPI_BLOCK = B = min(512, 16 TPN)),
# which the 1-thread worker here would not get (its blocks are 16 items).
bc=$(( 16 * tpn < 512 ? 16 * tpn : 512 ))
whiches="new blk root"
[ -z "$old" ] || whiches="$whiches old"
for k in $(seq "$repeat"); do
    for which in $whiches; do
        p=$mprog; mode=auto; blk=
        [ "$which" = old ] && p=$old
        [ "$which" = root ] && mode=root
        [ "$which" = blk ] && blk=$bc
        # the cluster's blocks: BLK_RUNS times the items, so that the worker sends enough
        # blocks (about 65 of 512 items) for their cost to be a steady state's
        x=1; [ "$which" = blk ] && x=$blk_runs
        for kind in s h; do
            if [ $kind = s ]; then args=(sweep $cfg --replicates $(( sweep_reps * x )));
            else args=(hypothesis $hcfg --series none --replicates $(( hyp_reps * x ))); fi
            read -r hv bv ni swv rmv pmv wall sgv ssv fmv < <(COOPSIM_MPI_STATS=1 COOPSIM_MPI_WRITE=$mode COOPSIM_MPI_BLOCK=$blk stats_h \
                $mpirun -np 2 --bind-to none "$p" "${args[@]}" --threads 1 "${q[@]}" -o "$out/${kind}_$which")
            h[${kind}_$which]+="$hv "; b[${kind}_$which]=$bv
            [ $kind = h ] && [ "$which" = new ] && hitems=$ni
            [ "$swv" = - ] || hw[${kind}_$which]+="$swv "
            [ "$rmv" = - ] || rm[${kind}_$which]+="$rmv "
            [ "$sgv" = - ] || sg[${kind}_$which]+="$sgv "
            [ "$ssv" = - ] || [ "$which" != new ] || ss[${kind}]+="$ssv "
            [ "$fmv" = - ] || [ "$which" != new ] || fm[${kind}]+="$(awk -v f="$fmv" -v n="$ni" 'BEGIN { print 1000 * f / n }') "
            [ "$pmv" = - ] || pf[${kind}_$which]+="$(awk -v p="$pmv" -v w="$wall" 'BEGIN { print p / 1000 / w }') "
        done
    done
done
med() { [ -n "${1:-}" ] && echo $1 | tr ' ' '\n' | median || echo ""; }
TH=$(COOPSIM_MPI_STATS=1 secs "$prog" hypothesis $hcfg --series none --replicates $hyp_reps \
     --threads 1 "${q[@]}" -o "$out/th" 2>"$out/th.err")
# its statistics after the items (9 tasks a point: a single point's serial phase)
# "tasks cpu largest" of COOPSIM_MPI_STATS's statistics line in a file
stat_cost() { awk '/hypothesis statistics:/ { for (i = 1; i < NF; i++) {
                    if ($(i + 1) == "tasks" && $i ~ /^[0-9]+$/ && n == "") n = $i
                    if ($i == "s" && $(i + 1) == "of" && $(i + 2) == "CPU,") c = $(i - 1)
                    if ($i == "largest") l = $(i + 1) } }
                  END { print n, c, l }' "$1"; }
read -r TK TC TL < <(stat_cost "$out/th.err")
COOPSIM_HYP_PARTS=8 COOPSIM_MPI_STATS=1 "$prog" hypothesis $hcfg --series none --replicates $hyp_reps \
    --threads 1 "${q[@]}" -o "$out/th8" >/dev/null 2>"$out/th8.err"
read -r TK8 TC8 TL8 < <(stat_cost "$out/th8.err")
for f in hypothesis.csv channels.csv; do
    cmp -s "$out/th/$f" "$out/th8/$f" || { echo "FAIL: th8/$f differs (8 parts)"; exit 1; }
done
written() { cat "$1"/outcomes.csv "$1"/milestones.csv | wc -c; }
ws=$(written "$out/s_new"); wh=$(written "$out/h_new")
# The kernel's write here: CPU seconds per byte for 200 MB in 64 KiB writes.
wcpu=$( { /usr/bin/time -f "%U %S" dd if=/dev/zero of="$out/dd" bs=64k count=3000 2>&1 >/dev/null; } |
        tail -1 | awk '{ print ($1 + $2) / (3000 * 65536) }')
rm -f "$out/dd"
for kind in s h; do
    if [ $kind = s ]; then n=$items; T=$T1; wb=$ws; what="sweep ($cfg)"; else n=$hitems; T=$TH; wb=$wh; what="hypothesis ($hcfg --series none --replicates $hyp_reps)"; fi
    awk -v what="$what" -v t="$T" -v n="$n" -v h="$(med "${h[${kind}_new]}")" \
        -v hr="$(med "${h[${kind}_root]}")" -v ho="$(med "${h[${kind}_old]:-}")" \
        -v sw="$(med "${hw[${kind}_blk]:-}")" -v rm="$(med "${rm[${kind}_blk]:-}")" \
        -v sw1="$(med "${hw[${kind}_new]:-}")" -v rm1="$(med "${rm[${kind}_new]:-}")" \
        -v sg="$(med "${sg[${kind}_blk]:-}")" -v sg1="$(med "${sg[${kind}_new]:-}")" \
        -v swo="$(med "${hw[${kind}_old]:-}")" -v rmo="$(med "${rm[${kind}_old]:-}")" -v B="$bc" \
        -v pf="$(med "${pf[${kind}_blk]:-}")" -v bs="${b[${kind}_new]}" -v br="${b[${kind}_root]}" \
        -v bo="${b[${kind}_old]:-}" -v wb="$wb" -v wc="$wcpu" -v N="$nodes" -v T="$tpn" \
        -v o="$o_us" -v W="$w_gbs" -v kind="$kind" -v tt="$TH" -v tk="$TK" -v tc="$TC" -v tl="$TL" \
        -v tk8="$TK8" -v tc8="$TC8" -v tl8="$TL8" -v th="${TH_THREADS:-16}" \
        -v ss="$(med "${ss[$kind]:-}")" -v fm="$(med "${fm[$kind]:-}")" 'BEGIN {
        ti = t / n * 1e6; wr = wb / n;
        printf "%s: t_item %.1f us (one thread, start-up included)\n", what, ti;
        printf "  rank 0 per item, h (every item; rank 0 writes its own items'"'"' rows): %.3f us = t_item / %.0f", h, ti / h;
        printf "; rank 0 writing every row (COOPSIM_MPI_WRITE=root) %.3f us (root / new %.2f)", hr, hr / h;
        if (ho != "") printf "; previous implementation %.3f us (old / new %.2f)", ho, ho / h;
        printf "\n";
        hw = h;
        if (sg == "") sg = 0;
        if (sg1 == "") sg1 = 0;
        if (sw1 != "" && rm1 != "") {
            h1 = sw1 + (rm1 + sg1) / 16;
            printf "  h_w here (the worker'"'"'s blocks of 16 items): %.3f us sink + (%.2f us receive + %.2f us steering) per block / 16 = %.3f us = t_item / %.0f", sw1, rm1, sg1, h1, ti / h1;
            if (swo != "" && rmo != "") printf "; previous implementation, which counts no steering, %.3f us (old / new without it %.2f)", swo + rmo / 16, (swo + rmo / 16) / (sw1 + rm1 / 16);
            printf "\n";
        }
        if (sw != "" && rm != "") {
            hw = sw + (rm + sg) / B;
            printf "  rank 0 per item a worker ran at the cluster'"'"'s blocks (COOPSIM_MPI_BLOCK=%d), h_w: %.3f us sink + (%.2f us receive + %.2f us steering) per block / %d: %.3f us = t_item / %.0f (h_w / t_item %.6f, target <= 1/2000 = %.6f)\n", B, sw, rm, sg, B, hw, ti / hw, hw / ti, 1 / 2000;
        }
        if (pf == "") pf = 0;
        printf "  rank 0 point_done share of the wall time (checkpoints, summaries, statistics): %.1f%%\n", 100 * pf;
        printf "  bytes per item: rank 0 receives %d (rank 0 writing: %s, previous: %s), %d written; writing them costs %.2f us here (kernel write %.2f GB/s of CPU)\n", bs, br == "" ? "-" : br, bo == "" ? "-" : bo, wr, wr * wc * 1e6, 1e-9 / wc;
        root = (1 - pf) * ti / (N * T * hw); if (root > 1) root = 1;
        wk = ti / (ti + T * (o / B + bs / (W * 1e3)));
        printf "  on paper, %d nodes x %d threads: rank 0 bound %.1f%%, worker send %.1f%%: expected efficiency %.1f%% (target >= 80%%)\n", N, T, 100 * root, 100 * wk, 100 * root * wk;
        printf "  (rank 0 keeps up with (1 - p) t_item / h_w = %.0f threads in all; 80%% at %d x %d needs h_w <= %.3f us)\n", (1 - pf) * ti / hw, N, T, (1 - pf) * ti / (0.8 * N * T);
        if (sw != "") {
            hn = sw + sg / B + o / B + bs / (W * 1e3);
            rn = (1 - pf) * ti / (N * T * hn); if (rn > 1) rn = 1;
            printf "  with rank 0 receiving as the workers send (o / B + b / W = %.3f us instead of %.3f us measured here): h_w %.3f us = t_item / %.0f, expected efficiency %.1f%%\n", o / B + bs / (W * 1e3), rm / B, hn, ti / hn, 100 * rn * wk;
        }
        if (kind == "h" && ss != "") {
            if (fm == "") fm = 0;
            printf "  its statistics phase, rank 0 per item (2 ranks x 1 thread): %.3f us serial (assemble, write) + %.3f us the farm'"'"'s messages = %.3f us = t_item / %.0f (target <= 1/2000)\n", ss, fm, ss + fm, ti / (ss + fm);
        }
        if (kind == "h" && tc != "") {
            ti1 = tt - tc;
            printf "  its statistics after the items: %d tasks, %.3f s of CPU of the %.3f s one-thread run (%.0f%%), the largest %.3f s; split as on many threads (8 parts a comparison) %d tasks, %.3f s of CPU (x %.2f), the largest %.3f s\n", tk, tc, tt, 100 * tc / tt, tl, tk8, tc8, tc8 / tc, tl8;
            w1 = ti1 / th + (tc / th > tl ? tc / th : tl); w8 = ti1 / th + (tc8 / th > tl8 ? tc8 / th : tl8);
            printf "  one point on %d threads, about items / %d + max(statistics / %d, largest task): %.3f s unsplit (speed-up %.1f), %.3f s split (speed-up %.1f); on %d x %d the statistics alone take >= %.3f s, the items %.4f s: one point does not fill a cluster\n", th, th, th, w1, tt / w1, w8, tt / w8, N, T, tl8, ti1 / (N * T);
        }
    }'
done
# the sweep's h_w at the cluster's blocks, for the hypothesis sweep's items
hw_s=$(awk -v sw="$(med "${hw[s_blk]:-}")" -v rm="$(med "${rm[s_blk]:-}")" -v sg="$(med "${sg[s_blk]:-}")" -v B="$bc" \
       'BEGIN { if (sg == "") sg = 0; print (sw == "" || rm == "") ? "" : sw + (rm + sg) / B }')

# A hypothesis sweep's statistics: rank 0's cost per point (4. above).
hs_reps=${HSWEEP_REPLICATES:-20}
"$prog" hypothesis $cfg --series none --replicates "$hs_reps" --threads 2 "${q[@]}" -o "$out/hs" >/dev/null
hs_items=$(( 200 * hs_reps * 10 ))
declare -A hs
for k in $(seq "$repeat"); do
    COOPSIM_MPI_STATS=1 $mpirun -np 2 --bind-to none "$mprog" hypothesis $cfg --series none \
        --replicates "$hs_reps" --threads 1 --quiet --resume -o "$out/hs" >/dev/null 2>"$out/hs.err"
    read -r hk hc hl < <(stat_cost "$out/hs.err")
    hs[serial]+="$(awk '/hypothesis statistics:/ { print $(NF - 3) }' "$out/hs.err") "
    hs[m]+="$(awk '/farm tasks,/ { for (i = 1; i <= NF; i++) { if ($i == "of" && $(i + 1) == "them") r = $(i - 1)
                                   if ($i == "took") ms = $(i + 1) }
                                   print (r > 0 ? 1000 * ms / r : 0) }' "$out/hs.err") "
    hs[cpu]+="$hc "
done
awk -v s="$(med "${hs[serial]}")" -v m="$(med "${hs[m]}")" -v c="$(med "${hs[cpu]}")" -v k="$hk" \
    -v n="$hs_items" -v reps="$hs_reps" -v t1="$T1" -v ni="$items" -v hw="${hw_s:-}" -v N="$nodes" \
    -v T="$tpn" -v sreps="$sweep_reps" 'BEGIN {
    pts = 200; I = n / pts; ti = t1 / ni * 1e6; ts = c / n * 1e6; kp = k / pts; P = N * T;
    spt = s * I; if (hw == "") hw = 0;
    printf "hypothesis sweep ('"$cfg"', %d replicates x 10 worlds, %d items; the statistics again with --resume, mpirun -np 2 --threads 1, median of '"$repeat"'):\n", reps, n;
    printf "  statistics per item %.1f us of CPU (t_item %.1f us, from the sweep above); %.1f tasks a point; rank 0 per point: %.1f us of messages per task the workers ran (m) and %.1f us serial (s: %.3f us per item)\n", ts, ti, kp, m, spt, s;
    for (pass = 0; pass < 2; pass++) {
        R = pass ? reps : sreps; Ir = R * 10;
        it = Ir * (ti / P > hw ? ti / P : hw); st = Ir * ts / P; if (kp * m > st) st = kp * m;
        e = Ir * (ti + ts) / P / (it + st + spt);
        printf "  on paper, %d x %d, %d replicates a point (%d items): %.1f us a point against %.1f us ideal: efficiency %.1f%%\n", N, T, R, Ir, it + st + spt, Ir * (ti + ts) / P, 100 * e;
    }
    cap = (ti + ts) / P / ((ti / P > hw ? ti / P : hw) + ts / P);
    for (R = 10; R < 1e6; R = int(R * 1.1) + 1) {
        Ir = R * 10; it = Ir * (ti / P > hw ? ti / P : hw); st = Ir * ts / P; if (kp * m > st) st = kp * m;
        if (Ir * (ti + ts) / P / (it + st + spt) >= 0.8) break;
    }
    if (R < 1e6)
        printf "  80%% from about %d replicates a point (%d items: rank 0'"'"'s cost per point, m and s, is spread over them); at most %.1f%% with many\n", R, R * 10, 100 * cap;
    else
        printf "  80%% not reached: with many replicates a point the items'"'"' own bound (h_w %.3f us) caps it at %.1f%%\n", hw, 100 * cap;
}'
