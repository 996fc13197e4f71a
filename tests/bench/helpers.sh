#!/usr/bin/env bash
# The C helpers of make bench's scripts, built into DIR: kernel_time (kernel.sh; it
# links BUILD's objects, default build, those of build/coopsim but main.o),
# binom_ci (null_size.sh) and peak_rss (memory.sh).  make test builds them too
# (check-bench-helpers), so that a module which moves or splits cannot leave make
# bench unable to link: it did twice (dist_farm.c, coop_quantile_pair).
# Usage: tests/bench/helpers.sh DIR [BUILD]
set -euo pipefail
dir=$1
build=${2:-build}
mkdir -p "$dir"
# build/coopsim's sources: sim/*/*.c but the MPI flavour's own (the Makefile's MPIONLY)
mpionly=$(sed -n 's/^MPIONLY *:= *//p' Makefile)
objs=()
for c in sim/*/*.c; do
    case " $mpionly " in *" $c "*) continue ;; esac
    [ "$c" = sim/cli/main.c ] && continue
    o=${c#sim/}
    objs+=("$build/obj/${o%.c}.o")
done
# shellcheck disable=SC2046
cc -std=c11 -O2 -fopenmp -Iinclude $(pkg-config --cflags gsl libconfig) -o "$dir/kernel_time" \
    tests/bench/kernel_time.c "${objs[@]}" $(pkg-config --libs gsl libconfig) -lm
cc -std=c11 -O2 -Iinclude -o "$dir/binom_ci" tests/bench/binom_ci.c sim/analysis/paired.c \
    sim/base/stats.c sim/base/error.c -lgsl -lgslcblas -lm
cc -std=c11 -O2 -o "$dir/peak_rss" tests/bench/peak_rss.c
