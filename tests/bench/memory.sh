#!/usr/bin/env bash
# make bench: memory per node of the classic node-level models (issue 18 item 2,
# docs/ODD.md "Memory layout of node-level models").
#
# Whole-process peak resident memory (getrusage of the child, tests/bench/peak_rss.c)
# of `coopsim run` over one generation, divided by the node count, for
#   nowak_may   configs/classic/nowak_may.cfg (imitate_best, Moore, self; node kernel)
#   fermi       the same lattice with fermi imitation (K = 0.1; node kernel)
#   fermi_ba    configs/classic/fermi_ba.cfg on n = L^2 nodes (Barabasi-Albert, m = 2)
# at L = 1000 and L = 3000 (LS="1000 3000"), against the target of 64 bytes per
# node.  PREV=path/to/older/coopsim measures that program in the same run and
# prints the ratio new/previous.  A run is skipped, and says so, when its
# expected peak (the bytes per node measured at the first L times the nodes, plus
# 10%) exceeds MemAvailable: the 3000 x 3000 lattice needed about 5.5 GB in the
# layout before issue 18 item 2 (PREV; 14 GB before issue 18) and needs about 0.5 GB
# now (docs/ODD.md, "Memory layout of node-level models": 55-64 bytes per node).
# Last, the 10^8-node lattice (L = 10,000, one generation) runs only under the same
# guard (BIG=0 skips it): about 5.5 GB now, 61 GB in the layout before; it prints
# its peak, its bytes per node against the 64-byte target and its wall time (load,
# allocation and the one generation, on one thread).
set -euo pipefail
prog=${1:-build/coopsim}
prev=${PREV:-}
ls_list=${LS:-1000 3000}
target=64
out=$(mktemp -d /tmp/coopsim-bench-memory-XXXXXX)
trap 'rm -rf "$out"' EXIT
tests/bench/helpers.sh "$out" "$(dirname "$prog")" # peak_rss

avail() { # bytes of MemAvailable
    awk '/^MemAvailable:/ { printf "%.0f\n", $2 * 1024 }' /proc/meminfo
}

peak() { # program model L -> peak bytes (empty when the run failed)
    local p=$1 model=$2 L=$3 n=$(($3 * $3)) args
    case $model in
    nowak_may) args=(configs/classic/nowak_may.cfg --set network.L="$L") ;;
    fermi) args=(configs/classic/nowak_may.cfg --set network.L="$L" --set 'actor_template.rule="fermi"'
                 --set actor_template.rule_params.K=0.1 --set network.initial_c=0.5
                 --set domains.pd.T=1.05) ;;
    fermi_ba) args=(configs/classic/fermi_ba.cfg --set network.n="$n" --set experiment.replicates=1) ;;
    esac
    if "$out/peak_rss" "$p" run "${args[@]}" --set time.end=1 --threads 1 --quiet --force \
        -o "$out/run" >/dev/null 2>"$out/err"; then
        awk '/^peak_rss / { print $2 }' "$out/err"
    else
        echo "memory: $p $model L=$L failed: $(head -c 300 "$out/err")" >&2
    fi
}

echo "coopsim bench: peak memory per node, one generation (target <= $target bytes per node)"
declare -A per # bytes per node at the first L, per program and model: the guard's estimate
for L in $ls_list; do
    n=$((L * L))
    for model in nowak_may fermi fermi_ba; do
        line="" new=""
        for p in "$prog" ${prev:+"$prev"}; do
            est=${per[$p/$model]:-0}
            need=$(awk -v b="$est" -v n="$n" 'BEGIN { printf "%.0f\n", b * n * 1.1 }')
            if [ "$need" -gt "$(avail)" ]; then
                line="$line  $p: skipped (needs about $((need >> 30)) GiB, $(($(avail) >> 30)) GiB available)"
                continue
            fi
            b=$(peak "$p" "$model" "$L")
            [ -n "$b" ] || continue
            bpn=$(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.0f", b / n }')
            [ -n "${per[$p/$model]:-}" ] || per[$p/$model]=$bpn
            if [ "$p" = "$prog" ]; then
                new=$bpn
                line="$line  peak $((b >> 20)) MiB, $bpn B/node ($([ "$bpn" -le $target ] && echo met || echo NOT met))"
            else
                line="$line  previous: $bpn B/node${new:+, ratio new/previous $(awk -v a="$new" -v b="$bpn" 'BEGIN { printf "%.2f", a / b }')}"
            fi
        done
        echo "memory: $model L=$L ($n nodes):$line"
    done
done

if [ "${BIG:-1}" = 1 ]; then
    n=100000000
    est=${per[$prog/nowak_may]:-0}
    need=$(awk -v b="$est" -v n="$n" 'BEGIN { printf "%.0f\n", b * n * 1.1 }')
    if [ "$est" = 0 ] || [ "$need" -gt "$(avail)" ]; then
        echo "memory: nowak_may L=10000 (10^8 nodes): skipped (needs about $((need >> 30)) GiB at $est B/node, $(($(avail) >> 30)) GiB available; target: runs)"
    else
        b=$(peak "$prog" nowak_may 10000)
        if [ -n "$b" ]; then
            bpn=$(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.0f", b / n }')
            wall=$(awk '/^wall_s / { print $2 }' "$out/err")
            ok=$([ "$bpn" -le $target ] && echo met || echo NOT met)
            echo "memory: nowak_may L=10000 (10^8 nodes): runs (target: runs), peak" \
                "$((b >> 20)) MiB, $bpn B/node ($ok <= $target), ${wall} s for load and one generation"
        else
            echo "memory: nowak_may L=10000 (10^8 nodes): FAILED (target: runs)"
        fi
    fi
fi
